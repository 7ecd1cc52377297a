/**
 * Real Terraform validation of synthesized stacks, offline: each stack is copied aside and the copy's
 * configuration adjusted (a local backend; for planning, dummy credentials and the AWS provider's skip
 * flags, and stub states with placeholder ids for cross-stack inputs: only in the copy, never in the
 * synthesized config), then planned with `terraform plan -refresh=false`. Providers come from a
 * filesystem mirror through a CLI config of our own.
 *
 * `plan` validates: before planning, Terraform's local backend runs the same validation walk as
 * `terraform validate` and stops on its errors (internal/backend/local/backend_local.go, "running
 * validation operation"), so a separate `validate` would only start the provider once more. Loading
 * the AWS provider's schema (~1.6 s of CPU, once per Terraform run) is most of a small stack's time, so:
 * - `init` runs once per distinct provider set (same required_providers), in a template directory;
 *   each copy links the template's installed providers and copies its lock file and backend marker;
 * - stacks of one provider set are planned together, as modules of one configuration, in as many
 *   groups as there are cores (balanced by size): one schema load per group instead of per stack. Each
 *   module keeps the stack's own provider configurations, resources, moved blocks and outputs. What
 *   Terraform checks only in a root module is covered: each module output is re-exported at the root
 *   with the module's own `sensitive` flag, so an output leaking a sensitive value still fails; and a
 *   group that fails for any reason (a root-only block included) is planned again stack by stack, so
 *   every error is reported against its own stack as before (docs/decisions/0011-offline-plans-in-groups.md);
 * - the plan's own machine-readable output (`-json`) gives the counts, per module from its planned changes.
 * The scratch directory is removed afterwards unless the caller passed its own.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";

/** What happened to one stack. */
export interface StackCheck {
  /** Stack name. */
  readonly stack: string;
  /** `planned` implies validated. */
  readonly status: "planned" | "not-run" | "failed";
  /** Resources the plan would add (planned stacks only). */
  readonly toAdd?: number;
  /** Why it was not run, or what failed. */
  readonly detail?: string;
  /** Wall time of the stack's Terraform run, in milliseconds (progress output only). */
  readonly ms?: number;
  /** Planned as one of this many stacks in one configuration (absent: on its own). */
  readonly together?: number;
  /** `terraform graph` (DOT) of the stack, when asked for with `graph`. */
  readonly graph?: string;
}

/** Options of {@link checkStacks}. */
export interface CheckOptions {
  /** The cdktf output directory holding manifest.json. */
  readonly outdir: string;
  /** Scratch directory for the stack copies, kept afterwards; when omitted, a temporary `cdn-tf-*` one, removed afterwards. */
  readonly workdir?: string;
  /** Where the temporary scratch directory is created (default: the system's temporary directory). */
  readonly tmpRoot?: string;
  /** Filesystem mirror in registry layout. Defaults to TF_PLUGIN_MIRROR or /opt/tf-plugins. */
  readonly mirror?: string;
  /** Only these stacks (all when omitted). */
  readonly stacks?: readonly string[];
  /** Terraform runs at the same time, and groups per provider set; defaults to the number of cores. */
  readonly concurrency?: number;
  /** Called after each stack, for progress output (with the number done and the total). */
  readonly onResult?: (result: StackCheck, done: number, total: number) => void;
  /** Also record `terraform graph` of these stacks (the dependency order Terraform will use). */
  readonly graph?: readonly string[];
}

/** Providers (by local name) present in the offline mirror; others cannot be initialized here. */
function mirroredProviders(mirror: string): Set<string> {
  const base = join(mirror, "registry.terraform.io", "hashicorp");
  const names = ["aws", "kubernetes", "helm", "random"].filter((p) => existsSync(join(base, p)));
  return new Set(names);
}

/** Why Terraform validation cannot run on this machine, or undefined when it can. */
export function unavailableReason(mirror = defaultMirror()): string | undefined {
  const version = spawnSync("terraform", ["version", "-json"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  if (version.error || version.status !== 0) return "terraform is not on PATH";
  if (!existsSync(join(mirror, "registry.terraform.io"))) return `no provider mirror at ${mirror}`;
  return undefined;
}

function defaultMirror(): string {
  return process.env.TF_PLUGIN_MIRROR ?? "/opt/tf-plugins";
}

interface TerraformJson {
  terraform?: { required_providers?: Record<string, unknown> };
  resource?: Record<string, Record<string, unknown>>;
  provider?: Record<string, { alias?: string; region?: string }[]>;
  data?: Record<string, unknown>;
}

const LOCAL_BACKEND = { local: { path: "terraform.tfstate" } };

/** Runs a command without blocking the event loop (stacks run in parallel). */
function run(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ ok: boolean; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn("terraform", args, { cwd, env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", (e) => done({ ok: false, out: "", err: e.message }));
    child.on("close", (code) => done({ ok: code === 0, out: Buffer.concat(out).toString("utf8"), err: Buffer.concat(err).toString("utf8") }));
  });
}

/** Runs `work` over `items` with at most `limit` at a time, keeping the order of results. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** A selected stack: where its synthesized configuration is, and the providers it needs. */
interface Candidate {
  readonly stack: string;
  readonly source: string;
  readonly config: TerraformJson;
  readonly providers: Record<string, unknown>;
  /** The provider set as a comparable key (stacks with the same key share an `init` and may share a group). */
  readonly providerSet: string;
  readonly missing: readonly string[];
  /** Resources in the configuration (the size used for ordering and balancing). */
  readonly size: number;
}

/** An initialized template directory for one provider set (or why `init` failed). */
interface Template {
  readonly dir: string;
  readonly error?: string;
}

/** Plans (and so validates) every selected stack of the manifest whose providers are in the mirror. */
export async function checkStacks(options: CheckOptions): Promise<StackCheck[]> {
  const mirror = resolve(options.mirror ?? defaultMirror());
  const available = mirroredProviders(mirror);
  const manifest = JSON.parse(readFileSync(join(options.outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string; workingDirectory: string }>;
  };
  const workdir = resolve(options.workdir ?? mkdtempSync(join(options.tmpRoot ?? tmpdir(), "cdn-tf-")));
  const temporary = options.workdir === undefined;
  try {
    rmSync(workdir, { recursive: true, force: true });
    mkdirSync(workdir, { recursive: true });
    const cliConfig = join(workdir, "terraform.rc");
    writeFileSync(
      cliConfig,
      ["provider_installation {", "  filesystem_mirror {", `    path    = ${JSON.stringify(mirror)}`, `    include = ["registry.terraform.io/hashicorp/*"]`, "  }", "}", ""].join("\n"),
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      TF_PLUGIN_CACHE_DIR: "",
      TF_LOG: "",
      // Terraform and the AWS provider are Go programs that allocate a lot while loading the provider
      // schema; collecting garbage less often cuts their CPU time by about a fifth for ~5% more memory.
      GOGC: process.env.GOGC ?? "400",
    };

    const names = Object.keys(manifest.stacks).filter((s) => !options.stacks || options.stacks.includes(s)).sort();
    const stacks: Candidate[] = names.map((stack) => {
      const source = join(options.outdir, manifest.stacks[stack].workingDirectory);
      const config = JSON.parse(readFileSync(join(source, "cdk.tf.json"), "utf8")) as TerraformJson;
      const providers = config.terraform?.required_providers ?? {};
      const missing = Object.keys(providers).filter((p) => !available.has(p));
      const size = Object.values(config.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
      return { stack, source, config, providers, providerSet: canonical(providers), missing, size };
    });

    // One `init` per distinct provider set, shared by every stack that has it.
    const templates = new Map<string, Promise<Template>>();
    const templateFor = (s: Candidate): Promise<Template> => {
      let template = templates.get(s.providerSet);
      if (!template) {
        const dir = join(workdir, `.init-${templates.size + 1}`);
        mkdirSync(dir);
        writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: s.providers, backend: LOCAL_BACKEND } }, null, 2));
        template = run(["init", "-input=false", "-no-color"], dir, env).then((r) => ({ dir, error: r.ok ? undefined : `terraform init failed:\n${tail(r.out + r.err)}` }));
        templates.set(s.providerSet, template);
      }
      return template;
    };

    const concurrency = Math.max(1, options.concurrency ?? availableParallelism());
    const graphed = new Set(options.graph ?? []);
    let done = 0;
    const finished: StackCheck[] = [];
    const report = (result: StackCheck): void => {
      finished.push(result);
      options.onResult?.(result, ++done, stacks.length);
    };
    for (const s of stacks.filter((c) => c.missing.length > 0)) {
      report({ stack: s.stack, status: "not-run", detail: `providers not in the offline mirror: ${s.missing.join(", ")}` });
    }
    // The units of work: per provider set, up to `concurrency` groups of similar size.
    const bySet = new Map<string, Candidate[]>();
    for (const s of stacks.filter((c) => c.missing.length === 0)) bySet.set(s.providerSet, [...(bySet.get(s.providerSet) ?? []), s]);
    const units = [...bySet.values()].flatMap((set) => balancedGroups(set, concurrency, (s) => s.size));
    // Largest first, so that the last units to finish are small ones.
    units.sort((a, b) => total(b) - total(a) || a[0].stack.localeCompare(b[0].stack));
    let unitNo = 0;
    await pool(units, concurrency, async (unit) => {
      const dir = join(workdir, `plan-${++unitNo}`);
      const template = await templateFor(unit[0]);
      const started = performance.now();
      const timed = (r: StackCheck, together?: number): StackCheck => ({ ...r, ms: Math.round(performance.now() - started), ...(together ? { together } : {}) });
      const alone = async (s: Candidate): Promise<StackCheck> => {
        const result = await checkStack(s, join(dir, s.stack), template, env, graphed.has(s.stack)).catch(
          (error: unknown): StackCheck => ({ stack: s.stack, status: "failed", detail: `could not prepare or run terraform: ${(error as Error).message}` }),
        );
        return timed(result);
      };
      if (unit.length > 1) {
        const together = await checkGroup(unit, dir, template, env, graphed).catch(() => undefined);
        if (together) {
          for (const r of together) report(timed(r, unit.length));
          return;
        }
        // The group failed: plan each stack on its own, so each error is reported against its stack.
        rmSync(dir, { recursive: true, force: true });
      }
      for (const s of unit) report(await alone(s));
    });
    return finished.sort((a, b) => a.stack.localeCompare(b.stack));
  } finally {
    if (temporary) rmSync(workdir, { recursive: true, force: true });
  }
}

const total = (group: readonly Candidate[]): number => group.reduce((n, s) => n + s.size, 0);

/**
 * Splits `items` into at most `count` groups of similar total weight: heaviest first (ties in name
 * order), each into the lightest group so far. Deterministic; no group is empty; each sorted by name.
 */
export function balancedGroups<T extends { readonly stack: string }>(items: readonly T[], count: number, weight: (item: T) => number): T[][] {
  const groups: { items: T[]; weight: number }[] = Array.from({ length: Math.max(1, Math.min(count, items.length)) }, () => ({ items: [], weight: 0 }));
  const heaviestFirst = [...items].sort((a, b) => weight(b) - weight(a) || a.stack.localeCompare(b.stack));
  for (const item of heaviestFirst) {
    // The lightest group; of equally light ones, the one with fewer items, then the first.
    const lightest = groups.reduce((best, g) => (g.weight < best.weight || (g.weight === best.weight && g.items.length < best.items.length) ? g : best));
    lightest.items.push(item);
    lightest.weight += weight(item);
  }
  return groups.filter((g) => g.items.length > 0).map((g) => g.items.sort((a, b) => a.stack.localeCompare(b.stack)));
}

/** JSON with sorted keys, for comparing provider sets. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The AWS provider settings of an offline plan: dummy credentials, no account lookups, no account pin. */
const OFFLINE_AWS = {
  access_key: "AKIAOFFLINEPLANNING0",
  secret_key: "offline-planning-only",
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
};

/**
 * Copies a stack into `dir` and adjusts the copy's configuration for an offline plan run in `root`
 * (the stack's own directory, or the root of the group it is a module of): the backend (local at a
 * root; none in a module, where Terraform ignores it), the AWS provider blocks (OFFLINE_AWS), and
 * each terraform_remote_state pointed at a stub state with placeholder outputs. Returns whether the
 * stack reads other stacks' state.
 */
function prepareCopy(s: Candidate, dir: string, root: string): { readsRemoteState: boolean } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  cpSync(s.source, dir, { recursive: true });
  rmSync(join(dir, ".terraform"), { recursive: true, force: true });
  const config = structuredClone(s.config) as TerraformJson & { terraform?: { backend?: unknown } };
  const asModule = resolve(dir) !== resolve(root);
  config.terraform = { ...config.terraform };
  if (asModule) delete config.terraform.backend;
  else config.terraform.backend = LOCAL_BACKEND;
  for (const block of config.provider?.aws ?? []) {
    Object.assign(block, OFFLINE_AWS);
    delete (block as Record<string, unknown>).allowed_account_ids;
  }
  // Cross-stack inputs come from other stacks' state, which does not exist offline: point each
  // terraform_remote_state at a stub state whose outputs hold placeholder ids (a local backend's path
  // is relative to where Terraform runs).
  const remote = (config.data?.terraform_remote_state ?? {}) as Record<string, Record<string, unknown>>;
  const configText = JSON.stringify(config);
  for (const [name, block] of Object.entries(remote)) {
    const file = `stub-${name}.tfstate`;
    writeFileSync(join(dir, file), JSON.stringify(stubState(name, configText), null, 2));
    block.backend = "local";
    block.config = { path: relative(root, join(dir, file)) };
  }
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(config, null, 2));
  return { readsRemoteState: Object.keys(remote).length > 0 };
}

/** What `init` would leave in `dir` (a stack copy or a group's root), from the provider set's template. */
function linkTemplate(dir: string, template: Template): void {
  mkdirSync(join(dir, ".terraform"), { recursive: true });
  const from = (...path: string[]) => join(template.dir, ...path);
  // The same providers (linked, not copied: the AWS provider is ~700 MB), lock file and backend.
  if (existsSync(from(".terraform", "providers"))) symlinkSync(from(".terraform", "providers"), join(dir, ".terraform", "providers"), "dir");
  copyFileSync(from(".terraform", "terraform.tfstate"), join(dir, ".terraform", "terraform.tfstate"));
  if (existsSync(from(".terraform.lock.hcl"))) copyFileSync(from(".terraform.lock.hcl"), join(dir, ".terraform.lock.hcl"));
}

/** Runs `terraform plan` in `dir`: the error diagnostics, or the summary and the planned changes. */
async function plan(dir: string, env: NodeJS.ProcessEnv): Promise<{ error: string } | { add: number; changes: PlanMessage[] }> {
  const r = await run(["plan", "-refresh=false", "-lock=false", "-input=false", "-no-color", "-json"], dir, env);
  const messages = parseJsonLines(r.out);
  const errors = messages.filter((m) => m.type === "diagnostic" && m.diagnostic?.severity === "error");
  if (!r.ok || errors.length > 0) {
    const text = errors.length > 0 ? errors.map(formatDiagnostic).join("\n") : tail(r.out + r.err);
    return { error: `terraform plan (which validates first) failed:\n${text}` };
  }
  const summary = messages.find((m) => m.type === "change_summary")?.changes;
  if (!summary || typeof summary.add !== "number") return { error: `terraform plan printed no change summary:\n${tail(r.out + r.err)}` };
  return { add: summary.add, changes: messages.filter((m) => m.type === "planned_change") };
}

/** One stack planned on its own, in `dir`. */
async function checkStack(s: Candidate, dir: string, template: Template, env: NodeJS.ProcessEnv, withGraph: boolean): Promise<StackCheck> {
  if (template.error) return { stack: s.stack, status: "failed", detail: template.error };
  const { readsRemoteState } = prepareCopy(s, dir, dir);
  linkTemplate(dir, template);
  const result = await plan(dir, env);
  if ("error" in result) return { stack: s.stack, status: "failed", detail: result.error };
  let graph: string | undefined;
  if (withGraph) {
    const g = await run(["graph"], dir, env);
    if (!g.ok) return { stack: s.stack, status: "failed", detail: `terraform graph failed:\n${tail(g.out + g.err)}` };
    graph = g.out;
  }
  return { stack: s.stack, status: "planned", toAdd: result.add, detail: note(readsRemoteState), ...(graph ? { graph } : {}) };
}

const note = (readsRemoteState: boolean): string | undefined => (readsRemoteState ? "cross-stack inputs stubbed with placeholder ids" : undefined);

/** A module name for a stack (Terraform identifiers: a letter, then letters, digits, `_` and `-`). */
const MODULE_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Stacks planned together as modules of one configuration in `dir`: the result of each, or undefined
 * when anything failed (the caller then plans them one by one, which reports each error against its
 * own stack).
 */
async function checkGroup(group: readonly Candidate[], dir: string, template: Template, env: NodeJS.ProcessEnv, graphed: ReadonlySet<string>): Promise<StackCheck[] | undefined> {
  if (template.error || group.some((s) => !MODULE_NAME.test(s.stack))) return undefined;
  mkdirSync(dir, { recursive: true });
  const module: Record<string, { source: string }> = {};
  const output: Record<string, { value: string; sensitive?: boolean }> = {};
  const readsRemoteState = new Map<string, boolean>();
  for (const s of group) {
    readsRemoteState.set(s.stack, prepareCopy(s, join(dir, s.stack), dir).readsRemoteState);
    module[s.stack] = { source: `./${s.stack}` };
    // Terraform refuses a sensitive value in an output not marked sensitive only at the root: each
    // module output is re-exported there, as sensitive as the stack declares it.
    const outputs = (s.config as { output?: Record<string, { sensitive?: boolean }> }).output ?? {};
    for (const [name, o] of Object.entries(outputs)) output[`${s.stack}__${name}`] = { value: `\${module.${s.stack}.${name}}`, ...(o.sensitive ? { sensitive: true } : {}) };
  }
  // (An empty `output` object is a syntax error in Terraform JSON.)
  const root = { terraform: { required_providers: group[0].providers, backend: LOCAL_BACKEND }, module, ...(Object.keys(output).length > 0 ? { output } : {}) };
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify(root, null, 2));
  linkTemplate(dir, template);
  // What `init` records for local modules.
  const modules = [{ Key: "", Source: "", Dir: "." }, ...group.map((s) => ({ Key: s.stack, Source: `./${s.stack}`, Dir: s.stack }))];
  mkdirSync(join(dir, ".terraform", "modules"), { recursive: true });
  writeFileSync(join(dir, ".terraform", "modules", "modules.json"), JSON.stringify({ Modules: modules }));

  const result = await plan(dir, env);
  if ("error" in result) return undefined;
  const adds = new Map<string, number>();
  for (const m of result.changes) {
    if (m.change?.action !== "create" && m.change?.action !== "replace") continue;
    const owner = m.change.resource?.module ?? "";
    adds.set(owner, (adds.get(owner) ?? 0) + 1);
  }
  // Every planned addition belongs to one of the modules, and they add up to Terraform's own summary.
  const counted = group.reduce((n, s) => n + (adds.get(`module.${s.stack}`) ?? 0), 0);
  if (counted !== result.add) return undefined;
  let dot: string | undefined;
  if (group.some((s) => graphed.has(s.stack))) {
    const g = await run(["graph"], dir, env);
    if (!g.ok) return undefined;
    dot = g.out;
  }
  return group.map((s) => ({
    stack: s.stack,
    status: "planned",
    toAdd: adds.get(`module.${s.stack}`) ?? 0,
    detail: note(readsRemoteState.get(s.stack) ?? false),
    ...(dot && graphed.has(s.stack) ? { graph: moduleGraph(dot, s.stack) } : {}),
  }));
}

/** The edges among one module's nodes in a `terraform graph` of several modules, as that stack's own graph would name them. */
export function moduleGraph(dot: string, module: string): string {
  const prefix = `module.${module}.`;
  const edges = dotEdges(dot)
    .filter(([from, to]) => from.startsWith(prefix) && to.startsWith(prefix))
    .map(([from, to]) => `  "${from.slice(prefix.length)}" -> "${to.slice(prefix.length)}"`);
  return ["digraph G {", ...edges, "}", ""].join("\n");
}

/** The edges of a `terraform graph` DOT text, as [from, to] node names. */
function dotEdges(dot: string): [string, string][] {
  return [...dot.matchAll(/"([^"]+)" -> "([^"]+)"/g)].map((m) => [m[1], m[2]]);
}

/** Addresses reachable from `from` along the edges of a `terraform graph` DOT text (what it is ordered after). */
export function graphReach(dot: string, from: string): Set<string> {
  const edges = new Map<string, string[]>();
  for (const [a, b] of dotEdges(dot)) edges.set(a, [...(edges.get(a) ?? []), b]);
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    for (const next of edges.get(stack.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

interface PlanMessage {
  type?: string;
  diagnostic?: { severity?: string; summary?: string; detail?: string; address?: string; range?: { filename?: string; start?: { line?: number } } };
  changes?: { add?: number; change?: number; remove?: number };
  change?: { action?: string; resource?: { module?: string } };
}

/** The `-json` output of a Terraform command: one JSON message per line. */
function parseJsonLines(text: string): PlanMessage[] {
  return text
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as PlanMessage];
      } catch {
        return [];
      }
    });
}

function formatDiagnostic(m: PlanMessage): string {
  const d = m.diagnostic ?? {};
  const where = d.range?.filename ? ` (${d.range.filename}${d.range.start?.line ? `:${d.range.start.line}` : ""})` : "";
  return `Error: ${d.summary ?? "unknown"}${d.address ? ` [${d.address}]` : ""}${where}${d.detail ? `\n  ${d.detail.split("\n").join("\n  ")}` : ""}`;
}

/** A placeholder of the right shape for an output, from its name (ids only need to look like ids). */
function stubValue(output: string): string {
  const name = output.toLowerCase();
  if (name.includes("security_group")) return "sg-0123456789abcdef0";
  if (name.includes("route_table")) return "rtb-0123456789abcdef0";
  if (name.includes("aws_vpc")) return "vpc-0123456789abcdef0";
  if (name.includes("zone")) return "Z0123456789ABCDEFGHIJ";
  if (name.includes("arn")) return "arn:aws:iam::000000000000:role/offline-stub";
  return `offline-stub-${name.slice(-12)}`;
}

/** A state file for a terraform_remote_state `name`: every output the configuration reads from it, as a placeholder. */
function stubState(name: string, configText: string): Record<string, unknown> {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const outputs = new Set([...configText.matchAll(new RegExp(`data\\.terraform_remote_state\\.${escaped}\\.outputs\\.([A-Za-z0-9_-]+)`, "g"))].map((m) => m[1]));
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "offline-plan-stub",
    outputs: Object.fromEntries([...outputs].sort().map((o) => [o, { value: stubValue(o), type: "string" }])),
    resources: [],
  };
}

function tail(text: string, lines = 40): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}

/** One progress line for a finished stack: `[3/9] dev-global: planned, 120 to add (5.1 s, with 4 other stacks)`. */
export function formatProgress(result: StackCheck, done: number, total: number): string {
  const what = result.status === "planned" ? `planned, ${result.toAdd} to add` : result.status === "failed" ? "FAILED" : `not run (${result.detail})`;
  const others = result.together ? `, with ${result.together - 1} other stack${result.together === 2 ? "" : "s"}` : "";
  return `[${done}/${total}] ${result.stack}: ${what}${result.ms !== undefined ? ` (${(result.ms / 1000).toFixed(1)} s${others})` : ""}`;
}

/** A fixed-width table of results for the terminal. */
export function formatResults(results: readonly StackCheck[]): string {
  const rows = results.map((r) => [
    r.stack,
    r.status,
    r.status === "planned" ? `${r.toAdd} to add` : "",
    r.status === "failed" ? "see below" : r.detail ?? "",
  ]);
  const header = ["stack", "result", "plan", "note"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const failures = results.filter((r) => r.status === "failed").map((r) => `\n--- ${r.stack} ---\n${r.detail}`);
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line), ...failures].join("\n");
}
