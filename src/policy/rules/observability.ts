/** Observability: flow logs, EKS control-plane logs, RDS log exports, log retention. */
import { isExpression, numberOf, strings, type ResourceNode } from "../model";
import type { Finding, Rule } from "../types";
import { at } from "./util";

/** The five EKS control-plane log types. */
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

const isPostgres = (engine: unknown) => typeof engine === "string" && /^(aurora-)?postgres(ql)?$/.test(engine);

/** The observability rules. */
export const observabilityRules: readonly Rule[] = [
  {
    id: "CDN-OBS-001",
    title: "Every VPC has a flow log of all traffic",
    severity: "medium",
    category: "observability",
    resourceTypes: ["aws_vpc", "aws_flow_log"],
    checks: "Every aws_vpc has an aws_flow_log whose vpc_id points at it with traffic_type = ALL.",
    rationale: "Flow logs are the only record of who talked to what inside the VPC: the first thing an incident responder asks for, and impossible to produce after the fact.",
    fix: "Use constructs/network (flow logs to an encrypted log group with retention), or add an aws_flow_log with traffic_type = \"ALL\".",
    check: (stack) =>
      stack.resources("aws_vpc").flatMap((vpc) => {
        const logs = stack.referencing("aws_flow_log", "vpc_id", vpc, []);
        if (logs.some((l) => l.config.traffic_type === "ALL")) return [];
        return [at(vpc, logs.length ? `flow logs ${logs.map((l) => `${l.address} (${String(l.config.traffic_type)})`).join(", ")} do not capture ALL traffic` : "has no aws_flow_log")];
      }),
  },
  {
    id: "CDN-OBS-002",
    title: "EKS clusters send all five control-plane log types",
    severity: "medium",
    category: "observability",
    resourceTypes: ["aws_eks_cluster"],
    checks: `Every aws_eks_cluster's enabled_cluster_log_types includes ${EKS_LOG_TYPES.join(", ")}.`,
    rationale: "The audit and authenticator logs say who did what to the cluster; the others explain scheduling and controller failures. They cannot be recovered for a period they were off.",
    fix: `Set enabled_cluster_log_types = ${JSON.stringify(EKS_LOG_TYPES)} and declare the /aws/eks/<name>/cluster log group (see CDN-OBS-005).`,
    check: (stack) =>
      stack.resources("aws_eks_cluster").flatMap((node) => {
        const enabled = strings(node.config.enabled_cluster_log_types);
        const missing = EKS_LOG_TYPES.filter((t) => !enabled.includes(t));
        return missing.length ? [at(node, `enabled_cluster_log_types lacks ${missing.join(", ")}`)] : [];
      }),
  },
  {
    id: "CDN-OBS-003",
    title: "RDS databases export their logs to CloudWatch",
    severity: "medium",
    category: "observability",
    resourceTypes: ["aws_db_instance", "aws_rds_cluster"],
    checks: "Every aws_rds_cluster and aws_db_instance has a non-empty enabled_cloudwatch_logs_exports; for PostgreSQL engines it includes \"postgresql\".",
    rationale: "Connection, error and slow-query logs are needed to debug the control plane's database and to audit access; RDS keeps them only briefly on the instance.",
    fix: "Set enabled_cloudwatch_logs_exports = [\"postgresql\"] and declare the log group with retention and a KMS key (see CDN-OBS-005).",
    check: (stack) =>
      stack.resources("aws_rds_cluster", "aws_db_instance").flatMap((db) => {
        const exports = strings(db.config.enabled_cloudwatch_logs_exports);
        if (exports.length === 0) return [at(db, "enabled_cloudwatch_logs_exports is empty")];
        if (isPostgres(db.config.engine) && !exports.includes("postgresql")) return [at(db, `enabled_cloudwatch_logs_exports (${exports.join(", ")}) lacks "postgresql"`)];
        return [];
      }),
  },
  {
    id: "CDN-OBS-004",
    title: "CloudWatch log groups have a retention period",
    severity: "low",
    category: "observability",
    resourceTypes: ["aws_cloudwatch_log_group"],
    checks: "Every aws_cloudwatch_log_group sets retention_in_days to a positive number (0 or unset keeps logs forever).",
    rationale: "Logs kept forever grow cost without bound and keep personal data longer than any policy allows; a deliberate retention is part of the design.",
    fix: "Set retention_in_days from the environment config (flowLogRetentionDays, cluster.logRetentionDays ...).",
    check: (stack) =>
      stack.resources("aws_cloudwatch_log_group").flatMap((node) => {
        const days = numberOf(node.config.retention_in_days);
        if (isExpression(node.config.retention_in_days) || (days !== undefined && days > 0)) return [];
        return [at(node, `retention_in_days is ${days ?? "unset"}, so logs never expire`)];
      }),
  },
  {
    id: "CDN-OBS-005",
    title: "Log groups that AWS services write to are declared in the stack",
    severity: "low",
    category: "observability",
    resourceTypes: ["aws_eks_cluster", "aws_rds_cluster", "aws_db_instance", "aws_cloudwatch_log_group"],
    checks:
      "For an aws_eks_cluster with control-plane logs, an aws_cloudwatch_log_group named /aws/eks/<name>/cluster exists in the stack; for each RDS log export, /aws/rds/cluster/<cluster_identifier>/<log> (clusters) or /aws/rds/instance/<identifier>/<log> (instances). The name and identifier must be literals.",
    rationale: "If the service creates the group itself it has no retention and no customer-managed key, and Terraform neither knows nor deletes it; CDN-ENC-004 and CDN-OBS-004 can only check groups that are declared.",
    fix: "Declare the log group (with retention_in_days and kms_key_id) in the construct that creates the cluster or database, and make the cluster/database depend on it so it exists before the first log line.",
    check: (stack) => {
      const names = new Set(stack.resources("aws_cloudwatch_log_group").map((g) => g.config.name).filter((n): n is string => typeof n === "string"));
      const out: Finding[] = [];
      const expect = (node: ResourceNode, idAttr: string, groups: (id: string) => string[]) => {
        const id = node.config[idAttr];
        if (typeof id !== "string" || isExpression(id) || id === "") {
          out.push(at(node, `${idAttr} is not a literal, so its log groups cannot be declared and checked`));
          return;
        }
        const missing = groups(id).filter((g) => !names.has(g));
        if (missing.length) out.push(at(node, `log group ${missing.join(", ")} is not declared in this stack`));
      };
      for (const eks of stack.resources("aws_eks_cluster")) {
        if (strings(eks.config.enabled_cluster_log_types).length > 0) expect(eks, "name", (n) => [`/aws/eks/${n}/cluster`]);
      }
      for (const db of stack.resources("aws_rds_cluster")) {
        const exports = strings(db.config.enabled_cloudwatch_logs_exports);
        if (exports.length) expect(db, "cluster_identifier", (id) => exports.map((e) => `/aws/rds/cluster/${id}/${e}`));
      }
      for (const db of stack.resources("aws_db_instance")) {
        const exports = strings(db.config.enabled_cloudwatch_logs_exports);
        if (exports.length) expect(db, "identifier", (id) => exports.map((e) => `/aws/rds/instance/${id}/${e}`));
      }
      return out;
    },
  },
];
