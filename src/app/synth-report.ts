/**
 * Progress and summary lines of `npm run synth`, for people: what is being built per environment and
 * stack, then a table of stacks (resources, backend, dependencies) and the total time. Pure formatting
 * over the synthesized output; it never touches the synthesized files.
 */
import { backendOf, environmentOf, resourceCount, stacksInOrder, type SynthOutput } from "./synth-output";

/** The final summary table and totals. */
export function formatSynthSummary(output: SynthOutput, elapsedMs: number): string {
  // By environment, and in dependency order within one (a stable sort keeps that order).
  const names = stacksInOrder(output).sort((a, b) => environmentOf(a).localeCompare(environmentOf(b)));
  const rows = names.map((name) => {
    const doc = output.stacks.get(name)!;
    const deps = output.manifest.get(name)!.dependencies;
    return [name, String(resourceCount(doc)), backendOf(doc), deps.length ? `after ${deps.join(", ")}` : ""];
  });
  const header = ["stack", "resources", "state", "order"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ")}`.trimEnd();
  const total = rows.reduce((n, r) => n + Number(r[1]), 0);
  return [
    line(header),
    ...rows.map(line),
    `synth: ${names.length} stack(s), ${total} resources, written to ${output.outdir} in ${(elapsedMs / 1000).toFixed(1)} s`,
  ].join("\n");
}

/**
 * True when the cdktf CLI runs the app: it sets these variables for its app command only
 * (@cdktf/cli-core, synth-stack.js), and shows every stderr line of the app as `[ERROR] default - ...`.
 */
export function runByCdktfCli(env: NodeJS.ProcessEnv): boolean {
  return env.CDKTF_CONTEXT_JSON !== undefined || env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
}

/**
 * Whether the synth entry prints progress and its summary: only for a person running `npm run synth`;
 * never under the cdktf CLI (which prints its own), nor with CDN_SYNTH_QUIET=1. Errors are always printed.
 */
export function printsProgress(env: NodeJS.ProcessEnv): boolean {
  return env.CDN_SYNTH_QUIET !== "1" && !runByCdktfCli(env);
}

/** Turns any error into one paragraph: the message only, no stack trace, whitespace collapsed per line. */
export function errorParagraph(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l, i, all) => l !== "" || (i > 0 && all[i - 1] !== ""))
    .join("\n")
    .trim();
}
