/**
 * The verify run: inspects each selected plane (EKS, nodes, add-ons, pods, database, workload config,
 * Prometheus), runs the in-cluster probes (SQL, S3, network), checks the smoke-test app, optionally
 * drills a database failover, and cleans up everything it created (also when aborted). All I/O goes
 * through the injected {@link VerifyDeps}; the tests drive it with recorded responses.
 */
import type { EnvironmentConfig } from "../../src/config/schema";
import { evaluateCluster, evaluateAddons, evaluateNodes, evaluateSystemPods, nodeInternalIp, nodeReady } from "./checks/eks";
import { evaluateDbCluster, evaluateWorkloadConfig } from "./checks/database";
import { assessProbe, waitingKeys, type ProbeState, type ProbeTolerance, DEFAULT_TOLERANCE } from "./checks/jobs";
import { evaluateNetwork, netProbeTargets, type NetTarget } from "./checks/network";
import { parseProbeOutput, value } from "./checks/probe-output";
import { prometheusChecks, type PrometheusExpectation } from "./checks/prometheus";
import { evaluateS3 } from "./checks/s3";
import { evaluateSmoke, type HttpsResult } from "./checks/smoke";
import { evaluateDrill, evaluateSqlCycle } from "./checks/sql";
import type { AwsPort } from "./io/aws";
import type { KubePort } from "./io/kube";
import { errorText, fail, pass, skip, type CheckResult, type Finding } from "./model";
import { restrictedViolations } from "./pod-security";
import { jobName, MANAGED_BY, MANAGED_BY_LABEL, probeJob, runSelector, scriptsConfigMap, type KubeObject, type ProbeSpec } from "./probes/manifests";
import { smokeTestManifests } from "./smoke-app";
import type { PlaneTarget } from "./targets";

type Json = Record<string, any>;

/** Everything verify does to the outside world. */
export interface VerifyDeps {
  /** AWS (EKS, RDS, STS). */
  readonly aws: AwsPort;
  /** Kubernetes access to a plane's cluster, given its EKS endpoint (kubeconfig context selection). */
  readonly kube: (target: PlaneTarget, endpoint: string) => Promise<KubePort>;
  /** One HTTPS GET (smoke-test app). */
  readonly https: (url: string) => Promise<HttpsResult>;
  /** The RDS CA bundle (PEM) the SQL probe verifies the server against. */
  readonly caBundle: () => Promise<string>;
  /** Milliseconds since some fixed point. */
  readonly now: () => number;
  /** Waits (rejects when `signal` aborts). */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Progress lines (stderr). */
  readonly progress: (line: string) => void;
}

/** Timeouts and intervals (seconds). */
export interface Timing {
  /** Poll interval while waiting. */
  readonly poll: number;
  /** Progress line interval while waiting. */
  readonly progressEvery: number;
  /** A probe Job must finish (or become ready) within this. */
  readonly probe: number;
  /** Prometheus checks are retried until they pass or this elapses (fresh targets, first evaluations). */
  readonly prometheusRetry: number;
  /** The smoke-test Ingress must get a load balancer and answer within this. */
  readonly smoke: number;
  /** Removing an on-demand smoke-test app (the load balancer goes with it) may take this long. */
  readonly smokeRemoval: number;
  /** Longest drill probe run. */
  readonly drillProbe: number;
  /** The drill probe stops this long after writes recovered. */
  readonly drillSettle: number;
  /** RDS must report the new writer available within this after the failover call. */
  readonly failover: number;
}

/** Defaults for a real environment. */
export const DEFAULT_TIMING: Timing = { poll: 5, progressEvery: 15, probe: 600, prometheusRetry: 90, smoke: 900, smokeRemoval: 600, drillProbe: 900, drillSettle: 60, failover: 900 };

/** What to verify. */
export interface VerifyOptions {
  /** The validated environment. */
  readonly env: EnvironmentConfig;
  /** Targets of every plane of the environment (targets.ts). */
  readonly targets: readonly PlaneTarget[];
  /** Ids of the planes to report on (`global`, `regional-<key>`). */
  readonly planes: readonly string[];
  /** This run's id (labels, table and object names). */
  readonly runId: string;
  /** `failover`: also drill a database failover on each selected plane. */
  readonly drill?: "failover";
  /** Deploy the smoke-test app for the run where the environment does not. */
  readonly deploySmokeApp?: boolean;
  /** Recovery time objective of the drill in seconds (default 300). */
  readonly rtoSeconds?: number;
  /** Timing overrides. */
  readonly timing?: Partial<Timing>;
  /** Probe tolerances (image pull errors, unschedulable pods). */
  readonly tolerance?: ProbeTolerance;
  /** Aborts the run (SIGINT/SIGTERM); cleanup still runs. */
  readonly signal?: AbortSignal;
}

/** One plane during the run. */
interface Plane {
  readonly target: PlaneTarget;
  /** Whether rows are reported for it (else it only supports another plane's checks). */
  readonly selected: boolean;
  cluster?: Json;
  kube?: KubePort;
  kubeError?: string;
  nodes?: Json[];
  config?: Record<string, string>;
  db?: Json;
  scriptsReady?: boolean;
  scriptsError?: string;
  smokeCreated?: boolean;
}

/** Thrown into waits when the run is aborted. */
export class AbortedError extends Error {
  constructor() {
    super("verify was interrupted");
    this.name = "Aborted";
  }
}

/** Runs verify; always returns the rows gathered (the last one is the cleanup check). */
export async function runVerify(options: VerifyOptions, deps: VerifyDeps): Promise<CheckResult[]> {
  const t: Timing = { ...DEFAULT_TIMING, ...options.timing };
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const rto = options.rtoSeconds ?? 300;
  const { env, runId, signal } = options;
  const results: CheckResult[] = [];
  const leftovers: string[] = [];
  const cleaned: string[] = [];
  const seconds = (since: number) => Math.round((deps.now() - since) / 100) / 10;
  const aborted = () => signal?.aborted === true;
  const checkAbort = () => {
    if (aborted()) throw new AbortedError();
  };
  const say = (plane: string, line: string) => deps.progress(`[${plane}] ${line}`);

  const record = (check: string, plane: string, started: number, finding: Finding) => {
    results.push({ check, plane, ...finding, seconds: seconds(started) });
  };
  /** Runs one check; a thrown error is a FAIL with its message (an abort propagates). */
  const check = async (check: string, plane: Plane | string, body: () => Promise<Finding>): Promise<Finding> => {
    const started = deps.now();
    let finding: Finding;
    try {
      checkAbort();
      finding = await body();
    } catch (error) {
      if (error instanceof AbortedError) throw error;
      finding = fail(errorText(error));
    }
    const id = typeof plane === "string" ? plane : plane.target.id;
    if (typeof plane === "string" || plane.selected) record(check, id, started, finding);
    return finding;
  };
  const sleep = async (s: number) => {
    checkAbort();
    await deps.sleep(s * 1000, signal);
    checkAbort();
  };

  const byId = new Map(options.targets.map((target) => [target.id, target]));
  const unknown = options.planes.filter((p) => !byId.has(p));
  if (unknown.length > 0) throw new Error(`unknown plane(s) ${unknown.join(", ")}; ${env.name} has ${[...byId.keys()].join(", ")}`);
  const selectedIds = new Set(options.planes);
  const anyRegional = options.targets.some((x) => x.plane.kind === "regional" && selectedIds.has(x.id));
  // The global plane supports regional checks (it writes the object regional planes read; its
  // endpoints are what the peering must reach), so it is inspected whenever a regional plane is.
  const planes: Plane[] = options.targets
    .filter((x) => selectedIds.has(x.id) || (x.plane.kind === "global" && anyRegional))
    .map((target) => ({ target, selected: selectedIds.has(target.id) }));
  const selected = planes.filter((p) => p.selected);
  const global = planes.find((p) => p.target.plane.kind === "global");
  const noKube = (p: Plane) => fail(`no Kubernetes access to ${p.target.clusterName}: ${p.kubeError ?? "cluster not inspected"} (cluster access: docs/verify.md)`);

  try {
    // --- the account -----------------------------------------------------------------------------
    const account = await check("aws.account", "environment", async () => {
      const id = await deps.aws.callerIdentity(env.global.region);
      return id.account === env.accountId ? pass(`${id.arn} in ${env.name}'s account ${env.accountId}`) : fail(`credentials are for account ${id.account} (${id.arn}); ${env.name} is ${env.accountId}`);
    });
    if (account.result !== "PASS") return results;

    // --- phase 1: inspect the planes -------------------------------------------------------------
    await Promise.all(planes.map((p) => inspect(p)));

    // --- phase 2: in-cluster probes --------------------------------------------------------------
    const ca = await deps.caBundle().catch((e) => e as Error);
    await Promise.all(
      planes.map(async (p) => {
        if (!p.kube) return;
        try {
          if (ca instanceof Error) throw new Error(`RDS CA bundle: ${errorText(ca)}`);
          if (!ca.includes("-----BEGIN CERTIFICATE-----")) throw new Error("RDS CA bundle: no PEM certificate in it");
          await p.kube.create(scriptsConfigMap(runId, p.target.workload.namespace, { "rds-ca.pem": ca }));
          p.scriptsReady = true;
        } catch (error) {
          if (error instanceof AbortedError) throw error;
          p.scriptsError = `probe scripts not installed: ${errorText(error)}`;
        }
      }),
    );
    await Promise.all([...selected.map((p) => sqlProbe(p)), ...selected.map((p) => networkProbe(p)), s3Probes()]);

    // --- phase 3: the smoke-test app -------------------------------------------------------------
    await Promise.all(selected.map((p) => smokeTest(p)));

    // --- phase 4: the failover drill -------------------------------------------------------------
    if (options.drill === "failover") for (const p of selected) await failoverDrill(p);
  } catch (error) {
    if (!(error instanceof AbortedError)) throw error;
    deps.progress(`interrupted: cleaning up run ${runId}`);
  } finally {
    await cleanup();
  }
  return results;

  // ================================================================================================

  async function inspect(p: Plane): Promise<void> {
    const x = p.target;
    await check("eks.cluster", p, async () => {
      p.cluster = await deps.aws.describeCluster(x.region, x.clusterName);
      const finding = evaluateCluster(p.cluster, x.clusterName);
      if (p.cluster?.endpoint) {
        try {
          p.kube = await deps.kube(x, p.cluster.endpoint);
        } catch (error) {
          p.kubeError = errorText(error);
        }
      } else p.kubeError = "the cluster has no endpoint";
      return finding.result === "PASS" && p.kube ? pass(`${finding.evidence}; kube context ${p.kube.context}`) : finding;
    });
    if (!p.kube && !p.kubeError) p.kubeError = "the cluster could not be described";
    const kube = p.kube;
    await check("eks.nodes", p, async () => {
      if (!kube) return noKube(p);
      p.nodes = await kube.list("Node");
      return evaluateNodes(p.nodes, x.minNodes);
    });
    // A plane that only supports another plane's checks needs no more than its endpoint and nodes.
    if (!p.selected) return;
    await check("eks.addons", p, async () => {
      const described = new Map<string, Json | Error>();
      await Promise.all(x.addons.map(async (a) => described.set(a.name, await deps.aws.describeAddon(x.region, x.clusterName, a.name).catch((e) => new Error(errorText(e))))));
      return evaluateAddons(described, x.addons);
    });
    await check("k8s.system-pods", p, async () => {
      if (!kube) return noKube(p);
      const pods = new Map<string, Json[]>();
      for (const ns of ["kube-system", x.monitoring.namespace]) pods.set(ns, await kube.list("Pod", ns));
      return evaluateSystemPods(pods);
    });
    await check("db.cluster", p, async () => {
      p.db = await deps.aws.describeDbCluster(x.region, x.database.identifier);
      return evaluateDbCluster(p.db, x);
    });
    await check("workload.config", p, async () => {
      if (!kube) return noKube(p);
      const cm = await kube.read("ConfigMap", x.workload.namespace, x.workload.configMap);
      p.config = cm?.data;
      return evaluateWorkloadConfig(p.config, x, p.db);
    });
    if (p.selected) await prometheus(p);
  }

  async function prometheus(p: Plane): Promise<void> {
    const x = p.target;
    const started = deps.now();
    const ids = ["prometheus.targets", "prometheus.node-series", "prometheus.rules", "prometheus.alertmanager"] as const;
    if (!p.kube) {
      for (const id of ids) record(id, x.id, started, noKube(p));
      return;
    }
    const kube = p.kube;
    const m = x.monitoring;
    const expectation: PrometheusExpectation = {
      requiredJobs: m.requiredJobs,
      nodeExporterJob: m.nodeExporterJob,
      nodes: (p.nodes ?? []).filter(nodeReady).map((n) => ({ name: n.metadata.name, internalIp: nodeInternalIp(n) })),
      requiredAlerts: m.requiredAlerts,
      deliveryAlert: m.deliveryAlert,
    };
    const prom = (path: string) => kube.proxyGet(m.namespace, m.prometheusService, m.prometheusPort, path);
    const am = (path: string) => kube.proxyGet(m.namespace, m.alertmanagerService, m.alertmanagerPort, path);
    let findings = await prometheusChecks(prom, am, expectation);
    // Fresh clusters: targets not scraped yet, Watchdog not delivered yet. Retry for a while.
    while (Object.values(findings).some((f) => f.result !== "PASS") && seconds(started) < t.prometheusRetry) {
      const failing = ids.filter((id) => findings[id].result !== "PASS");
      say(x.id, `Prometheus: ${failing.join(", ")} not passing yet (${Math.round(seconds(started))}s), retrying`);
      await sleep(Math.max(t.poll, 10));
      findings = await prometheusChecks(prom, am, expectation);
    }
    for (const id of ids) record(id, x.id, started, findings[id]);
  }

  /** Creates a probe Job and waits until it succeeds, fails, becomes ready (marker) or times out. */
  async function runProbe(p: Plane, spec: Omit<ProbeSpec, "runId" | "namespace" | "serviceAccount" | "workloadConfigMap">, timeoutS: number, marker?: string): Promise<{ state: ProbeState; log: string; pod?: string }> {
    const x = p.target;
    const kube = p.kube!;
    const full: ProbeSpec = { ...spec, runId, namespace: x.workload.namespace, serviceAccount: x.workload.serviceAccount, workloadConfigMap: x.workload.configMap };
    const job = probeJob(full) as KubeObject & { spec: Json };
    const violations = restrictedViolations(job.spec.template.spec);
    if (violations.length > 0) return { state: { state: "failed", reason: `probe manifest violates Pod Security restricted: ${violations.join("; ")}` }, log: "" };
    await kube.create(job);
    const name = job.metadata.name;
    const started = deps.now();
    const firstSeen = new Map<string, number>();
    let lastProgress = started;
    let log = "";
    let podName: string | undefined;
    say(x.id, `${spec.probe} probe: Job ${name} created`);
    for (;;) {
      checkAbort();
      const [current, pods, events] = await Promise.all([
        kube.read("Job", x.workload.namespace, name),
        kube.list("Pod", x.workload.namespace, { label: `${runSelector(runId)},cdn-verify/probe=${spec.probe}` }),
        kube.list("Event", x.workload.namespace, { field: `involvedObject.name=${name}` }),
      ]);
      const pod = pods[pods.length - 1];
      podName = pod?.metadata?.name;
      const probeStatus = (pod?.status?.containerStatuses ?? []).find((s: Json) => s.name === "probe");
      if (podName && (probeStatus?.state?.running || probeStatus?.state?.terminated)) {
        log = await kube.log(x.workload.namespace, podName, "probe").catch(() => log);
      }
      const now = deps.now();
      const keys = waitingKeys(pod);
      for (const k of [...firstSeen.keys()]) if (!keys.includes(k)) firstSeen.delete(k);
      for (const k of keys) if (!firstSeen.has(k)) firstSeen.set(k, now);
      const waitingFor = new Map([...firstSeen].map(([k, since]) => [k, (now - since) / 1000]));
      const state = assessProbe({ job: current, pods, events, log, elapsedSeconds: seconds(started), waitingFor }, { ...tolerance, marker });
      if (state.state !== "running") {
        if (state.state === "failed" && podName) {
          // The sidecar's log explains a token failure; the probe's log the rest.
          const sidecar = await kube.log(x.workload.namespace, podName, "iam-token").catch(() => "");
          const last = sidecar.trim().split("\n").filter(Boolean).pop();
          if (spec.iamTokenSidecar && last && /FAILED/.test(last)) return { state: { state: "failed", reason: `${state.reason}; iam-token: ${last}` }, log, pod: podName };
        }
        return { state, log, pod: podName };
      }
      if (seconds(started) >= timeoutS) return { state: { state: "failed", reason: `timed out after ${timeoutS}s (${state.detail})` }, log, pod: podName };
      if ((now - lastProgress) / 1000 >= t.progressEvery) {
        say(x.id, `${spec.probe} probe: ${state.detail} (${Math.round(seconds(started))}s)`);
        lastProgress = now;
      }
      await sleep(t.poll);
    }
  }

  /** A finding from a probe's state and the evaluation of its output (a silent probe adds nothing). */
  function combine(state: ProbeState, finding: Finding, log: string): Finding {
    if (state.state !== "failed") return finding;
    const said = parseProbeOutput(log).values.size > 0;
    return fail(said && finding.result === "FAIL" && finding.evidence ? `${state.reason}; ${finding.evidence}` : state.reason);
  }

  function probePrecondition(p: Plane): Finding | undefined {
    if (!p.kube) return noKube(p);
    if (!p.scriptsReady) return fail(p.scriptsError ?? "probe scripts not installed");
    return undefined;
  }

  async function sqlProbe(p: Plane): Promise<void> {
    const x = p.target;
    await check("db.sql", p, async () => {
      const pre = probePrecondition(p);
      if (pre) return pre;
      if (!p.config?.DB_APP_USER) return fail(`not run: the workload ConfigMap has no DB_APP_USER (the IAM application user the probe logs in as)`);
      const { state, log } = await runProbe(p, { probe: "sql", image: "postgres", script: "sql-probe.sh", iamTokenSidecar: true, deadlineSeconds: t.probe + 60, env: { PROBE_CA_FILE: "/verify/rds-ca.pem", PROBE_MODE: "cycle" } }, t.probe);
      return combine(state, evaluateSqlCycle(parseProbeOutput(log), { database: x.database.name, user: p.config.DB_APP_USER, runId: runId.replace(/[^a-z0-9_]/g, "_"), readerIsStandby: true, checkReader: true }), log);
    });
  }

  function netTargets(p: Plane): NetTarget[] | string {
    const x = p.target;
    const own: NetTarget[] = [
      { name: "db-writer", host: x.database.writerAlias, port: x.database.port, expect: "open", cidr: x.vpcCidr },
      { name: "db-reader", host: x.database.readerAlias, port: x.database.port, expect: "open", cidr: x.vpcCidr },
    ];
    if (x.plane.kind === "global") return own;
    if (!global?.cluster?.endpoint || !global.nodes) return `the global plane could not be inspected (${global?.kubeError ?? "no cluster"}), so its endpoints are unknown`;
    const g = global.target;
    const node = global.nodes.filter(nodeReady).map(nodeInternalIp).find(Boolean);
    if (!node) return "the global plane has no Ready node to test a closed port against";
    return [
      ...own,
      { name: "global-api", host: new URL(global.cluster.endpoint).hostname, port: x.peering!.port, expect: "open", cidr: g.vpcCidr },
      { name: "global-db", host: g.database.writerAlias, port: g.database.port, expect: "closed", cidr: g.vpcCidr },
      { name: "global-kubelet", host: node, port: 10250, expect: "closed", cidr: g.vpcCidr },
    ];
  }

  async function networkProbe(p: Plane): Promise<void> {
    await check("net.paths", p, async () => {
      const pre = probePrecondition(p);
      if (pre) return pre;
      const targets = netTargets(p);
      if (typeof targets === "string") return fail(targets);
      const { state, log } = await runProbe(p, { probe: "net", image: "awsCli", script: "net-probe.sh", deadlineSeconds: t.probe + 60, env: { PROBE_TARGETS: netProbeTargets(targets) } }, t.probe);
      return combine(state, evaluateNetwork(parseProbeOutput(log), targets), log);
    });
  }

  async function s3Probes(): Promise<void> {
    const readers = selected.filter((p) => p.target.plane.kind === "regional");
    if (!global) return;
    const key = `verify/${runId}/bundle-probe.txt`;
    const hold = readers.length > 0;
    let sha: string | undefined;
    let writerProblem: string | undefined;
    let writerPod: string | undefined;
    const writer = await check("s3.bundles", global, async () => {
      const pre = probePrecondition(global);
      if (pre) return pre;
      const { state, log, pod } = await runProbe(
        global,
        { probe: "s3", image: "awsCli", script: "s3-probe.sh", deadlineSeconds: t.probe * 2 + 120, env: { PROBE_MODE: "rw", PROBE_KEY: key, PROBE_HOLD_SECONDS: hold ? String(t.probe * 2) : "0" } },
        t.probe,
        hold ? "VERIFY hold=ready" : undefined,
      );
      writerPod = pod;
      const out = parseProbeOutput(log);
      if (value(out, "put") === "ok") {
        if (hold) leftovers.push(`s3://${global.target.bucket.name}/${key}`);
        else if (value(out, "deleted") === "ok") cleaned.push("the S3 probe object");
        else leftovers.push(`s3://${global.target.bucket.name}/${key}`);
      }
      const finding = combine(state, evaluateS3(out, { access: "read-write", roleName: global.target.workload.roleName, bucket: global.target.bucket.name, held: hold }), log);
      if (finding.result === "PASS") sha = value(out, "sha256.put");
      return finding;
    });
    if (writer.result !== "PASS") writerProblem = `the global plane's writer probe failed: ${writer.evidence}`;
    await Promise.all(
      readers.map((p) =>
        check("s3.bundles", p, async () => {
          const pre = probePrecondition(p);
          if (pre) return pre;
          if (!sha) return fail(writerProblem ?? "no object to read");
          const { state, log } = await runProbe(
            p,
            { probe: "s3", image: "awsCli", script: "s3-probe.sh", deadlineSeconds: t.probe + 60, env: { PROBE_MODE: "ro", PROBE_KEY: key, PROBE_EXPECT_SHA256: sha, PROBE_DENIED_KEY: `verify/${runId}/denied-${p.target.id}.txt` } },
            t.probe,
          );
          const out = parseProbeOutput(log);
          if (value(out, "write")?.startsWith("allowed") && value(out, "write-cleanup") !== "ok") leftovers.push(`s3://${p.target.bucket.name}/verify/${runId}/denied-${p.target.id}.txt`);
          return combine(state, evaluateS3(out, { access: "read", roleName: p.target.workload.roleName, bucket: p.target.bucket.name, expectedSha256: sha }), log);
        }),
      ),
    );
    // Release the held object: the writer deletes it when its pod is terminated (Job deleted).
    if (hold && writerPod && global.kube) await releaseHeldObject(global, writerPod, `s3://${global.target.bucket.name}/${key}`);
  }

  async function releaseHeldObject(p: Plane, pod: string, object: string): Promise<void> {
    const kube = p.kube!;
    const ns = p.target.workload.namespace;
    await kube.remove("Job", ns, jobName(runId, "s3")).catch(() => false);
    const started = deps.now();
    while (seconds(started) < 60) {
      const log = await kube.log(ns, pod, "probe").catch(() => undefined);
      if (log === undefined) break;
      const deleted = value(parseProbeOutput(log), "deleted");
      if (deleted === "ok") {
        leftovers.splice(leftovers.indexOf(object), 1);
        cleaned.push("the S3 probe object");
        return;
      }
      if (deleted) break;
      await deps.sleep(1000);
    }
  }

  async function smokeTest(p: Plane): Promise<void> {
    const x = p.target;
    const app = x.smokeTest;
    await check("app.smoke-test", p, async () => {
      if (!p.kube) return noKube(p);
      const kube = p.kube;
      let ingress = await kube.read("Ingress", app.namespace, app.name);
      if (!ingress) {
        if (app.enabled) return fail(`smokeTestApp is on in ${env.name} but the Ingress ${app.namespace}/${app.name} does not exist (deploy the ${x.id} in-cluster stack)`);
        if (!options.deploySmokeApp) return skip(`not deployed in ${env.name} (smokeTestApp: false); --deploy-smoke-app deploys it for the run and removes it afterwards`);
        const ns = await kube.read("Namespace", undefined, app.namespace);
        if (ns && ns.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY) return fail(`namespace ${app.namespace} exists without the app and is not verify's: not touching it`);
        say(x.id, `smoke-test: deploying the app for this run (${app.image})`);
        p.smokeCreated = true;
        for (const object of smokeTestManifests(app, runId)) if (!(object.kind === "Namespace" && ns)) await kube.create(object);
      }
      const started = deps.now();
      let hostname: string | undefined;
      let result: HttpsResult = { error: "no attempt" };
      let url = "";
      let lastProgress = started;
      for (;;) {
        ingress = await kube.read("Ingress", app.namespace, app.name);
        hostname = ingress?.status?.loadBalancer?.ingress?.[0]?.hostname;
        if (hostname) {
          url = `https://${hostname}/`;
          result = await deps.https(url);
          const finding = evaluateSmoke(url, result);
          if (finding.result === "PASS") return p.smokeCreated ? pass(`${finding.evidence}; deployed for this run`) : finding;
        }
        if (seconds(started) >= t.smoke) {
          return hostname ? evaluateSmoke(url, result) : fail(`the Ingress ${app.namespace}/${app.name} got no load balancer within ${t.smoke}s`);
        }
        if ((deps.now() - lastProgress) / 1000 >= t.progressEvery) {
          say(x.id, `smoke-test: ${hostname ? `${url}: ${result.error ?? `HTTP ${result.status}`}` : "waiting for the load balancer"} (${Math.round(seconds(started))}s)`);
          lastProgress = deps.now();
        }
        await sleep(t.poll);
      }
    });
  }

  async function failoverDrill(p: Plane): Promise<void> {
    const x = p.target;
    await check("db.failover-drill", p, async () => {
      const pre = probePrecondition(p);
      if (pre) return pre;
      if (!p.config?.DB_APP_USER) return fail("not run: the workload ConfigMap has no DB_APP_USER");
      const before = await deps.aws.describeDbCluster(x.region, x.database.identifier);
      const oldWriter = (before?.DBClusterMembers ?? []).find((m: Json) => m.IsClusterWriter)?.DBInstanceIdentifier;
      if (before?.Status !== "available" || !oldWriter) return fail(`not run: ${x.database.identifier} is ${before?.Status ?? "missing"}${oldWriter ? "" : " without a writer"}`);
      const drillEnv = { PROBE_CA_FILE: "/verify/rds-ca.pem", PROBE_MODE: "drill", PROBE_DRILL_SECONDS: String(t.drillProbe), PROBE_DRILL_SETTLE: String(t.drillSettle), PROBE_DRILL_INTERVAL: "0.5" };
      const ready = await runProbe(p, { probe: "sql-drill", image: "postgres", script: "sql-probe.sh", iamTokenSidecar: true, deadlineSeconds: t.probe + t.drillProbe + 120, env: drillEnv }, t.probe, "VERIFY drill.ready=1");
      if (ready.state.state !== "ready") return ready.state.state === "failed" ? combine(ready.state, fail("the drill probe never started writing"), ready.log) : fail("the drill probe ended before writing");
      const since = new Date(Date.now() - 60_000);
      say(x.id, `failover drill: writes flowing; failing over ${x.database.identifier} (writer ${oldWriter})`);
      const failoverAt = deps.now();
      await deps.aws.failoverDbCluster(x.region, x.database.identifier);
      let newWriter: string | undefined;
      let status = "";
      let lastProgress = failoverAt;
      while (seconds(failoverAt) < t.failover) {
        await sleep(t.poll);
        const now = await deps.aws.describeDbCluster(x.region, x.database.identifier).catch(() => undefined);
        status = now?.Status ?? "unknown";
        newWriter = (now?.DBClusterMembers ?? []).find((m: Json) => m.IsClusterWriter)?.DBInstanceIdentifier;
        if (status === "available" && newWriter && newWriter !== oldWriter) break;
        if ((deps.now() - lastProgress) / 1000 >= t.progressEvery) {
          say(x.id, `failover drill: cluster ${status}, writer ${newWriter ?? "?"} (${Math.round(seconds(failoverAt))}s)`);
          lastProgress = deps.now();
        }
      }
      const rdsSeconds = seconds(failoverAt);
      say(x.id, `failover drill: RDS reports writer ${newWriter} ${status} after ${rdsSeconds}s; waiting for the probe to settle`);
      const done = await waitForProbeEnd(p, jobName(runId, "sql-drill"), t.drillProbe + 120);
      const events = await deps.aws.describeDbClusterEvents(x.region, x.database.identifier, since).catch(() => [] as Json[]);
      const failoverEvents = events.map((e) => String(e.Message)).filter((m) => /fail/i.test(m));
      const finding = combine(done.state, evaluateDrill(parseProbeOutput(done.log), { rtoSeconds: rto, requireOutage: false, requireWriterChange: true }), done.log);
      const rds = newWriter && newWriter !== oldWriter && status === "available" ? `RDS writer ${oldWriter} -> ${newWriter}, available after ${rdsSeconds}s` : `RDS writer still ${newWriter ?? "?"} (${status}) after ${rdsSeconds}s`;
      const evidence = `${finding.evidence}; ${rds}${failoverEvents.length ? `; events: ${failoverEvents.join(" | ")}` : ""}`;
      return finding.result === "PASS" && newWriter !== oldWriter && status === "available" ? pass(evidence) : fail(evidence);
    });
  }

  /** Waits for a probe Job created earlier (by name) to end. */
  async function waitForProbeEnd(p: Plane, name: string, timeoutS: number): Promise<{ state: ProbeState; log: string }> {
    const kube = p.kube!;
    const ns = p.target.workload.namespace;
    const started = deps.now();
    let log = "";
    let lastProgress = started;
    for (;;) {
      const [job, pods] = await Promise.all([kube.read("Job", ns, name), kube.list("Pod", ns, { label: `${runSelector(runId)},cdn-verify/probe=sql-drill` })]);
      const pod = pods[pods.length - 1];
      if (pod) log = await kube.log(ns, pod.metadata.name, "probe").catch(() => log);
      const state = assessProbe({ job, pods, events: [], log, elapsedSeconds: seconds(started), waitingFor: new Map() }, tolerance);
      if (state.state === "succeeded" || state.state === "failed") return { state, log };
      if (seconds(started) >= timeoutS) return { state: { state: "failed", reason: `drill probe did not finish within ${timeoutS}s` }, log };
      if ((deps.now() - lastProgress) / 1000 >= t.progressEvery) {
        const last = log.trim().split("\n").filter((l) => l.startsWith("VERIFY drill.")).pop();
        say(p.target.id, `failover drill: probe running (${Math.round(seconds(started))}s)${last ? `: ${last.slice(7)}` : ""}`);
        lastProgress = deps.now();
      }
      await sleep(t.poll);
    }
  }

  /** Deletes what this run created, by its labels, in every plane it touched; reports leftovers. */
  async function cleanup(): Promise<void> {
    const started = deps.now();
    let jobs = 0;
    let configMaps = 0;
    for (const p of planes) {
      if (!p.kube) continue;
      const kube = p.kube;
      const ns = p.target.workload.namespace;
      const selector = { label: runSelector(runId) };
      try {
        for (const job of await kube.list("Job", ns, selector)) if (await kube.remove("Job", ns, job.metadata.name)) jobs += 1;
        for (const cm of await kube.list("ConfigMap", ns, selector)) if (await kube.remove("ConfigMap", ns, cm.metadata.name)) configMaps += 1;
        for (const kind of ["Job", "ConfigMap"] as const) {
          for (const o of await kube.list(kind, ns, selector)) if (!o.metadata?.deletionTimestamp) leftovers.push(`${p.target.id}: ${kind} ${ns}/${o.metadata.name}`);
        }
      } catch (error) {
        leftovers.push(`${p.target.id}: Jobs/ConfigMaps labelled ${runSelector(runId)} in ${ns} (${errorText(error)})`);
      }
      if (p.smokeCreated) {
        const app = p.target.smokeTest;
        try {
          const ns = await kube.read("Namespace", undefined, app.namespace);
          if (ns?.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY) await kube.remove("Namespace", undefined, app.namespace);
          else for (const kind of ["Ingress", "Service", "Deployment"] as const) await kube.remove(kind, app.namespace, app.name);
          deps.progress(`[${p.target.id}] smoke-test: removing the app (its load balancer goes with it)`);
          const removalStarted = deps.now();
          let gone = false;
          while (seconds(removalStarted) < t.smokeRemoval) {
            if (!(await kube.read("Ingress", app.namespace, app.name))) {
              gone = true;
              break;
            }
            await deps.sleep(t.poll * 1000);
          }
          if (gone) cleaned.push(`the smoke-test app in ${p.target.id}`);
          else leftovers.push(`${p.target.id}: Ingress ${app.namespace}/${app.name} still being deleted after ${t.smokeRemoval}s`);
        } catch (error) {
          leftovers.push(`${p.target.id}: smoke-test app in ${app.namespace} (${errorText(error)})`);
        }
      }
    }
    const done = [`${jobs} Job(s)`, `${configMaps} ConfigMap(s)`, ...cleaned].join(", ");
    record(
      "verify.cleanup",
      "environment",
      started,
      leftovers.length === 0
        ? pass(`removed ${done} of run ${runId}`)
        : fail(`left behind: ${leftovers.join("; ")}; removed ${done}. Retry: npm run verify -- ${env.name} --cleanup ${runId}`),
    );
  }
}
