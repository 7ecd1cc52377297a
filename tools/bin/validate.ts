/**
 * `npm run validate`: real Terraform on every synthesized stack whose providers are in the offline
 * mirror: `terraform plan` (which validates first) of each, offline, with cross-stack inputs stubbed
 * with placeholder ids; stacks in parallel, one `init` per provider set. Prints progress and a table;
 * exits 1 when a stack fails. On a machine without terraform or the mirror it prints one loud line and exits 0.
 * Usage: validate.ts [outdir]   (default cdktf.out)
 */
import { checkStacks, formatProgress, formatResults, unavailableReason } from "../terraform-check";

async function main(): Promise<void> {
  const outdir = process.argv[2] ?? "cdktf.out";
  const reason = unavailableReason();
  if (reason) {
    console.log(`!!! TERRAFORM VALIDATION SKIPPED: ${reason}; the synthesized stacks were NOT checked by real Terraform !!!`);
    return;
  }
  const started = Date.now();
  const results = await checkStacks({ outdir, onResult: (r, done, total) => console.log(`[validate] ${formatProgress(r, done, total)}`) });
  console.log(`\n${formatResults(results)}\n`);
  console.log(`${results.length} stacks checked in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (results.length === 0 || results.some((r) => r.status === "failed")) process.exitCode = 1;
}

void main();
