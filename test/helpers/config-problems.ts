/** The validation report of a mutated copy of an environment file, for tests of the schema's guards. */
import { expect } from "vitest";
import { ConfigError, loadEnvironment } from "../../src/config/load";
import type { EnvironmentInput } from "../../src/config/schema";

/**
 * The ConfigError message for a copy of `base` with `mutate` applied, as if read from `file`. Fails the
 * test when the copy validates, or when validation throws anything but a ConfigError.
 */
export function configProblems(base: EnvironmentInput, file: string, mutate: (env: any) => void): string {
  const copy = structuredClone(base) as any;
  mutate(copy);
  try {
    loadEnvironment(copy, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`expected ${file} (mutated copy) to be rejected`);
}
