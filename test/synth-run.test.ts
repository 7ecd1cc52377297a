/**
 * `CDN_ENVIRONMENTS=dev npm run synth` as people run it, as a child process of the global setup
 * (test/setup/global-synth.ts): progress and a summary on stderr, nothing on stdout, and the same bytes
 * as the library's synthesis in another process (synthesis is deterministic run to run). A process
 * suite: left out of `npm run test:unit`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nonEmpty } from "./helpers/assert";
import { synthCliRun, synthesizeAll, type Synthesized } from "./helpers/synth";
import { CLI_ENVIRONMENT } from "./setup/global-synth";

describe("npm run synth", () => {
  it("prints per-environment progress and a per-stack summary, and writes the same files as the library", () => {
    const r = synthCliRun(); // CDN_ENVIRONMENTS=dev npm run synth, run once per test run by the global setup
    expect(r.status, r.stderr).toBe(0);
    const lib = synthesizeAll();
    const names = Object.keys(lib.manifest.stacks).filter((n) => n.startsWith(`${CLI_ENVIRONMENT}-`));
    expect(names.length).toBeGreaterThanOrEqual(5);
    expect(r.stderr).toMatch(/^synth: 1 environment\(s\) valid: dev$/m);
    for (const name of names) {
      const count = Object.values(lib.stacks.get(name)!.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
      expect(r.stderr, name).toMatch(new RegExp(`^  ${name} +${count}  (local|s3)`, "m"));
    }
    expect(r.stderr).toMatch(/^synth: built dev: dev-bootstrap, dev-global, dev-regional-uswest, dev-global-k8s, dev-regional-uswest-k8s \(\d+ ms\)$/m);
    expect(r.stderr).toMatch(new RegExp(`^synth: ${names.length} stack\\(s\\), \\d+ resources, written to .+ in \\d+\\.\\d s$`, "m"));
    expect(r.stdout).toBe("");
    const manifest = JSON.parse(readFileSync(join(r.outdir, "manifest.json"), "utf8")) as { stacks: Record<string, unknown> };
    expect(Object.keys(manifest.stacks).sort()).toEqual([...names].sort());
    for (const name of names) {
      expect(readFileSync(join(r.outdir, "stacks", name, "cdk.tf.json"), "utf8") === lib.text.get(name), name).toBe(true);
    }
  });

});

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
});
