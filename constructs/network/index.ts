/**
 * A plane's network: one VPC over the given availability zones with three subnet tiers per AZ
 * (public for load balancers and NAT, private for nodes and pods, isolated for databases), an internet
 * gateway, NAT gateways (one per AZ or a single one), route tables per tier, flow logs to an encrypted
 * CloudWatch log group, an S3 gateway endpoint, and the default security group stripped of all rules.
 *
 * Subnet CIDRs are computed here, at synth time, so they appear literally in the synthesized JSON.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Construct } from "constructs";
import { allocateSubnets } from "../../src/lib/cidr";
import { policyDocument } from "../../src/lib/iam";
import { EncryptionKey } from "../kms-key";

/** The three subnet tiers. */
export type SubnetTier = "public" | "private" | "database";

/** Defaults of {@link NetworkProps} and {@link SubnetLayout}; the config schema fills omitted fields from the same object. */
export const NETWORK_DEFAULTS = {
  publicPrefix: 24,
  privatePrefix: 19,
  databasePrefix: 24,
  natGateways: "per-az",
  flowLogRetentionDays: 365,
} as const;

/** Subnet sizing: a prefix length per tier, or explicit CIDRs (one per AZ, in AZ order). */
export interface SubnetLayout {
  /** Prefix length of each public subnet. @default 24 */
  readonly publicPrefix?: number;
  /** Prefix length of each private subnet. Room for VPC CNI pod IPs. @default 19 */
  readonly privatePrefix?: number;
  /** Prefix length of each isolated database subnet. @default 24 */
  readonly databasePrefix?: number;
  /** Explicit CIDRs per tier; when set, prefixes are ignored. */
  readonly explicit?: Readonly<Record<SubnetTier, readonly string[]>>;
}

/** Props of {@link Network}. */
export interface NetworkProps {
  /** Prefix of resource names, e.g. `cdn-prod-global`. */
  readonly namePrefix: string;
  /** CIDR of the VPC. */
  readonly cidr: string;
  /** Availability zones to span (at least 2). */
  readonly availabilityZones: readonly string[];
  /** Region of the VPC (for the S3 endpoint and the log key). */
  readonly region: string;
  /** Account that owns the VPC (for the log key policy). */
  readonly accountId: string;
  /** NAT gateways: one per AZ (default, resilient) or a single one (cheaper). */
  readonly natGateways?: "per-az" | "single";
  /** Subnet sizes or explicit CIDRs. @default /24 public, /19 private, /24 database */
  readonly subnets?: SubnetLayout;
  /** Retention of the flow log group in days. @default 365 */
  readonly flowLogRetentionDays?: number;
  /** Key for the flow log group; a dedicated rotating key is created when omitted. */
  readonly logKey?: EncryptionKey;
  /** EKS cluster names that use this VPC's subnets (adds `kubernetes.io/cluster/<name>` tags). */
  readonly clusterNames?: readonly string[];
}

/** Subnet ids of one tier, in AZ order. */
export type TierSubnets = readonly Subnet[];

/** A VPC with three subnet tiers across AZs, NAT, flow logs and an S3 endpoint. */
export class Network extends Construct {
  /** The VPC. */
  readonly vpc: Vpc;
  /** VPC id. */
  readonly vpcId: string;
  /** VPC CIDR (a literal, not a token). */
  readonly cidr: string;
  /** Availability zones, in the order subnets are listed. */
  readonly availabilityZones: readonly string[];
  /** Subnets by tier, in AZ order. */
  readonly subnets: Readonly<Record<SubnetTier, TierSubnets>>;
  /** Subnet CIDRs by tier, in AZ order (literals computed at synth). */
  readonly subnetCidrs: Readonly<Record<SubnetTier, readonly string[]>>;
  /** The public route table. */
  readonly publicRouteTable: RouteTable;
  /** Private route tables, one per AZ (each routes to its NAT gateway). */
  readonly privateRouteTables: readonly RouteTable[];
  /** The isolated database route table (no route to the internet). */
  readonly databaseRouteTable: RouteTable;
  /** NAT gateways (one per AZ, or one). */
  readonly natGateways: readonly NatGateway[];
  /** The flow log group. */
  readonly flowLogGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const azs = props.availabilityZones;
    if (azs.length < 2) throw new Error(`Network ${props.namePrefix}: needs at least 2 availability zones, got ${azs.length}`);
    const name = props.namePrefix;
    this.cidr = props.cidr;
    this.availabilityZones = azs;
    this.subnetCidrs = computeSubnetCidrs(props.cidr, azs.length, props.subnets ?? {});

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: `${name}-vpc` },
    });
    this.vpcId = this.vpc.id;

    // The default security group would allow all traffic between its members: strip every rule.
    new DefaultSecurityGroup(this, "default-sg", {
      vpcId: this.vpc.id,
      ingress: [],
      egress: [],
      tags: { Name: `${name}-default-locked` },
    });

    const igw = new InternetGateway(this, "igw", { vpcId: this.vpc.id, tags: { Name: `${name}-igw` } });

    const clusterTags = Object.fromEntries((props.clusterNames ?? []).map((c) => [`kubernetes.io/cluster/${c}`, "shared"]));
    const tierTags: Record<SubnetTier, Record<string, string>> = {
      public: { ...clusterTags, "kubernetes.io/role/elb": "1" },
      private: { ...clusterTags, "kubernetes.io/role/internal-elb": "1" },
      database: {},
    };
    const makeTier = (tier: SubnetTier): Subnet[] =>
      azs.map(
        (az, i) =>
          new Subnet(this, `${tier}-${az}`, {
            vpcId: this.vpc.id,
            availabilityZone: az,
            cidrBlock: this.subnetCidrs[tier][i],
            // Nothing in this VPC relies on auto-assigned public IPs: NAT gateways use Elastic IPs and
            // load balancers get their own addresses.
            mapPublicIpOnLaunch: false,
            tags: { Name: `${name}-${tier}-${az}`, Tier: tier, ...tierTags[tier] },
          }),
      );
    this.subnets = { public: makeTier("public"), private: makeTier("private"), database: makeTier("database") };

    this.publicRouteTable = new RouteTable(this, "public-rt", { vpcId: this.vpc.id, tags: { Name: `${name}-public` } });
    new Route(this, "public-default", {
      routeTableId: this.publicRouteTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    });
    this.subnets.public.forEach((subnet, i) =>
      new RouteTableAssociation(this, `public-rta-${azs[i]}`, { subnetId: subnet.id, routeTableId: this.publicRouteTable.id }),
    );

    const natAzs = (props.natGateways ?? NETWORK_DEFAULTS.natGateways) === "per-az" ? azs : azs.slice(0, 1);
    this.natGateways = natAzs.map((az, i) => {
      const eip = new Eip(this, `nat-eip-${az}`, { domain: "vpc", tags: { Name: `${name}-nat-${az}` } });
      return new NatGateway(this, `nat-${az}`, {
        allocationId: eip.allocationId,
        subnetId: this.subnets.public[i].id,
        connectivityType: "public",
        tags: { Name: `${name}-nat-${az}` },
        dependsOn: [igw],
      });
    });

    this.privateRouteTables = azs.map((az, i) => {
      const table = new RouteTable(this, `private-rt-${az}`, { vpcId: this.vpc.id, tags: { Name: `${name}-private-${az}` } });
      new Route(this, `private-default-${az}`, {
        routeTableId: table.id,
        destinationCidrBlock: "0.0.0.0/0",
        natGatewayId: this.natGateways[Math.min(i, this.natGateways.length - 1)].id,
      });
      new RouteTableAssociation(this, `private-rta-${az}`, { subnetId: this.subnets.private[i].id, routeTableId: table.id });
      return table;
    });

    this.databaseRouteTable = new RouteTable(this, "database-rt", { vpcId: this.vpc.id, tags: { Name: `${name}-database` } });
    this.subnets.database.forEach((subnet, i) =>
      new RouteTableAssociation(this, `database-rta-${azs[i]}`, { subnetId: subnet.id, routeTableId: this.databaseRouteTable.id }),
    );

    new VpcEndpoint(this, "s3-endpoint", {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: [...this.privateRouteTables.map((t) => t.id), this.databaseRouteTable.id],
      tags: { Name: `${name}-s3` },
    });

    const logKey =
      props.logKey ??
      new EncryptionKey(this, "flow-log-key", {
        description: `${name} VPC flow logs`,
        alias: `${name}-flow-logs`,
        accountId: props.accountId,
        region: props.region,
        allowCloudWatchLogs: true,
      });
    this.flowLogGroup = new CloudwatchLogGroup(this, "flow-log-group", {
      name: `/aws/vpc/${name}/flow-logs`,
      retentionInDays: props.flowLogRetentionDays ?? NETWORK_DEFAULTS.flowLogRetentionDays,
      kmsKeyId: logKey.arn,
    });
    const flowLogRole = new IamRole(this, "flow-log-role", {
      name: `${name}-vpc-flow-logs`,
      description: `Lets VPC flow logs of ${name} write to their log group`,
      assumeRolePolicy: policyDocument([
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }],
          conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] }],
        },
      ]),
    });
    new IamRolePolicy(this, "flow-log-policy", {
      name: "write-flow-logs",
      role: flowLogRole.id,
      policy: policyDocument([
        {
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [this.flowLogGroup.arn, `${this.flowLogGroup.arn}:*`],
        },
        { actions: ["logs:DescribeLogGroups"], resources: [`arn:aws:logs:${props.region}:${props.accountId}:log-group:*`] },
      ]),
    });
    new FlowLog(this, "flow-log", {
      vpcId: this.vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: this.flowLogGroup.arn,
      iamRoleArn: flowLogRole.arn,
      maxAggregationInterval: 60,
      tags: { Name: `${name}-flow-log` },
    });
  }

  /** Subnet ids of a tier, in AZ order; only those in `azs` (which must be this VPC's) when given. */
  subnetIds(tier: SubnetTier, azs?: readonly string[]): string[] {
    const unknown = (azs ?? []).filter((az) => !this.availabilityZones.includes(az));
    if (unknown.length > 0) throw new Error(`Network: ${unknown.join(", ")} is not an availability zone of this VPC (${this.availabilityZones.join(", ")})`);
    return this.subnets[tier].filter((_, i) => !azs || azs.includes(this.availabilityZones[i])).map((s) => s.id);
  }

  /** The private route tables with their availability zones (for routes added by other constructs). */
  privateRouteTablesByAz(): { az: string; id: string }[] {
    return this.privateRouteTables.map((table, i) => ({ az: this.availabilityZones[i], id: table.id }));
  }

  /** NAT gateways with their availability zone (one per AZ, or only the first AZ's with a single gateway). */
  natGatewaysByAz(): { az: string; id: string }[] {
    return this.natGateways.map((gateway, i) => ({ az: this.availabilityZones[i], id: gateway.id }));
  }
}

/** Computes subnet CIDRs per tier (or returns the explicit ones), one per AZ, in AZ order. */
export function computeSubnetCidrs(vpcCidr: string, azCount: number, layout: SubnetLayout): Record<SubnetTier, string[]> {
  if (layout.explicit) {
    return { public: [...layout.explicit.public], private: [...layout.explicit.private], database: [...layout.explicit.database] };
  }
  const tiers: SubnetTier[] = ["public", "private", "database"];
  const prefixes: Record<SubnetTier, number> = {
    public: layout.publicPrefix ?? NETWORK_DEFAULTS.publicPrefix,
    private: layout.privatePrefix ?? NETWORK_DEFAULTS.privatePrefix,
    database: layout.databasePrefix ?? NETWORK_DEFAULTS.databasePrefix,
  };
  const requests = tiers.flatMap((tier) => Array.from({ length: azCount }, () => prefixes[tier]));
  const blocks = allocateSubnets(vpcCidr, requests);
  return {
    public: blocks.slice(0, azCount),
    private: blocks.slice(azCount, 2 * azCount),
    database: blocks.slice(2 * azCount, 3 * azCount),
  };
}
