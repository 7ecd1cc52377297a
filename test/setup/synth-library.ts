/**
 * Child process of the test run's global setup: synthesizes every real environment through the library
 * (`buildApp`, with the synth speed-ups of src/app/perf.ts, as `npm run synth` and the cdktf CLI run it)
 * once per job, in order, in one process (the modules load once). Each job writes its stacks into its
 * `outdir`, the policy pack's result as JSON into its `policyFile`, and then its `doneFile` (a
 * ChildResult), so that tests waiting for the first job need not wait for the second. A job with
 * `forceSmokeTestApp` synthesizes only the environments that have the smoke-test app off, with it on
 * (what `npm run verify` synthesizes for them).
 * Usage: synth-library.ts '<jobs as JSON>'
 * When a job fails, its done file and those of the jobs after it carry exit status 1 and the error
 * message (no stack trace), and the process exits 1.
 */
import { READS, STARTED_AT } from "./synth-reads";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { buildApp } from "../../src/app/app";
import { installSynthSpeedups } from "../../src/app/perf";
import { errorParagraph } from "../../src/app/synth-report";
import { loadEnvironments } from "../../src/config/environments";
import { policyResult } from "../../src/policy";
import { SYNTHESIZED, writeDoneFile, type SynthJob } from "./global-synth";
import { collectInputs, storeEntry, synthCacheKey } from "./synth-cache";

/** Keeps the job's output for later runs (test/setup/synth-cache.ts); a failure to store costs only time. */
function store(job: SynthJob, cacheDir: string): void {
  try {
    const inputs = collectInputs(synthCacheKey(job, process.env), [...Object.keys(require.cache), ...READS], [job.outdir, job.policyFile, tmpdir()], STARTED_AT);
    if (inputs) storeEntry(cacheDir, job.outdir, job.policyFile, inputs);
  } catch (error) {
    process.stderr.write(`not cached: ${(error as Error).message}\n`);
  }
}

const jobs = JSON.parse(process.argv[2] ?? "[]") as SynthJob[];
if (jobs.length === 0) throw new Error("usage: synth-library.ts '<jobs as JSON>'");
installSynthSpeedups();
jobs.forEach((job, index) => {
  try {
    const envs = job.forceSmokeTestApp ? loadEnvironments().filter((env) => !env.smokeTestApp).map((env) => ({ ...env, smokeTestApp: true })) : loadEnvironments();
    const app = buildApp(envs, { outdir: job.outdir });
    app.synth();
    const policy = policyResult(app);
    if (!policy) throw new Error("the policy pack did not run during synth");
    writeFileSync(job.policyFile, JSON.stringify(policy));
    if (job.cacheDir) store(job, job.cacheDir);
    writeDoneFile(job.doneFile, SYNTHESIZED);
  } catch (error) {
    const message = `${errorParagraph(error)}\n`;
    process.stderr.write(message);
    for (const failed of jobs.slice(index)) writeDoneFile(failed.doneFile, { status: 1, stdout: "", stderr: message });
    process.exit(1);
  }
});
