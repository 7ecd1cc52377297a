/**
 * Every reference in a synthesized stack points at something declared in that same stack. Terraform's
 * own `validate` proves this for the AWS-only stacks; the in-cluster stacks need providers that are not
 * available offline, so this check is what catches, say, a resource of a plane stack used directly in
 * an in-cluster stack (which would resolve to a name that stack does not declare).
 */
import { describe, expect, it } from "vitest";
import { synthesizeAll, type TfJson } from "./helpers/synth";

const synth = synthesizeAll();

/** `type.name` of every resource and `data.type.name` of every data source referenced in `text`. */
function referencedAddresses(text: string): Set<string> {
  const found = new Set<string>();
  for (const expression of text.matchAll(/\$\{([^}]*)\}/g)) {
    for (const m of expression[1].matchAll(/(?<![\w.])(data\.)?((?:aws|kubernetes|helm|random)_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g)) {
      found.add(`${m[1] ?? ""}${m[2]}.${m[3]}`);
    }
    for (const m of expression[1].matchAll(/(?<![\w.])data\.terraform_remote_state\.([A-Za-z0-9_-]+)/g)) found.add(`data.terraform_remote_state.${m[1]}`);
  }
  return found;
}

function declaredAddresses(tf: TfJson): Set<string> {
  const declared = new Set<string>();
  for (const [type, byName] of Object.entries(tf.resource ?? {})) for (const name of Object.keys(byName)) declared.add(`${type}.${name}`);
  for (const [type, byName] of Object.entries(tf.data ?? {})) for (const name of Object.keys(byName)) declared.add(`data.${type}.${name}`);
  return declared;
}

describe("references", () => {
  it.each([...synth.text.keys()].sort())("%s references only what it declares", (name) => {
    const tf = synth.stacks.get(name)!;
    const declared = declaredAddresses(tf);
    const missing = [...referencedAddresses(synth.text.get(name)!)].filter((a) => !declared.has(a));
    expect(missing).toEqual([]);
  });

  it("finds references at all (the check cannot pass vacuously)", () => {
    const text = synth.text.get("dev-global-k8s")!;
    expect(referencedAddresses(text)).toContain("data.aws_eks_cluster.cluster");
    expect(referencedAddresses('"${aws_vpc.other_1234.id}"')).toEqual(new Set(["aws_vpc.other_1234"]));
  });
});
