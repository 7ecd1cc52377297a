/**
 * Renders the pull-request plan comment from downloaded plan artifacts.
 *
 *   node --import tsx tools/bin/plan-comment.ts <plans-dir> [--out comment.md] [--sha <commit>] [--run-url <url>]
 *        [--schedule schedule.json] [--skipped '<json list of {stack, reason}>'] [--expected '<json list of stacks>']
 *        [--infra-diff <file>]
 *
 * --schedule: the output of tools/bin/plan-schedule.ts; its planned stacks are the expected ones, and
 * its deferred, skipped and removed stacks are listed (a blocking removal counts as failed).
 *
 * Each sub-directory of <plans-dir> holding result.json / plan.json / plan.txt / plan.log is one
 * stack (see tools/plan-comment.ts). Writes the Markdown to --out (or stdout), prints a one-line
 * summary to stderr and, inside GitHub Actions, sets the step outputs `failed` (failed plans plus
 * unacknowledged removals), `destroy` and `stacks`.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { missingPlans, readPlans, renderComment } from "../plan-comment";
import { blockingRemovals, type PlanSchedule } from "../plan-schedule";
import { arg } from "../cli-args";

function main(): void {
  const dir = process.argv[2];
  if (!dir || dir.startsWith("--")) throw new Error("usage: plan-comment.ts <plans-dir> [--out comment.md] [--sha <commit>] [--run-url <url>] [--skipped <json>] [--expected <json>] [--infra-diff <file>]");
  const found = existsSync(dir) ? readPlans(dir) : [];
  const scheduleFile = arg("schedule");
  const schedule = scheduleFile ? (JSON.parse(readFileSync(scheduleFile, "utf8")) as PlanSchedule) : undefined;
  const expected = [...(arg("expected") ? (JSON.parse(arg("expected")!) as string[]) : []), ...(schedule?.plan.map((e) => e.stack) ?? [])];
  const plans = [...found, ...missingPlans(found, expected)].sort((a, b) => a.stack.localeCompare(b.stack));
  const skipped = [...(arg("skipped") ? (JSON.parse(arg("skipped")!) as { stack: string; reason: string }[]) : []), ...(schedule?.skipped ?? [])];
  const diffFile = arg("infra-diff");
  const infraDiff = diffFile && existsSync(diffFile) ? readFileSync(diffFile, "utf8") : undefined;
  const body = renderComment(plans, { sha: arg("sha"), runUrl: arg("run-url"), skipped, infraDiff, deferred: schedule?.deferred, removed: schedule?.removed });
  const out = arg("out");
  if (out) writeFileSync(out, body);
  else process.stdout.write(body);
  const failed = [...plans.filter((p) => p.status === "failed").map((p) => p.stack), ...(schedule ? blockingRemovals(schedule).map((r) => `${r.stack} (removed, not acknowledged)`) : [])];
  const destroy = plans.reduce((n, p) => n + p.destroyed.length, 0);
  process.stderr.write(`plan-comment: ${plans.length} stack(s), ${schedule?.deferred.length ?? 0} deferred, ${failed.length} failed${failed.length ? ` (${failed.join(", ")})` : ""}, ${destroy} resource(s) to destroy\n`);
  if (process.env.GITHUB_OUTPUT) {
    appendFileSync(process.env.GITHUB_OUTPUT, `failed=${failed.length}\ndestroy=${destroy}\nstacks=${plans.length}\n`);
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`plan-comment: ${(error as Error).message}\n`);
  process.exit(1);
}
