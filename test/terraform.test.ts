/**
 * The strongest proof we have: real Terraform (`init` + `validate` + offline `plan`) on every global,
 * regional and bootstrap stack of every environment; regional stacks plan against stub state for their
 * cross-stack inputs (placeholder ids), global and bootstrap stacks need none.
 * Skipped, loudly, on a machine without terraform or the provider mirror.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkStacks, formatResults, graphReach, unavailableReason } from "../tools/terraform-check";
import { allEnvironments, stack, synthesizeAll } from "./helpers/synth";

const reason = unavailableReason();
if (reason) console.warn(`!!! TERRAFORM VALIDATION SKIPPED: ${reason} !!!`);

describe.skipIf(reason !== undefined)("real terraform", () => {
  it("validates and plans every AWS-only stack (regional ones with stubbed cross-stack inputs)", { timeout: 900_000 }, () => {
    const synth = synthesizeAll();
    const envs = allEnvironments();
    const awsOnly = envs.flatMap((e) => [`${e.name}-bootstrap`, `${e.name}-global`, ...e.regions.map((r) => `${e.name}-regional-${r.key}`)]);
    const graphed = awsOnly.filter((n) => !n.endsWith("-bootstrap"));
    const results = checkStacks({ outdir: synth.outdir, workdir: mkdtempSync(join(tmpdir(), "cdn-tf-")), stacks: awsOnly, graph: graphed });
    const table = formatResults(results);
    expect(results.filter((r) => r.status === "failed"), table).toEqual([]);
    for (const name of awsOnly) {
      const result = results.find((r) => r.stack === name);
      expect(result?.status, `${name}\n${table}`).toBe("planned");
      expect(result?.toAdd ?? 0, name).toBeGreaterThan(10);
      // Only regional stacks read other stacks' state; global and bootstrap plan with real inputs only.
      expect(result?.detail === undefined, name).toBe(!name.includes("-regional-"));
    }
    // Terraform's own graph orders every resource that takes a cluster_name after the cluster (a literal
    // name would leave e.g. the load balancer controller's Pod Identity association unordered).
    for (const name of graphed) {
      const graph = results.find((r) => r.stack === name)?.graph ?? "";
      const takers = Object.entries(stack(synth, name).resource ?? {}).flatMap(([type, byName]) =>
        Object.entries(byName as Record<string, Record<string, unknown>>).filter(([, c]) => "cluster_name" in c).map(([n]) => `${type}.${n}`),
      );
      expect(takers.length, name).toBeGreaterThanOrEqual(5);
      for (const address of takers) expect([...graphReach(graph, address)].some((a) => a.startsWith("aws_eks_cluster.")), `${name}: ${address}`).toBe(true);
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
