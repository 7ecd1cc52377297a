/** Runs a probe script (tools/verify/probes/*.sh) locally with `sh`, as the Job would in the cluster. */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";

/** Directory of the probe scripts. */
export const PROBES_DIR = join(__dirname, "..", "..", "..", "tools", "verify", "probes");

/** A running probe: its output so far, and its exit. */
export interface RunningProbe {
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code and the whole output. */
  readonly done: Promise<{ code: number | null; output: string }>;
  /** Resolves once the output contains `marker` (rejects when the probe exits first). */
  waitFor(marker: string, timeoutMs?: number): Promise<void>;
  /** Sends a signal. */
  kill(signal: NodeJS.Signals): void;
}

/** Starts `script` with exactly `env` (plus PATH with `binDirs` first). */
export function startProbe(script: string, env: Record<string, string>, binDirs: readonly string[] = []): RunningProbe {
  const path = [...binDirs, ...(process.env.PATH ?? "/usr/bin:/bin").split(":")].join(":");
  // As in the Job: the SQL probe with POSIX sh (Alpine's busybox in the postgres image), the others with bash.
  const shell = script === "sql-probe.sh" ? "sh" : "bash";
  const child = spawn(shell, [join(PROBES_DIR, script)], { env: { PATH: path, HOME: process.env.HOME ?? "/tmp", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout.on("data", (d) => (text += String(d)));
  child.stderr.on("data", (d) => (text += String(d)));
  const done = new Promise<{ code: number | null; output: string }>((resolve) => child.once("close", (code) => resolve({ code, output: text })));
  return {
    output: () => text,
    done,
    kill: (signal) => child.kill(signal),
    waitFor: async (marker, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      let exited = false;
      void done.then(() => (exited = true));
      while (!text.includes(marker)) {
        if (exited) throw new Error(`probe exited before printing ${marker}:\n${text}`);
        if (Date.now() > deadline) throw new Error(`probe did not print ${marker} within ${timeoutMs} ms:\n${text}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** Runs a probe to completion. */
export async function runProbe(script: string, env: Record<string, string>, binDirs: readonly string[] = []): Promise<{ code: number | null; output: string }> {
  return startProbe(script, env, binDirs).done;
}

/** The directory of a binary (to put it first on PATH). */
export const binDir = (path: string): string => dirname(path);
