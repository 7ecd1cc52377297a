/**
 * Runbooks that run: every namespace, resource, label and secret name a runbook uses exists in the
 * synthesized stacks (a rename breaks this test, not the on-call engineer); each runbook starts with
 * its `npm run verify` command; pods they create in the restricted namespace are admissible; and the
 * steps that used to fail stay fixed (blocking commands, init before output, renames awaited, the
 * bucket key by alias).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { restrictedViolations } from "../../tools/verify/pod-security";
import { synthesizeAll, type TfJson } from "../helpers/synth";
import { countChecked, createdBy, nameModel, runbookNameProblems } from "./support/runbook-names";

const DIR = join(__dirname, "..", "..", "runbooks");
const runbooks = readdirSync(DIR).filter((f) => f.endsWith(".md") && f !== "README.md").sort();
const read = (f: string) => readFileSync(join(DIR, f), "utf8");
const allCreated = new Set(runbooks.flatMap((f) => [...createdBy(read(f))]));

/** Fenced code blocks with the line number of their first line. */
function codeBlocks(text: string): { line: number; lang: string; body: string }[] {
  const blocks: { line: number; lang: string; body: string }[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    blocks.push({ line: start + 1, lang: open[1], body: body.join("\n") });
  }
  return blocks;
}

/** Shell commands of a block (continuation lines joined, comments and heredoc bodies dropped). */
function commands(block: string): string[] {
  const out: string[] = [];
  let heredoc: string | undefined;
  let current = "";
  for (const raw of block.split("\n")) {
    if (heredoc) {
      if (raw.trim() === heredoc) heredoc = undefined;
      continue;
    }
    const line = raw.replace(/\s+#.*$/, "").replace(/^\s*#.*$/, "");
    const marker = /<<-?'?(\w+)'?/.exec(line);
    if (marker) heredoc = marker[1];
    current += line.endsWith("\\") ? `${line.slice(0, -1)} ` : line;
    if (!line.endsWith("\\")) {
      if (current.trim()) out.push(current.trim());
      current = "";
    }
  }
  return out;
}

describe("runbooks name only what the stacks define", () => {
  const model = nameModel(synthesizeAll().stacks);

  it("covers every runbook", () => {
    expect(runbooks).toEqual(["access-databases.md", "alerts.md", "cluster-access.md", "config-bundles.md", "cross-region-restore.md", "database-failover.md", "database-upgrade.md", "kubernetes-health.md", "restore.md", "state-lock.md"]);
  });

  it.each(runbooks)("%s: every name exists in the synthesized stacks", (file) => {
    const text = read(file);
    expect(countChecked(text, model), `${file} names nothing the check understands`).toBeGreaterThan(0);
    expect(runbookNameProblems(text, model, allCreated)).toEqual([]);
  });

  it("a rename in the stacks breaks it: namespace, secret, cluster, node label, bucket, DB identifier", () => {
    const renamed = new Map<string, TfJson>();
    for (const [name, doc] of synthesizeAll().stacks) {
      const text = JSON.stringify(doc)
        .replaceAll('"name":"monitoring"', '"name":"observability"')
        .replaceAll('"namespace":"monitoring"', '"namespace":"observability"')
        .replaceAll('"name":"kube-prometheus-stack"', '"name":"monitoring-stack"')
        .replaceAll('"cdn-global-control"', '"cdn-global"')
        .replaceAll('"cdn-global-control-system"', '"cdn-global-system"')
        .replaceAll('"cdn.platform/node-group"', '"cdn.example/pool"')
        .replaceAll("cdn-config-bundles", "cdn-bundles")
        .replaceAll("/postgres/connection", "/db/connection");
      renamed.set(name, JSON.parse(text));
    }
    const m = nameModel(renamed);
    const health = runbookNameProblems(read("kubernetes-health.md"), m, allCreated);
    expect(health).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^namespace monitoring \(line \d+\)$/),
        expect.stringMatching(/^secret kube-prometheus-stack-grafana \(line \d+\)$/),
        expect.stringMatching(/^EKS cluster cdn-global-control \(line \d+\)$/),
        expect.stringMatching(/^node group cdn-global-control-system \(line \d+\)$/),
        expect.stringMatching(/^node label cdn\.platform\/node-group \(line \d+\)$/),
      ]),
    );
    expect(runbookNameProblems(read("config-bundles.md"), m, allCreated)).toEqual(expect.arrayContaining([expect.stringMatching(/^name cdn-config-bundles-<env> \(line \d+\)$/)]));
    expect(runbookNameProblems(read("access-databases.md"), m, allCreated)).toEqual(expect.arrayContaining([expect.stringMatching(/^name cdn-<env>-global\/postgres\/connection \(line \d+\)$/)]));
  });
});

describe("each runbook starts with its verify command", () => {
  it.each(runbooks)("%s", (file) => {
    const text = read(file);
    const firstHeading = text.split("\n").findIndex((l, i) => i > 0 && l.startsWith("## ")) + 1;
    const [first] = codeBlocks(text);
    expect(first.line, `${file}: the first code block must come before the first section`).toBeLessThan(firstHeading);
    const [command] = commands(first.body);
    expect(command).toMatch(/^npm run verify -- <env>( --plane global)?( --drill failover)?$/);
  });
});

describe("the fixed steps stay fixed", () => {
  it("pods the runbooks create in the restricted workload namespace satisfy Pod Security restricted", () => {
    let checked = 0;
    for (const file of runbooks) {
      const text = read(file);
      for (const m of text.matchAll(/kubectl -n (\S+) apply -f - <<'JSON'\n([\s\S]*?)\nJSON\n/g)) {
        const manifest = JSON.parse(m[2]);
        if (m[1] !== "cdn-control-plane" || manifest.kind !== "Pod") continue;
        expect(restrictedViolations(manifest.spec), `${file}: ${manifest.metadata.name}`).toEqual([]);
        checked += 1;
      }
      // The old form: a bare `kubectl run` in the restricted namespace is rejected at admission.
      expect(text, file).not.toMatch(/kubectl -n cdn-control-plane run /);
    }
    expect(checked).toBeGreaterThan(0);
  });

  it("a blocking command (port-forward without &) is the last command of its block", () => {
    let seen = 0;
    for (const file of runbooks) {
      for (const block of codeBlocks(read(file))) {
        const cmds = commands(block.body);
        cmds.forEach((c, i) => {
          if (!/kubectl .*port-forward/.test(c) || /&\s*$/.test(c)) return;
          seen += 1;
          expect(i, `${file} line ${block.line}: "${c}" blocks; nothing after it in the block runs`).toBe(cmds.length - 1);
        });
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it("terraform output runs only after terraform init in the same block", () => {
    let seen = 0;
    for (const file of runbooks) {
      for (const block of codeBlocks(read(file))) {
        const cmds = commands(block.body);
        cmds.forEach((c, i) => {
          if (!/terraform\b.* output\b/.test(c)) return;
          seen += 1;
          expect(cmds.slice(0, i).some((p) => /terraform\b.* init\b/.test(p)), `${file} line ${block.line}: ${c}`).toBe(true);
        });
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it("a DB cluster rename is awaited by name before anything waits on or reuses it", () => {
    let seen = 0;
    for (const file of runbooks) {
      for (const block of codeBlocks(read(file))) {
        const cmds = commands(block.body);
        cmds.forEach((c, i) => {
          const renamed = /--new-db-cluster-identifier (\S+)/.exec(c)?.[1];
          if (!renamed) return;
          seen += 1;
          expect(cmds[i + 1], `${file} line ${block.line}: after renaming to ${renamed}`).toMatch(new RegExp(`^until aws rds describe-db-clusters --db-cluster-identifier ${renamed.replace(/[$"]/g, "\\$&")} `));
        });
      }
    }
    expect(seen).toBe(2);
  });

  it("a write that names the bundle key by alias (as the runbooks do) is allowed by the bucket policy; no runbook queries external labels locally", () => {
    const aliasWrites = runbooks.flatMap((file) => [...read(file).matchAll(/--ssekms-key-id (alias\/[a-z0-9<>-]+)/g)].map((m) => m[1]));
    expect(aliasWrites.length).toBeGreaterThan(0);
    // The bundle bucket's encryption Deny lists every identifier of its key, the alias name included.
    const policies = [...synthesizeAll().stacks.values()].flatMap((doc) => Object.values<any>(doc.resource?.aws_s3_bucket_policy ?? {}).map((p) => String(p.policy)));
    const bundle = policies.find((p) => p.includes("alias/cdn-config-bundles"));
    expect(bundle, "the bundle bucket policy").toBeDefined();
    expect(bundle).toMatch(/s3:x-amz-server-side-encryption-aws-kms-key-id/);
    for (const file of runbooks) expect(read(file), file).not.toMatch(/count by \(cluster, region, environment\) \(up\)/);
  });
});
