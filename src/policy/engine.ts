/**
 * Evaluates the rules over synthesized stacks and applies the suppressions recorded in them. Pure: the
 * input is the JSON Terraform reads, the output the violations and what every suppression covered.
 */
import { AppModel } from "./model";
import { RULES, UNUSED_SUPPRESSION_RULE, ruleById } from "./rules";
import type { AppliedSuppression, PolicyResult, RecordedSuppression, Rule, StackDocument, Violation } from "./types";

/** Key under `//` where a stack records its suppressions, and a resource those that apply to it. */
export const POLICY_METADATA_KEY = "cdn_policy";

/** The suppressions a stack's JSON records (`//.cdn_policy.suppressions`). */
export function recordedSuppressions(doc: StackDocument): RecordedSuppression[] {
  const meta = (doc.json["//"] as Record<string, unknown> | undefined)?.[POLICY_METADATA_KEY] as { suppressions?: unknown } | undefined;
  const list = Array.isArray(meta?.suppressions) ? meta!.suppressions : [];
  return list
    .filter((s): s is Record<string, unknown> => typeof s === "object" && s !== null)
    .map((s) => ({
      path: String(s.path ?? ""),
      rule: String(s.rule ?? ""),
      reason: String(s.reason ?? ""),
      findings: Array.isArray(s.findings) ? s.findings.map(String) : [],
    }));
}

/** Absolute path of a suppression's relative finding (`.` is the suppressed construct itself). */
const findingAt = (s: RecordedSuppression, relative: string) => (relative === "." ? s.path : `${s.path}/${relative}`);
const covers = (s: RecordedSuppression, path: string) => s.findings.some((f) => findingAt(s, f) === path);

function violation(rule: Rule, stack: string, f: { path: string; address: string; message: string; fix?: string }): Violation {
  return { rule: rule.id, title: rule.title, severity: rule.severity, stack, path: f.path, address: f.address, message: f.message, fix: f.fix ?? rule.fix };
}

/** Evaluates `rules` (default: the whole pack) over `stacks`. */
export function evaluatePolicies(stacks: readonly StackDocument[], rules: readonly Rule[] = RULES): PolicyResult {
  const violations: Violation[] = [];
  const suppressions: AppliedSuppression[] = [];
  const meta = ruleById(UNUSED_SUPPRESSION_RULE)!;
  const app = new AppModel(stacks);
  for (const [i, doc] of stacks.entries()) {
    const model = app.stacks[i];
    const recorded = recordedSuppressions(doc).map((s) => ({ ...s, stack: doc.name, covered: [] as Violation[] }));
    for (const rule of rules) {
      for (const finding of rule.check(model)) {
        const v = violation(rule, doc.name, finding);
        const hit = recorded.find((s) => s.rule === rule.id && covers(s, finding.path));
        if (hit) hit.covered.push(v);
        else violations.push(v);
      }
    }
    for (const s of recorded) {
      suppressions.push(s);
      const checked = rules.some((r) => r.id === s.rule);
      if (!ruleById(s.rule) || s.rule === UNUSED_SUPPRESSION_RULE) {
        violations.push(violation(meta, doc.name, { path: s.path, address: "suppression", message: `suppresses ${JSON.stringify(s.rule)}, which is not a rule that can be suppressed` }));
      } else if (s.findings.length === 0) {
        violations.push(violation(meta, doc.name, { path: s.path, address: "suppression", message: `suppresses ${s.rule} without naming the finding(s) it covers` }));
      } else if (checked) {
        for (const f of s.findings) {
          if (!s.covered.some((v) => v.path === findingAt(s, f))) {
            violations.push(violation(meta, doc.name, { path: s.path, address: "suppression", message: `suppresses ${s.rule} for ${findingAt(s, f)}, which does not trip it` }));
          }
        }
      }
    }
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const order = (a: { stack: string; path: string }, b: { stack: string; path: string }) => cmp(a.stack, b.stack) || cmp(a.path, b.path);
  violations.sort((a, b) => order(a, b) || cmp(a.rule, b.rule) || cmp(a.address, b.address) || cmp(a.message, b.message));
  suppressions.sort((a, b) => order(a, b) || cmp(a.rule, b.rule));
  return { violations, suppressions, stacks: stacks.map((s) => s.name) };
}
