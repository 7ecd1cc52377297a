/** Shared shapes of the preflight checks (tools/preflight). */
import type { EnvironmentConfig } from "../../src/config/schema";
import type { AwsClients } from "../aws/clients";
import { classifyAwsError } from "../aws/errors";

/**
 * Result of one check. PASS and WARN do not fail the run; FAIL (the account cannot take the
 * configuration), DENIED (the caller may not ask: the answer is unknown) and ERROR (throttled, timed
 * out, unexpected) do.
 */
export type Status = "PASS" | "WARN" | "FAIL" | "DENIED" | "ERROR";

/** One row of the preflight table. */
export interface CheckResult {
  /** What was checked, e.g. `EKS add-on vpc-cni v1.22.4-eksbuild.3 (k8s 1.35)`. */
  readonly check: string;
  /** Region it was checked in (`global` for account-wide checks). */
  readonly region: string;
  /** The outcome. */
  readonly status: Status;
  /** What was found. */
  readonly detail: string;
  /** What to do about it (empty when nothing). */
  readonly action: string;
}

/** An HTTPS GET (injected: tests answer from fixtures). */
export type HttpGet = (url: string) => Promise<{ status: number; body: string }>;

/** Everything a check may use. */
export interface PreflightContext {
  /** The validated environment (loaded by src/config, the same data synth uses). */
  readonly env: EnvironmentConfig;
  /** AWS clients per service and region. */
  readonly clients: AwsClients;
  /** HTTPS GET for Helm repository indexes. */
  readonly httpGet: HttpGet;
  /** The current time (injected: support windows and certificate expiry are compared with it). */
  readonly now: Date;
  /** The caller's ARN, from the identity check. */
  readonly callerArn: string;
}

/** A check: one or more rows. */
export type Check = (ctx: PreflightContext) => Promise<CheckResult[]>;

/** A result row. */
export function row(check: string, region: string, status: Status, detail: string, action = ""): CheckResult {
  return { check, region, status, detail, action };
}

/**
 * Runs one AWS call for a check and turns a failed call into a row that says what happened: DENIED
 * names the IAM action to grant, ERROR says throttled / timed out / what the service said. A failed
 * call is never reported as a pass.
 */
export async function attempt<T>(check: string, region: string, iamAction: string, call: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; row: CheckResult }> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    return { ok: false, row: failedCall(check, region, iamAction, error) };
  }
}

/** The row for a failed AWS call. */
export function failedCall(check: string, region: string, iamAction: string, error: unknown): CheckResult {
  const f = classifyAwsError(error);
  switch (f.kind) {
    case "denied":
      return row(check, region, "DENIED", `${iamAction} was denied (${f.code}); the answer is unknown`, `allow ${iamAction} for the role running preflight (ReadOnlyAccess covers it)`);
    case "throttled":
      return row(check, region, "ERROR", `${iamAction} was throttled (${f.code}) after the SDK's retries`, "run preflight again in a few minutes");
    case "timeout":
      return row(check, region, "ERROR", `${iamAction} timed out (${f.code})`, "check the network path to AWS (proxy, VPN) and run again");
    case "no-credentials":
      return row(check, region, "ERROR", `credentials were rejected or expired (${f.code})`, "sign in again and rerun");
    default:
      return row(check, region, "ERROR", `${iamAction} failed: ${f.code}${f.status ? ` (HTTP ${f.status})` : ""}: ${f.message}`, "look at the error; rerun");
  }
}

/** Distinct regions of the environment's planes, in plane order. */
export function planeRegions(env: EnvironmentConfig): string[] {
  return [...new Set([env.global.region, ...env.regions.map((r) => r.region)])];
}
