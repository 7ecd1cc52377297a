/**
 * Test helpers: the synthesized stacks of every real environment (synthesized once per test run by the
 * global setup, test/setup/global-synth.ts, waited for and read back here as JSON), plus small
 * accessors for resources by type. Synthesizing other configurations: test/helpers/synthesize.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import type { EnvironmentConfig } from "../../src/config/schema";
import { loadEnvironments } from "../../src/config/environments";
import type { PolicyResult } from "../../src/policy";
import type { ChildResult } from "../setup/global-synth";

/** A synthesized Terraform JSON document. */
export type TfJson = {
  terraform: Record<string, any>;
  provider?: Record<string, any[]>;
  resource?: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
  output?: Record<string, any>;
  variable?: Record<string, any>;
  locals?: Record<string, any>;
};

/** The synthesized output of an App: stack name -> raw text and parsed JSON, plus the manifest. */
export interface Synthesized {
  readonly outdir: string;
  readonly manifest: { stacks: Record<string, { dependencies: string[]; workingDirectory: string }> };
  readonly text: ReadonlyMap<string, string>;
  readonly stacks: ReadonlyMap<string, TfJson>;
  /** The policy pack's result for this synth (it passed, or synth would have thrown). */
  readonly policy: PolicyResult;
}

/** Reads a synthesized output directory (manifest and every stack) written by an App with `policy`. */
export function readSynthesized(outdir: string, policy: PolicyResult): Synthesized {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  const text = new Map<string, string>();
  const stacks = new Map<string, TfJson>();
  for (const [name, info] of Object.entries<any>(manifest.stacks)) {
    const raw = readFileSync(join(outdir, info.workingDirectory, "cdk.tf.json"), "utf8");
    text.set(name, raw);
    stacks.set(name, JSON.parse(raw));
  }
  return { outdir, manifest, text, stacks, policy };
}

/**
 * Waits (blocking this test worker, which has nothing else to do) until a child process of the global
 * setup has ended, and returns how it ended.
 */
function waitForChild(doneFile: string, what: string, timeoutMs = 180_000): ChildResult {
  const started = Date.now();
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(doneFile)) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what} did not finish within ${timeoutMs / 1000} s`);
    Atomics.wait(sleeper, 0, 0, 25);
  }
  return JSON.parse(readFileSync(doneFile, "utf8")) as ChildResult;
}

let cached: Synthesized | undefined;

/** Every real environment, synthesized once per test run (by the global setup) and read once per test worker. */
export function synthesizeAll(): Synthesized {
  if (cached) return cached;
  const { library } = inject("synth");
  const ended = waitForChild(library.doneFile, "synthesizing every environment");
  if (ended.status !== 0) throw new Error(`synthesizing every environment failed (exit ${ended.status}):\n${ended.stderr}`);
  cached = readSynthesized(library.outdir, JSON.parse(readFileSync(library.policyFile, "utf8")) as PolicyResult);
  return cached;
}

/**
 * The output directory of the real environments that have the smoke-test app off, synthesized with it
 * on (verify's view of them), once per run. The others look the same to verify as in synthesizeAll().
 */
export function synthesizedForVerify(): string {
  const { verify } = inject("synth");
  const ended = waitForChild(verify.doneFile, "synthesizing every environment with the smoke-test app");
  if (ended.status !== 0) throw new Error(`synthesizing every environment with the smoke-test app failed (exit ${ended.status}):\n${ended.stderr}`);
  return verify.outdir;
}

/** `npm run synth` of every real environment as the global setup ran it: output directory, exit code, stdout, stderr. */
export function synthCliRun(): ChildResult & { readonly outdir: string } {
  const { cli } = inject("synth");
  if (!cli.started) throw new Error("`npm run synth` runs as a child process only under `npm test`; a suite using it belongs in PROCESS_SUITES (vitest.config.mts)");
  return { outdir: cli.outdir, ...waitForChild(cli.doneFile, "npm run synth") };
}

/** Every real environment's validated config. */
export function allEnvironments(): EnvironmentConfig[] {
  return loadEnvironments();
}

/** A stack's JSON; throws when it is missing. */
export function stack(s: Synthesized, name: string): TfJson {
  const found = s.stacks.get(name);
  if (!found) throw new Error(`stack ${name} not synthesized; have ${[...s.stacks.keys()].join(", ")}`);
  return found;
}

/** Resources of one type in a stack, as [logicalName, config] pairs. */
export function resourcesOf(tf: TfJson, type: string): [string, any][] {
  return Object.entries(tf.resource?.[type] ?? {});
}

/** Configs of every resource of one type. */
export function configsOf(tf: TfJson, type: string): any[] {
  return resourcesOf(tf, type).map(([, config]) => config);
}

/**
 * Extracts the logical name of a reference token: `${aws_vpc.network_vpc_1234.id}` -> `network_vpc_1234`,
 * also with a nested attribute path (`${aws_eks_cluster.c.vpc_config[0].cluster_security_group_id}`) or a
 * data source (`${data.terraform_remote_state.x.outputs.y}` -> `x`).
 */
export function refName(token: string): string {
  const match = /^\$\{(?:data\.)?[a-z0-9_]+\.([A-Za-z0-9_-]+)\.[a-z_][^}]*\}$/.exec(token);
  if (!match) throw new Error(`not a single resource reference: ${token}`);
  return match[1];
}

/** Synthesizing a configuration of one's own in-process (kept here too for the test files that import it from this module). */
export { synthesize } from "./synthesize";
