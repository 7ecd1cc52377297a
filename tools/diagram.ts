/**
 * The architecture diagram, derived from synthesized stacks (never drawn by hand): one box per stack
 * (in-cluster `<stack>-k8s` stacks nested in their plane), VPCs with their subnet tiers (AZ count and
 * CIDRs), NAT and gateways, EKS clusters with node groups and add-ons, databases (writer and readable
 * standbys, or instances and replicas), S3 buckets, Route 53 zones, peering links between VPCs,
 * in-cluster Helm releases, and a per-stack count of every other resource type. Everything is found
 * by resource type and references in the JSON, so the diagram grows as constructs land.
 *
 * The output is Graphviz DOT with a stable order and no timestamps; {@link renderSvg} lays it out with
 * the WASM Graphviz of `@viz-js/viz` (no system packages).
 */
import { constructPathOf, regionOf, type SynthOutput, type TfDocument } from "../src/app/synth-output";

type Config = Record<string, unknown>;

/** A resource of one stack. */
interface Res {
  readonly stack: string;
  readonly type: string;
  readonly name: string;
  readonly config: Config;
}

const key = (stack: string, type: string, name: string) => `${stack}|${type}.${name}`;

/** Every string inside a value, depth first. */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) if (k !== "//") stringsIn(v, out);
  }
  return out;
}

/** Reference resolution across the stacks of one output (same-stack references and cross-stack outputs). */
class Index {
  readonly resources = new Map<string, Res>();
  readonly data = new Map<string, Res>();

  constructor(readonly output: SynthOutput) {
    for (const [stack, doc] of output.stacks) {
      for (const [type, byName] of Object.entries(doc.resource ?? {})) {
        for (const [name, config] of Object.entries(byName)) this.resources.set(key(stack, type, name), { stack, type, name, config });
      }
      for (const [type, byName] of Object.entries(doc.data ?? {})) {
        for (const [name, config] of Object.entries(byName)) this.data.set(key(stack, type, name), { stack, type, name, config });
      }
    }
  }

  /** Resources referenced from `value` in `stack`, following cross-stack outputs of its dependencies. */
  refs(stack: string, value: unknown, depth = 0): Res[] {
    const found: Res[] = [];
    for (const s of stringsIn(value)) {
      if (!s.includes("${")) continue;
      for (const m of s.matchAll(/data\.terraform_remote_state\.[A-Za-z0-9_-]+\.outputs\.([A-Za-z0-9_-]+)/g)) {
        if (depth > 2) continue;
        for (const dep of this.output.manifest.get(stack)?.dependencies ?? []) {
          const out = (this.output.stacks.get(dep)?.output as Record<string, { value?: unknown }> | undefined)?.[m[1]];
          if (out) found.push(...this.refs(dep, out.value, depth + 1));
        }
      }
      for (const m of s.matchAll(/(?<![.\w])([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g)) {
        const r = this.resources.get(key(stack, m[1], m[2]));
        if (r) found.push(r);
      }
    }
    return [...new Map(found.map((r) => [key(r.stack, r.type, r.name), r])).values()];
  }

  /** The first resource of `type` reachable from `from` through references (breadth first, bounded). */
  reach(from: Res, type: string, maxDepth = 4): Res | undefined {
    let frontier = [from];
    const seen = new Set([key(from.stack, from.type, from.name)]);
    for (let d = 0; d < maxDepth && frontier.length; d++) {
      const next: Res[] = [];
      for (const r of frontier) {
        for (const ref of this.refs(r.stack, r.config)) {
          const k = key(ref.stack, ref.type, ref.name);
          if (seen.has(k)) continue;
          if (ref.type === type) return ref;
          seen.add(k);
          next.push(ref);
        }
      }
      frontier = next.sort((a, b) => key(a.stack, a.type, a.name).localeCompare(key(b.stack, b.type, b.name)));
    }
    return undefined;
  }

  ofType(stack: string, type: string): Res[] {
    return [...this.resources.values()].filter((r) => r.stack === stack && r.type === type).sort((a, b) => a.name.localeCompare(b.name));
  }
}

const str = (v: unknown): string | undefined => (typeof v === "string" && !v.includes("${") ? v : typeof v === "number" ? String(v) : undefined);
const tagName = (c: Config): string | undefined => str((c.tags as Config | undefined)?.Name);
const firstObject = (v: unknown): Config | undefined => (Array.isArray(v) ? (v[0] as Config | undefined) : (v as Config | undefined));

function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** Short lists: `a, b, c` or `a, b, +3 more`. */
function brief(items: readonly string[], max = 3): string {
  return items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")}, +${items.length - max} more`;
}

/** Which tier a subnet belongs to: its `Tier` tag, else a word in its name, else `subnets`. */
function tierOf(r: Res): string {
  const tags = (r.config.tags as Config | undefined) ?? {};
  const tier = str(tags.Tier) ?? str(tags.tier);
  if (tier) return tier;
  const text = `${tagName(r.config) ?? ""} ${constructPathOf(r.config) ?? ""} ${r.name}`.toLowerCase();
  for (const t of ["public", "private", "database", "isolated", "intra"]) if (text.includes(t)) return t;
  return r.config.map_public_ip_on_launch === true ? "public" : "subnets";
}

const TIER_ORDER = ["public", "private", "database", "isolated", "intra", "subnets"];

/** Resource types drawn as their own nodes; every other type is counted in the stack's summary. */
const DRAWN = new Set([
  "aws_vpc",
  "aws_subnet",
  "aws_nat_gateway",
  "aws_internet_gateway",
  "aws_vpc_endpoint",
  "aws_eks_cluster",
  "aws_eks_node_group",
  "aws_eks_addon",
  "aws_rds_cluster",
  "aws_rds_cluster_instance",
  "aws_db_instance",
  "aws_s3_bucket",
  "aws_vpc_peering_connection",
  "aws_route53_zone",
  "helm_release",
]);

/** Options of {@link buildDot}. */
export interface DiagramOptions {
  /** Only stacks of this environment (their name starts with `<env>-`). All stacks when omitted. */
  readonly environment?: string;
  /** Title line. */
  readonly title?: string;
}

/** Builds the DOT source of the architecture diagram (deterministic). */
export function buildDot(output: SynthOutput, options: DiagramOptions = {}): string {
  const index = new Index(output);
  const stacks = [...output.stacks.keys()].filter((s) => !options.environment || s.startsWith(`${options.environment}-`)).sort();
  const selected = new Set(stacks);
  // A stack named `<other>-<suffix>` that depends on `<other>` is drawn inside it (the in-cluster stacks).
  const parentOf = new Map<string, string>();
  for (const s of stacks) {
    const candidates = (output.manifest.get(s)?.dependencies ?? []).filter((d) => selected.has(d) && s.startsWith(`${d}-`));
    if (candidates.length) parentOf.set(s, candidates.sort((a, b) => b.length - a.length)[0]);
  }
  const id = (r: Res) => quote(key(r.stack, r.type, r.name));
  const lines: string[] = [];
  const edges: string[] = [];
  const emit = (indent: number, text: string) => lines.push(`${"  ".repeat(indent)}${text}`);
  const node = (indent: number, nodeId: string, label: string, attrs: string) => emit(indent, `${nodeId} [label=${quote(label)}, ${attrs}];`);

  const title = options.title ?? `Architecture${options.environment ? `: ${options.environment}` : ""}`;
  emit(0, "digraph architecture {");
  emit(1, `graph [label=${quote(`${title}\n(generated from the synthesized stacks by npm run diagram)`)}, labelloc=t, fontname="Helvetica", fontsize=18, rankdir=TB, compound=true, newrank=true, nodesep=0.3, ranksep=0.45];`);
  emit(1, 'node [fontname="Helvetica", fontsize=11, shape=box, style="rounded,filled", fillcolor="#ffffff", color="#555555"];');
  emit(1, 'edge [fontname="Helvetica", fontsize=10, color="#555555"];');

  const drawStack = (stack: string, indent: number) => {
    const doc = output.stacks.get(stack) as TfDocument;
    const region = regionOf(doc);
    const deps = output.manifest.get(stack)?.dependencies ?? [];
    emit(indent, `subgraph ${quote(`cluster_stack_${stack}`)} {`);
    const inner = indent + 1;
    emit(inner, `label=${quote(`${stack}${region ? ` (${region})` : ""}${deps.length ? `\nafter ${deps.join(", ")}` : ""}`)}; style="rounded,filled"; fillcolor="${parentOf.has(stack) ? "#eef6ee" : "#f4f6fa"}"; color="#8899aa"; fontsize=14;`);
    let drewSomething = false;

    // VPCs and what lives in them.
    const inVpc = new Map<string, Res[]>();
    const vpcOf = (r: Res) => (r.type === "aws_vpc" ? r : index.reach(r, "aws_vpc"));
    for (const type of ["aws_subnet", "aws_nat_gateway", "aws_internet_gateway", "aws_vpc_endpoint", "aws_eks_cluster", "aws_rds_cluster", "aws_db_instance"]) {
      for (const r of index.ofType(stack, type)) {
        const vpc = vpcOf(r);
        if (vpc && vpc.stack === stack) inVpc.set(vpc.name, [...(inVpc.get(vpc.name) ?? []), r]);
      }
    }
    for (const vpc of index.ofType(stack, "aws_vpc")) {
      drewSomething = true;
      const members = inVpc.get(vpc.name) ?? [];
      emit(inner, `subgraph ${quote(`cluster_vpc_${stack}_${vpc.name}`)} {`);
      emit(inner + 1, `label=${quote(`VPC ${tagName(vpc.config) ?? vpc.name}\n${str(vpc.config.cidr_block) ?? ""}`)}; style="rounded,dashed"; color="#3366aa"; fillcolor="#ffffff";`);
      node(inner + 1, id(vpc), "VPC", "shape=point, width=0.05, style=invis");
      // Subnet tiers: one node per tier with its AZ count and CIDRs.
      const subnets = members.filter((m) => m.type === "aws_subnet");
      const rank = (t: string) => (TIER_ORDER.includes(t) ? TIER_ORDER.indexOf(t) : TIER_ORDER.length);
      const tiers = [...new Set(subnets.map(tierOf))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
      const tierIds = new Map<string, string>();
      for (const tier of tiers) {
        const own = subnets.filter((s) => tierOf(s) === tier);
        const azs = new Set(own.map((s) => str(s.config.availability_zone) ?? "?"));
        const rows = own
          .map((s) => `${str(s.config.availability_zone) ?? "?"}  ${str(s.config.cidr_block) ?? "?"}`)
          .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
        const tierId = quote(`${stack}|tier|${vpc.name}|${tier}`);
        tierIds.set(tier, tierId);
        node(inner + 1, tierId, `${tier} subnets (${azs.size} AZs)\n${rows.join("\n")}`, 'fillcolor="#e8f0fb"');
      }
      // Tiers top to bottom, in TIER_ORDER.
      for (let t = 1; t < tiers.length; t++) edges.push(`${tierIds.get(tiers[t - 1])} -> ${tierIds.get(tiers[t])} [style=invis];`);
      const beside = (tier: string | undefined, nodeId: string) => {
        const tierId = tier ? tierIds.get(tier) : undefined;
        if (tierId) emit(inner + 1, `{ rank=same; ${tierId}; ${nodeId}; }`);
      };
      const nats = members.filter((m) => m.type === "aws_nat_gateway");
      const igws = members.filter((m) => m.type === "aws_internet_gateway");
      const endpoints = members.filter((m) => m.type === "aws_vpc_endpoint");
      const gatewayParts = [
        igws.length ? "internet gateway" : "",
        nats.length ? `NAT gateways x${nats.length}` : "",
        ...endpoints.map((e) => `${str(e.config.vpc_endpoint_type) ?? "VPC"} endpoint ${(str(e.config.service_name) ?? "").split(".").pop()}`),
      ].filter(Boolean);
      if (gatewayParts.length) {
        const gwId = quote(`${stack}|gateways|${vpc.name}`);
        node(inner + 1, gwId, gatewayParts.join("\n"), 'shape=box, style="filled", fillcolor="#fff6e0"');
        beside(tiers.includes("public") ? "public" : tiers[0], gwId);
      }
      // EKS clusters with node groups and add-ons.
      for (const cluster of members.filter((m) => m.type === "aws_eks_cluster")) {
        const name = str(cluster.config.name) ?? cluster.name;
        const groups = [...index.resources.values()]
          .filter((g) => g.type === "aws_eks_node_group" && index.refs(g.stack, g.config.cluster_name).some((c) => c === cluster))
          .sort((a, b) => a.name.localeCompare(b.name));
        const addons = [...index.resources.values()]
          .filter((a) => a.type === "aws_eks_addon" && index.refs(a.stack, a.config.cluster_name).some((c) => c === cluster))
          .map((a) => str(a.config.addon_name) ?? a.name)
          .sort();
        const version = str(cluster.config.version);
        node(inner + 1, id(cluster), `EKS ${name}${version ? ` (Kubernetes ${version})` : ""}${addons.length ? `\nadd-ons: ${brief(addons, 4)}` : ""}`, 'shape=box3d, style="filled", fillcolor="#dff2e1"');
        for (const g of groups) {
          const scaling = firstObject(g.config.scaling_config) ?? {};
          const types = Array.isArray(g.config.instance_types) ? (g.config.instance_types as unknown[]).map(String) : [];
          node(
            inner + 1,
            id(g),
            `node group ${str(g.config.node_group_name) ?? g.name}\n${types.join(" / ")}${scaling.min_size !== undefined ? `\n${String(scaling.min_size)}-${String(scaling.max_size)} nodes` : ""}`,
            'fillcolor="#f0faf0"',
          );
          edges.push(`${id(cluster)} -> ${id(g)} [arrowhead=none];`);
        }
        beside(tiers.includes("private") ? "private" : undefined, id(cluster));
      }
      // Databases.
      for (const db of members.filter((m) => m.type === "aws_rds_cluster")) {
        const instances = index.ofType(stack, "aws_rds_cluster_instance").filter((i) => index.refs(stack, i.config.cluster_identifier).includes(db));
        const azs = Array.isArray(db.config.availability_zones) ? (db.config.availability_zones as string[]) : [];
        const engine = `${str(db.config.engine) ?? "database"}${str(db.config.engine_version) ? ` ${str(db.config.engine_version)}` : ""}`;
        const shape =
          instances.length > 0
            ? `${instances.length} instance(s): ${brief(instances.map((i) => str(i.config.identifier) ?? i.name))}`
            : str(db.config.db_cluster_instance_class)
              ? `Multi-AZ DB cluster (${str(db.config.db_cluster_instance_class)}): writer + ${Math.max(azs.length - 1, 0)} readable standbys${azs.length ? `\n${azs.join(", ")}` : ""}`
              : "cluster";
        const dbName = str(db.config.database_name);
        node(inner + 1, id(db), `${engine} ${str(db.config.cluster_identifier) ?? db.name}${dbName ? `\ndatabase ${dbName}` : ""}\n${shape}`, 'shape=cylinder, style="filled", fillcolor="#fdeaea"');
        beside(tiers.includes("database") ? "database" : tiers.includes("isolated") ? "isolated" : undefined, id(db));
      }
      for (const db of members.filter((m) => m.type === "aws_db_instance")) {
        const engine = `${str(db.config.engine) ?? ""}${str(db.config.engine_version) ? ` ${str(db.config.engine_version)}` : ""}`.trim();
        node(inner + 1, id(db), `${engine || "DB instance"} ${str(db.config.identifier) ?? db.name}${db.config.multi_az === true ? "\nMulti-AZ" : ""}`, 'shape=cylinder, style="filled", fillcolor="#fdeaea"');
        for (const src of index.refs(stack, db.config.replicate_source_db)) edges.push(`${id(src)} -> ${id(db)} [label="replica", style=dashed];`);
      }
      emit(inner, "}");
    }

    // Outside any VPC: buckets, zones, Helm releases.
    for (const b of index.ofType(stack, "aws_s3_bucket")) {
      drewSomething = true;
      node(inner, id(b), `S3 ${str(b.config.bucket) ?? b.name}`, 'shape=folder, style="filled", fillcolor="#fff6e0"');
    }
    for (const z of index.ofType(stack, "aws_route53_zone")) {
      drewSomething = true;
      node(inner, id(z), `Route 53 zone ${str(z.config.name) ?? z.name}${z.config.vpc ? " (private)" : ""}`, 'shape=note, style="filled", fillcolor="#f3ecfb"');
    }
    const releases = index.ofType(stack, "helm_release");
    for (const h of releases) {
      drewSomething = true;
      const chart = str(h.config.chart) ?? h.name;
      const version = str(h.config.version);
      const ns = str(h.config.namespace);
      node(inner, id(h), `helm ${str(h.config.name) ?? h.name}\n${chart}${version ? ` ${version}` : ""}${ns ? `\nnamespace ${ns}` : ""}`, 'shape=component, style="filled", fillcolor="#eaf7f7"');
    }
    // An in-cluster stack points at the cluster it deploys into (looked up by name).
    for (const [type, byName] of Object.entries(doc.data ?? {})) {
      if (type !== "aws_eks_cluster") continue;
      for (const config of Object.values(byName)) {
        const name = str(config.name);
        const cluster = [...index.resources.values()].find((r) => r.type === "aws_eks_cluster" && selected.has(r.stack) && str(r.config.name) === name);
        const target = releases[0];
        if (cluster && target) edges.push(`${id(target)} -> ${id(cluster)} [ltail=${quote(`cluster_stack_${stack}`)}, label="deploys into", style=dashed, color="#2e8b57"];`);
      }
    }

    // Everything else, counted by type.
    const others = new Map<string, number>();
    for (const [type, byName] of Object.entries(doc.resource ?? {})) {
      if (DRAWN.has(type)) continue;
      others.set(type, (others.get(type) ?? 0) + Object.keys(byName).length);
    }
    if (others.size) {
      const rows = [...others].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      const total = rows.reduce((n, [, c]) => n + c, 0);
      const shown = rows.slice(0, 8).map(([t, c]) => `${t} x${c}`);
      if (rows.length > 8) shown.push(`+${rows.length - 8} more types`);
      node(inner, quote(`${stack}|others`), `${drewSomething ? "also " : ""}${total} resources:\n${shown.join("\n")}`, 'shape=note, style="filled", fillcolor="#f7f7f7", fontsize=9');
    }
    for (const child of stacks.filter((s) => parentOf.get(s) === stack)) drawStack(child, inner);
    emit(indent, "}");
  };
  for (const s of stacks.filter((s) => !parentOf.has(s))) drawStack(s, 1);

  // Peering between VPCs (possibly across stacks).
  for (const stack of stacks) {
    for (const p of index.ofType(stack, "aws_vpc_peering_connection")) {
      const from = index.refs(stack, p.config.vpc_id).find((r) => r.type === "aws_vpc");
      let to = index.refs(stack, p.config.peer_vpc_id).find((r) => r.type === "aws_vpc");
      if (!to) {
        // Routes through this peering name the peer's CIDR.
        const routes = [...index.resources.values()].filter((r) => r.type === "aws_route" && index.refs(r.stack, r.config.vpc_peering_connection_id).includes(p));
        const cidrs = new Set(routes.map((r) => str(r.config.destination_cidr_block)).filter(Boolean));
        to = [...index.resources.values()].find((v) => v.type === "aws_vpc" && v !== from && selected.has(v.stack) && cidrs.has(str(v.config.cidr_block)));
      }
      if (!to && str(p.config.peer_region)) {
        const deps = output.manifest.get(stack)?.dependencies ?? [];
        to = deps.flatMap((d) => index.ofType(d, "aws_vpc")).find((v) => regionOf(output.stacks.get(v.stack)!) === str(p.config.peer_region));
      }
      if (from && to) {
        edges.push(`${id(from)} -> ${id(to)} [ltail=${quote(`cluster_vpc_${from.stack}_${from.name}`)}, lhead=${quote(`cluster_vpc_${to.stack}_${to.name}`)}, dir=both, label="VPC peering", color="#3366aa", penwidth=2];`);
      }
    }
  }
  for (const e of [...new Set(edges)]) emit(1, e);
  emit(0, "}");
  return `${lines.join("\n")}\n`;
}

/** Renders DOT to SVG with the WASM Graphviz (deterministic for the same input and package version). */
export async function renderSvg(dot: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { instance } = require("@viz-js/viz") as typeof import("@viz-js/viz");
  const viz = await instance();
  return viz.renderString(dot, { format: "svg", engine: "dot" });
}
