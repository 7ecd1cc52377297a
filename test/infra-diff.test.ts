/**
 * The offline infrastructure diff: the engine on synthesized JSON trees (hand-made and real). End to
 * end on fixture git repositories: test/infra-diff-e2e.test.ts.
 */
import { describe, expect, it } from "vitest";
import { nonEmpty } from "./helpers/assert";
import { diffOutputs, diffStack, diffValues, formatDiff, type StackTree } from "../tools/infra-diff";
import { replacementRisk } from "../tools/replacement-rules";
import type { TfDocument } from "../src/app/synth-output";
import { allEnvironments, synthesizeAll } from "./helpers/synth";
import { synthesize } from "./helpers/synthesize";

const meta = (path: string) => ({ "//": { metadata: { path, uniqueId: path.split("/").pop() } } });

/** A small plane-like stack: a VPC, a cluster and a node group of the given size. */
function planeDoc(options: { desired?: number; cidr?: string; extra?: Record<string, Record<string, unknown>> } = {}): TfDocument {
  return {
    "//": { metadata: { version: "0.21.0", stackName: "prod-global" } },
    terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } }, backend: { s3: { bucket: "b", key: "k" } } },
    provider: { aws: [{ region: "us-east-1" }] },
    resource: {
      aws_vpc: { network_vpc_1: { ...meta("prod-global/network/vpc"), cidr_block: options.cidr ?? "10.30.0.0/16" } },
      aws_eks_cluster: { cluster_2: { ...meta("prod-global/cluster/cluster"), name: "cdn-global-control", version: "1.35" } },
      aws_eks_node_group: {
        cluster_system_3: {
          ...meta("prod-global/cluster/system"),
          cluster_name: "cdn-global-control",
          node_group_name: "system",
          instance_types: ["m6i.xlarge", "m5.xlarge"],
          scaling_config: { desired_size: options.desired ?? 3, max_size: 5, min_size: 3 },
        },
      },
      ...(options.extra ?? {}),
    },
  };
}

const tree = (entries: Record<string, TfDocument>): StackTree => new Map(Object.entries(entries));

describe("diff engine on JSON trees", () => {
  it("a node group size change is exactly one attribute change, with no replacement risk", () => {
    const diff = diffOutputs(tree({ "prod-global": planeDoc({ desired: 3 }) }), tree({ "prod-global": planeDoc({ desired: 4 }) }));
    const [stack] = diff.stacks;
    expect(stack.status).toBe("changed");
    expect(stack.added).toEqual([]);
    expect(stack.removed).toEqual([]);
    expect(stack.changed).toHaveLength(1);
    expect(stack.changed[0].address).toBe("aws_eks_node_group.cluster_system_3");
    expect(stack.changed[0].changes).toEqual([{ path: "scaling_config.desired_size", before: 3, after: 4 }]);
    const report = formatDiff(diff);
    const body = report.split("\nPer stack:")[0].split("\n").filter((l) => l.startsWith("  "));
    expect(body).toEqual(["  ~ aws_eks_node_group.cluster_system_3  (prod-global/cluster/system)", "      scaling_config.desired_size: 3 -> 4"]);
    expect(report).not.toContain("REPLACEMENT");
  });

  it("flags a CIDR change as a replacement", () => {
    const diff = diffOutputs(tree({ "prod-global": planeDoc() }), tree({ "prod-global": planeDoc({ cidr: "10.40.0.0/16" }) }));
    const change = diff.stacks[0].changed[0];
    expect(change.changes).toEqual([{ path: "cidr_block", before: "10.30.0.0/16", after: "10.40.0.0/16", replacement: "known" }]);
    expect(formatDiff(diff)).toContain('cidr_block: "10.30.0.0/16" -> "10.40.0.0/16"   !! REPLACEMENT RISK: changing cidr_block forces a new aws_vpc');
  });

  it("lists added and removed resources, and added and removed stacks", () => {
    const before = tree({
      "prod-global": planeDoc({ extra: { aws_iam_role: { old_role_9: { ...meta("prod-global/old-role"), name: "old", assume_role_policy: "{}" } } } }),
      "prod-legacy": planeDoc(),
    });
    const after = tree({
      "prod-global": planeDoc({ extra: { aws_s3_bucket: { bundles_8: { ...meta("prod-global/bundles/bucket"), bucket: "cdn-config-bundles" } } } }),
      "prod-global-k8s": { terraform: {}, resource: { helm_release: { monitoring_7: { name: "kube-prometheus-stack", namespace: "monitoring" } } } },
    });
    const diff = diffOutputs(before, after);
    expect(diff.stacks.map((s) => [s.stack, s.status])).toEqual([
      ["prod-global", "changed"],
      ["prod-global-k8s", "added"],
      ["prod-legacy", "removed"],
    ]);
    const global = diff.stacks[0];
    expect(global.added.map((b) => b.address)).toEqual(["aws_s3_bucket.bundles_8"]);
    expect(global.removed.map((b) => b.address)).toEqual(["aws_iam_role.old_role_9"]);
    const report = formatDiff(diff);
    expect(report).toContain("  + aws_s3_bucket.bundles_8  (prod-global/bundles/bucket)");
    expect(report).toContain("  - aws_iam_role.old_role_9  (prod-global/old-role)");
    expect(report).toContain("== prod-global-k8s: NEW STACK (1 resources)");
    expect(report).toContain("  + helm_release.monitoring_7");
    expect(report).toContain("== prod-legacy: STACK REMOVED (3 resources)");
    expect(report).toMatch(/Summary: 3 stack\(s\): 1 changed, 1 added, 1 removed, 0 unchanged/);
  });

  it("reports an address change with equal content as a move that risks replacement", () => {
    const before = planeDoc();
    const after = planeDoc();
    const vpc = (after.resource as Record<string, Record<string, unknown>>).aws_vpc;
    (after.resource as Record<string, Record<string, unknown>>).aws_vpc = { network_vpc_RENAMED: { ...(vpc.network_vpc_1 as object), ...meta("prod-global/net/vpc") } };
    const s = diffStack("prod-global", before, after);
    expect(s.added).toEqual([]);
    expect(s.removed).toEqual([]);
    expect(s.moved.map((m) => [m.from.address, m.to.address])).toEqual([["aws_vpc.network_vpc_1", "aws_vpc.network_vpc_RENAMED"]]);
    expect(formatDiff({ stacks: [s] })).toContain("the address changed; Terraform destroys and re-creates it unless a `moved` block is added");
  });

  it("treats a move the new side declares (`moved` block) as a rename: references follow it, no replacement risk", () => {
    const before = planeDoc();
    const after = planeDoc();
    const res = after.resource as Record<string, Record<string, Record<string, unknown>>>;
    res.aws_vpc = { network_vpc_KEYED: { ...res.aws_vpc.network_vpc_1, ...meta("prod-global/network/vpc-keyed"), tags: { Name: "new" } } };
    res.aws_eks_node_group.cluster_system_3 = { ...res.aws_eks_node_group.cluster_system_3, vpc_ref: "${aws_vpc.network_vpc_KEYED.id}" };
    (before.resource as any).aws_eks_node_group.cluster_system_3.vpc_ref = "${aws_vpc.network_vpc_1.id}";
    (after as Record<string, unknown>).moved = [{ from: "aws_vpc.network_vpc_1", to: "aws_vpc.network_vpc_KEYED" }];
    const s = diffStack("prod-global", before, after);
    expect(s.added).toEqual([]);
    expect(s.removed).toEqual([]);
    expect(s.changed).toEqual([]);
    expect(s.moved).toHaveLength(1);
    expect(s.moved[0]).toMatchObject({ declared: true, from: { address: "aws_vpc.network_vpc_1" }, to: { address: "aws_vpc.network_vpc_KEYED" } });
    expect(s.moved[0].changes?.map((c) => c.path)).toEqual(["tags"]);
    const text = formatDiff({ stacks: [s] });
    expect(text).toContain("(moved block)");
    expect(text).not.toContain("REPLACEMENT RISK");
  });

  it("compares JSON documents inside strings (policies) by content", () => {
    const policy = (actions: string[]) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] });
    expect(diffValues({ policy: policy(["s3:GetObject"]) }, { policy: policy(["s3:GetObject", "s3:PutObject"]) })).toEqual([
      { path: "policy::Statement[0].Action", before: ["s3:GetObject"], after: ["s3:GetObject", "s3:PutObject"] },
    ]);
    // Same document, different key order: no change.
    expect(diffValues({ p: '{"a":1,"b":2}' }, { p: '{"b":2,"a":1}' })).toEqual([]);
  });

  it("reports a changed policy statement by its path inside the document, with the values in full", () => {
    const statements = (extra: Record<string, unknown>[]) =>
      JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::cdn-config-bundles/*" }, ...extra] });
    const longCondition = { StringEquals: { "aws:PrincipalTag/team": "platform", "aws:RequestedRegion": ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1"] } };
    const withPolicy = (policy: string) => planeDoc({ extra: { aws_iam_policy: { reader_5: { ...meta("prod-global/reader"), name: "reader", policy } } } });
    const diff = diffOutputs(
      tree({ "prod-global": withPolicy(statements([])) }),
      tree({ "prod-global": withPolicy(statements([{ Sid: "Write", Effect: "Allow", Action: ["s3:PutObject"], Resource: "arn:aws:s3:::cdn-config-bundles/*", Condition: longCondition }])) }),
    );
    expect(diff.stacks[0].changed[0].changes.map((c) => c.path)).toEqual(["policy::Statement[1]"]);
    const report = formatDiff(diff);
    expect(report).toContain("      policy::Statement[1]:\n        - (unset)\n        + {\n        +   \"Sid\": \"Write\",");
    expect(report).toContain('        +         "ap-southeast-1"');
    expect(report).not.toContain("...");
  });

  it("compares jsonencode documents and indented JSON (Helm values) by content too", () => {
    const secret = (port: number) => `\${jsonencode({"engine" = "postgres", "host" = aws_rds_cluster.db.endpoint, "port" = ${port}})}`;
    expect(diffValues({ s: secret(5432) }, { s: secret(5433) })).toEqual([{ path: "s::port", before: 5432, after: 5433 }]);
    const values = (replicas: number) => JSON.stringify({ controller: { replicaCount: replicas } }, null, 2);
    expect(diffValues({ values: [values(2)] }, { values: [values(3)] })).toEqual([{ path: "values[0]::controller.replicaCount", before: 2, after: 3 }]);
  });

  it("ignores cdktf metadata and reports providers, outputs and the terraform block", () => {
    const a = planeDoc();
    const b = { ...planeDoc(), "//": { metadata: { version: "9.9.9" } }, output: { vpc_id: { value: "x" } }, provider: { aws: [{ region: "us-east-2" }] } };
    const s = diffStack("prod-global", a, b);
    expect(s.added.map((x) => x.address)).toEqual(["output.vpc_id"]);
    expect(s.changed.map((c) => [c.address, c.changes.map((x) => x.path)])).toEqual([["provider.aws", ["region"]]]);
  });

  it("knows replacement rules per type, and treats names of unknown types as likely", () => {
    expect(replacementRisk("aws_rds_cluster", "engine")).toBe("known");
    expect(replacementRisk("aws_rds_cluster", "db_subnet_group_name")).toBe("known");
    expect(replacementRisk("aws_rds_cluster", "backup_retention_period")).toBeUndefined();
    expect(replacementRisk("aws_eks_cluster", "name")).toBe("known");
    expect(replacementRisk("aws_eks_node_group", "scaling_config.desired_size")).toBeUndefined();
    expect(replacementRisk("aws_s3_bucket", "bucket")).toBe("known");
    expect(replacementRisk("aws_subnet", "availability_zone")).toBe("known");
    expect(replacementRisk("aws_kms_alias", "name")).toBe("known");
    expect(replacementRisk("aws_eks_cluster", "kubernetes_network_config[0].service_ipv4_cidr")).toBe("known");
    expect(replacementRisk("kubernetes_namespace_v1", "metadata[0].name")).toBe("known");
    expect(replacementRisk("aws_shiny_new_thing", "name")).toBe("likely");
    expect(replacementRisk("aws_shiny_new_thing", "size")).toBeUndefined();
  });

  it("on real synthesized stacks, a plane CIDR change flags the VPC and every subnet, and nothing else", () => {
    const env = allEnvironments().find((e) => e.name === "prod")!;
    const shared = synthesizeAll(); // with the synth speed-ups, as npm run synth runs
    const before = new Map([...shared.stacks].filter(([name]) => name.startsWith("prod-")));
    expect(before.size).toBeGreaterThan(0);
    const changed = synthesize([{ ...env, regions: env.regions.map((r, i) => (i === 0 ? { ...r, vpcCidr: "10.39.0.0/16" } : r)) }]); // in this process, without them
    const after = changed.stacks;
    // The stacks the change does not touch are byte for byte the same: the speed-ups change no output.
    const untouched = [...changed.text.keys()].filter((name) => name !== `prod-regional-${env.regions[0].key}`);
    expect(untouched.length).toBeGreaterThanOrEqual(3);
    for (const name of untouched) expect(changed.text.get(name) === shared.text.get(name), name).toBe(true);
    const diff = diffOutputs(before, after);
    const regional = diff.stacks.find((s) => s.stack === `prod-regional-${env.regions[0].key}`)!;
    expect(diff.stacks.filter((s) => s.status !== "unchanged").map((s) => s.stack)).toEqual([regional.stack]);
    const vpc = regional.changed.find((c) => c.type === "aws_vpc")!;
    expect(vpc.changes).toContainEqual({ path: "cidr_block", before: env.regions[0].vpcCidr, after: "10.39.0.0/16", replacement: "known" });
    const subnets = regional.changed.filter((c) => c.type === "aws_subnet");
    expect(subnets.length).toBeGreaterThanOrEqual(6);
    for (const s of subnets) expect(nonEmpty(s.changes, s.address).every((c) => c.replacement === "known")).toBe(true);
  });
});
