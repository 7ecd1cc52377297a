/**
 * `<env>-global` and `<env>-regional-<key>`: one plane's AWS resources, in the plane's region, using
 * only the AWS provider (so real `terraform validate`/`plan` covers it offline).
 */
import type { Construct } from "constructs";
import { Network } from "../constructs/network";
import type { EnvironmentConfig, PlaneConfig } from "../src/config/schema";
import { clusterName, planeId, planeStackName, resourcePrefix, type PlaneRef } from "../src/naming";
import { EnvironmentStack } from "../src/stack-base";

/** Props of {@link PlaneStack}. */
export interface PlaneStackProps {
  /** The validated environment. */
  readonly env: EnvironmentConfig;
  /** Which plane this stack holds. */
  readonly plane: PlaneRef;
  /** The plane's config. */
  readonly config: PlaneConfig;
}

/** One plane's AWS-only stack. */
export class PlaneStack extends EnvironmentStack {
  /** Which plane this stack holds. */
  readonly plane: PlaneRef;
  /** The plane's network. */
  readonly network: Network;

  constructor(scope: Construct, props: PlaneStackProps) {
    super(scope, planeStackName(props.env.name, props.plane), props.env);
    const { env, config, plane } = props;
    this.plane = plane;
    this.awsProvider("aws", config.region, undefined, { Plane: planeId(plane) });

    this.network = new Network(this, "network", {
      namePrefix: resourcePrefix(env.name, plane),
      cidr: config.vpcCidr,
      availabilityZones: config.availabilityZones,
      region: config.region,
      accountId: env.accountId,
      natGateways: config.natGateways,
      subnets: config.subnets,
      flowLogRetentionDays: config.flowLogRetentionDays,
      clusterNames: [clusterName(plane)],
    });
  }
}
