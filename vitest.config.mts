import { availableParallelism } from "node:os";
import { configDefaults, defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The suites that start processes: real Terraform, the cdktf CLI, the entry points as child processes
 * (`npm run synth` among them: the global setup starts it only for these), git, PostgreSQL, Prometheus,
 * Alertmanager. `npm run test:unit` (CDN_TEST_UNIT=1) leaves them out: the inner
 * loop. `npm test` and CI run everything.
 */
const PROCESS_SUITES = [
  "test/terraform.test.ts",
  "test/cdktf-cli.test.ts",
  "test/entrypoints.test.ts",
  "test/infra-diff-e2e.test.ts",
  "test/synth-run.test.ts",
  "test/database-user-sql.test.ts",
  "test/restore-drill-pg.test.ts",
  "test/alerting-rules.test.ts",
  "test/verify/sql-probe.test.ts",
  "test/verify/prometheus.test.ts",
];
const UNIT_ONLY = process.env.CDN_TEST_UNIT === "1";
const CORES = availableParallelism();

/**
 * The longest files wait on processes of their own (Terraform; PostgreSQL through the failover drills;
 * the cdktf CLI; the entry points): they start first (on a clean clone vitest would start small files
 * last), and the other workers run every other file meanwhile.
 */
const SLOW_FIRST = [/\/terraform\.test\.ts$/, /\/sql-probe\.test\.ts$/, /\/cdktf-cli\.test\.ts$/, /\/entrypoints\.test\.ts$/];
class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.findIndex((pattern) => pattern.test(f.moduleId));
      return i < 0 ? SLOW_FIRST.length : i;
    };
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: [...configDefaults.exclude, ...(UNIT_ONLY ? PROCESS_SUITES : [])],
    // Every real environment is synthesized once per run, here, and shared by the test files.
    globalSetup: ["test/setup/global-synth.ts"],
    // cdktf's token-creation stack traces are skipped in the workers (Error stack traces are not).
    setupFiles: ["test/setup/token-traces.ts"],
    // Test files of one worker share loaded modules (cdktf and the provider bindings load once per
    // worker, not once per file). No test mocks modules or changes process-wide state for long.
    isolate: false,
    sequence: { sequencer: SlowFirst },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Synthesis is CPU-bound: one worker per core. The process suites spend much of their time waiting
    // (on Terraform's own processes, on servers during drills and scrapes), so `npm test` runs one
    // worker more to fill that time with other files (2 cores: 40-42 s with two workers, 38-39 s with three).
    maxWorkers: UNIT_ONLY ? CORES : CORES + 1,
    // Node 20.19+ parses every CommonJS file loaded through `import` a second time to detect ES module
    // syntax; no dependency here relies on that (a tenth of the workers' CPU time). Only where Node has the flag.
    execArgv: process.allowedNodeEnvironmentFlags.has("--experimental-detect-module") ? ["--no-experimental-detect-module"] : [],
    // Never record a snapshot by accident: a missing or different snapshot fails. `npm run test:update`
    // (vitest -u) records them on purpose, for review in the diff.
    update: "none",
    reporters: ["default"],
    // Transformed modules cached on disk between runs (node_modules/.experimental-vitest-cache, keyed by
    // content): the inner loop stops re-transforming ~300 unchanged TypeScript files. A clean clone
    // (CI) starts without it.
    experimental: { fsModuleCache: true },
  },
});
