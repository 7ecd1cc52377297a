/**
 * `npm run synth` as people run it: progress and a summary on stderr, the same files; and the same entry
 * run by the cdktf CLI (`cdktf synth|diff|deploy`), which it recognizes and stays silent for. The entry's
 * errors as a child process are in test/entrypoints.test.ts; the real cdktf CLI in test/cdktf-cli.test.ts.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorParagraph, printsProgress, runByCdktfCli } from "../src/app/synth-report";
import { synthCliRun, synthesizeAll } from "./helpers/synth";
import { CLI_ENVIRONMENT } from "./setup/global-synth";

const ROOT = join(__dirname, "..");

/** What the cdktf CLI 0.21 puts in its app's environment (@cdktf/cli-core/src/lib/synth-stack.js). */
const CDKTF_CLI_ENV = {
  CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true",
  CDKTF_CONTEXT_JSON: JSON.stringify({ cdktfRelativeModules: [] }),
  SYNTH_HCL_OUTPUT: "false",
};

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

  it("prints progress only for people: not with CDN_SYNTH_QUIET=1, not under the cdktf CLI", () => {
    expect(printsProgress({})).toBe(true);
    expect(printsProgress({ CDN_SYNTH_QUIET: "", CDKTF_OUTDIR: "/x" })).toBe(true);
    expect(printsProgress({ CDN_SYNTH_QUIET: "1" })).toBe(false);
    expect(printsProgress(CDKTF_CLI_ENV)).toBe(false);
  });
});

describe("under the cdktf CLI", () => {
  it("recognizes the CLI by the variables it sets for its app, and nothing else", () => {
    expect(runByCdktfCli(CDKTF_CLI_ENV)).toBe(true);
    expect(runByCdktfCli({ CDKTF_OUTDIR: "/somewhere" })).toBe(false); // set by people and tools too
    expect(runByCdktfCli({})).toBe(false);
  });

  it("relies on variables the installed cdktf CLI really sets", () => {
    const resolve = createRequire(join(ROOT, "package.json")).resolve;
    const source = readFileSync(resolve("@cdktf/cli-core/src/lib/synth-stack.js"), "utf8");
    expect(source).toContain('CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true"');
    expect(source).toContain("[cdktf_1.CONTEXT_ENV]: JSON.stringify(");
    expect(readFileSync(resolve("cdktf/lib/app.js"), "utf8")).toContain('exports.CONTEXT_ENV = "CDKTF_CONTEXT_JSON"');
  });
});

describe("errorParagraph", () => {
  it("keeps the message, drops the stack and runs of blank lines", () => {
    const error = new Error("first line\n\n\n  second line  \n");
    expect(errorParagraph(error)).toBe("first line\n\n  second line");
    expect(errorParagraph("plain")).toBe("plain");
  });
});
