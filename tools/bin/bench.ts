/**
 * `npm run bench`: wall time and peak RSS of synthesizing every environment, and of the same with 50
 * regional planes, beside the cost of merely loading the @cdktf/provider-aws barrel. Each figure is the
 * median of N runs (BENCH_RUNS, default 5), each in a fresh process. Wall time includes Node start-up.
 * Targets: all environments < half the barrel load and < 200 MB; 50 planes < 3x all environments.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

interface Sample {
  wallMs: number;
  inProcessMs: number;
  maxRssMb: number;
  stacks: number;
}

const runs = Number(process.env.BENCH_RUNS ?? 5);

function measure(mode: string): Sample {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const outdir = mkdtempSync(join(tmpdir(), "cdn-bench-"));
    const started = performance.now();
    const r = spawnSync(process.execPath, ["--import", "tsx", join(__dirname, "bench-child.ts"), mode, outdir], { encoding: "utf8" });
    const wallMs = performance.now() - started;
    rmSync(outdir, { recursive: true, force: true });
    if (r.status !== 0) throw new Error(`bench ${mode} failed:\n${r.stderr}`);
    const child = JSON.parse(r.stdout.trim().split("\n").pop()!) as { ms: number; maxRssMb: number; stacks: number };
    samples.push({ wallMs: Math.round(wallMs), inProcessMs: child.ms, maxRssMb: child.maxRssMb, stacks: child.stacks });
  }
  const median = (pick: (s: Sample) => number) => samples.map(pick).sort((a, b) => a - b)[Math.floor(samples.length / 2)];
  return { wallMs: median((s) => s.wallMs), inProcessMs: median((s) => s.inProcessMs), maxRssMb: median((s) => s.maxRssMb), stacks: samples[0].stacks };
}

const barrel = measure("barrel");
const all = measure("all");
const scaled = measure("scaled");

const row = (label: string, s: Sample) =>
  `${label.padEnd(38)} ${String(s.wallMs).padStart(7)} ms wall ${String(s.inProcessMs).padStart(7)} ms in-process ${String(s.maxRssMb).padStart(5)} MB peak RSS${s.stacks ? `  (${s.stacks} stacks)` : ""}`;
console.log(`npm run bench (median of ${runs} runs, fresh process each)`);
console.log(row("load @cdktf/provider-aws barrel", barrel));
console.log(row("synthesize all environments", all));
console.log(row("synthesize dev with 50 regional planes", scaled));

const checks = [
  { name: `all environments < half the barrel load (${all.wallMs} < ${barrel.wallMs / 2} ms)`, ok: all.wallMs < barrel.wallMs / 2 },
  { name: `all environments < 200 MB peak RSS (${all.maxRssMb} MB)`, ok: all.maxRssMb < 200 },
  { name: `50 regional planes < 3x all environments (${scaled.wallMs} < ${all.wallMs * 3} ms)`, ok: scaled.wallMs < all.wallMs * 3 },
];
for (const c of checks) console.log(`${c.ok ? "PASS" : "MISS"}  ${c.name}`);
process.exit(0);
