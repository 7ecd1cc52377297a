/**
 * Real Terraform validation of synthesized stacks, offline: each stack is copied aside, given override
 * files (a local backend; for planning, dummy credentials and the AWS provider's skip flags, and stub
 * states with placeholder ids for cross-stack inputs: only in the copy, never in the synthesized
 * config), then `terraform init` + `validate` + `plan -refresh=false`. Providers come from a filesystem mirror through a CLI
 * config of our own.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** What happened to one stack. */
export interface StackCheck {
  /** Stack name. */
  readonly stack: string;
  /** `planned` implies validated. */
  readonly status: "validated" | "planned" | "not-run" | "failed";
  /** Resources the plan would add (planned stacks only). */
  readonly toAdd?: number;
  /** Why it was not run, or what failed. */
  readonly detail?: string;
  /** `terraform graph` (DOT) of the stack, when asked for with `graph`. */
  readonly graph?: string;
}

/** Options of {@link checkStacks}. */
export interface CheckOptions {
  /** The cdktf output directory holding manifest.json. */
  readonly outdir: string;
  /** Scratch directory for the stack copies. */
  readonly workdir: string;
  /** Filesystem mirror in registry layout. Defaults to TF_PLUGIN_MIRROR or /opt/tf-plugins. */
  readonly mirror?: string;
  /** Only these stacks (all when omitted). */
  readonly stacks?: readonly string[];
  /** Called after each stack, for progress output. */
  readonly onResult?: (result: StackCheck) => void;
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
  const version = spawnSync("terraform", ["version", "-json"], { encoding: "utf8" });
  if (version.error || version.status !== 0) return "terraform is not on PATH";
  if (!existsSync(join(mirror, "registry.terraform.io"))) return `no provider mirror at ${mirror}`;
  return undefined;
}

function defaultMirror(): string {
  return process.env.TF_PLUGIN_MIRROR ?? "/opt/tf-plugins";
}

/** Validates (and where possible plans) every stack in the manifest. */
export function checkStacks(options: CheckOptions): StackCheck[] {
  const mirror = options.mirror ?? defaultMirror();
  const available = mirroredProviders(mirror);
  const manifest = JSON.parse(readFileSync(join(options.outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string; workingDirectory: string }>;
  };
  mkdirSync(options.workdir, { recursive: true });
  const cliConfig = join(resolve(options.workdir), "terraform.rc");
  writeFileSync(
    cliConfig,
    [
      "provider_installation {",
      `  filesystem_mirror {`,
      `    path    = ${JSON.stringify(resolve(mirror))}`,
      `    include = ["registry.terraform.io/hashicorp/*"]`,
      "  }",
      "}",
      "",
    ].join("\n"),
  );
  const env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    TF_PLUGIN_CACHE_DIR: "",
  };

  const results: StackCheck[] = [];
  const names = Object.keys(manifest.stacks).filter((s) => !options.stacks || options.stacks.includes(s)).sort();
  for (const stack of names) {
    const source = join(options.outdir, manifest.stacks[stack].workingDirectory);
    const config = JSON.parse(readFileSync(join(source, "cdk.tf.json"), "utf8")) as TerraformJson;
    const result = checkStack(stack, source, config, available, join(options.workdir, stack), env, options.graph?.includes(stack) ?? false);
    results.push(result);
    options.onResult?.(result);
  }
  return results;
}

interface TerraformJson {
  terraform?: { required_providers?: Record<string, unknown> };
  provider?: Record<string, { alias?: string; region?: string }[]>;
  data?: Record<string, unknown>;
}

function checkStack(
  stack: string,
  source: string,
  config: TerraformJson,
  available: Set<string>,
  dir: string,
  env: NodeJS.ProcessEnv,
  withGraph: boolean,
): StackCheck {
  const providers = Object.keys(config.terraform?.required_providers ?? {});
  const missing = providers.filter((p) => !available.has(p));
  if (missing.length > 0) {
    return { stack, status: "not-run", detail: `providers not in the offline mirror: ${missing.join(", ")}` };
  }
  rmSync(dir, { recursive: true, force: true });
  cpSync(source, dir, { recursive: true });
  rmSync(join(dir, ".terraform"), { recursive: true, force: true });
  writeFileSync(join(dir, "zz_backend_override.tf.json"), JSON.stringify({ terraform: { backend: { local: { path: "terraform.tfstate" } } } }, null, 2));

  const run = (args: string[]): { ok: boolean; out: string } => {
    const r = spawnSync("terraform", args, { cwd: dir, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return { ok: r.status === 0, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
  };
  const init = run(["init", "-backend=true", "-reconfigure", "-no-color"]);
  if (!init.ok) return { stack, status: "failed", detail: `terraform init failed:\n${tail(init.out)}` };
  const validate = run(["validate", "-no-color"]);
  if (!validate.ok) return { stack, status: "failed", detail: `terraform validate failed:\n${tail(validate.out)}` };
  let graph: string | undefined;
  if (withGraph) {
    const g = run(["graph"]);
    if (!g.ok) return { stack, status: "failed", detail: `terraform graph failed:\n${tail(g.out)}` };
    graph = g.out;
  }

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
  writeFileSync(join(dir, "zz_provider_override.tf.json"), JSON.stringify({ provider: providerOverride }, null, 2));
  const plan = run(["plan", "-refresh=false", "-lock=false", "-input=false", "-no-color", "-out=plan.tfplan"]);
  if (!plan.ok) return { stack, status: "failed", detail: `terraform plan failed:\n${tail(plan.out)}` };
  const show = run(["show", "-json", "plan.tfplan"]);
  const changes = show.ok ? (JSON.parse(show.out) as { resource_changes?: { change: { actions: string[] } }[] }).resource_changes ?? [] : [];
  const toAdd = changes.filter((c) => c.change.actions.includes("create")).length;
  return { stack, status: "planned", toAdd, detail: remoteStates.length > 0 ? "cross-stack inputs stubbed with placeholder ids" : undefined, ...(graph ? { graph } : {}) };
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
