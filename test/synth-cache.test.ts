/**
 * The global setup's synthesis cache (test/setup/synth-cache.ts): an entry is reused only while every
 * input it recorded is unchanged, and each kind of change makes it stale; the run's own entry records
 * the inputs synthesis really has (files read as modules load among them).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectInputs, restoreEntry, SOURCE_DIRS, staleReason, storeEntry, SYNTH_CACHE_ROOT, synthCacheEnabled, synthCacheKey, type CacheInputs } from "./setup/synth-cache";
import { synthesizeAll } from "./helpers/synth";

const KEY = synthCacheKey({ forceSmokeTestApp: false }, { CDN_ENVIRONMENTS: "", CDKTF_OUTDIR: undefined });

describe("an entry", () => {
  let root: string;
  let entry: string;
  const file = (rel: string) => join(root, rel);
  const write = (rel: string, text: string, mtime = new Date("2026-01-01T00:00:00Z")) => {
    mkdirSync(join(file(rel), ".."), { recursive: true });
    writeFileSync(file(rel), text);
    utimesSync(file(rel), mtime, mtime);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "cdn-synth-cache-"));
    for (const f of ["package.json", "package-lock.json", "tsconfig.json", "src/app.ts", "constructs/db/setup.sql", "node_modules/cdktf/index.js"]) write(f, `${f} v1`);
    const out = join(root, "out");
    write("out/manifest.json", "{}");
    write("out/policy.json", '{"violations":[]}');
    const inputs = collectInputs(KEY, [file("src/app.ts"), file("constructs/db/setup.sql"), file("node_modules/cdktf/index.js"), join(out, "manifest.json")], [out], Date.now(), root);
    entry = join(root, "cache", "library");
    storeEntry(entry, out, join(out, "policy.json"), inputs!);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("records the modules and files given, the explicit inputs, and not the outputs", () => {
    const inputs = JSON.parse(readFileSync(join(entry, "inputs.json"), "utf8")) as CacheInputs;
    expect(inputs.files.map((f) => f.path)).toEqual(["constructs/db/setup.sql", "node_modules/cdktf/index.js", "package-lock.json", "package.json", "src/app.ts", "tsconfig.json"]);
    expect(inputs.key).toBe(KEY);
  });

  it("is reused while nothing changed, and restores the output and the policy result", () => {
    expect(staleReason(entry, KEY, root)).toBeUndefined();
    const back = join(root, "back");
    restoreEntry(entry, join(back, "out"), join(back, "policy.json"));
    expect(readFileSync(join(back, "out", "manifest.json"), "utf8")).toBe("{}");
    expect(readFileSync(join(back, "policy.json"), "utf8")).toBe('{"violations":[]}');
  });

  it("is reused after a touch that leaves the content as it was", () => {
    write("src/app.ts", "src/app.ts v1", new Date("2026-02-01T00:00:00Z"));
    expect(staleReason(entry, KEY, root)).toBeUndefined();
  });

  it("is stale once a source, an embedded file, a package or the lock file changes, even at the same size", () => {
    for (const rel of ["src/app.ts", "constructs/db/setup.sql", "node_modules/cdktf/index.js", "package-lock.json"]) {
      const before = readFileSync(file(rel), "utf8");
      write(rel, before.replace("v1", "v2"), new Date("2026-03-01T00:00:00Z"));
      expect(staleReason(entry, KEY, root), rel).toBe(`${rel} changed`);
      write(rel, before);
    }
  });

  it("is stale when an input is gone, or a file appears in a source directory", () => {
    rmSync(file("constructs/db/setup.sql"));
    expect(staleReason(entry, KEY, root)).toBe("constructs/db/setup.sql is gone");
    write("constructs/db/setup.sql", "constructs/db/setup.sql v1");
    expect(staleReason(entry, KEY, root)).toBeUndefined();
    write("environments/qa.ts", "export const qa = {};");
    expect(staleReason(entry, KEY, root)).toBe(`files were added to or removed from ${SOURCE_DIRS.join(", ")}`);
  });

  it("is stale for another job, another Node.js version or different CDKTF_/CDN_ variables, not for the harness's own", () => {
    expect(staleReason(entry, synthCacheKey({ forceSmokeTestApp: true }, { CDN_ENVIRONMENTS: "" }), root)).toMatch(/^different /);
    expect(staleReason(entry, synthCacheKey({ forceSmokeTestApp: false }, { CDN_ENVIRONMENTS: "dev" }), root)).toMatch(/^different /);
    expect(staleReason(entry, synthCacheKey({ forceSmokeTestApp: false }, { CDN_ENVIRONMENTS: "", CDKTF_CONTEXT_JSON: "{}" }), root)).toMatch(/^different /);
    expect(staleReason(entry, KEY.replace(process.version, "v99.0.0"), root)).toMatch(/^different /);
    expect(staleReason(entry, synthCacheKey({ forceSmokeTestApp: false }, { CDN_ENVIRONMENTS: "", CDN_TEST_UNIT: "1", CDN_REQUIRE_REAL_SERVERS: "1" }), root)).toBeUndefined();
    expect(staleReason(join(root, "cache", "verify"), KEY, root)).toBe("no entry");
  });

  it("is not stored when an input was edited while synthesizing", () => {
    write("src/app.ts", "src/app.ts v3", new Date());
    expect(collectInputs(KEY, [file("src/app.ts")], [], Date.now() - 60_000, root)).toBeUndefined();
  });
});

describe("the run's own entry", () => {
  it.skipIf(!synthCacheEnabled())("records what synthesis loaded and read: sources, environments, the embedded SQL, the packages", () => {
    synthesizeAll(); // the entry is stored before the synthesis reports done (or was reused, unchanged)
    const file = join(SYNTH_CACHE_ROOT, "library", "inputs.json");
    expect(existsSync(file), `${file} exists`).toBe(true);
    const paths = (JSON.parse(readFileSync(file, "utf8")) as CacheInputs).files.map((f) => f.path);
    for (const input of ["src/app/app.ts", "stacks/plane-stack.ts", "environments/prod.ts", "constructs/database-user/setup-app-user.sql", "constructs/database-user/setup-backup-user.sql", "node_modules/cdktf/lib/index.js", "node_modules/@cdktf/provider-aws/lib/eks-cluster/index.js", "package-lock.json"]) {
      expect(paths, input).toContain(input);
    }
    expect(paths.filter((p) => p.startsWith("/") || p.startsWith(".."))).toEqual([]);
  });
});
