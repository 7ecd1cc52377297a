/**
 * `docs/architecture.dot` and `docs/architecture.svg`: the diagram of one representative environment
 * (prod by default: it has every feature at full size), synthesized in-process from the current code
 * and environment files, so the committed diagram can be regenerated and checked.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../src/app/app";
import { loadEnvironments } from "../src/config/environments";
import { buildDot, renderSvg } from "./diagram";
import { readSynthOutput, type SynthOutput } from "../src/app/synth-output";

/** The environment the committed diagram shows. */
export const DIAGRAM_ENVIRONMENT = "prod";

/** Where the committed files live, relative to the repository root. */
export const DIAGRAM_FILES = { dot: "docs/architecture.dot", svg: "docs/architecture.svg" } as const;

/** The diagram's DOT and SVG for `environment` from an existing synthesized output (which may hold other environments too). */
export async function diagramOf(output: SynthOutput, environment = DIAGRAM_ENVIRONMENT): Promise<{ dot: string; svg: string; stacks: number }> {
  const dot = buildDot(output, { environment, title: `CDN control plane: the ${environment} environment` });
  const stacks = [...output.stacks.keys()].filter((s) => s.startsWith(`${environment}-`)).length;
  return { dot, svg: await renderSvg(dot), stacks };
}

/** Synthesizes `environment` into a scratch directory and returns the diagram's DOT and SVG. */
export async function generateArchitectureDiagram(environment = DIAGRAM_ENVIRONMENT): Promise<{ dot: string; svg: string; stacks: number }> {
  const outdir = mkdtempSync(join(tmpdir(), "cdn-diagram-"));
  try {
    buildApp(loadEnvironments([environment]), { outdir }).synth();
    return await diagramOf(readSynthOutput(outdir), environment);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
