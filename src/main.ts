/**
 * The cdktf app entry (`cdktf synth` / `npm run synth`). Validates every selected environment first
 * (CDN_ENVIRONMENTS=dev,prod selects some), then synthesizes all their stacks. A bad config prints one
 * clear report and exits 1 before anything is written; a policy violation (src/policy) or an invalid
 * suppression prints one report and exits 1 without writing the manifest.
 */
import { buildApp } from "./app";
import { loadEnvironments } from "./environments";
import { synthOrExit } from "./policy";

function main(): void {
  const names = (process.env.CDN_ENVIRONMENTS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  let environments;
  try {
    environments = loadEnvironments(names);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  const selected = environments;
  synthOrExit(() => buildApp(selected));
}

main();
