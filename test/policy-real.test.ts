/**
 * The real stacks of every environment pass the whole pack, with only the suppressions documented in
 * the committed docs/policy-report.md (regenerate with `npm run policy:report`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
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

  it.each(policy.suppressions.map((s) => [`${s.path} ${s.rule}`, s] as const))("suppression %s has a real reason and covers a finding", (_label, s) => {
    expect(reasonProblem(s.reason)).toBeUndefined();
    expect(s.covered.length).toBeGreaterThan(0);
    expect(s.covered.every((v) => v.rule === s.rule)).toBe(true);
  });

  it("use only the access-log buckets' documented SSE-S3 suppression (and, for now, the autoscaler one below)", () => {
    expect(policy.suppressions.filter((s) => s.rule !== "CDN-LCY-002").map((s) => `${s.path} ${s.rule}`).sort()).toEqual(
      ["dev", "prod", "staging"]
        .flatMap((env) => [`${env}-bootstrap/state-access-logs CDN-ENC-002`, `${env}-global/bundle-bucket/access-logs CDN-ENC-002`])
        .sort(),
    );
  });

  // TEMPORARY, FLIP WHEN THE CLUSTER AUTOSCALER MERGES (issue 12, item 8, branch issue-12-incluster):
  // the node groups ignore desired_size for an autoscaler that is not installed yet, so CDN-LCY-002 is
  // suppressed on each of them (stacks/plane-stack.ts, addCluster). Once the autoscaler's helm_release is
  // in the -k8s stacks these suppressions cover nothing and synth fails with CDN-POL-001: delete them in
  // plane-stack.ts and change this expectation to `toEqual([])`.
  it("suppress CDN-LCY-002 on every node group until the autoscaler lands (then: none)", () => {
    const lcy = policy.suppressions.filter((s) => s.rule === "CDN-LCY-002");
    expect(lcy.map((s) => s.path).sort()).toEqual(
      ["dev", "prod", "staging"].flatMap((env) => [`${env}-global/cluster/ng-system`, `${env}-regional-uswest/cluster/ng-system`]).sort(),
    );
    for (const s of lcy) expect(s.covered.map((v) => v.message).join("\n")).toMatch(/no cluster-autoscaler Helm release targets cluster/);
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
