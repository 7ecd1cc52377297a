/**
 * Typed IAM policy documents. Constructs describe statements as data; `policyDocument` renders them to
 * the JSON AWS expects, so nobody hand-writes IAM JSON and the policy checks can read the statements.
 */

/** A principal block of a resource or trust policy. */
export interface Principal {
  /** Principal type. */
  readonly type: "AWS" | "Service" | "Federated" | "*";
  /** ARNs, service names or `*`. */
  readonly identifiers: readonly string[];
}

/** A condition block entry, e.g. `{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }`. */
export interface Condition {
  /** Condition operator. */
  readonly test: string;
  /** Context key. */
  readonly variable: string;
  /** Values compared with the key. */
  readonly values: readonly string[];
}

/** One IAM policy statement. */
export interface Statement {
  /** Statement id (letters and digits). */
  readonly sid?: string;
  /** Allow (default) or Deny. */
  readonly effect?: "Allow" | "Deny";
  /** Actions the statement covers. */
  readonly actions: readonly string[];
  /** Resources the statement covers (omit in trust policies). */
  readonly resources?: readonly string[];
  /** Every resource except these (instead of `resources`; for a Deny that fences everything else off). */
  readonly notResources?: readonly string[];
  /** Principals (resource and trust policies only). */
  readonly principals?: readonly Principal[];
  /** Principals the statement does not apply to. */
  readonly notPrincipals?: readonly Principal[];
  /** Conditions that must all hold. */
  readonly conditions?: readonly Condition[];
}

/** Renders statements to an IAM policy JSON string (tokens inside ARNs resolve at synth). */
export function policyDocument(statements: readonly Statement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements.map(renderStatement) });
}

function renderStatement(s: Statement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.sid) out.Sid = s.sid;
  out.Effect = s.effect ?? "Allow";
  if (s.principals) out.Principal = renderPrincipals(s.principals);
  if (s.notPrincipals) out.NotPrincipal = renderPrincipals(s.notPrincipals);
  out.Action = unwrap(s.actions);
  if (s.resources) out.Resource = unwrap(s.resources);
  if (s.notResources) out.NotResource = unwrap(s.notResources);
  if (s.conditions && s.conditions.length > 0) {
    const block: Record<string, Record<string, unknown>> = {};
    for (const c of s.conditions) {
      block[c.test] = { ...(block[c.test] ?? {}), [c.variable]: unwrap(c.values) };
    }
    out.Condition = block;
  }
  return out;
}

function renderPrincipals(principals: readonly Principal[]): unknown {
  if (principals.length === 1 && principals[0].type === "*") return "*";
  const out: Record<string, unknown> = {};
  for (const p of principals) out[p.type] = unwrap(p.identifiers);
  return out;
}

function unwrap(values: readonly string[]): string | string[] {
  return values.length === 1 ? values[0] : [...values];
}

/** Trust policy letting an AWS service assume a role. */
export function serviceTrustPolicy(service: string, actions: readonly string[] = ["sts:AssumeRole"]): string {
  return policyDocument([{ effect: "Allow", actions, principals: [{ type: "Service", identifiers: [service] }] }]);
}
