/**
 * Vitest global setup: synthesizes every real environment once per test run, twice and in parallel
 * (two processes, two code paths), into one temporary directory that the test files share:
 *   library/  buildApp() from a child process, plus the policy pack's result (library.policy.json)
 *   cli/      `npm run synth` as people run it (src/app/main.ts), with its stdout, stderr and exit code
 * Test files read them through test/helpers/synth.ts instead of synthesizing again (which cost a
 * synth per test file). A failing synth does not abort the run: the tests that need it fail with its
 * message. The directory is removed when the run ends.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

/** What the global setup hands to the test files (`inject("synth")`). */
export interface SharedSynth {
  /** The temporary directory holding everything below; removed after the run. */
  readonly dir: string;
  /** The library synth: its output directory, or the reason it failed. */
  readonly library: { readonly outdir: string; readonly policyFile: string; readonly error?: string };
  /** The `npm run synth` run: its output directory, exit code and output. */
  readonly cli: { readonly outdir: string; readonly status: number | null; readonly stdout: string; readonly stderr: string };
}

declare module "vitest" {
  export interface ProvidedContext {
    synth: SharedSynth;
  }
}

const ROOT = join(__dirname, "..", "..");

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error) => resolve({ status: null, stdout, stderr: `${stderr}${error.message}` }));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), "cdn-test-synth-"));
  const libraryOut = join(dir, "library");
  const cliOut = join(dir, "cli");
  // The cdktf CLI's variables must not leak in from a parent process: this is `npm run synth` in a terminal.
  const clean = { CDKTF_CONTEXT_JSON: undefined, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: undefined, CDN_SYNTH_QUIET: "", CDN_ENVIRONMENTS: "" };
  const [library, cli] = await Promise.all([
    run([join("test", "setup", "synth-library.ts"), libraryOut], clean),
    run([join("src", "app", "main.ts")], { ...clean, CDKTF_OUTDIR: cliOut }),
  ]);
  const shared: SharedSynth = {
    dir,
    library: {
      outdir: libraryOut,
      policyFile: `${libraryOut}.policy.json`,
      error: library.status === 0 ? undefined : `synthesizing every environment failed (exit ${library.status}):\n${library.stderr}`,
    },
    cli: { outdir: cliOut, ...cli },
  };
  project.provide("synth", shared);
  return () => rmSync(dir, { recursive: true, force: true });
}
