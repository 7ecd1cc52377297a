/** Synthesis is byte-identical run to run and holds no machine-specific path. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allEnvironments, synthesize, synthesizeAll } from "./helpers/synth";

describe("determinism", () => {
  it("two syntheses produce byte-identical stacks and manifests", () => {
    const first = synthesizeAll();
    const second = synthesize(allEnvironments());
    expect([...second.text.keys()].sort()).toEqual([...first.text.keys()].sort());
    for (const [name, text] of first.text) expect(second.text.get(name), name).toBe(text);
    const manifest = (dir: string) => readFileSync(join(dir, "manifest.json"), "utf8");
    expect(manifest(second.outdir)).toBe(manifest(first.outdir));
  });

  it("contains no absolute path of the checkout or the output directory", () => {
    const synth = synthesizeAll();
    for (const [name, text] of synth.text) {
      expect(text.includes(process.cwd()), `${name} mentions ${process.cwd()}`).toBe(false);
      expect(text.includes(synth.outdir), `${name} mentions ${synth.outdir}`).toBe(false);
      expect(text, name).not.toMatch(/"\/(home|root|tmp|work|Users)\//);
    }
  });
});
