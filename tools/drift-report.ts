/**
 * The scheduled drift run's ONE issue (.github/workflows/drift.yml): per environment the preflight
 * rows that failed (a pin no longer offered, a quota, a certificate ...), per deployed stack whether
 * `terraform plan -detailed-exitcode` found drift (with the resources and actions) or failed, and
 * every expected result that never arrived. A job that died early is a problem, not a silence.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Hidden marker the workflow finds the issue by. */
export const DRIFT_ISSUE_MARKER = "<!-- cdn-drift-report -->";

/** One preflight row as `npm run preflight -- --json` writes it. */
interface PreflightRow {
  readonly check: string;
  readonly region: string;
  readonly status: string;
  readonly detail: string;
  readonly action: string;
}

/** What one environment's preflight job left. */
export interface PreflightOutcome {
  /** Environment name. */
  readonly environment: string;
  /** Exit code of `npm run preflight` (0 ok, 1 failures, 2 no credentials). */
  readonly exitCode: number;
  /** Why it did not run, when it did not. */
  readonly note?: string;
  /** Its rows (absent when it did not run). */
  readonly results?: readonly PreflightRow[];
}

/** What one stack's drift job left. */
export interface DriftOutcome {
  /** Stack name. */
  readonly stack: string;
  /** `terraform plan -detailed-exitcode`: 0 no changes, 2 changes, anything else failed. */
  readonly exitCode: number;
  /** Why it did not run, when it did not. */
  readonly note?: string;
  /** Resource changes (address and actions) when the plan succeeded. */
  readonly changes?: readonly { address: string; actions: readonly string[] }[];
}

/** Everything the report is made of. */
export interface DriftInputs {
  readonly preflight: readonly PreflightOutcome[];
  readonly drift: readonly DriftOutcome[];
  /** Environments a preflight result was expected for. */
  readonly expectedEnvironments: readonly string[];
  /** Stacks a drift result was expected for. */
  readonly expectedStacks: readonly string[];
  /** Stacks the matrix left out, with the reason. */
  readonly skipped: readonly { stack: string; reason: string }[];
}

function readJson<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as T) : undefined;
}

/** Reads the downloaded artifacts: `<dir>/preflight-<env>/` and `<dir>/drift-<stack>/`. */
export function readDriftArtifacts(dir: string): { preflight: PreflightOutcome[]; drift: DriftOutcome[] } {
  const entries = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()) : [];
  const preflight: PreflightOutcome[] = [];
  const drift: DriftOutcome[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const base = join(dir, e.name);
    const result = readJson<{ environment?: string; stack?: string; exitCode: number; note?: string }>(join(base, "result.json"));
    if (!result) continue;
    if (e.name.startsWith("preflight-") && result.environment) {
      const report = readJson<{ results: PreflightRow[] }>(join(base, "preflight.json"));
      preflight.push({ environment: result.environment, exitCode: result.exitCode, note: result.note, results: report?.results });
    } else if (e.name.startsWith("drift-") && result.stack) {
      const plan = readJson<{ resource_changes?: { address: string; change: { actions: string[] } }[] }>(join(base, "changes.json"));
      const changes = plan?.resource_changes?.filter((c) => !(c.change.actions.length === 1 && c.change.actions[0] === "no-op") && !(c.change.actions.length === 1 && c.change.actions[0] === "read"));
      drift.push({ stack: result.stack, exitCode: result.exitCode, note: result.note, changes: changes?.map((c) => ({ address: c.address, actions: c.change.actions })) });
    }
  }
  return { preflight, drift };
}

const FAILING = new Set(["FAIL", "DENIED", "ERROR"]);
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** Renders the issue body; `problems` counts what needs a person. */
export function renderDriftReport(inputs: DriftInputs, meta: { runUrl: string; sha: string; date: string }): { body: string; problems: number } {
  const lines: string[] = [];
  let problems = 0;

  lines.push("### Preflight (pins, offerings, quotas, certificates)", "");
  for (const env of inputs.expectedEnvironments) {
    const outcome = inputs.preflight.find((p) => p.environment === env);
    if (!outcome) {
      problems++;
      lines.push(`- **${env}**: no result (the job failed before reporting; see the run)`);
      continue;
    }
    const failing = (outcome.results ?? []).filter((r) => FAILING.has(r.status));
    if (outcome.exitCode === 0 && failing.length === 0 && outcome.results) {
      lines.push(`- **${env}**: all ${outcome.results.length} checks passed`);
      continue;
    }
    problems++;
    if (!outcome.results) {
      lines.push(`- **${env}**: did not run (exit ${outcome.exitCode})${outcome.note ? `: ${outcome.note}` : ""}`);
      continue;
    }
    lines.push(`- **${env}**: ${failing.length} of ${outcome.results.length} checks failed`, "", "  | check | region | result | what to do |", "  |---|---|---|---|");
    for (const r of failing) lines.push(`  | ${cell(r.check)} | ${r.region} | **${r.status}**: ${cell(r.detail)} | ${cell(r.action)} |`);
    lines.push("");
  }

  lines.push("", "### Drift (`terraform plan -detailed-exitcode` of every deployed stack)", "", "| stack | result |", "|---|---|");
  for (const stack of inputs.expectedStacks) {
    const outcome = inputs.drift.find((d) => d.stack === stack);
    if (!outcome) {
      problems++;
      lines.push(`| \`${stack}\` | :x: no result (the job failed before reporting) |`);
    } else if (outcome.exitCode === 0) {
      lines.push(`| \`${stack}\` | no drift |`);
    } else if (outcome.exitCode === 2) {
      problems++;
      const changes = outcome.changes ?? [];
      const listed = changes.slice(0, 20).map((c) => `\`${c.address}\` (${c.actions.join(", ")})`);
      const more = changes.length > 20 ? ` and ${changes.length - 20} more` : "";
      lines.push(`| \`${stack}\` | :warning: **drift**: ${changes.length} resource(s) differ: ${listed.join("; ")}${more} |`);
    } else {
      problems++;
      lines.push(`| \`${stack}\` | :x: plan failed (exit ${outcome.exitCode})${outcome.note ? `: ${cell(outcome.note)}` : ""} |`);
    }
  }
  if (inputs.skipped.length > 0) {
    lines.push("", "Not checked here:", ...inputs.skipped.map((s) => `- \`${s.stack}\`: ${s.reason}`));
  }

  const head = [
    DRIFT_ISSUE_MARKER,
    problems > 0 ? `## Scheduled check: ${problems} problem(s) need attention` : "## Scheduled check: all clear",
    "",
    `Run ${meta.runUrl} at ${meta.sha.slice(0, 12)}, ${meta.date}. This issue is updated by every scheduled run and closed when a run is clean (docs/ci.md#scheduled-drift-and-pin-check).`,
    "",
  ];
  return { body: [...head, ...lines, ""].join("\n"), problems };
}
