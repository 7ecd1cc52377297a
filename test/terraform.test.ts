/**
 * The strongest proof we have: real Terraform (`plan`, which runs `validate`'s checks first) on every
 * global, regional and bootstrap stack of every environment, offline; regional stacks plan against stub
 * state for their cross-stack inputs (placeholder ids), global and bootstrap stacks need none. A fixture
 * with an invalid argument proves that a configuration error fails the check.
 * Skipped, loudly, on a machine without terraform or the provider mirror (a failure in CI, where
 * CDN_REQUIRE_REAL_SERVERS=1). Progress: one line per stack as it finishes.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkStacks, formatProgress, formatResults, graphReach, unavailableReason } from "../tools/terraform-check";
import { allEnvironments, stack, synthesizeAll } from "./helpers/synth";

const reason = unavailableReason();
if (reason) {
  if (process.env.CDN_REQUIRE_REAL_SERVERS === "1") throw new Error(`real terraform is required here (CDN_REQUIRE_REAL_SERVERS=1): ${reason}`);
  console.warn(`!!! TERRAFORM VALIDATION SKIPPED: ${reason} !!!`);
}

/**
 * A one-stack output with an error that only validation finds (a reference to a resource that is not
 * declared): the check must fail it. No provider, so it costs no provider start.
 */
function invalidFixture(dir: string): string {
  const stackDir = join(dir, "stacks", "broken");
  mkdirSync(stackDir, { recursive: true });
  writeFileSync(join(stackDir, "cdk.tf.json"), JSON.stringify({ terraform: {}, output: { bucket: { value: "${aws_s3_bucket.missing.id}" } } }));
  writeFileSync(join(dir, "manifest.json"), JSON.stringify({ stacks: { broken: { name: "broken", workingDirectory: "stacks/broken", synthesizedStackPath: "stacks/broken/cdk.tf.json", dependencies: [] } } }));
  return dir;
}

const scratch = mkdtempSync(join(tmpdir(), "cdn-tf-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(reason !== undefined)("real terraform", () => {
  it("plans (and so validates) every AWS-only stack, regional ones with stubbed cross-stack inputs; an invalid config fails", { timeout: 900_000 }, async () => {
    const synth = synthesizeAll();
    const envs = allEnvironments();
    const awsOnly = envs.flatMap((e) => [`${e.name}-bootstrap`, `${e.name}-global`, ...e.regions.map((r) => `${e.name}-regional-${r.key}`)]);
    expect(awsOnly.length).toBeGreaterThanOrEqual(envs.length * 3);
    // `terraform graph` loads the AWS provider's schema once more per stack: it runs on prod-global,
    // and every other plane stack is shown below to take the cluster name by the same expression (the
    // same Cluster construct builds every plane's cluster).
    const planes = awsOnly.filter((n) => !n.endsWith("-bootstrap"));
    const graphed = ["prod-global"];
    expect(planes).toEqual(expect.arrayContaining(graphed));
    const progress = (r: Parameters<typeof formatProgress>[0], done: number, total: number) => console.log(`[terraform] ${formatProgress(r, done, total)}`);
    const [results, invalid] = await Promise.all([
      checkStacks({ outdir: synth.outdir, stacks: awsOnly, onResult: progress, tmpRoot: scratch, graph: graphed }),
      checkStacks({ outdir: invalidFixture(join(scratch, "invalid")), concurrency: 1, tmpRoot: scratch }),
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
    expect(invalid).toHaveLength(1);
    expect(invalid[0].status).toBe("failed");
    expect(invalid[0].detail).toMatch(/Reference to undeclared resource[\s\S]*"aws_s3_bucket" "missing"/);
    // The temporary copies are gone.
    expect(readdirSync(scratch).filter((d) => d.startsWith("cdn-tf-"))).toEqual([]);
    // Terraform's own graph orders every resource that takes a cluster_name after the cluster (a literal
    // name would leave e.g. the load balancer controller's Pod Identity association unordered).
    const takers = (name: string) =>
      Object.entries(stack(synth, name).resource ?? {}).flatMap(([type, byName]) =>
        Object.entries(byName as Record<string, Record<string, unknown>>)
          .filter(([, c]) => "cluster_name" in c)
          .map(([n, c]) => ({ type, address: `${type}.${n}`, value: c.cluster_name })),
      );
    for (const name of graphed) {
      const graph = results.find((r) => r.stack === name)?.graph ?? "";
      const taking = takers(name);
      expect(taking.length, name).toBeGreaterThanOrEqual(5);
      for (const { address } of taking) expect([...graphReach(graph, address)].some((a) => a.startsWith("aws_eks_cluster.")), `${name}: ${address}`).toBe(true);
    }
    // Every other plane stack has the same kinds of takers as prod-global, each taking the name by the
    // same reference to the cluster that the graph follows there.
    const reference = takers("prod-global");
    expect(String(reference[0].value)).toMatch(/^\$\{aws_eks_cluster\.[^.]+\.name\}$/);
    const others = planes.filter((n) => !graphed.includes(n));
    expect(others.length).toBeGreaterThanOrEqual(envs.length * 2 - 1);
    for (const name of others) {
      const taking = takers(name);
      expect(taking.length, name).toBeGreaterThanOrEqual(5);
      expect(new Set(taking.map((t) => t.type)), name).toEqual(new Set(reference.map((t) => t.type)));
      for (const t of taking) expect(t.value, `${name}: ${t.address}`).toBe(reference[0].value);
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
