/**
 * `<env>-bootstrap`: the S3 bucket (and its KMS key and access-log bucket) that holds every other
 * stack's Terraform state, its replica in a second region (its own key there; delete markers not
 * replicated, see `constructs/bucket-replica`), the GitHub Actions identities that plan and deploy
 * them (OIDC provider, plan role, deploy role; docs/ci.md), and the account's GitHub connection for the
 * in-VPC CI runners. Its own state is local until the bucket exists (it is applied from a laptop first);
 * `state.bootstrapBackend: "s3"` then moves it into that bucket
 * (docs/state.md#move-the-bootstrap-state-into-its-bucket).
 */
import { CodeconnectionsConnection } from "@cdktf/provider-aws/lib/codeconnections-connection";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { BucketReplica } from "../constructs/bucket-replica";
import { CiRoles } from "../constructs/ci-roles";
import { EncryptionKey } from "../constructs/kms-key";
import { AccessLogBucket, SecureBucket } from "../constructs/secure-bucket";
import type { EnvironmentConfig } from "../src/config/schema";
import {
  bootstrapStackName,
  githubConnectionName,
  secretNamePrefix,
  stateKeyAlias,
  stateReplicaBucketName,
  stateReplicaRegion,
  terraformDeployRoleName,
  terraformPlanRoleName,
} from "../src/config/naming";
import { dataClassTags } from "../src/policy";
import { EnvironmentStack } from "../src/lib/stack-base";

/** The state bucket of one environment's account. */
export class BootstrapStack extends EnvironmentStack {
  /** The state bucket. */
  readonly stateBucket: SecureBucket;
  /** The key of the state (every backend names it by its alias ARN). */
  readonly stateKey: EncryptionKey;
  /** The state bucket's replica in another region. */
  readonly stateReplica: BucketReplica;
  /** The GitHub Actions plan and deploy roles. */
  readonly ciRoles: CiRoles;
  /** The account's connection to GitHub (created PENDING; a person completes it once in the console). */
  readonly githubConnection: CodeconnectionsConnection;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, bootstrapStackName(env.name), env, env.state.bootstrapBackend);
    this.awsProvider("aws", env.state.region, undefined, { Plane: "bootstrap" });
    this.stateKey = new EncryptionKey(this, "state-key", {
      description: `Terraform state of the ${env.name} environment`,
      alias: stateKeyAlias(env.name),
      accountId: env.accountId,
      region: env.state.region,
    });
    this.stateBucket = this.addStateBucket();
    this.stateReplica = this.addStateReplica();
    this.ciRoles = this.addCiRoles();
    this.githubConnection = this.addGithubConnection();
  }

  /** The state bucket and its access-log bucket. */
  private addStateBucket(): SecureBucket {
    const logs = new AccessLogBucket(this, "state-access-logs", {
      bucketName: `${this.env.state.bucket}-access-logs`,
      sourceBucketName: this.env.state.bucket,
      accountId: this.env.accountId,
      expirationDays: this.env.accessLogExpirationDays,
    });
    return new SecureBucket(this, "state-bucket", {
      bucketName: this.env.state.bucket,
      kmsKeyArn: this.stateKey.arn,
      // Backends name the key by its alias ARN; an old backend block without kms_key_id (which sends
      // AES256) or one naming another key is refused instead of silently writing SSE-S3 state.
      uploadKeyIdentifiers: this.stateKey.identifiers,
      // State history is the undo button: keep old versions for a year.
      noncurrentVersionExpirationDays: 365,
      accessLogBucket: { bucket: logs.name },
      tags: dataClassTags("terraform-state"),
    });
  }

  /** The state bucket's replica: a region failure must not take the record of what exists with it. */
  private addStateReplica(): BucketReplica {
    const region = stateReplicaRegion(this.env);
    return new BucketReplica(this, "state-replica", {
      source: this.stateBucket,
      sourceBucketName: this.env.state.bucket,
      sourceKeyArn: this.stateKey.arn,
      sourceRegion: this.env.state.region,
      replicaBucketName: stateReplicaBucketName(this.env),
      replicaRegion: region,
      replicaProvider: this.awsProvider(`aws-${region}`, region, region, { Plane: "bootstrap" }),
      accountId: this.env.accountId,
      roleName: `cdn-${this.env.name}-terraform-state-replication`,
      noncurrentVersionExpirationDays: 365,
      tags: dataClassTags("terraform-state"),
    });
  }

  /** The GitHub OIDC provider (or the account's existing one) and the plan and deploy roles. */
  private addCiRoles(): CiRoles {
    const env = this.env;
    return new CiRoles(this, "ci-roles", {
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
