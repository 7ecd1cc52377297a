/**
 * Debian's `promtool` (prometheus) and `amtool` (prometheus-alertmanager) for offline checks of the
 * rendered rules and Alertmanager configuration. When a binary is missing, the tests using it are
 * skipped with ONE loud line, unless CDN_REQUIRE_REAL_SERVERS=1 (CI), where missing is a failure.
 *
 * (The real-server helper of the verify tool, test/helpers/real-servers.ts, covers PostgreSQL and the
 * servers; this one covers the two CLIs and may be folded into it.)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The CLIs this helper knows. */
export type PromTool = "promtool" | "amtool";

const PACKAGE: Record<PromTool, string> = { promtool: "prometheus", amtool: "prometheus-alertmanager" };
const announced = new Set<string>();

/** True when `tool` runs here; otherwise prints one skip line (or throws when real servers are required). */
export function haveTool(tool: PromTool): boolean {
  const probe = spawnSync(tool, ["--version"], { encoding: "utf8" });
  if (!probe.error && probe.status === 0) return true;
  const why = `${tool} is not installed (Debian package ${PACKAGE[tool]})`;
  if (process.env.CDN_REQUIRE_REAL_SERVERS === "1") throw new Error(`CDN_REQUIRE_REAL_SERVERS=1 but ${why}`);
  if (!announced.has(tool)) {
    announced.add(tool);
    console.warn(`!!! SKIPPING the ${tool} checks: ${why}; install it with apt-get install -y ${PACKAGE[tool]} !!!`);
  }
  return false;
}

/** The outcome of one run. */
export interface ToolRun {
  /** Exit status (null when killed). */
  readonly status: number | null;
  /** stdout alone. */
  readonly stdout: string;
  /** stdout and stderr together. */
  readonly output: string;
}

/** Runs `tool` with `args` in `cwd`. */
export function runTool(tool: PromTool, args: readonly string[], cwd?: string): ToolRun {
  const r = spawnSync(tool, [...args], { cwd, encoding: "utf8", timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout ?? "", output: `${r.stdout ?? ""}${r.stderr ?? ""}` };
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
