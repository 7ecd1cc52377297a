/**
 * The repository's layering rules, checked over import statements (test/architecture.test.ts):
 * - constructs/ import nothing from src/config/ (they take props, never environment files or names);
 * - the policy pack (src/policy/) imports nothing else from the project (it is self-contained);
 * - nothing `cdktf synth` runs (src/, stacks/, constructs/, environments/) imports the dev tools in tools/.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** One import edge: repository-relative importer and imported file. */
export interface ImportEdge {
  /** Importing file, relative to the repository root (`/` separators). */
  readonly from: string;
  /** Imported file, relative to the repository root. */
  readonly to: string;
}

/** A broken layering rule. */
export interface DependencyViolation {
  /** The rule, in words. */
  readonly rule: string;
  /** The offending edge. */
  readonly edge: ImportEdge;
}

interface LayerRule {
  readonly rule: string;
  readonly appliesTo: (from: string) => boolean;
  readonly forbids: (to: string) => boolean;
}

const under = (dir: string) => (path: string) => path.startsWith(`${dir}/`);
const SYNTH_CODE = ["src", "stacks", "constructs", "environments"].map(under);

/** The rules; every edge is checked against each. */
export const LAYER_RULES: readonly LayerRule[] = [
  {
    rule: "constructs import nothing from src/config/ (pass values in as props)",
    appliesTo: under("constructs"),
    forbids: under("src/config"),
  },
  {
    rule: "the policy pack (src/policy/) imports nothing else from the project",
    appliesTo: under("src/policy"),
    forbids: (to) => !under("src/policy")(to),
  },
  {
    rule: "code that `cdktf synth` runs never imports the dev tools in tools/",
    appliesTo: (from) => SYNTH_CODE.some((inside) => inside(from)),
    forbids: under("tools"),
  },
];

/** Checks edges against {@link LAYER_RULES}. */
export function dependencyViolations(edges: readonly ImportEdge[]): DependencyViolation[] {
  return edges.flatMap((edge) => LAYER_RULES.filter((r) => r.appliesTo(edge.from) && r.forbids(edge.to)).map((r) => ({ rule: r.rule, edge })));
}

const SPECIFIER = /(?:import|export)\s[^'";]*?from\s*["'](\.{1,2}\/[^"']+)["']|import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)|^import\s*["'](\.{1,2}\/[^"']+)["']/gm;

/** Relative import specifiers of one source text. */
export function relativeSpecifiers(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2] ?? m[3]);
}

function resolveModule(fromAbs: string, specifier: string): string | undefined {
  const base = resolve(dirname(fromAbs), specifier);
  return [`${base}.ts`, join(base, "index.ts"), base].find((c) => existsSync(c) && statSync(c).isFile());
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === "node_modules" || e.name.startsWith(".")) return [];
    const path = join(dir, e.name);
    return e.isDirectory() ? sourceFiles(path) : e.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every relative import edge of the TypeScript files under `dirs` of `root`. */
export function importEdges(root: string, dirs: readonly string[]): ImportEdge[] {
  const rel = (p: string) => relative(root, p).split("\\").join("/");
  return dirs.flatMap((d) => sourceFiles(join(root, d))).flatMap((file) =>
    relativeSpecifiers(readFileSync(file, "utf8")).map((spec) => {
      const target = resolveModule(file, spec);
      if (!target) throw new Error(`${rel(file)}: cannot resolve import "${spec}"`);
      return { from: rel(file), to: rel(target) };
    }),
  );
}
