/**
 * The real stacks of every environment pass the whole pack, with only the suppressions documented in
 * the committed docs/policy-report.md (regenerate with `npm run policy:report`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nonEmpty } from "./helpers/assert";
import { evaluatePolicies, reasonProblem, renderPolicyReport, RULES } from "../src/policy";
import { synthesizeAll } from "./helpers/synth";

const synth = synthesizeAll();
const { policy } = synth;
const REPORT = join(__dirname, "..", "docs", "policy-report.md");

describe("the real stacks", () => {
  it("are all checked", () => {
    expect([...policy.stacks].sort()).toEqual([...synth.stacks.keys()].sort());
  });

  it("pass every rule", () => {
    expect(policy.violations).toEqual([]);
  });

  it("give the same result when the pure engine reads the written files", () => {
    const again = evaluatePolicies([...synth.stacks].map(([name, json]) => ({ name, json, dependencies: synth.manifest.stacks[name].dependencies })));
    expect(again.violations).toEqual(policy.violations);
    expect(again.suppressions).toEqual(policy.suppressions);
    expect([...again.stacks].sort()).toEqual([...policy.stacks].sort());
  });

  it("have suppressions to check", () => {
    expect(policy.suppressions.length).toBeGreaterThan(0);
  });

  it.each(policy.suppressions.map((s) => [`${s.path} ${s.rule}`, s] as const))("suppression %s has a real reason and covers a finding", (_label, s) => {
    expect(reasonProblem(s.reason)).toBeUndefined();
    expect(nonEmpty(s.covered, `findings covered by ${s.path} ${s.rule}`).every((v) => v.rule === s.rule)).toBe(true);
  });

  it("use only the access-log buckets' documented SSE-S3 suppression (and, for now, the autoscaler one below)", () => {
    expect(policy.suppressions.filter((s) => s.rule !== "CDN-LCY-002").map((s) => `${s.path} ${s.rule}`).sort()).toEqual(
      ["dev", "prod", "staging"]
        .flatMap((env) => [`${env}-bootstrap/state-access-logs CDN-ENC-002`, `${env}-global/bundle-bucket/access-logs CDN-ENC-002`])
        .sort(),
    );
  });

  it("need no CDN-LCY-002 suppression: every node group that ignores desired_size has a Cluster Autoscaler in its plane", () => {
    expect(policy.suppressions.filter((s) => s.rule === "CDN-LCY-002")).toEqual([]);
  });
});

describe("docs/policy-report.md", () => {
  const committed = readFileSync(REPORT, "utf8");

  it("is up to date (run `npm run policy:report` after changing rules, suppressions or stacks)", () => {
    expect(committed).toBe(renderPolicyReport(policy));
  });

  it("lists every rule and every suppression with its reason", () => {
    for (const rule of RULES) expect(committed).toContain(`### ${rule.id}: ${rule.title}`);
    for (const s of policy.suppressions) expect(committed).toContain(`| \`${s.stack}\` | \`${s.path}\` | ${s.rule} | ${s.reason} |`);
  });
});
