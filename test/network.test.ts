/** The network's required properties, on every plane of every environment, plus construct-level cases. */
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { nonEmpty } from "./helpers/assert";
import { Network, computeSubnetCidrs } from "../constructs/network";
import { cidrContains, cidrsOverlap } from "../src/lib/cidr";
import { planeStacks } from "./helpers/coverage";
import { allEnvironments, configsOf, refName, resourcesOf, stack, synthesizeAll, type TfJson } from "./helpers/synth";

const synth = synthesizeAll();
const planes = planeStacks(allEnvironments());

function subnetsByTier(tf: TfJson): Record<string, any[]> {
  const subnets = configsOf(tf, "aws_subnet");
  return {
    public: subnets.filter((s) => s.tags.Tier === "public"),
    private: subnets.filter((s) => s.tags.Tier === "private"),
    database: subnets.filter((s) => s.tags.Tier === "database"),
  };
}

describe.each(planes)("network of $name", ({ env, config, name }) => {
  const tf = stack(synth, name);

  it("is one VPC with the configured CIDR and DNS on", () => {
    const vpcs = configsOf(tf, "aws_vpc");
    expect(vpcs).toHaveLength(1);
    expect(vpcs[0]).toMatchObject({ cidr_block: config.vpcCidr, enable_dns_support: true, enable_dns_hostnames: true });
  });

  it("has public, private and database subnets in every configured AZ (at least 2)", () => {
    const tiers = subnetsByTier(tf);
    expect(config.availabilityZones.length).toBeGreaterThanOrEqual(2);
    for (const tier of ["public", "private", "database"]) {
      expect(tiers[tier].map((s) => s.availability_zone).sort()).toEqual([...config.availabilityZones].sort());
    }
  });

  it("computes literal, non-overlapping subnet CIDRs inside the VPC", () => {
    const cidrs = configsOf(tf, "aws_subnet").map((s) => s.cidr_block as string);
    expect(cidrs).toHaveLength(3 * config.availabilityZones.length);
    for (const c of cidrs) {
      expect(c).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
      expect(cidrContains(config.vpcCidr, c)).toBe(true);
    }
    for (let i = 0; i < cidrs.length; i++) for (let j = i + 1; j < cidrs.length; j++) expect(cidrsOverlap(cidrs[i], cidrs[j])).toBe(false);
  });

  it("never auto-assigns public IPs", () => {
    for (const s of nonEmpty(configsOf(tf, "aws_subnet"), `${name} subnets`)) expect(s.map_public_ip_on_launch).toBe(false);
  });

  it("tags subnets for EKS load balancers", () => {
    const tiers = subnetsByTier(tf);
    for (const s of nonEmpty(tiers.public, "public subnets")) expect(s.tags["kubernetes.io/role/elb"]).toBe("1");
    for (const s of nonEmpty(tiers.private, "private subnets")) expect(s.tags["kubernetes.io/role/internal-elb"]).toBe("1");
    for (const s of nonEmpty(tiers.database, "database subnets")) {
      expect(s.tags["kubernetes.io/role/elb"]).toBeUndefined();
      expect(s.tags["kubernetes.io/role/internal-elb"]).toBeUndefined();
    }
  });

  it("routes public subnets to the internet gateway, private ones to NAT, database ones nowhere", () => {
    expect(configsOf(tf, "aws_internet_gateway")).toHaveLength(1);
    const routes = configsOf(tf, "aws_route").filter((r) => r.destination_cidr_block === "0.0.0.0/0");
    const tables = resourcesOf(tf, "aws_route_table");
    const tableOf = (tier: string) => tables.filter(([, t]) => t.tags.Name.includes(`-${tier}`)).map(([n]) => n);
    const defaultRouteOf = (table: string) => routes.filter((r) => refName(r.route_table_id) === table);
    for (const t of nonEmpty(tableOf("public"), "public route tables")) expect(defaultRouteOf(t)[0].gateway_id).toMatch(/aws_internet_gateway/);
    for (const t of nonEmpty(tableOf("private"), "private route tables")) expect(defaultRouteOf(t)[0].nat_gateway_id).toMatch(/aws_nat_gateway/);
    expect(tableOf("database")).toHaveLength(1);
    expect(defaultRouteOf(tableOf("database")[0])).toHaveLength(0);
    // every subnet is associated with exactly one table of its tier
    const associations = configsOf(tf, "aws_route_table_association");
    expect(associations).toHaveLength(3 * config.availabilityZones.length);
  });

  it(`has ${config.natGateways === "per-az" ? "one NAT gateway per AZ" : "a single NAT gateway"}`, () => {
    const nats = configsOf(tf, "aws_nat_gateway");
    expect(nats).toHaveLength(config.natGateways === "per-az" ? config.availabilityZones.length : 1);
    expect(configsOf(tf, "aws_eip")).toHaveLength(nats.length);
    if (env.name === "prod") expect(nats).toHaveLength(config.availabilityZones.length);
  });

  it("sends all flow logs to a KMS-encrypted log group with retention", () => {
    const [flowLog] = configsOf(tf, "aws_flow_log");
    expect(flowLog).toMatchObject({ traffic_type: "ALL", log_destination_type: "cloud-watch-logs" });
    const groups = resourcesOf(tf, "aws_cloudwatch_log_group");
    const [groupName, group] = groups.find(([n]) => flowLog.log_destination.includes(n))!;
    expect(groupName).toBeDefined();
    expect(group.retention_in_days).toBe(config.flowLogRetentionDays);
    expect(group.kms_key_id).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
    const key = tf.resource!.aws_kms_key[refName(group.kms_key_id)];
    expect(key.enable_key_rotation).toBe(true);
    expect(key.policy).toContain(`logs.${config.region}.amazonaws.com`);
  });

  it("has an S3 gateway endpoint on the private and database route tables", () => {
    const [endpoint] = configsOf(tf, "aws_vpc_endpoint");
    expect(endpoint).toMatchObject({ service_name: `com.amazonaws.${config.region}.s3`, vpc_endpoint_type: "Gateway" });
    expect(endpoint.route_table_ids).toHaveLength(config.availabilityZones.length + 1);
  });

  it("locks down the default security group", () => {
    const [sg] = configsOf(tf, "aws_default_security_group");
    expect(sg.ingress).toEqual([]);
    expect(sg.egress).toEqual([]);
  });
});

describe("Network construct", () => {
  const build = (props: Partial<ConstructorParameters<typeof Network>[2]> = {}) => {
    const app = Testing.app();
    const s = new TerraformStack(app, "test");
    new Network(s, "net", {
      namePrefix: "t",
      cidr: "10.0.0.0/16",
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
      region: "eu-west-1",
      accountId: "123456789012",
      ...props,
    });
    return JSON.parse(Testing.synth(s)) as TfJson;
  };

  it("defaults to one NAT gateway per AZ and 365-day flow log retention", () => {
    const tf = build();
    expect(configsOf(tf, "aws_nat_gateway")).toHaveLength(2);
    expect(configsOf(tf, "aws_cloudwatch_log_group")[0].retention_in_days).toBe(365);
  });

  it("routes every private subnet through the single NAT gateway when asked", () => {
    const tf = build({ natGateways: "single", availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] });
    expect(configsOf(tf, "aws_nat_gateway")).toHaveLength(1);
    const natRoutes = configsOf(tf, "aws_route").filter((r) => r.nat_gateway_id);
    expect(natRoutes).toHaveLength(3);
    expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(1);
  });

  it("computes /24 public, /19 private and /24 database subnets by default, largest first", () => {
    expect(computeSubnetCidrs("10.0.0.0/16", 2, {})).toEqual({
      public: ["10.0.64.0/24", "10.0.65.0/24"],
      private: ["10.0.0.0/19", "10.0.32.0/19"],
      database: ["10.0.66.0/24", "10.0.67.0/24"],
    });
  });

  it("uses explicit subnet CIDRs verbatim", () => {
    const explicit = { public: ["10.0.0.0/24", "10.0.1.0/24"], private: ["10.0.32.0/19", "10.0.64.0/19"], database: ["10.0.2.0/24", "10.0.3.0/24"] };
    const tf = build({ subnets: { explicit } });
    expect(configsOf(tf, "aws_subnet").map((s) => s.cidr_block).sort()).toEqual([...explicit.public, ...explicit.private, ...explicit.database].sort());
  });

  it("refuses fewer than 2 AZs", () => {
    expect(() => build({ availabilityZones: ["eu-west-1a"] })).toThrow(/at least 2 availability zones/);
  });
});
