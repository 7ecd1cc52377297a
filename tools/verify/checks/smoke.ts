/**
 * The smoke-test app through the public load balancer: HTTPS 200 with the expected body. The TLS chain
 * must verify; the name may not match (the load balancer's own DNS name is not on the certificate unless
 * a record points at it), which the evidence states.
 */
import { judge, type Finding } from "../model";

/** The body nginx serves by default: what the smoke-test image answers on `/`. */
export const SMOKE_TEST_BODY_MARKER = "<title>Welcome to nginx!</title>";

/** One HTTPS response (or the failure to get one). */
export interface HttpsResult {
  /** HTTP status, when a response arrived. */
  readonly status?: number;
  /** Response body (first KiB is enough). */
  readonly body?: string;
  /** Whether the certificate chain verified against the system trust store. */
  readonly chainVerified?: boolean;
  /** Whether the certificate names the requested host. */
  readonly nameMatches?: boolean;
  /** Subject of the server certificate. */
  readonly subject?: string;
  /** Transport or TLS error. */
  readonly error?: string;
}

/** Judges the last attempt. */
export function evaluateSmoke(url: string, result: HttpsResult, marker = SMOKE_TEST_BODY_MARKER): Finding {
  const problems: string[] = [];
  if (result.error) problems.push(`${url}: ${result.error}`);
  else {
    if (result.status !== 200) problems.push(`${url}: HTTP ${result.status}`);
    if (!result.body?.includes(marker)) problems.push(`${url}: body lacks ${JSON.stringify(marker)}`);
    if (result.chainVerified !== true) problems.push(`${url}: certificate chain not trusted`);
  }
  return judge(problems, `${url}: HTTP 200 with the nginx page; certificate ${result.subject ?? "?"} (chain trusted${result.nameMatches ? ", name matches" : "; name differs from the load balancer's DNS name"})`);
}
