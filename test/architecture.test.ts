/**
 * The layering rules of tools/dependency-rules.ts hold for the repository, and each rule fires on an
 * edge that breaks it.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dependencyViolations, importEdges, LAYER_RULES, relativeSpecifiers } from "../tools/dependency-rules";

const ROOT = join(__dirname, "..");
const edges = importEdges(ROOT, ["src", "stacks", "constructs", "environments", "tools"]);

describe("layering", () => {
  it("sees the repository's imports (constructs, policy pack and app all import something)", () => {
    for (const dir of ["constructs/", "src/policy/", "src/app/", "stacks/", "tools/"]) {
      expect(edges.filter((e) => e.from.startsWith(dir)).length, dir).toBeGreaterThan(0);
    }
  });

  it("has no violations", () => {
    expect(dependencyViolations(edges).map((v) => `${v.edge.from} -> ${v.edge.to}: ${v.rule}`)).toEqual([]);
  });

  it.each([
    [{ from: "constructs/network/index.ts", to: "src/config/schema.ts" }, "src/config"],
    [{ from: "src/policy/rules/hygiene.ts", to: "src/lib/iam.ts" }, "policy pack"],
    [{ from: "src/app/main.ts", to: "tools/infra-diff.ts" }, "tools/"],
    [{ from: "stacks/plane-stack.ts", to: "tools/diagram.ts" }, "tools/"],
  ])("fires on %o", (edge, words) => {
    const found = dependencyViolations([edge]);
    expect(found).toHaveLength(1);
    expect(found[0].rule).toContain(words);
  });

  it("allows the permitted directions", () => {
    expect(
      dependencyViolations([
        { from: "stacks/plane-stack.ts", to: "src/config/naming.ts" },
        { from: "constructs/cluster/index.ts", to: "src/lib/iam.ts" },
        { from: "src/policy/rules/hygiene.ts", to: "src/policy/generated/taggable-types.ts" },
        { from: "tools/diagram.ts", to: "src/app/synth-output.ts" },
      ]),
    ).toEqual([]);
    expect(LAYER_RULES.length).toBe(3);
  });

  it("reads static, re-export, dynamic and side-effect imports", () => {
    const src = `import { a } from "./a";\nexport { b } from '../b';\nconst c = await import("./c");\nimport "./d";\nimport x from "zod";`;
    expect(relativeSpecifiers(src)).toEqual(["./a", "../b", "./c", "./d"]);
  });
});
