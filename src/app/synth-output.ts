/**
 * Reading a synthesized cdktf output directory generically (any stack, any resource type): the
 * manifest, every stack's Terraform JSON, the stack dependency graph in levels, and small accessors
 * used by the matrix, diff, diagram and synth-summary tools. Nothing here knows today's stack list.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** A synthesized Terraform JSON document (the parts the tools read). */
export interface TfDocument {
  readonly terraform?: {
    readonly backend?: Record<string, Record<string, unknown>>;
    readonly required_providers?: Record<string, { source?: string; version?: string }>;
    readonly [key: string]: unknown;
  };
  readonly provider?: Record<string, Record<string, unknown>[]>;
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** One stack entry of cdktf's `manifest.json`. */
export interface ManifestStack {
  /** Stack name. */
  readonly name: string;
  /** Names of the stacks this one depends on. */
  readonly dependencies: readonly string[];
  /** Directory of the stack relative to the output directory. */
  readonly workingDirectory: string;
  /** Path of `cdk.tf.json` relative to the output directory. */
  readonly synthesizedStackPath: string;
}

/** A whole synthesized output directory. */
export interface SynthOutput {
  /** The output directory. */
  readonly outdir: string;
  /** Manifest entries by stack name (sorted by name). */
  readonly manifest: ReadonlyMap<string, ManifestStack>;
  /** Terraform JSON by stack name (sorted by name). */
  readonly stacks: ReadonlyMap<string, TfDocument>;
}

/** Reads `manifest.json` and every stack of a cdktf output directory. */
export function readSynthOutput(outdir: string): SynthOutput {
  const manifestPath = join(outdir, "manifest.json");
  if (!existsSync(manifestPath)) {
    throw new Error(`${manifestPath} does not exist: run \`npm run synth\` first (or pass the right output directory).`);
  }
  const raw = JSON.parse(readFileSync(manifestPath, "utf8")) as { stacks?: Record<string, Partial<ManifestStack>> };
  const manifest = new Map<string, ManifestStack>();
  const stacks = new Map<string, TfDocument>();
  for (const name of Object.keys(raw.stacks ?? {}).sort()) {
    const entry = raw.stacks![name];
    const workingDirectory = entry.workingDirectory ?? `stacks/${name}`;
    const synthesizedStackPath = entry.synthesizedStackPath ?? `${workingDirectory}/cdk.tf.json`;
    manifest.set(name, { name, dependencies: [...(entry.dependencies ?? [])].sort(), workingDirectory, synthesizedStackPath });
    stacks.set(name, JSON.parse(readFileSync(join(outdir, synthesizedStackPath), "utf8")) as TfDocument);
  }
  return { outdir, manifest, stacks };
}

/**
 * Dependency levels: level 0 holds stacks without dependencies, level n stacks whose deepest
 * dependency is at level n-1. Stacks of one level can run together; levels must run in order.
 * Dependencies on stacks outside the graph are ignored. Throws on a cycle.
 */
export function dependencyLevels(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const level = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (name: string, trail: string[]): number => {
    const known = level.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) throw new Error(`stack dependency cycle: ${[...trail, name].join(" -> ")}`);
    visiting.add(name);
    let own = 0;
    for (const dep of graph.get(name) ?? []) {
      if (graph.has(dep)) own = Math.max(own, visit(dep, [...trail, name]) + 1);
    }
    visiting.delete(name);
    level.set(name, own);
    return own;
  };
  for (const name of [...graph.keys()].sort()) visit(name, []);
  const levels: string[][] = [];
  for (const [name, n] of level) (levels[n] ??= []).push(name);
  return levels.map((names) => names.sort());
}

/** The stacks of an output in dependency order (level by level, by name within a level). */
export function stacksInOrder(output: SynthOutput): string[] {
  return dependencyLevels(new Map([...output.manifest].map(([name, m]) => [name, m.dependencies]))).flat();
}

/** The environment a stack belongs to: its name up to the first dash (`prod-regional-uswest` -> `prod`). */
export function environmentOf(stack: string): string {
  const dash = stack.indexOf("-");
  return dash < 0 ? stack : stack.slice(0, dash);
}

/** The backend type of a stack (`local`, `s3`, ...); `local` when none is declared (Terraform's default). */
export function backendOf(doc: TfDocument): string {
  return Object.keys(doc.terraform?.backend ?? {})[0] ?? "local";
}

/** The region of the stack's default (unaliased) provider that has one, if any. */
export function regionOf(doc: TfDocument): string | undefined {
  for (const name of Object.keys(doc.provider ?? {}).sort()) {
    for (const block of doc.provider![name]) {
      if (!block.alias && typeof block.region === "string") return block.region;
    }
  }
  return undefined;
}

/** Resource count of a stack (managed resources, not data sources). */
export function resourceCount(doc: TfDocument): number {
  return Object.values(doc.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
}

/** Every managed resource of a stack as `{ type, name, config }`, sorted by type then name. */
export function resourcesOf(doc: TfDocument): { type: string; name: string; config: Record<string, unknown> }[] {
  const out: { type: string; name: string; config: Record<string, unknown> }[] = [];
  for (const type of Object.keys(doc.resource ?? {}).sort()) {
    const byName = doc.resource![type];
    for (const name of Object.keys(byName).sort()) out.push({ type, name, config: byName[name] });
  }
  return out;
}

/** The construct path cdktf records for a resource (`prod-global/network/vpc`), or undefined. */
export function constructPathOf(config: Record<string, unknown>): string | undefined {
  const meta = (config["//"] as { metadata?: { path?: unknown } } | undefined)?.metadata;
  return typeof meta?.path === "string" ? meta.path : undefined;
}
