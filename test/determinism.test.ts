/**
 * Synthesis is byte-identical run to run and holds no machine-specific path. The two runs compared are
 * the global setup's (test/setup/global-synth.ts): the library in one process (every environment),
 * `CDN_ENVIRONMENTS=dev npm run synth` in another, each into its own directory.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nonEmpty } from "./helpers/assert";
import { synthCliRun, synthesizeAll, type Synthesized } from "./helpers/synth";

describe("determinism", () => {
  it("two syntheses produce byte-identical stacks and manifests", () => {
    const first = synthesizeAll();
    const cli = synthCliRun();
    expect(cli.status, cli.stderr).toBe(0);
    expect(first.text.size).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(join(cli.outdir, "manifest.json"), "utf8")) as Synthesized["manifest"];
    const names = nonEmpty(Object.keys(manifest.stacks), "stacks of the second synthesis");
    for (const name of names) {
      expect(manifest.stacks[name], name).toEqual(first.manifest.stacks[name]);
      expect(readFileSync(join(cli.outdir, manifest.stacks[name].workingDirectory, "cdk.tf.json"), "utf8") === first.text.get(name), name).toBe(true);
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
