/**
 * Private DNS for an environment: one Route 53 private hosted zone (created with the global VPC,
 * associated with every regional VPC from the regional stacks) and stable CNAMEs for endpoints whose
 * AWS names may change (a database restored or replaced keeps `global-db.<env>.internal`).
 */
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { Route53ZoneAssociation } from "@cdktf/provider-aws/lib/route53-zone-association";
import { Construct } from "constructs";

/** Props of {@link PrivateZone}. */
export interface PrivateZoneProps {
  /** Zone name, e.g. `prod.internal`. */
  readonly zoneName: string;
  /** The VPC the zone is created with. */
  readonly vpcId: string;
  /** Region of that VPC. */
  readonly vpcRegion: string;
}

/** A private hosted zone. */
export class PrivateZone extends Construct {
  /** The zone. */
  readonly zone: Route53Zone;
  /** Zone id. */
  readonly zoneId: string;

  constructor(scope: Construct, id: string, props: PrivateZoneProps) {
    super(scope, id);
    this.zone = new Route53Zone(this, "zone", {
      name: props.zoneName,
      comment: `Private names of the ${props.zoneName} environment (managed by cdktf)`,
      vpc: [{ vpcId: props.vpcId, vpcRegion: props.vpcRegion }],
      // Other VPCs are associated by aws_route53_zone_association from their own stacks.
      lifecycle: { ignoreChanges: ["vpc"] },
    });
    this.zoneId = this.zone.zoneId;
  }
}

/** Associates a VPC (of another stack or region) with an existing private zone. */
export function associateVpc(scope: Construct, id: string, zoneId: string, vpcId: string, vpcRegion: string): Route53ZoneAssociation {
  return new Route53ZoneAssociation(scope, id, { zoneId, vpcId, vpcRegion });
}

/** A CNAME with a short TTL so that a changed target propagates within a minute. */
export function cname(scope: Construct, id: string, zoneId: string, name: string, target: string): Route53Record {
  return new Route53Record(scope, id, { zoneId, name, type: "CNAME", ttl: 60, records: [target] });
}
