/**
 * Loads and validates environment files. Every selected environment is validated before any stack is
 * constructed, so a bad value stops synth before anything is written.
 */
import { ENVIRONMENTS } from "../../environments";
import { ConfigError, loadEnvironment } from "./load";
import type { EnvironmentConfig } from "./schema";

/** Validates the named environments (all when `names` is empty). Throws ConfigError listing every problem. */
export function loadEnvironments(names: readonly string[] = []): EnvironmentConfig[] {
  const selected = names.length > 0 ? names : Object.keys(ENVIRONMENTS);
  const unknown = selected.filter((n) => !(n in ENVIRONMENTS));
  if (unknown.length > 0) {
    throw new ConfigError("CDN_ENVIRONMENTS", [
      `got ${JSON.stringify(unknown)}; must name environments that exist: ${Object.keys(ENVIRONMENTS).join(", ")}`,
    ]);
  }
  const loaded: EnvironmentConfig[] = [];
  const problems: string[] = [];
  for (const name of selected) {
    const { file, data } = ENVIRONMENTS[name];
    try {
      const env = loadEnvironment(data, file);
      if (env.name !== name) throw new ConfigError(file, [`name: got ${JSON.stringify(env.name)}; must equal the file's environment "${name}"`]);
      loaded.push(env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new ConfigAggregateError(problems);
  return loaded;
}

/**
 * CDN_STATE_BACKEND used to move dev between local and S3 state per run, which let a laptop and CI keep
 * two states of the same resources. It is gone: each environment file names its one backend. A set
 * value stops synth with a message instead of being silently ignored.
 */
export function rejectStateBackendOverride(value: string | undefined): void {
  if (value === undefined || value === "") return;
  throw new ConfigError("CDN_STATE_BACKEND", [
    `got ${JSON.stringify(value)}; this override was removed: every shared environment keeps its state in S3 as its file says (state.backend), and only a personal sandbox (sandbox: true) may use local state (docs/state.md). Unset it.`,
  ]);
}

/** Several environment files failed; the message holds each file's report. */
export class ConfigAggregateError extends Error {
  constructor(reports: string[]) {
    super(reports.join("\n"));
    this.name = "ConfigError";
  }
}
