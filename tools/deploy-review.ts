/**
 * Between the deploy workflow's plan jobs and its approval-gated apply: which saved plans may be
 * applied. A plan whose upstream stack's plan changes something was made against the upstream's
 * current outputs, not the ones the upstream apply will produce, so it is not applied: it waits for
 * the upstream ("run the deploy again after it is applied"), like a stack whose upstream is not
 * applied at all. Stacks without changes need no apply. The rest is grouped by runner, in dependency
 * order, for the apply jobs.
 */
import type { StackPlan } from "./plan-comment";
import type { DeferredStack } from "./plan-schedule";
import type { MatrixEntry } from "./stack-matrix";

/** One apply job: a runner and the stacks it applies, in order. */
export interface ApplyGroup {
  /** `runs-on` of the job. */
  readonly runner: string;
  /** Stacks to apply, in dependency order. */
  readonly stacks: readonly string[];
}

/** The review's verdict. */
export interface DeployReview {
  /** Apply jobs, in order (the hosted runner's group first). */
  readonly groups: ApplyGroup[];
  /** Planned without changes: nothing to apply. */
  readonly unchanged: string[];
  /** Not applied in this run, and why. */
  readonly deferred: DeferredStack[];
  /** Plans that failed: nothing is applied. */
  readonly failed: string[];
}

/** Whether a plan changes anything (resources, moves, imports, outputs). */
export function planChanges(plan: StackPlan): boolean {
  const c = plan.counts;
  return !!c && c.add + c.change + c.destroy + c.import + c.forget + c.move + c.outputs > 0;
}

/** Reviews the plans of `planned` (the schedule's plan list, in dependency order). */
export function reviewDeploy(planned: readonly MatrixEntry[], plans: readonly StackPlan[], scheduleDeferred: readonly DeferredStack[] = []): DeployReview {
  const byStack = new Map(plans.map((p) => [p.stack, p]));
  const failed = planned.filter((e) => byStack.get(e.stack)?.status !== "planned").map((e) => e.stack);
  if (failed.length > 0) return { groups: [], unchanged: [], deferred: [...scheduleDeferred], failed };
  const changing = new Set(planned.filter((e) => planChanges(byStack.get(e.stack)!)).map((e) => e.stack));
  const waiting = new Set(scheduleDeferred.map((d) => d.stack));
  const deferred: DeferredStack[] = [...scheduleDeferred];
  const unchanged: string[] = [];
  const groups = new Map<string, string[]>();
  for (const entry of planned) {
    const blockers = entry.dependencies.filter((d) => changing.has(d) || waiting.has(d));
    if (blockers.length > 0) {
      waiting.add(entry.stack);
      deferred.push({
        stack: entry.stack,
        waitsFor: blockers,
        reason: `${blockers.join(", ")} change${blockers.length === 1 ? "s" : ""} in this run, and this plan read ${blockers.length === 1 ? "its" : "their"} current outputs: run the deploy again after ${blockers.length === 1 ? "it is" : "they are"} applied`,
        offline: changing.has(entry.stack) ? "its saved plan has changes (see the run summary)" : "its saved plan has no changes yet",
      });
      continue;
    }
    if (!changing.has(entry.stack)) {
      unchanged.push(entry.stack);
      continue;
    }
    const runner = entry.runner ?? "ubuntu-24.04";
    groups.set(runner, [...(groups.get(runner) ?? []), entry.stack]);
  }
  const ordered = [...groups.entries()].sort(([a], [b]) => (a.startsWith("ubuntu") === b.startsWith("ubuntu") ? 0 : a.startsWith("ubuntu") ? -1 : 1));
  return { groups: ordered.map(([runner, stacks]) => ({ runner, stacks })), unchanged, deferred, failed };
}
