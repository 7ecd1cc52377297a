/**
 * One measured run for `npm run bench`, in its own process so that peak RSS is its own:
 *   barrel          load the @cdktf/provider-aws package barrel (what deep imports avoid)
 *   all <outdir>    validate and synthesize every environment
 *   scaled <outdir> the same, with dev scaled to 50 regional planes
 * Prints one JSON line: { ms, maxRssMb, stacks }.
 */
import { performance } from "node:perf_hooks";

require("../../src/app/perf").installSynthSpeedups();
const [mode, outdir] = process.argv.slice(2);
const started = performance.now();
let stacks = 0;

if (mode === "barrel") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("@cdktf/provider-aws");
} else {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { buildApp } = require("../../src/app/app") as typeof import("../../src/app/app");
  const { loadEnvironments } = require("../../src/config/environments") as typeof import("../../src/config/environments");
  const { loadEnvironment } = require("../../src/config/load") as typeof import("../../src/config/load");
  const { dev } = require("../../environments/dev") as typeof import("../../environments/dev");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const envs =
    mode === "scaled"
      ? [
          loadEnvironment(
            {
              ...dev,
              regions: Array.from({ length: 50 }, (_, i) => ({
                ...dev.regions[0],
                key: `r${String(i + 1).padStart(2, "0")}`,
                vpcCidr: `10.${100 + i}.0.0/16`,
              })),
            },
            "bench:dev-scaled",
          ),
        ]
      : loadEnvironments();
  const app = buildApp(envs, { outdir });
  app.synth();
  stacks = app.node.children.length;
}

const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms: Math.round(ms), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), stacks })}\n`);
