import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Synthesis is CPU-bound; two cores, two workers.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
