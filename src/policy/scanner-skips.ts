/**
 * The Checkov checks this repository skips (`.checkov.yml`), each with why it does not apply and the
 * policy-pack rule whose suppression covers the same finding, if one does. docs/policy-report.md lists
 * them under "Checkov skips"; test/checkov-config.test.ts keeps `.checkov.yml` and this list equal.
 * Checkov's terraform_json runner honours no inline suppressions, so a skip covers a whole check:
 * keep this list to findings that are wrong for every resource the check reads here.
 */

/** One skipped Checkov check. */
export interface ScannerSkip {
  /** Checkov check id. */
  readonly check: string;
  /** Checkov's title of the check. */
  readonly title: string;
  /** Why it does not apply here (also the comment beside the skip in `.checkov.yml`). */
  readonly reason: string;
  /** The policy-pack rule whose suppressions cover the same finding, when the pack checks it. */
  readonly suppressedAs?: string;
}

/** Every skip, by check id. */
export const SCANNER_SKIPS: readonly ScannerSkip[] = [
  {
    check: "CKV_AWS_145",
    title: "Ensure that S3 buckets are encrypted with KMS by default",
    reason:
      "S3 server access logging delivers only to buckets encrypted with SSE-S3, so the access-log buckets cannot use KMS; CDN-ENC-002 checks every other bucket and suppresses exactly these, finding by finding.",
    suppressedAs: "CDN-ENC-002",
  },
  {
    check: "CKV2_AWS_57",
    title: "Ensure Secrets Manager secrets should have automatic rotation enabled",
    reason:
      "The only secrets are the planes' connection documents (host, port, database name: no password; RDS manages and rotates the master password itself), so there is nothing to rotate.",
  },
  {
    check: "CKV2_AWS_5",
    title: "Ensure that Security Groups are attached to another resource",
    reason:
      "The load balancer's security group is attached at runtime by the AWS Load Balancer Controller to the load balancer it creates (CDN-NET-001 recognises it by its Exposure tag); Terraform never sees the attachment.",
  },
  {
    check: "CKV2_AWS_62",
    title: "Ensure S3 buckets should have event notifications enabled",
    reason: "No consumer of S3 event notifications exists; a notification configuration without one would only add an unused target.",
  },
];
