/** The rule catalog, in report order. */
import type { Rule } from "../types";
import { deployabilityRules, stateEncryptionRule } from "./deployability";
import { encryptionRules } from "./encryption";
import { exposureRules } from "./exposure";
import { hygieneRules } from "./hygiene";
import { observabilityRules } from "./observability";
import { resilienceRules } from "./resilience";
import { tlsRules } from "./tls";

/** Id of the meta rule: every suppression must cover at least one finding. */
export const UNUSED_SUPPRESSION_RULE = "CDN-POL-001";

/** The meta rule, evaluated by the engine itself (it needs the suppressions, not the stack). */
const policyRules: readonly Rule[] = [
  {
    id: UNUSED_SUPPRESSION_RULE,
    title: "Every suppression covers a finding",
    severity: "low",
    category: "policy",
    resourceTypes: ["(suppressions)"],
    checks: "Every suppression recorded in a stack names a known rule and covers at least one finding of that rule on its construct or below. It cannot itself be suppressed.",
    rationale: "A stale suppression silently exempts whatever is added under that construct later; suppressions must stay as narrow as the problem they explain.",
    fix: "Delete the suppression (the resource complies now), or move it to the construct that actually has the finding.",
    check: () => [],
  },
];

/** Every rule of the pack. */
export const RULES: readonly Rule[] = [
  ...encryptionRules,
  stateEncryptionRule,
  ...exposureRules,
  ...tlsRules,
  ...resilienceRules,
  ...observabilityRules,
  ...hygieneRules,
  ...deployabilityRules,
  ...policyRules,
];

const byId = new Map(RULES.map((r) => [r.id, r]));
if (byId.size !== RULES.length) throw new Error("policy pack: duplicate rule id");

/** The rule with this id, if any. */
export function ruleById(id: string): Rule | undefined {
  return byId.get(id);
}
