/**
 * `<env>-bootstrap`: the S3 bucket (and its KMS key and access-log bucket) that holds every other
 * stack's Terraform state, and the account's GitHub connection for the in-VPC CI runners. It keeps its
 * own state locally: it must exist before any S3 backend can.
 */
import { CodeconnectionsConnection } from "@cdktf/provider-aws/lib/codeconnections-connection";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { EncryptionKey } from "../constructs/kms-key";
import { AccessLogBucket, SecureBucket } from "../constructs/secure-bucket";
import type { EnvironmentConfig } from "../src/config/schema";
import { bootstrapStackName, githubConnectionName } from "../src/config/naming";
import { EnvironmentStack } from "../src/lib/stack-base";

/** The state bucket of one environment's account. */
export class BootstrapStack extends EnvironmentStack {
  /** The state bucket. */
  readonly stateBucket: SecureBucket;
  /** The account's connection to GitHub (created PENDING; a person completes it once in the console). */
  readonly githubConnection: CodeconnectionsConnection;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, bootstrapStackName(env.name), env, "local");
    this.awsProvider("aws", env.state.region, undefined, { Plane: "bootstrap" });
    const key = new EncryptionKey(this, "state-key", {
      description: `Terraform state of the ${env.name} environment`,
      alias: `cdn-${env.name}-terraform-state`,
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
    this.githubConnection = this.addGithubConnection();
  }

  /**
   * One connection per account: connections are global resources usable from every region, and every
   * plane's runner project names it (`access.ciRunners.connectionArn`). It starts PENDING until someone
   * with rights on the GitHub organisation completes the handshake (docs/ci.md).
   */
  private addGithubConnection(): CodeconnectionsConnection {
    const connection = new CodeconnectionsConnection(this, "github-connection", {
      name: githubConnectionName(this.env.name),
      providerType: "GitHub",
    });
    new TerraformOutput(this, "github_connection_arn", {
      value: connection.arn,
      description: "Copy into access.ciRunners.connectionArn of the environment file once the connection is AVAILABLE",
    });
    new TerraformOutput(this, "github_connection_status", {
      value: connection.connectionStatus,
      description: "PENDING until the GitHub handshake is completed in the console (Developer Tools > Settings > Connections)",
    });
    return connection;
  }
}
