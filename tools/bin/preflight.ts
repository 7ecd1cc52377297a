/**
 * `npm run preflight -- <env> [--json FILE] [--markdown FILE]`: read-only checks of the environment
 * against its real account (tools/preflight). Prints one table; exit 0 when nothing failed, 1 when
 * something did, 2 with one line when there are no usable AWS credentials.
 */
import { writeFileSync } from "node:fs";
import { loadEnvironments } from "../../src/config/environments";
import { awsClients } from "../aws/clients";
import { exitCode, formatMarkdown, formatTable, runPreflight } from "../preflight";
import { arg } from "../cli-args";

async function httpGet(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  return { status: response.status, body: await response.text() };
}

async function main(): Promise<number> {
  const envName = process.argv.slice(2).find((a, i, all) => !a.startsWith("--") && !(i > 0 && all[i - 1].startsWith("--")));
  if (!envName) {
    process.stderr.write("usage: npm run preflight -- <env> [--json FILE] [--markdown FILE]\n");
    return 2;
  }
  const [env] = loadEnvironments([envName]);
  const outcome = await runPreflight({ env, clients: awsClients(), httpGet, now: new Date() });
  if (outcome.kind === "no-credentials") {
    process.stderr.write(`${outcome.message}\n`);
    return 2;
  }
  process.stdout.write(`${formatTable(outcome.results)}\n`);
  const json = arg("json");
  if (json) writeFileSync(json, `${JSON.stringify({ environment: env.name, results: outcome.results }, null, 2)}\n`);
  const markdown = arg("markdown");
  if (markdown) writeFileSync(markdown, `${formatMarkdown(env.name, outcome.results)}\n`);
  return exitCode(outcome.results);
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`preflight: ${error.message}\n`);
    process.exit(1);
  },
);
