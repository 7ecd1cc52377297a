/**
 * The strongest proof we have: real Terraform (`init` + `validate` + offline `plan`) on every global,
 * regional and bootstrap stack of every environment; regional stacks plan against stub state for their
 * cross-stack inputs (placeholder ids), global and bootstrap stacks need none.
 * Skipped, loudly, on a machine without terraform or the provider mirror.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkStacks, formatResults, unavailableReason } from "../tools/terraform-check";
import { allEnvironments, synthesizeAll } from "./helpers/synth";

const reason = unavailableReason();
if (reason) console.warn(`!!! TERRAFORM VALIDATION SKIPPED: ${reason} !!!`);

describe.skipIf(reason !== undefined)("real terraform", () => {
  it("validates and plans every AWS-only stack (regional ones with stubbed cross-stack inputs)", { timeout: 900_000 }, () => {
    const synth = synthesizeAll();
    const envs = allEnvironments();
    const awsOnly = envs.flatMap((e) => [`${e.name}-bootstrap`, `${e.name}-global`, ...e.regions.map((r) => `${e.name}-regional-${r.key}`)]);
    const results = checkStacks({ outdir: synth.outdir, workdir: mkdtempSync(join(tmpdir(), "cdn-tf-")), stacks: awsOnly });
    const table = formatResults(results);
    expect(results.filter((r) => r.status === "failed"), table).toEqual([]);
    for (const name of awsOnly) {
      const result = results.find((r) => r.stack === name);
      expect(result?.status, `${name}\n${table}`).toBe("planned");
      expect(result?.toAdd ?? 0, name).toBeGreaterThan(10);
      // Only regional stacks read other stacks' state; global and bootstrap plan with real inputs only.
      expect(result?.detail === undefined, name).toBe(!name.includes("-regional-"));
    }
  });
});
