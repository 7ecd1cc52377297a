/**
 * `<env>-global` and `<env>-regional-<key>`: one plane's AWS resources, in the plane's region, using
 * only the AWS provider (so real `terraform validate`/`plan` covers it offline).
 */
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { BundleBucket, bundleBucketStatements } from "../constructs/bundle-bucket";
import { Cluster } from "../constructs/cluster";
import { Database } from "../constructs/database";
import { IngressAccess } from "../constructs/ingress";
import { EncryptionKey } from "../constructs/kms-key";
import { Network } from "../constructs/network";
import { PlanePeering } from "../constructs/peering";
import { PodIdentityRole } from "../constructs/pod-identity";
import { PrivateZone, associateVpc, cname } from "../constructs/private-dns";
import type { EnvironmentConfig, PlaneConfig } from "../src/config/schema";
import {
  GLOBAL_PLANE,
  WORKLOAD_NAMESPACE,
  WORKLOAD_SERVICE_ACCOUNT,
  clusterName,
  databaseClusterIdentifier,
  databaseConnectionSecretName,
  databaseDnsNames,
  databaseName,
  planeId,
  planeStackName,
  privateZoneName,
  regionalPlane,
  resourcePrefix,
  workloadRoleArn,
  workloadRoleName,
  type PlaneRef,
} from "../src/config/naming";
import { EnvironmentStack } from "../src/lib/stack-base";

/** Props of {@link PlaneStack}. */
export interface PlaneStackProps {
  /** The validated environment. */
  readonly env: EnvironmentConfig;
  /** Which plane this stack holds. */
  readonly plane: PlaneRef;
  /** The plane's config. */
  readonly config: PlaneConfig;
  /** The global plane's stack (regional planes peer with it). */
  readonly global?: PlaneStack;
}

/** One plane's AWS-only stack. */
export class PlaneStack extends EnvironmentStack {
  /** Which plane this stack holds. */
  readonly plane: PlaneRef;
  /** The plane's network. */
  readonly network: Network;
  /** The plane's EKS cluster. */
  readonly cluster: Cluster;
  /** The plane's ingress identity and load balancer security group. */
  readonly ingress: IngressAccess;
  /** The plane's workload role, bound to the workload service account. */
  readonly workloadRole: PodIdentityRole;
  /** The configuration-bundle bucket (global plane only). */
  readonly bundleBucket?: BundleBucket;
  /** The plane's PostgreSQL Multi-AZ DB cluster. */
  readonly database: Database;
  /** The environment's private zone (global plane only; regional planes associate with it). */
  readonly privateZone?: PrivateZone;

  constructor(scope: Construct, props: PlaneStackProps) {
    super(scope, planeStackName(props.env.name, props.plane), props.env);
    const { env, config, plane } = props;
    this.plane = plane;
    const prefix = resourcePrefix(env.name, plane);
    const name = clusterName(plane);
    this.awsProvider("aws", config.region, undefined, { Plane: planeId(plane) });

    // One rotating key for every CloudWatch log group of the plane (flow logs, EKS control plane).
    const logKey = new EncryptionKey(this, "log-key", {
      description: `${prefix} CloudWatch log groups`,
      alias: `${prefix}-logs`,
      accountId: env.accountId,
      region: config.region,
      allowCloudWatchLogs: true,
    });

    this.network = new Network(this, "network", {
      namePrefix: prefix,
      cidr: config.vpcCidr,
      availabilityZones: config.availabilityZones,
      region: config.region,
      accountId: env.accountId,
      natGateways: config.natGateways,
      subnets: config.subnets,
      flowLogRetentionDays: config.flowLogRetentionDays,
      logKey,
      clusterNames: [name],
    });

    this.cluster = new Cluster(this, "cluster", {
      name,
      namePrefix: prefix,
      kubernetesVersion: config.cluster.kubernetesVersion,
      subnetIds: this.network.subnetIds("private"),
      availabilityZones: this.network.availabilityZones,
      region: config.region,
      accountId: env.accountId,
      publicAccessCidrs: config.cluster.publicAccessCidrs,
      adminPrincipalArns: config.cluster.adminRoleArns,
      viewerPrincipalArns: config.cluster.viewerRoleArns,
      nodeGroups: config.cluster.nodeGroups,
      addons: config.cluster.addons,
      logRetentionDays: config.cluster.logRetentionDays,
      logKey,
      instanceTags: { ...env.tags, Plane: planeId(plane) },
    });

    this.ingress = new IngressAccess(this, "ingress", {
      namePrefix: prefix,
      clusterName: name,
      vpcId: this.network.vpcId,
      vpcCidr: config.vpcCidr,
      region: config.region,
      accountId: env.accountId,
      allowedCidrs: config.ingress.allowedCidrs,
      targetPort: config.ingress.targetPort,
    });
    // Pods (ip targets) sit behind the cluster security group: admit the public load balancer only.
    new VpcSecurityGroupIngressRule(this, "lb-to-pods", {
      securityGroupId: this.cluster.clusterSecurityGroupId,
      referencedSecurityGroupId: this.ingress.loadBalancerSecurityGroup.id,
      description: `Public load balancer to pod targets on ${this.ingress.targetPort}`,
      ipProtocol: "tcp",
      fromPort: this.ingress.targetPort,
      toPort: this.ingress.targetPort,
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
      // Only the cluster security group (control plane, nodes and therefore pods) reaches 5432.
      allowedSecurityGroupIds: [this.cluster.clusterSecurityGroupId],
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
    // Read by operators (`cdktf output <stack>`) and the runbooks.
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

    // Stable private names for the database endpoints, in the environment's private zone.
    let zoneId: string;
    if (plane.kind === "global") {
      this.privateZone = new PrivateZone(this, "private-zone", { zoneName: privateZoneName(env.name), vpcId: this.network.vpcId, vpcRegion: config.region });
      zoneId = this.privateZone.zoneId;
    } else {
      if (!props.global?.privateZone) throw new Error(`${this.node.id}: a regional plane needs the global plane's stack`);
      zoneId = props.global.privateZone.zoneId;
      associateVpc(this, "private-zone-association", zoneId, this.network.vpcId, config.region);
    }
    const dns = databaseDnsNames(env.name, plane);
    cname(this, "database-writer-dns", zoneId, dns.writer, this.database.writerEndpoint);
    cname(this, "database-reader-dns", zoneId, dns.reader, this.database.readerEndpoint);

    // The bundle bucket lives with the global plane; regional workload roles are granted by name, so
    // the global stack never waits for regional ones.
    const bundle = { bucketName: env.bundleBucketName, region: env.global.region, accountId: env.accountId };
    if (plane.kind === "global") {
      this.bundleBucket = new BundleBucket(this, "bundle-bucket", {
        ...bundle,
        writerRoleArns: [workloadRoleArn(env.accountId, env.name, GLOBAL_PLANE)],
        readerRoleArns: env.regions.map((r) => workloadRoleArn(env.accountId, env.name, regionalPlane(r.key))),
        breakGlassRoleArn: env.breakGlassRoleArn,
      });
    }
    this.workloadRole = new PodIdentityRole(this, "workload-role", {
      roleName: workloadRoleName(env.name, plane),
      description: `Control-plane services of ${name} (${WORKLOAD_NAMESPACE}/${WORKLOAD_SERVICE_ACCOUNT})`,
      clusterName: this.cluster.cluster.name,
      namespace: WORKLOAD_NAMESPACE,
      serviceAccount: WORKLOAD_SERVICE_ACCOUNT,
      statements: [
        ...bundleBucketStatements(bundle, plane.kind === "global" ? "read-write" : "read"),
        ...this.database.readStatements(),
      ],
    });

    if (props.global) {
      const global = props.global;
      const globalProvider = this.awsProvider("aws-global", env.global.region, "global", { Plane: planeId(plane) });
      new PlanePeering(this, "peering-global", {
        namePrefix: prefix,
        accountId: env.accountId,
        requester: {
          name: planeId(plane),
          vpcId: this.network.vpcId,
          cidr: this.network.cidr,
          routeTableIds: this.network.privateRouteTables.map((t) => t.id),
          securityGroupId: this.cluster.clusterSecurityGroupId,
        },
        accepter: {
          name: "global",
          region: env.global.region,
          vpcId: global.network.vpcId,
          cidr: global.network.cidr,
          routeTableIds: global.network.privateRouteTables.map((t) => t.id),
          securityGroupId: global.cluster.clusterSecurityGroupId,
        },
        accepterProvider: globalProvider,
      });
    }
  }
}
