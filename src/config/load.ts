/**
 * Validates environment files and turns schema issues into messages an operator can act on:
 * which file, which field, which value, and what is allowed.
 */
import { z } from "zod";
import { environmentSchema, type EnvironmentConfig } from "./schema";

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

function formatIssues(error: z.ZodError, raw: unknown): string[] {
  const lines = error.issues.map((issue) => {
    const path = formatPath(issue.path);
    const value = valueAt(raw, issue.path);
    const got = value === undefined ? "nothing" : JSON.stringify(value);
    return `${path || "(root)"}: got ${got}; ${describe(issue)}`;
  });
  return [...new Set(lines)];
}

function describe(issue: z.ZodIssue): string {
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type:
      if (issue.message !== "Required" && !issue.message.startsWith("Expected")) return issue.message;
      return issue.received === "undefined" ? `is required (${issue.expected})` : `must be ${issue.expected}`;
    case z.ZodIssueCode.unrecognized_keys:
      return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}: remove them or fix their spelling`;
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
