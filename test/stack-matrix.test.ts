/** The CI stack matrix: dependency levels, environment filter, remote-state filter, role variables. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nonEmpty } from "./helpers/assert";
import { describe, expect, it } from "vitest";
import { BOOTSTRAP_REASON, buildMatrix, HOSTED_RUNNER, NO_RUNNER_REASON, runnerProjectFor, stateLocations } from "../tools/stack-matrix";
import { dependencyLevels, readSynthOutput } from "../src/app/synth-output";
import { synthesizeAll } from "./helpers/synth";

/** Writes a fake cdktf output: stacks with dependencies, a backend and a provider region. */
function fakeOutput(stacks: Record<string, { deps?: string[]; backend?: string; region?: string; k8s?: boolean; runnerProject?: string }>): string {
  const outdir = mkdtempSync(join(tmpdir(), "matrix-"));
  const manifest: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(stacks)) {
    mkdirSync(join(outdir, "stacks", name), { recursive: true });
    const doc = {
      terraform: s.backend ? { backend: { [s.backend]: {} } } : {},
      provider: {
        aws: [{ region: s.region ?? "us-east-1" }, { alias: "peer", region: "eu-west-1" }],
        ...(s.k8s ? { kubernetes: [{}], helm: [{}] } : {}),
      },
      ...(s.runnerProject ? { resource: { aws_codebuild_project: { runner: { name: s.runnerProject } } } } : {}),
    };
    writeFileSync(join(outdir, "stacks", name, "cdk.tf.json"), JSON.stringify(doc));
    manifest[name] = { name, dependencies: s.deps ?? [], workingDirectory: `stacks/${name}`, synthesizedStackPath: `stacks/${name}/cdk.tf.json` };
  }
  writeFileSync(join(outdir, "manifest.json"), JSON.stringify({ stacks: manifest }));
  return outdir;
}

describe("dependencyLevels", () => {
  it("puts every stack one level below its deepest dependency", () => {
    const levels = dependencyLevels(
      new Map([
        ["c-k8s", ["c"]],
        ["c", ["a"]],
        ["a", []],
        ["b", []],
        ["a-k8s", ["a"]],
      ]),
    );
    expect(levels).toEqual([["a", "b"], ["a-k8s", "c"], ["c-k8s"]]);
  });

  it("rejects a cycle, naming it", () => {
    expect(() => dependencyLevels(new Map([["a", ["b"]], ["b", ["a"]]]))).toThrow(/cycle: a -> b -> a/);
  });
});

describe("buildMatrix", () => {
  it("orders the real synthesized stacks so every stack comes after its dependencies", () => {
    const synth = synthesizeAll();
    const matrix = buildMatrix(readSynthOutput(synth.outdir));
    const position = new Map(matrix.include.map((e, i) => [e.stack, i]));
    expect(matrix.include).toHaveLength(Object.keys(synth.manifest.stacks).length);
    for (const [name, info] of Object.entries(synth.manifest.stacks)) {
      for (const dep of info.dependencies) expect(position.get(dep)!, `${dep} before ${name}`).toBeLessThan(position.get(name)!);
    }
    const prodRegional = matrix.include.find((e) => e.stack === "prod-regional-uswest")!;
    expect(prodRegional).toMatchObject({ environment: "prod", region: "us-west-2", backend: "s3", roleVariable: "AWS_PLAN_ROLE_ARN_PROD", level: 1 });
    expect(prodRegional.directory).toBe("cdktf.out/stacks/prod-regional-uswest");
  });

  it("filters environments, leaves out local-state stacks when asked, and names the role variable", () => {
    const outdir = fakeOutput({
      "dev-global": { backend: "local" },
      "prod-bootstrap": { backend: "local" },
      "prod-global": { backend: "s3" },
      "prod-regional-uswest": { backend: "s3", deps: ["prod-global"], region: "us-west-2" },
      "prod-regional-uswest-k8s": { backend: "s3", deps: ["prod-regional-uswest"], region: "us-west-2" },
    });
    const matrix = buildMatrix(readSynthOutput(outdir), { environments: ["prod"], remoteStateOnly: true, rolePrefix: "AWS_DEPLOY_ROLE_ARN" });
    expect(matrix.include.map((e) => e.stack)).toEqual(["prod-global", "prod-regional-uswest", "prod-regional-uswest-k8s"]);
    expect(matrix.levels).toEqual([["prod-global"], ["prod-regional-uswest"], ["prod-regional-uswest-k8s"]]);
    expect(matrix.skipped.map((s) => s.stack)).toEqual(["prod-bootstrap"]);
    expect(matrix.include[0].roleVariable).toBe("AWS_DEPLOY_ROLE_ARN_PROD");
    expect(matrix.include[1].region).toBe("us-west-2");
  });

  it("treats a stack without a backend block as local", () => {
    const outdir = fakeOutput({ "dev-x": {} });
    expect(buildMatrix(readSynthOutput(outdir), { remoteStateOnly: true }).include).toEqual([]);
    expect(buildMatrix(readSynthOutput(outdir)).include[0].backend).toBe("local");
  });
});

describe("runners", () => {
  it("runs AWS-only stacks on GitHub-hosted runners and in-cluster stacks on their plane's CodeBuild runner", () => {
    const outdir = fakeOutput({
      "prod-global": { backend: "s3", runnerProject: "cdn-prod-global-gha-runner" },
      "prod-global-k8s": { backend: "s3", deps: ["prod-global"], k8s: true },
      "prod-regional-uswest": { backend: "s3", deps: ["prod-global"], region: "us-west-2" },
      "prod-regional-uswest-k8s": { backend: "s3", deps: ["prod-regional-uswest"], region: "us-west-2", k8s: true },
    });
    const matrix = buildMatrix(readSynthOutput(outdir), { runners: { runId: "1234", runAttempt: "2" } });
    expect(matrix.include.map((e) => [e.stack, e.runner])).toEqual([
      ["prod-global", HOSTED_RUNNER],
      ["prod-global-k8s", "codebuild-cdn-prod-global-gha-runner-1234-2"],
      ["prod-regional-uswest", HOSTED_RUNNER],
    ]);
    // The regional plane declares no runner project yet: its in-cluster stack is listed, not failed.
    expect(matrix.skipped).toHaveLength(1);
    expect(matrix.skipped[0].stack).toBe("prod-regional-uswest-k8s");
    expect(matrix.skipped[0].reason).toBe(`${NO_RUNNER_REASON} (no stack of prod declares the CodeBuild runner project cdn-prod-regional-uswest-gha-runner; the cluster API is private)`);
    // Without the option nothing changes: no runner field, nothing skipped.
    const plain = buildMatrix(readSynthOutput(outdir));
    expect(nonEmpty(plain.include, "matrix entries").every((e) => e.runner === undefined)).toBe(true);
    expect(plain.include).toHaveLength(4);
  });

  it("names the runner project by the naming convention of each plane", () => {
    expect(runnerProjectFor("dev-global-k8s")).toBe("cdn-dev-global-gha-runner");
    expect(runnerProjectFor("staging-regional-euwest-k8s")).toBe("cdn-staging-regional-euwest-gha-runner");
  });

  it("sends the real synthesized in-cluster stacks to their plane's in-VPC runner (every environment declares runner projects)", () => {
    const synth = synthesizeAll();
    const matrix = buildMatrix(readSynthOutput(synth.outdir), { remoteStateOnly: true, runners: { runId: "7", runAttempt: "2" } });
    const k8s = Object.keys(synth.manifest.stacks).filter((s) => s.endsWith("-k8s"));
    expect(k8s.length).toBeGreaterThan(0);
    expect(matrix.skipped.filter((s) => s.reason.startsWith(NO_RUNNER_REASON))).toEqual([]);
    for (const stack of k8s) expect(matrix.include.find((e) => e.stack === stack)?.runner, stack).toBe(`codebuild-${runnerProjectFor(stack)}-7-2`);
    for (const e of matrix.include.filter((x) => !x.stack.endsWith("-k8s"))) expect(e.runner, e.stack).toBe(HOSTED_RUNNER);
    const locations = stateLocations(readSynthOutput(synth.outdir), matrix);
    expect(locations.find((l) => l.environment === "dev")).toEqual({
      environment: "dev",
      bucket: "cdn-tfstate-dev-111111111111",
      prefix: "cdn-control-plane",
      region: "us-east-1",
      roleVariable: "AWS_PLAN_ROLE_ARN_DEV",
    });
  });

  it("leaves the bootstrap stacks out of deploys even once their state is in S3, and keeps them in plans", async () => {
    const { loadEnvironment } = await import("../src/config/load");
    const { ENVIRONMENTS } = await import("../environments");
    const { synthesize } = await import("./helpers/synth");
    const env = structuredClone(ENVIRONMENTS.prod.data) as any;
    env.state.bootstrapBackend = "s3";
    const out = readSynthOutput(synthesize([loadEnvironment(env, "environments/prod.ts (copy)")]).outdir);
    expect(buildMatrix(out, { remoteStateOnly: true }).include.map((e) => e.stack)).toContain("prod-bootstrap");
    const deploy = buildMatrix(out, { remoteStateOnly: true, withoutBootstrap: true });
    expect(deploy.include.length).toBeGreaterThan(0);
    expect(deploy.include.map((e) => e.stack)).not.toContain("prod-bootstrap");
    expect(deploy.skipped).toContainEqual({ stack: "prod-bootstrap", reason: BOOTSTRAP_REASON });
  });
});
