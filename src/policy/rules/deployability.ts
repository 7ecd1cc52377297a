/**
 * Deployability: what only fails at `terraform apply` against a real account, or on the second run.
 * Names repeated as literals (no ordering), fixed names with create_before_destroy, resource policies
 * naming principals that do not exist yet, bucket Denies that lock Terraform out of its own refresh, and
 * node groups whose size nothing manages.
 */
import { RESOURCE_POLICY_TYPES, resourcePolicies, type NormalizedStatement } from "../checks";
import { blocks, isExpression, isTrue, parseReference, strings, type Json, type ResourceNode, type StackModel } from "../model";
import type { Finding, Rule } from "../types";
import { at } from "./util";

// ---- names ------------------------------------------------------------------------------------------

/** Attributes holding a resource's own name, besides `name`, by type. */
const OWN_NAME_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_s3_bucket: ["bucket"],
  aws_rds_cluster: ["cluster_identifier"],
  aws_db_instance: ["identifier"],
  aws_rds_cluster_instance: ["identifier"],
  aws_eks_node_group: ["node_group_name"],
  aws_eks_addon: ["addon_name"],
  aws_eks_fargate_profile: ["fargate_profile_name"],
  aws_elasticache_replication_group: ["replication_group_id"],
  aws_elasticache_cluster: ["cluster_id"],
};

/** The attributes that name a resource of `type` (its identity, unique per account/region/parent). */
export function ownNameAttributes(type: string): readonly string[] {
  return ["name", ...(OWN_NAME_ATTRIBUTES[type] ?? [])];
}

/** Keys never compared: metadata, labels and meta-arguments. */
const SKIPPED_KEYS = new Set(["//", "tags", "tags_all", "description", "lifecycle", "depends_on", "provider", "count", "for_each", "provisioner", "connection"]);

/** Shorter names are too generic to mean anything (`api`, `1`). */
const MIN_NAME_LENGTH = 4;

interface NamedTarget {
  readonly node: ResourceNode;
  readonly attribute: string;
}

/** Literal names of the stack's AWS resources, plus the ARN forms other attributes may spell them as. */
function nameIndex(stack: StackModel): Map<string, NamedTarget> {
  const index = new Map<string, NamedTarget>();
  for (const node of stack.all()) {
    if (node.mode !== "managed" || !node.type.startsWith("aws_")) continue;
    for (const attribute of ownNameAttributes(node.type)) {
      const value = node.config[attribute];
      if (typeof value !== "string" || isExpression(value) || value.length < MIN_NAME_LENGTH) continue;
      if (!index.has(value)) index.set(value, { node, attribute });
      if (node.type === "aws_iam_role") index.set(`role:${value}`, { node, attribute: "arn" });
      if (node.type === "aws_s3_bucket") index.set(`bucket:${value}`, { node, attribute: "arn" });
    }
  }
  return index;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/;
const BUCKET_ARN = /^arn:aws[a-z-]*:s3:::([^/]+)(\/.*)?$/;

/** The target a literal names, if any: by its name, or by an IAM role or S3 bucket ARN. */
function namedBy(index: Map<string, NamedTarget>, value: string): NamedTarget | undefined {
  const direct = index.get(value);
  if (direct) return direct;
  const role = ROLE_ARN.exec(value);
  if (role) return index.get(`role:${role[1]}`);
  const bucket = BUCKET_ARN.exec(value);
  if (bucket) return index.get(`bucket:${bucket[1]}`);
  return undefined;
}

/** Walks string leaves of a config, with their attribute path. */
function walkStrings(value: unknown, path: string, visit: (path: string, value: string) => void, depth = 0): void {
  if (depth > 32) return;
  if (typeof value === "string") {
    visit(path, value);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => walkStrings(v, `${path}[${i}]`, visit, depth + 1));
    return;
  }
  if (typeof value !== "object" || value === null) return;
  for (const [k, v] of Object.entries(value as Json)) {
    if (SKIPPED_KEYS.has(k)) continue;
    walkStrings(v, path ? `${path}.${k}` : k, visit, depth + 1);
  }
}

// ---- lifecycle ---------------------------------------------------------------------------------------

function lifecycleOf(node: ResourceNode): Json {
  return blocks(node.config.lifecycle)[0] ?? {};
}

/** The `<attribute>_prefix` alternative of a name attribute (`bucket` -> `bucket_prefix`). */
function prefixAttribute(attribute: string): string {
  return `${attribute}_prefix`;
}

const DESIRED_SIZE = /^scaling_config(\[0\])?(\.desired_size)?$/;

/** True when a node group tells Terraform to ignore its desired size (or all changes). */
function ignoresDesiredSize(node: ResourceNode): boolean {
  const ignore = lifecycleOf(node).ignore_changes;
  if (ignore === "all") return true;
  return strings(ignore).some((entry) => entry === "all" || DESIRED_SIZE.test(entry.replace(/\s+/g, "")));
}

/** The literal name of the cluster a node group belongs to (through the reference when there is one). */
function clusterNameOf(stack: StackModel, nodeGroup: ResourceNode): string | undefined {
  const value = nodeGroup.config.cluster_name;
  const target = stack.target(parseReference(value));
  if (target && target.type === "aws_eks_cluster" && typeof target.config.name === "string" && !isExpression(target.config.name)) return target.config.name;
  return typeof value === "string" && !isExpression(value) ? value : undefined;
}

const AUTOSCALER_CHART = /(^|\/)cluster-autoscaler$/;

/** Every stack evaluated with `stack`, itself included (a stack evaluated alone is its own app). */
function allStacks(stack: StackModel): readonly StackModel[] {
  return stack.app.stack(stack.name) ? stack.app.stacks : [stack, ...stack.app.stacks];
}

/** True when `other` manages the same account and region as `stack` (unknown on either side counts as the same). */
function sameTarget(stack: StackModel, other: StackModel): boolean {
  const a = stack.awsTarget();
  const b = other.awsTarget();
  if (a.region && b.region && a.region !== b.region) return false;
  if (a.accounts.length > 0 && b.accounts.length > 0 && !a.accounts.some((x) => b.accounts.includes(x))) return false;
  return true;
}

/** Stacks holding a cluster-autoscaler Helm release for cluster `name` (a stack names its cluster by an EKS resource or data source). */
function autoscalersFor(stack: StackModel, name: string): string[] {
  return allStacks(stack)
    .filter((other) => {
      if (!sameTarget(stack, other)) return false;
      const releases = other.resources("helm_release").filter((r) => typeof r.config.chart === "string" && AUTOSCALER_CHART.test(r.config.chart));
      if (releases.length === 0) return false;
      const clusters = [...other.resources("aws_eks_cluster"), ...other.dataSources("aws_eks_cluster")];
      return clusters.some((c) => c.config.name === name);
    })
    .map((other) => other.name);
}

// ---- policies and principals -------------------------------------------------------------------------

/** Case-insensitive IAM wildcard match (`*` any run, `?` one character). */
export function iamMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  return re.test(value);
}

/**
 * The S3 actions the AWS provider's refresh of a bucket makes, in call order (provider 5.100.0, observed
 * against a recording S3 endpoint): `aws_s3_bucket` and its companion resources. HeadBucket is
 * s3:ListBucket.
 */
export const BUCKET_REFRESH_ACTIONS = [
  "s3:ListBucket",
  "s3:GetBucketPolicy",
  "s3:GetBucketAcl",
  "s3:GetBucketCORS",
  "s3:GetBucketWebsite",
  "s3:GetBucketVersioning",
  "s3:GetAccelerateConfiguration",
  "s3:GetBucketRequestPayment",
  "s3:GetBucketLogging",
  "s3:GetLifecycleConfiguration",
  "s3:GetReplicationConfiguration",
  "s3:GetEncryptionConfiguration",
  "s3:GetBucketObjectLockConfiguration",
  "s3:GetBucketTagging",
  "s3:GetBucketPublicAccessBlock",
  "s3:GetBucketOwnershipControls",
] as const;

/** Condition keys about the request's shape (TLS, encryption headers ...), not about who sends it. */
const REQUEST_SHAPE_KEY = /^(aws:securetransport|s3:tlsversion|s3:x-amz-server-side-encryption.*|s3:signatureversion|s3:authtype|s3:signatureage|s3:x-amz-content-sha256)$/i;

/** Whether the statement (a Deny) applies to requests of `principal`; undefined conditions count as applying. */
function appliesTo(st: NormalizedStatement, principal: string): { applies: boolean; because?: string } {
  const account = principal.split(":")[4] ?? "";
  const named = (ids: readonly string[]) => ids.some((id) => id === "*" || id === principal || id === account || id === `arn:aws:iam::${account}:root`);
  if (st.principals) {
    const covered = st.principals.some((p) => p.type === "*" || (p.type === "AWS" && named(p.identifiers)));
    if (!covered) return { applies: false };
  }
  if (st.notPrincipals && st.notPrincipals.some((p) => p.type === "AWS" && p.identifiers.includes(principal))) return { applies: false };
  for (const c of st.conditions) {
    const key = c.variable.toLowerCase();
    const op = c.test.replace(/IfExists$/, "");
    const like = /Like$/.test(op);
    const matches = c.values.some((v) => (like ? iamMatch(v, principal) : v === principal));
    if (key === "aws:principalarn") {
      if (/^(StringNotLike|StringNotEquals|ArnNotLike|ArnNotEquals)$/.test(op) && matches) return { applies: false };
      if (/^(StringLike|StringEquals|ArnLike|ArnEquals)$/.test(op) && !matches) return { applies: false };
      continue;
    }
    if (key === "aws:principalaccount") {
      const inList = c.values.includes(account);
      if (op === "StringNotEquals" && inList) return { applies: false };
      if (op === "StringEquals" && !inList) return { applies: false };
      continue;
    }
    // Any other condition (aws:SourceVpce, aws:SourceIp, tags ...) may well hold for Terraform's requests.
  }
  const exceptions = st.conditions.filter((c) => c.variable.toLowerCase() === "aws:principalarn").flatMap((c) => c.values);
  return { applies: true, because: exceptions.length ? `not among its aws:PrincipalArn exceptions (${exceptions.join(", ")})` : "it names every principal" };
}

/** Whether a statement's resources include the bucket itself (bucket-level actions), not only objects. */
function coversBucketLevel(resources: readonly string[] | undefined): boolean {
  if (!resources) return true;
  return resources.some((r) => {
    if (r === "*") return true;
    const flattened = r.replace(/\$\{[^}]*\}/g, "X");
    const tail = flattened.includes(":::") ? flattened.split(":::").slice(1).join(":::") : flattened;
    return !tail.includes("/");
  });
}

function actionsMatched(st: NormalizedStatement, candidates: readonly string[]): string[] {
  if (st.actions) return candidates.filter((a) => st.actions!.some((p) => iamMatch(p, a)));
  if (st.notActions) return candidates.filter((a) => !st.notActions!.some((p) => iamMatch(p, a)));
  return [];
}

const SERVICE_LINKED_ROLE = /^arn:aws[a-z-]*:iam::(\d{12}):role\/aws-service-role\/([^/]+)\/([^/]+)$/;

/** Literal AWS principals of a statement (Principal and NotPrincipal). */
function literalAwsPrincipals(st: NormalizedStatement): string[] {
  return [...(st.principals ?? []), ...(st.notPrincipals ?? [])].filter((p) => p.type === "AWS").flatMap((p) => p.identifiers.filter((id) => !isExpression(id)));
}

/** Stacks (this one and the rest of the app) that create an IAM role named `roleName` in `account`. */
function roleCreators(stack: StackModel, roleName: string, account: string): { stack: StackModel; node: ResourceNode }[] {
  return allStacks(stack).flatMap((s) => {
    const accounts = s.awsTarget().accounts;
    if (accounts.length > 0 && !accounts.includes(account)) return [];
    return s.resources("aws_iam_role").filter((r) => r.config.name === roleName).map((node) => ({ stack: s, node }));
  });
}

/** The aws_iam_service_linked_role of `service` in `stack`, if it creates one. */
function serviceLinkedRoleIn(stack: StackModel, service: string): ResourceNode | undefined {
  return stack.resources("aws_iam_service_linked_role").find((r) => r.config.aws_service_name === service);
}

/** True when a stack `stack` depends on (deployed before it) creates the service-linked role of `service`. */
function earlierStackCreatesServiceLinkedRole(stack: StackModel, service: string): boolean {
  return [...stack.app.dependenciesOf(stack.name)].some((name) => {
    const other = stack.app.stack(name);
    return other !== undefined && serviceLinkedRoleIn(other, service) !== undefined;
  });
}

function principalFindings(stack: StackModel, node: ResourceNode, attr: string, st: NormalizedStatement): Finding[] {
  const out: Finding[] = [];
  for (const principal of literalAwsPrincipals(st)) {
    const slr = SERVICE_LINKED_ROLE.exec(principal);
    if (slr) {
      if (earlierStackCreatesServiceLinkedRole(stack, slr[2])) continue;
      const own = serviceLinkedRoleIn(stack, slr[2]);
      if (own) {
        out.push(
          at(
            node,
            `${attr} statement ${st.label} names the service-linked role ${slr[3]} (${own.address}, created in this stack) by a literal ARN: nothing orders this policy after the role`,
            `Use the role's reference (\${${own.address}.arn}) so Terraform creates the role first.`,
          ),
        );
        continue;
      }
      out.push(
        at(
          node,
          `${attr} statement ${st.label} names the service-linked role ${slr[3]} as a principal, which exists only once ${slr[2]} has created it in the account (a fresh account has none): creating this policy fails with MalformedPolicyDocumentException / invalid principal`,
          `Keep Principal "*" and name the role in conditions instead (StringEquals aws:PrincipalArn = ${principal} and aws:PrincipalAccount = ${slr[1]}), which are not resolved at creation; or create it with aws_iam_service_linked_role in a stack this one depends on (or in this stack, referenced).`,
        ),
      );
      continue;
    }
    const role = ROLE_ARN.exec(principal);
    if (!role) continue;
    const account = principal.split(":")[4];
    for (const creator of roleCreators(stack, role[1], account)) {
      if (creator.stack.name === stack.name) {
        out.push(
          at(
            node,
            `${attr} statement ${st.label} names role ${role[1]} (${creator.node.address}, created in this stack) by a literal ARN: nothing orders this policy after the role, so the first apply can fail with an invalid principal`,
            `Use the role's reference (\${${creator.node.address}.arn}) so Terraform creates the role first.`,
          ),
        );
      } else if (!stack.app.dependenciesOf(stack.name).has(creator.stack.name)) {
        out.push(
          at(
            node,
            `${attr} statement ${st.label} names role ${role[1]}, which stack ${creator.stack.name} creates; ${stack.name} does not depend on that stack, so it can be deployed first and the policy then names a principal that does not exist yet`,
            `Make ${stack.name} depend on ${creator.stack.name} (stack.addDependency), or name the role in an aws:PrincipalArn condition under Principal "*" instead of as the principal.`,
          ),
        );
      }
    }
  }
  return out;
}

// ---- rules ---------------------------------------------------------------------------------------------

/** The deployability rules. */
export const deployabilityRules: readonly Rule[] = [
  {
    id: "CDN-REF-001",
    title: "Resources reference other resources of their stack, never repeat their names",
    severity: "high",
    category: "deployability",
    resourceTypes: ["*"],
    checks:
      "No attribute (nested blocks included; tags, descriptions and meta-arguments excepted) of a resource or data source is a literal string equal to the name of another AWS resource of the same stack (`name`, or the type's own identifier: `bucket`, `cluster_identifier`, `identifier`, `node_group_name` ...), or an IAM role or S3 bucket ARN spelling one. Names of four characters or fewer are ignored.",
    rationale:
      "A literal name carries no dependency: Terraform may create the referring resource before the named one (e.g. a Pod Identity association before its EKS cluster: ResourceNotFoundException \"No cluster found\") and destroy them in the wrong order. `terraform validate` and offline plans cannot see it.",
    fix: "Pass the resource's attribute instead of its name (cluster.name, bucket.bucket, role.arn): the reference is the same string at apply time and orders creation and destruction.",
    check: (stack) => {
      const index = nameIndex(stack);
      if (index.size === 0) return [];
      const out: Finding[] = [];
      for (const node of stack.all()) {
        const own = new Set(ownNameAttributes(node.type));
        for (const [key, value] of Object.entries(node.config)) {
          if (SKIPPED_KEYS.has(key) || own.has(key) || key.endsWith("_prefix")) continue;
          walkStrings(value, key, (path, literal) => {
            if (isExpression(literal)) return;
            const target = namedBy(index, literal);
            if (!target || target.node.address === node.address) return;
            out.push(
              at(
                node,
                `${path} is the literal ${JSON.stringify(literal)}, naming ${target.node.address} of this stack: nothing orders ${node.address} after it`,
                `Use the reference \${${target.node.address}.${target.attribute === "arn" ? "arn" : target.attribute}} (in TypeScript, the construct's attribute such as cluster.name) instead of repeating the name.`,
              ),
            );
          });
        }
      }
      return out;
    },
  },
  {
    id: "CDN-LCY-001",
    title: "Resources replaced with create_before_destroy have no fixed name",
    severity: "high",
    category: "deployability",
    resourceTypes: ["*"],
    checks: "A managed resource with lifecycle.create_before_destroy = true sets none of its name attributes (`name`, `bucket`, `cluster_identifier`, `identifier`, `node_group_name` ...) to a literal; it uses the `<attribute>_prefix` form (or a generated name) instead.",
    rationale: "create_before_destroy creates the replacement while the old resource still exists; with the same fixed name the create fails (AlreadyExists), so the replacement the lifecycle was meant to make safe cannot happen at all.",
    fix: "Use name_prefix (bucket_prefix, identifier_prefix ...) so the replacement gets a new unique name, or drop create_before_destroy when the resource can be replaced in place.",
    check: (stack) =>
      stack.all().flatMap((node) => {
        if (node.mode !== "managed" || !isTrue(lifecycleOf(node).create_before_destroy)) return [];
        return ownNameAttributes(node.type)
          .filter((attribute) => typeof node.config[attribute] === "string" && node.config[attribute] !== "" && !isExpression(node.config[attribute]))
          .map((attribute) =>
            at(
              node,
              `has create_before_destroy and the fixed ${attribute} ${JSON.stringify(node.config[attribute])}: a replacement would collide with the resource it replaces`,
              `Set ${prefixAttribute(attribute)} instead of ${attribute} (the replacement then gets a new unique name), or drop create_before_destroy.`,
            ),
          );
      }),
  },
  {
    id: "CDN-LCY-002",
    title: "Node groups that ignore their desired size have an autoscaler",
    severity: "high",
    category: "deployability",
    resourceTypes: ["aws_eks_node_group", "helm_release"],
    checks:
      "An aws_eks_node_group whose lifecycle.ignore_changes covers scaling_config[0].desired_size (or all) belongs to a cluster that a cluster-autoscaler Helm release targets: some stack of the same account and region with a helm_release whose chart is `cluster-autoscaler` and an aws_eks_cluster resource or data source of that cluster's name.",
    rationale: "Ignoring desired_size hands the node count to an autoscaler; without one the group stays at its creation size forever and min/max are fiction: pods stay Pending under load and nothing scales back.",
    fix: "Install the Cluster Autoscaler (pinned chart, Pod Identity) in the plane's in-cluster stack, or stop ignoring scaling_config[0].desired_size so Terraform owns the size.",
    check: (stack) =>
      stack.resources("aws_eks_node_group").flatMap((group) => {
        if (!ignoresDesiredSize(group)) return [];
        const cluster = clusterNameOf(stack, group);
        if (cluster !== undefined && autoscalersFor(stack, cluster).length > 0) return [];
        return [
          at(
            group,
            `ignores scaling_config[0].desired_size, but no cluster-autoscaler Helm release targets cluster ${cluster === undefined ? "(name unknown)" : JSON.stringify(cluster)} in any stack of this account and region: the group never leaves its size at creation`,
          ),
        ];
      }),
  },
  {
    id: "CDN-IAM-003",
    title: "Bucket-policy Denies never block Terraform's own bucket reads",
    severity: "high",
    category: "deployability",
    resourceTypes: ["aws_s3_bucket_policy", "aws_s3_bucket"],
    checks: `For every role recorded as running Terraform for the stack (//.cdn_policy.terraform_principals; without a record, for any role not excepted), no Deny statement of a bucket policy that applies to it (Principal, NotPrincipal, aws:PrincipalArn and aws:PrincipalAccount conditions evaluated; any other condition counts as holding) matches, at the bucket level, an action of the provider's bucket refresh: ${BUCKET_REFRESH_ACTIONS.join(", ")}. Denies conditioned on the request's shape (aws:SecureTransport, TLS version, encryption headers) are exempt.`,
    rationale:
      "Terraform refreshes every bucket before planning; a Deny on s3:ListBucket (HeadBucket) or a wildcard such as s3:*Object* (which matches s3:GetBucketObjectLockConfiguration) returns 403 from the second plan on, so the stack can no longer be planned or fixed by CI (terraform-provider-aws#17195).",
    fix: "Name object actions explicitly in data-protecting Denies (s3:GetObject*, s3:PutObject*, s3:DeleteObject* ...) instead of wildcards that also match bucket configuration, and add the deploy and plan roles to the aws:PrincipalArn exceptions of any Deny that covers s3:ListBucket.",
    check: (stack) => {
      const recorded = stack.terraformPrincipals();
      const account = stack.awsTarget().accounts[0] ?? "000000000000";
      const principals = recorded.length > 0 ? recorded : [`arn:aws:iam::${account}:role/unrecorded-terraform-role`];
      const out: Finding[] = [];
      const bucketPolicies = resourcePolicies(stack).filter(({ node }) => node.type === "aws_s3_bucket_policy" || node.type === "aws_s3_bucket");
      for (const { node, attr, statements } of bucketPolicies) {
        for (const st of statements) {
          if (st.effect !== "Deny") continue;
          if (st.conditions.some((c) => REQUEST_SHAPE_KEY.test(c.variable))) continue;
          if (!coversBucketLevel(st.resources)) continue;
          const actions = actionsMatched(st, BUCKET_REFRESH_ACTIONS);
          if (actions.length === 0) continue;
          for (const principal of principals) {
            const verdict = appliesTo(st, principal);
            if (!verdict.applies) continue;
            const who = recorded.length > 0 ? `${principal}, a role that runs Terraform for this stack,` : "the roles that run Terraform (none recorded for this stack),";
            out.push(at(node, `${attr} statement ${st.label} denies ${actions.join(", ")} to ${who} ${verdict.because}: the refresh of the bucket fails with 403 and the stack cannot be planned again`));
          }
        }
      }
      return out;
    },
  },
  {
    id: "CDN-IAM-004",
    title: "Resource and trust policies name only principals that exist when they are created",
    severity: "high",
    category: "deployability",
    resourceTypes: RESOURCE_POLICY_TYPES,
    checks:
      "In key, bucket, secret, queue, topic, repository and trust policies, no literal AWS principal (Principal or NotPrincipal) is a service-linked role (`role/aws-service-role/...`) that neither this stack nor one it depends on creates, a role this stack creates (named by literal ARN instead of reference), or a role another stack creates when this stack does not depend on it.",
    rationale:
      "KMS, S3, IAM and the other services resolve principals when the policy is written: a role that does not exist yet fails the create (KMS: MalformedPolicyDocumentException). Service-linked roles exist only once their service has run in the account (AWSServiceRoleForAutoScaling is missing in a fresh account, terraform-aws-eks#3013).",
    fix: "Keep Principal \"*\" and name the role in aws:PrincipalArn / aws:PrincipalAccount conditions (resolved per request, not at creation); reference roles of the same stack; declare the dependency on the stack that creates a role.",
    check: (stack) => {
      const out: Finding[] = [];
      for (const { node, attr, statements } of resourcePolicies(stack)) {
        for (const st of statements) out.push(...principalFindings(stack, node, attr, st));
      }
      return out;
    },
  },
];

/** The S3 backend and the S3 remote-state blocks of a stack, as [address, construct path, config]. */
export function s3StateBlocks(stack: StackModel): { address: string; path: string; config: Json }[] {
  const found: { address: string; path: string; config: Json }[] = [];
  const backend = ((stack.json.terraform as Json | undefined)?.backend as Json | undefined)?.s3;
  if (backend && typeof backend === "object") found.push({ address: "terraform.backend.s3", path: stack.name, config: backend as Json });
  for (const node of stack.dataSources("terraform_remote_state")) {
    if (node.config.backend !== "s3") continue;
    // cdktf writes no construct path for remote-state blocks: report them on the stack.
    found.push({ address: node.address, path: node.path === node.address ? stack.name : node.path, config: (node.config.config ?? {}) as Json });
  }
  return found;
}

/** The state-encryption rule (in the encryption family). */
export const stateEncryptionRule: Rule = {
  id: "CDN-ENC-008",
  title: "Terraform state in S3 is encrypted with a customer-managed key",
  severity: "high",
  category: "encryption",
  resourceTypes: ["terraform.backend.s3", "terraform_remote_state"],
  checks: "The stack's S3 backend and every terraform_remote_state with backend s3 set encrypt = true and kms_key_id to a customer-managed key (a key or alias ARN, id or alias; not alias/aws/s3).",
  rationale:
    "With encrypt = true and no kms_key_id the backend sends x-amz-server-side-encryption: AES256 on every write, overriding the bucket's KMS default: the state (which holds generated passwords and every resource's attributes) ends up under an AWS-owned key, outside the state key's policy and audit trail.",
  fix: "Set kms_key_id to the state key (src/lib/stack-base.ts names its alias ARN) in the backend; cdktf copies it into every remote-state block that reads the stack.",
  check: (stack) =>
    s3StateBlocks(stack).flatMap(({ address, path, config }) => {
      const problems: string[] = [];
      if (!isTrue(config.encrypt)) problems.push("encrypt is not true (kms_key_id is only used when encrypt = true)");
      const key = config.kms_key_id;
      if (typeof key !== "string" || key === "") {
        problems.push(
          address === "terraform.backend.s3"
            ? "kms_key_id is not set, so every write asks S3 for SSE-S3 (AES256) and overrides the bucket's KMS default"
            : "kms_key_id is not set: the block does not carry the backend settings of the stack it reads (cdktf copies them), so that stack's backend most likely lacks the key too",
        );
      }
      else if (/(^|:)alias\/aws\//.test(key)) problems.push(`kms_key_id ${key} is an AWS-managed key`);
      return problems.map((message) => ({ path, address, message }));
    }),
};
