/**
 * Cross-region VPC peering between two planes, built from the requester's stack: the requester side
 * with the stack's default provider, the accepter side (acceptance, DNS option, routes, security-group
 * rule) through an aliased provider for the accepter's region. Traffic is routed both ways between the
 * private (node) subnets, DNS names resolve to private addresses across the peering, and each side's
 * cluster security group admits the other VPC on 443 only (Kubernetes API and in-cluster HTTPS).
 */
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route } from "@cdktf/provider-aws/lib/route";
import { VpcPeeringConnection } from "@cdktf/provider-aws/lib/vpc-peering-connection";
import { VpcPeeringConnectionAccepterA } from "@cdktf/provider-aws/lib/vpc-peering-connection-accepter";
import { VpcPeeringConnectionOptions } from "@cdktf/provider-aws/lib/vpc-peering-connection-options";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { moveFromIndexedId } from "../../src/lib/ids";

/** One side of the peering. */
export interface PeeringSide {
  /** Short name used in descriptions and tags, e.g. `global`. */
  readonly name: string;
  /** VPC id. */
  readonly vpcId: string;
  /** VPC CIDR (literal). */
  readonly cidr: string;
  /** Route tables that get a route to the other side (the private ones), keyed by their availability zone. */
  readonly routeTables: readonly { readonly az: string; readonly id: string }[];
  /** Security group that admits the other side on 443 (the cluster security group). */
  readonly securityGroupId: string;
}

/** Defaults of {@link PlanePeeringProps}. */
export const PEERING_DEFAULTS = { port: 443 } as const;

/** Props of {@link PlanePeering}. */
export interface PlanePeeringProps {
  /** Name prefix for tags, e.g. `cdn-prod-regional-uswest`. */
  readonly namePrefix: string;
  /** Account of both VPCs. */
  readonly accountId: string;
  /** The side this stack owns (requests the peering). */
  readonly requester: PeeringSide;
  /** The other side (accepts the peering). */
  readonly accepter: PeeringSide & { readonly region: string };
  /** Provider for the accepter's region. */
  readonly accepterProvider: AwsProvider;
  /** Port the planes reach each other on. @default 443 */
  readonly port?: number;
}

/** Peering, routes, DNS resolution and 443 rules between two planes. */
export class PlanePeering extends Construct {
  /** The peering connection. */
  readonly connection: VpcPeeringConnection;

  constructor(scope: Construct, id: string, props: PlanePeeringProps) {
    super(scope, id);
    const { requester, accepter, accepterProvider } = props;
    const port = props.port ?? PEERING_DEFAULTS.port;
    const name = `${props.namePrefix}-to-${accepter.name}`;
    this.connection = new VpcPeeringConnection(this, "connection", {
      vpcId: requester.vpcId,
      peerVpcId: accepter.vpcId,
      peerRegion: accepter.region,
      peerOwnerId: props.accountId,
      autoAccept: false,
      tags: { Name: name, Side: "requester" },
    });
    const accepted = new VpcPeeringConnectionAccepterA(this, "accepter", {
      provider: accepterProvider,
      vpcPeeringConnectionId: this.connection.id,
      autoAccept: true,
      tags: { Name: name, Side: "accepter" },
    });
    // Options can only be set once the connection is active: reference the accepter's id.
    new VpcPeeringConnectionOptions(this, "requester-dns", {
      vpcPeeringConnectionId: accepted.id,
      requester: { allowRemoteVpcDnsResolution: true },
    });
    new VpcPeeringConnectionOptions(this, "accepter-dns", {
      provider: accepterProvider,
      vpcPeeringConnectionId: accepted.id,
      accepter: { allowRemoteVpcDnsResolution: true },
    });

    // Routes are keyed by availability zone, so a plane losing an AZ never shifts the other routes.
    requester.routeTables.forEach(({ az, id: routeTableId }, i) => {
      const route = new Route(this, `to-${accepter.name}-${az}`, { routeTableId, destinationCidrBlock: accepter.cidr, vpcPeeringConnectionId: accepted.id });
      moveFromIndexedId(route, `to-${accepter.name}-${i}`);
    });
    accepter.routeTables.forEach(({ az, id: routeTableId }, i) => {
      const route = new Route(this, `to-${requester.name}-${az}`, {
        provider: accepterProvider,
        routeTableId,
        destinationCidrBlock: requester.cidr,
        vpcPeeringConnectionId: accepted.id,
      });
      moveFromIndexedId(route, `to-${requester.name}-${i}`);
    });

    new VpcSecurityGroupIngressRule(this, `from-${accepter.name}`, {
      securityGroupId: requester.securityGroupId,
      description: `HTTPS from the ${accepter.name} plane over VPC peering`,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      cidrIpv4: accepter.cidr,
    });
    new VpcSecurityGroupIngressRule(this, `from-${requester.name}`, {
      provider: accepterProvider,
      securityGroupId: accepter.securityGroupId,
      description: `HTTPS from the ${requester.name} plane over VPC peering`,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      cidrIpv4: requester.cidr,
    });
  }
}
