/**
 * Child process of the test run's global setup: synthesizes every real environment through the library
 * (`buildApp`, with the synth speed-ups of src/app/perf.ts, as `npm run synth` and the cdktf CLI run it)
 * into `<outdir>`, and writes the policy pack's result as JSON into `<policyFile>`.
 * With `--smoke-test-app`, every environment has the smoke-test app on (what `npm run verify` synthesizes).
 * Usage: synth-library.ts <outdir> <policyFile> [--smoke-test-app]
 * Exits 1 with the error message (no stack trace) when synthesis fails.
 */
import { writeFileSync } from "node:fs";
import { buildApp } from "../../src/app/app";
import { installSynthSpeedups } from "../../src/app/perf";
import { errorParagraph } from "../../src/app/synth-report";
import { loadEnvironments } from "../../src/config/environments";
import { policyResult } from "../../src/policy";

const [outdir, policyFile, flag] = process.argv.slice(2);
if (!outdir || !policyFile || (flag !== undefined && flag !== "--smoke-test-app")) throw new Error("usage: synth-library.ts <outdir> <policyFile> [--smoke-test-app]");
installSynthSpeedups();
try {
  const envs = loadEnvironments().map((env) => (flag ? { ...env, smokeTestApp: true } : env));
  const app = buildApp(envs, { outdir });
  app.synth();
  const policy = policyResult(app);
  if (!policy) throw new Error("the policy pack did not run during synth");
  writeFileSync(policyFile, JSON.stringify(policy));
} catch (error) {
  process.stderr.write(`${errorParagraph(error)}\n`);
  process.exit(1);
}
