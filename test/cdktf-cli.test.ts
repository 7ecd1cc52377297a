/**
 * The synth entry under the real cdktf CLI (`npx cdktf synth`): its output is clean, with no progress
 * of ours shown as `[ERROR] default - ...` (the CLI shows every stderr line of its app that way), and
 * no environment variable is needed for it. Slow (the CLI starts Terraform several times), so it runs
 * with the real-Terraform test in `npm test`, not in `npm run test:unit`. Skipped, loudly, without
 * terraform on PATH.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { unavailableReason } from "../tools/terraform-check";

const ROOT = join(__dirname, "..");
const reason = unavailableReason();
if (reason) console.warn(`!!! CDKTF CLI TEST SKIPPED: ${reason} !!!`);

const scratch = mkdtempSync(join(tmpdir(), "cdn-cdktf-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(reason !== undefined)("npx cdktf synth", () => {
  it("prints the CLI's own lines only: no [ERROR] lines, no progress of ours; writes the stacks", { timeout: 180_000 }, () => {
    const cli = createRequire(join(ROOT, "package.json")).resolve("cdktf-cli/bundle/bin/cdktf");
    const outdir = join(scratch, "out");
    const cliConfig = join(scratch, "terraform.rc"); // an empty Terraform CLI config: no warnings about a missing one
    writeFileSync(cliConfig, "");
    const r = spawnSync(process.execPath, [cli, "synth", "--output", outdir], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        ...process.env,
        CDN_ENVIRONMENTS: "dev",
        CDN_SYNTH_QUIET: "", // no variable of ours silences it
        CHECKPOINT_DISABLE: "1",
        TF_CLI_CONFIG_FILE: cliConfig,
        CDKTF_CONTEXT_JSON: undefined,
        CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: undefined,
      },
      maxBuffer: 64 * 1024 * 1024,
    });
    const output = `${r.stdout}${r.stderr}`;
    expect(r.status, output).toBe(0);
    expect(output).toMatch(/Generated Terraform code for the stacks: dev-bootstrap, dev-global,/);
    expect(output).not.toContain("[ERROR]");
    expect(output).not.toMatch(/synth: /);
    expect(existsSync(join(outdir, "manifest.json"))).toBe(true);
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["dev-bootstrap", "dev-global", "dev-global-k8s", "dev-regional-uswest", "dev-regional-uswest-k8s"]);
  });
});
