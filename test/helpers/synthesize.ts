/**
 * Synthesizing a configuration of one's own in-process (fixtures, variations of the real environments).
 * The real environments are synthesized once per run: use `synthesizeAll()` from ./synth for them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../../src/app/app";
import type { EnvironmentConfig } from "../../src/config/schema";
import { policyResult } from "../../src/policy";
import { readSynthesized, type Synthesized } from "./synth";

/** Synthesizes `envs` into a fresh temporary directory, removed when the test process exits. */
export function synthesize(envs: readonly EnvironmentConfig[], outdir = mkdtempSync(join(tmpdir(), "cdn-synth-"))): Synthesized {
  const app = buildApp(envs, { outdir });
  app.synth();
  const policy = policyResult(app);
  if (!policy) throw new Error("the policy pack did not run during synth");
  process.once("exit", () => rmSync(outdir, { recursive: true, force: true }));
  return readSynthesized(outdir, policy);
}
