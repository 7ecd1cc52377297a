/** Provider sets: one init and one lock file per distinct set of exact provider pins. */
import { nonEmpty } from "./helpers/assert";
import { describe, expect, it } from "vitest";
import { readSynthOutput, type SynthOutput, type TfDocument } from "../src/app/synth-output";
import { providerSets } from "../tools/provider-sets";
import { synthesizeAll } from "./helpers/synth";

describe("providerSets", () => {
  it("splits the real stacks into the AWS-only set and the in-cluster set", () => {
    const output = readSynthOutput(synthesizeAll().outdir);
    const sets = providerSets(output);
    expect(sets.map((s) => s.id)).toEqual([expect.stringMatching(/^aws-5\.100\.0$/), expect.stringMatching(/^aws-5\.100\.0\+helm-\d+\.\d+\.\d+\+kubernetes-\d+\.\d+\.\d+$/)]);
    expect(sets[1].stacks.length).toBeGreaterThan(0);
    expect(nonEmpty(sets[1].stacks, "in-cluster provider set stacks").every((s) => s.endsWith("-k8s"))).toBe(true);
    expect(sets.flatMap((s) => s.stacks).sort()).toEqual([...output.stacks.keys()].sort());
  });

  it("refuses a provider without an exact version", () => {
    const doc: TfDocument = { terraform: { required_providers: { aws: { source: "aws", version: "~> 5.0" } } } };
    const output: SynthOutput = { outdir: "x", manifest: new Map(), stacks: new Map([["dev-x", doc]]) };
    expect(() => providerSets(output)).toThrow("dev-x: provider aws is not pinned to an exact version (~> 5.0)");
  });
});
