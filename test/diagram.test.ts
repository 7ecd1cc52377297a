/**
 * The architecture diagram: derived generically from synthesized stacks (a full fixture with EKS, a
 * Multi-AZ DB cluster, a bucket, cross-stack peering and an in-cluster stack), deterministic, and the
 * committed docs/architecture.{dot,svg} match the code.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DIAGRAM_FILES, generateArchitectureDiagram } from "../tools/architecture-diagram";
import { buildDot, renderSvg } from "../tools/diagram";
import type { ManifestStack, SynthOutput, TfDocument } from "../src/app/synth-output";

const subnet = (tier: string, az: string, cidr: string) => ({ vpc_id: "${aws_vpc.vpc.id}", availability_zone: az, cidr_block: cidr, tags: { Name: `${tier}-${az}`, Tier: tier } });

/** A plane stack the way the constructs are expected to synthesize it. */
function plane(prefix: string, cidr: string, region: string, extra: Record<string, Record<string, unknown>> = {}, more: Partial<TfDocument> = {}): TfDocument {
  const [a, b] = [`${region}a`, `${region}b`];
  const net = cidr.split(".").slice(0, 2).join(".");
  return {
    provider: { aws: [{ region }, { alias: "global", region: "us-east-1" }] },
    resource: {
      aws_vpc: { vpc: { cidr_block: cidr, tags: { Name: `${prefix}-vpc` } } },
      aws_subnet: {
        pub_a: subnet("public", a, `${net}.96.0/24`),
        pub_b: subnet("public", b, `${net}.97.0/24`),
        priv_a: subnet("private", a, `${net}.0.0/19`),
        priv_b: subnet("private", b, `${net}.32.0/19`),
        db_a: subnet("database", a, `${net}.99.0/24`),
        db_b: subnet("database", b, `${net}.100.0/24`),
      },
      aws_internet_gateway: { igw: { vpc_id: "${aws_vpc.vpc.id}" } },
      aws_nat_gateway: { nat: { subnet_id: "${aws_subnet.pub_a.id}" } },
      aws_iam_role: { r1: { name: "x" }, r2: { name: "y" } },
      ...extra,
    },
    ...more,
  };
}

function fixture(): SynthOutput {
  const global = plane(
    "cdn-prod-global",
    "10.30.0.0/16",
    "us-east-1",
    {
      aws_eks_cluster: { cluster: { name: "cdn-global-control", version: "1.35", vpc_config: { subnet_ids: ["${aws_subnet.priv_a.id}", "${aws_subnet.priv_b.id}"] } } },
      aws_eks_node_group: {
        system: { cluster_name: "${aws_eks_cluster.cluster.name}", node_group_name: "system", instance_types: ["m6i.xlarge", "m5.xlarge"], scaling_config: { min_size: 3, max_size: 5, desired_size: 3 } },
      },
      aws_eks_addon: { cni: { cluster_name: "${aws_eks_cluster.cluster.name}", addon_name: "vpc-cni" }, pia: { cluster_name: "${aws_eks_cluster.cluster.name}", addon_name: "eks-pod-identity-agent" } },
      aws_db_subnet_group: { dbsg: { name: "cdn-prod-global-db", subnet_ids: ["${aws_subnet.db_a.id}", "${aws_subnet.db_b.id}"] } },
      aws_rds_cluster: {
        db: {
          cluster_identifier: "cdn-prod-global",
          engine: "postgres",
          engine_version: "16.8",
          database_name: "cdn_global",
          db_cluster_instance_class: "db.m6gd.xlarge",
          db_subnet_group_name: "${aws_db_subnet_group.dbsg.name}",
          availability_zones: ["us-east-1a", "us-east-1b", "us-east-1c"],
        },
      },
      aws_s3_bucket: { bundles: { bucket: "cdn-config-bundles" } },
    },
    { output: { "cross-stack-output-aws_vpcvpcid": { value: "${aws_vpc.vpc.id}" } } },
  );
  const regional = plane("cdn-prod-regional-uswest", "10.31.0.0/16", "us-west-2", {
    aws_vpc_peering_connection: {
      peering: {
        vpc_id: "${aws_vpc.vpc.id}",
        peer_vpc_id: "${data.terraform_remote_state.cross-stack-reference-input-prod-global.outputs.cross-stack-output-aws_vpcvpcid}",
        peer_region: "us-east-1",
      },
    },
  });
  const k8s: TfDocument = {
    provider: { kubernetes: [{}], helm: [{}] },
    data: { aws_eks_cluster: { cluster: { name: "cdn-global-control" } } },
    resource: {
      helm_release: {
        monitoring: { name: "kube-prometheus-stack", chart: "kube-prometheus-stack", version: "77.0.0", namespace: "monitoring" },
        ingress: { name: "ingress-nginx", chart: "ingress-nginx", version: "4.13.0", namespace: "ingress-nginx" },
      },
      kubernetes_namespace_v1: { workloads: { metadata: { name: "cdn" } } },
    },
  };
  const stacks = new Map<string, TfDocument>([
    ["prod-global", global],
    ["prod-global-k8s", k8s],
    ["prod-regional-uswest", regional],
    ["staging-global", plane("cdn-staging-global", "10.20.0.0/16", "us-east-1")],
  ]);
  const deps: Record<string, string[]> = { "prod-global-k8s": ["prod-global"], "prod-regional-uswest": ["prod-global"] };
  const manifest = new Map<string, ManifestStack>(
    [...stacks.keys()].map((name) => [name, { name, dependencies: deps[name] ?? [], workingDirectory: `stacks/${name}`, synthesizedStackPath: `stacks/${name}/cdk.tf.json` }]),
  );
  return { outdir: "fixture", manifest, stacks };
}

describe("buildDot", () => {
  const dot = buildDot(fixture(), { environment: "prod", title: "fixture" });

  it("draws only the chosen environment, one box per stack, in-cluster stacks nested in their plane", () => {
    expect(dot).toContain('subgraph "cluster_stack_prod-global" {');
    expect(dot).toContain('subgraph "cluster_stack_prod-regional-uswest" {');
    expect(dot).not.toContain("staging");
    // The k8s stack's subgraph opens inside prod-global's (before prod-global's closing brace).
    const global = dot.indexOf('subgraph "cluster_stack_prod-global" {');
    const k8s = dot.indexOf('subgraph "cluster_stack_prod-global-k8s" {');
    const regional = dot.indexOf('subgraph "cluster_stack_prod-regional-uswest" {');
    expect(global).toBeLessThan(k8s);
    expect(k8s).toBeLessThan(regional);
    expect(dot).toContain('label="prod-regional-uswest (us-west-2)\\nafter prod-global"');
  });

  it("shows VPCs with subnet tiers (AZ count and CIDRs) and gateways", () => {
    expect(dot).toContain('label="VPC cdn-prod-global-vpc\\n10.30.0.0/16"');
    expect(dot).toContain('label="public subnets (2 AZs)\\nus-east-1a  10.30.96.0/24\\nus-east-1b  10.30.97.0/24"');
    expect(dot).toContain('label="database subnets (2 AZs)\\nus-west-2a  10.31.99.0/24\\nus-west-2b  10.31.100.0/24"');
    expect(dot).toContain('label="internet gateway\\nNAT gateways x1"');
  });

  it("shows the EKS cluster with add-ons and node groups, inside its VPC", () => {
    expect(dot).toContain('label="EKS cdn-global-control (Kubernetes 1.35)\\nadd-ons: eks-pod-identity-agent, vpc-cni"');
    expect(dot).toContain('label="node group system\\nm6i.xlarge / m5.xlarge\\n3-5 nodes"');
    const vpc = dot.indexOf('subgraph "cluster_vpc_prod-global_vpc" {');
    expect(dot.indexOf('"prod-global|aws_eks_cluster.cluster" [')).toBeGreaterThan(vpc);
    expect(dot).toContain('"prod-global|aws_eks_cluster.cluster" -> "prod-global|aws_eks_node_group.system" [arrowhead=none];');
  });

  it("shows the Multi-AZ DB cluster as a writer with readable standbys", () => {
    expect(dot).toContain(
      'label="postgres 16.8 cdn-prod-global\\ndatabase cdn_global\\nMulti-AZ DB cluster (db.m6gd.xlarge): writer + 2 readable standbys\\nus-east-1a, us-east-1b, us-east-1c", shape=cylinder',
    );
  });

  it("shows the bucket, the in-cluster releases and the cross-stack peering", () => {
    expect(dot).toContain('label="S3 cdn-config-bundles", shape=folder');
    expect(dot).toContain('label="helm kube-prometheus-stack\\nkube-prometheus-stack 77.0.0\\nnamespace monitoring", shape=component');
    expect(dot).toMatch(/"prod-global-k8s\|helm_release\.ingress" -> "prod-global\|aws_eks_cluster\.cluster" \[ltail="cluster_stack_prod-global-k8s", label="deploys into"/);
    expect(dot).toContain(
      '"prod-regional-uswest|aws_vpc.vpc" -> "prod-global|aws_vpc.vpc" [ltail="cluster_vpc_prod-regional-uswest_vpc", lhead="cluster_vpc_prod-global_vpc", dir=both, label="VPC peering"',
    );
  });

  it("counts every other resource type per stack", () => {
    expect(dot).toMatch(/"prod-global\|others" \[label="also 3 resources:\\naws_iam_role x2\\naws_db_subnet_group x1"/);
    expect(dot).toMatch(/"prod-global-k8s\|others" \[label="also 1 resources:\\nkubernetes_namespace_v1 x1"/);
  });

  it("is deterministic, whatever the insertion order of stacks and resources", () => {
    const f = fixture();
    const reversed: SynthOutput = {
      ...f,
      stacks: new Map(
        [...f.stacks].reverse().map(([name, doc]) => [
          name,
          { ...doc, resource: Object.fromEntries(Object.entries(doc.resource ?? {}).reverse().map(([t, byName]) => [t, Object.fromEntries(Object.entries(byName).reverse())])) },
        ]),
      ),
    };
    expect(buildDot(reversed, { environment: "prod", title: "fixture" })).toBe(dot);
    expect(dot).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it("renders to SVG with the WASM Graphviz", async () => {
    const svg = await renderSvg(dot);
    expect(svg).toMatch(/^<\?xml/);
    expect(svg).toContain("EKS cdn&#45;global&#45;control");
    expect(await renderSvg(dot)).toBe(svg);
  });
});

describe("the committed diagram", () => {
  it("is up to date with the code (otherwise run `npm run diagram` and commit docs/architecture.*)", async () => {
    const root = join(__dirname, "..");
    const { dot, svg } = await generateArchitectureDiagram();
    const committedDot = readFileSync(join(root, DIAGRAM_FILES.dot), "utf8");
    const committedSvg = readFileSync(join(root, DIAGRAM_FILES.svg), "utf8");
    expect(committedDot === dot, `${DIAGRAM_FILES.dot} is out of date: run \`npm run diagram\` and commit the result`).toBe(true);
    expect(committedSvg === svg, `${DIAGRAM_FILES.svg} is out of date: run \`npm run diagram\` and commit the result`).toBe(true);
  });
});
