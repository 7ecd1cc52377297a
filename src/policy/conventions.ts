/**
 * Conventions the policy pack recognises in the synthesized JSON. Constructs use these helpers instead
 * of spelling the values, so the pack and the constructs cannot drift apart.
 */

/**
 * Tag that marks a security group as an internet-facing load balancer's. Only such a group (or one
 * attached to an `aws_lb`/`aws_alb`/`aws_elb` of the same stack) may accept 0.0.0.0/0 or ::/0, and only on
 * TCP 443 (rule CDN-NET-001). Use it for groups handed to a load balancer created outside Terraform
 * (e.g. by the AWS Load Balancer Controller through an annotation).
 */
export const LOAD_BALANCER_SG_TAG = { key: "Exposure", value: "internet-facing-load-balancer" } as const;

/** Tags to put on a security group that fronts an internet-facing load balancer (see {@link LOAD_BALANCER_SG_TAG}). */
export function loadBalancerSecurityGroupTags(): Record<string, string> {
  return { [LOAD_BALANCER_SG_TAG.key]: LOAD_BALANCER_SG_TAG.value };
}

/**
 * Tag that says what a bucket holds. Buckets holding one of {@link REPLICATED_DATA_CLASSES} must
 * replicate to another region in prod (rule CDN-RES-006); their replicas carry `ReplicaOf` instead.
 */
export const HOLDS_TAG = "Holds";

/** Data classes whose prod buckets must have a cross-region replica. */
export const REPLICATED_DATA_CLASSES = ["terraform-state", "config-bundles", "database-backups"] as const;

/** A data class a bucket can hold. */
export type DataClass = (typeof REPLICATED_DATA_CLASSES)[number];

/** Tag on a replica bucket naming its source bucket. */
export const REPLICA_OF_TAG = "ReplicaOf";

/**
 * Tag on a bucket of logical database backups naming the DB cluster or instance identifier they back
 * up: with its cross-region replication, that bucket is the database's cross-region backup copy
 * (rule CDN-RES-005) where AWS cannot copy the database's snapshots across regions.
 */
export const BACKUP_OF_TAG = "BackupOf";

/** Tags of a bucket holding `dataClass` (and, for database backups, the identifier of the database). */
export function dataClassTags(dataClass: DataClass, backupOf?: string): Record<string, string> {
  if (dataClass === "database-backups" && !backupOf) throw new Error("dataClassTags: database backups must name the database they back up");
  return { [HOLDS_TAG]: dataClass, ...(backupOf ? { [BACKUP_OF_TAG]: backupOf } : {}) };
}
