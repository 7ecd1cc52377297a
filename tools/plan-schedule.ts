/**
 * Decides, before any plan runs, which stacks can be planned against what is applied: in dependency
 * order, a stack whose upstream stack has no state yet (not applied), an empty state, or lacks the
 * outputs this stack reads is DEFERRED ("waits for <stack>"), never failed; a state object in the
 * bucket whose stack is no longer synthesized is REMOVED ("to destroy (manual step)") and fails the plan
 * until acknowledged in {@link ACKNOWLEDGED_REMOVALS_PATH}.
 *
 * Input per environment: the `aws s3api list-objects-v2 --output json` listing of its state prefix
 * and, per state object, a summary of the state (managed resource count, resource types, output
 * names; tools/bin/plan-schedule.ts documents the jq that makes it). No AWS calls here.
 */
import { environmentOf, resourceCount, type SynthOutput } from "../src/app/synth-output";
import type { MatrixEntry, StackMatrix } from "./stack-matrix";

/** Where removals of whole stacks are acknowledged (reviewed in the pull request that removes them). */
export const ACKNOWLEDGED_REMOVALS_PATH = ".github/removed-stacks.json";

/** The shape of `aws s3api list-objects-v2 --output json` (the fields read). */
export interface ObjectListing {
  /** Objects under the prefix; absent when there are none. */
  readonly Contents?: readonly { readonly Key: string; readonly Size?: number; readonly LastModified?: string }[];
  /** True when more pages exist (the CLI paginates by itself, so this must not be true). */
  readonly IsTruncated?: boolean;
}

/** What one state object holds (names only: no values leave the job). */
export interface StateSummary {
  /** Managed resources in the state. */
  readonly resources: number;
  /** Distinct managed resource types. */
  readonly types?: readonly string[];
  /** Root output names. */
  readonly outputs?: readonly string[];
}

/** One environment's recorded state. */
export interface EnvironmentState {
  /** Environment name. */
  readonly environment: string;
  /** State key prefix. */
  readonly prefix: string;
  /** Why the state could not be read (no plan role configured yet, ...): every stack waits for the bootstrap. */
  readonly unavailable?: string;
  /** The listing of `<prefix>/`. */
  readonly listing?: ObjectListing;
  /** Summaries by object key. */
  readonly summaries?: Readonly<Record<string, StateSummary>>;
}

/** A stack that is not planned yet. */
export interface DeferredStack {
  /** Stack name. */
  readonly stack: string;
  /** The upstream stacks it waits for. */
  readonly waitsFor: readonly string[];
  /** Why, in words. */
  readonly reason: string;
  /** What can be shown without a plan. */
  readonly offline: string;
}

/** A stack that has state in the bucket but is no longer synthesized. */
export interface RemovedStack {
  /** Stack name (from the key). */
  readonly stack: string;
  /** The state object's key. */
  readonly key: string;
  /** Managed resources still in its state (undefined: not summarized). */
  readonly resources?: number;
  /** Whether {@link ACKNOWLEDGED_REMOVALS_PATH} acknowledges it. */
  readonly acknowledged: boolean;
}

/** The schedule. */
export interface PlanSchedule {
  /** Stacks to plan now, in dependency order. */
  readonly plan: MatrixEntry[];
  /** Stacks deferred, in dependency order. */
  readonly deferred: DeferredStack[];
  /** Stacks left out by the matrix (local state, no runner yet, ...), passed through. */
  readonly skipped: { stack: string; reason: string }[];
  /** Stacks in state but not synthesized. */
  readonly removed: RemovedStack[];
}

/** An acknowledged removal (the file holds `{"acknowledged": [...]}`). */
export interface AcknowledgedRemoval {
  /** Stack name. */
  readonly stack: string;
  /** Why, and who destroys it when. */
  readonly reason: string;
}

/** Stack name of a state key `<prefix>/<stack>.tfstate`, or undefined for any other object (lock files, workspaces). */
export function stackOfKey(prefix: string, key: string): string | undefined {
  const m = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/([^/]+)\\.tfstate$`).exec(key);
  return m?.[1];
}

/** The upstream stack each `terraform_remote_state` data source of a stack reads, and the outputs it uses. */
export function remoteStateReads(output: SynthOutput, stack: string): Map<string, Set<string>> {
  const doc = output.stacks.get(stack)!;
  const reads = new Map<string, Set<string>>();
  const text = JSON.stringify(doc);
  for (const [name, block] of Object.entries(doc.data?.terraform_remote_state ?? {})) {
    const key = (block as { config?: { key?: string } }).config?.key ?? "";
    const upstream = /([^/]+)\.tfstate$/.exec(key)?.[1];
    if (!upstream) continue;
    const outputs = reads.get(upstream) ?? new Set<string>();
    const pattern = new RegExp(`data\\.terraform_remote_state\\.${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.outputs\\.([A-Za-z0-9_-]+)`, "g");
    for (const m of text.matchAll(pattern)) outputs.add(m[1]);
    reads.set(upstream, outputs);
  }
  return reads;
}

/** Builds the schedule from the matrix, the synthesized output and the recorded states. */
export function schedulePlans(
  output: SynthOutput,
  matrix: StackMatrix,
  states: readonly EnvironmentState[],
  acknowledged: readonly AcknowledgedRemoval[] = [],
): PlanSchedule {
  const stateOf = new Map(states.map((s) => [s.environment, s]));
  const plan: MatrixEntry[] = [];
  const deferred: DeferredStack[] = [];
  const deferredNames = new Set<string>();
  const offline = (stack: string) =>
    `${resourceCount(output.stacks.get(stack)!)} resource(s) in the synthesized configuration; the offline diff below shows them`;

  for (const entry of matrix.include) {
    const env = stateOf.get(entry.environment);
    const defer = (waitsFor: string[], reason: string) => {
      deferred.push({ stack: entry.stack, waitsFor, reason, offline: offline(entry.stack) });
      deferredNames.add(entry.stack);
    };
    if (!env) throw new Error(`no recorded state for environment ${entry.environment} (stack ${entry.stack})`);
    if (env.unavailable !== undefined) {
      defer([`${entry.environment}-bootstrap`], `the environment's state cannot be read yet: ${env.unavailable}`);
      continue;
    }
    if (env.listing?.IsTruncated) throw new Error(`the state listing of ${entry.environment} is truncated: list with the CLI's own pagination`);
    const keys = new Map((env.listing?.Contents ?? []).map((o) => [stackOfKey(env.prefix, o.Key), o.Key] as const));
    const reads = remoteStateReads(output, entry.stack);
    const reasons: { upstream: string; why: string }[] = [];
    for (const upstream of entry.dependencies) {
      if (deferredNames.has(upstream)) {
        reasons.push({ upstream, why: `${upstream} is deferred itself` });
        continue;
      }
      const key = keys.get(upstream);
      if (!key) {
        reasons.push({ upstream, why: `${upstream} is not applied yet (no state object)` });
        continue;
      }
      const summary = env.summaries?.[key];
      if (summary && summary.resources === 0) {
        reasons.push({ upstream, why: `${upstream}'s state is empty (not applied, or destroyed)` });
        continue;
      }
      const needed = [...(reads.get(upstream) ?? [])].sort();
      const missing = summary?.outputs ? needed.filter((o) => !summary.outputs!.includes(o)) : [];
      if (missing.length > 0) reasons.push({ upstream, why: `${upstream} does not export ${missing.join(", ")} yet (it is applied from an older commit)` });
    }
    if (reasons.length > 0) defer([...new Set(reasons.map((r) => r.upstream))], reasons.map((r) => r.why).join("; "));
    else plan.push(entry);
  }

  const synthesized = new Set(output.manifest.keys());
  const ackNames = new Set(acknowledged.map((a) => a.stack));
  const removed: RemovedStack[] = [];
  for (const env of states) {
    for (const object of env.listing?.Contents ?? []) {
      const stack = stackOfKey(env.prefix, object.Key);
      if (!stack || synthesized.has(stack) || environmentOf(stack) !== env.environment) continue;
      removed.push({ stack, key: object.Key, resources: env.summaries?.[object.Key]?.resources, acknowledged: ackNames.has(stack) });
    }
  }
  removed.sort((a, b) => a.stack.localeCompare(b.stack));
  return { plan, deferred, skipped: [...matrix.skipped], removed };
}

/** Removed stacks that still hold resources and are not acknowledged: each fails the plan. */
export function blockingRemovals(schedule: PlanSchedule): RemovedStack[] {
  return schedule.removed.filter((r) => !r.acknowledged && r.resources !== 0);
}
