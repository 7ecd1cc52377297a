/** Hygiene: tags, security-group descriptions, IAM wildcards, literal secrets, IMDSv2. */
import { INGRESS_TYPES, MANDATORY_TAG_KEYS, parsePolicy } from "../checks";
import { blocks, isExpression, list, strings, type Json, type ResourceNode, type StackModel } from "../model";
import { TAGGABLE_AWS_TYPES } from "../generated/taggable-types";
import type { Finding, Rule } from "../types";
import { at } from "./util";

/** Identity-policy documents: type, attribute, and whether the attribute is a list of inline blocks. */
const IDENTITY_POLICIES: readonly (readonly [string, string])[] = [
  ["aws_iam_policy", "policy"],
  ["aws_iam_role_policy", "policy"],
  ["aws_iam_user_policy", "policy"],
  ["aws_iam_group_policy", "policy"],
];

/** AWS-managed policies that amount to Action * on Resource *. */
const ADMIN_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\/(AdministratorAccess|PowerUserAccess)$/;
const POLICY_ATTACHMENTS: readonly (readonly [string, string])[] = [
  ["aws_iam_role_policy_attachment", "policy_arn"],
  ["aws_iam_user_policy_attachment", "policy_arn"],
  ["aws_iam_group_policy_attachment", "policy_arn"],
  ["aws_iam_policy_attachment", "policy_arn"],
  ["aws_iam_role", "managed_policy_arns"],
  ["aws_iam_role_policy_attachments_exclusive", "policy_arns"],
];

const isWildcardAction = (a: string) => a === "*" || a === "*:*";

function identityPolicyFindings(stack: StackModel, node: ResourceNode, where: string, value: unknown): Finding[] {
  const parsed = parsePolicy(stack, value);
  if ("error" in parsed) return [at(node, `${where}: ${parsed.error}`, "Render policies with policyDocument() from src/lib/iam.ts (or an aws_iam_policy_document data source in the same stack) so they can be checked.")];
  return parsed.statements.flatMap((st) => {
    if (st.effect !== "Allow") return [];
    const anyResource = (st.resources ?? []).includes("*");
    if (!anyResource) return [];
    if ((st.actions ?? []).some(isWildcardAction)) return [at(node, `${where} statement ${st.label} allows Action "*" on Resource "*" (full administrator)`)];
    if (st.notActions) return [at(node, `${where} statement ${st.label} allows everything except NotAction ${st.notActions.join(", ")} on Resource "*"`)];
    return [];
  });
}

// ---- literal secrets -------------------------------------------------------------------------------

/** Names (attributes, map keys, helm value paths) whose literal value is a secret, in snake_case. */
const SECRET_NAME = /(^|[_.-])(password|passwd|passphrase|secret|secret_string|secret_binary|secret_key|secret_access_key|access_key|private_key|client_secret|api_key|apikey|auth_token|token|bearer_token|credentials?)(_wo)?$/;

/** True when a name says its value is a secret (`adminPassword`, `master_password`, `auth.token` ...). */
function isSecretName(name: string): boolean {
  const last = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase().split(/[./[\]]/).filter(Boolean).pop() ?? "";
  // `existingSecret`, `existing_password_secret`: the name of a Kubernetes Secret, not a secret.
  if (last.startsWith("existing")) return false;
  return SECRET_NAME.test(last);
}

/** A literal that could be a secret: a non-empty string that is no expression, template, boolean or number. */
function secretLiteral(v: unknown): v is string {
  if (typeof v !== "string") return false;
  const t = v.trim().replace(/^["']|["']$/g, "");
  if (t === "" || isExpression(t) || t.includes("{{")) return false;
  return !/^(true|false|yes|no|on|off|null|~|-?\d+(\.\d+)?)$/i.test(t);
}

/** Secret-looking content anywhere in a string. */
const SECRET_CONTENT: readonly (readonly [RegExp, string])[] = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/(aws_)?secret_access_key["']?\s*[=:]\s*["']?[A-Za-z0-9/+=]{40}\b/i, "an AWS secret access key"],
  [/-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/, "a private key"],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, "a GitHub token"],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, "a Slack token"],
];

/** `key: value` / `key = value` lines of embedded YAML, INI or env text. */
const TEXT_SETTING = /^[ \t]*-?[ \t]*["']?([\w.-]+)["']?[ \t]*[:=][ \t]*(.+?)[ \t]*$/gm;

interface SecretHit {
  readonly where: string;
  readonly what: string;
}

/** Walks a JSON value and reports literal secrets; `where` is the JSON path inside the element. */
function scanSecrets(value: unknown, where: string, key: string | undefined, hits: SecretHit[], depth = 0): void {
  if (depth > 64) return;
  if (typeof value === "string") {
    if (key && isSecretName(key) && secretLiteral(value)) {
      hits.push({ where, what: `${key} has a literal value` });
      return;
    }
    for (const [pattern, what] of SECRET_CONTENT) {
      if (pattern.test(value)) {
        hits.push({ where, what: `contains ${what}` });
        return;
      }
    }
    const trimmed = value.trim();
    if ((trimmed.startsWith("{") || trimmed.startsWith("[")) && trimmed.length < 200_000) {
      try {
        scanSecrets(JSON.parse(trimmed), `${where} (embedded JSON)`, undefined, hits, depth + 1);
        return;
      } catch {
        /* not JSON */
      }
    }
    if (value.includes("\n")) {
      for (const m of value.matchAll(TEXT_SETTING)) {
        if (isSecretName(m[1]) && secretLiteral(m[2])) {
          hits.push({ where, what: `embedded text sets ${m[1]} to a literal` });
          return;
        }
      }
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => scanSecrets(v, `${where}[${i}]`, key, hits, depth + 1));
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const obj = value as Json;
  // name/value pairs (helm `set`, `set_sensitive`, env vars): the name says whether the value is secret.
  if (typeof obj.name === "string" && secretLiteral(obj.value) && (key === "set_sensitive" || isSecretName(obj.name))) {
    hits.push({ where, what: `${obj.name} has a literal value` });
  }
  for (const [k, v] of Object.entries(obj)) {
    if (k === "//") continue;
    scanSecrets(v, where ? `${where}.${k}` : k, k, hits, depth + 1);
  }
}

/** The hygiene rules. */
export const hygieneRules: readonly Rule[] = [
  {
    id: "CDN-TAG-001",
    title: "Every taggable AWS resource carries the mandatory tags",
    severity: "medium",
    category: "hygiene",
    resourceTypes: ["(every AWS type with tags_all)"],
    checks: `Every resource of a type that takes tags (src/policy/generated/taggable-types.ts, from the provider schema) has non-empty ${MANDATORY_TAG_KEYS.join(", ")} from its provider's default_tags merged with its own tags.`,
    rationale: "Cost allocation, ownership and incident routing all key on these tags; an untagged resource is nobody's and shows up as unexplained spend.",
    fix: "Create the stack's AWS providers with EnvironmentStack.awsProvider() (default_tags from the environment file); for an extra provider, pass the same default tags.",
    check: (stack) =>
      stack.all().flatMap((node) => {
        if (node.mode !== "managed" || !TAGGABLE_AWS_TYPES.has(node.type)) return [];
        const { tags, opaque } = stack.effectiveTags(node);
        const missing = MANDATORY_TAG_KEYS.filter((k) => !tags[k] || tags[k].trim() === "");
        if (missing.length === 0 || opaque) return [];
        return [at(node, `lacks the tag${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (provider default_tags + resource tags)`)];
      }),
  },
  {
    id: "CDN-TAG-002",
    title: "Launch templates tag the instances and volumes they launch",
    severity: "low",
    category: "hygiene",
    resourceTypes: ["aws_launch_template"],
    checks: `Every aws_launch_template has tag_specifications for resource_type instance and volume, each with ${MANDATORY_TAG_KEYS.join(", ")} (the provider's default_tags do not reach instances launched from a template, e.g. EKS nodes).`,
    rationale: "Nodes and their disks are most of the compute bill; without tags on them cost allocation and ownership stop at the node group.",
    fix: "Add tag_specifications { resource_type = \"instance\", tags = <the environment tags> } and the same for \"volume\".",
    check: (stack) =>
      stack.resources("aws_launch_template").flatMap((lt) => {
        const specs = blocks(lt.config.tag_specifications);
        return ["instance", "volume"].flatMap((type) => {
          const spec = specs.find((s) => s.resource_type === type);
          if (!spec) return [at(lt, `has no tag_specifications for ${type}`)];
          const tags = (spec.tags ?? {}) as Json;
          if (typeof tags !== "object") return [];
          const missing = MANDATORY_TAG_KEYS.filter((k) => typeof tags[k] !== "string" || (tags[k] as string).trim() === "");
          return missing.length ? [at(lt, `tag_specifications for ${type} lack ${missing.join(", ")}`)] : [];
        });
      }),
  },
  {
    id: "CDN-NET-005",
    title: "Security groups and their rules have descriptions",
    severity: "low",
    category: "hygiene",
    resourceTypes: [...INGRESS_TYPES, "aws_vpc_security_group_egress_rule"],
    checks:
      "aws_security_group has a description other than the provider default \"Managed by Terraform\"; every inline ingress/egress block, aws_security_group_rule and aws_vpc_security_group_ingress_rule/egress_rule has a non-empty description.",
    rationale: "A rule without a description cannot be reviewed or safely removed: nobody knows which traffic depends on it.",
    fix: "Say who talks to whom and why, e.g. \"Nodes reach the cluster API on 443\".",
    check: (stack) => {
      const out: Finding[] = [];
      const empty = (v: unknown) => typeof v !== "string" || v.trim() === "";
      for (const sg of stack.resources("aws_security_group")) {
        if (empty(sg.config.description) || sg.config.description === "Managed by Terraform") out.push(at(sg, "has no description (the provider default is \"Managed by Terraform\")"));
      }
      for (const sg of stack.resources("aws_security_group", "aws_default_security_group")) {
        for (const dir of ["ingress", "egress"]) {
          blocks(sg.config[dir]).forEach((r, i) => {
            if (empty(r.description)) out.push(at(sg, `${dir}[${i}] has no description`));
          });
        }
      }
      for (const rule of stack.resources("aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule")) {
        if (empty(rule.config.description)) out.push(at(rule, "has no description"));
      }
      return out;
    },
  },
  {
    id: "CDN-IAM-001",
    title: "IAM identity policies never allow Action * on Resource *",
    severity: "critical",
    category: "hygiene",
    resourceTypes: [...IDENTITY_POLICIES.map(([t]) => t), "aws_iam_role", ...POLICY_ATTACHMENTS.map(([t]) => t).filter((t) => t !== "aws_iam_role")],
    checks:
      "In aws_iam_policy, aws_iam_role_policy, aws_iam_user_policy, aws_iam_group_policy and aws_iam_role inline_policy documents, no Allow statement has Action \"*\" (or \"*:*\") or a NotAction with Resource \"*\", and every document is readable at synth (JSON or an aws_iam_policy_document of the stack); no AdministratorAccess or PowerUserAccess is attached. Key, bucket and other resource policies are checked by CDN-IAM-002 instead (Resource \"*\" there means the resource itself).",
    rationale: "A full wildcard grant turns any compromise of the principal (a pod, a CI job) into an account takeover; least privilege is only reviewable when the documents are readable.",
    fix: "List the actions the workload calls and the ARNs it touches (src/lib/iam.ts policyDocument); for break-glass administration use the account's SSO roles, not Terraform-managed policies.",
    check: (stack) => {
      const out: Finding[] = [];
      for (const [type, attr] of IDENTITY_POLICIES) {
        for (const node of stack.resources(type)) out.push(...identityPolicyFindings(stack, node, attr, node.config[attr]));
      }
      for (const role of stack.resources("aws_iam_role")) {
        blocks(role.config.inline_policy).forEach((p, i) => {
          if (p.policy !== undefined && p.policy !== null && p.policy !== "") out.push(...identityPolicyFindings(stack, role, `inline_policy[${i}] (${String(p.name ?? "")})`, p.policy));
        });
      }
      for (const [type, attr] of POLICY_ATTACHMENTS) {
        for (const node of stack.resources(type)) {
          for (const arn of strings(list(node.config[attr]))) if (ADMIN_POLICY.test(arn)) out.push(at(node, `attaches ${arn}`));
        }
      }
      return out;
    },
  },
  {
    id: "CDN-SEC-001",
    title: "No literal secrets anywhere in the synthesized configuration",
    severity: "critical",
    category: "hygiene",
    resourceTypes: ["*"],
    checks:
      "Walks every resource, data source, provider, backend, variable, output and local: no attribute or map key named like a secret (password, secret, token, private_key, access_key, api_key ... in snake or camel case, and their _wo forms; not existingSecret-style references) has a literal value; no string contains an AWS access key id, an AWS secret key assignment, a private key block or a GitHub or Slack token; embedded JSON and YAML/INI text (secret_string, helm values, user_data) follow the same naming rule; no name/value pair (helm set) named like a secret, and no set_sensitive entry, has a literal value. Booleans, numbers, expressions and templates are not secrets.",
    rationale: "The synthesized JSON is committed as snapshots, printed in plans and stored in state: a literal secret there is leaked. Secrets come from Secrets Manager (manage_master_user_password), random_password or write-only attributes fed from ephemeral values.",
    fix: "Let the service manage the secret (manage_master_user_password = true), read it at apply time from Secrets Manager, or generate it (random_password) in a stack that never synthesizes it literally.",
    check: (stack) => {
      const out: Finding[] = [];
      for (const node of stack.all()) {
        const hits: SecretHit[] = [];
        scanSecrets(node.config, "", undefined, hits);
        for (const h of hits) out.push(at(node, `${h.where || "(value)"}: ${h.what}`));
      }
      const json = stack.json;
      const elsewhere: [string, unknown][] = [];
      for (const [name, configs] of Object.entries(json.provider ?? {})) (configs ?? []).forEach((c, i) => elsewhere.push([`provider.${name}[${i}]`, c]));
      for (const [name, v] of Object.entries(json.variable ?? {})) elsewhere.push([`variable.${name}`, isSecretName(name) && secretLiteral((v as Json)?.default) ? { [name]: (v as Json).default } : v]);
      for (const [name, v] of Object.entries(json.output ?? {})) elsewhere.push([`output.${name}`, isSecretName(name) && secretLiteral((v as Json)?.value) ? { [name]: (v as Json).value } : v]);
      for (const [section, v] of Object.entries(json)) {
        if (!["resource", "data", "provider", "variable", "output", "//"].includes(section)) elsewhere.push([section, v]);
      }
      for (const [address, v] of elsewhere) {
        const hits: SecretHit[] = [];
        scanSecrets(v, "", undefined, hits);
        for (const h of hits) out.push({ path: stack.name, address, message: `${h.where || "(value)"}: ${h.what}` });
      }
      return out;
    },
  },
  {
    id: "CDN-EC2-001",
    title: "Instances and nodes require IMDSv2",
    severity: "high",
    category: "hygiene",
    resourceTypes: ["aws_launch_template", "aws_instance", "aws_eks_node_group"],
    checks:
      "aws_launch_template and aws_instance have metadata_options.http_tokens = required (or the endpoint disabled); every aws_eks_node_group uses a launch template of the same stack (by id or name reference or literal name), so that requirement applies to its nodes.",
    rationale: "IMDSv1 answers any HTTP GET, so an SSRF bug in a pod or process hands out the node role's credentials; IMDSv2's session token defeats that.",
    fix: "Set metadata_options { http_tokens = \"required\", http_endpoint = \"enabled\", http_put_response_hop_limit = 1 } (hop limit 1 keeps pods, which use Pod Identity, away from the node role) and give node groups that launch template.",
    check: (stack) => {
      const out: Finding[] = [];
      for (const node of stack.resources("aws_launch_template", "aws_instance")) {
        const md = blocks(node.config.metadata_options)[0];
        if (md?.http_endpoint === "disabled") continue;
        if (md?.http_tokens !== "required") out.push(at(node, `metadata_options.http_tokens is ${JSON.stringify(md?.http_tokens ?? null)}, not "required" (IMDSv1 stays on)`));
      }
      for (const ng of stack.resources("aws_eks_node_group")) {
        const lt = blocks(ng.config.launch_template)[0];
        if (!lt) {
          out.push(at(ng, "has no launch_template, so IMDSv2 is not enforced on its nodes"));
          continue;
        }
        const target = stack.resolve(lt.id, ["aws_launch_template"], []) ?? stack.resolve(lt.name, ["aws_launch_template"], ["name"]);
        if (!target) out.push(at(ng, `launch_template ${JSON.stringify(lt.id ?? lt.name ?? null)} is not a launch template of this stack, so IMDSv2 cannot be verified`));
      }
      return out;
    },
  },
];
