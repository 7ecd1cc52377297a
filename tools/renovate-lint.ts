/**
 * Offline validation of renovate.json, in two layers:
 * 1. Renovate's own JSON schema (tools/renovate/renovate-schema.json, vendored from the `renovate`
 *    npm package at the version the workflow runs; `x-renovate-version` records it), with ajv. The
 *    schema allows unknown keys, so typos would pass it; hence
 * 2. this repository's checks: known top-level keys only, every custom manager a `regex` one with
 *    file patterns and match strings that compile, name `currentValue` and `datasource`, and match
 *    at least one pin in the repository; every `// renovate:` annotation is matched by a manager, and
 *    every pinned value in environments/shared.ts carries an annotation.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";

/** One problem. */
export interface RenovateProblem {
  /** Which layer found it. */
  readonly source: "schema" | "policy";
  /** What is wrong. */
  readonly message: string;
}

/** A dependency a custom manager extracts from a file. */
export interface ExtractedPin {
  /** Repository-relative file. */
  readonly file: string;
  /** 1-based line of the value. */
  readonly line: number;
  /** Datasource. */
  readonly datasource: string;
  /** Dependency name. */
  readonly depName: string;
  /** Package name, when the annotation gives one. */
  readonly packageName?: string;
  /** Registry URL, when the annotation gives one. */
  readonly registryUrl?: string;
  /** The pinned value. */
  readonly currentValue: string;
}

const SCHEMA_PATH = join(__dirname, "renovate", "renovate-schema.json");

/** The vendored schema and the Renovate version it comes from. */
export function renovateSchema(): { schema: Record<string, unknown>; version: string } {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, "utf8")) as Record<string, unknown>;
  return { schema, version: String(schema["x-renovate-version"]) };
}

/** Every object key anywhere in `value` (nested objects and arrays included). */
function keysIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => keysIn(item, into));
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      into.add(key);
      keysIn(item, into);
    }
  }
  return into;
}

/** The vendored schema split into its root properties and the rest, read once per process. */
let rootSchema: { properties: Record<string, unknown>; body: Record<string, unknown> } | undefined;

const compiled = new Map<string, ValidateFunction>();

/**
 * The schema compiled for `config`, keeping only the root properties that some object of the config
 * names. Renovate's schema allows unknown keys, and nested configuration refers back to the root (a
 * manager block such as `npm` is `"$ref": "#"`), so a root property that no object of the config names
 * never applies: the result is the same as with the whole schema. ajv compiles every property it is
 * given and each definition those reach: the whole schema (300 properties) took ~0.35 s of CPU, the
 * part this repository's config names ~0.08 s. One compilation per process and set of names.
 */
function schemaValidator(config: unknown): ValidateFunction {
  rootSchema ??= (() => {
    const { $schema: _draft, properties, ...body } = renovateSchema().schema as { $schema?: unknown; properties: Record<string, unknown> };
    return { properties, body };
  })();
  const { properties, body } = rootSchema;
  const named = [...keysIn(config)].filter((key) => Object.hasOwn(properties, key)).sort();
  const cacheKey = named.join("\n");
  const cached = compiled.get(cacheKey);
  if (cached) return cached;
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  // The schema marks regular expressions with `format: "regex"`; check them as JavaScript ones.
  ajv.addFormat("regex", (value: string) => {
    try {
      new RegExp(value.replace(/^\/(.*)\/[a-z]*$/, "$1"));
      return true;
    } catch {
      return false;
    }
  });
  const validate = ajv.compile({ ...body, properties: Object.fromEntries(named.map((key) => [key, properties[key]])) });
  compiled.set(cacheKey, validate);
  return validate;
}

/** Layer 1: the JSON schema. */
export function schemaProblems(config: unknown): RenovateProblem[] {
  const validate = schemaValidator(config);
  if (validate(config)) return [];
  return (validate.errors ?? []).map((e) => ({ source: "schema" as const, message: `${e.instancePath || "(root)"} ${e.message ?? "is invalid"}${e.params ? ` ${JSON.stringify(e.params)}` : ""}` }));
}

/** `managerFilePatterns` entries are globs unless written `/regex/` (Renovate's string-match rules). */
function fileMatcher(pattern: string): (path: string) => boolean {
  const regex = /^!?\/(.*)\/(i?)$/.exec(pattern);
  if (regex) {
    const re = new RegExp(regex[1], regex[2]);
    return (path) => re.test(path);
  }
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*\*\/?/g, "\u0000").replace(/\*/g, "[^/]*").replace(/\u0000/g, ".*")}$`);
  return (path) => re.test(path);
}

function repositoryFiles(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === "node_modules" || name === "cdktf.out" || name === ".git" || name === ".validate" || name === "state") return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? repositoryFiles(root, path) : [relative(root, path).split("\\").join("/")];
  });
}

interface CustomManager {
  customType?: string;
  managerFilePatterns?: string[];
  matchStrings?: string[];
}

/** Every pin the config's custom managers extract from the repository under `root`. */
export function extractPins(config: { customManagers?: CustomManager[] }, root: string): ExtractedPin[] {
  const files = repositoryFiles(root);
  const pins: ExtractedPin[] = [];
  for (const manager of config.customManagers ?? []) {
    const matchers = (manager.managerFilePatterns ?? []).map(fileMatcher);
    for (const file of files.filter((f) => matchers.some((m) => m(f)))) {
      const text = readFileSync(join(root, file), "utf8");
      for (const source of manager.matchStrings ?? []) {
        let re: RegExp;
        try {
          re = new RegExp(source, "gm");
        } catch {
          continue; // reported by policyProblems
        }
        for (const m of text.matchAll(re)) {
          const g = m.groups ?? {};
          const valueAt = (m.index ?? 0) + m[0].lastIndexOf(g.currentValue ?? "");
          pins.push({
            file,
            line: text.slice(0, valueAt).split("\n").length,
            datasource: g.datasource,
            depName: g.depName,
            packageName: g.packageName,
            registryUrl: g.registryUrl,
            currentValue: g.currentValue,
          });
        }
      }
    }
  }
  return pins;
}

const KNOWN_TOP_LEVEL = new Set([
  "$schema",
  "description",
  "extends",
  "timezone",
  "schedule",
  "prConcurrentLimit",
  "prHourlyLimit",
  "labels",
  "rangeStrategy",
  "dependencyDashboard",
  "customManagers",
  "packageRules",
]);

/** Layer 2: this repository's rules. `root` is the repository the config lives in. */
export function policyProblems(config: Record<string, unknown>, root: string): RenovateProblem[] {
  const problems: RenovateProblem[] = [];
  const problem = (message: string) => problems.push({ source: "policy", message });
  for (const key of Object.keys(config)) if (!KNOWN_TOP_LEVEL.has(key)) problem(`unknown or unexpected top-level key "${key}" (the schema would accept a typo)`);
  const managers = (config.customManagers ?? []) as CustomManager[];
  if (managers.length === 0) problem("no customManagers: the pins in environments/ would never be updated");
  managers.forEach((m, i) => {
    const at = `customManagers[${i}]`;
    if (m.customType !== "regex") problem(`${at}.customType must be "regex"`);
    if (!m.managerFilePatterns?.length) problem(`${at}.managerFilePatterns is empty`);
    if ((m as Record<string, unknown>).fileMatch) problem(`${at}.fileMatch was renamed managerFilePatterns`);
    if (!m.matchStrings?.length) problem(`${at}.matchStrings is empty`);
    for (const s of m.matchStrings ?? []) {
      try {
        new RegExp(s);
      } catch (error) {
        problem(`${at}: match string does not compile: ${(error as Error).message}`);
        continue;
      }
      if (!s.includes("(?<currentValue>")) problem(`${at}: a match string must capture currentValue`);
      if (!s.includes("(?<datasource>")) problem(`${at}: a match string must capture datasource`);
    }
    const found = extractPins({ customManagers: [m] }, root);
    if (found.length === 0) problem(`${at} matches no pin in the repository`);
  });
  const pins = extractPins({ customManagers: managers }, root);
  // Every annotation is read by some manager (an unmatched one is a pin nobody updates).
  for (const file of repositoryFiles(root).filter((f) => /\.(ts|ya?ml)$/.test(f) && !f.startsWith("test/") && f !== "tools/renovate-lint.ts")) {
    readFileSync(join(root, file), "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (!/^\s*(\/\/|#)\s*renovate:/.test(line)) return;
        if (!pins.some((p) => p.file === file && p.line === i + 2)) problem(`${file}:${i + 1}: this renovate annotation matches no manager`);
      });
  }
  return problems;
}

/** Both layers. */
export function lintRenovateConfig(config: Record<string, unknown>, root: string): RenovateProblem[] {
  return [...schemaProblems(config), ...policyProblems(config, root)];
}
