/**
 * `npm run policy:report`: synthesizes every environment (in a temporary directory) with the policy pack
 * and writes docs/policy-report.md: every rule, every suppression with its reason and what it covers,
 * and the result. Run it after changing rules, suppressions or stacks; a test fails when it is stale.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../../src/app/app";
import { loadEnvironments } from "../../src/config/environments";
import { policyResult, renderPolicyReport, synthOrExit } from "../../src/policy";
import type { App } from "cdktf";

const outdir = mkdtempSync(join(tmpdir(), "cdn-policy-report-"));
process.once("exit", () => rmSync(outdir, { recursive: true, force: true }));
let app: App | undefined;
synthOrExit(() => (app = buildApp(loadEnvironments(), { outdir })));
const result = policyResult(app!);
if (!result) throw new Error("the policy pack did not run");
const target = join(__dirname, "..", "..", "docs", "policy-report.md");
writeFileSync(target, renderPolicyReport(result));
console.log(`wrote docs/policy-report.md: ${result.stacks.length} stacks, ${result.suppressions.length} suppressions, ${result.violations.length} violations`);
