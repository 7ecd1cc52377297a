/**
 * The readable rendering of synthesized JSON (snapshots, `npm run diff`): documents held in strings are
 * expanded only when that is exactly reversible, and a one-statement policy change is a small diff.
 */
import { describe, expect, it } from "vitest";
import { collapseEmbedded, embeddedDocument, expandEmbedded, fromReadable, stringifyLikeCdktf, toReadable } from "../tools/readable-json";
import { synthesizeAll } from "./helpers/synth";

const policy = (actions: string[]) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "Read", Effect: "Allow", Action: actions, Resource: "arn:aws:s3:::b/*" },
      { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
    ],
  });

/** A stack-like document as cdktf writes it. */
const doc = (actions: string[]) =>
  stringifyLikeCdktf({
    resource: {
      aws_iam_policy: { p: { name: "reader", policy: policy(actions) } },
      helm_release: { r: { values: [JSON.stringify({ replicaCount: 2, podAnnotations: { a: "[{\"HTTPS\":443}]" } }, null, 2)] } },
      aws_secretsmanager_secret_version: {
        v: { secret_string: '${jsonencode({"engine" = "postgres", "host" = aws_rds_cluster.db.endpoint, "port" = 5432, "tags" = ["a", "b"], "nested" = {"ok" = true}})}' },
      },
    },
    output: {},
  });

describe("toReadable / fromReadable", () => {
  it("expands policies, indented Helm values (and JSON inside them) and jsonencode documents", () => {
    const readable = toReadable(doc(["s3:GetObject"]));
    const parsed = JSON.parse(readable);
    expect(parsed.resource.aws_iam_policy.p.policy["<JSON string>"].Statement[1].Sid).toBe("DenyInsecureTransport");
    const values = parsed.resource.helm_release.r.values[0]["<JSON string, indented>"];
    expect(values.podAnnotations.a).toEqual({ "<JSON string>": [{ HTTPS: 443 }] });
    expect(parsed.resource.aws_secretsmanager_secret_version.v.secret_string).toEqual({
      "<jsonencode expression>": { engine: "postgres", host: "${aws_rds_cluster.db.endpoint}", port: 5432, tags: ["a", "b"], nested: { ok: true } },
    });
    expect(readable).not.toContain('\\"');
  });

  it("stands for exactly the original text", () => {
    const text = doc(["s3:GetObject"]);
    expect(fromReadable(toReadable(text))).toBe(text);
    expect(text).toContain('"output": {\n  }'); // cdktf's way of writing an empty object, kept
  });

  it("makes a one-action change of one statement a one-line diff", () => {
    const before = toReadable(doc(["s3:GetObject"])).split("\n");
    const after = toReadable(doc(["s3:GetObject", "s3:GetObjectVersion"])).split("\n");
    expect(after.length).toBe(before.length + 1);
    const added = after.filter((line, i) => line !== before[i]);
    expect(added[0]).toMatch(/^\s+"s3:GetObject",$/);
    expect(added).toContainEqual(expect.stringMatching(/^\s+"s3:GetObjectVersion"$/));
  });

  it("leaves strings alone when expanding them could not be reversed exactly", () => {
    for (const s of ['{ "spaced": true }', '{"n":1.0}', "[1,2", '{"a":1}\n', "12", '"quoted"', "${jsonencode(var.x)}", '${jsonencode({"a" = "x${y}"})}']) {
      expect(expandEmbedded(s), s).toBe(s);
    }
    expect(expandEmbedded("{}")).toEqual({ "<JSON string>": {} });
  });

  it("refuses an object that would read as an expanded string", () => {
    expect(() => expandEmbedded({ "<JSON string>": {} })).toThrow(/cannot be rendered unambiguously/);
  });

  it("collapses what it expands, at any depth", () => {
    const value = { a: [policy(["x"]), { b: JSON.stringify([1, { c: JSON.stringify({ d: 1 }) }]) }] };
    expect(collapseEmbedded(expandEmbedded(value))).toEqual(value);
  });

  it("reads documents for comparison, also the ones it would not expand", () => {
    expect(embeddedDocument('{ "spaced": true }')).toEqual({ spaced: true });
    expect(embeddedDocument("plain")).toBeUndefined();
    expect(embeddedDocument('${jsonencode({"a" = b.c})}')).toEqual({ a: "${b.c}" });
  });
});

describe("on every real stack", () => {
  const synth = synthesizeAll();

  it("the rendering is exact, expands something in each plane stack, and leaves no escaped document behind", () => {
    expect(synth.text.size).toBeGreaterThan(0);
    for (const [name, text] of synth.text) {
      const readable = toReadable(text);
      expect(fromReadable(readable) === text, name).toBe(true);
      // Every embedded document is expanded: no string value left is one (a JSON text or a jsonencode).
      const leftovers: string[] = [];
      const walk = (v: unknown): void => {
        if (typeof v === "string") {
          if (embeddedDocument(v) !== undefined) leftovers.push(v.slice(0, 80));
        } else if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === "object") Object.values(v).forEach(walk);
      };
      walk(JSON.parse(readable));
      expect(leftovers, name).toEqual([]);
      if (/-(global|regional-[a-z0-9]+)$/.test(name)) expect(readable, name).toContain('"<JSON string>"');
    }
  });
});
