/**
 * `npm run validate`: real `terraform init` + `validate` on every synthesized stack whose providers are
 * in the offline mirror, and an offline `plan` of each (cross-stack inputs stubbed with placeholder ids). Prints a table.
 * On a machine without terraform or the mirror it prints one loud line and exits 0.
 */
import { checkStacks, formatResults, unavailableReason } from "../terraform-check";

const outdir = process.argv[2] ?? "cdktf.out";
const reason = unavailableReason();
if (reason) {
  console.log(`!!! TERRAFORM VALIDATION SKIPPED: ${reason}; the synthesized stacks were NOT checked by real Terraform !!!`);
  process.exit(0);
}
const started = Date.now();
const results = checkStacks({
  outdir,
  workdir: ".validate",
  onResult: (r) => console.log(`[validate] ${r.stack}: ${r.status}${r.status === "planned" ? ` (${r.toAdd} to add)` : ""}`),
});
console.log(`\n${formatResults(results)}\n`);
console.log(`${results.length} stacks checked in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(results.some((r) => r.status === "failed") ? 1 : 0);
