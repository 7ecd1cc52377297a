/**
 * Dependency-ordered planning from a synthesized app and recorded state listings (the shapes of
 * `aws s3api list-objects-v2 --output json` and the state summaries the state job makes): stacks whose
 * upstream is not applied are deferred, never failed; stacks in state but no longer synthesized are
 * removed and block until acknowledged. No AWS.
 */
import { describe, expect, it } from "vitest";
import { readSynthOutput } from "../src/app/synth-output";
import { loadEnvironments } from "../src/config/environments";
import { blockingRemovals, remoteStateReads, schedulePlans, stackOfKey, type EnvironmentState } from "../tools/plan-schedule";
import { buildMatrix, NO_RUNNER_REASON } from "../tools/stack-matrix";
import { synthesize, synthesizeAll } from "./helpers/synth";

const PREFIX = "cdn-control-plane";
// The accounts as before their in-VPC runners are set up (no runner projects yet): the in-cluster
// stacks cannot be planned anywhere and are listed as such.
const NO_RUNNERS = { "access.ciRunners.enabled": false };
const synth = synthesize(loadEnvironments(["staging", "prod"], { values: { staging: NO_RUNNERS, prod: NO_RUNNERS } }));
const output = readSynthOutput(synth.outdir);
const matrix = buildMatrix(output, { remoteStateOnly: true, runners: { runId: "42", runAttempt: "1" } });
const regionalReads = remoteStateReads(output, "prod-regional-uswest").get("prod-global")!;

/** A listing with one object per stack name (plus a lock file and a workspace object that must be ignored). */
function listing(stacks: string[]): EnvironmentState["listing"] {
  return {
    Contents: [
      ...stacks.map((s) => ({ Key: `${PREFIX}/${s}.tfstate`, Size: 182_000, LastModified: "2026-11-30T10:00:00.000Z" })),
      { Key: `${PREFIX}/prod-global.tfstate.tflock`, Size: 120 },
      { Key: `env:/other/${PREFIX}/prod-old.tfstate`, Size: 100 },
    ],
  };
}

describe("schedulePlans on the synthesized staging and prod stacks", () => {
  it("reads which upstream outputs a regional stack needs", () => {
    expect(regionalReads.size).toBeGreaterThan(0);
    for (const o of regionalReads) expect(o).toMatch(/^cross-stack-output-/);
  });

  it("a first PR against empty accounts: every stack is deferred or planned, none fails", () => {
    const schedule = schedulePlans(output, matrix, [
      { environment: "staging", prefix: PREFIX, unavailable: "no plan role configured (AWS_PLAN_ROLE_ARN_STAGING is empty)" },
      { environment: "prod", prefix: PREFIX, listing: {} },
    ]);
    // prod-global has no upstream: it plans (every resource to create); its dependants wait for it.
    expect(schedule.plan.map((e) => e.stack)).toEqual(["prod-global"]);
    expect(schedule.deferred.map((d) => [d.stack, d.waitsFor])).toEqual([
      ["staging-global", ["staging-bootstrap"]],
      ["prod-regional-uswest", ["prod-global"]],
      ["staging-regional-uswest", ["staging-bootstrap"]],
    ]);
    const regional = schedule.deferred.find((d) => d.stack === "prod-regional-uswest")!;
    expect(regional.reason).toBe("prod-global is not applied yet (no state object)");
    expect(regional.offline).toMatch(/^\d+ resource\(s\) in the synthesized configuration; the offline diff below shows them$/);
    // The in-cluster stacks have no runner in their VPC yet: skipped with that reason, not failed.
    const k8s = schedule.skipped.filter((s) => s.stack.endsWith("-k8s"));
    expect(k8s.map((s) => s.stack)).toEqual(["prod-global-k8s", "staging-global-k8s", "prod-regional-uswest-k8s", "staging-regional-uswest-k8s"]);
    for (const s of k8s) expect(s.reason).toContain(NO_RUNNER_REASON);
    expect(schedule.removed).toEqual([]);
  });

  it("with runners in the VPCs, defers each in-cluster stack behind its plane stack instead of skipping it", () => {
    // prod's stacks as the environment file has them (runners on), from the run's shared synthesis.
    const all = readSynthOutput(synthesizeAll().outdir);
    const prod = (name: string) => name.startsWith("prod-");
    const withRunners = { outdir: all.outdir, manifest: new Map([...all.manifest].filter(([n]) => prod(n))), stacks: new Map([...all.stacks].filter(([n]) => prod(n))) };
    expect([...withRunners.stacks.keys()]).toContain("prod-global-k8s");
    const schedule = schedulePlans(withRunners, buildMatrix(withRunners, { remoteStateOnly: true, runners: { runId: "42", runAttempt: "1" } }), [
      { environment: "prod", prefix: PREFIX, listing: {} },
    ]);
    expect(schedule.skipped.filter((s) => s.stack.endsWith("-k8s"))).toEqual([]);
    expect(schedule.deferred.filter((d) => d.stack.endsWith("-k8s")).map((d) => [d.stack, d.waitsFor])).toEqual([
      ["prod-global-k8s", ["prod-global"]],
      ["prod-regional-uswest-k8s", ["prod-regional-uswest"]],
    ]);
  });

  it("plans a dependant once its upstream is applied with the outputs it reads", () => {
    const schedule = schedulePlans(output, matrix, [
      { environment: "staging", prefix: PREFIX, listing: {} },
      {
        environment: "prod",
        prefix: PREFIX,
        listing: listing(["prod-global"]),
        summaries: { [`${PREFIX}/prod-global.tfstate`]: { resources: 120, types: ["aws_vpc"], outputs: [...regionalReads] } },
      },
    ]);
    expect(schedule.plan.map((e) => e.stack)).toEqual(["prod-global", "staging-global", "prod-regional-uswest"]);
    expect(schedule.deferred.map((d) => d.stack)).toEqual(["staging-regional-uswest"]);
  });

  it("defers a dependant when the upstream state lacks an output it reads, or is empty", () => {
    const [first, ...rest] = [...regionalReads].sort();
    const lacking = schedulePlans(output, matrix, [
      { environment: "staging", prefix: PREFIX, listing: {} },
      { environment: "prod", prefix: PREFIX, listing: listing(["prod-global"]), summaries: { [`${PREFIX}/prod-global.tfstate`]: { resources: 120, outputs: rest } } },
    ]);
    const regional = lacking.deferred.find((d) => d.stack === "prod-regional-uswest")!;
    expect(regional.waitsFor).toEqual(["prod-global"]);
    expect(regional.reason).toBe(`prod-global does not export ${first} yet (it is applied from an older commit)`);
    const empty = schedulePlans(output, matrix, [
      { environment: "staging", prefix: PREFIX, listing: {} },
      { environment: "prod", prefix: PREFIX, listing: listing(["prod-global"]), summaries: { [`${PREFIX}/prod-global.tfstate`]: { resources: 0, outputs: [] } } },
    ]);
    expect(empty.deferred.find((d) => d.stack === "prod-regional-uswest")!.reason).toMatch(/state is empty/);
  });

  it("detects a stack in state that is no longer synthesized and blocks until acknowledged", () => {
    const states: EnvironmentState[] = [
      { environment: "staging", prefix: PREFIX, listing: listing(["staging-regional-euwest"]), summaries: { [`${PREFIX}/staging-regional-euwest.tfstate`]: { resources: 0 } } },
      {
        environment: "prod",
        prefix: PREFIX,
        listing: listing(["prod-global", "prod-regional-uswest", "prod-regional-useast", "prod-regional-useast-k8s"]),
        summaries: {
          [`${PREFIX}/prod-global.tfstate`]: { resources: 120, outputs: [...regionalReads] },
          [`${PREFIX}/prod-regional-useast.tfstate`]: { resources: 96 },
          [`${PREFIX}/prod-regional-useast-k8s.tfstate`]: { resources: 14 },
        },
      },
    ];
    const schedule = schedulePlans(output, matrix, states);
    expect(schedule.removed.map((r) => [r.stack, r.resources, r.acknowledged])).toEqual([
      ["prod-regional-useast", 96, false],
      ["prod-regional-useast-k8s", 14, false],
      ["staging-regional-euwest", 0, false],
    ]);
    // A destroyed stack (empty state) does not block; the others do until acknowledged.
    expect(blockingRemovals(schedule).map((r) => r.stack)).toEqual(["prod-regional-useast", "prod-regional-useast-k8s"]);
    const acked = schedulePlans(output, matrix, states, [{ stack: "prod-regional-useast", reason: "region retired (#123)" }]);
    expect(blockingRemovals(acked).map((r) => r.stack)).toEqual(["prod-regional-useast-k8s"]);
  });

  it("refuses a truncated listing and an environment without recorded state", () => {
    expect(() => schedulePlans(output, matrix, [{ environment: "staging", prefix: PREFIX, listing: {} }, { environment: "prod", prefix: PREFIX, listing: { IsTruncated: true } }])).toThrow(/truncated/);
    expect(() => schedulePlans(output, matrix, [{ environment: "prod", prefix: PREFIX, listing: {} }])).toThrow(/no recorded state for environment staging/);
  });
});

describe("stackOfKey", () => {
  it("reads only <prefix>/<stack>.tfstate keys", () => {
    expect(stackOfKey("a/b", "a/b/prod-global.tfstate")).toBe("prod-global");
    expect(stackOfKey("a/b", "a/b/prod-global.tfstate.tflock")).toBeUndefined();
    expect(stackOfKey("a/b", "a/b/nested/x.tfstate")).toBeUndefined();
    expect(stackOfKey("a/b", "a/bc/x.tfstate")).toBeUndefined();
  });
});

