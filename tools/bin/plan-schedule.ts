/**
 * Which stacks a pull request (or a deploy) can plan now, from the synthesized output and each
 * environment's recorded state (tools/plan-schedule.ts).
 *
 *   node --import tsx tools/bin/plan-schedule.ts --states <dir> [--outdir cdktf.out] [--env dev,prod]
 *        [--role-prefix AWS_PLAN_ROLE_ARN] [--runners] [--format json|github] [--out schedule.json]
 *
 * <dir> holds one `<env>.json` per environment, written by the state job:
 *   {"environment": "prod", "prefix": "cdn-control-plane", "unavailable": "<why>"}            or
 *   {"environment": "prod", "prefix": "...", "listing": <aws s3api list-objects-v2 --output json>,
 *    "summaries": {"<key>": <aws s3 cp s3://<bucket>/<key> - | jq '{resources: ([.resources[]? |
 *       select(.mode == "managed")] | length), types: ([.resources[]? | select(.mode == "managed") |
 *       .type] | unique), outputs: ((.outputs // {}) | keys)}'>}}
 * Removals are acknowledged in .github/removed-stacks.json ({"acknowledged": [{"stack", "reason"}]}).
 *
 * --format github appends `matrix` ({"include": [...]} of the stacks to plan), `count`, `deferred`,
 * `removed`, `skipped` and `blocking` (removed, unacknowledged stacks) to $GITHUB_OUTPUT and prints a
 * summary; the full schedule goes to --out for the comment. Exit 0 also when removals block: the
 * comment shows them and the gate fails.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readSynthOutput } from "../../src/app/synth-output";
import { ACKNOWLEDGED_REMOVALS_PATH, blockingRemovals, schedulePlans, type AcknowledgedRemoval, type EnvironmentState } from "../plan-schedule";
import { buildMatrix } from "../stack-matrix";
import { arg } from "../cli-args";

function main(): void {
  const outdir = arg("outdir") ?? "cdktf.out";
  const statesDir = arg("states");
  if (!statesDir) throw new Error("--states <dir> is required (one <env>.json per environment)");
  const output = readSynthOutput(outdir);
  const matrix = buildMatrix(output, {
    environments: (arg("env") ?? "").split(",").map((s) => s.trim()).filter(Boolean),
    remoteStateOnly: true,
    rolePrefix: arg("role-prefix"),
    outdirName: outdir,
    runners: process.argv.includes("--runners") ? { runId: process.env.GITHUB_RUN_ID ?? "local", runAttempt: process.env.GITHUB_RUN_ATTEMPT ?? "1" } : undefined,
  });
  const states = existsSync(statesDir)
    ? readdirSync(statesDir, { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => JSON.parse(readFileSync(join(statesDir, f), "utf8")) as EnvironmentState)
    : [];
  const acknowledged = existsSync(ACKNOWLEDGED_REMOVALS_PATH)
    ? ((JSON.parse(readFileSync(ACKNOWLEDGED_REMOVALS_PATH, "utf8")) as { acknowledged?: AcknowledgedRemoval[] }).acknowledged ?? [])
    : [];
  const schedule = schedulePlans(output, matrix, states, acknowledged);
  const blocking = blockingRemovals(schedule);
  const out = arg("out");
  if (out) writeFileSync(out, `${JSON.stringify(schedule, null, 2)}\n`);
  const format = arg("format") ?? "json";
  if (format === "json") {
    if (!out) process.stdout.write(`${JSON.stringify(schedule)}\n`);
    return;
  }
  if (format !== "github") throw new Error(`unknown --format ${format} (json or github)`);
  const target = process.env.GITHUB_OUTPUT;
  if (!target) throw new Error("--format github needs GITHUB_OUTPUT (it runs inside a GitHub Actions step)");
  appendFileSync(
    target,
    [
      `matrix=${JSON.stringify({ include: schedule.plan })}`,
      `count=${schedule.plan.length}`,
      `deferred=${JSON.stringify(schedule.deferred.map((d) => d.stack))}`,
      `removed=${JSON.stringify(schedule.removed.map((r) => r.stack))}`,
      `skipped=${JSON.stringify(schedule.skipped)}`,
      `blocking=${blocking.length}`,
      "",
    ].join("\n"),
  );
  for (const e of schedule.plan) process.stdout.write(`plan     ${e.stack}\n`);
  for (const d of schedule.deferred) process.stdout.write(`deferred ${d.stack}: waits for ${d.waitsFor.join(", ")} (${d.reason})\n`);
  for (const s of schedule.skipped) process.stdout.write(`skipped  ${s.stack}: ${s.reason}\n`);
  for (const r of schedule.removed) {
    const line = `removed  ${r.stack}: in state (${r.key}) but no longer synthesized; to destroy (manual step)${r.acknowledged ? ", acknowledged" : ""}`;
    process.stdout.write(r.acknowledged || r.resources === 0 ? `${line}\n` : `::error title=removed stack ${r.stack}::${line}; acknowledge it in ${ACKNOWLEDGED_REMOVALS_PATH} (docs/ci.md#removed-stacks)\n`);
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`plan-schedule: ${(error as Error).message}\n`);
  process.exit(1);
}
