/**
 * Shared predicates of the rules: customer-managed KMS keys, IAM policy documents (JSON strings or
 * `aws_iam_policy_document` data sources, normalized to one shape), security-group rule shapes.
 */
import { blocks, isExpression, list, numberOf, parseReference, strings, type Json, type ResourceNode, type StackModel } from "./model";

/** Resource types whose reference is a customer-managed key. */
const KMS_KEY_TYPES = new Set(["aws_kms_key", "aws_kms_replica_key", "aws_kms_external_key", "aws_kms_replica_external_key", "aws_kms_alias"]);

/**
 * Whether a key attribute names a customer-managed KMS key. Undefined/empty (the service's AWS-managed
 * key is used) and `alias/aws/...` (an AWS-managed key by name) are not; references to keys, aliases,
 * key data sources, variables and remote state are; other literals (key ARNs, ids, your aliases) are.
 */
export function customerManagedKey(stack: StackModel, value: unknown): { ok: true } | { ok: false; why: string } {
  if (value === undefined || value === null || value === "") return { ok: false, why: "no KMS key is set, so the AWS-managed key is used" };
  if (typeof value !== "string") return { ok: false, why: `the KMS key is not a string (${JSON.stringify(value)})` };
  if (/(^|:)alias\/aws\//.test(value)) return { ok: false, why: `${value} is an AWS-managed key` };
  const ref = parseReference(value);
  if (ref) {
    const node = stack.target(ref);
    if (node?.type === "aws_kms_alias" && typeof node.config.name === "string" && node.config.name.startsWith("alias/aws/")) {
      return { ok: false, why: `${node.config.name} is an AWS-managed key` };
    }
    if (node?.mode === "data" && node.type === "aws_kms_key" && typeof node.config.key_id === "string" && /(^|:)alias\/aws\//.test(node.config.key_id)) {
      return { ok: false, why: `${node.config.key_id} is an AWS-managed key` };
    }
    if (ref.mode === "managed" && !KMS_KEY_TYPES.has(ref.type)) return { ok: false, why: `${value} is not a KMS key` };
  }
  return { ok: true };
}

/** A principal of a normalized statement. */
export interface NormalizedPrincipal {
  /** `AWS`, `Service`, `Federated`, `CanonicalUser` or `*`. */
  readonly type: string;
  /** Identifiers. */
  readonly identifiers: readonly string[];
}

/** A policy statement in one shape, whatever it was written as. */
export interface NormalizedStatement {
  /** Sid or the statement's index. */
  readonly label: string;
  /** `Allow` or `Deny`. */
  readonly effect: "Allow" | "Deny";
  /** Actions (undefined when NotAction is used). */
  readonly actions?: readonly string[];
  /** NotAction. */
  readonly notActions?: readonly string[];
  /** Resources (undefined when NotResource is used or none are given). */
  readonly resources?: readonly string[];
  /** NotResource. */
  readonly notResources?: readonly string[];
  /** Principals (undefined in identity policies). */
  readonly principals?: readonly NormalizedPrincipal[];
  /** NotPrincipal. */
  readonly notPrincipals?: readonly NormalizedPrincipal[];
  /** Conditions as operator, key and values. */
  readonly conditions: readonly { readonly test: string; readonly variable: string; readonly values: readonly string[] }[];
}

/** A parsed policy document, or why it could not be read. */
export type ParsedPolicy = { readonly statements: readonly NormalizedStatement[] } | { readonly error: string };

const asStrings = (v: unknown): string[] | undefined => (v === undefined || v === null ? undefined : list(v).map((x) => String(x)));

function principalsFromJson(p: unknown): NormalizedPrincipal[] | undefined {
  if (p === undefined || p === null) return undefined;
  if (p === "*") return [{ type: "*", identifiers: ["*"] }];
  if (typeof p !== "object") return [{ type: "unknown", identifiers: [String(p)] }];
  return Object.entries(p as Json).map(([type, ids]) => ({ type, identifiers: list(ids).map(String) }));
}

function fromJson(doc: unknown): ParsedPolicy {
  if (typeof doc !== "object" || doc === null) return { error: "the policy is not a JSON object" };
  const raw = (doc as Json).Statement;
  if (raw === undefined) return { error: "the policy has no Statement" };
  return {
    statements: list(raw).map((s, i) => {
      const st = (s ?? {}) as Json;
      const conditions: NormalizedStatement["conditions"][number][] = [];
      for (const [test, byKey] of Object.entries((st.Condition ?? {}) as Json)) {
        for (const [variable, values] of Object.entries((byKey ?? {}) as Json)) conditions.push({ test, variable, values: list(values).map(String) });
      }
      return {
        label: typeof st.Sid === "string" && st.Sid ? st.Sid : `#${i}`,
        effect: st.Effect === "Deny" ? "Deny" : "Allow",
        actions: asStrings(st.Action),
        notActions: asStrings(st.NotAction),
        resources: asStrings(st.Resource),
        notResources: asStrings(st.NotResource),
        principals: principalsFromJson(st.Principal),
        notPrincipals: principalsFromJson(st.NotPrincipal),
        conditions,
      } satisfies NormalizedStatement;
    }),
  };
}

function fromDataSource(config: Json): ParsedPolicy {
  return {
    statements: blocks(config.statement).map((st, i) => ({
      label: typeof st.sid === "string" && st.sid ? st.sid : `#${i}`,
      effect: st.effect === "Deny" ? "Deny" : "Allow",
      actions: asStrings(st.actions),
      notActions: asStrings(st.not_actions),
      resources: asStrings(st.resources),
      notResources: asStrings(st.not_resources),
      principals: st.principals === undefined ? undefined : blocks(st.principals).map((p) => ({ type: String(p.type), identifiers: strings(p.identifiers) })),
      notPrincipals: st.not_principals === undefined ? undefined : blocks(st.not_principals).map((p) => ({ type: String(p.type), identifiers: strings(p.identifiers) })),
      conditions: blocks(st.condition).map((c) => ({ test: String(c.test), variable: String(c.variable), values: strings(c.values) })),
    })),
  };
}

/**
 * Reads a policy attribute: a JSON string (as `src/lib/iam.ts` renders it; references inside strings are
 * fine) or a reference to an `aws_iam_policy_document` data source of the same stack.
 */
export function parsePolicy(stack: StackModel, value: unknown): ParsedPolicy {
  if (value === undefined || value === null || value === "") return { error: "the policy is empty" };
  const ref = parseReference(value);
  if (ref) {
    const node = stack.target(ref);
    if (node && node.mode === "data" && node.type === "aws_iam_policy_document") return fromDataSource(node.config);
    return { error: `the policy is computed (${String(value)}), so it cannot be checked at synth` };
  }
  if (typeof value === "object") return fromJson(value);
  if (typeof value !== "string") return { error: "the policy is not a string" };
  try {
    return fromJson(JSON.parse(value));
  } catch {
    return { error: isExpression(value) ? "the policy is a Terraform expression, not a JSON document, so it cannot be checked at synth" : "the policy is not valid JSON" };
  }
}

/** True for a principal list that means everyone (`*` or `{"AWS": "*"}`). */
export function isEveryone(principals: readonly NormalizedPrincipal[] | undefined): boolean {
  return (principals ?? []).some((p) => (p.type === "*" || p.type === "AWS") && p.identifiers.includes("*"));
}

/** One ingress permission of a security group, whatever resource declared it. */
export interface IngressPermission {
  /** `tcp`, `udp`, `icmp`, `-1` (all) ... lower-cased. */
  readonly protocol: string;
  /** First port (undefined when all ports). */
  readonly fromPort?: number;
  /** Last port. */
  readonly toPort?: number;
  /** IPv4 and IPv6 CIDR sources. */
  readonly cidrs: readonly string[];
  /** Prefix-list sources. */
  readonly prefixLists: readonly string[];
  /** Security-group sources (incl. self). */
  readonly groups: readonly string[];
  /** Description, when set. */
  readonly description?: string;
  /** The security group it applies to (a reference or id). */
  readonly securityGroup: unknown;
  /** Where in the resource (for messages), e.g. `ingress[0]`. */
  readonly where: string;
}

/** Every ingress permission a resource declares (inline SG blocks, SG rules, VPC SG ingress rules). */
export function ingressPermissions(node: { type: string; config: Json; address: string }): IngressPermission[] {
  const c = node.config;
  switch (node.type) {
    case "aws_security_group":
    case "aws_default_security_group":
      return blocks(c.ingress).map((r, i) => ({
        protocol: String(r.protocol ?? "").toLowerCase(),
        fromPort: numberOf(r.from_port),
        toPort: numberOf(r.to_port),
        cidrs: [...strings(r.cidr_blocks), ...strings(r.ipv6_cidr_blocks)],
        prefixLists: strings(r.prefix_list_ids),
        groups: [...strings(r.security_groups), ...(r.self === true ? ["self"] : [])],
        description: typeof r.description === "string" ? r.description : undefined,
        securityGroup: `\${${node.address}.id}`,
        where: `ingress[${i}]`,
      }));
    case "aws_security_group_rule":
      if (c.type !== "ingress") return [];
      return [
        {
          protocol: String(c.protocol ?? "").toLowerCase(),
          fromPort: numberOf(c.from_port),
          toPort: numberOf(c.to_port),
          cidrs: [...strings(c.cidr_blocks), ...strings(c.ipv6_cidr_blocks)],
          prefixLists: strings(c.prefix_list_ids),
          groups: [...strings(c.source_security_group_id), ...(c.self === true ? ["self"] : [])],
          description: typeof c.description === "string" ? c.description : undefined,
          securityGroup: c.security_group_id,
          where: "rule",
        },
      ];
    case "aws_vpc_security_group_ingress_rule":
      return [
        {
          protocol: String(c.ip_protocol ?? "").toLowerCase(),
          fromPort: numberOf(c.from_port),
          toPort: numberOf(c.to_port),
          cidrs: [...strings(c.cidr_ipv4), ...strings(c.cidr_ipv6)],
          prefixLists: strings(c.prefix_list_id),
          groups: strings(c.referenced_security_group_id),
          description: typeof c.description === "string" ? c.description : undefined,
          securityGroup: c.security_group_id,
          where: "rule",
        },
      ];
    default:
      return [];
  }
}

/** Resource types that declare ingress permissions. */
export const INGRESS_TYPES = ["aws_security_group", "aws_default_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"] as const;

/** True when the permission covers every protocol. */
export function allProtocols(p: IngressPermission): boolean {
  return p.protocol === "-1" || p.protocol === "all";
}

/** True when the permission opens every port of its protocol(s). */
export function allPorts(p: IngressPermission): boolean {
  if (allProtocols(p)) return true;
  return (p.fromPort ?? 0) <= 1 && (p.toPort ?? 65535) >= 65535;
}

/** True when the permission lets TCP (or UDP) traffic reach `port`. */
export function coversPort(p: IngressPermission, port: number): boolean {
  if (allProtocols(p)) return true;
  if (!["tcp", "udp", "6", "17"].includes(p.protocol)) return false;
  const from = p.fromPort ?? 0;
  const to = p.toPort ?? 65535;
  return from <= port && port <= to;
}

/** True for a CIDR that spans the whole address family (`0.0.0.0/0`, `::/0`). */
export function isWorldCidr(cidr: string): boolean {
  return /\/0$/.test(cidr.trim());
}

/** Tags every taggable AWS resource must carry; the config schema requires exactly these in every environment file. */
export const MANDATORY_TAG_KEYS = ["Environment", "Service", "Team", "CostCenter"] as const;

/** Resource policies and the attribute that holds them. */
export const RESOURCE_POLICIES: readonly (readonly [string, string])[] = [
  ["aws_s3_bucket_policy", "policy"],
  ["aws_s3_bucket", "policy"],
  ["aws_kms_key", "policy"],
  ["aws_kms_key_policy", "policy"],
  ["aws_secretsmanager_secret", "policy"],
  ["aws_secretsmanager_secret_policy", "policy"],
  ["aws_sqs_queue", "policy"],
  ["aws_sqs_queue_policy", "policy"],
  ["aws_sns_topic", "policy"],
  ["aws_sns_topic_policy", "policy"],
  ["aws_ecr_repository_policy", "policy"],
  ["aws_cloudwatch_log_resource_policy", "policy_document"],
  ["aws_iam_role", "assume_role_policy"],
];

/** The resource types of {@link RESOURCE_POLICIES}, each once. */
export const RESOURCE_POLICY_TYPES: readonly string[] = [...new Set(RESOURCE_POLICIES.map(([type]) => type))];

/** One readable resource policy of a stack. */
export interface ResourcePolicy {
  /** The resource holding it. */
  readonly node: ResourceNode;
  /** The attribute holding it. */
  readonly attr: string;
  /** Its statements. */
  readonly statements: readonly NormalizedStatement[];
}

/**
 * Every resource policy of the stack that is set and readable. Unreadable documents are skipped: the
 * rules that care report them (CDN-IAM-001, CDN-TLS-001).
 */
export function resourcePolicies(stack: StackModel): ResourcePolicy[] {
  const out: ResourcePolicy[] = [];
  for (const [type, attr] of RESOURCE_POLICIES) {
    for (const node of stack.resources(type)) {
      if (node.config[attr] === undefined || node.config[attr] === null) continue;
      const parsed = parsePolicy(stack, node.config[attr]);
      if ("error" in parsed) continue;
      out.push({ node, attr, statements: parsed.statements });
    }
  }
  return out;
}

