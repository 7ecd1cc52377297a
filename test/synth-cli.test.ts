/**
 * `npm run synth` as people run it: progress and a summary on stderr, the same files, clear errors; and
 * the same entry run by the cdktf CLI (`cdktf synth|diff|deploy`): silent on success, the error on failure.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { errorParagraph, printsProgress, runByCdktfCli } from "../src/app/synth-report";
import { synthCliRun, synthesizeAll } from "./helpers/synth";
import { CLI_ENVIRONMENT } from "./setup/global-synth";

const ROOT = join(__dirname, "..");
const scratch = mkdtempSync(join(tmpdir(), "cdn-synth-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What the cdktf CLI 0.21 puts in its app's environment (@cdktf/cli-core/src/lib/synth-stack.js). */
const CDKTF_CLI_ENV = {
  CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true",
  CDKTF_CONTEXT_JSON: JSON.stringify({ cdktfRelativeModules: [] }),
  SYNTH_HCL_OUTPUT: "false",
};

let runs = 0;
function synthCli(env: NodeJS.ProcessEnv) {
  const outdir = join(scratch, `out-${++runs}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/app/main.ts"], {
    cwd: ROOT,
    encoding: "utf8",
    env: {
      ...process.env,
      CDKTF_CONTEXT_JSON: undefined,
      CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: undefined,
      CDKTF_OUTDIR: outdir,
      CDN_SYNTH_QUIET: "",
      CDN_ENVIRONMENTS: "",
      ...env,
    },
  });
  return { ...r, outdir };
}

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

  it("reports a bad selection as one paragraph without a stack trace, before writing anything", () => {
    const r = synthCli({ CDN_ENVIRONMENTS: "qa" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("CDN_ENVIRONMENTS");
    expect(r.stderr).toContain('got ["qa"]; must name environments that exist: dev, staging, prod');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(r.outdir)).toBe(false);
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

  it("prints nothing on success (the CLI shows every stderr line as [ERROR])", () => {
    const r = synthCli({ ...CDKTF_CLI_ENV, CDN_ENVIRONMENTS: "dev" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("");
    expect(readFileSync(join(r.outdir, "manifest.json"), "utf8")).toContain('"dev-regional-uswest"');
  });

  it("still reports an error, as one paragraph, and exits 1", () => {
    const r = synthCli({ ...CDKTF_CLI_ENV, CDN_ENVIRONMENTS: "nope" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("must name environments that exist: dev, staging, prod");
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

describe("errorParagraph", () => {
  it("keeps the message, drops the stack and runs of blank lines", () => {
    const error = new Error("first line\n\n\n  second line  \n");
    expect(errorParagraph(error)).toBe("first line\n\n  second line");
    expect(errorParagraph("plain")).toBe("plain");
  });
});
