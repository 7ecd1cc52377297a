/**
 * `.checkov.yml`: Checkov runs on the synthesized stacks in the pull-request workflow, and every skip
 * carries its reason and matches a suppression listed in docs/policy-report.md (and the policy pack's
 * own suppression of the same finding where the pack checks it).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SCANNER_SKIPS } from "../src/policy";
import { synthesizeAll } from "./helpers/synth";

const ROOT = join(__dirname, "..");
const config = readFileSync(join(ROOT, ".checkov.yml"), "utf8");
const report = readFileSync(join(ROOT, "docs", "policy-report.md"), "utf8");

/** The `skip-check:` entries of the config as [check, reason] (reason: the comment on the line). */
function skips(text: string): [string, string][] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => /^skip-check:\s*$/.test(l));
  expect(start, "skip-check: section").toBeGreaterThanOrEqual(0);
  const out: [string, string][] = [];
  for (const line of lines.slice(start + 1)) {
    if (!/^\s+-/.test(line)) break;
    const m = /^\s+-\s+([A-Z0-9_]+)\s*(?:#\s*(.*))?$/.exec(line);
    expect(m, `unparsable skip line: ${line}`).not.toBeNull();
    out.push([m![1], (m![2] ?? "").trim()]);
  }
  return out;
}

/** The rows of the report's "Checkov skips" table as [check, reason, suppression]. */
function reportRows(text: string): string[][] {
  const section = text.slice(text.indexOf("## Checkov skips"), text.indexOf("## Rules"));
  return section
    .split("\n")
    .filter((l) => /^\| CKV/.test(l))
    .map((l) => l.split(" | ").map((c) => c.replace(/^\| /, "").replace(/ \|$/, "")))
    .map((cells) => [cells[0], cells[2], cells[3]]);
}

describe(".checkov.yml", () => {
  it("scans the synthesized stacks as Terraform JSON and fails on findings", () => {
    expect(config).toMatch(/^framework:\n {2}- terraform_json\n/m);
    expect(config).toMatch(/^directory:\n {2}- cdktf\.out\/stacks\n/m);
    expect(config).toMatch(/^soft-fail: false$/m);
  });

  it("gives every skip a reason, equal to the policy pack's list", () => {
    const listed = skips(config);
    expect(listed.length).toBeGreaterThan(0);
    for (const [check, reason] of listed) expect(reason.length, `${check} has no reason`).toBeGreaterThan(30);
    expect(listed).toEqual(SCANNER_SKIPS.map((s) => [s.check, s.reason]));
  });

  it("skips the known non-findings and nothing else", () => {
    expect(skips(config).map(([c]) => c).sort()).toEqual(["CKV2_AWS_5", "CKV2_AWS_57", "CKV2_AWS_62", "CKV_AWS_145"]);
  });

  it("matches each skip with a suppression listed in docs/policy-report.md", () => {
    const rows = reportRows(report);
    expect(rows.map(([check, reason]) => [check, reason])).toEqual(skips(config));
    const synth = synthesizeAll();
    for (const s of SCANNER_SKIPS.filter((x) => x.suppressedAs)) {
      const suppressions = synth.policy.suppressions.filter((p) => p.rule === s.suppressedAs);
      expect(suppressions.length, `${s.check}: no ${s.suppressedAs} suppression in the stacks`).toBeGreaterThan(0);
      for (const p of suppressions) expect(report).toContain(`| \`${p.stack}\` | \`${p.path}\` | ${p.rule} |`);
      expect(rows.find(([check]) => check === s.check)![2]).toBe(s.suppressedAs);
    }
  });

  it("is what the pull-request workflow's Checkov step uses, pinned by SHA", () => {
    const plan = readFileSync(join(ROOT, ".github", "workflows", "plan.yml"), "utf8");
    expect(plan).toMatch(/uses: bridgecrewio\/checkov-action@[0-9a-f]{40} # v\d+\.\d+\.\d+\n {8}with:\n {10}config_file: \.checkov\.yml\n {10}directory: cdktf\.out\/stacks\n {10}framework: terraform_json\n/);
  });
});
