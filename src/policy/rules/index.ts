/** The rule catalog, in report order. */
import type { Rule } from "../types";
import { deployabilityRules, stateEncryptionRule } from "./deployability";
import { encryptionRules } from "./encryption";
import { exposureRules } from "./exposure";
import { hygieneRules } from "./hygiene";
import { observabilityRules } from "./observability";
import { resilienceRules } from "./resilience";
import { tlsRules } from "./tls";

/** Id of the meta rule: every suppression names its findings and each of them occurs. */
export const UNUSED_SUPPRESSION_RULE = "CDN-POL-001";

/** The meta rule, evaluated by the engine itself (it needs the suppressions, not the stack). */
const policyRules: readonly Rule[] = [
  {
    id: UNUSED_SUPPRESSION_RULE,
    title: "Every suppression names the findings it covers, and each occurs",
    severity: "low",
    category: "policy",
    resourceTypes: ["(suppressions)"],
    checks: "Every suppression recorded in a stack names a known rule and the exact findings it covers (construct paths relative to where it is declared), and each named finding of that rule occurs. Findings it does not name are not covered. It cannot itself be suppressed.",
    rationale: "A suppression scoped to a whole construct would silently exempt whatever is added under it later; naming the findings keeps each suppression as narrow as the problem it explains, and a stale one fails.",
    fix: "Name the finding(s) in suppress(scope, rule, reason, findings); delete a suppression whose finding is gone (the resource complies now), or point it at the resource that actually has the finding.",
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
