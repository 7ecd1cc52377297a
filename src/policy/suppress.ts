/**
 * Suppressions: `suppress(construct, ruleId, reason)` exempts a construct and everything below it from
 * one rule, for a stated reason. The call is validated at once (known rule, a real sentence, inside a
 * stack, not twice); the suppression is kept as construct metadata and, at synth, written into the
 * synthesized JSON: the stack lists all of its suppressions with their reasons under
 * `//.cdn_policy.suppressions`, and every resource below a suppressed construct names the rule and where
 * it was declared under its own `//.cdn_policy.suppressed`. The engine reads
 * them back from the JSON, so what is exempted is visible in the snapshots and in docs/policy-report.md.
 */
import { TerraformDataSource, TerraformResource, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { POLICY_METADATA_KEY } from "./engine";
import { RULES, UNUSED_SUPPRESSION_RULE, ruleById } from "./rules";
import type { RecordedSuppression } from "./types";

/** Construct-metadata type under which suppressions are stored. */
export const SUPPRESSION_METADATA_TYPE = "cdn:policy:suppression";

/** Shortest acceptable reason, in words and characters. */
export const MIN_REASON_WORDS = 5;
/** Shortest acceptable reason, in characters. */
export const MIN_REASON_LENGTH = 30;

/** A suppression call that cannot be accepted (unknown rule, no real reason, outside a stack, twice). */
export class PolicySuppressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicySuppressionError";
  }
}

/** Why a reason is not acceptable, or undefined when it is. */
export function reasonProblem(reason: unknown): string | undefined {
  if (typeof reason !== "string" || reason.trim() === "") return "the reason is empty";
  const text = reason.trim();
  const words = text.split(/\s+/).length;
  if (words < MIN_REASON_WORDS || text.length < MIN_REASON_LENGTH) {
    return `the reason "${text}" is too short (${words} words, ${text.length} characters; at least ${MIN_REASON_WORDS} words and ${MIN_REASON_LENGTH} characters)`;
  }
  if (!/[.!?]["')\]]?$/.test(text)) return `the reason "${text}" is not a full sentence (end it with a period)`;
  return undefined;
}

/**
 * Exempts exactly the named findings below `scope` from rule `ruleId`. `findings` lists the construct
 * paths of the offending resources relative to `scope` (`"bucket"`, `"logs/target"`; `"."` for `scope`
 * itself): a new resource under the same construct that trips the rule is NOT covered, so a
 * suppression cannot silently grow over future findings. `reason` must be at least one full sentence
 * saying why the rule does not apply (or what compensates); it is published in the synthesized JSON and
 * in docs/policy-report.md. Throws {@link PolicySuppressionError} when the rule is unknown, the reason is
 * empty or too short, no finding is named, the construct is not inside a stack, or the same rule is
 * already suppressed on it. A named finding that does not occur fails synth (CDN-POL-001).
 */
export function suppress(scope: IConstruct, ruleId: string, reason: string, findings: readonly string[]): void {
  const where = scope.node.path || "(app)";
  if (ruleId === UNUSED_SUPPRESSION_RULE) throw new PolicySuppressionError(`suppress(${where}): ${ruleId} cannot be suppressed; delete or move the unused suppression instead`);
  if (!ruleById(ruleId)) {
    throw new PolicySuppressionError(`suppress(${where}): unknown rule id ${JSON.stringify(ruleId)}; known rule ids: ${RULES.filter((r) => r.id !== UNUSED_SUPPRESSION_RULE).map((r) => r.id).join(", ")}`);
  }
  const problem = reasonProblem(reason);
  if (problem) throw new PolicySuppressionError(`suppress(${where}, ${ruleId}): ${problem}. Say in at least one sentence why the rule does not apply here or what compensates for it.`);
  const findingProblem = findingsProblem(findings);
  if (findingProblem) throw new PolicySuppressionError(`suppress(${where}, ${ruleId}): ${findingProblem}`);
  if (!scope.node.scopes.some((s) => TerraformStack.isStack(s))) {
    throw new PolicySuppressionError(`suppress(${where}, ${ruleId}): suppressions belong on a stack or a construct inside one, not on the app`);
  }
  if (ownSuppressions(scope).some((s) => s.rule === ruleId)) throw new PolicySuppressionError(`suppress(${where}, ${ruleId}): already suppressed on this construct`);
  scope.node.addMetadata(SUPPRESSION_METADATA_TYPE, { rule: ruleId, reason: reason.trim(), findings: [...findings] });
}

/** Why a findings list is not acceptable, or undefined when it is. */
export function findingsProblem(findings: unknown): string | undefined {
  if (!Array.isArray(findings) || findings.length === 0) return "name the finding(s) it covers: construct paths relative to the suppressed construct (\".\" for the construct itself)";
  for (const f of findings) {
    if (typeof f !== "string" || f === "" || f.startsWith("/") || f.endsWith("/") || (f !== "." && f.split("/").some((part) => part === "" || part === "." || part === ".."))) {
      return `${JSON.stringify(f)} is not a construct path relative to the suppressed construct (like "bucket" or "logs/target", or "." for the construct itself)`;
    }
  }
  if (new Set(findings).size !== findings.length) return "names a finding twice";
  return undefined;
}

/** The absolute construct path a suppression's relative finding names. */
export function findingPath(suppressedAt: string, relative: string): string {
  return relative === "." ? suppressedAt : `${suppressedAt}/${relative}`;
}

/** Suppressions declared directly on a construct. */
export function ownSuppressions(scope: IConstruct): { rule: string; reason: string; findings: string[] }[] {
  return scope.node.metadata.filter((m) => m.type === SUPPRESSION_METADATA_TYPE).map((m) => m.data as { rule: string; reason: string; findings: string[] });
}

/**
 * The aspect that writes suppressions into the synthesized JSON of each stack (idempotent: it sets the
 * same overrides when synth runs twice).
 */
export class SuppressionRecorder implements IAspect {
  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    const declared: RecordedSuppression[] = [];
    // Absolute path of each named finding -> the suppressions naming it.
    const named = new Map<string, { rule: string; declared_at: string }[]>();
    const walk = (c: IConstruct) => {
      if (c !== node && TerraformStack.isStack(c)) return; // a nested stack records its own
      for (const s of ownSuppressions(c)) {
        declared.push({ path: c.node.path, rule: s.rule, reason: s.reason, findings: s.findings });
        for (const f of s.findings) {
          const at = findingPath(c.node.path, f);
          named.set(at, [...(named.get(at) ?? []), { rule: s.rule, declared_at: c.node.path }]);
        }
      }
      const mine = named.get(c.node.path);
      if (mine && (TerraformResource.isTerraformResource(c) || TerraformDataSource.isTerraformDataSource(c))) {
        c.addOverride(`//.${POLICY_METADATA_KEY}`, { suppressed: mine });
      }
      for (const child of c.node.children) walk(child);
    };
    walk(node);
    // A path down to `suppressions`, so other `//.cdn_policy` entries of the stack (terraform_principals) stay.
    if (declared.length) node.addOverride(`//.${POLICY_METADATA_KEY}.suppressions`, declared);
  }
}
