/** Which saved plans the deploy may apply: none after a failed plan, none that read an upstream that changes. */
import { describe, expect, it } from "vitest";
import type { PlanCounts, StackPlan } from "../tools/plan-comment";
import { reviewDeploy } from "../tools/deploy-review";
import type { MatrixEntry } from "../tools/stack-matrix";

const entry = (stack: string, dependencies: string[] = [], runner = "ubuntu-24.04"): MatrixEntry => ({
  stack,
  environment: "prod",
  level: dependencies.length,
  region: "us-east-1",
  backend: "s3",
  directory: `cdktf.out/stacks/${stack}`,
  roleVariable: "AWS_PLAN_ROLE_ARN_PROD",
  dependencies,
  runner,
});
const zero: PlanCounts = { add: 0, change: 0, destroy: 0, replace: 0, import: 0, forget: 0, move: 0, outputs: 0 };
const plan = (stack: string, counts: Partial<PlanCounts> = {}, status: "planned" | "failed" = "planned"): StackPlan => ({
  stack,
  status,
  counts: status === "planned" ? { ...zero, ...counts } : undefined,
  destroyed: [],
  replaced: [],
  text: "",
});
const PLANNED = [
  entry("prod-global"),
  entry("prod-global-k8s", ["prod-global"], "codebuild-cdn-prod-global-gha-runner-9-1"),
  entry("prod-regional-uswest", ["prod-global"]),
];

describe("reviewDeploy", () => {
  it("applies every changed plan when no upstream changes, grouped by runner, hosted first", () => {
    const review = reviewDeploy(PLANNED, [plan("prod-global"), plan("prod-global-k8s", { change: 1 }), plan("prod-regional-uswest", { add: 2 })]);
    expect(review.groups).toEqual([
      { runner: "ubuntu-24.04", stacks: ["prod-regional-uswest"] },
      { runner: "codebuild-cdn-prod-global-gha-runner-9-1", stacks: ["prod-global-k8s"] },
    ]);
    expect(review.unchanged).toEqual(["prod-global"]);
    expect(review.deferred).toEqual([]);
  });

  it("defers the dependants of a stack whose plan changes (their plans read its old outputs)", () => {
    const review = reviewDeploy(PLANNED, [plan("prod-global", { outputs: 1 }), plan("prod-global-k8s", { change: 1 }), plan("prod-regional-uswest")]);
    expect(review.groups).toEqual([{ runner: "ubuntu-24.04", stacks: ["prod-global"] }]);
    expect(review.deferred.map((d) => [d.stack, d.waitsFor])).toEqual([
      ["prod-global-k8s", ["prod-global"]],
      ["prod-regional-uswest", ["prod-global"]],
    ]);
    expect(review.deferred[0].reason).toBe("prod-global changes in this run, and this plan read its current outputs: run the deploy again after it is applied");
  });

  it("applies nothing when any plan failed, or a plan is missing", () => {
    expect(reviewDeploy(PLANNED, [plan("prod-global", { add: 1 }), plan("prod-global-k8s", {}, "failed"), plan("prod-regional-uswest")])).toMatchObject({ groups: [], failed: ["prod-global-k8s"] });
    expect(reviewDeploy(PLANNED, [plan("prod-global", { add: 1 })]).failed).toEqual(["prod-global-k8s", "prod-regional-uswest"]);
  });

  it("keeps stacks waiting when their upstream was deferred by the schedule", () => {
    const review = reviewDeploy([entry("prod-regional-uswest-k8s", ["prod-regional-uswest"])], [plan("prod-regional-uswest-k8s", { add: 3 })], [
      { stack: "prod-regional-uswest", waitsFor: ["prod-global"], reason: "not applied", offline: "" },
    ]);
    expect(review.groups).toEqual([]);
    expect(review.deferred.map((d) => d.stack)).toEqual(["prod-regional-uswest", "prod-regional-uswest-k8s"]);
  });
});
