/** Encryption in transit: TLS-only bucket policies, Postgres forcing SSL. */
import { isEveryone, parsePolicy, type NormalizedStatement } from "../checks";
import { blocks, type ResourceNode } from "../model";
import type { Finding, Rule } from "../types";
import { at } from "./util";

/** A Deny-everyone-s3:*-unless-TLS statement covering the bucket and its objects. */
function deniesInsecureTransport(st: NormalizedStatement): boolean {
  if (st.effect !== "Deny" || !isEveryone(st.principals)) return false;
  if (!(st.actions ?? []).some((a) => a === "*" || a === "s3:*")) return false;
  const insecure = st.conditions.some(
    (c) => (c.test === "Bool" || c.test === "BoolIfExists") && c.variable.toLowerCase() === "aws:securetransport" && c.values.map((v) => v.toLowerCase()).includes("false"),
  );
  if (!insecure) return false;
  const resources = st.resources ?? [];
  return resources.includes("*") || (resources.some((r) => r.endsWith("/*")) && resources.some((r) => !r.endsWith("/*")));
}

const POSTGRES_FAMILY = /^(aurora-)?postgres/;
const POSTGRES_ENGINE = /^(aurora-)?postgres(ql)?$/;

function forcesSsl(group: ResourceNode): boolean {
  return blocks(group.config.parameter).some((p) => p.name === "rds.force_ssl" && String(p.value) === "1");
}

/** The TLS rules. */
export const tlsRules: readonly Rule[] = [
  {
    id: "CDN-TLS-001",
    title: "S3 bucket policies deny requests that are not over TLS",
    severity: "high",
    category: "tls",
    resourceTypes: ["aws_s3_bucket", "aws_s3_bucket_policy"],
    checks:
      "Every aws_s3_bucket has a bucket policy (aws_s3_bucket_policy pointing at it, or the legacy inline policy) with a Deny statement for Principal \"*\", Action s3:* (or *), Condition Bool aws:SecureTransport = false, on the bucket ARN and its objects (ARN/*).",
    rationale: "S3 accepts plain HTTP; only a bucket policy can refuse it. Without it a misconfigured client sends state files and bundles in clear text.",
    fix: "Use constructs/secure-bucket (its policy starts with the DenyInsecureTransport statement), or add that statement to the bucket's policy.",
    check: (stack) =>
      stack.resources("aws_s3_bucket").flatMap((bucket) => {
        const sources = [
          ...stack.referencing("aws_s3_bucket_policy", "bucket", bucket, ["bucket"]).map((p) => ({ where: p.address, policy: p.config.policy })),
          ...(bucket.config.policy !== undefined && bucket.config.policy !== null ? [{ where: `${bucket.address} (inline policy)`, policy: bucket.config.policy }] : []),
        ];
        if (sources.length === 0) return [at(bucket, "has no bucket policy, so requests over plain HTTP are accepted")];
        const errors: string[] = [];
        for (const s of sources) {
          const parsed = parsePolicy(stack, s.policy);
          if ("error" in parsed) errors.push(`${s.where}: ${parsed.error}`);
          else if (parsed.statements.some(deniesInsecureTransport)) return [];
        }
        return [at(bucket, `no bucket policy denies aws:SecureTransport = false for s3:* on the bucket and its objects${errors.length ? ` (${errors.join("; ")})` : ""}`)];
      }),
  },
  {
    id: "CDN-TLS-002",
    title: "PostgreSQL parameter groups force SSL, and Postgres databases use one",
    severity: "high",
    category: "tls",
    resourceTypes: ["aws_db_parameter_group", "aws_rds_cluster_parameter_group", "aws_db_instance", "aws_rds_cluster"],
    checks:
      "Every aws_db_parameter_group / aws_rds_cluster_parameter_group of a postgres or aurora-postgresql family sets rds.force_ssl = 1; every Postgres aws_rds_cluster (db_cluster_parameter_group_name) and aws_db_instance (parameter_group_name) names such a group of this stack, by reference or name, instead of the engine default.",
    rationale: "Clients that do not ask for TLS would otherwise send credentials and data in clear text inside the VPC; forcing it server-side does not depend on every client's settings or on an engine default.",
    fix: "Create the parameter group in the same stack with parameter { name = \"rds.force_ssl\", value = \"1\" } and set db_cluster_parameter_group_name (clusters) or parameter_group_name (instances) to its name.",
    check: (stack) => {
      const out: Finding[] = [];
      for (const group of stack.resources("aws_db_parameter_group", "aws_rds_cluster_parameter_group")) {
        if (typeof group.config.family === "string" && POSTGRES_FAMILY.test(group.config.family) && !forcesSsl(group)) {
          out.push(at(group, `family ${group.config.family} does not set rds.force_ssl = 1`));
        }
      }
      const attach = (db: ResourceNode, attr: string, groupType: string) => {
        if (typeof db.config.engine !== "string" || !POSTGRES_ENGINE.test(db.config.engine)) return;
        const value = db.config[attr];
        if (value === undefined || value === null || value === "") {
          out.push(at(db, `${attr} is not set, so the engine's default parameter group is used and SSL is not forced explicitly`));
          return;
        }
        if (!stack.resolve(value, [groupType])) out.push(at(db, `${attr} (${String(value)}) is not a ${groupType} of this stack, so rds.force_ssl cannot be verified`));
      };
      for (const db of stack.resources("aws_rds_cluster")) attach(db, "db_cluster_parameter_group_name", "aws_rds_cluster_parameter_group");
      for (const db of stack.resources("aws_db_instance")) attach(db, "parameter_group_name", "aws_db_parameter_group");
      return out;
    },
  },
];
