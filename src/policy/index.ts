/**
 * The policy pack: rules over the synthesized Terraform JSON of every stack, applied to the whole App
 * by `buildApp` so that every synth (cdktf CLI, `npm run synth`, tests) fails on a violation.
 *
 *   applyPolicies(app)                wire the pack into an App (buildApp does it)
 *   checkApp(app)                     synthesize and return { violations, suppressions, stacks }
 *   evaluatePolicies(stacks)          the pure engine over { name, json } documents
 *   suppress(construct, id, reason)   exempt a construct and its children from one rule, with a reason
 *
 * Rules, ids and how to read a violation: docs/policy.md; the generated catalog and every suppression:
 * docs/policy-report.md (`npm run policy:report`).
 */
export { applyPolicies, checkApp, policyResult, synthesizedStacks } from "./apply";
export { synthOrExit } from "./cli";
export { BACKUP_OF_TAG, dataClassTags, HOLDS_TAG, LOAD_BALANCER_SG_TAG, loadBalancerSecurityGroupTags, REPLICA_OF_TAG, REPLICATED_DATA_CLASSES, type DataClass } from "./conventions";
export { evaluatePolicies, recordedSuppressions, POLICY_METADATA_KEY } from "./engine";
export { formatViolations, PolicyViolationError, renderPolicyReport } from "./report";
export { RULES, ruleById, UNUSED_SUPPRESSION_RULE } from "./rules";
export { SCANNER_SKIPS, type ScannerSkip } from "./scanner-skips";
export { PolicySuppressionError, reasonProblem, suppress, SUPPRESSION_METADATA_TYPE } from "./suppress";
export type { AppliedSuppression, Finding, PolicyResult, RecordedSuppression, Rule, Severity, StackDocument, TfJson, Violation } from "./types";
