/**
 * Prints the CI stack matrix from a synthesized output (`npm run synth` first), in dependency order.
 *
 *   node --import tsx tools/bin/stack-matrix.ts [--outdir cdktf.out] [--env dev,prod]
 *        [--remote-state-only] [--without-bootstrap] [--role-prefix AWS_PLAN_ROLE_ARN] [--runners] [--format json|lines|github]
 *
 * --runners: every entry gets `runner` (its jobs' `runs-on`): ubuntu-24.04, or for an in-cluster stack
 *   the CodeBuild runner label of its plane's VPC for this run (GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT); an
 *   in-cluster stack whose plane has no runner yet is skipped ("no runner in the VPC yet").
 *
 * --format json (default): `{"include":[...],"levels":[[...]],"skipped":[...]}` on one line.
 * --format lines: `<stack> <directory>` per line, in dependency order (for deploy loops).
 * --format github: appends `matrix` ({"include":[...]}, usable as `strategy.matrix`), `levels`,
 *   `stacks`, `count`, `region` (the first stack's), `skipped` and `states` (per environment: state
 *   bucket, prefix, region, role variable) to $GITHUB_OUTPUT, prints a readable summary
 *   and a `::warning::` per skipped stack.
 */
import { appendFileSync } from "node:fs";
import { buildMatrix, stateLocations } from "../stack-matrix";
import { readSynthOutput } from "../../src/app/synth-output";
import { arg } from "../cli-args";

function main(): void {
  const outdir = arg("outdir") ?? "cdktf.out";
  const format = arg("format") ?? "json";
  const output = readSynthOutput(outdir);
  const runners = process.argv.includes("--runners")
    ? { runId: process.env.GITHUB_RUN_ID ?? "local", runAttempt: process.env.GITHUB_RUN_ATTEMPT ?? "1" }
    : undefined;
  const matrix = buildMatrix(output, {
    environments: (arg("env") ?? "").split(",").map((s) => s.trim()).filter(Boolean),
    remoteStateOnly: process.argv.includes("--remote-state-only"),
    withoutBootstrap: process.argv.includes("--without-bootstrap"),
    rolePrefix: arg("role-prefix"),
    outdirName: outdir,
    runners,
  });
  if (format === "lines") {
    for (const entry of matrix.include) process.stdout.write(`${entry.stack} ${entry.directory}\n`);
    for (const s of matrix.skipped) process.stderr.write(`skipped ${s.stack}: ${s.reason}\n`);
    return;
  }
  if (format === "github") {
    const target = process.env.GITHUB_OUTPUT;
    if (!target) throw new Error("--format github needs GITHUB_OUTPUT (it runs inside a GitHub Actions step)");
    const lines = [
      `matrix=${JSON.stringify({ include: matrix.include })}`,
      `levels=${JSON.stringify(matrix.levels)}`,
      `stacks=${JSON.stringify(matrix.include.map((e) => e.stack))}`,
      `count=${matrix.include.length}`,
      `region=${matrix.include[0]?.region ?? ""}`,
      `skipped=${JSON.stringify(matrix.skipped)}`,
      `states=${JSON.stringify({ include: stateLocations(output, matrix) })}`,
    ];
    appendFileSync(target, `${lines.join("\n")}\n`);
    matrix.levels.forEach((names, i) => process.stdout.write(`level ${i}: ${names.join(", ")}\n`));
    for (const s of matrix.skipped) process.stdout.write(`::warning title=${s.stack} not run::${s.reason}\n`);
    return;
  }
  if (format !== "json") throw new Error(`unknown --format ${format} (json, lines or github)`);
  process.stdout.write(`${JSON.stringify(matrix)}\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`stack-matrix: ${(error as Error).message}\n`);
  process.exit(1);
}
