/**
 * The global setup's syntheses kept between test runs (node_modules/.cache/cdn-test-synth/<job>/),
 * reused while nothing they were made from has changed. Synthesis is deterministic (byte-identical run
 * to run: test/determinism.test.ts), so its output is a function of its inputs, and the inputs are
 * recorded as the synthesis ran rather than listed by hand:
 * - every file the synthesizing process loaded as a module (TypeScript sources and the packages in
 *   node_modules alike) or read with fs.readFileSync (the SQL the database user construct embeds),
 *   plus package.json, package-lock.json and tsconfig.json (read by tsx before any recording starts);
 * - the list of files under the source directories, so that a file added there (a new environment, a
 *   module that would now resolve first) counts as a change although nothing loaded it yet;
 * - the Node.js version, the job, and every CDKTF_* and CDN_* variable the process saw (but the test
 *   harness's own).
 * An entry is reused only if every recorded file still has its content (same size and modification
 * time, or else the same SHA-1), the listing is the same and so is the key. Only successful syntheses
 * are stored; a failing one runs again every time. A clean clone (CI) has no cache and synthesizes.
 * CDN_TEST_SYNTH_CACHE=0 turns the cache off for a run.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { dirname, isAbsolute, join, relative, sep } from "node:path";

const ROOT = join(__dirname, "..", "..");

/** Where the entries live (node_modules is ignored by git, as vitest's own module cache there). */
export const SYNTH_CACHE_ROOT = join(ROOT, "node_modules", ".cache", "cdn-test-synth");

/** Directories whose file listing is part of every entry (the sources synthesis is built from). */
export const SOURCE_DIRS = ["src", "constructs", "stacks", "environments"];

/** Files tsx reads before the synthesis can record anything. */
const EXPLICIT_INPUTS = ["package.json", "package-lock.json", "tsconfig.json"];

/** One recorded input file. */
export interface InputFile {
  /** Relative to the repository root when inside it, absolute otherwise. */
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly sha1: string;
}

/** What an entry was made from (inputs.json of the entry). */
export interface CacheInputs {
  readonly key: string;
  readonly listing: string;
  readonly files: readonly InputFile[];
}

/** Whether the cache is on for this run. */
export function synthCacheEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CDN_TEST_SYNTH_CACHE !== "0";
}

/** The test harness's own variables (no synthesis reads them): `npm test` and `npm run test:unit` share entries. */
const HARNESS_VARIABLES = /^(CDN_TEST_.*|CDN_REQUIRE_REAL_SERVERS)$/;

/** The key of a job: what, besides files, its output depends on. */
export function synthCacheKey(job: { readonly forceSmokeTestApp: boolean }, env: NodeJS.ProcessEnv): string {
  const vars = Object.entries(env)
    .filter(([name, value]) => /^(CDKTF|CDN)_/.test(name) && value !== undefined && !HARNESS_VARIABLES.test(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify({ format: 1, node: process.version, forceSmokeTestApp: job.forceSmokeTestApp, vars });
}

/** SHA-1 of files by path, size and modification time: the child records both jobs' inputs, mostly the same files. */
const hashed = new Map<string, string>();

/** SHA-1 of the file at `path`, whose stat is `stat` (once per process for an unchanged file). */
function sha1(path: string, stat: fs.Stats): string {
  const key = `${path}\0${stat.size}\0${stat.mtimeMs}`;
  let digest = hashed.get(key);
  if (digest === undefined) {
    digest = createHash("sha1").update(fs.readFileSync(path)).digest("hex");
    hashed.set(key, digest);
  }
  return digest;
}

/** SHA-1 of the sorted list of files under the source directories of `root`. */
export function sourceListing(root: string = ROOT): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(root, path).split(sep).join("/"));
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(root, dir));
  return createHash("sha1").update(files.sort().join("\n")).digest("hex");
}

/**
 * Starts recording the files this process reads with fs.readFileSync (call it before importing what
 * is synthesized). Returns the set the paths are added to.
 */
export function recordReads(): Set<string> {
  const read = new Set<string>();
  // The module object itself (an ES namespace import of it is read-only): modules compiled to CommonJS
  // look the function up on it at each call.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const target = require("node:fs") as { readFileSync: typeof fs.readFileSync };
  const original = target.readFileSync;
  target.readFileSync = function (this: unknown, path: fs.PathOrFileDescriptor, ...rest: unknown[]) {
    const result = (original as (...args: unknown[]) => unknown).call(this, path, ...rest);
    if (typeof path === "string") read.add(path);
    else if (path instanceof URL) read.add(path.pathname);
    return result;
  } as typeof fs.readFileSync;
  return read;
}

/**
 * The inputs of a synthesis that just ran in this process: `paths` (the modules it loaded and the files
 * it read) and the explicit inputs, without the files under `exclude` (its outputs, temporary files).
 * Undefined when an input was modified after `startedAt` (edited while synthesizing: the output may
 * predate it), so that nothing is stored.
 */
export function collectInputs(key: string, paths: Iterable<string>, exclude: readonly string[], startedAt: number, root: string = ROOT): CacheInputs | undefined {
  const all = new Set<string>([...paths, ...EXPLICIT_INPUTS.map((f) => join(root, f))]);
  const files: InputFile[] = [];
  for (const path of [...all].sort()) {
    if (!isAbsolute(path) || exclude.some((dir) => path === dir || path.startsWith(dir + sep))) continue;
    const stat = fs.statSync(path, { throwIfNoEntry: false });
    if (!stat?.isFile()) continue;
    if (stat.mtimeMs >= startedAt) return undefined;
    const rel = relative(root, path);
    files.push({ path: rel.startsWith("..") ? path : rel.split(sep).join("/"), size: stat.size, mtimeMs: stat.mtimeMs, sha1: sha1(path, stat) });
  }
  return { key, listing: sourceListing(root), files };
}

/** Why the entry in `entryDir` cannot be reused for `key`, or undefined when it can. */
export function staleReason(entryDir: string, key: string, root: string = ROOT): string | undefined {
  const file = join(entryDir, "inputs.json");
  if (!fs.existsSync(file)) return "no entry";
  let inputs: CacheInputs;
  try {
    inputs = JSON.parse(fs.readFileSync(file, "utf8")) as CacheInputs;
  } catch {
    return "unreadable inputs.json";
  }
  if (inputs.key !== key) return "different Node.js version, job or CDKTF_/CDN_ variables";
  if (!Array.isArray(inputs.files) || inputs.files.length === 0) return "no recorded inputs";
  for (const input of inputs.files) {
    const path = isAbsolute(input.path) ? input.path : join(root, input.path);
    const stat = fs.statSync(path, { throwIfNoEntry: false });
    if (!stat?.isFile()) return `${input.path} is gone`;
    if (stat.size === input.size && stat.mtimeMs === input.mtimeMs) continue;
    if (stat.size !== input.size || sha1(path, stat) !== input.sha1) return `${input.path} changed`;
  }
  if (sourceListing(root) !== inputs.listing) return `files were added to or removed from ${SOURCE_DIRS.join(", ")}`;
  return undefined;
}

/** Stores a successful synthesis (`outdir`, `policyFile`) and its inputs as the entry `entryDir`, atomically. */
export function storeEntry(entryDir: string, outdir: string, policyFile: string, inputs: CacheInputs): void {
  fs.mkdirSync(dirname(entryDir), { recursive: true });
  const staging = `${entryDir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.cpSync(outdir, join(staging, "out"), { recursive: true });
  fs.copyFileSync(policyFile, join(staging, "policy.json"));
  fs.writeFileSync(join(staging, "inputs.json"), JSON.stringify(inputs));
  fs.rmSync(entryDir, { recursive: true, force: true });
  fs.renameSync(staging, entryDir);
}

/** Copies the entry's output and policy result to where the test files expect them. */
export function restoreEntry(entryDir: string, outdir: string, policyFile: string): void {
  fs.cpSync(join(entryDir, "out"), outdir, { recursive: true });
  fs.copyFileSync(join(entryDir, "policy.json"), policyFile);
}
