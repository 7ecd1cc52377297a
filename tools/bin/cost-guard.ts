/**
 * `node --import tsx tools/bin/cost-guard.ts <env> --node-types a,b --max-nodes N --db-classes c
 *  --max-db-storage GiB --max-iops N --max-planes N [--nat-per-az]`: exits 1 when the environment's
 * effective configuration (after CDN_CONFIG_OVERRIDES) exceeds the limits (docs/verify.md).
 */
import { parseArgs } from "node:util";
import { parseValueOverrides } from "../../src/config/overrides";
import { loadEnvironments } from "../../src/config/environments";
import { costProblems } from "../verify/cost-guard";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    "node-types": { type: "string" },
    "max-nodes": { type: "string" },
    "db-classes": { type: "string" },
    "max-db-storage": { type: "string" },
    "max-iops": { type: "string" },
    "max-planes": { type: "string" },
    "nat-per-az": { type: "boolean" },
  },
});
const list = (v?: string) => (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
const num = (name: string, v?: string) => {
  const n = Number(v);
  if (!v || !Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
};
try {
  if (positionals.length !== 1) throw new Error("usage: cost-guard <environment> --node-types ... (see the file header)");
  const [env] = loadEnvironments(positionals, { values: parseValueOverrides(process.env.CDN_CONFIG_OVERRIDES) });
  const problems = costProblems(env, {
    nodeInstanceTypes: list(values["node-types"]),
    maxNodesPerGroup: num("max-nodes", values["max-nodes"]),
    dbInstanceClasses: list(values["db-classes"]),
    maxDbStorageGiB: num("max-db-storage", values["max-db-storage"]),
    maxDbIops: num("max-iops", values["max-iops"]),
    maxPlanes: num("max-planes", values["max-planes"]),
    natPerAz: values["nat-per-az"] === true,
  });
  if (problems.length > 0) {
    process.stderr.write(`cost guard: ${env.name} exceeds the limits:\n${problems.map((p) => `  - ${p}`).join("\n")}\n`);
    process.exit(1);
  }
  process.stdout.write(`cost guard: ${env.name} is within the limits\n`);
} catch (error) {
  process.stderr.write(`cost guard: ${(error as Error).message}\n`);
  process.exit(2);
}
