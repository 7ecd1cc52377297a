/**
 * Loads and validates environment files. Every selected environment is validated before any stack is
 * constructed, so a bad value stops synth before anything is written.
 */
import { ENVIRONMENTS } from "../environments";
import { ConfigError, loadEnvironment } from "./config/load";
import { OVERRIDES_VARIABLE, applyValueOverrides, type ValueOverrides } from "./config/overrides";
import type { EnvironmentConfig } from "./config/schema";

/** Deliberate, per-run overrides of validated config (set by the entry point from the environment). */
export interface ConfigOverrides {
  /**
   * Use this state backend for every selected environment instead of the one its file names: CI sets
   * `s3` (CDN_STATE_BACKEND=s3) so that `dev`, local by default for laptops, is planned and deployed
   * with the durable, locked state in its bootstrap bucket.
   */
  readonly stateBackend?: "local" | "s3";
  /** Field values replaced before validation, per environment (CDN_CONFIG_OVERRIDES; ephemeral copies). */
  readonly values?: ValueOverrides;
}

/** Validates the named environments (all when `names` is empty). Throws ConfigError listing every problem. */
export function loadEnvironments(names: readonly string[] = [], overrides: ConfigOverrides = {}): EnvironmentConfig[] {
  const selected = names.length > 0 ? names : Object.keys(ENVIRONMENTS);
  const unknown = selected.filter((n) => !(n in ENVIRONMENTS));
  const unknownOverrides = Object.keys(overrides.values ?? {}).filter((n) => !(n in ENVIRONMENTS));
  if (unknownOverrides.length > 0) throw new ConfigError(OVERRIDES_VARIABLE, [`names ${JSON.stringify(unknownOverrides)}; must name environments that exist: ${Object.keys(ENVIRONMENTS).join(", ")}`]);
  if (unknown.length > 0) {
    throw new ConfigError("CDN_ENVIRONMENTS", [
      `got ${JSON.stringify(unknown)}; must name environments that exist: ${Object.keys(ENVIRONMENTS).join(", ")}`,
    ]);
  }
  const loaded: EnvironmentConfig[] = [];
  const problems: string[] = [];
  for (const name of selected) {
    const { file, data } = ENVIRONMENTS[name];
    const values = overrides.values?.[name];
    try {
      const env = values ? loadEnvironment(applyValueOverrides(data, values, name), `${file} with ${OVERRIDES_VARIABLE}`) : loadEnvironment(data, file);
      if (env.name !== name) throw new ConfigError(file, [`name: got ${JSON.stringify(env.name)}; must equal the file's environment "${name}"`]);
      loaded.push(overrides.stateBackend ? { ...env, state: { ...env.state, backend: overrides.stateBackend } } : env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new ConfigAggregateError(problems);
  return loaded;
}

/** Reads CDN_STATE_BACKEND (empty, `local` or `s3`); anything else is a ConfigError. */
export function stateBackendOverride(value: string | undefined): ConfigOverrides["stateBackend"] {
  if (value === undefined || value === "") return undefined;
  if (value === "local" || value === "s3") return value;
  throw new ConfigError("CDN_STATE_BACKEND", [`got ${JSON.stringify(value)}; must be "local" or "s3" (or unset to use each environment file's state.backend)`]);
}

/** Several environment files failed; the message holds each file's report. */
export class ConfigAggregateError extends Error {
  constructor(reports: string[]) {
    super(reports.join("\n"));
    this.name = "ConfigError";
  }
}
