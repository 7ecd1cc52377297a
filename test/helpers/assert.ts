/** Assertion helpers shared by the test files. */
import { expect } from "vitest";

/**
 * `items` after asserting there is at least one: an assertion over every element of an empty list
 * (`.every()`, a loop) passes whatever it says, so each such assertion takes its list through here.
 */
export function nonEmpty<T>(items: Iterable<T>, what: string): T[] {
  const list = [...items];
  expect(list.length, `${what}: expected at least one, found none (an assertion over none would pass vacuously)`).toBeGreaterThan(0);
  return list;
}
