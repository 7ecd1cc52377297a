/**
 * The strongest proof we have: real Terraform (`plan`, which runs `validate`'s checks first) on every
 * global, regional and bootstrap stack of every environment, offline; regional stacks plan against stub
 * state for their cross-stack inputs (placeholder ids), global and bootstrap stacks need none. Stacks
 * are planned in groups, as modules of one configuration; provider-less fixtures prove that a
 * configuration error fails the check and is reported against its own stack, and that an output
 * leaking a sensitive value fails inside a group as it does in a stack of its own.
 * Skipped, loudly, on a machine without terraform or the provider mirror (a failure in CI, where
 * CDN_REQUIRE_REAL_SERVERS=1). Progress: one line per stack as it finishes.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { balancedGroups, checkStacks, formatProgress, formatResults, graphReach, moduleGraph, unavailableReason } from "../tools/terraform-check";
import { allEnvironments, stack, synthesizeAll } from "./helpers/synth";

const reason = unavailableReason();
if (reason) {
  if (process.env.CDN_REQUIRE_REAL_SERVERS === "1") throw new Error(`real terraform is required here (CDN_REQUIRE_REAL_SERVERS=1): ${reason}`);
  console.warn(`!!! TERRAFORM VALIDATION SKIPPED: ${reason} !!!`);
}

/**
 * A cdktf output directory of provider-less stacks (no provider start, so they cost little): each
 * entry is a stack name and its Terraform JSON.
 */
function fixture(dir: string, stacks: Record<string, object>): string {
  const manifest: Record<string, object> = {};
  for (const [name, config] of Object.entries(stacks)) {
    mkdirSync(join(dir, "stacks", name), { recursive: true });
    writeFileSync(join(dir, "stacks", name, "cdk.tf.json"), JSON.stringify(config));
    manifest[name] = { name, workingDirectory: `stacks/${name}`, synthesizedStackPath: `stacks/${name}/cdk.tf.json`, dependencies: [] };
  }
  writeFileSync(join(dir, "manifest.json"), JSON.stringify({ stacks: manifest }));
  return dir;
}
/** An error only validation finds: a reference to a resource that is not declared. */
const BROKEN = { terraform: {}, output: { bucket: { value: "${aws_s3_bucket.missing.id}" } } };
/** Valid: one output. */
const FINE = { terraform: {}, output: { greeting: { value: "hello" } } };
/** Valid, without outputs. */
const QUIET = { terraform: {}, locals: { greeting: "hello" } };
/** An output carrying a sensitive value without `sensitive = true`: Terraform refuses it at a root module. */
const LEAKY = { terraform: {}, variable: { token: { type: "string", default: "s3cr3t", sensitive: true } }, output: { token: { value: "${var.token}" } } };

const scratch = mkdtempSync(join(tmpdir(), "cdn-tf-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(reason !== undefined)("real terraform", () => {
  it("plans (and so validates) every AWS-only stack, regional ones with stubbed cross-stack inputs; an invalid config fails", { timeout: 900_000 }, async () => {
    const synth = synthesizeAll();
    const envs = allEnvironments();
    const awsOnly = envs.flatMap((e) => [`${e.name}-bootstrap`, `${e.name}-global`, ...e.regions.map((r) => `${e.name}-regional-${r.key}`)]);
    expect(awsOnly.length).toBeGreaterThanOrEqual(envs.length * 3);
    // `terraform graph` runs once per group of stacks, on the configuration the group was planned as.
    const planes = awsOnly.filter((n) => !n.endsWith("-bootstrap"));
    const progress = (r: Parameters<typeof formatProgress>[0], done: number, total: number) => console.log(`[terraform] ${formatProgress(r, done, total)}`);
    const [results, broken, leaky, quiet] = await Promise.all([
      checkStacks({ outdir: synth.outdir, stacks: awsOnly, onResult: progress, tmpRoot: scratch, graph: planes }),
      // Each fixture is one group (concurrency 1): it fails as a whole, then every stack is planned alone.
      checkStacks({ outdir: fixture(join(scratch, "broken"), { broken: BROKEN, fine: FINE }), concurrency: 1, tmpRoot: scratch }),
      checkStacks({ outdir: fixture(join(scratch, "leaky"), { leaky: LEAKY, fine: FINE }), concurrency: 1, tmpRoot: scratch }),
      checkStacks({ outdir: fixture(join(scratch, "quiet"), { one: QUIET, two: QUIET }), concurrency: 1, tmpRoot: scratch }),
    ]);
    const table = formatResults(results);
    expect(results.map((r) => r.stack).sort(), table).toEqual([...awsOnly].sort());
    expect(results.filter((r) => r.status === "failed"), table).toEqual([]);
    for (const name of awsOnly) {
      const result = results.find((r) => r.stack === name);
      expect(result?.status, `${name}\n${table}`).toBe("planned");
      expect(result?.toAdd ?? 0, name).toBeGreaterThan(10);
      // Only regional stacks read other stacks' state; global and bootstrap plan with real inputs only.
      expect(result?.detail === undefined, name).toBe(!name.includes("-regional-"));
    }
    // The stacks really were planned in groups (several stacks in one configuration).
    expect(Math.max(...results.map((r) => r.together ?? 1)), table).toBeGreaterThanOrEqual(2);
    // A failing group: the error is reported against its own stack, and the valid stack still plans.
    expect(broken.map((r) => [r.stack, r.status])).toEqual([["broken", "failed"], ["fine", "planned"]]);
    expect(broken[0].detail).toMatch(/Reference to undeclared resource[\s\S]*"aws_s3_bucket" "missing"/);
    // An output leaking a sensitive value fails its group (the root re-export), then its own plan.
    expect(leaky.map((r) => [r.stack, r.status])).toEqual([["fine", "planned"], ["leaky", "failed"]]);
    expect(leaky[1].detail).toMatch(/Output refers to sensitive values/);
    // Stacks without outputs plan together too.
    expect(quiet.map((r) => [r.stack, r.status, r.together])).toEqual([["one", "planned", 2], ["two", "planned", 2]]);
    // The temporary copies are gone.
    expect(readdirSync(scratch).filter((d) => d.startsWith("cdn-tf-"))).toEqual([]);
    // Terraform's own graph orders every resource that takes a cluster_name after the cluster (a literal
    // name would leave e.g. the load balancer controller's Pod Identity association unordered).
    const takers = (name: string) =>
      Object.entries(stack(synth, name).resource ?? {}).flatMap(([type, byName]) =>
        Object.entries(byName as Record<string, Record<string, unknown>>)
          .filter(([, c]) => "cluster_name" in c)
          .map(([n]) => ({ address: `${type}.${n}` })),
      );
    expect(planes.length).toBeGreaterThanOrEqual(envs.length * 2);
    for (const name of planes) {
      const graph = results.find((r) => r.stack === name)?.graph ?? "";
      const taking = takers(name);
      expect(taking.length, name).toBeGreaterThanOrEqual(5);
      for (const { address } of taking) expect([...graphReach(graph, address)].some((a) => a.startsWith("aws_eks_cluster.")), `${name}: ${address}`).toBe(true);
    }
  });
});

describe("graphReach", () => {
  // Shapes of `terraform graph` output (1.11): before the fix the controller's association named the
  // cluster by a literal and had no path to it; the workload's association had one.
  const dot = [
    'digraph G {',
    '  "aws_eks_pod_identity_association.controller" -> "aws_iam_role.controller";',
    '  "aws_eks_pod_identity_association.workload" -> "aws_iam_role.workload";',
    '  "aws_iam_role.workload" -> "aws_eks_cluster.cluster";',
    '}',
  ].join("\n");

  it("follows edges transitively and finds nothing for an unordered resource", () => {
    expect([...graphReach(dot, "aws_eks_pod_identity_association.workload")]).toEqual(["aws_iam_role.workload", "aws_eks_cluster.cluster"]);
    expect([...graphReach(dot, "aws_eks_pod_identity_association.controller")]).toEqual(["aws_iam_role.controller"]);
  });
});

describe("moduleGraph", () => {
  // A `terraform graph` of a group (1.11): each module's nodes carry its address as a prefix.
  const dot = [
    "digraph G {",
    '  subgraph "cluster_module.prod-global" {',
    '    "module.prod-global.aws_eks_access_entry.ci" [label="aws_eks_access_entry.ci"];',
    "  }",
    '  "module.prod-global.aws_eks_access_entry.ci" -> "module.prod-global.aws_eks_cluster.cluster";',
    '  "module.prod-global.aws_eks_cluster.cluster" -> "module.prod-global.aws_iam_role.cluster";',
    '  "module.prod-global-k8s.helm_release.x" -> "module.prod-global-k8s.aws_eks_cluster.y";',
    '  "module.dev-global.aws_eks_access_entry.ci" -> "module.dev-global.aws_eks_cluster.cluster";',
    "}",
  ].join("\n");

  it("keeps one module's edges, named as in the stack's own graph, and nothing of a module whose name it prefixes", () => {
    const own = moduleGraph(dot, "prod-global");
    expect([...graphReach(own, "aws_eks_access_entry.ci")]).toEqual(["aws_eks_cluster.cluster", "aws_iam_role.cluster"]);
    expect(own).not.toContain("helm_release");
    expect(own).not.toContain("module.");
  });
});

describe("balancedGroups", () => {
  const item = (stack: string, size: number) => ({ stack, size });

  it("splits by size into at most the given number of groups, heaviest first into the lightest group", () => {
    const items = [item("a-bootstrap", 35), item("a-global", 210), item("a-regional", 190), item("b-bootstrap", 35), item("b-global", 220), item("b-regional", 200)];
    const groups = balancedGroups(items, 2, (i) => i.size);
    expect(groups.map((g) => g.map((i) => i.stack))).toEqual([
      ["a-bootstrap", "a-regional", "b-global"],
      ["a-global", "b-bootstrap", "b-regional"],
    ]);
    expect(groups.map((g) => g.reduce((n, i) => n + i.size, 0))).toEqual([445, 445]);
  });

  it("spreads weightless items by count, and never makes an empty group", () => {
    expect(balancedGroups([item("x", 0), item("y", 0), item("z", 0)], 2, (i) => i.size).map((g) => g.length)).toEqual([2, 1]);
    expect(balancedGroups([item("x", 5)], 4, (i) => i.size)).toEqual([[item("x", 5)]]);
    expect(balancedGroups([], 2, (i: { stack: string; size: number }) => i.size)).toEqual([]);
  });
});
