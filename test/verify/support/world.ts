/**
 * A whole fake world for verify runs: recorded AWS responses for the real SDK clients, one fake API
 * server per plane, a fake HTTPS client, a fake clock (waits take no wall time), and captured progress.
 */
import { loadEnvironments } from "../../../src/config/environments";
import type { EnvironmentConfig } from "../../../src/config/schema";
import type { HttpsResult } from "../../../tools/verify/checks/smoke";
import type { CheckResult } from "../../../tools/verify/model";
import { AbortedError, runVerify, type VerifyDeps, type VerifyOptions } from "../../../tools/verify/run";
import { readSynthOutput, type SynthOutput } from "../../../src/app/synth-output";
import { planeTargets, type PlaneTarget } from "../../../tools/verify/targets";
import { synthesizeAll, synthesizedForVerify } from "../../helpers/synth";
import { endpointIdOf, fakeAws, type AwsBehaviour, type FakeAws } from "./fake-aws";
import { FakeCluster, type FakeClusterOptions, type ProbePlan } from "./fake-cluster";

/** The run id every fake run uses. */
export const RUN_ID = "20260501t101200-ab12";

const targetsCache = new Map<string, { env: EnvironmentConfig; targets: PlaneTarget[] }>();

let libraryOutput: SynthOutput | undefined;
let verifyOutput: SynthOutput | undefined;

/**
 * An environment and its targets, from the stacks as `npm run verify` synthesizes them (the smoke-test
 * app on; synthesized once per test run by the global setup, read once per worker). An environment that
 * has the app on already is synthesized the same way by the shared synthesis of every environment.
 */
export function environment(name: string): { env: EnvironmentConfig; targets: PlaneTarget[] } {
  let found = targetsCache.get(name);
  if (!found) {
    const [env] = loadEnvironments([name]);
    const output = env.smokeTestApp ? (libraryOutput ??= readSynthOutput(synthesizeAll().outdir)) : (verifyOutput ??= readSynthOutput(synthesizedForVerify()));
    found = { env, targets: planeTargets(env, output.stacks) };
    targetsCache.set(name, found);
  }
  return found;
}

/** Probe plans that succeed, per plane kind. */
export function healthyProbes(kind: "global" | "regional", held: boolean): Record<string, ProbePlan> {
  return {
    sql: { pods: ["creating", "running", "succeeded"], log: "sql-cycle-ok" },
    net: { pods: ["creating", "succeeded"], log: kind === "global" ? "net-global" : "net-regional" },
    s3: kind === "global" ? (held ? { pods: ["creating", "running"], log: "s3-rw-held", afterDelete: "s3-rw-released", job: "none" } : { pods: ["creating", "succeeded"], log: "s3-rw-held", afterDelete: "s3-rw-released" }) : { pods: ["creating", "succeeded"], log: "s3-ro-ok" },
    "sql-drill": { pods: ["creating", "running", "running", "running", "succeeded"], log: "sql-drill-ok" },
  };
}

/** Placeholder values of a plane's fixtures. */
export function planeVars(target: PlaneTarget, global: PlaneTarget): Record<string, string> {
  const net = target.vpcCidr.split(".").slice(0, 2).join(".");
  const globalNet = global.vpcCidr.split(".").slice(0, 2).join(".");
  const dbHost = `${target.database.identifier}.cluster-c9xk2m4p7q1z.${target.region}.rds.amazonaws.com`;
  return {
    env: target.env,
    bucket: target.bucket.name,
    globalNet,
    cluster: target.clusterName,
    region: target.region,
    plane: target.id,
    net,
    netdash: net.replace(".", "-"),
    dbIdentifier: target.database.identifier,
    dbName: target.database.name,
    dbAlias: target.plane.kind === "global" ? "global" : target.plane.key,
    dbHost,
    dbReaderHost: dbHost.replace(".cluster-", ".cluster-ro-"),
    runId: RUN_ID,
    runTable: RUN_ID.replace(/-/g, "_"),
    key: `verify/${RUN_ID}/bundle-probe.txt`,
    endpointId: endpointIdOf(target.clusterName),
    globalApiHost: `${endpointIdOf(global.clusterName)}.gr7.${global.region}.eks.amazonaws.com`.toLowerCase(),
  };
}

/** What a test may change. */
export interface WorldOptions {
  readonly env?: string;
  readonly aws?: Partial<AwsBehaviour>;
  readonly awsTimeoutMs?: number;
  /** Per plane id: fake cluster options (merged over the healthy defaults). */
  readonly clusters?: Record<string, Partial<FakeClusterOptions>>;
  /** Per plane id: probe plans replacing the healthy ones. */
  readonly probes?: Record<string, Partial<Record<string, ProbePlan>>>;
  /** Kubernetes access fails for these planes with this message. */
  readonly kubeErrors?: Record<string, string>;
  /** The smoke-test HTTPS answer. */
  readonly https?: (url: string) => HttpsResult;
}

/** The world. */
export interface World {
  readonly env: EnvironmentConfig;
  readonly targets: PlaneTarget[];
  readonly aws: FakeAws;
  readonly clusters: Map<string, FakeCluster>;
  readonly progress: string[];
  readonly httpsCalls: string[];
  readonly deps: VerifyDeps;
  /** Runs verify (all planes unless given). */
  run(options?: Partial<VerifyOptions>): Promise<CheckResult[]>;
}

/** An nginx welcome page through a load balancer, certificate chain trusted, name not matching. */
export const NGINX_OK: HttpsResult = {
  status: 200,
  body: "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body><h1>Welcome to nginx!</h1></body></html>\n",
  chainVerified: true,
  nameMatches: false,
  subject: "*.dev.cdn.example.com",
};

/** Builds a world. */
export function world(options: WorldOptions = {}): World {
  const { env, targets } = environment(options.env ?? "dev");
  const global = targets.find((t) => t.plane.kind === "global")!;
  const aws = fakeAws(targets, options.aws, options.awsTimeoutMs ?? 2000);
  const clusters = new Map<string, FakeCluster>();
  const anyRegional = targets.some((t) => t.plane.kind === "regional");
  for (const t of targets) {
    const kind = t.plane.kind;
    const probes = { ...healthyProbes(kind, anyRegional), ...(options.probes?.[t.id] ?? {}) } as Record<string, ProbePlan>;
    clusters.set(t.id, new FakeCluster({ vars: planeVars(t, global), probes, smokeTestDeployed: t.smokeTest.enabled, ...(options.clusters?.[t.id] ?? {}) }));
  }
  let clock = 0;
  const progress: string[] = [];
  const httpsCalls: string[] = [];
  const deps: VerifyDeps = {
    aws: aws.port,
    kube: async (target, endpoint) => {
      const error = options.kubeErrors?.[target.id];
      if (error) throw new Error(error);
      if (endpoint !== `https://${endpointIdOf(target.clusterName)}.gr7.${target.region}.eks.amazonaws.com`) throw new Error(`unexpected endpoint ${endpoint}`);
      return clusters.get(target.id)!.port(`ctx-${target.id}`);
    },
    https: async (url) => {
      httpsCalls.push(url);
      return options.https ? options.https(url) : NGINX_OK;
    },
    caBundle: async () => "-----BEGIN CERTIFICATE-----\nMIIEBjCCAu6gAwIBAgIJAMc0ZzaSUK51MA0GCSqGSIb3DQEBCwUAMIGPMQswCQYD\n-----END CERTIFICATE-----\n",
    now: () => clock,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new AbortedError();
      clock += ms;
      await new Promise((r) => setImmediate(r));
    },
    progress: (line) => progress.push(line),
  };
  return {
    env,
    targets,
    aws,
    clusters,
    progress,
    httpsCalls,
    deps,
    run: (o = {}) => runVerify({ env, targets, planes: targets.map((t) => t.id), runId: RUN_ID, ...o }, deps),
  };
}

/** The row of `check` for `plane`; throws when there is not exactly one. */
export function row(results: readonly CheckResult[], check: string, plane: string): CheckResult {
  const rows = results.filter((r) => r.check === check && r.plane === plane);
  if (rows.length !== 1) throw new Error(`expected one ${check} row for ${plane}, got ${rows.length}:\n${results.map((r) => `${r.check} ${r.plane} ${r.result} ${r.evidence}`).join("\n")}`);
  return rows[0];
}
