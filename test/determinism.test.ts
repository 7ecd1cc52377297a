/**
 * Synthesis is byte-identical run to run and holds no machine-specific path. The two runs compared are
 * the global setup's (test/setup/global-synth.ts): the library in one process, `npm run synth` (with
 * its speed-ups) in another, each into its own directory.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { synthCliRun, synthesizeAll } from "./helpers/synth";

describe("determinism", () => {
  it("two syntheses produce byte-identical stacks and manifests", () => {
    const first = synthesizeAll();
    const cli = synthCliRun();
    expect(cli.status, cli.stderr).toBe(0);
    expect(first.text.size).toBeGreaterThan(0);
    const manifest = (dir: string) => readFileSync(join(dir, "manifest.json"), "utf8");
    expect(manifest(cli.outdir)).toBe(manifest(first.outdir));
    for (const [name, text] of first.text) {
      expect(readFileSync(join(cli.outdir, first.manifest.stacks[name].workingDirectory, "cdk.tf.json"), "utf8"), name).toBe(text);
    }
  });

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
