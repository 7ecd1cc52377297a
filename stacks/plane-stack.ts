/**
 * `<env>-global` and `<env>-regional-<key>`: one plane's AWS resources, in the plane's region, using
 * only the AWS provider (so real `terraform validate`/`plan` covers it offline).
 */
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { Database } from "../constructs/database";
import { Network } from "../constructs/network";
import type { EnvironmentConfig, PlaneConfig } from "../src/config/schema";
import {
  clusterName,
  databaseClusterIdentifier,
  databaseConnectionSecretName,
  databaseName,
  planeId,
  planeStackName,
  resourcePrefix,
  type PlaneRef,
} from "../src/naming";
import { EnvironmentStack } from "../src/stack-base";

/** Props of {@link PlaneStack}. */
export interface PlaneStackProps {
  /** The validated environment. */
  readonly env: EnvironmentConfig;
  /** Which plane this stack holds. */
  readonly plane: PlaneRef;
  /** The plane's config. */
  readonly config: PlaneConfig;
  /**
   * Security groups allowed to reach the plane's database on 5432. Defaults to none; the cluster
   * construct adds the EKS cluster security group with `database.allowFrom`.
   */
  readonly databaseClientSecurityGroupIds?: readonly string[];
}

/** One plane's AWS-only stack. */
export class PlaneStack extends EnvironmentStack {
  /** Which plane this stack holds. */
  readonly plane: PlaneRef;
  /** The plane's network. */
  readonly network: Network;
  /** The plane's PostgreSQL Multi-AZ DB cluster. */
  readonly database: Database;

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

    const db = config.database;
    // The subnet group covers exactly the database AZs (the schema guarantees they are plane AZs).
    const dbSubnetIds = this.network.availabilityZones
      .map((az, i) => ({ az, id: this.network.subnets.database[i].id }))
      .filter(({ az }) => db.availabilityZones.includes(az))
      .map(({ id }) => id);
    this.database = new Database(this, "database", {
      identifier: databaseClusterIdentifier(env.name, plane),
      databaseName: databaseName(plane),
      engineVersion: db.engineVersion,
      instanceClass: db.instanceClass,
      storageType: db.storageType,
      allocatedStorageGiB: db.allocatedStorageGiB,
      iops: db.iops,
      availabilityZones: db.availabilityZones,
      vpcId: this.network.vpcId,
      subnetIds: dbSubnetIds,
      // Wired to the cluster security group by the cluster construct (database.allowFrom).
      allowedSecurityGroupIds: props.databaseClientSecurityGroupIds ?? [],
      accountId: env.accountId,
      region: config.region,
      backupRetentionDays: db.backupRetentionDays,
      backupWindow: db.backupWindow,
      maintenanceWindow: db.maintenanceWindow,
      deletionProtection: db.deletionProtection,
      performanceInsightsRetentionDays: db.performanceInsightsRetentionDays,
      slowStatementThresholdMs: db.slowStatementThresholdMs,
      monitoringIntervalSeconds: db.monitoringIntervalSeconds,
      iamDatabaseAuthentication: db.iamDatabaseAuthentication,
      logRetentionDays: db.logRetentionDays,
      connectionSecretName: databaseConnectionSecretName(env.name, plane),
    });

    // Read by the in-cluster stacks' runbooks and by operators (`cdktf output <stack>`).
    new TerraformOutput(this, "database_writer_endpoint", {
      value: this.database.writerEndpoint,
      description: "Writer endpoint of the plane's PostgreSQL Multi-AZ DB cluster",
    });
    new TerraformOutput(this, "database_reader_endpoint", {
      value: this.database.readerEndpoint,
      description: "Reader endpoint (the two readable standbys) of the plane's PostgreSQL cluster",
    });
    new TerraformOutput(this, "database_connection_secret_arn", {
      value: this.database.connectionSecretArn,
      description: "ARN of the secret holding the non-secret connection document",
    });
  }
}
