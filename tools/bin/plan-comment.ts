/**
 * Renders the pull-request plan comment from downloaded plan artifacts.
 *
 *   node --import tsx tools/bin/plan-comment.ts <plans-dir> [--out comment.md] [--sha <commit>] [--run-url <url>]
 *        [--skipped '<json list of {stack, reason}>'] [--expected '<json list of stacks>'] [--infra-diff <file>]
 *
 * Each sub-directory of <plans-dir> holding result.json / plan.json / plan.txt / plan.log is one
 * stack (see tools/plan-comment.ts). Writes the Markdown to --out (or stdout), prints a one-line
 * summary to stderr and, inside GitHub Actions, sets the step outputs `failed`, `destroy` and `stacks`.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { missingPlans, readPlans, renderComment } from "../plan-comment";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): void {
  const dir = process.argv[2];
  if (!dir || dir.startsWith("--")) throw new Error("usage: plan-comment.ts <plans-dir> [--out comment.md] [--sha <commit>] [--run-url <url>] [--skipped <json>] [--expected <json>] [--infra-diff <file>]");
  const found = existsSync(dir) ? readPlans(dir) : [];
  const expected = arg("expected") ? (JSON.parse(arg("expected")!) as string[]) : [];
  const plans = [...found, ...missingPlans(found, expected)].sort((a, b) => a.stack.localeCompare(b.stack));
  const skipped = arg("skipped") ? (JSON.parse(arg("skipped")!) as { stack: string; reason: string }[]) : [];
  const diffFile = arg("infra-diff");
  const infraDiff = diffFile && existsSync(diffFile) ? readFileSync(diffFile, "utf8") : undefined;
  const body = renderComment(plans, { sha: arg("sha"), runUrl: arg("run-url"), skipped, infraDiff });
  const out = arg("out");
  if (out) writeFileSync(out, body);
  else process.stdout.write(body);
  const failed = plans.filter((p) => p.status === "failed").map((p) => p.stack);
  const destroy = plans.reduce((n, p) => n + p.destroyed.length, 0);
  process.stderr.write(`plan-comment: ${plans.length} stack(s), ${failed.length} failed${failed.length ? ` (${failed.join(", ")})` : ""}, ${destroy} resource(s) to destroy\n`);
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
