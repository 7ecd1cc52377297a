/**
 * Vitest global setup: synthesizes every real environment once per test run, in child processes
 * running in parallel, into one temporary directory that the test files share:
 *   library/  buildApp() from a child process, plus the policy pack's result (library.policy.json)
 *   verify/   the same child, next: the environments that have the smoke-test app off, with it on
 *             (`npm run verify`'s view of them; the others look the same in library/)
 *   cli/      `CDN_ENVIRONMENTS=dev npm run synth` as people run it (src/app/main.ts), with its stdout,
 *             stderr and exit code (one environment: the entry's own work is the same for each); not
 *             under `npm run test:unit`, which leaves out the suites that start processes
 * It does not wait for them: the test files start at once, and those that need the stacks wait for
 * them in test/helpers/synth.ts (each output gets a `*.done.json` when it is complete). Synthesizing
 * once per run replaces a synth per test file. A failing synth does not abort the run: the tests that
 * need it fail with its message. Everything lives in the run's temporary directory (below), removed
 * when the run ends.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { restoreEntry, staleReason, SYNTH_CACHE_ROOT, synthCacheEnabled, synthCacheKey } from "./synth-cache";

/** How a child process ended (the content of its done file). */
export interface ChildResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** One synthesis of the library child (test/setup/synth-library.ts). */
export interface SynthJob {
  /** Output directory. */
  readonly outdir: string;
  /** Where the policy pack's result goes, as JSON. */
  readonly policyFile: string;
  /** Written (a ChildResult) when this synthesis has ended. */
  readonly doneFile: string;
  /**
   * Only the environments that have the smoke-test app off, with it forced on (what `npm run verify`
   * synthesizes for them); those that have it on synthesize the same in the job without it.
   */
  readonly forceSmokeTestApp: boolean;
  /** Where to keep the result for later runs (test/setup/synth-cache.ts); absent: not kept. */
  readonly cacheDir?: string;
}

/** What the global setup hands to the test files (`inject("synth")`). */
export interface SharedSynth {
  /** The temporary directory holding everything below; removed after the run. */
  readonly dir: string;
  /** The library synth: its output directory, the policy result file, and its done file. */
  readonly library: { readonly outdir: string; readonly policyFile: string; readonly doneFile: string };
  /** The `npm run synth` run: its output directory and its done file; `started` is false under `npm run test:unit`. */
  readonly cli: { readonly outdir: string; readonly doneFile: string; readonly started: boolean };
  /** The environments that have the smoke-test app off, with it forced on as `npm run verify` synthesizes them (its targets); the others are the library's. */
  readonly verify: { readonly outdir: string; readonly policyFile: string; readonly doneFile: string };
}

declare module "vitest" {
  export interface ProvidedContext {
    synth: SharedSynth;
  }
}

const ROOT = join(__dirname, "..", "..");

/** The environment the `npm run synth` run of the global setup selects. */
export const CLI_ENVIRONMENT = "dev";

/** The done file of a synthesis of the library child that succeeded (or was restored from the cache). */
export const SYNTHESIZED: ChildResult = { status: 0, stdout: "", stderr: "" };

/**
 * Writes a done file atomically (a temporary file renamed into place): the test workers poll for it
 * and must never read it half-written.
 */
export function writeDoneFile(file: string, result: ChildResult): void {
  writeFileSync(`${file}.partial`, JSON.stringify(result));
  renameSync(`${file}.partial`, file);
}

/**
 * Starts `node --import tsx <args>`. When it ends, writes each of `doneFiles` it has not written itself
 * (a ChildResult with its exit status and output).
 */
function start(args: string[], env: NodeJS.ProcessEnv, doneFiles: readonly string[]): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    const done = (status: number | null, extra = "") => {
      const result: ChildResult = { status, stdout, stderr: `${stderr}${extra}` };
      for (const file of doneFiles) if (!existsSync(file)) writeDoneFile(file, result);
      resolve();
    };
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error) => done(null, error.message));
    child.on("close", (status) => done(status));
  });
}

/** Restores `job` from its cache entry and marks it done, if the entry is still valid. */
function reused(job: SynthJob, cacheDir: string, env: NodeJS.ProcessEnv): boolean {
  if (staleReason(cacheDir, synthCacheKey(job, env)) !== undefined) return false;
  try {
    restoreEntry(cacheDir, job.outdir, job.policyFile);
  } catch {
    return false;
  }
  writeDoneFile(job.doneFile, SYNTHESIZED);
  return true;
}

export default function setup(project: TestProject): () => Promise<void> {
  // One temporary directory per run holds every temporary file of the run: the test workers and
  // every process they start inherit it as TMPDIR (os.tmpdir()), so whatever a test, cdktf (its
  // `cdktf.outdir.*` for apps without an outdir), Terraform or a tool leaves there is removed with it.
  const runTmp = mkdtempSync(join(tmpdir(), "cdn-test-run-"));
  // Traversable by the unprivileged users real-server tests run their servers as (PostgreSQL refuses
  // root); each test's own directory below stays private to it.
  chmodSync(runTmp, 0o711);
  // ... except tsx's compile cache (`tsx-<uid>`), which stays shared between runs as it is outside tests.
  const tsxCache = `tsx-${process.getuid?.() ?? ""}`;
  mkdirSync(join(tmpdir(), tsxCache), { recursive: true });
  symlinkSync(join(tmpdir(), tsxCache), join(runTmp, tsxCache), "dir");
  const previousTmp = process.env.TMPDIR;
  process.env.TMPDIR = runTmp;
  const dir = mkdtempSync(join(runTmp, "synth-"));
  const shared: SharedSynth = {
    dir,
    library: { outdir: join(dir, "library"), policyFile: join(dir, "library.policy.json"), doneFile: join(dir, "library.done.json") },
    cli: { outdir: join(dir, "cli"), doneFile: join(dir, "cli.done.json"), started: process.env.CDN_TEST_UNIT !== "1" },
    verify: { outdir: join(dir, "verify"), policyFile: join(dir, "verify.policy.json"), doneFile: join(dir, "verify.done.json") },
  };
  // The cdktf CLI's variables must not leak in from a parent process: this is `npm run synth` in a terminal.
  const clean = { CDKTF_CONTEXT_JSON: undefined, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: undefined, CDN_SYNTH_QUIET: "", CDN_ENVIRONMENTS: "" };
  const cache = synthCacheEnabled();
  const jobs: SynthJob[] = [
    { ...shared.library, forceSmokeTestApp: false, ...(cache ? { cacheDir: join(SYNTH_CACHE_ROOT, "library") } : {}) },
    { ...shared.verify, forceSmokeTestApp: true, ...(cache ? { cacheDir: join(SYNTH_CACHE_ROOT, "verify") } : {}) },
  ];
  // A job whose inputs are unchanged since a run stored it is copied from the cache; the others synthesize.
  const toSynthesize = jobs.filter((job) => !(job.cacheDir && reused(job, job.cacheDir, { ...process.env, ...clean })));
  const running = Promise.all([
    toSynthesize.length > 0 ? start([join("test", "setup", "synth-library.ts"), JSON.stringify(toSynthesize)], clean, toSynthesize.map((j) => j.doneFile)) : undefined,
    shared.cli.started ? start([join("src", "app", "main.ts")], { ...clean, CDN_ENVIRONMENTS: CLI_ENVIRONMENT, CDKTF_OUTDIR: shared.cli.outdir }, [shared.cli.doneFile]) : undefined,
  ]);
  project.provide("synth", shared);
  return async () => {
    await running;
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
    rmSync(runTmp, { recursive: true, force: true });
  };
}
