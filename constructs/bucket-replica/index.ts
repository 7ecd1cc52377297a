/**
 * Cross-region replication of a {@link SecureBucket}: a replica bucket in another region (private,
 * versioned, TLS-only, encrypted with its own rotating customer-managed key in that region), the
 * replication role, and the replication configuration (V2 schema: every object, KMS-encrypted objects
 * included, re-encrypted with the replica region's key; replication metrics on, so failures are
 * visible and alarmed).
 *
 * Delete markers are **not** replicated (`delete_marker_replication = Disabled`): a delete in the
 * source region, accidental or hostile, leaves the replica's current version readable, and permanent
 * version deletes are never replicated by S3 anyway. The price: after a failover, a reader of the
 * replica can see objects the primary had deleted (each replica object keeps its source key, so a
 * reader that needs exact parity compares with the primary's version listing while it is reachable).
 *
 * The replica lives in the destination region through an aliased provider that the caller passes in;
 * the role is global (IAM), the replication configuration belongs to the source bucket.
 */
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { policyDocument, type Statement } from "../../src/lib/iam";
import { EncryptionKey } from "../kms-key";
import { REPLICA_OF_TAG } from "../../src/policy/conventions";
import { SecureBucket, type SecureBucketProps } from "../secure-bucket";

/** Defaults of {@link BucketReplicaProps}. */
export const BUCKET_REPLICA_DEFAULTS = {
  replicateDeleteMarkers: false,
  storageClass: "STANDARD",
  noncurrentVersionExpirationDays: 90,
} as const;

/** Props of {@link BucketReplica}. */
export interface BucketReplicaProps {
  /** The source bucket (a SecureBucket of this stack). */
  readonly source: SecureBucket;
  /** Source bucket name (a literal: conditions and the replica's tag). */
  readonly sourceBucketName: string;
  /** ARN of the source bucket's KMS key. */
  readonly sourceKeyArn: string;
  /** Region of the source bucket. */
  readonly sourceRegion: string;
  /** Name of the replica bucket. */
  readonly replicaBucketName: string;
  /** Region of the replica (must differ from the source's). */
  readonly replicaRegion: string;
  /** Provider configured for the replica region. */
  readonly replicaProvider: TerraformProvider;
  /** Account of both buckets. */
  readonly accountId: string;
  /** Name of the replication role. */
  readonly roleName: string;
  /** Whether delete markers replicate. @default false */
  readonly replicateDeleteMarkers?: boolean;
  /** Storage class of the replicas. @default "STANDARD" */
  readonly storageClass?: "STANDARD" | "STANDARD_IA" | "GLACIER_IR";
  /** Days noncurrent replica versions are kept. @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Days current replica versions are kept (e.g. the dump retention); unset keeps them. @default undefined */
  readonly currentVersionExpirationDays?: number;
  /** S3 Object Lock default retention on the replica (write-once copies). @default undefined */
  readonly objectLock?: SecureBucketProps["objectLock"];
  /** Extra tags on the replica bucket. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** Topic an alarm on failed replication notifies (in the source region). @default no alarm */
  readonly alarmTopicArn?: string;
}

/** A replica bucket in another region and the replication that fills it. */
export class BucketReplica extends Construct {
  /** The replica bucket. */
  readonly bucket: SecureBucket;
  /** The replica's key (in the replica region). */
  readonly key: EncryptionKey;
  /** The replication role. */
  readonly role: IamRole;
  /** ARN of the replication role (a literal, for bucket policies that must admit it). */
  readonly roleArn: string;
  /** The replication configuration. */
  readonly replication: S3BucketReplicationConfigurationA;

  constructor(scope: Construct, id: string, props: BucketReplicaProps) {
    super(scope, id);
    if (props.replicaRegion === props.sourceRegion) {
      throw new Error(`BucketReplica ${props.replicaBucketName}: the replica region must differ from the source region ${props.sourceRegion}`);
    }
    const sourceArn = `arn:aws:s3:::${props.sourceBucketName}`;
    const replicaArn = `arn:aws:s3:::${props.replicaBucketName}`;
    this.key = new EncryptionKey(this, "key", {
      description: `Replica of s3://${props.sourceBucketName} in ${props.replicaRegion}`,
      alias: props.replicaBucketName,
      accountId: props.accountId,
      region: props.replicaRegion,
      provider: props.replicaProvider,
    });
    this.bucket = new SecureBucket(this, "bucket", {
      bucketName: props.replicaBucketName,
      kmsKeyArn: this.key.arn,
      provider: props.replicaProvider,
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays ?? BUCKET_REPLICA_DEFAULTS.noncurrentVersionExpirationDays,
      currentVersionExpirationDays: props.currentVersionExpirationDays,
      objectLock: props.objectLock,
      tags: { ...props.tags, [REPLICA_OF_TAG]: props.sourceBucketName },
    });

    this.roleArn = `arn:aws:iam::${props.accountId}:role/${props.roleName}`;
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: `S3 replication of ${props.sourceBucketName} to ${props.replicaBucketName} (${props.replicaRegion})`,
      assumeRolePolicy: policyDocument([
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["s3.amazonaws.com"] }],
          // Confused-deputy guard: only S3 acting for this account.
          conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] }],
        },
      ]),
    });
    const statements: Statement[] = [
      { sid: "ReadReplicationConfiguration", actions: ["s3:GetReplicationConfiguration", "s3:ListBucket"], resources: [sourceArn] },
      {
        sid: "ReadSourceVersions",
        actions: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging", "s3:GetObjectRetention", "s3:GetObjectLegalHold"],
        resources: [`${sourceArn}/*`],
      },
      { sid: "WriteReplicas", actions: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], resources: [`${replicaArn}/*`] },
      {
        sid: "DecryptSource",
        actions: ["kms:Decrypt"],
        resources: [props.sourceKeyArn],
        conditions: [
          { test: "StringEquals", variable: "kms:ViaService", values: [`s3.${props.sourceRegion}.amazonaws.com`] },
          // With S3 Bucket Keys the encryption context is the bucket ARN; without, the object ARN.
          { test: "StringLike", variable: "kms:EncryptionContext:aws:s3:arn", values: [sourceArn, `${sourceArn}/*`] },
        ],
      },
      {
        sid: "EncryptReplicas",
        actions: ["kms:Encrypt", "kms:GenerateDataKey"],
        resources: [this.key.arn],
        conditions: [
          { test: "StringEquals", variable: "kms:ViaService", values: [`s3.${props.replicaRegion}.amazonaws.com`] },
          { test: "StringLike", variable: "kms:EncryptionContext:aws:s3:arn", values: [replicaArn, `${replicaArn}/*`] },
        ],
      },
    ];
    const policy = new IamRolePolicy(this, "policy", { name: "replicate", role: this.role.id, policy: policyDocument(statements) });

    const ruleId = `to-${props.replicaRegion}`;
    this.replication = new S3BucketReplicationConfigurationA(this, "replication", {
      bucket: props.source.bucket.id,
      role: this.role.arn,
      rule: [
        {
          id: ruleId,
          status: "Enabled",
          priority: 1,
          // A filter makes this a V2 rule, which delete_marker_replication requires.
          filter: { prefix: "" },
          deleteMarkerReplication: { status: (props.replicateDeleteMarkers ?? BUCKET_REPLICA_DEFAULTS.replicateDeleteMarkers) ? "Enabled" : "Disabled" },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
          destination: {
            bucket: this.bucket.arn,
            storageClass: props.storageClass ?? BUCKET_REPLICA_DEFAULTS.storageClass,
            encryptionConfiguration: { replicaKmsKeyId: this.key.arn },
            metrics: { status: "Enabled" },
          },
        },
      ],
      // Both sides must be versioned first, and the role must be able to act.
      dependsOn: [props.source.versioning, this.bucket.versioning, policy],
    });

    if (props.alarmTopicArn) {
      new CloudwatchMetricAlarm(this, "failed-replication", {
        alarmName: `${props.sourceBucketName}-replication-failed`,
        alarmDescription: `[warning] Objects of s3://${props.sourceBucketName} failed to replicate to ${props.replicaBucketName} (${props.replicaRegion}). Runbook: runbooks/alerts.md#bucket-replication-failed`,
        namespace: "AWS/S3",
        metricName: "OperationsFailedReplication",
        // References, not names: the alarm is ordered after both buckets.
        dimensions: { SourceBucket: props.source.name, DestinationBucket: this.bucket.name, RuleId: ruleId },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        treatMissingData: "notBreaching",
        alarmActions: [props.alarmTopicArn],
        okActions: [props.alarmTopicArn],
        tags: { Severity: "warning" },
      });
    }
  }
}
