/**
 * What kind of failure an AWS SDK v3 error is, so that callers can say so instead of guessing: the
 * wire error code lands in `error.name` (the modeled class name or the raw code), the HTTP status in
 * `error.$metadata.httpStatusCode`. A denied or throttled call is never treated as an answer.
 */

/** Failure kinds callers distinguish. */
export type AwsFailureKind = "no-credentials" | "denied" | "throttled" | "timeout" | "error";

/** A classified failure. */
export interface AwsFailure {
  /** What kind of failure. */
  readonly kind: AwsFailureKind;
  /** The error code (`error.name`), e.g. `AccessDeniedException`. */
  readonly code: string;
  /** HTTP status, when the service answered. */
  readonly status?: number;
  /** The error message, on one line. */
  readonly message: string;
}

/** Credentials are missing, expired or not accepted: sign in again. */
const CREDENTIAL_CODES = new Set([
  "CredentialsProviderError",
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "TokenProviderError",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
]);

/** Wire codes of "not allowed" across the query, JSON and REST protocols. */
const DENIED_CODES = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess", "AuthorizationError", "Forbidden"]);

/** Wire codes of throttling (the SDK's own retry list plus EC2's and S3's). */
const THROTTLING_CODES = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "PriorRequestNotComplete",
  "BandwidthLimitExceeded",
  "ProvisionedThroughputExceededException",
  "EC2ThrottledException",
]);

const TIMEOUT_CODES = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException", "AbortError", "ETIMEDOUT", "ECONNRESET", "ECONNREFUSED", "EAI_AGAIN"]);

/** Classifies an error thrown by an AWS SDK v3 client (or by its HTTP handler). */
export function classifyAwsError(error: unknown): AwsFailure {
  const e = (error ?? {}) as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = e.name && e.name !== "Error" ? e.name : e.code ?? "Error";
  const status = e.$metadata?.httpStatusCode;
  const message = String(e.message ?? error).split("\n")[0];
  const kind: AwsFailureKind = CREDENTIAL_CODES.has(code) || /could not load credentials|no credentials|token (is )?expired|the sso session .* has expired/i.test(message)
    ? "no-credentials"
    : DENIED_CODES.has(code) || status === 403
      ? "denied"
      : THROTTLING_CODES.has(code) || status === 429
        ? "throttled"
        : TIMEOUT_CODES.has(code) || TIMEOUT_CODES.has(e.code ?? "")
          ? "timeout"
          : "error";
  return { kind, code, status, message };
}
