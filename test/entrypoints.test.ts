/**
 * The command-line entry points as people and CI run them (`node --import tsx <entry>`): exit status,
 * one-line errors without stack traces, nothing written when the input is wrong. The logic behind each
 * entry is tested in-process in its own file; here each entry runs as a child process, all of them at
 * once (each start costs about a second of Node, tsx and the AWS SDK). These start processes, so
 * `npm run test:unit` leaves this file out.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnvironments } from "../src/config/environments";
import { SANDBOX } from "./helpers/sandbox";
import { synthesize } from "./helpers/synth";

const ROOT = join(__dirname, "..");
const scratch = mkdtempSync(join(tmpdir(), "cdn-entrypoints-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** How an entry point ended. */
interface Ended {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** An environment without any AWS credentials: no files, no instance metadata, nothing inherited. */
function withoutCredentials(name: string): NodeJS.ProcessEnv {
  const home = join(scratch, name);
  return { PATH: process.env.PATH, HOME: home, AWS_CONFIG_FILE: join(home, "none"), AWS_SHARED_CREDENTIALS_FILE: join(home, "none"), AWS_EC2_METADATA_DISABLED: "true" };
}

/** What the cdktf CLI 0.21 puts in its app's environment (@cdktf/cli-core/src/lib/synth-stack.js). */
const CDKTF_CLI_ENV = { CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true", CDKTF_CONTEXT_JSON: JSON.stringify({ cdktfRelativeModules: [] }), SYNTH_HCL_OUTPUT: "false" };

/** `npm run synth`'s own variables cleared, so the parent's environment cannot leak into a case. */
const SYNTH_ENV = { CDKTF_CONTEXT_JSON: undefined, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: undefined, CDN_SYNTH_QUIET: "", CDN_ENVIRONMENTS: "" };

const COST_LIMITS = ["--node-types", "t3.large,t3a.large", "--max-nodes", "5", "--db-classes", "db.m6gd.large", "--max-db-storage", "100", "--max-iops", "1000", "--max-planes", "2"];

/**
 * The plan schedule's input: staging and prod synthesized as before their in-VPC runners exist, and the
 * state listings of a first PR (staging's plan role missing; prod with a stack that was removed).
 */
const STATE_PREFIX = "cdn-control-plane";
const scheduleDir = join(scratch, "schedule");
function prepareSchedule(): string {
  const noRunners = { "access.ciRunners.enabled": false };
  const { outdir } = synthesize(loadEnvironments(["staging", "prod"], { values: { staging: noRunners, prod: noRunners } }));
  mkdirSync(join(scheduleDir, "states"), { recursive: true });
  writeFileSync(join(scheduleDir, "states", "staging.json"), JSON.stringify({ environment: "staging", prefix: STATE_PREFIX, unavailable: "no plan role configured" }));
  const removed = `${STATE_PREFIX}/prod-regional-useast.tfstate`;
  const listing = { Contents: [{ Key: removed, Size: 182_000, LastModified: "2026-11-30T10:00:00.000Z" }, { Key: `${STATE_PREFIX}/prod-global.tfstate.tflock`, Size: 120 }] };
  writeFileSync(join(scheduleDir, "states", "prod.json"), JSON.stringify({ environment: "prod", prefix: STATE_PREFIX, listing, summaries: { [removed]: { resources: 3 } } }));
  writeFileSync(join(scheduleDir, "github-output"), "");
  return outdir;
}

/** Every case: the entry, its arguments and its environment (merged over this process's unless `bare`). */
const CASES = {
  preflightNoCredentials: { entry: "tools/bin/preflight.ts", args: ["dev"], env: withoutCredentials("preflight"), bare: true },
  tunnelNoCredentials: { entry: "tools/bin/tunnel.ts", args: ["dev", "--kubeconfig", join(scratch, "tunnel", "kubeconfig")], env: withoutCredentials("tunnel"), bare: true },
  drillBadPlane: { entry: "tools/bin/restore-drill.ts", args: ["prod", "--plane", "moon"], env: withoutCredentials("drill"), bare: true },
  costTooBig: { entry: "tools/bin/cost-guard.ts", args: ["dev", ...COST_LIMITS], env: { CDN_CONFIG_OVERRIDES: JSON.stringify({ dev: { "global.cluster.nodeGroups[0].instanceTypes": ["m7i.8xlarge"] } }) } },
  costSandbox: { entry: "tools/bin/cost-guard.ts", args: ["dev", ...COST_LIMITS], env: { CDN_CONFIG_OVERRIDES: JSON.stringify(SANDBOX) } },
  synthBadSelection: { entry: "src/app/main.ts", args: [], env: { ...SYNTH_ENV, CDKTF_OUTDIR: join(scratch, "synth-qa"), CDN_ENVIRONMENTS: "qa" } },
  synthBadSelectionUnderCdktf: { entry: "src/app/main.ts", args: [], env: { ...SYNTH_ENV, ...CDKTF_CLI_ENV, CDKTF_OUTDIR: join(scratch, "synth-nope"), CDN_ENVIRONMENTS: "nope" } },
  planSchedule: {
    entry: "tools/bin/plan-schedule.ts",
    args: ["--outdir", "<synth>", "--states", join(scheduleDir, "states"), "--format", "github", "--out", join(scheduleDir, "schedule.json"), "--runners"],
    env: { GITHUB_OUTPUT: join(scheduleDir, "github-output"), GITHUB_RUN_ID: "7", GITHUB_RUN_ATTEMPT: "1" },
  },
  policyViolation: { entry: "test/fixtures/unsafe-app.ts", args: [join(scratch, "unsafe"), "violation"], env: {} },
} satisfies Record<string, { entry: string; args: string[]; env: NodeJS.ProcessEnv; bare?: boolean }>;

function start(c: { entry: string; args: string[]; env: NodeJS.ProcessEnv; bare?: boolean }): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", c.entry, ...c.args], { cwd: ROOT, env: c.bare ? c.env : { ...process.env, ...c.env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

const ended = {} as Record<keyof typeof CASES, Ended>;
beforeAll(async () => {
  const synthOutdir = prepareSchedule();
  CASES.planSchedule.args[1] = synthOutdir;
  const names = Object.keys(CASES) as (keyof typeof CASES)[];
  const results = await Promise.all(names.map((name) => start(CASES[name])));
  names.forEach((name, i) => (ended[name] = results[i]));
}, 120_000);

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at /m);

describe("without AWS credentials", () => {
  it("preflight says so in one line and exits 2", () => {
    const r = ended.preflightNoCredentials;
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^preflight: no usable AWS credentials \(CredentialsProviderError\): sign in first, e\.g\. aws sso login --profile dev/)]);
  });

  it("tunnel says so in one line and exits 2, before touching the kubeconfig", () => {
    const r = ended.tunnelNoCredentials;
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^tunnel: no usable AWS credentials \(CredentialsProviderError\): sign in first/)]);
    expect(existsSync(CASES.tunnelNoCredentials.args[2])).toBe(false);
  });

  it("the restore drill rejects bad arguments with the mistake and the usage, exit 2, before calling AWS", () => {
    const r = ended.drillBadPlane;
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toBe(
      "--plane must be global or regional-<key>, got moon\nusage: npm run drill:restore -- <env> [--plane global|regional-<key>] [--instance-class <class>] [--tunnel <host:port>] [--ca-file <pem>] [--subnet-group <name> --security-group <id,...> --kms-key <id>] [--json <file>]\n",
    );
  });
});

describe("the cost guard of ephemeral copies", () => {
  it("exits 1 with the excess when an override makes the copy too big", () => {
    const r = ended.costTooBig;
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain("global: node group system uses m7i.8xlarge; allowed: t3.large, t3a.large");
  });

  it("exits 0 for the integration workflow's sandbox copy", () => {
    const r = ended.costSandbox;
    expect(r.status, r.stderr).toBe(0);
  });
});

describe("the plan schedule (tools/bin/plan-schedule.ts)", () => {
  it("writes the plan matrix, the deferred and blocking counts to GITHUB_OUTPUT and the schedule to --out", () => {
    const r = ended.planSchedule;
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = readFileSync(join(scheduleDir, "github-output"), "utf8").trim().split("\n");
    const outputs = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
    expect(JSON.parse(outputs.matrix).include.map((e: { stack: string }) => e.stack)).toEqual(["prod-global"]);
    expect(outputs.count).toBe("1");
    expect(JSON.parse(outputs.deferred)).toEqual(["staging-global", "prod-regional-uswest", "staging-regional-uswest"]);
    expect(outputs.blocking).toBe("1");
    expect(r.stdout).toContain("::error title=removed stack prod-regional-useast::");
    expect(JSON.parse(readFileSync(join(scheduleDir, "schedule.json"), "utf8")).removed[0].stack).toBe("prod-regional-useast");
  });
});

describe("the synth entry (src/app/main.ts)", () => {
  it("reports a bad selection as one paragraph without a stack trace, before writing anything", () => {
    const r = ended.synthBadSelection;
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("CDN_ENVIRONMENTS");
    expect(r.stderr).toContain('got ["qa"]; must name environments that exist: dev, staging, prod');
    noStackTrace(r.stderr);
    expect(existsSync(CASES.synthBadSelection.env.CDKTF_OUTDIR)).toBe(false);
  });

  it("under the cdktf CLI, still reports an error as one paragraph and exits 1", () => {
    const r = ended.synthBadSelectionUnderCdktf;
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("must name environments that exist: dev, staging, prod");
    noStackTrace(r.stderr);
  });

  it("exits 1 with one policy report and no stack trace on violations", () => {
    const r = ended.policyViolation;
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Policy check failed: \d+ violations in 1 stack/);
    for (const id of ["CDN-PUB-001", "CDN-SEC-001", "CDN-ENC-001", "CDN-RES-001"]) expect(r.stderr).toContain(id);
    expect(r.stderr).toContain("path:     unsafe/db");
    noStackTrace(r.stderr);
    expect(r.stderr.match(/Policy check failed/g)).toHaveLength(1);
  });
});
