/** Resilience: Multi-AZ databases, backups, deletion protection, versioned buckets. */
import { blocks, isProd, isStagingOrProd, isTrue, numberOf, type ResourceNode } from "../model";
import type { Finding, Rule } from "../types";
import { at } from "./util";

const isReplica = (n: ResourceNode) => n.type === "aws_db_instance" && n.config.replicate_source_db !== undefined && n.config.replicate_source_db !== null;
const envLabel = (env: string | undefined) => env ?? "an unknown environment (treated as prod)";

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
];
