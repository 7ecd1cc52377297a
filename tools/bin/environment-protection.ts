/**
 * Fails a deploy job whose GitHub environment lacks the protection it relies on
 * (tools/environment-protection.ts).
 *
 *   GITHUB_TOKEN=... node --import tsx tools/bin/environment-protection.ts --repository owner/name \
 *        --environment prod [--require-reviewers] [--head-of main --sha <commit>]
 *
 * --head-of/--sha also fail when <commit> is no longer the head of that branch (no roll-backs).
 */
import { checkEnvironmentProtection, checkHeadOfBranch } from "../environment-protection";
import { arg } from "../cli-args";

async function main(): Promise<number> {
  const repository = arg("repository");
  const environment = arg("environment");
  const token = process.env.GITHUB_TOKEN;
  if (!repository || !environment) throw new Error("usage: environment-protection.ts --repository owner/name --environment <name> [--require-reviewers]");
  if (!token) throw new Error("GITHUB_TOKEN is empty");
  const api = { token, apiUrl: process.env.GITHUB_API_URL };
  const protection = await checkEnvironmentProtection({ repository, environment, requireReviewers: process.argv.includes("--require-reviewers") }, api);
  const branch = arg("head-of");
  const sha = arg("sha");
  if (branch && !sha) throw new Error("--head-of needs --sha <commit>");
  const head = branch && sha ? await checkHeadOfBranch(repository, branch, sha, api) : { problems: [], warnings: [] };
  const result = { problems: [...protection.problems, ...head.problems], warnings: [...protection.warnings, ...head.warnings] };
  for (const w of result.warnings) process.stdout.write(`::warning title=environment protection::${w}\n`);
  for (const p of result.problems) process.stdout.write(`::error title=environment protection missing::${p}\n`);
  process.stdout.write(result.problems.length === 0 ? `environment ${environment}: protection as expected\n` : `environment ${environment}: not deploying (${result.problems.length} problem(s))\n`);
  return result.problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stdout.write(`::error title=environment protection not checked::${error.message}\n`);
    process.exit(1);
  },
);
