import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The real-Terraform test runs for most of the suite's time, mostly in Terraform processes of its own:
 * it starts first (on a clean clone vitest would start small files last), and the other worker runs
 * every other file meanwhile.
 */
class TerraformFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const first = (f: TestSpecification) => (/terraform\.test\.ts$/.test(f.moduleId) ? 0 : 1);
    return [...sorted].sort((a, b) => first(a) - first(b));
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
    sequence: { sequencer: TerraformFirst },
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
