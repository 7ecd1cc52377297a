/**
 * `npm run diff -- [base-ref]`: synthesizes the working tree and a base git ref (default: the merge
 * base of HEAD and main), and prints per stack the blocks added, removed and changed, with the changed
 * attributes and REPLACEMENT RISK flags. No credentials, no Terraform. Progress goes to stderr, the
 * report to stdout. `CDN_ENVIRONMENTS=prod npm run diff` limits both sides to some environments.
 */
import { performance } from "node:perf_hooks";
import { spawnSync } from "node:child_process";
import { DiffError, diffTotals, runInfraDiff } from "../infra-diff";

function main(): void {
  const started = performance.now();
  const args = process.argv.slice(2).filter((a) => a !== "--");
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write("usage: npm run diff -- [base-ref]   (default base: git merge-base HEAD main)\n");
    return;
  }
  const top = spawnSync("git", ["rev-parse", "--show-toplevel"], { encoding: "utf8" });
  if (top.status !== 0) throw new DiffError("npm run diff must run inside the repository's git checkout.");
  const result = runInfraDiff({ repoRoot: top.stdout.trim(), baseRef: args[0] });
  process.stdout.write(result.report);
  const t = diffTotals(result.diff);
  process.stderr.write(
    `diff done in ${((performance.now() - started) / 1000).toFixed(1)} s: ${t.stacksChanged} stack(s) differ, ${t.replacements} replacement risk(s)\n`,
  );
}

try {
  main();
} catch (error) {
  const message = error instanceof DiffError ? error.message : `Unexpected error: ${(error as Error).message}`;
  process.stderr.write(`\nnpm run diff: ${message}\n`);
  process.exit(1);
}
