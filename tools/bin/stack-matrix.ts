/**
 * Prints the CI stack matrix from a synthesized output (`npm run synth` first), in dependency order.
 *
 *   node --import tsx tools/bin/stack-matrix.ts [--outdir cdktf.out] [--env dev,prod]
 *        [--remote-state-only] [--role-prefix AWS_PLAN_ROLE_ARN] [--runner hosted|in-vpc]
 *        [--format json|lines|github]
 *
 * --format json (default): `{"include":[...],"levels":[[...]],"skipped":[...]}` on one line.
 * --format lines: `<stack> <directory>` per line, in dependency order (for deploy loops).
 * --format github: appends `matrix` ({"include":[...]}, usable as `strategy.matrix`), `levels`,
 *   `stacks`, `count`, `region` (the first stack's), `skipped` and `environments` (one entry per
 *   environment with its role variable and state region) to $GITHUB_OUTPUT, prints a readable summary
 *   and a `::warning::` per skipped stack.
 *
 * In-cluster stacks carry the CodeBuild runner project of their plane (`runner`), from the validated
 * environment files (src/config); `--runner` keeps only GitHub-hosted or only in-VPC stacks.
 */
import { appendFileSync } from "node:fs";
import { buildMatrix, inVpcStacks } from "../stack-matrix";
import { readSynthOutput } from "../../src/app/synth-output";
import { loadEnvironments } from "../../src/config/environments";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): void {
  const outdir = arg("outdir") ?? "cdktf.out";
  const format = arg("format") ?? "json";
  const runner = arg("runner");
  if (runner !== undefined && runner !== "hosted" && runner !== "in-vpc") throw new Error(`unknown --runner ${runner} (hosted or in-vpc)`);
  const environments = (arg("env") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const envs = loadEnvironments(environments);
  const matrix = buildMatrix(readSynthOutput(outdir), {
    environments,
    remoteStateOnly: process.argv.includes("--remote-state-only"),
    rolePrefix: arg("role-prefix"),
    outdirName: outdir,
    inVpcStacks: inVpcStacks(envs),
    runner,
  });
  const rolePrefix = arg("role-prefix") ?? "AWS_PLAN_ROLE_ARN";
  const environmentEntries = envs.map((env) => ({
    environment: env.name,
    region: env.state.region,
    roleVariable: `${rolePrefix}_${env.name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`,
  }));
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
      `environments=${JSON.stringify({ include: environmentEntries })}`,
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
