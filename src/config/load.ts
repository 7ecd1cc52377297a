/**
 * Validates environment files and turns schema issues into messages an operator can act on:
 * which file, which field, which value, and what is allowed.
 */
import { z } from "zod";
import { environmentSchema, type EnvironmentConfig } from "./schema";
import { closest } from "./suggest";

/** Raised when an environment file fails validation; `message` lists every problem. */
export class ConfigError extends Error {
  /** One line per problem: `<path>: got <value>; <what is allowed>`. */
  readonly problems: readonly string[];

  constructor(source: string, problems: string[]) {
    super(`Invalid environment config in ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Validates one environment's raw data; `source` names the file in error messages. */
export function loadEnvironment(raw: unknown, source: string): EnvironmentConfig {
  const result = environmentSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(source, formatIssues(result.error, raw));
}

/**
 * One line per mistake. An unknown field is named with its path and the closest known field ("did you
 * mean"); when that known field is then missing, its "is required" issue is the same mistake and is
 * not reported again. Values are shown when short; objects and long lists are summarized, not dumped.
 */
function formatIssues(error: z.ZodError, raw: unknown): string[] {
  const lines: string[] = [];
  const explained = new Set<string>(); // paths of missing fields that an unknown field's suggestion explains
  for (const issue of error.issues) {
    if (issue.code !== z.ZodIssueCode.unrecognized_keys) continue;
    const present = valueAt(raw, issue.path);
    const known = objectKeysAt(environmentSchema, issue.path);
    const missing = known.filter((k) => !(present && typeof present === "object" && k in present));
    for (const key of issue.keys) {
      const suggestion = closest(key, missing) ?? closest(key, known);
      const path = formatPath([...issue.path, key]);
      if (suggestion) {
        explained.add(formatPath([...issue.path, suggestion]));
        lines.push(`${path}: unknown field; did you mean "${suggestion}"?`);
      } else {
        lines.push(`${path}: unknown field; ${formatPath(issue.path) || "the environment"} has ${known.map((k) => `"${k}"`).join(", ")}`);
      }
    }
  }
  for (const issue of error.issues) {
    if (issue.code === z.ZodIssueCode.unrecognized_keys) continue;
    const path = formatPath(issue.path);
    const value = valueAt(raw, issue.path);
    if (value === undefined && explained.has(path)) continue;
    lines.push(`${path || "(root)"}: got ${brief(value)}; ${describe(issue)}`);
  }
  return [...new Set(lines)];
}

/** A value for a message: itself when short, else a summary (never a whole object). */
function brief(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  if (text.length <= 80) return text;
  if (Array.isArray(value)) return `a list of ${value.length} items`;
  if (value && typeof value === "object") return `an object with ${Object.keys(value).length} fields`;
  return `${text.slice(0, 77)}..."`;
}

/** The field names the schema allows at `path` (an object's keys), or none. */
function objectKeysAt(schema: z.ZodTypeAny, path: readonly (string | number)[]): string[] {
  let current: z.ZodTypeAny | undefined = schema;
  const unwrap = (s: z.ZodTypeAny): z.ZodTypeAny => {
    let t = s;
    for (;;) {
      if (t instanceof z.ZodEffects) t = t.innerType();
      else if (t instanceof z.ZodDefault) t = t._def.innerType;
      else if (t instanceof z.ZodOptional || t instanceof z.ZodNullable) t = t.unwrap();
      else return t;
    }
  };
  for (const part of path) {
    if (!current) return [];
    const s = unwrap(current);
    if (typeof part === "number" && s instanceof z.ZodArray) current = s.element as z.ZodTypeAny;
    else if (typeof part === "string" && s instanceof z.ZodObject) current = (s.shape as Record<string, z.ZodTypeAny>)[part];
    else return [];
  }
  const target = current ? unwrap(current) : undefined;
  return target instanceof z.ZodObject ? Object.keys(target.shape as object) : [];
}

function describe(issue: z.ZodIssue): string {
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type:
      if (issue.message !== "Required" && !issue.message.startsWith("Expected")) return issue.message;
      return issue.received === "undefined" ? `is required (${issue.expected})` : `must be ${issue.expected}`;
    case z.ZodIssueCode.invalid_enum_value:
      return issue.message.startsWith("must") ? issue.message : `must be one of ${issue.options.map((o) => JSON.stringify(o)).join(", ")}`;
    case z.ZodIssueCode.too_small:
      return issue.message.startsWith("must") || issue.message.startsWith("is") ? issue.message : `must be at least ${issue.minimum}`;
    case z.ZodIssueCode.too_big:
      return issue.message.startsWith("must") ? issue.message : `must be at most ${issue.maximum}`;
    default:
      return issue.message;
  }
}

/** `regions[0].availabilityZones[1]` style paths. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, part) => (typeof part === "number" ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), "");
}

function valueAt(raw: unknown, path: readonly (string | number)[]): unknown {
  let current: unknown = raw;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}
