/**
 * Backups of one plane's PostgreSQL Multi-AZ DB cluster beyond RDS's own automated backups
 * (`backup_retention_period`, point-in-time restore to any second of the last 30 days, in-region).
 * Why this shape is in docs/decisions/0010-cross-region-database-backups.md; in short, AWS copies
 * neither RDS automated backups nor snapshots of a *Multi-AZ DB cluster* to another region, so the
 * cross-region copy is a logical dump.
 *
 * In-region (AWS Backup):
 * - a vault encrypted with its own rotating customer-managed key, with a vault lock in governance
 *   or compliance mode (recovery points cannot be deleted or shortened below the retention);
 * - a plan with one daily snapshot rule (kept `snapshotRetentionDays`), scheduled outside the RDS
 *   backup and maintenance windows, and a selection of the cluster under a role that AWS Backup
 *   assumes with the AWS managed backup and restore policies.
 *
 * Cross-region (logical dumps):
 * - a dump bucket in the plane's region (private, versioned, TLS-only, its own key; current versions
 *   expire after `dumpRetentionDays`) that only the dump writer, the replication role and the
 *   break-glass role may touch at object level, and that accepts only objects under its own key;
 * - its replica in the copy region ({@link BucketReplica}: its own key there, delete markers not
 *   replicated, an optional S3 Object Lock default retention so the copies are write-once).
 *
 * The dump CronJob that writes to the bucket runs in the plane's cluster (`constructs/database-dump`);
 * it gets {@link DatabaseBackups.dumpWriterStatements} through its Pod Identity role.
 */
import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { BackupVaultLockConfiguration } from "@cdktf/provider-aws/lib/backup-vault-lock-configuration";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { serviceTrustPolicy, type Statement } from "../../src/lib/iam";
import { BACKUP_OF_TAG, dataClassTags } from "../../src/policy/conventions";
import { BucketReplica } from "../bucket-replica";
import { EncryptionKey } from "../kms-key";
import { SecureBucket } from "../secure-bucket";

/** The AWS managed policies AWS Backup's role needs to back up and restore RDS. */
export const AWS_BACKUP_POLICY_ARNS = {
  backup: "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
  restores: "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
} as const;

/** Lock modes: off, governance (privileged principals can still remove it) or compliance (immutable after a grace period). */
export type LockMode = "off" | "governance" | "compliance";

/** Defaults of {@link DatabaseBackupsProps}; the config schema fills omitted fields from the same object. */
export const BACKUP_DEFAULTS = {
  /** Daily at 07:00 UTC: after the default RDS backup window (03:00-04:00) and Sunday maintenance (05:00-06:00). */
  snapshotSchedule: "cron(0 7 ? * * *)",
  snapshotRetentionDays: 30,
  vaultLock: "governance",
  dumpRetentionDays: 30,
  dumpLock: "governance",
} as const satisfies { vaultLock: LockMode; dumpLock: LockMode; [k: string]: unknown };

/** Grace period (days) before a compliance-mode lock becomes immutable. */
export const COMPLIANCE_GRACE_DAYS = 3;

/** Props of {@link DatabaseBackups}. */
export interface DatabaseBackupsProps {
  /** Identifier of the DB cluster (a literal: names, tags, dump prefix). */
  readonly identifier: string;
  /** ARN of the DB cluster (a reference). */
  readonly clusterArn: string;
  /** Account of everything. */
  readonly accountId: string;
  /** Region of the cluster, the vault and the dump bucket. */
  readonly region: string;
  /** Name of the AWS Backup vault. */
  readonly vaultName: string;
  /** AWS Backup schedule (EventBridge cron, UTC). @default "cron(0 7 ? * * *)" */
  readonly snapshotSchedule?: string;
  /** Days AWS Backup keeps each snapshot. @default 30 */
  readonly snapshotRetentionDays?: number;
  /** Vault lock mode. @default "governance" */
  readonly vaultLock?: LockMode;
  /** Name of the dump bucket (plane region). */
  readonly dumpBucketName: string;
  /** Name of the dump bucket's replica. */
  readonly dumpReplicaBucketName: string;
  /** Region of the replica (another region). */
  readonly copyRegion: string;
  /** Provider for the copy region. */
  readonly copyProvider: TerraformProvider;
  /** Days dumps are kept, in both regions. @default 30 */
  readonly dumpRetentionDays?: number;
  /** Object Lock mode of the replica's dumps. @default "governance" */
  readonly dumpLock?: LockMode;
  /** ARN of the role that writes dumps (a literal: the bucket policy admits it before it exists). */
  readonly dumpWriterRoleArn: string;
  /** A break-glass administrator role that keeps object access. */
  readonly breakGlassRoleArn: string;
  /** Name prefix of the AWS Backup and replication roles. */
  readonly rolePrefix: string;
  /** Topic for the replication-failure alarm. @default no alarm */
  readonly alarmTopicArn?: string;
}

/** AWS Backup (in-region) and the replicated dump bucket (cross-region) of one DB cluster. */
export class DatabaseBackups extends Construct {
  /** The vault. */
  readonly vault: BackupVault;
  /** The plan. */
  readonly plan: BackupPlan;
  /** The dump bucket (plane region). */
  readonly dumpBucket: SecureBucket;
  /** The dump bucket's key. */
  readonly dumpKey: EncryptionKey;
  /** The replica in the copy region. */
  readonly replica: BucketReplica;
  /** Key prefix of this database's dumps (`<identifier>/`). */
  readonly dumpPrefix: string;
  private readonly dumpBucketArn: string;
  private readonly region: string;

  constructor(scope: Construct, id: string, props: DatabaseBackupsProps) {
    super(scope, id);
    this.region = props.region;
    const retention = props.snapshotRetentionDays ?? BACKUP_DEFAULTS.snapshotRetentionDays;
    const lock = props.vaultLock ?? BACKUP_DEFAULTS.vaultLock;

    // In-region: AWS Backup.
    const vaultKey = new EncryptionKey(this, "vault-key", {
      description: `AWS Backup vault ${props.vaultName}`,
      alias: `${props.vaultName}-backup-vault`,
      accountId: props.accountId,
      region: props.region,
    });
    this.vault = new BackupVault(this, "vault", { name: props.vaultName, kmsKeyArn: vaultKey.arn, forceDestroy: false });
    if (lock !== "off") {
      new BackupVaultLockConfiguration(this, "vault-lock", {
        backupVaultName: this.vault.name,
        minRetentionDays: retention,
        // Setting a grace period is what makes a lock compliance mode (immutable once it ends).
        ...(lock === "compliance" ? { changeableForDays: COMPLIANCE_GRACE_DAYS } : {}),
      });
    }
    const backupRole = new IamRole(this, "backup-role", {
      name: `${props.rolePrefix}-aws-backup`,
      description: `AWS Backup of ${props.identifier}`,
      assumeRolePolicy: serviceTrustPolicy("backup.amazonaws.com"),
    });
    const attachments = Object.entries(AWS_BACKUP_POLICY_ARNS).map(
      ([name, arn]) => new IamRolePolicyAttachment(this, `backup-role-${name}`, { role: backupRole.name, policyArn: arn }),
    );
    this.plan = new BackupPlan(this, "plan", {
      name: props.vaultName,
      rule: [
        {
          ruleName: "daily-snapshot",
          targetVaultName: this.vault.name,
          schedule: props.snapshotSchedule ?? BACKUP_DEFAULTS.snapshotSchedule,
          scheduleExpressionTimezone: "Etc/UTC",
          startWindow: 60,
          completionWindow: 360,
          lifecycle: { deleteAfter: retention },
          recoveryPointTags: { [BACKUP_OF_TAG]: props.identifier },
        },
      ],
    });
    new BackupSelection(this, "selection", {
      name: props.identifier,
      planId: this.plan.id,
      iamRoleArn: backupRole.arn,
      resources: [props.clusterArn],
      dependsOn: attachments,
    });

    // Cross-region: logical dumps in a replicated bucket.
    const dumpRetention = props.dumpRetentionDays ?? BACKUP_DEFAULTS.dumpRetentionDays;
    const dumpLock = props.dumpLock ?? BACKUP_DEFAULTS.dumpLock;
    this.dumpPrefix = `${props.identifier}/`;
    this.dumpBucketArn = `arn:aws:s3:::${props.dumpBucketName}`;
    this.dumpKey = new EncryptionKey(this, "dump-key", {
      description: `Logical dumps of ${props.identifier} in s3://${props.dumpBucketName}`,
      alias: props.dumpBucketName,
      accountId: props.accountId,
      region: props.region,
    });
    const replicationRoleName = `${props.rolePrefix}-pgdump-replication`;
    const replicationRoleArn = `arn:aws:iam::${props.accountId}:role/${replicationRoleName}`;
    const everyone = [{ type: "*" as const, identifiers: ["*"] }];
    this.dumpBucket = new SecureBucket(this, "dump-bucket", {
      bucketName: props.dumpBucketName,
      kmsKeyArn: this.dumpKey.arn,
      currentVersionExpirationDays: dumpRetention,
      noncurrentVersionExpirationDays: 7,
      tags: dataClassTags("database-backups", props.identifier),
      policyStatements: [
        {
          sid: "DenyObjectAccessToAllButDumpWriterReplicationAndBreakGlass",
          effect: "Deny",
          actions: ["s3:*Object*", "s3:*MultipartUpload*"],
          resources: [`${this.dumpBucketArn}/*`],
          principals: everyone,
          conditions: [{ test: "StringNotLike", variable: "aws:PrincipalArn", values: [props.dumpWriterRoleArn, replicationRoleArn, props.breakGlassRoleArn] }],
        },
        {
          sid: "DenyObjectsNotEncryptedWithTheBucketKey",
          effect: "Deny",
          actions: ["s3:PutObject"],
          resources: [`${this.dumpBucketArn}/*`],
          principals: everyone,
          conditions: [{ test: "StringNotEqualsIfExists", variable: "s3:x-amz-server-side-encryption-aws-kms-key-id", values: [this.dumpKey.arn] }],
        },
      ],
    });
    this.replica = new BucketReplica(this, "dump-replica", {
      source: this.dumpBucket,
      sourceBucketName: props.dumpBucketName,
      sourceKeyArn: this.dumpKey.arn,
      sourceRegion: props.region,
      replicaBucketName: props.dumpReplicaBucketName,
      replicaRegion: props.copyRegion,
      replicaProvider: props.copyProvider,
      accountId: props.accountId,
      roleName: replicationRoleName,
      noncurrentVersionExpirationDays: 7,
      // The replica keeps each dump a day longer than the source, so a copy exists until the last source version is gone.
      currentVersionExpirationDays: dumpRetention + 1,
      objectLock: dumpLock === "off" ? undefined : { mode: dumpLock === "compliance" ? "COMPLIANCE" : "GOVERNANCE", days: dumpRetention },
      tags: dataClassTags("database-backups", props.identifier),
      alarmTopicArn: props.alarmTopicArn,
    });
  }

  /** Identity-policy statements for the dump writer: put objects under this database's prefix, encrypted with the dump key. */
  dumpWriterStatements(): Statement[] {
    const viaS3 = [
      { test: "StringEquals", variable: "kms:ViaService", values: [`s3.${this.region}.amazonaws.com`] },
      { test: "StringEquals", variable: "kms:EncryptionContext:aws:s3:arn", values: [this.dumpBucketArn] },
    ];
    return [
      { sid: "WriteDumps", actions: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"], resources: [`${this.dumpBucketArn}/${this.dumpPrefix}*`] },
      // Multipart uploads (large dumps) need Decrypt besides GenerateDataKey.
      { sid: "EncryptDumps", actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [this.dumpKey.arn], conditions: viaS3 },
    ];
  }
}
