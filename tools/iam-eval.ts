/**
 * A small IAM evaluator for identity and trust policies, enough to check what the CI roles allow:
 * Allow/Deny, Action/NotAction and Resource/NotResource with `*` and `?` wildcards (actions case-
 * insensitive), and StringEquals/StringLike/ArnLike conditions on a given request context. An explicit
 * Deny wins; a condition whose key is missing from the context does not match. Not a full
 * implementation (no policy variables, no other operators: those throw).
 */

/** A policy statement as JSON. */
interface JsonStatement {
  readonly Effect: "Allow" | "Deny";
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** One request to evaluate. */
export interface IamRequest {
  /** `service:Action`. */
  readonly action: string;
  /** Resource ARN (`*` for trust policies). */
  readonly resource: string;
  /** Condition context keys and values. */
  readonly context?: Readonly<Record<string, string>>;
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Whether `value` matches an IAM wildcard `pattern` (`*` any run, `?` one character). */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, caseInsensitive ? "i" : "");
  return re.test(value);
}

function conditionsHold(condition: JsonStatement["Condition"], context: Readonly<Record<string, string>>): boolean {
  for (const [operator, entries] of Object.entries(condition ?? {})) {
    for (const [key, expected] of Object.entries(entries)) {
      const actual = context[key];
      if (actual === undefined) return false;
      const values = list(expected);
      if (operator === "StringEquals") {
        if (!values.includes(actual)) return false;
      } else if (operator === "StringLike" || operator === "ArnLike") {
        if (!values.some((v) => wildcardMatch(v, actual))) return false;
      } else throw new Error(`condition operator ${operator} is not supported by this evaluator`);
    }
  }
  return true;
}

function applies(s: JsonStatement, request: IamRequest): boolean {
  const actionHit = s.Action !== undefined ? list(s.Action).some((a) => wildcardMatch(a, request.action, true)) : !list(s.NotAction).some((a) => wildcardMatch(a, request.action, true));
  if (!actionHit) return false;
  if (s.Resource !== undefined || s.NotResource !== undefined) {
    const resourceHit = s.Resource !== undefined ? list(s.Resource).some((r) => wildcardMatch(r, request.resource)) : !list(s.NotResource).some((r) => wildcardMatch(r, request.resource));
    if (!resourceHit) return false;
  }
  return conditionsHold(s.Condition, request.context ?? {});
}

/** `allowed`, `denied` (an explicit Deny matched) or `implicitly-denied` (no Allow matched). */
export function evaluate(policy: string | { Statement: JsonStatement[] }, request: IamRequest): "allowed" | "denied" | "implicitly-denied" {
  const doc = typeof policy === "string" ? (JSON.parse(policy) as { Version?: string; Statement: JsonStatement[] }) : policy;
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement as JsonStatement];
  if (statements.some((s) => s.Effect === "Deny" && applies(s, request))) return "denied";
  return statements.some((s) => s.Effect === "Allow" && applies(s, request)) ? "allowed" : "implicitly-denied";
}
