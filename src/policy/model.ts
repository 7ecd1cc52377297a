/**
 * A read-only index over one stack's synthesized Terraform JSON: resources by type and address, their
 * construct paths, reference resolution (`${aws_s3_bucket.x.id}` or a literal name) and reverse
 * lookups (which companions point at a resource), effective tags and the environment.
 *
 * Every index is built once per stack and cached, so relationship rules stay linear in stack size.
 */
import type { StackDocument, TfJson } from "./types";

/** A plain JSON object. */
export type Json = Record<string, unknown>;

/** One resource or data source of the stack. */
export interface ResourceNode {
  /** `managed` for `resource`, `data` for `data`. */
  readonly mode: "managed" | "data";
  /** Terraform type, e.g. `aws_s3_bucket`. */
  readonly type: string;
  /** Logical name in the JSON. */
  readonly name: string;
  /** Terraform address: `aws_s3_bucket.name` or `data.aws_iam_policy_document.name`. */
  readonly address: string;
  /** Construct path from cdktf's metadata, or the address when absent. */
  readonly path: string;
  /** The resource's configuration as Terraform reads it. */
  readonly config: Json;
}

/** A parsed whole-value reference like `${aws_kms_key.k.arn}`. */
export interface Reference {
  /** `managed` or `data`. */
  readonly mode: "managed" | "data";
  /** Referenced type. */
  readonly type: string;
  /** Referenced logical name. */
  readonly name: string;
  /** Referenced attribute (first segment after the name). */
  readonly attribute: string;
}

const REFERENCE = /^\$\{(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.([A-Za-z0-9_]+)[^}]*\}$/;

/** Parses a value that is exactly one resource/data reference; anything else gives undefined. */
export function parseReference(value: unknown): Reference | undefined {
  if (typeof value !== "string") return undefined;
  const m = REFERENCE.exec(value);
  if (!m) return undefined;
  if (!m[1] && (m[2] === "var" || m[2] === "local" || m[2] === "module" || m[2] === "each" || m[2] === "count")) return undefined;
  return { mode: m[1] ? "data" : "managed", type: m[2], name: m[3], attribute: m[4] };
}

/** True when a string holds a Terraform expression (its value is only known to Terraform). */
export function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

/** Nested blocks come out of cdktf as an object or a list of objects: always a list here. */
export function blocks(value: unknown): Json[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is Json => typeof v === "object" && v !== null && !Array.isArray(v));
}

/** A list attribute as a list of values (a scalar becomes a one-element list, null an empty one). */
export function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Strings of a list attribute. */
export function strings(value: unknown): string[] {
  return list(value).filter((v): v is string => typeof v === "string");
}

/** Terraform booleans may be written as true or "true". */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

/** Terraform booleans may be written as false or "false". */
export function isFalse(value: unknown): boolean {
  return value === false || value === "false";
}

/** A number attribute (numbers may be written as strings). */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

/** Effective tags of a resource: provider default tags merged with its own. */
export interface EffectiveTags {
  /** Known tag values. */
  readonly tags: Readonly<Record<string, string>>;
  /** True when some tags come from an expression the pack cannot read. */
  readonly opaque: boolean;
}

/**
 * Every stack evaluated together, for rules that look across stacks (a node group and the autoscaler of
 * its in-cluster stack, a key policy and the stack that creates the role it names).
 */
export class AppModel {
  /** Every stack, in evaluation order. */
  readonly stacks: readonly StackModel[];
  private readonly byName = new Map<string, StackModel>();
  private readonly direct = new Map<string, readonly string[]>();
  private readonly closure = new Map<string, ReadonlySet<string>>();

  constructor(docs: readonly StackDocument[]) {
    this.stacks = docs.map((d) => new StackModel(d, this));
    for (const [i, d] of docs.entries()) {
      this.byName.set(d.name, this.stacks[i]);
      this.direct.set(d.name, d.dependencies ?? []);
    }
  }

  /** A stack by name. */
  stack(name: string): StackModel | undefined {
    return this.byName.get(name);
  }

  /** Every stack `name` depends on, directly or through others (they are deployed before it). */
  dependenciesOf(name: string): ReadonlySet<string> {
    let found = this.closure.get(name);
    if (!found) {
      const seen = new Set<string>();
      const queue = [...(this.direct.get(name) ?? [])];
      while (queue.length > 0) {
        const next = queue.shift()!;
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(...(this.direct.get(next) ?? []));
      }
      found = seen;
      this.closure.set(name, found);
    }
    return found;
  }
}

/** The index of one stack. */
export class StackModel {
  /** Stack name. */
  readonly name: string;
  /** The document. */
  readonly json: TfJson;
  /** The other stacks evaluated with this one (a stack evaluated alone is its own app). */
  readonly app: AppModel;
  private readonly nodes: ResourceNode[] = [];
  private readonly byType = new Map<string, ResourceNode[]>();
  private readonly byAddress = new Map<string, ResourceNode>();
  private readonly literalIndexes = new Map<string, Map<string, ResourceNode>>();
  private readonly reverseIndexes = new Map<string, Map<string, ResourceNode[]>>();

  constructor(doc: StackDocument, app?: AppModel) {
    this.name = doc.name;
    this.json = doc.json;
    this.app = app ?? new AppModel([]);
    for (const mode of ["managed", "data"] as const) {
      const section = mode === "managed" ? doc.json.resource : doc.json.data;
      for (const [type, byName] of Object.entries(section ?? {})) {
        for (const [name, config] of Object.entries(byName ?? {})) {
          const meta = (config?.["//"] as Json | undefined)?.metadata as Json | undefined;
          const address = mode === "managed" ? `${type}.${name}` : `data.${type}.${name}`;
          const node: ResourceNode = { mode, type, name, address, path: typeof meta?.path === "string" ? meta.path : address, config: config ?? {} };
          this.nodes.push(node);
          this.byAddress.set(address, node);
          if (mode === "managed") {
            const bucket = this.byType.get(type) ?? [];
            bucket.push(node);
            this.byType.set(type, bucket);
          }
        }
      }
    }
  }

  /**
   * The roles that plan and apply this stack, as recorded by `declareTerraformPrincipals`
   * (`//.cdn_policy.terraform_principals`); empty when the stack records none.
   */
  terraformPrincipals(): string[] {
    const meta = (this.json["//"] as Json | undefined)?.cdn_policy as Json | undefined;
    return strings(meta?.terraform_principals);
  }

  /** The default (unaliased) AWS provider's region and allowed account ids, when literal. */
  awsTarget(): { region?: string; accounts: readonly string[] } {
    const aws = (this.json.provider?.aws ?? []).find((c) => c.alias === undefined || c.alias === null);
    const region = typeof aws?.region === "string" && !isExpression(aws.region) ? aws.region : undefined;
    return { region, accounts: strings(aws?.allowed_account_ids) };
  }

  /** Managed resources of one or more types, in document order. */
  resources(...types: string[]): ResourceNode[] {
    if (types.length === 1) return this.byType.get(types[0]) ?? [];
    return types.flatMap((t) => this.byType.get(t) ?? []);
  }

  /** Every managed resource and data source. */
  all(): readonly ResourceNode[] {
    return this.nodes;
  }

  /** Data sources of one type. */
  dataSources(type: string): ResourceNode[] {
    return this.nodes.filter((n) => n.mode === "data" && n.type === type);
  }

  /** The resource or data source a reference points at, if it is in this stack. */
  target(ref: Reference | undefined): ResourceNode | undefined {
    if (!ref) return undefined;
    return this.byAddress.get(ref.mode === "managed" ? `${ref.type}.${ref.name}` : `data.${ref.type}.${ref.name}`);
  }

  /**
   * Resolves an attribute value to a resource of one of `types`: either a reference to it, or a literal
   * equal to one of its `literalAttrs` (e.g. a bucket name or a parameter group name).
   */
  resolve(value: unknown, types: readonly string[], literalAttrs: readonly string[] = ["name"]): ResourceNode | undefined {
    const ref = parseReference(value);
    if (ref) {
      const node = this.target(ref);
      return node && types.includes(node.type) ? node : undefined;
    }
    if (typeof value !== "string" || isExpression(value)) return undefined;
    for (const type of types) {
      const hit = this.literalIndex(type, literalAttrs).get(value);
      if (hit) return hit;
    }
    return undefined;
  }

  /**
   * Resources of `fromType` whose `attribute` resolves to `target` (a reference or a literal name).
   * The reverse index is built once per (fromType, attribute, target type).
   */
  referencing(fromType: string, attribute: string, target: ResourceNode, literalAttrs: readonly string[] = ["name"]): ResourceNode[] {
    const key = `${fromType}|${attribute}|${target.type}|${literalAttrs.join(",")}`;
    let index = this.reverseIndexes.get(key);
    if (!index) {
      index = new Map();
      for (const node of this.resources(fromType)) {
        for (const value of list(node.config[attribute])) {
          const hit = this.resolve(value, [target.type], literalAttrs);
          if (!hit) continue;
          const bucket = index.get(hit.address) ?? [];
          bucket.push(node);
          index.set(hit.address, bucket);
        }
      }
      this.reverseIndexes.set(key, index);
    }
    return index.get(target.address) ?? [];
  }

  /** The provider configuration a resource uses (`provider = "aws.alias"` or the default one). */
  providerOf(node: ResourceNode): Json | undefined {
    const explicit = typeof node.config.provider === "string" ? node.config.provider : undefined;
    const [providerName, alias] = explicit ? explicit.split(".") : [node.type.split("_")[0], undefined];
    const configs = this.json.provider?.[providerName] ?? [];
    return configs.find((c) => (alias ? c.alias === alias : c.alias === undefined || c.alias === null));
  }

  /** Provider default tags merged with the resource's own `tags`. */
  effectiveTags(node: ResourceNode): EffectiveTags {
    const merged: Record<string, string> = {};
    let opaque = false;
    const add = (tags: unknown) => {
      if (tags === undefined || tags === null) return;
      if (typeof tags !== "object" || Array.isArray(tags)) {
        opaque = true;
        return;
      }
      for (const [k, v] of Object.entries(tags as Json)) {
        if (typeof v === "string") merged[k] = v;
        else if (v !== null && v !== undefined) opaque = true;
      }
    };
    for (const block of blocks(this.providerOf(node)?.default_tags)) add(block.tags);
    add(node.config.tags);
    return { tags: merged, opaque };
  }

  /**
   * The environment a resource belongs to: its `Environment` tag (own, else the provider's default tags),
   * lower-cased; undefined when unknown (rules then apply their strictest, production, form).
   */
  environment(node: ResourceNode): string | undefined {
    const value = this.effectiveTags(node).tags.Environment;
    return value && !isExpression(value) ? value.toLowerCase() : undefined;
  }

  private literalIndex(type: string, attrs: readonly string[]): Map<string, ResourceNode> {
    const key = `${type}|${attrs.join(",")}`;
    let index = this.literalIndexes.get(key);
    if (!index) {
      index = new Map();
      for (const node of this.resources(type)) {
        for (const attr of attrs) {
          const v = node.config[attr];
          if (typeof v === "string" && !isExpression(v) && !index.has(v)) index.set(v, node);
        }
      }
      this.literalIndexes.set(key, index);
    }
    return index;
  }
}

/** Environments where production-grade resilience is required. */
export function isStagingOrProd(env: string | undefined): boolean {
  return env === undefined || env === "staging" || env === "prod" || env === "production";
}

/** Production (or unknown, which is treated as production). */
export function isProd(env: string | undefined): boolean {
  return env === undefined || env === "prod" || env === "production";
}
