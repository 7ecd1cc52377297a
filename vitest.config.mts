import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The real-Terraform test runs for most of the suite's time, mostly in Terraform processes of its own:
 * it starts first (on a clean clone vitest would start small files last), then the cdktf CLI test, and
 * the other worker runs every other file meanwhile.
 */
const SLOW_FIRST = [/\/terraform\.test\.ts$/, /\/cdktf-cli\.test\.ts$/];
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
    // Every real environment is synthesized once per run, here, and shared by the test files.
    globalSetup: ["test/setup/global-synth.ts"],
    // Test files of one worker share loaded modules (cdktf and the provider bindings load once per
    // worker, not once per file). No test mocks modules or changes process-wide state for long.
    isolate: false,
    sequence: { sequencer: SlowFirst },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Synthesis is CPU-bound; two cores, two workers.
    maxWorkers: 2,
    // Never record a snapshot by accident: a missing or different snapshot fails. `npm run test:update`
    // (vitest -u) records them on purpose, for review in the diff.
    update: "none",
    reporters: ["default"],
  },
});
