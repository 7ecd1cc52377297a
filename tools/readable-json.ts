/**
 * Documents embedded in string values of synthesized Terraform JSON (IAM, key and bucket policies,
 * Helm values, secret documents built with `jsonencode`, annotations holding JSON ...), made readable
 * for people: each such string is shown as the document it holds, one element per line, so that a
 * one-statement change of a policy reads as a one-statement diff. Used by the stack snapshots
 * (test/snapshots.test.ts) and by `npm run diff` (tools/infra-diff.ts).
 *
 * The rendering is faithful: a string is expanded only by a codec that turns the expanded value back
 * into exactly the same string, and {@link fromReadable} restores the original document byte for
 * byte. Keys keep the order of the synthesized document (deterministic: the determinism test checks
 * that synth output is byte-identical run to run), so a change of order in a string Terraform sees is
 * a change in the rendering too. Generic: no knowledge of stacks, resource types or attribute names.
 *
 * An expanded string is an object with one key naming the codec:
 *   "policy": { "<JSON string>": { "Version": "2012-10-17", "Statement": [ ... ] } }
 *   "values": [ { "<JSON string, indented>": { "replicaCount": 2 } } ]
 *   "secret_string": { "<jsonencode expression>": { "engine": "postgres", "host": "${aws_rds_cluster.db.endpoint}" } }
 * In a `jsonencode` expression, a Terraform expression value is shown as `${expression}` (what it
 * would be inside a string template), a literal as itself.
 */

/** JSON values. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A reversible reading of a string: `encode(decode(s)) === s` is required before it is used. */
interface Codec {
  /** The marker key of the expanded form. */
  readonly marker: string;
  /** The document in the string, or undefined when the string is not one. */
  readonly decode: (text: string) => Json | undefined;
  /** The string for a document. */
  readonly encode: (value: Json) => string;
}

const isContainer = (v: unknown): v is Json[] | { [key: string]: Json } => !!v && typeof v === "object";

function parseJsonContainer(text: string): Json | undefined {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    const value = JSON.parse(text) as Json;
    return isContainer(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// `${jsonencode({...})}` as cdktf writes it: `{"key" = value, ...}`, `[a, b]`, literals and references.

class HclReader {
  private i = 0;
  constructor(private readonly s: string) {}

  /** Parses the whole input as one value; undefined when it is not in the supported subset. */
  all(): Json | undefined {
    const value = this.value();
    return value !== undefined && this.i === this.s.length ? value : undefined;
  }

  private value(): Json | undefined {
    const c = this.s[this.i];
    if (c === "{") return this.object();
    if (c === "[") return this.tuple();
    if (c === '"') return this.string();
    return this.expression();
  }

  private object(): Json | undefined {
    const out: { [key: string]: Json } = {};
    this.i++;
    if (this.s[this.i] === "}") return this.i++, out;
    for (;;) {
      const key = this.string();
      if (key === undefined || !this.s.startsWith(" = ", this.i)) return undefined;
      this.i += 3;
      const value = this.value();
      if (value === undefined || Object.prototype.hasOwnProperty.call(out, key)) return undefined;
      out[key] = value;
      if (this.s.startsWith(", ", this.i)) this.i += 2;
      else if (this.s[this.i] === "}") return this.i++, out;
      else return undefined;
    }
  }

  private tuple(): Json | undefined {
    const out: Json[] = [];
    this.i++;
    if (this.s[this.i] === "]") return this.i++, out;
    for (;;) {
      const value = this.value();
      if (value === undefined) return undefined;
      out.push(value);
      if (this.s.startsWith(", ", this.i)) this.i += 2;
      else if (this.s[this.i] === "]") return this.i++, out;
      else return undefined;
    }
  }

  /** A quoted literal without template sequences (those are expressions, shown raw). */
  private string(): string | undefined {
    // `$` and `%` are literal unless they open a template sequence (`${`, `%{`).
    const match = /^"(?:[^"\\$%]|\\.|\$(?!\{)|%(?!\{))*"/.exec(this.s.slice(this.i));
    if (!match) return undefined;
    try {
      const value = JSON.parse(match[0]) as string;
      this.i += match[0].length;
      return value;
    } catch {
      return undefined;
    }
  }

  /** Anything else up to the next `,`, `}` or `]` at this depth: a number, true/false/null, or an expression. */
  private expression(): Json | undefined {
    const start = this.i;
    let depth = 0;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '"') return undefined; // strings inside expressions: not in the subset
      if (c === "(" || c === "[" || c === "{") depth++;
      else if (c === ")" || c === "]" || c === "}") {
        if (depth === 0) break;
        depth--;
      } else if (c === "," && depth === 0) break;
      this.i++;
    }
    const raw = this.s.slice(start, this.i);
    if (raw === "" || raw.trim() !== raw) return undefined;
    if (raw === "true" || raw === "false" || raw === "null") return JSON.parse(raw) as Json;
    if (/^-?\d+(\.\d+)?$/.test(raw) && String(Number(raw)) === raw) return Number(raw);
    return `\${${raw}}`;
  }
}

function writeHcl(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(writeHcl).join(", ")}]`;
  if (value && typeof value === "object") return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)} = ${writeHcl(v)}`).join(", ")}}`;
  if (typeof value === "string") {
    const expression = /^\$\{([^"]*)\}$/.exec(value);
    return expression ? expression[1] : JSON.stringify(value);
  }
  return JSON.stringify(value);
}

const JSONENCODE = /^\$\{jsonencode\(([\s\S]*)\)\}$/;

/** The codecs, tried in order. */
const CODECS: readonly Codec[] = [
  { marker: "<JSON string>", decode: parseJsonContainer, encode: (v) => JSON.stringify(v) },
  { marker: "<JSON string, indented>", decode: parseJsonContainer, encode: (v) => JSON.stringify(v, null, 2) },
  {
    marker: "<jsonencode expression>",
    decode: (text) => {
      const inner = JSONENCODE.exec(text)?.[1];
      const value = inner === undefined ? undefined : new HclReader(inner).all();
      return isContainer(value) ? value : undefined;
    },
    encode: (v) => `\${jsonencode(${writeHcl(v)})}`,
  },
];

const MARKERS = new Set(CODECS.map((c) => c.marker));

/**
 * The document a string holds, when it holds one: a JSON object or array (compact or indented), or a
 * `${jsonencode(...)}` expression. For comparing what strings say rather than their bytes.
 */
export function embeddedDocument(value: unknown): Json | undefined {
  if (typeof value !== "string") return undefined;
  for (const codec of CODECS) {
    const doc = codec.decode(value);
    if (doc !== undefined) return doc;
  }
  return undefined;
}

/** Replaces every string holding a document (at any depth, also inside documents) by its expanded form. */
export function expandEmbedded(value: unknown): unknown {
  if (typeof value === "string") {
    for (const codec of CODECS) {
      const doc = codec.decode(value);
      if (doc !== undefined && codec.encode(doc) === value) return { [codec.marker]: expandEmbedded(doc) };
    }
    return value;
  }
  if (Array.isArray(value)) return value.map(expandEmbedded);
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 1 && MARKERS.has(entries[0][0])) {
      throw new Error(`an object with the single key ${JSON.stringify(entries[0][0])} cannot be rendered unambiguously`);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, expandEmbedded(v)]));
  }
  return value;
}

/** The inverse of {@link expandEmbedded}. */
export function collapseEmbedded(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(collapseEmbedded);
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 1 && MARKERS.has(entries[0][0])) {
      const codec = CODECS.find((c) => c.marker === entries[0][0])!;
      return codec.encode(collapseEmbedded(entries[0][1]) as Json);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, collapseEmbedded(v)]));
  }
  return value;
}

/** The readable rendering of a JSON text (a synthesized cdk.tf.json): embedded documents expanded, 2-space indented. */
export function toReadable(jsonText: string): string {
  return `${JSON.stringify(expandEmbedded(JSON.parse(jsonText)), null, 2)}\n`;
}

/** The JSON text a readable rendering stands for, written the way cdktf writes cdk.tf.json. */
export function fromReadable(readable: string): string {
  return stringifyLikeCdktf(collapseEmbedded(JSON.parse(readable)));
}

/**
 * JSON as cdktf 0.21 writes a stack (json-stable-stringify with `space: 2`): keys sorted, 2-space
 * indentation, and an empty object or array still opened and closed on two lines.
 */
export function stringifyLikeCdktf(value: unknown, level = 0): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const indent = `\n${"  ".repeat(level)}`;
  const items = Array.isArray(value)
    ? value.map((v) => `${indent}  ${stringifyLikeCdktf(v, level + 1)}`)
    : Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => `${indent}  ${JSON.stringify(k)}: ${stringifyLikeCdktf((value as Record<string, unknown>)[k], level + 1)}`);
  return Array.isArray(value) ? `[${items.join(",")}${indent}]` : `{${items.join(",")}${indent}}`;
}
