/** The CI stack matrix: dependency levels, environment filter, remote-state filter, role variables. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildMatrix, inVpcStacks } from "../tools/stack-matrix";
import { loadEnvironment } from "../src/config/load";
import { dev } from "../environments/dev";
import { dependencyLevels, readSynthOutput } from "../src/app/synth-output";
import { synthesizeAll } from "./helpers/synth";

/** Writes a fake cdktf output: stacks with dependencies, a backend and a provider region. */
function fakeOutput(stacks: Record<string, { deps?: string[]; backend?: string; region?: string }>): string {
  const outdir = mkdtempSync(join(tmpdir(), "matrix-"));
  const manifest: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(stacks)) {
    mkdirSync(join(outdir, "stacks", name), { recursive: true });
    const doc = {
      terraform: s.backend ? { backend: { [s.backend]: {} } } : {},
      provider: { aws: [{ region: s.region ?? "us-east-1" }, { alias: "peer", region: "eu-west-1" }] },
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
  const outdir = fakeOutput({
    "dev-global": { backend: "s3" },
    "dev-global-k8s": { backend: "s3", deps: ["dev-global"] },
    "dev-regional-uswest": { backend: "s3", deps: ["dev-global"], region: "us-west-2" },
    "dev-regional-uswest-k8s": { backend: "s3", deps: ["dev-regional-uswest"], region: "us-west-2" },
  });

  it("sends each in-cluster stack to its plane's in-VPC runner, everything else to GitHub-hosted runners", () => {
    const runners = inVpcStacks([loadEnvironment(dev, "environments/dev.ts")]);
    expect([...runners]).toEqual([
      ["dev-global-k8s", "cdn-dev-global-gha-runner"],
      ["dev-regional-uswest-k8s", "cdn-dev-regional-uswest-gha-runner"],
    ]);
    const matrix = buildMatrix(readSynthOutput(outdir), { inVpcStacks: runners });
    expect(matrix.include.map((e) => [e.stack, e.runner])).toEqual([
      ["dev-global", ""],
      ["dev-global-k8s", "cdn-dev-global-gha-runner"],
      ["dev-regional-uswest", ""],
      ["dev-regional-uswest-k8s", "cdn-dev-regional-uswest-gha-runner"],
    ]);
    expect(buildMatrix(readSynthOutput(outdir), { inVpcStacks: runners, runner: "hosted" }).include.map((e) => e.stack)).toEqual(["dev-global", "dev-regional-uswest"]);
    expect(buildMatrix(readSynthOutput(outdir), { inVpcStacks: runners, runner: "in-vpc" }).include.map((e) => e.stack)).toEqual(["dev-global-k8s", "dev-regional-uswest-k8s"]);
  });

  it("leaves in-cluster stacks out, with the reason, when the environment has no runners", () => {
    const raw = structuredClone(dev) as any;
    raw.access.ciRunners = { enabled: false };
    const runners = inVpcStacks([loadEnvironment(raw, "environments/dev.ts")]);
    const matrix = buildMatrix(readSynthOutput(outdir), { inVpcStacks: runners });
    expect(matrix.include.map((e) => e.stack)).toEqual(["dev-global", "dev-regional-uswest"]);
    expect(matrix.skipped).toEqual([
      { stack: "dev-global-k8s", reason: expect.stringContaining("no in-VPC runner (access.ciRunners.enabled is false)") },
      { stack: "dev-regional-uswest-k8s", reason: expect.stringContaining("npm run tunnel") },
    ]);
  });
});
