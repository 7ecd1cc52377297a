/**
 * The configuration-bundle bucket (`cdn-config-bundles` in prod): private, versioned, encrypted with a
 * rotating customer-managed key (bucket key on), TLS-only, noncurrent versions expire after 90 days,
 * incomplete multipart uploads are aborted, server access logs go to a sibling log bucket (expiring),
 * and the bucket policy denies object data and listing to every principal except the listed readers,
 * writers and the break-glass role. Writes are denied to readers even if an identity policy were to
 * allow them; uploads must use the bucket's key (named by ARN, id, alias or alias ARN) or none.
 *
 * The Deny statements name object actions explicitly, never `s3:*Object*` or `s3:ListBucket*`: those
 * also match bucket-configuration reads (s3:GetBucketObjectLockConfiguration; HeadBucket is
 * s3:ListBucket) that Terraform's refresh makes, which would lock the deploy and plan roles out of the
 * stack from its second run on. Those roles may list the bucket (HeadBucket) but never read objects.
 *
 * `bundleBucketStatements` is the typed grant helper: it returns the identity-policy statements a role
 * needs for read or read-write access, from names alone, so stacks in other regions can grant access
 * without referencing this stack's resources and no one hand-writes IAM JSON for the bucket.
 */
import { Construct } from "constructs";
import type { Statement } from "../../src/lib/iam";
import { dataClassTags } from "../../src/policy/conventions";
import { EncryptionKey } from "../kms-key";
import { AccessLogBucket, SecureBucket } from "../secure-bucket";

/** Access levels the bucket grants. */
export type BundleAccess = "read" | "read-write";

/** What a grant needs to know about the bucket. */
export interface BundleBucketRef {
  /** Bucket name. */
  readonly bucketName: string;
  /** Region of the bucket (and its key). */
  readonly region: string;
  /** Account of the bucket. */
  readonly accountId: string;
}

/**
 * Object-data actions the bucket policy reserves for workloads and break-glass (prefix wildcards that
 * match object actions only: no bucket-configuration action starts with these).
 */
export const BUNDLE_OBJECT_DATA_ACTIONS = [
  "s3:GetObject*",
  "s3:PutObject*",
  "s3:DeleteObject*",
  "s3:RestoreObject",
  "s3:AbortMultipartUpload",
  "s3:ListMultipartUploadParts",
  "s3:ReplicateObject",
  "s3:ReplicateDelete",
  "s3:ReplicateTags",
] as const;

/** Bucket-level listings of object keys and uploads, reserved like object data. */
export const BUNDLE_LISTING_ACTIONS = ["s3:ListBucketVersions", "s3:ListBucketMultipartUploads"] as const;

const READ_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:GetObjectVersionAttributes"];
const LIST_ACTIONS = ["s3:ListBucket", "s3:ListBucketVersions"];
const WRITE_ACTIONS = ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];

/** Identity-policy statements for `access` to the bundle bucket (S3 plus the bucket's KMS key via S3). */
export function bundleBucketStatements(bucket: BundleBucketRef, access: BundleAccess): Statement[] {
  const bucketArn = `arn:aws:s3:::${bucket.bucketName}`;
  const viaS3 = [
    { test: "StringEquals", variable: "kms:ViaService", values: [`s3.${bucket.region}.amazonaws.com`] },
    // With S3 bucket keys the encryption context is the bucket ARN.
    { test: "StringEquals", variable: "kms:EncryptionContext:aws:s3:arn", values: [bucketArn] },
  ];
  const keyArns = [`arn:aws:kms:${bucket.region}:${bucket.accountId}:key/*`];
  const statements: Statement[] = [
    { sid: "ListBundles", actions: LIST_ACTIONS, resources: [bucketArn] },
    { sid: "ReadBundles", actions: READ_ACTIONS, resources: [`${bucketArn}/*`] },
    { sid: "DecryptBundles", actions: ["kms:Decrypt"], resources: keyArns, conditions: viaS3 },
  ];
  if (access === "read-write") {
    statements.push(
      { sid: "WriteBundles", actions: WRITE_ACTIONS, resources: [`${bucketArn}/*`] },
      { sid: "EncryptBundles", actions: ["kms:GenerateDataKey"], resources: keyArns, conditions: viaS3 },
    );
  }
  return statements;
}

/** Defaults of {@link BundleBucketProps}. */
export const BUNDLE_BUCKET_DEFAULTS = { noncurrentVersionExpirationDays: 90 } as const;

/** Props of {@link BundleBucket}. */
export interface BundleBucketProps extends BundleBucketRef {
  /** Role ARNs that may read bundles (they may not write). */
  readonly readerRoleArns: readonly string[];
  /** Role ARNs that may read and write bundles. */
  readonly writerRoleArns: readonly string[];
  /** A break-glass administrator role that keeps full object access. */
  readonly breakGlassRoleArn: string;
  /**
   * The roles that run Terraform (deploy and plan): they may list the bucket, which HeadBucket (the first
   * call of every refresh) requires, but get no object data.
   */
  readonly terraformRoleArns: readonly string[];
  /** Days server access logs are kept. @default 365 */
  readonly accessLogExpirationDays?: number;
  /** The S3 replication role, admitted to read object versions for replication. @default none */
  readonly replicationRoleArn?: string;
  /** Days noncurrent versions are kept (the platform asks for 90). @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
}

/** The bundle bucket, its key and its access-log bucket. */
export class BundleBucket extends Construct {
  /** The bucket. */
  readonly bucket: SecureBucket;
  /** The bucket's key. */
  readonly key: EncryptionKey;

  constructor(scope: Construct, id: string, props: BundleBucketProps) {
    super(scope, id);
    const bucketArn = `arn:aws:s3:::${props.bucketName}`;
    this.key = new EncryptionKey(this, "key", {
      description: `Configuration bundles in s3://${props.bucketName}`,
      alias: `${props.bucketName}`,
      accountId: props.accountId,
      region: props.region,
    });
    const logs = new AccessLogBucket(this, "access-logs", {
      bucketName: `${props.bucketName}-access-logs`,
      sourceBucketName: props.bucketName,
      accountId: props.accountId,
      expirationDays: props.accessLogExpirationDays,
    });
    const everyone = [{ type: "*" as const, identifiers: ["*"] }];
    // The replication role reads object versions to copy them to the replica region.
    const dataRoles = [...props.writerRoleArns, ...props.readerRoleArns, props.breakGlassRoleArn, ...(props.replicationRoleArn ? [props.replicationRoleArn] : [])];
    this.bucket = new SecureBucket(this, "bucket", {
      bucketName: props.bucketName,
      tags: dataClassTags("config-bundles"),
      kmsKeyArn: this.key.arn,
      uploadKeyIdentifiers: this.key.identifiers,
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays ?? BUNDLE_BUCKET_DEFAULTS.noncurrentVersionExpirationDays,
      accessLogBucket: { bucket: logs.name },
      policyStatements: [
        {
          sid: "DenyObjectDataToAllButWorkloadsAndBreakGlass",
          effect: "Deny",
          actions: [...BUNDLE_OBJECT_DATA_ACTIONS],
          resources: [`${bucketArn}/*`],
          principals: everyone,
          conditions: [{ test: "StringNotLike", variable: "aws:PrincipalArn", values: dataRoles }],
        },
        {
          sid: "DenyVersionAndUploadListingToAllButWorkloadsAndBreakGlass",
          effect: "Deny",
          actions: [...BUNDLE_LISTING_ACTIONS],
          resources: [bucketArn],
          principals: everyone,
          conditions: [{ test: "StringNotLike", variable: "aws:PrincipalArn", values: dataRoles }],
        },
        {
          sid: "DenyListingToAllButWorkloadsBreakGlassAndTerraform",
          effect: "Deny",
          actions: ["s3:ListBucket"],
          resources: [bucketArn],
          principals: everyone,
          conditions: [{ test: "StringNotLike", variable: "aws:PrincipalArn", values: [...dataRoles, ...props.terraformRoleArns] }],
        },
        {
          sid: "DenyWritesToReaders",
          effect: "Deny",
          actions: ["s3:PutObject*", "s3:DeleteObject*", "s3:RestoreObject", "s3:AbortMultipartUpload"],
          resources: [`${bucketArn}/*`],
          principals: everyone,
          conditions: [{ test: "StringNotLike", variable: "aws:PrincipalArn", values: [...props.writerRoleArns, props.breakGlassRoleArn] }],
        },
      ],
    });
  }
}
