import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Every real environment is synthesized once per run, here, and shared by the test files.
    globalSetup: ["test/setup/global-synth.ts"],
    // Test files of one worker share loaded modules (cdktf and the provider bindings load once per
    // worker, not once per file). No test mocks modules or changes process-wide state.
    isolate: false,
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
