/**
 * `<env>-bootstrap`: the S3 bucket (and its KMS key and access-log bucket) that holds every other
 * stack's Terraform state, and its replica in a second region (its own key there; delete markers
 * not replicated, see `constructs/bucket-replica`). It keeps its own state locally: it must exist
 * before any S3 backend can.
 */
import type { Construct } from "constructs";
import { BucketReplica } from "../constructs/bucket-replica";
import { EncryptionKey } from "../constructs/kms-key";
import { AccessLogBucket, SecureBucket } from "../constructs/secure-bucket";
import type { EnvironmentConfig } from "../src/config/schema";
import { bootstrapStackName, stateReplicaBucketName, stateReplicaRegion } from "../src/config/naming";
import { dataClassTags } from "../src/policy";
import { EnvironmentStack } from "../src/lib/stack-base";

/** The state bucket of one environment's account. */
export class BootstrapStack extends EnvironmentStack {
  /** The state bucket. */
  readonly stateBucket: SecureBucket;
  /** The state bucket's replica in another region. */
  readonly stateReplica: BucketReplica;

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
      tags: dataClassTags("terraform-state"),
    });
    this.stateReplica = this.addStateReplica(key);
  }

  /** The state bucket's replica: a region failure must not take the record of what exists with it. */
  private addStateReplica(key: EncryptionKey): BucketReplica {
    const region = stateReplicaRegion(this.env);
    return new BucketReplica(this, "state-replica", {
      source: this.stateBucket,
      sourceBucketName: this.env.state.bucket,
      sourceKeyArn: key.arn,
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
}
