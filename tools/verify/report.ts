/**
 * The checklist: one table (check, plane, result, evidence, seconds) for people, one JSON document for
 * CI. A run passes when no row is a FAIL and at least one check ran.
 */
import type { CheckResult } from "./model";

/** Counts per result. */
export function summarize(results: readonly CheckResult[]): { total: number; passed: number; failed: number; skipped: number; ok: boolean } {
  const count = (r: string) => results.filter((x) => x.result === r).length;
  const failed = count("FAIL");
  const passed = count("PASS");
  return { total: results.length, passed, failed, skipped: count("SKIP"), ok: failed === 0 && passed > 0 };
}

/** Splits `text` into lines of at most `width` characters at spaces (long words are cut). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let w = word;
    while (w.length > width) {
      if (line) lines.push(line);
      lines.push(w.slice(0, width));
      w = w.slice(width);
      line = "";
    }
    if (!line) line = w;
    else if (line.length + 1 + w.length <= width) line += ` ${w}`;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** The table, evidence wrapped at `evidenceWidth`, and a closing summary line. */
export function formatTable(results: readonly CheckResult[], evidenceWidth = 90): string {
  const head = ["check", "plane", "result", "evidence", "seconds"];
  const w = {
    check: Math.max(head[0].length, ...results.map((r) => r.check.length)),
    plane: Math.max(head[1].length, ...results.map((r) => r.plane.length)),
    result: 6,
    evidence: Math.min(evidenceWidth, Math.max(head[3].length, ...results.map((r) => r.evidence.length))),
  };
  const row = (c: string, p: string, r: string, e: string, s: string) => `${c.padEnd(w.check)}  ${p.padEnd(w.plane)}  ${r.padEnd(w.result)}  ${e.padEnd(w.evidence)}  ${s.padStart(7)}`.trimEnd();
  const out = [row(...(head as [string, string, string, string, string])), row("-".repeat(w.check), "-".repeat(w.plane), "-".repeat(w.result), "-".repeat(w.evidence), "-------")];
  for (const r of results) {
    const lines = wrap(r.evidence || "-", w.evidence);
    out.push(row(r.check, r.plane, r.result, lines[0], r.seconds.toFixed(1)));
    for (const more of lines.slice(1)) out.push(row("", "", "", more, ""));
  }
  const s = summarize(results);
  out.push("", `${s.total} checks: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped -> ${s.ok ? "PASS" : "FAIL"}`);
  return out.join("\n");
}

/** The JSON document (`--json`). */
export function formatJson(meta: { environment: string; runId: string; planes: readonly string[]; drill?: string; startedAt: string; finishedAt: string; interrupted: boolean }, results: readonly CheckResult[]): string {
  const s = summarize(results);
  return `${JSON.stringify({ ...meta, result: s.ok && !meta.interrupted ? "PASS" : "FAIL", summary: s, checks: results.map(({ check, plane, result, evidence, seconds }) => ({ check, plane, result, evidence, seconds })) }, null, 2)}\n`;
}
