/**
 * `npm run lint:renovate`: validates renovate.json offline against Renovate's vendored JSON schema and
 * this repository's rules (tools/renovate-lint.ts), and lists the pins its custom managers extract.
 */
import { readFileSync } from "node:fs";
import { extractPins, lintRenovateConfig, renovateSchema } from "../renovate-lint";

const root = process.cwd();
const config = JSON.parse(readFileSync("renovate.json", "utf8")) as Record<string, unknown>;
const problems = lintRenovateConfig(config, root);
for (const p of problems) process.stderr.write(`renovate.json: [${p.source}] ${p.message}\n`);
if (process.argv.includes("--pins")) {
  for (const pin of extractPins(config as never, root)) process.stdout.write(`${pin.file}:${pin.line}  ${pin.datasource}  ${pin.depName}  ${pin.currentValue}\n`);
}
process.stdout.write(`renovate.json: schema of Renovate ${renovateSchema().version}, ${extractPins(config as never, root).length} custom pins, ${problems.length} problem(s)\n`);
process.exit(problems.length > 0 ? 1 : 0);
