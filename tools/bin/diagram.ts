/**
 * `npm run diagram [-- --env prod] [-- --check]`: renders docs/architecture.svg (and keeps its DOT
 * source docs/architecture.dot) from the synthesized stacks of one environment. `--check` only
 * compares and exits 1 when the committed files are out of date.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DIAGRAM_ENVIRONMENT, DIAGRAM_FILES, generateArchitectureDiagram } from "../architecture-diagram";
import { errorParagraph } from "../../src/app/synth-report";

async function main(): Promise<void> {
  const i = process.argv.indexOf("--env");
  const environment = i >= 0 ? process.argv[i + 1] : DIAGRAM_ENVIRONMENT;
  const root = join(__dirname, "..", "..");
  process.stderr.write(`diagram: synthesizing ${environment} ...\n`);
  const { dot, svg, stacks } = await generateArchitectureDiagram(environment);
  const files = [
    [join(root, DIAGRAM_FILES.dot), dot],
    [join(root, DIAGRAM_FILES.svg), svg],
  ] as const;
  if (process.argv.includes("--check")) {
    const stale = files.filter(([path, text]) => !existsSync(path) || readFileSync(path, "utf8") !== text).map(([path]) => path);
    if (stale.length) throw new Error(`out of date: ${stale.join(", ")}; run \`npm run diagram\` and commit the result.`);
    process.stderr.write("diagram: up to date\n");
    return;
  }
  for (const [path, text] of files) writeFileSync(path, text);
  process.stderr.write(`diagram: ${stacks} stack(s) of ${environment} -> ${DIAGRAM_FILES.dot}, ${DIAGRAM_FILES.svg}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`npm run diagram: ${errorParagraph(error)}\n`);
    process.exit(1);
  },
);
