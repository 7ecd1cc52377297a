/**
 * Real Terraform validation of synthesized stacks, offline: each stack is copied aside, given override
 * files (a local backend; for planning, dummy credentials and the AWS provider's skip flags, and stub
 * states with placeholder ids for cross-stack inputs: only in the copy, never in the synthesized
 * config), then planned with `terraform plan -refresh=false`. Providers come from a filesystem mirror
 * through a CLI config of our own.
 *
 * `plan` validates: before planning, Terraform's local backend runs the same validation walk as
 * `terraform validate` and stops on its errors (internal/backend/local/backend_local.go, "running
 * validation operation"), so a separate `validate` would only start the provider once more. Starting
 * the AWS provider (loading its schema) is most of a stack's time, so:
 * - `init` runs once per distinct provider set (same required_providers), in a template directory;
 *   each stack copy links the template's installed providers and copies its lock file and backend marker;
 * - stacks are planned in parallel, up to the machine's cores, longest first;
 * - the plan's own machine-readable output (`-json`) gives the counts, no `show -json` of a plan file.
 * The scratch directory is removed afterwards unless the caller passed its own.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
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
  /** Stacks planned at the same time; defaults to the number of cores. */
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
    const stacks = names.map((stack) => {
      const source = join(options.outdir, manifest.stacks[stack].workingDirectory);
      const config = JSON.parse(readFileSync(join(source, "cdk.tf.json"), "utf8")) as TerraformJson;
      const providers = config.terraform?.required_providers ?? {};
      const missing = Object.keys(providers).filter((p) => !available.has(p));
      return { stack, source, config, providers, missing };
    });

    // One `init` per distinct provider set, shared by every stack that has it.
    const templates = new Map<string, Promise<{ dir: string; error?: string }>>();
    const templateFor = (providers: Record<string, unknown>): Promise<{ dir: string; error?: string }> => {
      const key = canonical(providers);
      let template = templates.get(key);
      if (!template) {
        const dir = join(workdir, `.init-${templates.size + 1}`);
        mkdirSync(dir);
        writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: providers, backend: LOCAL_BACKEND } }, null, 2));
        template = run(["init", "-input=false", "-no-color"], dir, env).then((r) => ({ dir, error: r.ok ? undefined : `terraform init failed:\n${tail(r.out + r.err)}` }));
        templates.set(key, template);
      }
      return template;
    };

    // Longest first (a graph costs one more provider start; then larger configurations), so that the
    // last stacks to finish are short ones; the results are returned in name order.
    const cost = (s: (typeof stacks)[number]) => (options.graph?.includes(s.stack) ? 1e9 : 0) + Object.values(s.config.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
    const longestFirst = [...stacks].sort((a, b) => cost(b) - cost(a) || a.stack.localeCompare(b.stack));
    let done = 0;
    const results = await pool(longestFirst, options.concurrency ?? availableParallelism(), async (s): Promise<StackCheck> => {
      const started = performance.now();
      const result: StackCheck =
        s.missing.length > 0
          ? { stack: s.stack, status: "not-run", detail: `providers not in the offline mirror: ${s.missing.join(", ")}` }
          : await checkStack(s.stack, s.source, s.config, join(workdir, s.stack), await templateFor(s.providers), env, options.graph?.includes(s.stack) ?? false).catch(
              (error: unknown): StackCheck => ({ stack: s.stack, status: "failed", detail: `could not prepare or run terraform: ${(error as Error).message}` }),
            );
      const timed = { ...result, ms: Math.round(performance.now() - started) };
      options.onResult?.(timed, ++done, stacks.length);
      return timed;
    });
    return results.sort((a, b) => a.stack.localeCompare(b.stack));
  } finally {
    if (temporary) rmSync(workdir, { recursive: true, force: true });
  }
}

/** JSON with sorted keys, for comparing provider sets. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

async function checkStack(
  stack: string,
  source: string,
  config: TerraformJson,
  dir: string,
  template: { dir: string; error?: string },
  env: NodeJS.ProcessEnv,
  withGraph = false,
): Promise<StackCheck> {
  if (template.error) return { stack, status: "failed", detail: template.error };
  rmSync(dir, { recursive: true, force: true });
  cpSync(source, dir, { recursive: true });
  rmSync(join(dir, ".terraform"), { recursive: true, force: true });
  writeFileSync(join(dir, "zz_backend_override.tf.json"), JSON.stringify({ terraform: { backend: LOCAL_BACKEND } }, null, 2));
  // What `init` would produce, from the template: the same providers (linked, not copied: the AWS
  // provider is ~700 MB), the same lock file, the same backend (the override above).
  mkdirSync(join(dir, ".terraform"));
  const from = (...path: string[]) => join(template.dir, ...path);
  if (existsSync(from(".terraform", "providers"))) symlinkSync(from(".terraform", "providers"), join(dir, ".terraform", "providers"), "dir");
  copyFileSync(from(".terraform", "terraform.tfstate"), join(dir, ".terraform", "terraform.tfstate"));
  if (existsSync(from(".terraform.lock.hcl"))) copyFileSync(from(".terraform.lock.hcl"), join(dir, ".terraform.lock.hcl"));

  // Cross-stack inputs come from other stacks' state, which does not exist offline: point each
  // terraform_remote_state at a stub state (in the copy only) whose outputs hold placeholder ids.
  const remoteStates = Object.keys((config.data?.terraform_remote_state as Record<string, unknown> | undefined) ?? {});
  if (remoteStates.length > 0) {
    writeRemoteStateStubs(dir, remoteStates, readFileSync(join(dir, "cdk.tf.json"), "utf8"));
  }
  // Offline planning: dummy credentials and no account lookups, only in this copy.
  const providerOverride: Record<string, unknown[]> = {};
  for (const [name, blocks] of Object.entries(config.provider ?? {})) {
    if (name !== "aws") continue;
    providerOverride[name] = blocks.map((b) => ({
      ...(b.alias ? { alias: b.alias } : {}),
      access_key: "AKIAOFFLINEPLANNING0",
      secret_key: "offline-planning-only",
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
      allowed_account_ids: null,
    }));
  }
  if (Object.keys(providerOverride).length > 0) {
    writeFileSync(join(dir, "zz_provider_override.tf.json"), JSON.stringify({ provider: providerOverride }, null, 2));
  }
  const plan = await run(["plan", "-refresh=false", "-lock=false", "-input=false", "-no-color", "-json"], dir, env);
  const messages = parseJsonLines(plan.out);
  const errors = messages.filter((m) => m.type === "diagnostic" && m.diagnostic?.severity === "error");
  if (!plan.ok || errors.length > 0) {
    const text = errors.length > 0 ? errors.map(formatDiagnostic).join("\n") : tail(plan.out + plan.err);
    return { stack, status: "failed", detail: `terraform plan (which validates first) failed:\n${text}` };
  }
  const summary = messages.find((m) => m.type === "change_summary")?.changes;
  if (!summary || typeof summary.add !== "number") {
    return { stack, status: "failed", detail: `terraform plan printed no change summary:\n${tail(plan.out + plan.err)}` };
  }
  let graph: string | undefined;
  if (withGraph) {
    const g = await run(["graph"], dir, env);
    if (!g.ok) return { stack, status: "failed", detail: `terraform graph failed:\n${tail(g.out + g.err)}` };
    graph = g.out;
  }
  return { stack, status: "planned", toAdd: summary.add, detail: remoteStates.length > 0 ? "cross-stack inputs stubbed with placeholder ids" : undefined, ...(graph ? { graph } : {}) };
}

/** Addresses reachable from `from` along the edges of a `terraform graph` DOT text (what it is ordered after). */
export function graphReach(dot: string, from: string): Set<string> {
  const edges = new Map<string, string[]>();
  for (const m of dot.matchAll(/"([^"]+)" -> "([^"]+)"/g)) edges.set(m[1], [...(edges.get(m[1]) ?? []), m[2]]);
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

function writeRemoteStateStubs(dir: string, names: readonly string[], configText: string): void {
  const data: Record<string, unknown> = {};
  for (const name of names) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const outputs = new Set([...configText.matchAll(new RegExp(`data\\.terraform_remote_state\\.${escaped}\\.outputs\\.([A-Za-z0-9_-]+)`, "g"))].map((m) => m[1]));
    const state = {
      version: 4,
      terraform_version: "1.11.4",
      serial: 1,
      lineage: "offline-plan-stub",
      outputs: Object.fromEntries([...outputs].sort().map((o) => [o, { value: stubValue(o), type: "string" }])),
      resources: [],
    };
    const file = `stub-${name}.tfstate`;
    writeFileSync(join(dir, file), JSON.stringify(state, null, 2));
    data[name] = { backend: "local", config: { path: file } };
  }
  writeFileSync(join(dir, "zz_remote_state_override.tf.json"), JSON.stringify({ data: { terraform_remote_state: data } }, null, 2));
}

function tail(text: string, lines = 40): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}

/** One progress line for a finished stack: `[3/9] dev-global: planned, 120 to add (5.1 s)`. */
export function formatProgress(result: StackCheck, done: number, total: number): string {
  const what = result.status === "planned" ? `planned, ${result.toAdd} to add` : result.status === "failed" ? "FAILED" : `not run (${result.detail})`;
  return `[${done}/${total}] ${result.stack}: ${what}${result.ms !== undefined ? ` (${(result.ms / 1000).toFixed(1)} s)` : ""}`;
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
