/**
 * The docs stand on their own and stay navigable: every relative link of every Markdown file in the
 * repository resolves inside the repository (file and heading), every doc page, decision record and
 * runbook is listed in its index, the README and docs/architecture.md give one procedure for adding
 * a region, and the README documents the laptop workflow and the supported Node.js versions.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { nonEmpty } from "./helpers/assert";

const ROOT = join(__dirname, "..");
const md = (dir: string) => (existsSync(join(ROOT, dir)) ? readdirSync(join(ROOT, dir)).filter((f) => f.endsWith(".md")).sort() : []);
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** Directories that hold no documentation of ours (dependencies, build and local state, VCS). */
const NOT_DOCS = new Set(["node_modules", ".git", "cdktf.out", "state", ".validate", "coverage", ".gen"]);

/** Every Markdown file of the repository, relative to its root. */
function markdownFiles(dir = ""): string[] {
  return readdirSync(join(ROOT, dir))
    .sort()
    .flatMap((name) => {
      const path = dir ? `${dir}/${name}` : name;
      if (statSync(join(ROOT, path)).isDirectory()) return NOT_DOCS.has(name) ? [] : markdownFiles(path);
      return name.endsWith(".md") ? [path] : [];
    });
}

/** Every link target of a Markdown file, with its anchor (code blocks and inline code left out). */
function allLinks(path: string): string[] {
  const text = read(path).replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]);
}

/** GitHub's anchor of a heading: lower case, punctuation but `-` and `_` dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors of a Markdown file's headings. */
function anchors(path: string): Set<string> {
  const text = read(path).replace(/```[\s\S]*?```/g, "");
  return new Set([...text.matchAll(/^#{1,6} +(.+)$/gm)].map((m) => slug(m[1])));
}

/** Relative link targets of a Markdown file (no URLs, no pure anchors), without their anchors. */
function links(path: string): string[] {
  const text = read(path).replace(/```[\s\S]*?```/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((t) => !/^[a-z]+:/i.test(t) && !t.startsWith("#"))
    .map((t) => t.replace(/#.*$/, ""));
}

describe("docs", () => {
  const files = nonEmpty(markdownFiles(), "Markdown files");

  it("cover the repository's Markdown: README, docs, decision records, runbooks", () => {
    for (const f of ["README.md", "docs/README.md", "docs/design.md", "docs/architecture.md", "docs/decisions/README.md", "runbooks/README.md"]) expect(files).toContain(f);
  });

  it("link only inside the repository: every relative link resolves to a file and heading there", () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of files) {
      for (const target of allLinks(file)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // a URL (https:, mailto:)
        checked++;
        const [pathPart, anchor] = target.split("#");
        if (pathPart.startsWith("/")) {
          broken.push(`${file} -> ${target}: an absolute path (link relative to the file, inside the repository)`);
          continue;
        }
        const abs = pathPart ? resolve(dirname(join(ROOT, file)), pathPart) : join(ROOT, file);
        const inRepo = relative(ROOT, abs);
        if (inRepo.startsWith("..")) broken.push(`${file} -> ${target}: outside the repository`);
        else if (!existsSync(abs)) broken.push(`${file} -> ${target}: no such file`);
        else if (anchor && abs.endsWith(".md") && !anchors(relative(ROOT, abs)).has(anchor)) broken.push(`${file} -> ${target}: no heading #${anchor}`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(broken).toEqual([]);
  });

  it("the link check fires on links that leave the repository, miss a file or a heading", () => {
    expect(relative(ROOT, resolve(ROOT, "docs", "../../shared/DESIGN.md")).startsWith("..")).toBe(true);
    expect(anchors("docs/architecture.md").has("add-a-region")).toBe(true);
    expect(anchors("docs/architecture.md").has("add-a-regoin")).toBe(false);
    expect(slug("Bootstrap a new account")).toBe("bootstrap-a-new-account");
    expect(slug("`npm run diff`: the offline diff")).toBe("npm-run-diff-the-offline-diff");
    expect(slug("dev in CI: `CDN_STATE_BACKEND=s3`")).toBe("dev-in-ci-cdn_state_backends3");
  });

  it("give one procedure for adding a region, which starts with the certificate and ends with regenerated review material", () => {
    const readme = read("README.md");
    const readmeSection = readme.slice(readme.indexOf("## Add a region"), readme.indexOf("\n## ", readme.indexOf("## Add a region") + 3));
    expect(readmeSection).toContain("](docs/architecture.md#add-a-region)");
    expect(readmeSection, "the README summarizes; the steps live in docs/architecture.md").not.toMatch(/^\d+\. /m);
    expect(readmeSection).toMatch(/ACM certificate/);
    expect(readmeSection).toContain("npm run regen");
    const arch = read("docs/architecture.md");
    const procedure = arch.slice(arch.indexOf("## Add a region"), arch.indexOf("\n## ", arch.indexOf("## Add a region") + 3));
    const steps = procedure.match(/^\d+\. .*$/gm) ?? [];
    expect(steps.length).toBeGreaterThanOrEqual(4);
    expect(steps[0]).toMatch(/[Cc]ertificate/);
    expect(procedure).toContain("ingress.certificateArn");
    expect(procedure).toContain("`npm run regen`");
    expect(procedure).not.toContain("vitest run test/snapshots.test.ts -u");
  });

  it("say which Node.js versions are supported, as package.json does, and this one is among them", () => {
    const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
    expect(engines).toBe("^20.19.0 || ^22.12.0 || >=24.0.0");
    expect(read("README.md")).toMatch(/Node\.js 22 or 24 \(the LTS lines; 20\.19 or later still works locally/);
    const [major, minor] = process.versions.node.split(".").map(Number);
    expect(major === 20 ? minor >= 19 : major === 22 ? minor >= 12 : major >= 24, `Node.js ${process.versions.node} is outside ${engines}`).toBe(true);
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
