/** The plan workflow's gate: skipped is never a pass, deferral is. */
import { describe, expect, it } from "vitest";
import { gateProblems, type NeededJob } from "../tools/ci-gate";

const RULES = { required: ["build", "checkov"], beforeSchedule: ["state"], optional: ["comment"], schedule: "schedule", plan: "plan" };
const ok: NeededJob = { result: "success" };
const needs = (over: Record<string, NeededJob> = {}, count = "3", blocking = "0"): Record<string, NeededJob> => ({
  build: ok,
  checkov: ok,
  state: ok,
  schedule: { result: "success", outputs: { count, blocking } },
  plan: ok,
  comment: ok,
  ...over,
});

describe("gateProblems", () => {
  it("passes when everything ran and succeeded", () => {
    expect(gateProblems(needs(), RULES)).toEqual([]);
  });

  it("passes when every stack was deliberately deferred and the plan matrix was skipped", () => {
    expect(gateProblems(needs({ plan: { result: "skipped" } }, "0"), RULES)).toEqual([]);
  });

  it("passes a merge-queue run without a comment", () => {
    expect(gateProblems(needs({ comment: { result: "skipped" } }), RULES)).toEqual([]);
  });

  it("fails a fork's pull request whose credentialed jobs were skipped", () => {
    const problems = gateProblems(needs({ state: { result: "skipped" }, schedule: { result: "skipped" }, plan: { result: "skipped" } }), RULES);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^schedule: skipped; nothing was checked \(a fork's pull request gets no OIDC token/);
    expect(problems[1]).toMatch(/^state: skipped/);
  });

  it("accepts a skipped state job only when the schedule still ran (no environment with remote state)", () => {
    expect(gateProblems(needs({ state: { result: "skipped" }, plan: { result: "skipped" } }, "0"), RULES)).toEqual([]);
  });

  it("fails skipped plans although stacks were scheduled, failed plans, and cancelled runs", () => {
    expect(gateProblems(needs({ plan: { result: "skipped" } }), RULES)).toEqual(["plan: skipped although 3 stack(s) were scheduled to plan"]);
    expect(gateProblems(needs({ plan: { result: "failure" } }), RULES)).toEqual(["plan: failure although 3 stack(s) were scheduled to plan"]);
    expect(gateProblems(needs({ build: { result: "cancelled" } }), RULES)).toEqual(["build: cancelled"]);
    expect(gateProblems(needs({ comment: { result: "failure" } }), RULES)).toEqual(["comment: failure"]);
  });

  it("fails on unacknowledged removed stacks, missing outputs and jobs the workflow forgot to need", () => {
    expect(gateProblems(needs({}, "3", "2"), RULES)).toEqual(["2 removed stack(s) not acknowledged: see the plan comment (docs/ci.md, removed stacks)"]);
    expect(gateProblems(needs({ schedule: { result: "success", outputs: {} } }), RULES)[0]).toMatch(/outputs count\/blocking missing/);
    const { checkov: _dropped, ...rest } = needs();
    expect(gateProblems(rest, RULES)).toEqual(["checkov: not among the gate's needs (fix the workflow)", "checkov: missing"]);
  });
});
