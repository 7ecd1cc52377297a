/** Resilience: Multi-AZ databases, backups (also across regions), deletion protection, versioned and replicated buckets. */
import { BACKUP_OF_TAG, HOLDS_TAG, REPLICA_OF_TAG, REPLICATED_DATA_CLASSES } from "../conventions";
import { blocks, isExpression, isProd, isStagingOrProd, isTrue, list, numberOf, parseReference, type ResourceNode, type StackModel } from "../model";
import type { Finding, Rule } from "../types";
import { at } from "./util";

const isReplica = (n: ResourceNode) => n.type === "aws_db_instance" && n.config.replicate_source_db !== undefined && n.config.replicate_source_db !== null;
const envLabel = (env: string | undefined) => env ?? "an unknown environment (treated as prod)";

/** The region of a resource's provider configuration, when it is a literal. */
function regionOf(stack: StackModel, node: ResourceNode): string | undefined {
  const region = stack.providerOf(node)?.region;
  return typeof region === "string" && !isExpression(region) ? region : undefined;
}

/** Resolves a bucket given by reference, name or ARN to an aws_s3_bucket of the stack. */
function bucketNode(stack: StackModel, value: unknown): ResourceNode | undefined {
  const literal = typeof value === "string" && !isExpression(value) ? value.replace(/^arn:aws[a-z-]*:s3:::/, "") : value;
  return stack.resolve(literal, ["aws_s3_bucket"], ["bucket"]);
}

/** Where a bucket replicates: every Enabled rule's destination, and what is wrong with each. */
interface ReplicationTarget {
  readonly destination?: ResourceNode;
  readonly region?: string;
  readonly problems: string[];
}

function replicationTargets(stack: StackModel, bucket: ResourceNode): ReplicationTarget[] {
  const sourceRegion = regionOf(stack, bucket);
  const kms = stack
    .referencing("aws_s3_bucket_server_side_encryption_configuration", "bucket", bucket, ["bucket"])
    .some((e) => blocks(e.config.rule).some((r) => blocks(r.apply_server_side_encryption_by_default)[0]?.sse_algorithm === "aws:kms"));
  return stack.referencing("aws_s3_bucket_replication_configuration", "bucket", bucket, ["bucket"]).flatMap((config) =>
    blocks(config.config.rule)
      .filter((rule) => rule.status === "Enabled")
      .map((rule): ReplicationTarget => {
        const dest = blocks(rule.destination)[0] ?? {};
        const destination = bucketNode(stack, dest.bucket);
        const region = destination ? regionOf(stack, destination) : undefined;
        const problems: string[] = [];
        if (!destination) problems.push(`${config.address} replicates to ${JSON.stringify(dest.bucket ?? null)}, not a bucket of this stack (its region cannot be checked)`);
        else if (!region || !sourceRegion) problems.push(`${config.address}: the region of ${destination.address} or of the source is not a literal`);
        else if (region === sourceRegion) problems.push(`${config.address} replicates to ${destination.address} in the same region (${region})`);
        if (kms) {
          const sse = blocks(blocks(rule.source_selection_criteria)[0]?.sse_kms_encrypted_objects)[0];
          if (sse?.status !== "Enabled") problems.push(`${config.address} does not replicate SSE-KMS objects (source_selection_criteria.sse_kms_encrypted_objects), and every object of this bucket is one`);
          if (!blocks(dest.encryption_configuration)[0]?.replica_kms_key_id) problems.push(`${config.address} sets no destination encryption_configuration.replica_kms_key_id`);
        }
        return { destination, region, problems };
      }),
  );
}

/** True when some replication of `bucket` reaches another region without problems. */
function replicatesAcrossRegions(stack: StackModel, bucket: ResourceNode): { ok: boolean; problems: string[] } {
  const targets = replicationTargets(stack, bucket);
  return { ok: targets.some((t) => t.problems.length === 0), problems: targets.flatMap((t) => t.problems) };
}

const isMultiAzDbCluster = (n: ResourceNode) => n.type === "aws_rds_cluster" && !String(n.config.engine ?? "").startsWith("aurora") && !!n.config.db_cluster_instance_class;

/** The cross-region backup paths of a database, with the reasons the incomplete ones do not count. */
function crossRegionBackup(stack: StackModel, db: ResourceNode): { ok: boolean; notes: string[] } {
  const notes: string[] = [];
  const dbRegion = regionOf(stack, db);
  const identifier = String(db.type === "aws_rds_cluster" ? (db.config.cluster_identifier ?? "") : (db.config.identifier ?? ""));

  // 1. RDS automated backup replication (DB instances only).
  if (db.type === "aws_db_instance") {
    for (const r of stack.referencing("aws_db_instance_automated_backups_replication", "source_db_instance_arn", db, ["arn", "identifier"])) {
      const region = regionOf(stack, r);
      if (region && dbRegion && region !== dbRegion) return { ok: true, notes };
      notes.push(`${r.address} replicates into ${region ?? "an unknown region"}, not another region`);
    }
  }

  // 2. AWS Backup with a copy action to a vault in another region.
  for (const selection of stack.resources("aws_backup_selection")) {
    const selects = list(selection.config.resources).some((v) => stack.target(parseReference(v))?.address === db.address || (identifier !== "" && typeof v === "string" && v.endsWith(`:${identifier}`)));
    if (!selects) continue;
    const plan = stack.target(parseReference(selection.config.plan_id));
    const copies = blocks(plan?.config.rule).flatMap((rule) => blocks(rule.copy_action));
    for (const copy of copies) {
      const vault = stack.resolve(copy.destination_vault_arn, ["aws_backup_vault"], ["arn"]);
      const region = vault ? regionOf(stack, vault) : undefined;
      if (!vault || !region || region === dbRegion) {
        notes.push(`${selection.address}: a copy_action of ${plan?.address ?? "its plan"} does not reach a vault of this stack in another region`);
      } else if (isMultiAzDbCluster(db)) {
        notes.push(`${selection.address} copies to ${vault.address}, but AWS Backup cannot copy snapshots of a Multi-AZ DB cluster (see docs/decisions/0010)`);
      } else return { ok: true, notes };
    }
  }

  // 3. Logical dumps in a bucket tagged BackupOf=<identifier> that replicates to another region.
  for (const bucket of stack.resources("aws_s3_bucket")) {
    const tags = stack.effectiveTags(bucket).tags;
    if (identifier === "" || tags[BACKUP_OF_TAG] !== identifier || tags[REPLICA_OF_TAG]) continue;
    const { ok, problems } = replicatesAcrossRegions(stack, bucket);
    if (ok) return { ok: true, notes };
    notes.push(problems.length ? problems.join("; ") : `${bucket.address} (${BACKUP_OF_TAG}=${identifier}) has no enabled replication configuration`);
  }
  return { ok: false, notes };
}

/** The resilience rules. */
export const resilienceRules: readonly Rule[] = [
  {
    id: "CDN-RES-001",
    title: "RDS databases are Multi-AZ",
    severity: "high",
    category: "resilience",
    resourceTypes: ["aws_db_instance", "aws_rds_cluster", "aws_rds_cluster_instance"],
    checks:
      "aws_db_instance (not a read replica) has multi_az = true; an aws_rds_cluster is either a Multi-AZ DB cluster (db_cluster_instance_class set: one writer and two readable standbys by construction) or an Aurora cluster with at least two aws_rds_cluster_instance in this stack.",
    rationale: "A single-AZ database is down for the length of an AZ outage or a host failure; Multi-AZ fails over in about a minute (Multi-AZ DB cluster: under 35 seconds).",
    fix: "Use the Multi-AZ DB cluster (db_cluster_instance_class) as the design says; for instances set multi_az = true; for Aurora add a second instance in another AZ.",
    check: (stack) => {
      const out: Finding[] = [];
      for (const db of stack.resources("aws_db_instance")) {
        if (!isReplica(db) && !isTrue(db.config.multi_az)) out.push(at(db, `multi_az is ${JSON.stringify(db.config.multi_az ?? null)}, not true`));
      }
      for (const cluster of stack.resources("aws_rds_cluster")) {
        const engine = String(cluster.config.engine ?? "");
        if (engine.startsWith("aurora")) {
          const members = stack.referencing("aws_rds_cluster_instance", "cluster_identifier", cluster, ["cluster_identifier"]).length;
          if (members < 2) out.push(at(cluster, `Aurora cluster has ${members} aws_rds_cluster_instance in this stack; Multi-AZ needs at least 2`));
        } else if (!cluster.config.db_cluster_instance_class) {
          out.push(at(cluster, "has no db_cluster_instance_class, so it is not a Multi-AZ DB cluster"));
        }
      }
      return out;
    },
  },
  {
    id: "CDN-RES-002",
    title: "RDS automated backups are kept at least 7 days (30 in prod)",
    severity: "high",
    category: "resilience",
    resourceTypes: ["aws_db_instance", "aws_rds_cluster"],
    checks: "backup_retention_period of aws_rds_cluster and aws_db_instance (not read replicas) is at least 7, and at least 30 where the Environment tag is prod (or unknown). Unset counts as the AWS default of 1.",
    rationale: "Point-in-time recovery only reaches back as far as the retained backups; a bad migration noticed after a weekend must still be recoverable.",
    fix: "Set backup_retention_period from the environment's database.backupRetentionDays (the schema requires >= 7, >= 30 in prod).",
    check: (stack) =>
      stack.resources("aws_rds_cluster", "aws_db_instance").flatMap((db) => {
        if (isReplica(db)) return [];
        const env = stack.environment(db);
        const min = isProd(env) ? 30 : 7;
        const days = numberOf(db.config.backup_retention_period);
        if (days !== undefined && days >= min) return [];
        return [at(db, `backup_retention_period is ${days ?? "unset (AWS default 1)"}; ${envLabel(env)} needs at least ${min} days`)];
      }),
  },
  {
    id: "CDN-RES-003",
    title: "Staging and prod databases have deletion protection and take a final snapshot",
    severity: "high",
    category: "resilience",
    resourceTypes: ["aws_db_instance", "aws_rds_cluster"],
    checks:
      "Where the Environment tag is staging or prod (or unknown), aws_rds_cluster and aws_db_instance have deletion_protection = true, skip_final_snapshot not true, and a final_snapshot_identifier (read replicas only need deletion protection).",
    rationale: "A stray `terraform destroy`, a renamed construct id or a replaced resource must not delete a production database and its automated backups.",
    fix: "Set deletion_protection = true, skip_final_snapshot = false and final_snapshot_identifier = \"<identifier>-final\".",
    check: (stack) =>
      stack.resources("aws_rds_cluster", "aws_db_instance").flatMap((db) => {
        const env = stack.environment(db);
        if (!isStagingOrProd(env)) return [];
        const out: Finding[] = [];
        if (!isTrue(db.config.deletion_protection)) out.push(at(db, `deletion_protection is ${JSON.stringify(db.config.deletion_protection ?? null)} in ${envLabel(env)}`));
        if (!isReplica(db)) {
          if (isTrue(db.config.skip_final_snapshot)) out.push(at(db, `skip_final_snapshot is true in ${envLabel(env)}`));
          else if (!db.config.final_snapshot_identifier) out.push(at(db, `final_snapshot_identifier is not set in ${envLabel(env)} (destroy would fail or lose the data)`));
        }
        return out;
      }),
  },
  {
    id: "CDN-RES-004",
    title: "S3 buckets are versioned",
    severity: "medium",
    category: "resilience",
    resourceTypes: ["aws_s3_bucket", "aws_s3_bucket_versioning"],
    checks: "Every aws_s3_bucket has an aws_s3_bucket_versioning pointing at it with versioning_configuration.status = Enabled (or the legacy inline versioning { enabled = true }).",
    rationale: "Versioning is the undo button for overwritten or deleted objects (state files, config bundles); lifecycle rules bound its cost.",
    fix: "Use constructs/secure-bucket (versioning on, noncurrent versions expire), or add aws_s3_bucket_versioning with status Enabled.",
    check: (stack) =>
      stack.resources("aws_s3_bucket").flatMap((bucket) => {
        const companions = stack.referencing("aws_s3_bucket_versioning", "bucket", bucket, ["bucket"]);
        const enabled =
          companions.some((v) => blocks(v.config.versioning_configuration)[0]?.status === "Enabled") ||
          blocks(bucket.config.versioning).some((v) => isTrue(v.enabled));
        if (enabled) return [];
        return [at(bucket, companions.length ? `versioning (${companions.map((c) => c.address).join(", ")}) is not Enabled` : "has no aws_s3_bucket_versioning")];
      }),
  },
  {
    id: "CDN-RES-005",
    title: "Prod databases have a backup copy in another region",
    severity: "high",
    category: "resilience",
    resourceTypes: [
      "aws_rds_cluster",
      "aws_db_instance",
      "aws_db_instance_automated_backups_replication",
      "aws_backup_selection",
      "aws_backup_plan",
      "aws_backup_vault",
      "aws_s3_bucket",
      "aws_s3_bucket_replication_configuration",
    ],
    checks:
      "Where the Environment tag is prod (or unknown), every aws_rds_cluster and aws_db_instance (not a read replica) has a cross-region copy in this stack: an aws_db_instance_automated_backups_replication in another region (instances); an aws_backup_selection of it whose plan has a copy_action into an aws_backup_vault under a provider of another region (not for Multi-AZ DB clusters, whose snapshots AWS Backup cannot copy); or an aws_s3_bucket tagged BackupOf=<identifier> (logical dumps) with an enabled replication rule into a bucket of another region, re-encrypting SSE-KMS objects.",
    rationale: "A region failure takes the database, its automated backups and its in-region snapshots with it; only a copy in another region restores the service elsewhere.",
    fix: "Multi-AZ DB clusters: give the database a dump bucket replicated to another region (constructs/database-backup and the dump CronJob). Instances: aws_db_instance_automated_backups_replication. Aurora: an AWS Backup copy_action to a vault in another region.",
    check: (stack) =>
      stack.resources("aws_rds_cluster", "aws_db_instance").flatMap((db) => {
        if (isReplica(db) || !isProd(stack.environment(db))) return [];
        const { ok, notes } = crossRegionBackup(stack, db);
        if (ok) return [];
        return [at(db, `has no backup copy in another region in ${envLabel(stack.environment(db))}${notes.length ? `: ${notes.join("; ")}` : ""}`)];
      }),
  },
  {
    id: "CDN-RES-006",
    title: "Prod buckets holding Terraform state, configuration bundles or database backups replicate to another region",
    severity: "high",
    category: "resilience",
    resourceTypes: ["aws_s3_bucket", "aws_s3_bucket_replication_configuration", "aws_s3_bucket_server_side_encryption_configuration"],
    checks: `Where the Environment tag is prod (or unknown), every aws_s3_bucket tagged ${HOLDS_TAG} = ${REPLICATED_DATA_CLASSES.join(" | ")} (and not itself a replica, tagged ${REPLICA_OF_TAG}) has an aws_s3_bucket_replication_configuration with an Enabled rule into a bucket of this stack under a provider of another region; for an SSE-KMS bucket the rule must replicate SSE-KMS objects and name the destination's key.`,
    rationale: "State, bundles and backups are what a rebuild in another region starts from; a bucket that lives only in the failed region cannot provide them. KMS-encrypted objects are silently skipped by a rule that does not opt them in.",
    fix: "Use constructs/bucket-replica (replica bucket and key in another region through an aliased provider, replication role, V2 rule with SSE-KMS objects and the replica key).",
    check: (stack) =>
      stack.resources("aws_s3_bucket").flatMap((bucket) => {
        const tags = stack.effectiveTags(bucket).tags;
        const holds = tags[HOLDS_TAG];
        if (!holds || !(REPLICATED_DATA_CLASSES as readonly string[]).includes(holds) || tags[REPLICA_OF_TAG] || !isProd(stack.environment(bucket))) return [];
        const { ok, problems } = replicatesAcrossRegions(stack, bucket);
        if (ok) return [];
        return [at(bucket, `holds ${holds} in ${envLabel(stack.environment(bucket))} but does not replicate to another region${problems.length ? `: ${problems.join("; ")}` : " (no enabled replication rule)"}`)];
      }),
  },
];
