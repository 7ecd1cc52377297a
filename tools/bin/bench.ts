/**
 * `npm run bench`: wall time and peak RSS of synthesizing every environment, and of the same with 50
 * regional planes, beside the cost of merely loading the @cdktf/provider-aws barrel; then the test
 * suite as people run it: `npm run test:unit` (without real Terraform; also with the shared synthesis
 * not reused, as after a change to what is synthesized) and the whole `npm test`.
 * Synth figures are the median of BENCH_RUNS runs (default 5), suite figures of BENCH_SUITE_RUNS runs
 * (default 1: a whole run takes tens of seconds), each in a fresh process. Wall time includes start-up;
 * CPU time is user + system of the run and everything it started. `--synth-only` skips the suites.
 * Targets: all environments < half the barrel load and < 200 MB; 50 planes < 3x all environments;
 * on 2 cores, `npm run test:unit` < 10 s and `npm test` (real Terraform included) < 45 s.
 * The machine's load average is printed first: figures taken on a busy machine are not comparable.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
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

/** CPU seconds (user + system) of this process's finished children, from /proc (Linux); undefined elsewhere. */
function childrenCpuSeconds(): number | undefined {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    // After the command name: fields 16 and 17 of the line are cutime and cstime (clock ticks, 100 per second).
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

interface SuiteSample {
  wallMs: number;
  cpuS?: number;
  ok: boolean;
}

/** Runs an npm script `runs` times (with `env` added to the environment); the median wall time and CPU time. */
function suite(script: string, runs: number, env: NodeJS.ProcessEnv = {}): SuiteSample {
  const samples: SuiteSample[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuBefore = childrenCpuSeconds();
    const started = performance.now();
    const r = spawnSync("npm", ["run", "--silent", script, "--", "--reporter=dot"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } });
    const wallMs = Math.round(performance.now() - started);
    const cpuAfter = childrenCpuSeconds();
    if (r.status !== 0) process.stderr.write(`bench: npm run ${script} failed (exit ${r.status}):\n${(r.stdout ?? "").slice(-3000)}${(r.stderr ?? "").slice(-2000)}\n`);
    samples.push({ wallMs, cpuS: cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined, ok: r.status === 0 });
  }
  const mid = [...samples].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(samples.length / 2)];
  return { ...mid, ok: samples.every((s) => s.ok) };
}

const [load1] = loadavg();
console.log(`machine: ${availableParallelism()} cores, load average ${load1.toFixed(2)} (other work on the machine slows every figure)`);

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

if (!process.argv.includes("--synth-only")) {
  const suiteRuns = Number(process.env.BENCH_SUITE_RUNS ?? 1);
  // After a change to what is synthesized, the run synthesizes the environments again (ADR 0012): the
  // same suite with the cache off is that case.
  const unitFresh = suite("test:unit", suiteRuns, { CDN_TEST_SYNTH_CACHE: "0" });
  const unit = suite("test:unit", suiteRuns);
  const whole = suite("test", suiteRuns);
  const suiteRow = (label: string, s: SuiteSample) =>
    `${label.padEnd(38)} ${String(s.wallMs).padStart(7)} ms wall ${s.cpuS !== undefined ? `${s.cpuS.toFixed(1).padStart(7)} s CPU` : ""}${s.ok ? "" : "  (FAILED)"}`;
  console.log(`test suite (median of ${suiteRuns} run(s))`);
  console.log(suiteRow("npm run test:unit (no real servers)", unit));
  console.log(suiteRow("  the same, synthesizing again", unitFresh));
  console.log(suiteRow("npm test (real Terraform included)", whole));
  checks.push(
    { name: `npm run test:unit < 10 s (${(unit.wallMs / 1000).toFixed(1)} s)`, ok: unit.ok && unit.wallMs < 10_000 },
    { name: `npm run test:unit < 10 s, synthesizing again (${(unitFresh.wallMs / 1000).toFixed(1)} s)`, ok: unitFresh.ok && unitFresh.wallMs < 10_000 },
    { name: `npm test < 45 s (${(whole.wallMs / 1000).toFixed(1)} s)`, ok: whole.ok && whole.wallMs < 45_000 },
  );
}
for (const c of checks) console.log(`${c.ok ? "PASS" : "MISS"}  ${c.name}`);
process.exit(0);
