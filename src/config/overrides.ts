/**
 * Per-run value overrides of environment files, for ephemeral copies of an environment (the nightly
 * integration workflow deploys a copy of `dev` into a sandbox account with unique global names):
 * `CDN_CONFIG_OVERRIDES` holds JSON keyed by environment, each a map from a field path (the same
 * syntax validation messages use: `regions[0].ingress.certificateArn`) to its value:
 *
 *   CDN_CONFIG_OVERRIDES='{"dev":{"accountId":"444455556666","bundleBucketName":"cdn-config-bundles-it-123"}}'
 *
 * Overrides are applied to the raw file data *before* validation, so the schema checks the result
 * like any file (a bad override fails synth with the field, the value and what is allowed). A path
 * must lead through fields that exist; only the last segment may be new (an optional field).
 */
import { ConfigError } from "./load";

/** Overrides per environment: field path -> value. */
export type ValueOverrides = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** The variable that carries overrides. */
export const OVERRIDES_VARIABLE = "CDN_CONFIG_OVERRIDES";

/** Parses the variable's JSON (undefined when unset or empty). */
export function parseValueOverrides(text: string | undefined): ValueOverrides | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(OVERRIDES_VARIABLE, [`is not JSON (${(error as Error).message}); expected {"<environment>": {"<field path>": <value>, ...}}`]);
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(parsed) || !Object.values(parsed).every(isObject)) {
    throw new ConfigError(OVERRIDES_VARIABLE, [`got ${JSON.stringify(parsed)}; expected {"<environment>": {"<field path>": <value>, ...}}`]);
  }
  return parsed as ValueOverrides;
}

/** `regions[0].ingress.certificateArn` -> ["regions", 0, "ingress", "certificateArn"]. */
export function parsePath(path: string): (string | number)[] {
  const parts: (string | number)[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|(\.)/gy;
  let expectName = true;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = re.exec(path)) !== null) {
    consumed = re.lastIndex;
    if (match[1] !== undefined) {
      if (!expectName) break;
      parts.push(match[1]);
      expectName = false;
    } else if (match[2] !== undefined) {
      if (expectName) break;
      parts.push(Number(match[2]));
    } else {
      if (expectName) break;
      expectName = true;
    }
  }
  if (consumed !== path.length || expectName || parts.length === 0) throw new Error(`"${path}" is not a field path like regions[0].ingress.certificateArn`);
  return parts;
}

/** A copy of `raw` with every override applied; throws a ConfigError naming each bad path. */
export function applyValueOverrides(raw: unknown, overrides: Readonly<Record<string, unknown>>, environment: string): unknown {
  const copy = structuredClone(raw) as Record<string, unknown>;
  const problems: string[] = [];
  for (const [path, value] of Object.entries(overrides)) {
    try {
      const parts = parsePath(path);
      let node: any = copy;
      for (const part of parts.slice(0, -1)) {
        const next = node?.[part];
        if (typeof next !== "object" || next === null) throw new Error(`"${path}": ${JSON.stringify(part)} does not exist in environment ${environment}`);
        node = next;
      }
      const last = parts[parts.length - 1];
      if (Array.isArray(node) && typeof last !== "number") throw new Error(`"${path}": a list; select an element with [index]`);
      if (Array.isArray(node) && (last as number) > node.length) throw new Error(`"${path}": index ${String(last)} is out of range`);
      if (!Array.isArray(node) && typeof last === "number") throw new Error(`"${path}": not a list`);
      node[last] = value;
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) throw new ConfigError(OVERRIDES_VARIABLE, problems);
  return copy;
}
