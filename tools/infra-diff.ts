/**
 * The offline infrastructure diff: compares two synthesized outputs (a base git ref and the working
 * tree) stack by stack, block by block (resources, data sources, outputs, providers, the terraform
 * block, ...), attribute by attribute, and flags attributes whose change forces a new resource.
 * No credentials and no Terraform: only the synthesized JSON. Generic over stacks and resource types.
 *
 * The engine (`diffOutputs`, `formatDiff`) works on two in-memory trees; `runInfraDiff` adds the git
 * and synthesis orchestration (the synth command is injectable for tests).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { embeddedDocument, expandEmbedded } from "./readable-json";
import { replacementRisk } from "./replacement-rules";
import { constructPathOf, readSynthOutput, resourceCount, type TfDocument } from "../src/app/synth-output";

/** Stack name -> Terraform JSON. */
export type StackTree = ReadonlyMap<string, TfDocument>;

/** One changed attribute. */
export interface AttributeChange {
  /** Attribute path: `a.b[0].c`; inside a JSON-encoded string: `policy::Statement[0].Action`. */
  readonly path: string;
  /** Old value (undefined when the attribute is new). */
  readonly before: unknown;
  /** New value (undefined when the attribute was removed). */
  readonly after: unknown;
  /** `known`: forces a new resource; `likely`: an identity attribute of a type not in the table. */
  readonly replacement?: "known" | "likely";
}

/** A block of a stack: a resource, data source, output, provider configuration, ... */
export interface BlockRef {
  /** Terraform-style address: `aws_vpc.network_vpc_1A2B`, `data.x.y`, `output.z`, `provider.aws.peer`, `terraform`. */
  readonly address: string;
  /** Resource or data source type, when the block has one. */
  readonly type?: string;
  /** The construct path cdktf recorded (`prod-global/network/vpc`), when present. */
  readonly constructPath?: string;
}

/** A block present on both sides with different content. */
export interface BlockChange extends BlockRef {
  /** The changed attributes. */
  readonly changes: readonly AttributeChange[];
}

/** A block whose address changed: same content, or declared by a `moved` block of the new side. */
export interface BlockMove {
  /** Old address. */
  readonly from: BlockRef;
  /** New address. */
  readonly to: BlockRef;
  /** True when the new side declares the move (`moved { from, to }`): Terraform renames it in state. */
  readonly declared?: boolean;
  /** Content changes that come with a declared move (applied in place after the rename, unless flagged). */
  readonly changes?: readonly AttributeChange[];
}

/** What changed in one stack. */
export interface StackDiff {
  /** Stack name. */
  readonly stack: string;
  /** `added`/`removed`: the whole stack; `changed`/`unchanged`: compared block by block. */
  readonly status: "added" | "removed" | "changed" | "unchanged";
  /** Blocks only in the new tree. */
  readonly added: readonly BlockRef[];
  /** Blocks only in the old tree. */
  readonly removed: readonly BlockRef[];
  /** Blocks in both, different. */
  readonly changed: readonly BlockChange[];
  /** Blocks whose address changed, content equal (Terraform would replace them without a `moved` block). */
  readonly moved: readonly BlockMove[];
  /** Managed resource counts before and after. */
  readonly resources: { readonly before: number; readonly after: number };
}

/** The whole comparison. */
export interface InfraDiff {
  /** Every stack of either side, sorted by name. */
  readonly stacks: readonly StackDiff[];
}

/** Removes cdktf's `//` metadata keys at any depth. */
export function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) if (key !== "//") out[key] = normalize((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Attribute-level differences between two normalized values. */
export function diffValues(before: unknown, after: unknown, path = ""): { path: string; before: unknown; after: unknown }[] {
  if (equal(before, after)) return [];
  const join = (key: string) => (path ? `${path}.${key}` : key);
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffValues(before[k], after[k], join(k)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    // Element by element when that lines up: same length (a changed element, e.g. one Helm values
    // document of a list), or lists of blocks; a list of scalars that grew or shrank is shown whole.
    const objects = [...before, ...after].every((v) => isPlainObject(v) || Array.isArray(v));
    if ((objects && before.length > 0 && after.length > 0) || before.length === after.length) {
      const out: { path: string; before: unknown; after: unknown }[] = [];
      for (let i = 0; i < Math.max(before.length, after.length); i++) out.push(...diffValues(before[i], after[i], `${path}[${i}]`));
      return out;
    }
  }
  // Policies, Helm values, jsonencode documents ... are strings: compare what they say, not their bytes
  // (the same reading as the snapshots' rendering, tools/readable-json.ts).
  const beforeDoc = embeddedDocument(before);
  const afterDoc = embeddedDocument(after);
  if (beforeDoc !== undefined && afterDoc !== undefined && !path.includes("::")) {
    return diffValues(beforeDoc, afterDoc, `${path}::`).map((c) => ({ ...c, path: c.path.replace(/::\.?/, "::") }));
  }
  return [{ path, before, after }];
}

/** Every block of a Terraform JSON document, by address, normalized. */
export function blocksOf(doc: TfDocument): Map<string, { ref: BlockRef; body: unknown }> {
  const blocks = new Map<string, { ref: BlockRef; body: unknown }>();
  for (const section of Object.keys(doc).sort()) {
    if (section === "//" || section === "moved") continue;
    const value = doc[section] as unknown;
    if (section === "resource" || section === "data") {
      for (const [type, byName] of Object.entries((value ?? {}) as Record<string, Record<string, Record<string, unknown>>>)) {
        for (const [name, config] of Object.entries(byName)) {
          const address = section === "data" ? `data.${type}.${name}` : `${type}.${name}`;
          blocks.set(address, { ref: { address, type, constructPath: constructPathOf(config) }, body: normalize(config) });
        }
      }
    } else if (section === "provider") {
      for (const [name, configs] of Object.entries((value ?? {}) as Record<string, Record<string, unknown>[]>)) {
        for (const config of configs) {
          const address = `provider.${name}${typeof config.alias === "string" ? `.${config.alias}` : ""}`;
          blocks.set(address, { ref: { address }, body: normalize(config) });
        }
      }
    } else if (["output", "variable", "module"].includes(section) && isPlainObject(value)) {
      const prefix = section === "variable" ? "var" : section;
      for (const [name, config] of Object.entries(value)) {
        blocks.set(`${prefix}.${name}`, { ref: { address: `${prefix}.${name}` }, body: normalize(config) });
      }
    } else {
      blocks.set(section, { ref: { address: section }, body: normalize(value) });
    }
  }
  return blocks;
}

/** Compares two stacks' documents (either may be missing). */
export function diffStack(stack: string, before: TfDocument | undefined, after: TfDocument | undefined): StackDiff {
  const resources = { before: before ? resourceCount(before) : 0, after: after ? resourceCount(after) : 0 };
  // References to a block the new side moves (`${from.attr}`) read as references to its new address.
  const renames = declaredMoves(after);
  const old = before ? renameReferences(blocksOf(before), renames) : new Map<string, { ref: BlockRef; body: unknown }>();
  const now = after ? blocksOf(after) : new Map<string, { ref: BlockRef; body: unknown }>();
  const addresses = [...new Set([...old.keys(), ...now.keys()])].sort();
  let added: BlockRef[] = [];
  let removed: BlockRef[] = [];
  const changed: BlockChange[] = [];
  for (const address of addresses) {
    const o = old.get(address);
    const n = now.get(address);
    if (!o) added.push(n!.ref);
    else if (!n) removed.push(o.ref);
    else if (!equal(o.body, n.body)) {
      const type = n.ref.type;
      const isResource = type !== undefined && !address.startsWith("data.");
      const changes = diffValues(o.body, n.body).map((c) => {
        const risk = isResource ? replacementRisk(type, c.path) : undefined;
        return risk ? { ...c, replacement: risk } : c;
      });
      changed.push({ ...n.ref, changes });
    }
  }
  const moved: BlockMove[] = [];
  // Moves the new side declares: Terraform renames the resource in state, then applies any change.
  for (const { from, to } of declaredMoves(after)) {
    const r = removed.find((x) => x.address === from);
    const a = added.find((x) => x.address === to);
    if (!r || !a) continue;
    const changes = diffValues(old.get(from)!.body, now.get(to)!.body).map((c) => {
      const risk = a.type ? replacementRisk(a.type, c.path) : undefined;
      return risk ? { ...c, replacement: risk } : c;
    });
    moved.push({ from: r, to: a, declared: true, changes });
    removed = removed.filter((x) => x !== r);
    added = added.filter((x) => x !== a);
  }
  // Same type, same content, new address: a rename of the construct id or a move in the tree.
  if (before && after) {
    for (const r of [...removed]) {
      const body = JSON.stringify(old.get(r.address)!.body);
      const match = added.find((a) => a.type === r.type && a.type !== undefined && JSON.stringify(now.get(a.address)!.body) === body);
      if (match) {
        moved.push({ from: r, to: match });
        removed = removed.filter((x) => x !== r);
        added = added.filter((x) => x !== match);
      }
    }
  }
  const status = !before ? "added" : !after ? "removed" : added.length + removed.length + changed.length + moved.length > 0 ? "changed" : "unchanged";
  return { stack, status, added, removed, changed, moved, resources };
}

/** Rewrites `${<from>.` to `${<to>.` in every block body (the references Terraform follows through a move). */
function renameReferences(blocks: Map<string, { ref: BlockRef; body: unknown }>, renames: readonly { from: string; to: string }[]): Map<string, { ref: BlockRef; body: unknown }> {
  if (renames.length === 0) return blocks;
  const rewrite = (value: unknown): unknown => {
    if (typeof value === "string") return renames.reduce((text, { from, to }) => text.split(`\${${from}.`).join(`\${${to}.`), value);
    if (Array.isArray(value)) return value.map(rewrite);
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    return value;
  };
  return new Map([...blocks].map(([address, { ref, body }]) => [address, { ref, body: rewrite(body) }]));
}

/** The `moved { from, to }` blocks a document declares. */
function declaredMoves(doc: TfDocument | undefined): { from: string; to: string }[] {
  const moved = (doc as Record<string, unknown> | undefined)?.moved;
  return Array.isArray(moved) ? moved.filter((m): m is { from: string; to: string } => typeof m?.from === "string" && typeof m?.to === "string") : [];
}

/** Compares two synthesized trees, every stack of either side. */
export function diffOutputs(before: StackTree, after: StackTree): InfraDiff {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return { stacks: names.map((name) => diffStack(name, before.get(name), after.get(name))) };
}

/** A value in full for the report: JSON, documents held in strings expanded; `(unset)` for a missing one. */
export function show(value: unknown): string {
  if (value === undefined) return "(unset)";
  const oneLine = JSON.stringify(value);
  return oneLine.length <= 100 ? oneLine : JSON.stringify(expandEmbedded(value), null, 2);
}

/** The report lines of one changed attribute: `path: old -> new` when both fit on a line, else both in full. */
function changeLines(path: string, before: unknown, after: unknown, risk: string): string[] {
  const [b, a] = [show(before), show(after)];
  if (!b.includes("\n") && !a.includes("\n") && b.length + a.length <= 140) return [`      ${path}: ${b} -> ${a}${risk}`];
  const block = (sign: string, text: string) => text.split("\n").map((line) => `        ${sign} ${line}`);
  return [`      ${path}:${risk}`, ...block("-", b), ...block("+", a)];
}

function label(ref: BlockRef): string {
  return ref.constructPath ? `${ref.address}  (${ref.constructPath})` : ref.address;
}

/** Counts over a diff, for summaries and exit codes. */
export function diffTotals(diff: InfraDiff): { added: number; removed: number; changed: number; moved: number; replacements: number; stacksChanged: number } {
  let added = 0, removed = 0, changed = 0, moved = 0, replacements = 0, stacksChanged = 0;
  for (const s of diff.stacks) {
    if (s.status !== "unchanged") stacksChanged++;
    if (s.status === "added" || s.status === "removed") continue;
    added += s.added.length;
    removed += s.removed.length;
    changed += s.changed.length;
    moved += s.moved.length;
    replacements +=
      s.changed.filter((c) => c.changes.some((a) => a.replacement)).length +
      s.moved.filter((m) => (m.declared ? (m.changes ?? []).some((a) => a.replacement) : m.from.type)).length;
  }
  return { added, removed, changed, moved, replacements, stacksChanged };
}

/** The human-readable report (deterministic). */
export function formatDiff(diff: InfraDiff, heading?: string): string {
  const out: string[] = [];
  if (heading) out.push(heading, "");
  const changedStacks = diff.stacks.filter((s) => s.status !== "unchanged");
  for (const s of changedStacks) {
    if (s.status === "added") {
      out.push(`== ${s.stack}: NEW STACK (${s.resources.after} resources)`);
      for (const b of s.added) out.push(`  + ${label(b)}`);
      out.push("");
      continue;
    }
    if (s.status === "removed") {
      out.push(`== ${s.stack}: STACK REMOVED (${s.resources.before} resources)`);
      out.push("  !! Removing a stack from the code does not destroy its resources: run `cdktf destroy` on it first, or they are orphaned.");
      for (const b of s.removed) out.push(`  - ${label(b)}`);
      out.push("");
      continue;
    }
    const parts = [
      s.added.length ? `${s.added.length} added` : "",
      s.removed.length ? `${s.removed.length} removed` : "",
      s.changed.length ? `${s.changed.length} changed` : "",
      s.moved.length ? `${s.moved.length} moved` : "",
    ].filter(Boolean);
    out.push(`== ${s.stack}: ${parts.join(", ")} (resources ${s.resources.before} -> ${s.resources.after})`);
    for (const b of s.added) out.push(`  + ${label(b)}`);
    for (const b of s.removed) out.push(`  - ${label(b)}`);
    const attributeLines = (type: string | undefined, changes: readonly AttributeChange[]) =>
      changes.flatMap((a) => {
        const risk =
          a.replacement === "known"
            ? `   !! REPLACEMENT RISK: changing ${a.path.replace(/::.*$/, "")} forces a new ${type}`
            : a.replacement === "likely"
              ? `   !! REPLACEMENT RISK (likely): ${a.path} is an identity attribute`
              : "";
        return changeLines(a.path, a.before, a.after, risk);
      });
    for (const c of s.changed) out.push(`  ~ ${label(c)}`, ...attributeLines(c.type, c.changes));
    for (const m of s.moved) {
      out.push(`  > ${m.from.address} -> ${m.to.address}${m.declared ? " (moved block)" : ""}${m.to.constructPath ? `  (${m.to.constructPath})` : ""}`);
      if (m.declared) out.push(...attributeLines(m.to.type, m.changes ?? []));
      else if (m.from.type) out.push("      !! REPLACEMENT RISK: the address changed; Terraform destroys and re-creates it unless a `moved` block is added");
    }
    out.push("");
  }
  if (diff.stacks.length > 0) out.push(...stackSummary(diff), "");
  const t = diffTotals(diff);
  const added = diff.stacks.filter((s) => s.status === "added").length;
  const removed = diff.stacks.filter((s) => s.status === "removed").length;
  const unchanged = diff.stacks.length - changedStacks.length;
  if (changedStacks.length === 0) out.push(`No infrastructure change: ${diff.stacks.length} stack(s) identical.`);
  else {
    out.push(
      `Summary: ${diff.stacks.length} stack(s): ${changedStacks.length - added - removed} changed, ${added} added, ${removed} removed, ${unchanged} unchanged; ` +
        `blocks ${t.added} added, ${t.removed} removed, ${t.changed} changed, ${t.moved} moved; ` +
        `${t.replacements ? `${t.replacements} with REPLACEMENT RISK` : "no replacement risk"}.`,
    );
  }
  return `${out.join("\n").trimEnd()}\n`;
}

/** The per-stack table at the end of the report: what changed in each stack, and its resource count. */
export function stackSummary(diff: InfraDiff): string[] {
  const rows = diff.stacks.map((s) => {
    const whole = s.status === "added" || s.status === "removed";
    const risks = whole ? 0 : s.changed.filter((c) => c.changes.some((a) => a.replacement)).length + s.moved.filter((m) => m.from.type).length;
    const count = (n: number) => (whole ? "" : String(n));
    return [
      s.stack,
      s.status,
      count(s.added.length),
      count(s.removed.length),
      count(s.changed.length),
      count(s.moved.length),
      whole ? "" : risks ? `${risks} !!` : "0",
      s.status === "added" ? `${s.resources.after}` : s.status === "removed" ? `${s.resources.before} -> 0` : `${s.resources.before} -> ${s.resources.after}`,
    ];
  });
  const header = ["stack", "status", "added", "removed", "changed", "moved", "replacement risk", "resources"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i >= 2 && i <= 6 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ")}`.trimEnd();
  return ["Per stack:", line(header), ...rows.map(line)];
}

// ---------------------------------------------------------------------------------------------------
// Orchestration: resolve the base ref, synthesize both sides, compare.

/** A problem the user can act on; printed as one paragraph without a stack trace. */
export class DiffError extends Error {}

/** Options of {@link runInfraDiff}. */
export interface RunOptions {
  /** The repository root (the working tree to synthesize). */
  readonly repoRoot: string;
  /** Base git ref; default: the merge base of HEAD and main (then origin/main, then HEAD~1). */
  readonly baseRef?: string;
  /** Command that synthesizes the checkout in its cwd into $CDKTF_OUTDIR. Default: `node --import tsx src/app/main.ts`. */
  readonly synthCommand?: readonly string[];
  /** Progress lines (stderr by default). */
  readonly log?: (line: string) => void;
  /** Extra environment for the synth runs. */
  readonly env?: NodeJS.ProcessEnv;
}

/** What {@link runInfraDiff} returns. */
export interface RunResult {
  /** The comparison. */
  readonly diff: InfraDiff;
  /** The resolved base commit. */
  readonly baseCommit: string;
  /** How the base was chosen, for the heading. */
  readonly baseDescription: string;
  /** The report. */
  readonly report: string;
}

function git(cwd: string, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  return { ok: r.status === 0, out: (r.stdout ?? "").trim(), err: (r.stderr ?? "").trim() };
}

/** Resolves the base commit: an explicit ref, else merge-base with main / origin/main, else HEAD~1. */
export function resolveBase(repoRoot: string, baseRef: string | undefined, log: (l: string) => void): { commit: string; description: string } {
  if (baseRef) {
    const r = git(repoRoot, ["rev-parse", "--verify", "--quiet", `${baseRef}^{commit}`]);
    if (!r.ok) throw new DiffError(`The base ref "${baseRef}" is not a commit in ${repoRoot}. Pass a branch, tag or commit that exists (e.g. main, origin/main, HEAD~1), or fetch it first.`);
    return { commit: r.out, description: baseRef };
  }
  if (!git(repoRoot, ["rev-parse", "--verify", "--quiet", "HEAD"]).ok) {
    throw new DiffError(`The repository at ${repoRoot} has no commit yet, so there is no base to compare with. Commit first, or pass a base ref.`);
  }
  for (const candidate of ["main", "origin/main"]) {
    const mb = git(repoRoot, ["merge-base", "HEAD", candidate]);
    if (mb.ok && mb.out) return { commit: mb.out, description: `merge base of HEAD and ${candidate}` };
  }
  const prev = git(repoRoot, ["rev-parse", "--verify", "--quiet", "HEAD~1^{commit}"]);
  if (prev.ok) {
    log("No `main` or `origin/main` branch to take a merge base with: comparing with HEAD~1 instead (pass a base ref to choose).");
    return { commit: prev.out, description: "HEAD~1 (no main branch found)" };
  }
  log("No `main` branch and no parent commit: comparing with HEAD (only uncommitted changes show).");
  return { commit: git(repoRoot, ["rev-parse", "HEAD"]).out, description: "HEAD (no main branch, no parent)" };
}

/** Synthesizes one side, silently (CDN_SYNTH_QUIET=1); its output is shown only when it fails. */
function synthesize(cwd: string, outdir: string, command: readonly string[], env: NodeJS.ProcessEnv, what: string, log: (l: string) => void): StackTree {
  const started = performance.now();
  log(`synthesizing ${what} ...`);
  const r = spawnSync(command[0], command.slice(1), {
    cwd,
    encoding: "utf8",
    env: { ...process.env, CDN_SYNTH_QUIET: "1", ...env, CDKTF_OUTDIR: outdir },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw new DiffError(`Could not run the synth command (${command.join(" ")}) for ${what}: ${r.error.message}.`);
  if (r.status !== 0) {
    const output = `${r.stderr ?? ""}${r.stdout ?? ""}`.trim();
    throw new DiffError(
      `Synthesizing ${what} failed (exit ${r.status}). Fix the error, or compare with another base ref.${output ? `\nIts output:\n${output.split("\n").map((l) => `  | ${l}`).join("\n")}` : ""}`,
    );
  }
  if (!existsSync(join(outdir, "manifest.json"))) throw new DiffError(`Synthesizing ${what} wrote no manifest.json into ${outdir}; is the synth command right (${command.join(" ")})?`);
  const output = readSynthOutput(outdir);
  log(`synthesized ${what}: ${output.stacks.size} stack(s) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return output.stacks;
}

/** Synthesizes the working tree and the base commit, and compares them. */
export function runInfraDiff(options: RunOptions): RunResult {
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const command = options.synthCommand ?? [process.execPath, "--import", "tsx", "src/app/main.ts"];
  const env = options.env ?? {};
  const base = resolveBase(options.repoRoot, options.baseRef, log);
  const short = base.commit.slice(0, 12);
  const scratch = mkdtempSync(join(tmpdir(), "infra-diff-"));
  try {
    const head = synthesize(options.repoRoot, join(scratch, "head.out"), command, env, "working tree", log);

    // The base is exported with `git archive` (the repository's worktrees and index stay untouched).
    const baseDir = join(scratch, "base");
    mkdirSync(baseDir);
    const tar = join(scratch, "base.tar");
    const archive = git(options.repoRoot, ["archive", "--format=tar", "-o", tar, base.commit]);
    if (!archive.ok) throw new DiffError(`Could not export ${short} with git archive: ${archive.err}`);
    const untar = spawnSync("tar", ["-xf", tar, "-C", baseDir], { encoding: "utf8" });
    if (untar.status !== 0) throw new DiffError(`Could not unpack ${short} into ${baseDir}: ${untar.stderr}`);
    const modules = join(options.repoRoot, "node_modules");
    if (existsSync(modules) && !existsSync(join(baseDir, "node_modules"))) {
      symlinkSync(modules, join(baseDir, "node_modules"), "dir");
      const lock = (dir: string) => (existsSync(join(dir, "package-lock.json")) ? readFileSync(join(dir, "package-lock.json"), "utf8") : "");
      if (lock(baseDir) !== lock(options.repoRoot)) {
        log(`note: ${short}'s package-lock.json differs from the working tree's; the base is synthesized with the working tree's node_modules.`);
      }
    }
    const before = synthesize(baseDir, join(scratch, "base.out"), command, env, `base ${short}`, log);
    const diff = diffOutputs(before, head);
    const heading = `Infrastructure diff: ${short} (${base.description}) -> working tree`;
    return { diff, baseCommit: base.commit, baseDescription: base.description, report: formatDiff(diff, heading) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
