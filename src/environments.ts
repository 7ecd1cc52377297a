/**
 * Loads and validates environment files. Every selected environment is validated before any stack is
 * constructed, so a bad value stops synth before anything is written.
 */
import { ENVIRONMENTS } from "../environments";
import { ConfigError, loadEnvironment } from "./config/load";
import type { EnvironmentConfig } from "./config/schema";

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

/** Several environment files failed; the message holds each file's report. */
export class ConfigAggregateError extends Error {
  constructor(reports: string[]) {
    super(reports.join("\n"));
    this.name = "ConfigError";
  }
}
