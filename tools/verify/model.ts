/**
 * The verify tool's result model: every check yields one row (check, plane, result, evidence, seconds).
 * A check that could not establish its claim is a FAIL with the reason as evidence; SKIP is only for
 * checks that do not apply (a feature switched off, a plane not selected), never for errors.
 */

/** Outcome of one check. */
export type Verdict = "PASS" | "FAIL" | "SKIP";

/** What a pure evaluator concludes. */
export interface Finding {
  /** PASS, FAIL or SKIP. */
  readonly result: Verdict;
  /** What was observed: the numbers and names that justify the result, or why it failed. */
  readonly evidence: string;
}

/** One row of the checklist. */
export interface CheckResult extends Finding {
  /** Check id, e.g. `eks.nodes` (docs/verify.md lists them all). */
  readonly check: string;
  /** Plane id: `global`, `regional-<key>`, or `environment`. */
  readonly plane: string;
  /** Wall time of the check in seconds (one decimal). */
  readonly seconds: number;
}

/** A passing finding. */
export const pass = (evidence: string): Finding => ({ result: "PASS", evidence });
/** A failing finding. */
export const fail = (evidence: string): Finding => ({ result: "FAIL", evidence });
/** A check that does not apply. */
export const skip = (evidence: string): Finding => ({ result: "SKIP", evidence });

/** PASS when `problems` is empty (with `ok` as evidence), else FAIL listing them. */
export function judge(problems: readonly string[], ok: string): Finding {
  return problems.length === 0 ? pass(ok) : fail(problems.join("; "));
}

/** A message from the cluster (a pod's, a container's, a Job's) on one line, at most 300 characters. */
export function oneLine(text: unknown): string {
  return String(text ?? "").replace(/\s+/g, " ").trim().slice(0, 300);
}

/** The message of anything thrown, one line. */
export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name && error.name !== "Error" && !error.message.startsWith(error.name) ? `${error.name}: ` : "";
    return `${name}${error.message}`.replace(/\s+/g, " ").trim();
  }
  return String(error).replace(/\s+/g, " ").trim();
}
