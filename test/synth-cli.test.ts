/** `npm run synth` as people run it: progress and a summary on stderr, the same files, clear errors. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorParagraph } from "../src/app/synth-report";
import { synthesizeAll } from "./helpers/synth";

const ROOT = join(__dirname, "..");

function synthCli(env: NodeJS.ProcessEnv) {
  const outdir = join(mkdtempSync(join(tmpdir(), "synth-cli-")), "out");
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/app/main.ts"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CDKTF_OUTDIR: outdir, CDN_SYNTH_QUIET: "", CDN_ENVIRONMENTS: "", ...env },
  });
  return { ...r, outdir };
}

describe("npm run synth", () => {
  it("prints per-environment progress and a per-stack summary, and writes the same files as the library", () => {
    const r = synthCli({});
    expect(r.status, r.stderr).toBe(0);
    const lib = synthesizeAll();
    expect(r.stderr).toMatch(/^synth: 3 environment\(s\) valid: dev, staging, prod$/m);
    for (const name of Object.keys(lib.manifest.stacks)) {
      const count = Object.values(lib.stacks.get(name)!.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
      expect(r.stderr, name).toMatch(new RegExp(`^  ${name} +${count}  (local|s3)`, "m"));
    }
    expect(r.stderr).toMatch(/^synth: built prod: prod-bootstrap, prod-global, prod-regional-uswest, prod-global-k8s, prod-regional-uswest-k8s \(\d+ ms\)$/m);
    expect(r.stderr).toMatch(new RegExp(`^synth: ${lib.text.size} stack\\(s\\), \\d+ resources, written to .+ in \\d+\\.\\d s$`, "m"));
    expect(r.stdout).toBe("");
    for (const [name, text] of lib.text) {
      expect(readFileSync(join(r.outdir, "stacks", name, "cdk.tf.json"), "utf8"), name).toBe(text);
    }
    expect(readFileSync(join(r.outdir, "manifest.json"), "utf8")).toBe(readFileSync(join(lib.outdir, "manifest.json"), "utf8"));
  });

  it("is silent with CDN_SYNTH_QUIET=1", () => {
    const r = synthCli({ CDN_SYNTH_QUIET: "1", CDN_ENVIRONMENTS: "dev" });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
  });

  it("reports a bad selection as one paragraph without a stack trace", () => {
    const r = synthCli({ CDN_ENVIRONMENTS: "nope" });
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
