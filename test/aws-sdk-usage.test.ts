/**
 * The AWS SDK for JavaScript v3 is used the one way this repository allows: one client package per
 * service, pinned exactly, bare clients and commands only (no aggregated `EKS`-style classes), and only
 * by the operator tools (never by code `cdktf synth` runs).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..");
const files = (dir: string): string[] =>
  readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
const sdkImports = (file: string) =>
  [...readFileSync(join(ROOT, file), "utf8").matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+"(@aws-sdk\/[^"]+)"/g)].map((m) => ({
    file,
    typeOnly: Boolean(m[1]),
    names: m[2].split(",").map((n) => n.trim()).filter(Boolean),
    from: m[3],
  }));

describe("AWS SDK v3 usage", () => {
  const imports = files("tools").flatMap(sdkImports);

  it("the tools import per-service client packages, and only bare clients, commands and types", () => {
    expect(imports.length).toBeGreaterThan(10);
    for (const i of imports) {
      expect(i.from, i.file).toMatch(/^@aws-sdk\/client-[a-z0-9-]+$/);
      for (const name of i.names) {
        const ok = i.typeOnly || name.startsWith("type ") || /(Client|Command)$/.test(name);
        expect(ok, `${i.file}: ${name} from ${i.from}`).toBe(true);
      }
    }
  });

  it("synth code never imports the SDK", () => {
    const synthFiles = ["src", "stacks", "constructs", "environments"].flatMap(files);
    expect(synthFiles.length).toBeGreaterThan(10);
    expect(synthFiles.flatMap(sdkImports).map((i) => relative(ROOT, join(ROOT, i.file)))).toEqual([]);
  });

  it("every SDK package is pinned to an exact version", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const sdk = Object.entries<string>({ ...pkg.dependencies, ...pkg.devDependencies }).filter(([name]) => name.startsWith("@aws-sdk/"));
    expect(sdk.length).toBeGreaterThanOrEqual(9);
    for (const [name, version] of sdk) expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
    const used = new Set(imports.map((i) => i.from));
    for (const name of used) expect(sdk.map(([n]) => n)).toContain(name);
  });
});
