/**
 * Writes one Terraform configuration per provider set (tools/provider-sets.ts) and prints, per set,
 * `<id> <stack directory> ...` so CI can init each set once and copy its `.terraform.lock.hcl`.
 *
 *   node --import tsx tools/bin/provider-sets.ts --workdir <dir> [--outdir cdktf.out]
 *
 * <dir>/<id>/main.tf.json holds only `terraform.required_providers`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readSynthOutput } from "../../src/app/synth-output";
import { providerSets } from "../provider-sets";
import { arg } from "../cli-args";

try {
  const outdir = arg("outdir") ?? "cdktf.out";
  const workdir = arg("workdir");
  if (!workdir) throw new Error("--workdir <dir> is required");
  const output = readSynthOutput(outdir);
  for (const set of providerSets(output)) {
    mkdirSync(join(workdir, set.id), { recursive: true });
    writeFileSync(join(workdir, set.id, "main.tf.json"), `${JSON.stringify({ terraform: { required_providers: set.requiredProviders } }, null, 2)}\n`);
    process.stdout.write(`${set.id} ${set.stacks.map((s) => `${outdir}/${output.manifest.get(s)!.workingDirectory}`).join(" ")}\n`);
  }
} catch (error) {
  process.stderr.write(`provider-sets: ${(error as Error).message}\n`);
  process.exit(1);
}
