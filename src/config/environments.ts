/**
 * Loads and validates environment files. Every selected environment is validated before any stack is
 * constructed, so a bad value stops synth before anything is written.
 */
import { ENVIRONMENTS } from "../../environments";
import { ConfigError, loadEnvironment } from "./load";
import { OVERRIDES_VARIABLE, applyValueOverrides, type ValueOverrides } from "./overrides";
import type { EnvironmentConfig } from "./schema";

/** Deliberate, per-run overrides of validated config (set by the entry point from the environment). */
export interface ConfigOverrides {
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
