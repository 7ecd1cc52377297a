/**
 * The docs stay navigable: every relative link in the Markdown resolves, every doc page, decision
 * record and runbook is listed in its index, and the README documents the laptop workflow.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..");
const md = (dir: string) => (existsSync(join(ROOT, dir)) ? readdirSync(join(ROOT, dir)).filter((f) => f.endsWith(".md")).sort() : []);
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** Relative link targets of a Markdown file (no URLs, no pure anchors), without their anchors. */
function links(path: string): string[] {
  const text = read(path).replace(/```[\s\S]*?```/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((t) => !/^[a-z]+:/i.test(t) && !t.startsWith("#"))
    .map((t) => t.replace(/#.*$/, ""));
}

describe("docs", () => {
  const files = ["README.md", ...md("docs").map((f) => `docs/${f}`), ...md("docs/decisions").map((f) => `docs/decisions/${f}`), ...md("runbooks").map((f) => `runbooks/${f}`)];

  it("have no broken relative links inside the repository", () => {
    const broken: string[] = [];
    for (const file of files) {
      for (const target of links(file)) {
        const abs = resolve(dirname(join(ROOT, file)), target);
        if (relative(ROOT, abs).startsWith("..")) continue; // ../shared/DESIGN.md lives beside the checkout
        if (!existsSync(abs)) broken.push(`${file} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("index every page, decision record and runbook", () => {
    const index = (path: string) => links(path).map((l) => resolve(dirname(join(ROOT, path)), l));
    const docsIndex = index("docs/README.md");
    for (const f of md("docs").filter((f) => f !== "README.md")) expect(docsIndex, `docs/README.md must link docs/${f}`).toContain(join(ROOT, "docs", f));
    const adrIndex = index("docs/decisions/README.md");
    for (const f of md("docs/decisions").filter((f) => f !== "README.md")) expect(adrIndex, `docs/decisions/README.md must list ${f}`).toContain(join(ROOT, "docs/decisions", f));
    const runbookIndex = index("runbooks/README.md");
    for (const f of md("runbooks").filter((f) => f !== "README.md")) expect(runbookIndex, `runbooks/README.md must list ${f}`).toContain(join(ROOT, "runbooks", f));
  });

  it("decision records cover the agreed decisions", () => {
    expect(md("docs/decisions")).toEqual(
      expect.arrayContaining(["0001-cdktf-and-provider-pins.md", "0002-multi-az-db-cluster.md", "0003-eks-pod-identity.md", "0004-s3-native-state-locking.md"]),
    );
  });

  it("the README documents the laptop workflow", () => {
    const readme = read("README.md");
    for (const needle of ["aws sso login", "npx cdktf diff", "npx cdktf deploy 'dev-*'", "aws eks update-kubeconfig --name cdn-global-control --region us-east-1", "npm run diff"]) {
      expect(readme, needle).toContain(needle);
    }
  });

  it("the architecture page embeds the generated diagram and links state.md", () => {
    const arch = read("docs/architecture.md");
    expect(arch).toContain("](architecture.svg)");
    expect(arch).toContain("](state.md)");
  });
});
