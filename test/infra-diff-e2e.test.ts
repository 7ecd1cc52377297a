/**
 * `npm run diff` end to end on fixture git repositories built here, whose "synth" is a small script
 * writing cdktf.out (runs git, tar and node: a process suite, left out of `npm run test:unit`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runInfraDiff } from "../tools/infra-diff";

const SYNTH_SCRIPT = `
// A stand-in for cdktf synth: one stack per entry of config.json, written into $CDKTF_OUTDIR.
const fs = require("fs");
const path = require("path");
const out = process.env.CDKTF_OUTDIR;
const config = JSON.parse(fs.readFileSync("config.json", "utf8"));
const manifest = { stacks: {} };
for (const [name, s] of Object.entries(config)) {
  const dir = path.join(out, "stacks", name);
  fs.mkdirSync(dir, { recursive: true });
  const doc = { terraform: {}, resource: {
    aws_vpc: { vpc: { cidr_block: s.cidr } },
    aws_eks_node_group: { system: { node_group_name: "system", scaling_config: { desired_size: s.nodes, max_size: 6, min_size: 1 } } },
  } };
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(doc, null, 2));
  manifest.stacks[name] = { name, dependencies: [], workingDirectory: "stacks/" + name, synthesizedStackPath: "stacks/" + name + "/cdk.tf.json" };
}
fs.writeFileSync(path.join(out, "manifest.json"), JSON.stringify(manifest, null, 2));
console.error("synthesized " + Object.keys(config).length + " stacks");
`;

const repos: string[] = [];
afterAll(() => {
  for (const r of repos) rmSync(r, { recursive: true, force: true });
});

function run(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", ...args], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A repository with the synth script and a config, committed on `branch`. */
function fixtureRepo(branch: string, config: Record<string, { cidr: string; nodes: number }>): string {
  const dir = mkdtempSync(join(tmpdir(), "infra-diff-repo-"));
  repos.push(dir);
  run(dir, "init", "-q", "-b", branch);
  writeFileSync(join(dir, "synth.js"), SYNTH_SCRIPT);
  writeFileSync(join(dir, "config.json"), JSON.stringify(config, null, 2));
  mkdirSync(join(dir, "node_modules"));
  writeFileSync(join(dir, ".gitignore"), "node_modules/\n");
  run(dir, "add", "-A");
  run(dir, "commit", "-q", "-m", "base");
  return dir;
}

const synthCommand = [process.execPath, "synth.js"];

describe("npm run diff end to end on a fixture repository", () => {
  it("on a branch that changes the node group size, prints exactly that change", () => {
    const repo = fixtureRepo("main", { "prod-global": { cidr: "10.30.0.0/16", nodes: 3 }, "prod-regional-uswest": { cidr: "10.31.0.0/16", nodes: 3 } });
    run(repo, "checkout", "-q", "-b", "bigger-nodes");
    writeFileSync(join(repo, "config.json"), JSON.stringify({ "prod-global": { cidr: "10.30.0.0/16", nodes: 4 }, "prod-regional-uswest": { cidr: "10.31.0.0/16", nodes: 3 } }, null, 2));
    run(repo, "commit", "-q", "-am", "more nodes");
    const logs: string[] = [];
    const result = runInfraDiff({ repoRoot: repo, synthCommand, log: (l) => logs.push(l) });
    expect(result.baseDescription).toBe("merge base of HEAD and main");
    expect(result.baseCommit).toBe(run(repo, "rev-parse", "main"));
    const lines = result.report.trimEnd().split("\n");
    expect(lines.slice(2)).toEqual([
      "== prod-global: 1 changed (resources 2 -> 2)",
      "  ~ aws_eks_node_group.system",
      "      scaling_config.desired_size: 3 -> 4",
      "",
      "Per stack:",
      "  stack                 status     added  removed  changed  moved  replacement risk  resources",
      "  prod-global           changed        0        0        1      0                 0  2 -> 2",
      "  prod-regional-uswest  unchanged      0        0        0      0                 0  2 -> 2",
      "",
      "Summary: 2 stack(s): 1 changed, 0 added, 0 removed, 1 unchanged; blocks 0 added, 0 removed, 1 changed, 0 moved; no replacement risk.",
    ]);
    // One progress line per side, no synth chatter (the synth's own output is shown only when it fails).
    expect(logs[0]).toBe("synthesizing working tree ...");
    expect(logs.some((l) => /^synthesizing base [0-9a-f]{12} \.\.\.$/.test(l))).toBe(true);
    expect(logs.filter((l) => l.includes("synthesized 2 stacks"))).toEqual([]);
    expect(logs.filter((l) => l.startsWith("compared "))).toEqual([]);
    // The repository is left as it was: no worktree added, node_modules intact.
    expect(run(repo, "worktree", "list").split("\n")).toHaveLength(1);
    expect(existsSync(join(repo, "node_modules"))).toBe(true);
  });

  it("includes uncommitted changes, flags a CIDR change, and lists added and removed stacks", () => {
    const repo = fixtureRepo("main", { "dev-global": { cidr: "10.10.0.0/16", nodes: 1 }, "dev-old": { cidr: "10.12.0.0/16", nodes: 1 } });
    writeFileSync(join(repo, "config.json"), JSON.stringify({ "dev-global": { cidr: "10.20.0.0/16", nodes: 1 }, "dev-new": { cidr: "10.13.0.0/16", nodes: 1 } }));
    const result = runInfraDiff({ repoRoot: repo, synthCommand, log: () => {} });
    expect(result.report).toContain('cidr_block: "10.10.0.0/16" -> "10.20.0.0/16"   !! REPLACEMENT RISK: changing cidr_block forces a new aws_vpc');
    expect(result.report).toContain("== dev-new: NEW STACK (2 resources)");
    expect(result.report).toContain("== dev-old: STACK REMOVED (2 resources)");
  });

  it("takes an explicit base ref, and falls back to HEAD~1 without a main branch", () => {
    const repo = fixtureRepo("trunk", { "dev-global": { cidr: "10.10.0.0/16", nodes: 1 } });
    writeFileSync(join(repo, "config.json"), JSON.stringify({ "dev-global": { cidr: "10.10.0.0/16", nodes: 2 } }));
    run(repo, "commit", "-q", "-am", "two nodes");
    const logs: string[] = [];
    const fallback = runInfraDiff({ repoRoot: repo, synthCommand, log: (l) => logs.push(l) });
    expect(fallback.baseDescription).toBe("HEAD~1 (no main branch found)");
    expect(logs.some((l) => l.includes("comparing with HEAD~1 instead"))).toBe(true);
    expect(fallback.report).toContain("scaling_config.desired_size: 1 -> 2");
    const explicit = runInfraDiff({ repoRoot: repo, baseRef: "HEAD", synthCommand, log: () => {} });
    expect(explicit.report).toContain("No infrastructure change: 1 stack(s) identical.");
    expect(() => runInfraDiff({ repoRoot: repo, baseRef: "no-such-ref", synthCommand, log: () => {} })).toThrow(/The base ref "no-such-ref" is not a commit/);
  });

  it("reports a failing synth as one clear message", () => {
    const repo = fixtureRepo("main", { "dev-global": { cidr: "10.10.0.0/16", nodes: 1 } });
    writeFileSync(join(repo, "config.json"), "{ not json");
    expect(() => runInfraDiff({ repoRoot: repo, synthCommand, log: () => {} })).toThrow(/Synthesizing working tree failed \(exit 1\)[\s\S]*Its output:\n  \| [\s\S]*SyntaxError/);
  });
});
