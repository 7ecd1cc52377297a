/**
 * Tests about the tests: every stack of every environment is asserted on by the stack-level suites
 * (a stack of a new kind fails here until suites cover it), and no assertion runs over a list that
 * may be empty (an assertion over nothing passes whatever it says).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nonEmpty } from "./helpers/assert";
import { bootstrapStacks, inClusterStacks, KIND_SUITES, planeStacks } from "./helpers/coverage";
import { allEnvironments, synthesizeAll } from "./helpers/synth";

const TEST_DIR = __dirname;
const source = (file: string) => readFileSync(join(TEST_DIR, file), "utf8");
const envs = allEnvironments();
const synthesized = [...synthesizeAll().stacks.keys()].sort();

/** The selector of each kind (the function the kind's suites take their stacks from). */
const SELECTORS = {
  plane: { fn: "planeStacks", stacks: planeStacks(envs).map((s) => s.name) },
  inCluster: { fn: "inClusterStacks", stacks: inClusterStacks(envs).map((s) => s.name) },
  bootstrap: { fn: "bootstrapStacks", stacks: bootstrapStacks(envs).map((s) => s.name) },
} as const;

/** Suites that assert on every synthesized stack, and how each iterates over them. */
const EVERY_STACK_SUITES = [
  { file: "snapshots.test.ts", iterates: "[...synth.text.keys()]" },
  { file: "references.test.ts", iterates: "[...synth.text.keys()]" },
  { file: "database.test.ts", iterates: "[...synth.text.keys()]" },
  { file: "stacks.test.ts", iterates: "[...synth.stacks.keys()].filter((n) => n.startsWith(`${env.name}-`))" },
];

describe("stack-level coverage", () => {
  it("every synthesized stack of every environment is of a kind that suites assert on", () => {
    const covered = new Set(Object.values(SELECTORS).flatMap((k) => k.stacks));
    expect(nonEmpty(synthesized, "synthesized stacks").filter((name) => !covered.has(name)), "stacks no stack-level suite asserts on").toEqual([]);
    // ... and every covered stack is really synthesized (a selector naming stacks that do not exist asserts on nothing).
    expect([...covered].filter((name) => !synthesized.includes(name)).sort()).toEqual([]);
  });

  it.each(envs.map((e) => e.name))("environment %s has stacks of every kind", (env) => {
    for (const [kind, { stacks }] of Object.entries(SELECTORS)) {
      nonEmpty(stacks.filter((s) => s.startsWith(`${env}-`)), `${env}: ${kind} stacks`);
    }
  });

  it.each(Object.entries(KIND_SUITES).flatMap(([kind, files]) => files.map((file) => [kind, file] as const)))("%s stacks: %s takes them from their selector", (kind, file) => {
    expect(source(file)).toContain(`${SELECTORS[kind as keyof typeof SELECTORS].fn}(`);
  });

  it.each(EVERY_STACK_SUITES)("$file asserts on every stack", ({ file, iterates }) => {
    expect(source(file)).toContain(iterates);
  });
});

describe("assertions over lists", () => {
  // Test files in every folder under test/ (test/verify/ included), as paths relative to test/.
  const files = nonEmpty(
    (readdirSync(TEST_DIR, { recursive: true }) as string[]).filter((f) => f.endsWith(".test.ts")).sort(),
    "test files",
  );

  it("the scan reaches test files in subfolders", () => {
    expect(files).toContain(join("verify", "prometheus.test.ts"));
  });

  it("every .every() in a test runs over a list asserted non-empty (nonEmpty(...).every)", () => {
    const offenders: string[] = [];
    for (const file of files) {
      source(file)
        .split("\n")
        .forEach((line, i) => {
          if (file === "coverage.test.ts") return;
          if (/\.every\(/.test(line) && !/nonEmpty\([^]*\)\.every\(/.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });

  it("nonEmpty fails on an empty list, naming it", () => {
    expect(() => nonEmpty([], "widgets")).toThrow(/widgets: expected at least one, found none/);
    expect(nonEmpty(new Set([1, 2]), "numbers")).toEqual([1, 2]);
  });
});
