/**
 * The architecture diagram, derived from synthesized stacks (never drawn by hand): one box per stack,
 * that is per Terraform state (labelled with its region, state location and order), VPCs with their
 * subnet tiers (AZ count and CIDRs), NAT and gateways, EKS clusters with node groups and add-ons,
 * databases (writer and readable standbys, or instances and replicas), S3 buckets, Route 53 zones,
 * peering links between VPCs, in-cluster Helm releases, and a per-stack count of every other resource
 * type. Everything is found by resource type and references in the JSON, so the diagram grows as
 * constructs land.
 *
 * Layout, for a laptop screen: one row per stack (stacks stacked, not side by side), in dependency
 * order, an in-cluster `<stack>-<suffix>` stack right below the stack whose cluster it deploys into;
 * inside a VPC, the subnet tiers top to bottom with what runs in each to their right. Peerings are
 * noted in both VPCs.
 *
 * The output is Graphviz DOT with a stable order and no timestamps; {@link renderSvg} lays it out with
 * the WASM Graphviz of `@viz-js/viz` (no system packages) and embeds the font (tools/diagram-font.ts).
 */
import { backendOf, constructPathOf, dependencyLevels, regionOf, type SynthOutput, type TfDocument } from "../src/app/synth-output";
import { DIAGRAM_FONT_FAMILY, DIAGRAM_FONT_STACK, subsetFont } from "./diagram-font";

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

/** A label whose lines are each left-justified (DOT's `\l` line ends). */
function quoteLeft(lines: readonly string[]): string {
  return `"${lines.map((l) => `${l.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}\\l`).join("")}"`;
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

/** Font sizes (points): readable at 100% on a laptop screen. */
const FONT = { title: 16, stack: 13, vpc: 12, node: 11, note: 10 } as const;

/** Where a stack keeps its Terraform state, for its box label. */
function stateOf(doc: TfDocument): string {
  const backend = backendOf(doc);
  const config = (doc.terraform?.backend?.[backend] ?? {}) as Record<string, unknown>;
  const file = (path: unknown) => (typeof path === "string" ? path.split("/").pop() : undefined);
  if (backend === "s3") return `Terraform state: S3, ${file(config.key) ?? "(key not set)"}`;
  if (backend === "local") return `Terraform state: local file ${file(config.path) ?? "terraform.tfstate"}`;
  return `Terraform state: ${backend}`;
}

/** Splits a comma-separated list into lines of at most `perLine` items. */
function wrapList(prefix: string, items: readonly string[], perLine = 2): string[] {
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(`${i === 0 ? prefix : "  "}${items.slice(i, i + perLine).join(", ")}${i + perLine < items.length ? "," : ""}`);
  return lines;
}

/** Builds the DOT source of the architecture diagram (deterministic). */
export function buildDot(output: SynthOutput, options: DiagramOptions = {}): string {
  const index = new Index(output);
  const stacks = [...output.stacks.keys()].filter((s) => !options.environment || s.startsWith(`${options.environment}-`)).sort();
  const selected = new Set(stacks);
  // A stack named `<other>-<suffix>` that depends on `<other>` is drawn beside it (the in-cluster stacks).
  const parentOf = new Map<string, string>();
  for (const s of stacks) {
    const candidates = (output.manifest.get(s)?.dependencies ?? []).filter((d) => selected.has(d) && s.startsWith(`${d}-`));
    if (candidates.length) parentOf.set(s, candidates.sort((a, b) => b.length - a.length)[0]);
  }
  const id = (r: Res) => quote(key(r.stack, r.type, r.name));
  const lines: string[] = [];
  const edges: string[] = [];
  const emit = (indent: number, text: string) => lines.push(`${"  ".repeat(indent)}${text}`);
  const node = (indent: number, _stack: string, nodeId: string, label: string, attrs: string) => {
    emit(indent, `${nodeId} [label=${quote(label)}, ${attrs}];`);
  };
  const below = (upper: string, lower: string) => edges.push(`${upper} -> ${lower} [style=invis];`);

  const title = options.title ?? `Architecture${options.environment ? `: ${options.environment}` : ""}`;
  const font = `fontname=${quote(DIAGRAM_FONT_FAMILY)}`;

  // Peering between VPCs (possibly across stacks): noted in both VPCs (stacks are drawn in separate rows).
  const peers = new Map<string, Res[]>(); // VPC key -> the VPCs it is peered with
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
        const add = (a: Res, b: Res) => peers.set(key(a.stack, a.type, a.name), [...(peers.get(key(a.stack, a.type, a.name)) ?? []), b]);
        add(from, to);
        add(to, from);
      }
    }
  }

  const drawStack = (stack: string, indent: number) => {
    const doc = output.stacks.get(stack) as TfDocument;
    const region = regionOf(doc);
    const deps = output.manifest.get(stack)?.dependencies ?? [];
    const child = parentOf.has(stack);
    emit(indent, `subgraph ${quote(`cluster_stack_${stack}`)} {`);
    const inner = indent + 1;
    // An in-cluster stack names the cluster it deploys into (found by the name its data source looks up).
    const targets = Object.entries(doc.data ?? {})
      .filter(([type]) => type === "aws_eks_cluster")
      .flatMap(([, byName]) => Object.values(byName).map((config) => str(config.name)))
      .flatMap((name) => [...index.resources.values()].filter((r) => r.type === "aws_eks_cluster" && selected.has(r.stack) && str(r.config.name) === name))
      .map((c) => `deploys into EKS ${str(c.config.name) ?? c.name} (${c.stack})`);
    const heading = [`${stack}${region ? ` (${region})` : ""}${child ? ": in-cluster" : ""}`, stateOf(doc), ...(deps.length ? [`applied after ${deps.join(", ")}`] : []), ...targets];
    emit(inner, `label=${quoteLeft(heading)}; labeljust=l; style="rounded,filled"; fillcolor="${child ? "#eef6ee" : "#f4f6fa"}"; color="#8899aa"; fontsize=${FONT.stack};`);
    let drewSomething = false;
    const outside: string[] = []; // nodes outside any VPC, drawn below it
    let lastTier: string | undefined;

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
      emit(inner + 1, `label=${quote(`VPC ${tagName(vpc.config) ?? vpc.name}  ${str(vpc.config.cidr_block) ?? ""}`)}; labeljust=l; style="rounded,dashed"; color="#3366aa"; fillcolor="#ffffff"; fontsize=${FONT.vpc};`);
      // Subnet tiers: one node per tier with its AZ count and CIDRs, top to bottom.
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
        node(inner + 1, stack, tierId, `${tier} subnets (${azs.size} AZs)\n${rows.join("\n")}`, 'fillcolor="#e8f0fb"');
      }
      for (let t = 1; t < tiers.length; t++) below(tierIds.get(tiers[t - 1])!, tierIds.get(tiers[t])!);
      lastTier = tiers.length ? tierIds.get(tiers[tiers.length - 1]) : lastTier;
      /** On the tier's row, to the right of the previous node there (the tiers form the left column). */
      const rowEnd = new Map<string, string>();
      const beside = (tier: string | undefined, nodeId: string) => {
        const tierId = tier ? tierIds.get(tier) : undefined;
        if (!tierId) return;
        emit(inner + 1, `{ rank=same; ${tierId}; ${nodeId}; }`);
        edges.push(`${rowEnd.get(tierId) ?? tierId} -> ${nodeId} [style=invis];`);
        rowEnd.set(tierId, nodeId);
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
        node(inner + 1, stack, gwId, gatewayParts.join("\n"), 'shape=box, style="filled", fillcolor="#fff6e0"');
        beside(tiers.includes("public") ? "public" : tiers[0], gwId);
      }
      const peered = [...new Map((peers.get(key(vpc.stack, vpc.type, vpc.name)) ?? []).map((v) => [key(v.stack, v.type, v.name), v])).values()];
      if (peered.length) {
        const peerId = quote(`${stack}|peering|${vpc.name}`);
        const rows = peered.flatMap((v) => [`VPC peering with ${v.stack}`, `${tagName(v.config) ?? v.name}  ${str(v.config.cidr_block) ?? ""}`.trim()]);
        node(inner + 1, stack, peerId, rows.join("\n"), 'shape=box, style="filled,bold", color="#3366aa", fillcolor="#e8f0fb"');
        beside(tiers.includes("public") ? "public" : tiers[0], peerId);
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
        const label = [`EKS ${name}`, ...(version ? [`Kubernetes ${version}`] : []), ...wrapList("add-ons: ", addons)];
        node(inner + 1, stack, id(cluster), label.join("\n"), 'shape=box3d, style="filled", fillcolor="#dff2e1"');
        for (const g of groups) {
          const scaling = firstObject(g.config.scaling_config) ?? {};
          const types = Array.isArray(g.config.instance_types) ? (g.config.instance_types as unknown[]).map(String) : [];
          node(
            inner + 1,
            stack,
            id(g),
            `node group ${str(g.config.node_group_name) ?? g.name}\n${types.join(" / ")}${scaling.min_size !== undefined ? `\n${String(scaling.min_size)}-${String(scaling.max_size)} nodes` : ""}`,
            'fillcolor="#f0faf0"',
          );
          edges.push(`${id(cluster)} -> ${id(g)} [arrowhead=none];`);
        }
        beside(tiers.includes("private") ? "private" : undefined, id(cluster));
        for (const g of groups) beside(tiers.includes("private") ? "private" : undefined, id(g));
      }
      // Databases.
      for (const db of members.filter((m) => m.type === "aws_rds_cluster")) {
        const instances = index.ofType(stack, "aws_rds_cluster_instance").filter((i) => index.refs(stack, i.config.cluster_identifier).includes(db));
        const azs = Array.isArray(db.config.availability_zones) ? (db.config.availability_zones as string[]) : [];
        const engine = `${str(db.config.engine) ?? "database"}${str(db.config.engine_version) ? ` ${str(db.config.engine_version)}` : ""}`;
        const shape =
          instances.length > 0
            ? [`${instances.length} instance(s): ${brief(instances.map((i) => str(i.config.identifier) ?? i.name))}`]
            : str(db.config.db_cluster_instance_class)
              ? [`Multi-AZ DB cluster, ${str(db.config.db_cluster_instance_class)}`, `writer + ${Math.max(azs.length - 1, 0)} readable standbys`, ...(azs.length ? [azs.join(", ")] : [])]
              : ["cluster"];
        const dbName = str(db.config.database_name);
        node(inner + 1, stack, id(db), [`${engine} ${str(db.config.cluster_identifier) ?? db.name}`, ...(dbName ? [`database ${dbName}`] : []), ...shape].join("\n"), 'shape=cylinder, style="filled", fillcolor="#fdeaea"');
        beside(tiers.includes("database") ? "database" : tiers.includes("isolated") ? "isolated" : undefined, id(db));
      }
      for (const db of members.filter((m) => m.type === "aws_db_instance")) {
        const engine = `${str(db.config.engine) ?? ""}${str(db.config.engine_version) ? ` ${str(db.config.engine_version)}` : ""}`.trim();
        node(inner + 1, stack, id(db), `${engine || "DB instance"} ${str(db.config.identifier) ?? db.name}${db.config.multi_az === true ? "\nMulti-AZ" : ""}`, 'shape=cylinder, style="filled", fillcolor="#fdeaea"');
        for (const src of index.refs(stack, db.config.replicate_source_db)) edges.push(`${id(src)} -> ${id(db)} [label="replica", style=dashed, constraint=false];`);
      }
      emit(inner, "}");
    }

    // Outside any VPC: buckets, zones, Helm releases.
    // One node for a stack's buckets, one name per line: a row of buckets would widen the plane.
    const buckets = index.ofType(stack, "aws_s3_bucket");
    if (buckets.length > 0) {
      drewSomething = true;
      const bucketsId = quote(`${stack}|buckets`);
      const names = buckets.map((b) => str(b.config.bucket) ?? b.name);
      node(inner, stack, bucketsId, names.length === 1 ? `S3 ${names[0]}` : `S3 buckets\n${names.join("\n")}`, 'shape=folder, style="filled", fillcolor="#fff6e0"');
      outside.push(bucketsId);
    }
    for (const z of index.ofType(stack, "aws_route53_zone")) {
      drewSomething = true;
      node(inner, stack, id(z), `Route 53 zone ${str(z.config.name) ?? z.name}${z.config.vpc ? " (private)" : ""}`, 'shape=note, style="filled", fillcolor="#f3ecfb"');
      outside.push(id(z));
    }
    const releases = index.ofType(stack, "helm_release");
    for (const h of releases) {
      drewSomething = true;
      const chart = str(h.config.chart) ?? h.name;
      const version = str(h.config.version);
      const ns = str(h.config.namespace);
      node(inner, stack, id(h), `helm ${str(h.config.name) ?? h.name}\n${chart}${version ? ` ${version}` : ""}${ns ? `\nnamespace ${ns}` : ""}`, 'shape=component, style="filled", fillcolor="#eaf7f7"');
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
      const othersId = quote(`${stack}|others`);
      node(inner, stack, othersId, `${drewSomething ? "also " : ""}${total} resources:\n${shown.join("\n")}`, `shape=note, style="filled", fillcolor="#f7f7f7", fontsize=${FONT.note}`);
      outside.push(othersId);
    }
    // What lives outside the VPC sits in one row below it.
    if (lastTier) for (const o of outside) below(lastTier, o);
    emit(indent, "}");
  };

  // One row per stack, each its own graph (stacked by renderSvg): in dependency order, an in-cluster
  // stack right below the stack it deploys into.
  const withChildren = (s: string): string[] => [s, ...stacks.filter((x) => parentOf.get(x) === s).flatMap(withChildren)];
  const rows = dependencyLevels(new Map(stacks.filter((s) => !parentOf.has(s)).map((s) => [s, output.manifest.get(s)?.dependencies ?? []])))
    .flat()
    .flatMap(withChildren);
  const graphs: string[] = [`// ${title}\n// Generated from the synthesized stacks by \`npm run diagram\`: one graph per row of the diagram,\n// one box per stack (Terraform state). Rendered and stacked top to bottom by tools/diagram.ts.\n`];
  for (const row of rows) {
    lines.length = 0;
    edges.length = 0;
    emit(0, `digraph ${quote(row)} {`);
    emit(1, `graph [${font}, rankdir=TB, compound=true, newrank=true, nodesep=0.25, ranksep=0.3];`);
    emit(1, `node [${font}, fontsize=${FONT.node}, shape=box, style="rounded,filled", fillcolor="#ffffff", color="#555555", margin="0.12,0.06"];`);
    emit(1, `edge [${font}, fontsize=${FONT.note}, color="#555555"];`);
    drawStack(row, 1);
    for (const e of [...new Set(edges)]) emit(1, e);
    emit(0, "}");
    graphs.push(lines.join("\n"));
  }
  return `${graphs.join("\n")}\n`;
}

/** Space between rows and around the diagram, in points. */
const GAP = 14;

/**
 * Renders the DOT source to one SVG with the WASM Graphviz (deterministic for the same input and
 * package version): each graph (row) is laid out on its own, then the rows are stacked top to bottom
 * under the title, left-aligned. The text renders the same everywhere: every text uses the diagram
 * font, embedded as a subset of exactly the glyphs the diagram uses.
 */
export async function renderSvg(dot: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { instance } = require("@viz-js/viz") as typeof import("@viz-js/viz");
  const viz = await instance();
  const title = /^\/\/ (.*)$/m.exec(dot)?.[1] ?? "Architecture";
  const sources = dot.split(/^(?=digraph )/m).filter((g) => g.startsWith("digraph "));
  let y = GAP + FONT.title * 1.3 + GAP;
  let width = 0;
  const parts: string[] = [];
  sources.forEach((source, i) => {
    const svg = viz.renderString(source, { format: "svg", engine: "dot" });
    const box = /viewBox="([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)"/.exec(svg);
    const body = /<svg\b[^>]*>([\s\S]*)<\/svg>/.exec(svg)?.[1];
    if (!box || body === undefined) throw new Error(`Graphviz returned no SVG for row ${i + 1}`);
    const [w, h] = [Number(box[3]), Number(box[4])];
    const ids = body.replace(/\bid="([^"]+)"/g, `id="row${i + 1}_$1"`).replace(/<polygon fill="white" stroke="none"[^>]*\/>\n?/, "");
    parts.push(`<g id="row${i + 1}" transform="translate(${GAP - 4} ${y.toFixed(2)})">${ids.trimEnd()}\n</g>`);
    y += h + GAP;
    width = Math.max(width, w + 2 * GAP - 8);
  });
  const height = Math.ceil(y);
  width = Math.ceil(width);
  const fontAttr = `font-family="${DIAGRAM_FONT_FAMILY}"`;
  const svg = [
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
    `<!-- Generated by npm run diagram (tools/diagram.ts) with the WASM Graphviz of @viz-js/viz from docs/architecture.dot -->`,
    `<svg width="${width}pt" height="${height}pt" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="white"/>`,
    `<text xml:space="preserve" x="${GAP}" y="${(GAP + FONT.title).toFixed(2)}" ${fontAttr} font-size="${FONT.title}.00">${escapeXml(title)}</text>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
  return await embedFont(svg);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Decodes the XML character references Graphviz writes in text (`&#45;`, `&amp;` ...). */
export function decodeXmlText(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/** Every text of an SVG written by Graphviz, decoded. */
export function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => decodeXmlText(m[1]));
}

async function embedFont(svg: string): Promise<string> {
  const family = DIAGRAM_FONT_FAMILY.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const withStack = svg.replace(new RegExp(`font-family="${family}"`, "g"), `font-family="${DIAGRAM_FONT_STACK}"`);
  const font = await subsetFont(svgTexts(withStack).join(""));
  const style = `<defs><style>@font-face { font-family: '${DIAGRAM_FONT_FAMILY}'; src: url(data:font/ttf;base64,${font.toString("base64")}) format('truetype'); }</style></defs>`;
  return withStack.replace(/(<svg\b[^>]*>)/, `$1\n${style}`);
}
