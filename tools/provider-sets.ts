/**
 * Groups synthesized stacks by their exact provider requirements (a "provider set"): CI runs
 * `terraform init` once per set to fill the plugin cache and write ONE `.terraform.lock.hcl`, and copies
 * that lock file into every stack of the set, so every plan and apply of a run uses the same verified
 * provider packages without downloading them per stack.
 */
import type { SynthOutput } from "../src/app/synth-output";

/** One distinct set of provider requirements. */
export interface ProviderSet {
  /** Stable id from the providers and versions (`aws-5.100.0+helm-3.1.1`). */
  readonly id: string;
  /** The `required_providers` block shared by the stacks. */
  readonly requiredProviders: Readonly<Record<string, { source?: string; version?: string }>>;
  /** Stacks with exactly these requirements, sorted. */
  readonly stacks: readonly string[];
}

/** The provider sets of the given stacks (all when omitted), sorted by id. */
export function providerSets(output: SynthOutput, stacks: readonly string[] = [...output.stacks.keys()]): ProviderSet[] {
  const sets = new Map<string, { requiredProviders: Record<string, { source?: string; version?: string }>; stacks: string[] }>();
  for (const stack of [...stacks].sort()) {
    const doc = output.stacks.get(stack);
    if (!doc) throw new Error(`${stack} is not in the synthesized output`);
    const required = doc.terraform?.required_providers ?? {};
    const names = Object.keys(required).sort();
    for (const name of names) {
      if (!/^\d+\.\d+\.\d+$/.test(required[name].version ?? "")) throw new Error(`${stack}: provider ${name} is not pinned to an exact version (${required[name].version ?? "none"})`);
    }
    const id = names.map((n) => `${n}-${required[n].version}`).join("+") || "none";
    const entry = sets.get(id) ?? { requiredProviders: Object.fromEntries(names.map((n) => [n, required[n]])), stacks: [] };
    entry.stacks.push(stack);
    sets.set(id, entry);
  }
  return [...sets.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, s]) => ({ id, ...s }));
}
