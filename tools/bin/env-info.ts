/**
 * Facts about an environment for shell steps (the integration workflow), from the code, never typed
 * twice (honours CDN_CONFIG_OVERRIDES):
 *
 *   node --import tsx tools/bin/env-info.ts <env> clusters   # "<EKS cluster> <region>" per plane
 *   node --import tsx tools/bin/env-info.ts <env> buckets    # "<bucket> <region>" of every S3 bucket
 *                                                            #  the synthesized stacks create (cdktf.out)
 */
import { parseValueOverrides } from "../../src/config/overrides";
import { loadEnvironments } from "../../src/config/environments";
import { clusterName, planesOf } from "../../src/config/naming";
import { readSynthOutput } from "../../src/app/synth-output";

const [name, what, outdir = "cdktf.out"] = process.argv.slice(2);
try {
  const [env] = loadEnvironments([name], { values: parseValueOverrides(process.env.CDN_CONFIG_OVERRIDES) });
  if (what === "clusters") {
    for (const { ref, config } of planesOf(env)) process.stdout.write(`${clusterName(ref)} ${config.region}\n`);
  } else if (what === "buckets") {
    const regions = new Map(planesOf(env).map(({ ref, config }) => [ref, config.region]));
    for (const [stack, doc] of readSynthOutput(outdir).stacks) {
      if (!stack.startsWith(`${env.name}-`) || stack === `${env.name}-bootstrap`) continue;
      const plane = [...regions.keys()].find((r) => stack === `${env.name}-${r.kind === "global" ? "global" : `regional-${r.key}`}`);
      for (const bucket of Object.values(doc.resource?.aws_s3_bucket ?? {})) {
        process.stdout.write(`${String((bucket as { bucket: unknown }).bucket)} ${plane ? regions.get(plane) : env.global.region}\n`);
      }
    }
  } else {
    throw new Error(`usage: env-info <environment> clusters|buckets [outdir]`);
  }
} catch (error) {
  process.stderr.write(`env-info: ${(error as Error).message}\n`);
  process.exit(2);
}
