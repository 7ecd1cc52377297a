/**
 * The cdktf app entry (`cdktf synth` / `npm run synth`). Validates every selected environment first
 * (CDN_ENVIRONMENTS=dev,prod selects some), then synthesizes all their stacks. A bad config prints one
 * clear report and exits 1 before anything is written; a policy violation (src/policy) or an invalid
 * suppression prints one report and exits 1 without writing the manifest.
 *
 * Who reads the output decides what is printed:
 * - `npm run synth` (a person at a terminal): progress on stderr (per environment: the stacks it builds;
 *   then a table of stacks with their resource counts, and the total time). CDN_SYNTH_QUIET=1 silences it.
 * - the cdktf CLI (`cdktf synth|diff|deploy`, which runs this file as its `app`): nothing on success.
 *   The CLI shows every line the app writes to stderr as `[ERROR] default - ...`, so progress there
 *   would read as errors; the CLI prints its own progress. It is recognized by the variables it sets
 *   for its app (CDKTF_CONTEXT_JSON, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS; see @cdktf/cli-core
 *   synth-stack.js), so no variable of ours is needed.
 * Any failure prints one paragraph on stderr without a stack trace, in both cases (CDN_DEBUG=1 adds it).
 * Progress never changes the synthesized files.
 */
import { performance } from "node:perf_hooks";
import { loadEnvironments, rejectStateBackendOverride } from "../config/environments";
import { parseValueOverrides } from "../config/overrides";
import { installSynthSpeedups } from "./perf";
import { readSynthOutput } from "./synth-output";
import { errorParagraph, formatSynthSummary, printsProgress } from "./synth-report";

const quiet = !printsProgress(process.env);
const log = (line: string): void => {
  if (!quiet) process.stderr.write(`${line}\n`);
};

function fail(what: string, error: unknown): never {
  process.stderr.write(`${what}${errorParagraph(error)}\n`);
  if (process.env.CDN_DEBUG === "1" && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  installSynthSpeedups();
  const started = performance.now();
  const names = (process.env.CDN_ENVIRONMENTS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  let environments;
  try {
    rejectStateBackendOverride(process.env.CDN_STATE_BACKEND);
    environments = loadEnvironments(names, { values: parseValueOverrides(process.env.CDN_CONFIG_OVERRIDES) });
  } catch (error) {
    fail("", error);
  }
  log(`synth: ${environments.length} environment(s) valid: ${environments.map((e) => e.name).join(", ")}`);

  let app;
  try {
    // Loaded only once the configuration is valid: a config error is reported without loading cdktf.
    const { buildApp } = await import("./app");
    app = buildApp(environments, {
      onEnvironment: (env, stacks, ms) => log(`synth: built ${env.name}: ${stacks.join(", ")} (${Math.round(ms)} ms)`),
    });
    log(`synth: writing ${app.node.children.length} stack(s) to ${app.outdir} and checking the policy pack ...`);
    app.synth();
  } catch (error) {
    fail("synth failed: ", error);
  }
  if (quiet) return;
  try {
    log(formatSynthSummary(readSynthOutput(app.outdir), performance.now() - started));
  } catch (error) {
    fail("synth succeeded, but its summary could not be read: ", error);
  }
}

void main();
