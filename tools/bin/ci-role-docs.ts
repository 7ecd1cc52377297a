/**
 * `npm run docs:ci-roles`: rewrites the JSON blocks of docs/ci.md (`<!-- ci-policy: <name> -->`) from
 * the CI role policies the code renders (constructs/ci-roles/policies.ts). test/ci-roles.test.ts fails
 * while they differ; `npm run regen` runs this too.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { documentedPolicies } from "../ci-role-docs";

const path = join(__dirname, "..", "..", "docs", "ci.md");
let markdown = readFileSync(path, "utf8");
const policies = documentedPolicies();
for (const [name, json] of Object.entries(policies)) {
  const block = new RegExp(`(<!-- ci-policy: ${name} -->\\n\`\`\`json\\n)[\\s\\S]*?(\\n\`\`\`)`);
  if (!block.test(markdown)) throw new Error(`docs/ci.md has no block <!-- ci-policy: ${name} -->`);
  markdown = markdown.replace(block, (_m, open: string, close: string) => `${open}${json}${close}`);
}
writeFileSync(path, markdown);
process.stderr.write(`wrote ${Object.keys(policies).length} CI role policy blocks to docs/ci.md\n`);
