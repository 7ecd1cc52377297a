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
    expect(files.map((f) => f.split("/").pop())).toEqual(["deploy-environment.yml", "deploy.yml", "drift.yml", "plan.yml", "renovate.yml"]);
    expect(problems).toEqual([]);
  });

  it("plan: OIDC per job, Terraform 1.11.4, one comment found by its marker", () => {
    const plan = read("plan.yml");
    expect(plan).toMatch(/^on:\n {2}pull_request:/m);
    expect(plan).toContain('TERRAFORM_VERSION: "1.11.4"');
    expect(plan).toContain("role-to-assume: ${{ vars[matrix.roleVariable] }}");
    expect(plan).toMatch(/permissions:\n {6}contents: read\n {6}id-token: write/);
    expect(plan).toContain("<!-- cdn-infra-plan-comment -->");
    expect(plan).toContain("matrix: ${{ fromJSON(needs.build.outputs.matrix) }}");
    expect(plan).not.toMatch(/aws-access-key-id|aws-secret-access-key/);
  });

  it("deploy: dev, then staging, then prod, each in its GitHub environment and never two at once", () => {
    const deploy = read("deploy.yml");
    expect(deploy).toMatch(/staging:\n(.*\n)*? {4}needs: dev\n/);
    expect(deploy).toMatch(/prod:\n(.*\n)*? {4}needs: staging\n/);
    for (const env of ["DEV", "STAGING", "PROD"]) expect(deploy).toContain(`vars.AWS_DEPLOY_ROLE_ARN_${env}`);
    const reusable = read("deploy-environment.yml");
    expect(reusable).toContain("environment: ${{ inputs.environment }}");
    expect(reusable).toMatch(/concurrency:\n {6}group: deploy-\$\{\{ inputs.environment \}\}\n {6}cancel-in-progress: false/);
    expect(reusable).toContain("--remote-state-only");
  });
});

describe("private clusters: in-cluster jobs on the in-VPC runners (docs/decisions/0007)", () => {
  const RUNS_ON_MATRIX = "runs-on: ${{ matrix.runner != '' && format('codebuild-{0}-{1}-{2}', matrix.runner, github.run_id, github.run_attempt) || 'ubuntu-24.04' }}";

  it("plan: each stack's job runs where its matrix entry says", () => {
    expect(read("plan.yml")).toContain(RUNS_ON_MATRIX);
  });

  it("deploy: AWS stacks on GitHub-hosted runners, then each in-cluster stack on its runner, still with the deploy role", () => {
    const reusable = read("deploy-environment.yml");
    expect(reusable).toContain("--remote-state-only --runner hosted --format lines");
    expect(reusable).toContain("--remote-state-only --runner in-vpc --format github");
    const inVpc = reusable.slice(reusable.indexOf("  deploy-in-vpc:"));
    expect(inVpc).toContain("needs: deploy");
    expect(inVpc).toContain("runs-on: codebuild-${{ matrix.runner }}-${{ github.run_id }}-${{ github.run_attempt }}");
    expect(inVpc).toContain("environment: ${{ inputs.environment }}");
    expect(inVpc).toContain("role-to-assume: ${{ inputs.role-to-assume }}");
    expect(inVpc).toMatch(/permissions:\n {6}contents: read\n {6}id-token: write\n/);
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
    expect(job("build")).toContain("--role-prefix AWS_PLAN_ROLE_ARN");
    expect(job("drift")).toContain(RUNS_ON_ANY);
  });

  it("grants issues: write to the one reporting job only", () => {
    expect(drift.match(/issues: write/g)).toHaveLength(1);
    expect(job("report")).toContain("issues: write");
    expect(job("report")).toContain('const marker = "<!-- cdn-drift-report -->";');
  });
});

const RUNS_ON_ANY = "runs-on: ${{ matrix.runner != '' && format('codebuild-{0}-{1}-{2}', matrix.runner, github.run_id, github.run_attempt) || 'ubuntu-24.04' }}";

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
