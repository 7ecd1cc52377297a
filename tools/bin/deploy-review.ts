/**
 * The deploy workflow's review step (tools/deploy-review.ts): reads the schedule and the downloaded
 * plan artifacts, writes every saved plan into the job summary, and sets the outputs `groups`
 * ({"include": [{runner, stacks}]}, the apply matrix) and `count`.
 *
 *   node --import tsx tools/bin/deploy-review.ts --schedule schedule.json --plans <dir>
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { readPlans } from "../plan-comment";
import type { PlanSchedule } from "../plan-schedule";
import { reviewDeploy } from "../deploy-review";
import { arg } from "../cli-args";

function main(): number {
  const schedule = JSON.parse(readFileSync(arg("schedule") ?? "schedule.json", "utf8")) as PlanSchedule;
  const dir = arg("plans") ?? "plans";
  const plans = existsSync(dir) ? readPlans(dir) : [];
  const review = reviewDeploy(schedule.plan, plans, schedule.deferred);
  const summary: string[] = ["## Saved plans", ""];
  for (const g of review.groups) summary.push(`- apply on \`${g.runner}\`: ${g.stacks.map((s) => `\`${s}\``).join(" -> ")}`);
  for (const s of review.unchanged) summary.push(`- \`${s}\`: no changes`);
  for (const d of review.deferred) summary.push(`- \`${d.stack}\` deferred: waits for ${d.waitsFor.join(", ")} (${d.reason})`);
  for (const s of schedule.skipped) summary.push(`- \`${s.stack}\` not planned: ${s.reason}`);
  for (const f of review.failed) summary.push(`- :x: \`${f}\`: plan failed; nothing is applied`);
  for (const p of plans.filter((p) => review.groups.some((g) => g.stacks.includes(p.stack)))) {
    summary.push("", `<details><summary>${p.stack}</summary>`, "", "```text", p.text.trim(), "```", "", "</details>");
  }
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${summary.join("\n")}\n`);
  else process.stdout.write(`${summary.join("\n")}\n`);
  if (process.env.GITHUB_OUTPUT) {
    appendFileSync(process.env.GITHUB_OUTPUT, `groups=${JSON.stringify({ include: review.groups })}\ncount=${review.groups.length}\n`);
  }
  for (const f of review.failed) process.stdout.write(`::error title=plan failed::${f}: nothing is applied\n`);
  for (const d of review.deferred) process.stdout.write(`::notice title=${d.stack} deferred::waits for ${d.waitsFor.join(", ")}: ${d.reason}\n`);
  return review.failed.length > 0 ? 1 : 0;
}

try {
  process.exit(main());
} catch (error) {
  process.stderr.write(`deploy-review: ${(error as Error).message}\n`);
  process.exit(1);
}
