/**
 * An S3 bucket with every safe default on: ACLs disabled (bucket-owner enforced), all four public access
 * blocks, versioning, default encryption (a customer-managed KMS key with a bucket key, or SSE-S3 where
 * AWS requires it, e.g. for a server-access-log target), a policy that denies any request not over TLS
 * (and, given the key's identifiers, any upload that asks for another key or algorithm), lifecycle rules
 * for noncurrent versions, incomplete multipart uploads and optionally current objects, and optional
 * access logging.
 *
 * Deny statements passed in must never match the bucket-configuration reads Terraform's refresh makes
 * (HeadBucket is s3:ListBucket; `s3:*Object*` matches s3:GetBucketObjectLockConfiguration): the policy
 * pack checks that for the deploy and plan roles (CDN-IAM-003).
 */
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { policyDocument, type Statement } from "../../src/lib/iam";
import { suppress } from "../../src/policy/suppress";

/** Defaults of {@link SecureBucketProps}. */
export const SECURE_BUCKET_DEFAULTS = {
  noncurrentVersionExpirationDays: 90,
  abortIncompleteMultipartUploadDays: 7,
  forceDestroy: false,
} as const;

/** Defaults of {@link AccessLogBucketProps}. */
export const ACCESS_LOG_BUCKET_DEFAULTS = {
  noncurrentVersionExpirationDays: 30,
  expirationDays: 365,
} as const;

/** Props of {@link SecureBucket}. */
export interface SecureBucketProps {
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /** KMS key ARN for default encryption; omit only where AWS requires SSE-S3 (log targets). */
  readonly kmsKeyArn?: string;
  /** Days after which noncurrent object versions expire. @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Days after which current objects expire (a delete marker; the version then ages as noncurrent). @default undefined (never) */
  readonly currentVersionExpirationDays?: number;
  /**
   * Every identifier of `kmsKeyArn`'s key (ARN, id, alias name, alias ARN): uploads naming any other key,
   * or asking for SSE-S3, DSSE or the AWS-managed key, are denied. Omit to only set the default.
   */
  readonly uploadKeyIdentifiers?: readonly string[];
  /** Days after which incomplete multipart uploads are aborted. @default 7 */
  readonly abortIncompleteMultipartUploadDays?: number;
  /** Bucket that receives server access logs (with a prefix of this bucket's name). */
  readonly accessLogBucket?: { readonly bucket: string };
  /** Statements added to the bucket policy after the TLS-only deny. */
  readonly policyStatements?: readonly Statement[];
  /** Allow `terraform destroy` to delete a non-empty bucket. @default false */
  readonly forceDestroy?: boolean;
  /** S3 Object Lock default retention (WORM); only settable when the bucket is created. @default undefined (no lock) */
  readonly objectLock?: { readonly mode: "GOVERNANCE" | "COMPLIANCE"; readonly days: number };
  /** Extra tags on the bucket (e.g. `Holds`, `BackupOf`, `ReplicaOf`, which the policy pack reads). @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** Provider of every resource (an aliased provider for a bucket in another region). @default the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** A private, versioned, encrypted, TLS-only S3 bucket. */
export class SecureBucket extends Construct {
  /** The bucket. */
  readonly bucket: S3Bucket;
  /** Bucket name (token). */
  readonly name: string;
  /** Bucket ARN (token). */
  readonly arn: string;
  /** The versioning configuration (replication must wait for it on both sides). */
  readonly versioning: S3BucketVersioningA;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const provider = props.provider;
    this.bucket = new S3Bucket(this, "bucket", {
      provider,
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy ?? SECURE_BUCKET_DEFAULTS.forceDestroy,
      ...(props.objectLock ? { objectLockEnabled: true } : {}),
      tags: { Name: props.bucketName, ...props.tags },
    });
    this.name = this.bucket.bucket;
    this.arn = this.bucket.arn;

    new S3BucketOwnershipControls(this, "ownership", {
      provider,
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access", {
      provider,
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    this.versioning = new S3BucketVersioningA(this, "versioning", {
      provider,
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      provider,
      bucket: this.bucket.id,
      rule: [
        props.kmsKeyArn
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      provider,
      bucket: this.bucket.id,
      rule: [
        ...(props.currentVersionExpirationDays === undefined
          ? []
          : [
              {
                id: "expire-current-objects",
                status: "Enabled",
                filter: [{ prefix: "" }],
                expiration: [{ days: props.currentVersionExpirationDays }],
              },
            ]),
        {
          id: "expire-noncurrent-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays ?? SECURE_BUCKET_DEFAULTS.noncurrentVersionExpirationDays }],
        },
        {
          id: "abort-incomplete-multipart-uploads",
          status: "Enabled",
          filter: [{ prefix: "" }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: props.abortIncompleteMultipartUploadDays ?? SECURE_BUCKET_DEFAULTS.abortIncompleteMultipartUploadDays }],
        },
      ],
    });
    if (props.objectLock) {
      new S3BucketObjectLockConfigurationA(this, "object-lock", {
        provider,
        bucket: this.bucket.id,
        rule: { defaultRetention: { mode: props.objectLock.mode, days: props.objectLock.days } },
        dependsOn: [this.versioning],
      });
    }
    if (props.accessLogBucket) {
      new S3BucketLoggingA(this, "logging", {
      provider,
        bucket: this.bucket.id,
        targetBucket: props.accessLogBucket.bucket,
        targetPrefix: `${props.bucketName}/`,
      });
    }
    new S3BucketPolicy(this, "policy", {
      provider,
      bucket: this.bucket.id,
      policy: policyDocument([
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          actions: ["s3:*"],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          principals: [{ type: "*", identifiers: ["*"] }],
          conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
        ...(props.uploadKeyIdentifiers ? uploadEncryptionStatements(this.bucket.arn, props.uploadKeyIdentifiers) : []),
        ...(props.policyStatements ?? []),
      ]),
      // Policies are rejected while public access blocks are being applied; order them.
      dependsOn: [publicAccess],
    });
  }
}

/**
 * Deny statements that keep every upload on the bucket's key: an upload may omit the encryption headers
 * (the bucket default applies) or name the key by any of `keyIdentifiers`; SSE-S3, DSSE, another key, or
 * `aws:kms` without a key id (which S3 serves with the AWS-managed aws/s3 key) are denied.
 */
export function uploadEncryptionStatements(bucketArn: string, keyIdentifiers: readonly string[]): Statement[] {
  const everyone = [{ type: "*" as const, identifiers: ["*"] }];
  const objects = [`${bucketArn}/*`];
  return [
    {
      sid: "DenyUploadsWithAnotherAlgorithm",
      effect: "Deny",
      actions: ["s3:PutObject"],
      resources: objects,
      principals: everyone,
      conditions: [{ test: "StringNotEqualsIfExists", variable: "s3:x-amz-server-side-encryption", values: ["aws:kms"] }],
    },
    {
      sid: "DenyUploadsWithAnotherKey",
      effect: "Deny",
      actions: ["s3:PutObject"],
      resources: objects,
      principals: everyone,
      conditions: [{ test: "StringNotEqualsIfExists", variable: "s3:x-amz-server-side-encryption-aws-kms-key-id", values: [...keyIdentifiers] }],
    },
    {
      sid: "DenyUploadsWithTheAwsManagedKey",
      effect: "Deny",
      actions: ["s3:PutObject"],
      resources: objects,
      principals: everyone,
      conditions: [
        { test: "StringEquals", variable: "s3:x-amz-server-side-encryption", values: ["aws:kms"] },
        { test: "Null", variable: "s3:x-amz-server-side-encryption-aws-kms-key-id", values: ["true"] },
      ],
    },
  ];
}

/** Props of {@link AccessLogBucket}. */
export interface AccessLogBucketProps {
  /** Name of the log bucket. */
  readonly bucketName: string;
  /** Name of the bucket whose server access logs it receives. */
  readonly sourceBucketName: string;
  /** Account of both buckets (only its S3 log delivery may write). */
  readonly accountId: string;
  /** Days noncurrent log versions are kept. @default 30 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Days log objects are kept before they expire (then kept `noncurrentVersionExpirationDays` more as noncurrent versions). @default 365 */
  readonly expirationDays?: number;
}

/**
 * A {@link SecureBucket} that receives another bucket's S3 server access logs. Encrypted with SSE-S3
 * because S3 log delivery cannot write to SSE-KMS buckets; only the S3 logging service, for the named
 * source bucket of this account, may put objects. Log objects expire (after 365 days by default) and
 * their noncurrent versions 30 days later, so the bucket does not grow forever.
 */
export class AccessLogBucket extends SecureBucket {
  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id, {
      bucketName: props.bucketName,
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays ?? ACCESS_LOG_BUCKET_DEFAULTS.noncurrentVersionExpirationDays,
      // Logs are written, never rewritten: without this every log object would be kept forever.
      currentVersionExpirationDays: props.expirationDays ?? ACCESS_LOG_BUCKET_DEFAULTS.expirationDays,
      policyStatements: [
        {
          sid: "S3ServerAccessLogDelivery",
          actions: ["s3:PutObject"],
          resources: [`arn:aws:s3:::${props.bucketName}/*`],
          principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
          conditions: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] },
            { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:aws:s3:::${props.sourceBucketName}`] },
          ],
        },
      ],
    });
    suppress(
      this,
      "CDN-ENC-002",
      `S3 server access logging can only deliver to a target bucket encrypted with SSE-S3 (AES256), not SSE-KMS, so this bucket cannot use a customer-managed key. ` +
        `It holds the access logs of ${props.sourceBucketName} only, is private, versioned, TLS-only and writable by the S3 logging service alone.`,
      ["bucket"],
    );
  }
}
