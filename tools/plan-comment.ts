/**
 * Aggregates per-stack Terraform plans (the JSON of `terraform show -json <planfile>`, plus the text
 * of `terraform show -no-color <planfile>`) into ONE pull-request comment: a marker to find and update
 * it in place, a loud banner when anything would be destroyed or replaced, a summary table (stack,
 * to add / change / destroy) and every plan folded in `<details>`, kept under GitHub's comment size.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { DeferredStack, RemovedStack } from "./plan-schedule";
import { ACKNOWLEDGED_REMOVALS_PATH } from "./plan-schedule";

/** Where the notes for changes that need more than an apply live (linked when a plan destroys or replaces). */
export const UPGRADE_NOTES_PATH = "docs/upgrades/README.md";

/** The hidden marker that identifies the comment, so each run updates it instead of adding another. */
export const PLAN_COMMENT_MARKER = "<!-- cdn-infra-plan-comment -->";

/**
 * GitHub rejects a comment body over 65,536 characters with 422 (and the previous comment stays up,
 * looking current). The renderer caps the body's UTF-8 size at this, which is never fewer bytes than
 * characters, so the body fits whichever way it is counted.
 */
export const MAX_COMMENT_CHARS = 65_536;

/** Size of a comment body as the cap counts it: UTF-8 bytes (>= its length in characters). */
export function commentSize(body: string): number {
  return Buffer.byteLength(body, "utf8");
}

/** One resource change of `terraform show -json` (the fields we read). */
export interface PlanResourceChange {
  readonly address: string;
  readonly mode?: "managed" | "data";
  readonly type?: string;
  readonly previous_address?: string;
  readonly action_reason?: string;
  readonly change: { readonly actions: readonly string[]; readonly importing?: unknown; readonly replace_paths?: unknown[] };
}

/** The parts of a `terraform show -json` plan document we read. */
export interface PlanJson {
  readonly format_version?: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly PlanResourceChange[];
  readonly output_changes?: Record<string, { actions: readonly string[] }>;
  readonly errored?: boolean;
}

/** Counts of one stack's plan, as Terraform's own summary counts them. */
export interface PlanCounts {
  /** Resources created (replacements included, as Terraform counts them). */
  readonly add: number;
  /** Resources updated in place. */
  readonly change: number;
  /** Resources destroyed (replacements included). */
  readonly destroy: number;
  /** Of those, resources replaced (destroyed and re-created). */
  readonly replace: number;
  /** Resources imported. */
  readonly import: number;
  /** Resources removed from state without being destroyed. */
  readonly forget: number;
  /** Resources moved to a new address. */
  readonly move: number;
  /** Outputs that change. */
  readonly outputs: number;
}

/** One stack's plan result, as the aggregator sees it. */
export interface StackPlan {
  /** Stack name. */
  readonly stack: string;
  /** `planned`, or `failed` when init/plan failed or left no plan. */
  readonly status: "planned" | "failed";
  /** Counts (planned only). */
  readonly counts?: PlanCounts;
  /** Addresses destroyed (deleted or replaced), sorted. */
  readonly destroyed: readonly string[];
  /** Addresses replaced, sorted. */
  readonly replaced: readonly string[];
  /** The human-readable plan, or the error output of a failed stack. */
  readonly text: string;
  /** A note to show beside the row (e.g. the stack plans against a local, empty state). */
  readonly note?: string;
}

/** Counts the changes of a plan document like Terraform's `Plan: ...` line (managed resources only). */
export function countPlan(plan: PlanJson): PlanCounts & { destroyed: string[]; replaced: string[] } {
  let add = 0, change = 0, destroy = 0, replace = 0, imports = 0, forget = 0, move = 0;
  const destroyed: string[] = [];
  const replaced: string[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode === "data") continue;
    const actions = rc.change.actions;
    const has = (a: string) => actions.includes(a);
    if (rc.change.importing) imports++;
    if (rc.previous_address && rc.previous_address !== rc.address) move++;
    if (has("create") && has("delete")) {
      add++;
      destroy++;
      replace++;
      destroyed.push(rc.address);
      replaced.push(rc.address);
    } else if (has("create")) add++;
    else if (has("delete")) {
      destroy++;
      destroyed.push(rc.address);
    } else if (has("update")) change++;
    else if (has("forget")) forget++;
  }
  const outputs = Object.values(plan.output_changes ?? {}).filter((o) => !(o.actions.length === 1 && o.actions[0] === "no-op")).length;
  return { add, change, destroy, replace, import: imports, forget, move, outputs, destroyed: destroyed.sort(), replaced: replaced.sort() };
}

/** The per-stack files the plan job leaves in its artifact directory. */
export const PLAN_FILES = {
  /** `terraform show -json tfplan` */
  json: "plan.json",
  /** `terraform show -no-color tfplan` */
  text: "plan.txt",
  /** Combined output of init and plan (read when the plan failed). */
  log: "plan.log",
  /** `{ "stack": ..., "backend": ..., "exitCode": ... }` written by the job. */
  result: "result.json",
} as const;

/**
 * Reads every stack's plan from `dir`: each sub-directory (at any depth) holding `result.json` or
 * `plan.json` is one stack. The stack name comes from result.json, else the directory name without
 * a `plan-` prefix. Sorted by stack name.
 */
export function readPlans(dir: string): StackPlan[] {
  const found: StackPlan[] = [];
  const walk = (d: string): void => {
    const entries = readdirSync(d).sort();
    if (entries.includes(PLAN_FILES.result) || entries.includes(PLAN_FILES.json)) {
      found.push(readStackPlan(d));
      return;
    }
    for (const e of entries) if (statSync(join(d, e)).isDirectory()) walk(join(d, e));
  };
  walk(dir);
  return found.sort((a, b) => a.stack.localeCompare(b.stack));
}

/** A failed entry for every expected stack that left no plan directory (its job failed before planning). */
export function missingPlans(found: readonly StackPlan[], expected: readonly string[]): StackPlan[] {
  const have = new Set(found.map((p) => p.stack));
  return expected
    .filter((s) => !have.has(s))
    .sort()
    .map((stack) => ({
      stack,
      status: "failed" as const,
      destroyed: [],
      replaced: [],
      text: "No plan was produced: the job failed before planning (credentials, role trust or set-up). See the job's log in the workflow run.",
    }));
}

function readText(path: string): string {
  return existsSync(path) ? readFileSync(path, "utf8") : "";
}

/** Reads one stack's plan directory. */
export function readStackPlan(dir: string): StackPlan {
  const result = existsSync(join(dir, PLAN_FILES.result))
    ? (JSON.parse(readFileSync(join(dir, PLAN_FILES.result), "utf8")) as { stack?: string; backend?: string; exitCode?: number })
    : {};
  const stack = result.stack ?? basename(dir).replace(/^plan-/, "");
  const note = result.backend === "local" ? "local backend: planned against an empty state" : undefined;
  const jsonText = readText(join(dir, PLAN_FILES.json)).trim();
  const failed = (result.exitCode !== undefined && result.exitCode !== 0 && result.exitCode !== 2) || jsonText === "";
  if (failed) {
    const log = readText(join(dir, PLAN_FILES.log)) || readText(join(dir, PLAN_FILES.text)) || "(no output was captured)";
    return { stack, status: "failed", destroyed: [], replaced: [], text: log, note };
  }
  let plan: PlanJson;
  try {
    plan = JSON.parse(jsonText) as PlanJson;
  } catch (error) {
    return { stack, status: "failed", destroyed: [], replaced: [], text: `plan.json is not valid JSON: ${(error as Error).message}`, note };
  }
  const { destroyed, replaced, ...counts } = countPlan(plan);
  return { stack, status: plan.errored ? "failed" : "planned", counts, destroyed, replaced, text: readText(join(dir, PLAN_FILES.text)), note };
}

/**
 * Rewrites Terraform's plan text so GitHub's `diff` highlighting colours it: the action marker of each
 * line (`+`, `-`, `~`, `-/+`, `+/-`) moves to the first column (`~` and replacements become `!`).
 */
export function toDiffHighlight(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const replace = /^(\s*)(-\/\+|\+\/-)(\s.*)?$/.exec(line);
      if (replace) return `!${replace[1]}${replace[2]}${replace[3] ?? ""}`;
      const m = /^(\s*)([+\-~])(\s.*)?$/.exec(line);
      if (!m) return ` ${line}`;
      return `${m[2] === "~" ? "!" : m[2]}${m[1]}${m[2]}${m[3] ?? ""}`;
    })
    .join("\n");
}

function fence(body: string, lang: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}${lang}\n${body.replace(/\s+$/, "")}\n${ticks}`;
}

function truncate(text: string, max: number, hint: string): string {
  if (text.length <= max) return text;
  const lines = text.slice(0, max).split("\n");
  lines.pop();
  return `${lines.join("\n")}\n... (truncated: ${text.length - max} more characters; ${hint})`;
}

function num(n: number, loud = false): string {
  if (n === 0) return "0";
  return loud ? `**${n}** :warning:` : String(n);
}

function summaryOf(p: StackPlan): string {
  if (p.status === "failed") return "plan FAILED";
  const c = p.counts!;
  if (c.add + c.change + c.destroy + c.import + c.forget + c.move + c.outputs === 0) return "no changes";
  const parts = [`${c.add} to add`, `${c.change} to change`, `${c.destroy} to destroy`];
  if (c.replace) parts.push(`${c.replace} replaced`);
  if (c.import) parts.push(`${c.import} to import`);
  if (c.forget) parts.push(`${c.forget} to forget`);
  if (c.move) parts.push(`${c.move} moved`);
  if (c.add + c.change + c.destroy === 0 && c.outputs) parts.push(`${c.outputs} output change(s)`);
  return parts.join(", ");
}

/** Context printed under the table. */
export interface CommentContext {
  /** Commit the plans were made for. */
  readonly sha?: string;
  /** Link to the workflow run (for the artifacts). */
  readonly runUrl?: string;
  /** Upper bound of the body length (default {@link MAX_COMMENT_CHARS}). */
  readonly maxChars?: number;
  /** Stacks the workflow did not plan, with the reason (listed under the table). */
  readonly skipped?: readonly { stack: string; reason: string }[];
  /** The offline infrastructure diff (`npm run diff`) text, folded under the plans. */
  readonly infraDiff?: string;
  /** Stacks deferred because an upstream stack is not applied yet (tools/plan-schedule.ts). */
  readonly deferred?: readonly DeferredStack[];
  /** Stacks in state but no longer synthesized (tools/plan-schedule.ts). */
  readonly removed?: readonly RemovedStack[];
}

/** Where the whole plan of a stack is: its artifact in the workflow run. */
function artifactPointer(stack: string, context: CommentContext): string {
  const run = context.runUrl ? `[the workflow run](${context.runUrl})` : "the workflow run";
  return `full plan: artifact \`plan-${stack}\` of ${run}`;
}

/** The first `max` items, and a line saying how many more there are and where they are. */
function capped(items: readonly string[], max: number, more: (n: number) => string): string[] {
  return items.length <= max ? [...items] : [...items.slice(0, max), more(items.length - max)];
}

/** A link to the upgrade notes: absolute when the run URL names the repository, else the repository path. */
export function upgradeNotesLink(context: CommentContext): string {
  const repo = /^(https:\/\/[^/]+\/[^/]+\/[^/]+)\/actions\/runs\//.exec(context.runUrl ?? "")?.[1];
  const ref = context.sha ?? "main";
  return repo ? `[${UPGRADE_NOTES_PATH}](${repo}/blob/${ref}/${UPGRADE_NOTES_PATH})` : `\`${UPGRADE_NOTES_PATH}\``;
}

/**
 * Renders the comment body (deterministic for the same inputs). Every section is capped (lists of
 * addresses and stacks, each folded plan, the offline diff), each with a pointer to the artifacts, and
 * the whole body never exceeds `maxChars` UTF-8 bytes: detail shrinks step by step, and as a last
 * resort the body is cut at a line with a pointer to the run.
 */
export function renderComment(plans: readonly StackPlan[], context: CommentContext = {}): string {
  const maxChars = context.maxChars ?? MAX_COMMENT_CHARS;
  const failed = plans.filter((p) => p.status === "failed");
  const destroying = plans.filter((p) => p.destroyed.length > 0);
  const removed = context.removed ?? [];
  const blocking = removed.filter((r) => !r.acknowledged && r.resources !== 0);
  const totals = plans.reduce(
    (t, p) => ({ add: t.add + (p.counts?.add ?? 0), change: t.change + (p.counts?.change ?? 0), destroy: t.destroy + (p.counts?.destroy ?? 0) }),
    { add: 0, change: 0, destroy: 0 },
  );
  const runLink = context.runUrl ? `[workflow run and plan artifacts](${context.runUrl})` : "the workflow run's artifacts";

  const head = (listCap: number): string[] => {
    const out: string[] = [PLAN_COMMENT_MARKER, "## Terraform plan", ""];
    if (destroying.length > 0) {
      const replaced = destroying.reduce((n, p) => n + p.replaced.length, 0);
      out.push(
        "> [!CAUTION]",
        `> ## :rotating_light: ${totals.destroy} resource(s) will be DESTROYED${replaced ? ` (${replaced} of them replaced: destroyed and re-created)` : ""}`,
        ">",
      );
      const addresses = destroying.flatMap((p) => p.destroyed.map((a) => `> - \`${p.stack}\`: \`${a}\`${p.replaced.includes(a) ? " (replace)" : ""}`));
      out.push(...capped(addresses, listCap, (n) => `> - ... and ${n} more: see each stack's plan below and ${runLink}`));
      out.push(">", `> Before approving, read the matching upgrade note in ${upgradeNotesLink(context)} (what is replaced, state moves, apply order, rollback), or add one.`, "");
    }
    if (removed.length > 0) {
      out.push(
        "> [!CAUTION]",
        `> ## :wastebasket: ${removed.length} stack(s) are in state but no longer synthesized: to destroy (manual step)`,
        ">",
        "> Removing a stack from the code does not destroy its resources; they keep running (and costing) until someone destroys them.",
        ">",
      );
      const lines = removed.map(
        (r) =>
          `> - \`${r.stack}\` (\`${r.key}\`, ${r.resources === undefined ? "resources not counted" : `${r.resources} resource(s)`}): ${
            r.acknowledged ? "acknowledged" : r.resources === 0 ? "already destroyed; delete the state object" : `**not acknowledged: the plan fails** until it is listed in \`${ACKNOWLEDGED_REMOVALS_PATH}\``
          }`,
      );
      out.push(...capped(lines, listCap, (n) => `> - ... and ${n} more: see the schedule in ${runLink}`), "");
    }
    if (failed.length > 0) {
      const names = capped(failed.map((p) => `\`${p.stack}\``), listCap, (n) => `and ${n} more`);
      out.push("> [!WARNING]", `> Plan failed for ${names.join(", ")}: see below.`, "");
    }
    if (plans.length === 0) out.push("No stack was planned.", "");
    else {
      const rows = plans.map((p) => {
        const c = p.counts;
        const note = [p.status === "failed" ? ":x: plan failed" : c && c.add + c.change + c.destroy === 0 ? "no changes" : "", c?.replace ? `${c.replace} replaced` : "", p.note ?? ""]
          .filter(Boolean)
          .join("; ");
        return c ? `| \`${p.stack}\` | ${num(c.add)} | ${num(c.change)} | ${num(c.destroy, true)} | ${note} |` : `| \`${p.stack}\` | - | - | - | ${note} |`;
      });
      out.push("| stack | to add | to change | to destroy | |", "|---|---:|---:|---:|---|");
      out.push(...capped(rows, Math.max(listCap, 10), (n) => `| ... ${n} more stack(s) | | | | see ${runLink} |`));
      out.push(`| **total** | **${totals.add}** | **${totals.change}** | **${totals.destroy}** | |`, "");
    }
    const deferred = (context.deferred ?? []).map((d) => `- \`${d.stack}\` deferred: waits for ${d.waitsFor.map((w) => `\`${w}\``).join(", ")} (${d.reason}); offline: ${d.offline}`);
    out.push(...capped(deferred, listCap, (n) => `- ... and ${n} more deferred stack(s): see ${runLink}`));
    if (deferred.length) out.push("");
    const skipped = (context.skipped ?? []).map((s) => `- \`${s.stack}\` not planned: ${s.reason}`);
    out.push(...capped(skipped, listCap, (n) => `- ... and ${n} more stack(s) not planned: see ${runLink}`));
    if (skipped.length) out.push("");
    if (blocking.length > 0) out.push(`**This plan fails** until the removal of ${blocking.map((r) => `\`${r.stack}\``).join(", ")} is acknowledged (docs/ci.md, removed stacks).`, "");
    return out;
  };
  const footer = [
    "",
    [context.sha ? `Planned at ${context.sha.slice(0, 12)}` : "", context.runUrl ? runLink : ""].filter(Boolean).join(" · "),
    "<sub>Updated in place on every push. Long sections are truncated to fit GitHub's comment limit; the artifacts hold every plan whole.</sub>",
  ];

  const withBodies = plans.filter((p) => p.status === "failed" || summaryOf(p) !== "no changes");
  const render = (cap: number, listCap: number): string => {
    const bodies = withBodies.map((p) => {
      const title = `${p.status === "failed" ? ":x: " : p.destroyed.length ? ":rotating_light: " : ""}<code>${p.stack}</code>: ${summaryOf(p)}`;
      const pointer = artifactPointer(p.stack, context);
      const text = cap <= 0 ? `(omitted to fit the comment; ${pointer})` : truncate(p.text.trim() || "(empty)", cap, pointer);
      const body = p.status === "failed" ? fence(text, "text") : fence(toDiffHighlight(text), "diff");
      return ["<details>", `<summary>${title}</summary>`, "", body, "", "</details>"].join("\n");
    });
    if (context.infraDiff !== undefined) {
      const hint = `artifact \`infra-diff\` of the workflow run, or \`npm run diff\` locally`;
      const text = cap <= 0 ? `(omitted to fit the comment; ${hint})` : truncate(context.infraDiff.trim() || "(empty)", cap, hint);
      bodies.push(["<details>", "<summary>Offline infrastructure diff (synthesized configuration vs. the base branch)</summary>", "", fence(text, "text"), "", "</details>"].join("\n"));
    }
    return [...head(listCap), ...bodies, ...footer].join("\n").trimEnd() + "\n";
  };
  let cap = 20_000;
  let listCap = 200;
  let body = render(cap, listCap);
  while (commentSize(body) > maxChars && (cap > 400 || listCap > 10)) {
    cap = cap > 400 ? Math.floor(cap * 0.7) : cap;
    if (cap <= 400 || commentSize(head(listCap).join("\n")) > maxChars / 2) listCap = Math.max(10, Math.floor(listCap * 0.6));
    body = render(cap, listCap);
  }
  if (commentSize(body) > maxChars) body = render(0, 10);
  if (commentSize(body) > maxChars) body = cutToFit(body, maxChars, `\n\n... (cut to fit GitHub's comment limit; everything is in ${runLink})\n`);
  return body;
}

/** The longest prefix of whole lines that, with `tail`, fits `max` UTF-8 bytes. */
function cutToFit(body: string, max: number, tail: string): string {
  const lines = body.split("\n");
  let size = commentSize(tail);
  const kept: string[] = [];
  for (const line of lines) {
    const next = commentSize(line) + 1;
    if (size + next > max) break;
    kept.push(line);
    size += next;
  }
  return `${kept.join("\n")}${tail}`;
}
