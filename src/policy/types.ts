/**
 * Types of the policy pack: rules, findings, violations, suppressions and the synthesized Terraform
 * JSON they are evaluated on.
 */
import type { StackModel } from "./model";

/** A synthesized Terraform JSON document (one stack's `cdk.tf.json`). */
export interface TfJson {
  /** cdktf's stack metadata and, when a stack declares suppressions, `cdn_policy`. */
  readonly "//"?: Record<string, unknown>;
  /** Terraform settings (backend, required providers ...). */
  readonly terraform?: Record<string, unknown>;
  /** Provider configurations by provider name; each a list (aliases). */
  readonly provider?: Record<string, readonly Record<string, unknown>[]>;
  /** Managed resources by type and logical name. */
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  /** Data sources by type and logical name. */
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  /** Outputs by name. */
  readonly output?: Record<string, Record<string, unknown>>;
  /** Variables by name. */
  readonly variable?: Record<string, Record<string, unknown>>;
  /** Locals. */
  readonly locals?: Record<string, unknown>;
  /** Anything else Terraform accepts (moved, import, check ...). */
  readonly [key: string]: unknown;
}

/** One stack's synthesized document, as the policy engine sees it. */
export interface StackDocument {
  /** Stack name (the construct id of the stack, also its construct path). */
  readonly name: string;
  /** The synthesized JSON Terraform reads. */
  readonly json: TfJson;
  /** Names of the stacks this one declares a dependency on (they deploy first); none when omitted. */
  readonly dependencies?: readonly string[];
}

/** How bad a violation is; every severity fails synth, the severity orders the work. */
export type Severity = "critical" | "high" | "medium" | "low";

/** Rule families, used to group the report. */
export type RuleCategory = "encryption" | "exposure" | "tls" | "resilience" | "observability" | "hygiene" | "deployability" | "policy";

/** Something a rule found in one stack (before suppressions are applied). */
export interface Finding {
  /** Construct path of the offending element (a resource's `//.metadata.path`, or the stack name). */
  readonly path: string;
  /** Terraform address (`aws_s3_bucket.name`, `provider.aws[0]`, `output.x` ...). */
  readonly address: string;
  /** What is wrong, specific to this element. */
  readonly message: string;
  /** How to fix it, when more specific than the rule's general fix. */
  readonly fix?: string;
}

/** A policy rule: a stable id, documentation and a check over one stack's model. */
export interface Rule {
  /** Stable id, `CDN-<FAMILY>-<NNN>`; never reused for another meaning. */
  readonly id: string;
  /** One-line title, phrased as the property that must hold. */
  readonly title: string;
  /** Severity. */
  readonly severity: Severity;
  /** Family. */
  readonly category: RuleCategory;
  /** Resource types the rule reads (documentation; `*` for all). */
  readonly resourceTypes: readonly string[];
  /** What exactly is checked, in a sentence or two (goes to docs/policy-report.md). */
  readonly checks: string;
  /** Why the rule exists. */
  readonly rationale: string;
  /** How to fix a violation in general. */
  readonly fix: string;
  /** Findings in one stack. */
  readonly check: (stack: StackModel) => readonly Finding[];
}

/** A finding that no suppression covers: it fails synth. */
export interface Violation extends Finding {
  /** Rule id. */
  readonly rule: string;
  /** Rule title. */
  readonly title: string;
  /** Rule severity. */
  readonly severity: Severity;
  /** Stack name. */
  readonly stack: string;
  /** How to fix it (the finding's own fix, else the rule's). */
  readonly fix: string;
}

/** A suppression as recorded in a stack's synthesized JSON (`//.cdn_policy.suppressions`). */
export interface RecordedSuppression {
  /** Construct path the suppression was declared on; it covers that construct and its children. */
  readonly path: string;
  /** Suppressed rule id. */
  readonly rule: string;
  /** Why the rule does not apply there. */
  readonly reason: string;
  /** The findings it covers: construct paths relative to `path` (`.` for the construct itself). */
  readonly findings: readonly string[];
}

/** A suppression together with the findings it covered. */
export interface AppliedSuppression extends RecordedSuppression {
  /** Stack it was declared in. */
  readonly stack: string;
  /** Findings it covered (an unused suppression is itself a violation). */
  readonly covered: readonly Violation[];
}

/** The outcome of evaluating the pack over a set of stacks. */
export interface PolicyResult {
  /** Unsuppressed findings, ordered by stack, rule and path. */
  readonly violations: readonly Violation[];
  /** Every declared suppression with what it covered, ordered by stack, path and rule. */
  readonly suppressions: readonly AppliedSuppression[];
  /** Stacks evaluated, in order. */
  readonly stacks: readonly string[];
}
