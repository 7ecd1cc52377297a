/**
 * The one required check of the plan workflow: given the results of the jobs it needs (the
 * `toJSON(needs)` of the gate job), it passes only when every job ran and succeeded, and the plan
 * jobs either ran and succeeded or were deliberately not needed (every stack deferred or skipped).
 * A skipped job is never a pass by itself: a fork's pull request (no OIDC token) or a cancelled run
 * fails the gate instead of merging without a plan.
 */

/** One needed job as `toJSON(needs)` shows it. */
export interface NeededJob {
  /** success, failure, cancelled or skipped. */
  readonly result: string;
  /** The job's outputs. */
  readonly outputs?: Readonly<Record<string, string>>;
}

/** What the gate expects of the plan workflow's jobs. */
export interface GateRules {
  /** Jobs that must have succeeded. */
  readonly required: readonly string[];
  /** Jobs that may also be skipped (e.g. the comment in a merge queue, where there is no pull request). */
  readonly optional?: readonly string[];
  /** Jobs that may be skipped only when the schedule still succeeded (the state job, when no environment has remote state). */
  readonly beforeSchedule?: readonly string[];
  /** The job that decides what is planned, whose outputs `count` (stacks to plan) and `blocking` (unacknowledged removals) are read. */
  readonly schedule: string;
  /** The matrix job that plans; it may be skipped only when the schedule planned nothing. */
  readonly plan: string;
}

/** Problems that fail the gate (empty: pass). */
export function gateProblems(needs: Readonly<Record<string, NeededJob>>, rules: GateRules): string[] {
  const problems: string[] = [];
  const result = (job: string) => needs[job]?.result ?? "missing";
  const all = [...rules.required, ...(rules.beforeSchedule ?? []), rules.schedule, rules.plan, ...(rules.optional ?? [])];
  for (const job of all) if (!(job in needs)) problems.push(`${job}: not among the gate's needs (fix the workflow)`);
  for (const job of [...rules.required, rules.schedule]) {
    const r = result(job);
    if (r === "skipped") problems.push(`${job}: skipped; nothing was checked (a fork's pull request gets no OIDC token: push the branch to this repository to plan it)`);
    else if (r !== "success") problems.push(`${job}: ${r}`);
  }
  for (const job of rules.beforeSchedule ?? []) {
    const r = result(job);
    if (r === "skipped" && result(rules.schedule) === "success") continue;
    if (r === "skipped") problems.push(`${job}: skipped; nothing was checked (a fork's pull request gets no OIDC token: push the branch to this repository to plan it)`);
    else if (r !== "success") problems.push(`${job}: ${r}`);
  }
  for (const job of rules.optional ?? []) {
    const r = result(job);
    if (r !== "success" && r !== "skipped") problems.push(`${job}: ${r}`);
  }
  const schedule = needs[rules.schedule];
  if (schedule?.result === "success") {
    const count = Number(schedule.outputs?.count ?? "NaN");
    const blocking = Number(schedule.outputs?.blocking ?? "NaN");
    if (!Number.isInteger(count) || !Number.isInteger(blocking)) problems.push(`${rules.schedule}: outputs count/blocking missing (got ${JSON.stringify(schedule.outputs ?? {})})`);
    if (blocking > 0) problems.push(`${blocking} removed stack(s) not acknowledged: see the plan comment (docs/ci.md, removed stacks)`);
    const plan = result(rules.plan);
    if (count > 0 && plan !== "success") problems.push(`${rules.plan}: ${plan} although ${count} stack(s) were scheduled to plan`);
    if (count === 0 && plan !== "skipped" && plan !== "success") problems.push(`${rules.plan}: ${plan}`);
  }
  return problems;
}
