/**
 * Renders the scheduled drift run's issue body from downloaded artifacts (tools/drift-report.ts).
 *
 *   node --import tsx tools/bin/drift-report.ts <results-dir> --out report.md --run-url <url> --sha <commit>
 *        --environments '<json {include:[{environment}]}>' --stacks '<json list>' [--skipped '<json list>']
 *
 * Inside GitHub Actions it sets the step output `problems` (0 means the issue can be closed).
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { readDriftArtifacts, renderDriftReport } from "../drift-report";
import { arg } from "../cli-args";

function main(): void {
  const dir = process.argv[2];
  const out = arg("out");
  if (!dir || dir.startsWith("--") || !out) throw new Error("usage: drift-report.ts <results-dir> --out <file> --run-url <url> --sha <commit> --environments <json> --stacks <json> [--skipped <json>]");
  const environments = (JSON.parse(arg("environments") || '{"include":[]}') as { include: { environment: string }[] }).include.map((e) => e.environment);
  const stacks = JSON.parse(arg("stacks") || "[]") as string[];
  const skipped = JSON.parse(arg("skipped") || "[]") as { stack: string; reason: string }[];
  const { preflight, drift } = readDriftArtifacts(dir);
  const { body, problems } = renderDriftReport(
    { preflight, drift, expectedEnvironments: environments, expectedStacks: stacks, skipped },
    { runUrl: arg("run-url") ?? "(local run)", sha: arg("sha") ?? "unknown", date: new Date().toISOString().slice(0, 10) },
  );
  writeFileSync(out, body);
  process.stderr.write(`drift-report: ${problems} problem(s) across ${environments.length} environment(s) and ${stacks.length} stack(s)\n`);
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `problems=${problems}\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`drift-report: ${(error as Error).message}\n`);
  process.exit(1);
}
