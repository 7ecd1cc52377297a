/**
 * `<env>-bootstrap`: the S3 bucket (and its KMS key and access-log bucket) that holds every other
 * stack's Terraform state, and the GitHub Actions identities that plan and deploy them (OIDC provider,
 * plan role, deploy role; docs/ci.md). It keeps its own state locally and is applied from a laptop:
 * it must exist before any S3 backend or CI role can.
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

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, bootstrapStackName(env.name), env, "local");
    this.awsProvider("aws", env.state.region, undefined, { Plane: "bootstrap" });
    const key = new EncryptionKey(this, "state-key", {
      description: `Terraform state of the ${env.name} environment`,
      alias: stateKeyAlias(env.name),
      accountId: env.accountId,
      region: env.state.region,
    });
    const logs = new AccessLogBucket(this, "state-access-logs", {
      bucketName: `${env.state.bucket}-access-logs`,
      sourceBucketName: env.state.bucket,
      accountId: env.accountId,
    });
    this.stateBucket = new SecureBucket(this, "state-bucket", {
      bucketName: env.state.bucket,
      kmsKeyArn: key.arn,
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
      stateKeyArn: key.arn,
      secretNamePrefix: secretNamePrefix(env.name),
    });
  }
}
