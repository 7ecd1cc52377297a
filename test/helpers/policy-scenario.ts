/**
 * Rule-test scaffolding: one App of fixture stacks (a compliant `good` one and bad ones that each trip
 * the rule under test) and the assertions every rule gets.
 */
import type { App, TerraformStack } from "cdktf";
import { expect, it } from "vitest";
import type { PolicyResult } from "../../src/policy";
import { check, fixtureStack, hits, policyApp, rulesIn, type FixtureOptions } from "./policy";

/** Builds one fixture stack; `app` gives access to the stacks built before it (dependencies). */
export type Builder = (stack: TerraformStack, app: App) => void;

/** Builds one stack per entry (name -> builder, in order) in one App and checks it. */
export function scenario(stacks: Record<string, Builder>, options: Record<string, FixtureOptions> = {}): PolicyResult {
  const app = policyApp();
  for (const [name, build] of Object.entries(stacks)) build(fixtureStack(app, name, options[name]), app);
  return check(app);
}

/** Asserts the good stack passes the whole pack and every bad stack trips `rule` with a matching message. */
export function expectRule(result: PolicyResult, rule: string, bad: Record<string, RegExp>): void {
  it("passes the compliant fixture (the whole pack)", () => {
    expect(result.stacks).toContain("good");
    expect(result.violations.filter((v) => v.stack === "good")).toEqual([]);
  });
  it.each(Object.entries(bad))(`trips ${rule} on %s`, (stack, message) => {
    const found = hits(result, rule, stack);
    expect(found.length, `${rule} not reported in ${stack}; got ${JSON.stringify(rulesIn(result, stack))}`).toBeGreaterThan(0);
    expect(found.map((v) => v.message).join("\n")).toMatch(message);
    for (const v of found) {
      expect(v.path.startsWith(`${stack}/`) || v.path === stack).toBe(true);
      expect(v.fix.length).toBeGreaterThan(10);
    }
  });
}
