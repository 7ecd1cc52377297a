/**
 * Compliant building blocks for policy tests, made from the real provider classes (deep imports). Each
 * takes `overrides` spread into its config, so a bad fixture is a good one with one thing changed.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbInstance, type DbInstanceConfig } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { EksCluster, type EksClusterConfig } from "@cdktf/provider-aws/lib/eks-cluster";
import { EksNodeGroup, type EksNodeGroupConfig } from "@cdktf/provider-aws/lib/eks-node-group";
import { LaunchTemplate, type LaunchTemplateConfig } from "@cdktf/provider-aws/lib/launch-template";
import { RdsCluster, type RdsClusterConfig } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { DbInstanceAutomatedBackupsReplication } from "@cdktf/provider-aws/lib/db-instance-automated-backups-replication";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup, type SecurityGroupConfig } from "@cdktf/provider-aws/lib/security-group";
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { BucketReplica, type BucketReplicaProps } from "../../constructs/bucket-replica";
import { SecureBucket } from "../../constructs/secure-bucket";
import { dataClassTags } from "../../src/policy";
import { cmk, envTags } from "./policy";

/** A log group with retention and a key. */
export function logGroup(scope: Construct, id: string, name: string, key: string): CloudwatchLogGroup {
  return new CloudwatchLogGroup(scope, id, { name, retentionInDays: 90, kmsKeyId: key });
}

/** Region of the fixtures' second provider (fixture stacks default to us-east-1). */
export const REPLICA_REGION = "us-west-2";

/**
 * The fixture stack's provider for {@link REPLICA_REGION} (alias `dr`), with the same default tags as
 * its default provider; created once per stack.
 */
export function replicaProvider(scope: Construct, region = REPLICA_REGION): AwsProvider {
  const stack = TerraformStack.of(scope);
  const id = `aws-dr-${region}`;
  const existing = stack.node.tryFindChild(id) as AwsProvider | undefined;
  if (existing) return existing;
  const main = stack.node.tryFindChild("aws") as AwsProvider | undefined;
  return new AwsProvider(stack, id, { region, alias: `dr-${region}`, ...(main?.defaultTags ? { defaultTags: main.defaultTags } : {}) });
}

/** Options of {@link crossRegionDumps}. */
export interface DumpFixtureOptions {
  /** Region of the replica. @default REPLICA_REGION */
  readonly replicaRegion?: string;
  /** Replace parts of the replication (e.g. `replicateDeleteMarkers`). */
  readonly replica?: Partial<BucketReplicaProps>;
}

/**
 * Logical-dump backups of `identifier`: a dump bucket tagged `BackupOf` and its replica in another
 * region (the real constructs), i.e. the cross-region backup copy of a Multi-AZ DB cluster.
 */
export function crossRegionDumps(scope: Construct, identifier: string, options: DumpFixtureOptions = {}): { bucket: SecureBucket; replica: BucketReplica } {
  const region = options.replicaRegion ?? REPLICA_REGION;
  const name = `${identifier}-dumps`;
  const key = cmk(scope, `${identifier}-dump-key`);
  const bucket = new SecureBucket(scope, `${identifier}-dumps`, { bucketName: name, kmsKeyArn: key, tags: dataClassTags("database-backups", identifier) });
  const replica = new BucketReplica(scope, `${identifier}-dumps-replica`, {
    source: bucket,
    sourceBucketName: name,
    sourceKeyArn: key,
    sourceRegion: "us-east-1",
    replicaBucketName: `${name}-dr`,
    replicaRegion: region === "us-east-1" ? "us-east-2" : region,
    replicaProvider: replicaProvider(scope, region),
    accountId: "111111111111",
    roleName: `${identifier}-dump-replication`,
    tags: dataClassTags("database-backups", identifier),
    ...options.replica,
  });
  return { bucket, replica };
}

/**
 * A Postgres Multi-AZ DB cluster with everything the pack asks for (its parameter group, log group
 * and, unless `crossRegionBackup` is false, replicated logical dumps); `parameterFamily` follows the
 * engine (e.g. `aurora-postgresql16` for an Aurora override).
 */
export function goodDbCluster(
  scope: Construct,
  id: string,
  key: string,
  overrides: Partial<RdsClusterConfig> = {},
  parameterFamily = "postgres16",
  options: { readonly crossRegionBackup?: boolean } = {},
): RdsCluster {
  const identifier = overrides.clusterIdentifier ?? `cdn-${id}`;
  const group = new RdsClusterParameterGroup(scope, `${id}-params`, {
    name: `${identifier}-params`,
    family: parameterFamily,
    parameter: [{ name: "rds.force_ssl", value: "1" }],
  });
  logGroup(scope, `${id}-logs`, `/aws/rds/cluster/${identifier}/postgresql`, key);
  if (options.crossRegionBackup ?? true) crossRegionDumps(scope, identifier);
  return new RdsCluster(scope, id, {
    clusterIdentifier: identifier,
    engine: "postgres",
    engineVersion: "16.11",
    dbClusterInstanceClass: "db.m6gd.large",
    storageType: "io1",
    allocatedStorage: 100,
    iops: 1000,
    masterUsername: "cdn_admin",
    manageMasterUserPassword: true,
    masterUserSecretKmsKeyId: key,
    storageEncrypted: true,
    kmsKeyId: key,
    dbClusterParameterGroupName: group.name,
    backupRetentionPeriod: 30,
    deletionProtection: true,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: `${identifier}-final`,
    enabledCloudwatchLogsExports: ["postgresql"],
    ...overrides,
  });
}

/** A Postgres Multi-AZ DB instance with everything the pack asks for (automated backups replicated to another region unless `crossRegionBackup` is false). */
export function goodDbInstance(scope: Construct, id: string, key: string, overrides: Partial<DbInstanceConfig> = {}, options: { readonly crossRegionBackup?: boolean } = {}): DbInstance {
  const identifier = overrides.identifier ?? `cdn-${id}`;
  const group = new DbParameterGroup(scope, `${id}-params`, { name: `${identifier}-params`, family: "postgres16", parameter: [{ name: "rds.force_ssl", value: "1" }] });
  for (const log of ["postgresql", "upgrade"]) logGroup(scope, `${id}-${log}-logs`, `/aws/rds/instance/${identifier}/${log}`, key);
  const instance = new DbInstance(scope, id, {
    identifier,
    engine: "postgres",
    engineVersion: "16.11",
    instanceClass: "db.m6i.large",
    allocatedStorage: 100,
    username: "cdn_admin",
    manageMasterUserPassword: true,
    masterUserSecretKmsKeyId: key,
    storageEncrypted: true,
    kmsKeyId: key,
    multiAz: true,
    parameterGroupName: group.name,
    backupRetentionPeriod: 30,
    deletionProtection: true,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: `${identifier}-final`,
    enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
    performanceInsightsEnabled: true,
    performanceInsightsKmsKeyId: key,
    ...overrides,
  });
  if (options.crossRegionBackup ?? true) {
    new DbInstanceAutomatedBackupsReplication(scope, `${id}-backup-replication`, {
      provider: replicaProvider(scope),
      sourceDbInstanceArn: instance.arn,
      retentionPeriod: 30,
      kmsKeyId: "arn:aws:kms:us-west-2:111111111111:key/00000000-0000-4000-8000-000000000000",
    });
  }
  return instance;
}

/** A node launch template: encrypted root volume, IMDSv2, tags on instances and volumes. */
export function goodLaunchTemplate(scope: Construct, id: string, key: string, overrides: Partial<LaunchTemplateConfig> = {}, env = "dev"): LaunchTemplate {
  return new LaunchTemplate(scope, id, {
    name: `cdn-${id}`,
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", kmsKeyId: key, volumeSize: 50, volumeType: "gp3" } }],
    metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
    tagSpecifications: [
      { resourceType: "instance", tags: envTags(env) },
      { resourceType: "volume", tags: envTags(env) },
    ],
    ...overrides,
  });
}

/** The five control-plane log types. */
export const ALL_EKS_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** A private EKS cluster with secrets encryption, all logs and its log group. */
export function goodEksCluster(scope: Construct, id: string, key: string, overrides: Partial<EksClusterConfig> = {}): EksCluster {
  const name = overrides.name ?? `cdn-${id}`;
  logGroup(scope, `${id}-logs`, `/aws/eks/${name}/cluster`, key);
  return new EksCluster(scope, id, {
    name,
    roleArn: "arn:aws:iam::111111111111:role/cdn-eks-cluster",
    version: "1.35",
    vpcConfig: { subnetIds: ["subnet-a", "subnet-b"], endpointPrivateAccess: true, endpointPublicAccess: false },
    encryptionConfig: { resources: ["secrets"], provider: { keyArn: key } },
    enabledClusterLogTypes: ALL_EKS_LOGS,
    ...overrides,
  });
}

/** A managed node group of `cluster` using `launchTemplate`. */
export function goodNodeGroup(scope: Construct, id: string, cluster: EksCluster, launchTemplate: LaunchTemplate | undefined, overrides: Partial<EksNodeGroupConfig> = {}): EksNodeGroup {
  return new EksNodeGroup(scope, id, {
    clusterName: cluster.name,
    nodeGroupName: id,
    nodeRoleArn: "arn:aws:iam::111111111111:role/cdn-nodes",
    subnetIds: ["subnet-a", "subnet-b"],
    scalingConfig: { minSize: 1, maxSize: 3, desiredSize: 1 },
    ...(launchTemplate ? { launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.toString() } } : {}),
    ...overrides,
  });
}

/** A described security group with no inline rules. */
export function goodSecurityGroup(scope: Construct, id: string, overrides: Partial<SecurityGroupConfig> = {}): SecurityGroup {
  return new SecurityGroup(scope, id, { name: `cdn-${id}`, description: `Fixture group ${id}`, vpcId: "vpc-12345678", ...overrides });
}
