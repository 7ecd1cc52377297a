/**
 * `<env>-bootstrap`: the S3 bucket (and its KMS key and access-log bucket) that holds every other
 * stack's Terraform state. It keeps its own state locally: it must exist before any S3 backend can.
 */
import type { Construct } from "constructs";
import { EncryptionKey } from "../constructs/kms-key";
import { SecureBucket } from "../constructs/secure-bucket";
import type { EnvironmentConfig } from "../src/config/schema";
import { bootstrapStackName } from "../src/naming";
import { suppress } from "../src/policy";
import { EnvironmentStack } from "../src/stack-base";

/** The state bucket of one environment's account. */
export class BootstrapStack extends EnvironmentStack {
  /** The state bucket. */
  readonly stateBucket: SecureBucket;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, bootstrapStackName(env.name), env, "local");
    this.awsProvider("aws", env.state.region, undefined, { Plane: "bootstrap" });
    const key = new EncryptionKey(this, "state-key", {
      description: `Terraform state of the ${env.name} environment`,
      alias: `cdn-${env.name}-terraform-state`,
      accountId: env.accountId,
      region: env.state.region,
    });
    // Server access logs can only be delivered to a bucket encrypted with SSE-S3.
    const logs = new SecureBucket(this, "state-access-logs", {
      bucketName: `${env.state.bucket}-access-logs`,
      noncurrentVersionExpirationDays: 30,
      policyStatements: [
        {
          sid: "S3ServerAccessLogDelivery",
          actions: ["s3:PutObject"],
          resources: [`arn:aws:s3:::${env.state.bucket}-access-logs/*`],
          principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
          conditions: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [env.accountId] },
            { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:aws:s3:::${env.state.bucket}`] },
          ],
        },
      ],
    });
    suppress(
      logs,
      "CDN-ENC-002",
      "S3 server access logging can only deliver to a target bucket encrypted with SSE-S3 (AES256), not SSE-KMS, so this bucket cannot use the state key. " +
        "It holds access logs of the state bucket only (never state), is private, versioned and TLS-only.",
    );
    this.stateBucket = new SecureBucket(this, "state-bucket", {
      bucketName: env.state.bucket,
      kmsKeyArn: key.arn,
      // State history is the undo button: keep old versions for a year.
      noncurrentVersionExpirationDays: 365,
      accessLogBucket: { bucket: logs.name },
    });
  }
}
