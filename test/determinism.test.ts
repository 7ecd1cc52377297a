/**
 * Synthesized output holds no machine-specific path. Byte-identical run to run (two processes):
 * test/synth-run.test.ts.
 */
import { describe, expect, it } from "vitest";
import { synthesizeAll } from "./helpers/synth";

describe("determinism", () => {
  it("contains no absolute path of the checkout or the output directory", () => {
    const synth = synthesizeAll();
    expect(synth.text.size).toBeGreaterThan(0);
    for (const [name, text] of synth.text) {
      expect(text.includes(process.cwd()), `${name} mentions ${process.cwd()}`).toBe(false);
      expect(text.includes(synth.outdir), `${name} mentions ${synth.outdir}`).toBe(false);
      expect(text, name).not.toMatch(/"\/(home|root|tmp|work|Users)\//);
    }
  });
});
