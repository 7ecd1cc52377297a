/**
 * The cdktf app entry (`cdktf synth` / `npm run synth`). Validates every selected environment first
 * (CDN_ENVIRONMENTS=dev,prod selects some), then synthesizes all their stacks. A bad config prints one
 * clear report and exits 1 before anything is written.
 */
import { buildApp } from "./app";
import { loadEnvironments } from "./environments";
import { installSynthSpeedups } from "./perf";

function main(): void {
  installSynthSpeedups();
  const names = (process.env.CDN_ENVIRONMENTS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  let environments;
  try {
    environments = loadEnvironments(names);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  const app = buildApp(environments);
  app.synth();
}

main();
