/**
 * Running Debian's `promtool` (prometheus) and `amtool` (prometheus-alertmanager) on files written for
 * the run: offline checks of the rendered rules and Alertmanager configuration. Finding the binaries,
 * and the one loud skip line when one is missing (a failure in CI), is test/helpers/real-servers.ts's
 * `realServers`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exec } from "./real-servers";

/** The outcome of one run. */
export interface ToolRun {
  /** Exit status (null when killed). */
  readonly status: number | null;
  /** stdout alone. */
  readonly stdout: string;
  /** stdout and stderr together. */
  readonly output: string;
}

/** Runs the binary at `path` with `args` in `cwd` (at most a minute). */
export function runTool(path: string, args: readonly string[], cwd?: string): ToolRun {
  const r = exec(path, args, { cwd });
  return { status: r.status, stdout: r.stdout, output: `${r.stdout}${r.stderr}` };
}

/** Writes `files` (name -> JSON-serializable content; JSON is YAML) into a fresh directory, runs `fn`, removes it. */
export function withFiles<T>(files: Record<string, unknown>, fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "cdn-promtools-"));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content, null, 2));
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
