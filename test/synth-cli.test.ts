/**
 * `npm run synth`'s progress, and the same entry run by the cdktf CLI (`cdktf synth|diff|deploy`), which
 * it recognizes and stays silent for. Its real run as a child process: test/synth-run.test.ts; its
 * errors as a child process: test/entrypoints.test.ts; the real cdktf CLI: test/cdktf-cli.test.ts.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorParagraph, printsProgress, runByCdktfCli } from "../src/app/synth-report";

const ROOT = join(__dirname, "..");

/** What the cdktf CLI 0.21 puts in its app's environment (@cdktf/cli-core/src/lib/synth-stack.js). */
const CDKTF_CLI_ENV = {
  CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true",
  CDKTF_CONTEXT_JSON: JSON.stringify({ cdktfRelativeModules: [] }),
  SYNTH_HCL_OUTPUT: "false",
};

describe("npm run synth", () => {
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
