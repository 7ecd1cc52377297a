/**
 * `<env>-bootstrap`: the S3 bucket (and its KMS key and access-log bucket) that holds every other
 * stack's Terraform state, and the GitHub Actions identities that plan and deploy them (OIDC provider,
 * plan role, deploy role; docs/ci.md). Its own state is local until the bucket exists (it is applied
 * from a laptop first); `state.bootstrapBackend: "s3"` then moves it into that bucket
 * (docs/state.md#move-the-bootstrap-state-into-its-bucket).
 */
import type { Construct } from "constructs";
import { CiRoles } from "../constructs/ci-roles";
import { EncryptionKey } from "../constructs/kms-key";
import { AccessLogBucket, SecureBucket } from "../constructs/secure-bucket";
import type { EnvironmentConfig } from "../src/config/schema";
import { bootstrapStackName, secretNamePrefix, stateKeyAlias, terraformDeployRoleName, terraformPlanRoleName } from "../src/config/naming";
import { EnvironmentStack } from "../src/lib/stack-base";

/** The state bucket of one environment's account. */
export class BootstrapStack extends EnvironmentStack {
  /** The state bucket. */
  readonly stateBucket: SecureBucket;
  /** The GitHub Actions plan and deploy roles. */
  readonly ciRoles: CiRoles;
  /** The key of the state (every backend names it by its alias ARN). */
  readonly stateKey: EncryptionKey;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, bootstrapStackName(env.name), env, env.state.bootstrapBackend);
    this.awsProvider("aws", env.state.region, undefined, { Plane: "bootstrap" });
    this.stateKey = new EncryptionKey(this, "state-key", {
      description: `Terraform state of the ${env.name} environment`,
      alias: stateKeyAlias(env.name),
      accountId: env.accountId,
      region: env.state.region,
    });
    const logs = new AccessLogBucket(this, "state-access-logs", {
      bucketName: `${env.state.bucket}-access-logs`,
      sourceBucketName: env.state.bucket,
      accountId: env.accountId,
      expirationDays: env.accessLogExpirationDays,
    });
    this.stateBucket = new SecureBucket(this, "state-bucket", {
      bucketName: env.state.bucket,
      kmsKeyArn: this.stateKey.arn,
      // Backends name the key by its alias ARN; an old backend block without kms_key_id (which sends
      // AES256) or one naming another key is refused instead of silently writing SSE-S3 state.
      uploadKeyIdentifiers: this.stateKey.identifiers,
      // State history is the undo button: keep old versions for a year.
      noncurrentVersionExpirationDays: 365,
      accessLogBucket: { bucket: logs.name },
    });
    this.ciRoles = new CiRoles(this, "ci-roles", {
      accountId: env.accountId,
      environment: env.name,
      repository: env.ci.repository,
      existingOidcProviderArn: env.ci.oidcProviderArn,
      planRoleName: terraformPlanRoleName(env.name),
      deployRoleName: terraformDeployRoleName(env.name),
      stateBucket: this.stateBucket.name,
      stateKeyPrefix: env.state.keyPrefix,
      stateKeyArn: this.stateKey.arn,
      secretNamePrefix: secretNamePrefix(env.name),
    });
  }
}
