/**
 * A fake Kubernetes API server behind verify's REST transport: answers with recorded objects
 * (test/fixtures/verify/kube, .../prometheus, .../probe-logs), stores what verify creates, and plays
 * each probe Job through a scripted sequence of recorded pod states. No network.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { kubePort, type KubePort, type KubeTransport } from "../../../tools/verify/io/kube";

const FIXTURES = join(__dirname, "..", "..", "fixtures", "verify");
type Json = Record<string, any>;

/** How one probe Job plays out. */
export interface ProbePlan {
  /** Pod fixtures (`pod-<state>.json`) shown on successive looks; the last repeats. */
  readonly pods: readonly string[];
  /** The probe log (`probe-logs/<name>.txt`), once the probe container runs. */
  readonly log?: string;
  /** Appended to the log after the Job is deleted (a held probe's SIGTERM handling). */
  readonly afterDelete?: string;
  /** Job status once the pods reach their last state: complete, backoff-limit, deadline-exceeded, or none (still active). */
  readonly job?: "complete" | "backoff-limit" | "deadline-exceeded" | "none";
  /** Events recorded for the Job (`events-<name>.json`). */
  readonly events?: string;
}

/** A request to fail: method + path pattern -> status and a recorded Status body. */
export interface InjectedFailure {
  readonly method: string;
  readonly path: RegExp;
  readonly status: number;
  readonly fixture: string;
}

/** Options of the fake cluster. */
export interface FakeClusterOptions {
  /** Placeholder values (cluster, region, net, ...). */
  readonly vars: Record<string, string>;
  /** Probe plans by probe name (sql, net, s3, sql-drill). */
  readonly probes: Record<string, ProbePlan>;
  /** Pod list of the monitoring namespace (fixture name). */
  readonly monitoringPods?: string;
  /** Whether the smoke-test Ingress exists already (Terraform-managed). */
  readonly smokeTestDeployed?: boolean;
  /** Looks at a created Ingress before it gets its load balancer hostname. */
  readonly ingressReadyAfter?: number;
  /** Prometheus / Alertmanager API responses by path prefix (fixture names under prometheus/). */
  readonly prometheus?: Record<string, string>;
  /** Requests to fail. */
  readonly failures?: readonly InjectedFailure[];
  /** Data of the workload ConfigMap to drop or replace (after placeholder filling). */
  readonly configMap?: (data: Record<string, string>) => Record<string, string>;
}

/** The default Prometheus answers: everything healthy. */
export const HEALTHY_PROMETHEUS: Record<string, string> = {
  "kps-prometheus:/api/v1/targets": "targets-all-up.json",
  "kps-prometheus:/api/v1/query": "node-series-all-nodes.json",
  "kps-prometheus:/api/v1/rules": "rules-ok.json",
  "kps-prometheus:/api/v1/alertmanagers": "alertmanagers-active.json",
  "kps-alertmanager:/api/v2/status": "alertmanager-status-ready.json",
  "kps-alertmanager:/api/v2/alerts": "alertmanager-alerts-watchdog.json",
};

/** The fake API server of one cluster. */
export class FakeCluster {
  /** Objects verify created (and not deleted), by `Kind/namespace/name`. */
  readonly objects = new Map<string, Json>();
  /** Every request, as `METHOD path`. */
  readonly requests: string[] = [];
  /** Every object verify posted, as sent. */
  readonly posted: Json[] = [];
  /** Names of Jobs verify deleted. */
  readonly deletedJobs: string[] = [];
  private readonly steps = new Map<string, number>();
  private ingressLooks = 0;

  constructor(readonly options: FakeClusterOptions) {}

  /** A port over this fake (as the CLI builds over a kubeconfig). */
  port(context = "fake-context"): KubePort {
    return kubePort(this.transport, context);
  }

  /** Reads a fixture with placeholders filled. */
  fixture(path: string, extra: Record<string, string> = {}): string {
    const vars = { ...this.options.vars, ...extra };
    return readFileSync(join(FIXTURES, path), "utf8").replace(/\$\{(\w+)\}/g, (m, k: string) => (k in vars ? vars[k] : m));
  }

  private json(path: string, extra: Record<string, string> = {}): Json {
    return JSON.parse(this.fixture(path, extra));
  }

  /** Jobs and ConfigMaps verify created that are still there. */
  remaining(): string[] {
    return [...this.objects.keys()].filter((k) => !k.startsWith("Pod/"));
  }

  readonly transport: KubeTransport = async ({ method, path, body }) => {
    this.requests.push(`${method} ${path}`);
    for (const f of this.options.failures ?? []) {
      if (f.method === method && f.path.test(path)) return { status: f.status, body: this.fixture(`kube/${f.fixture}`) };
    }
    const ok = (value: unknown) => ({ status: 200, body: typeof value === "string" ? value : JSON.stringify(value) });
    const notFound = (what: string) => ({ status: 404, body: JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", message: `${what} not found`, reason: "NotFound", code: 404 }) });
    const [pathname, search = ""] = path.split("?");
    const params = new URLSearchParams(search);
    const label = params.get("labelSelector") ?? "";
    const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);

    // Service proxy: /api/v1/namespaces/<ns>/services/http:<svc>:<port>/proxy/<path>
    const proxy = /^\/api\/v1\/namespaces\/[^/]+\/services\/([^/]+)\/proxy(\/.*)$/.exec(pathname);
    if (proxy) {
      const service = decodeURIComponent(proxy[1]).split(":")[1];
      const table = this.options.prometheus ?? HEALTHY_PROMETHEUS;
      const key = Object.keys(table).find((k) => `${service}:${proxy[2]}`.startsWith(k));
      if (!key) return { status: 503, body: this.fixture("prometheus/service-proxy-503.json") };
      return ok(this.fixture(`prometheus/${table[key]}`));
    }
    if (method === "GET" && pathname === "/api/v1/nodes") return ok(this.fixture("kube/nodes.json"));

    const ns = parts[0] === "api" ? parts[3] : parts[4];
    const plural = parts[0] === "api" ? parts[4] : parts[5];
    const name = parts[0] === "api" ? parts[5] : parts[6];
    const kind = { configmaps: "ConfigMap", jobs: "Job", pods: "Pod", deployments: "Deployment", services: "Service", ingresses: "Ingress", events: "Event" }[plural ?? ""] as string | undefined;

    // Namespaces (cluster-scoped).
    if (parts[0] === "api" && parts[2] === "namespaces" && parts.length <= 4) {
      const nsName = parts[3];
      if (method === "POST") return this.store("Namespace", undefined, body as Json);
      if (method === "DELETE") {
        const existed = this.objects.delete(`Namespace//${nsName}`);
        for (const k of [...this.objects.keys()]) if (k.split("/")[1] === nsName) this.objects.delete(k);
        return existed ? ok({ kind: "Status", status: "Success" }) : notFound(`namespaces "${nsName}"`);
      }
      if (nsName === "cdn-control-plane") return ok(this.fixture("kube/namespace-cdn-control-plane.json"));
      const stored = this.objects.get(`Namespace//${nsName}`);
      if (stored) return ok(stored);
      if (nsName === "smoke-test" && this.options.smokeTestDeployed) return ok({ apiVersion: "v1", kind: "Namespace", metadata: { name: "smoke-test", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } });
      return notFound(`namespaces "${nsName}"`);
    }
    if (!kind) throw new Error(`fake cluster: unexpected ${method} ${path}`);

    if (method === "POST") return this.store(kind, ns, body as Json);
    if (method === "DELETE") {
      const existed = this.objects.delete(`${kind}/${ns}/${name}`);
      if (kind === "Job" && existed) this.deletedJobs.push(name!);
      return existed ? ok({ kind: "Status", status: "Success" }) : notFound(`${plural} "${name}"`);
    }

    if (kind === "Pod" && parts[parts.length - 1] === "log") {
      const podName = parts[5];
      const probe = this.probeOfPod(podName);
      if (!probe || params.get("container") !== "probe") return ok("");
      const plan = this.options.probes[probe];
      let text = plan.log ? this.fixture(`probe-logs/${plan.log}.txt`) : "";
      if (plan.afterDelete && this.deletedJobs.some((j) => j.endsWith(`-${probe}`))) text += this.fixture(`probe-logs/${plan.afterDelete}.txt`);
      return ok(text);
    }
    if (kind === "Pod" && !name) {
      if (ns === "kube-system") return ok(this.fixture("kube/pods-kube-system.json"));
      if (ns === "monitoring") return ok(this.fixture(`kube/${this.options.monitoringPods ?? "pods-monitoring.json"}`));
      const probe = /cdn-verify\/probe=([a-z0-9-]+)/.exec(label)?.[1];
      if (!probe) return ok({ kind: "PodList", items: [] });
      return ok({ kind: "PodList", items: this.probePods(probe) });
    }
    if (kind === "Event") {
      const involved = (params.get("fieldSelector") ?? "").replace("involvedObject.name=", "");
      const probe = Object.keys(this.options.probes).find((p) => involved.endsWith(`-${p}`));
      const events = probe && this.options.probes[probe].events;
      return ok(events ? this.fixture(`kube/events-${events}.json`, { job: involved }) : { kind: "EventList", items: [] });
    }
    if (kind === "ConfigMap" && name === "platform-config") {
      const cm = this.json("kube/configmap-platform-config.json");
      if (this.options.configMap) cm.data = this.options.configMap(cm.data);
      return ok(cm);
    }
    if (kind === "Ingress" && name && !this.objects.has(`Ingress/${ns}/${name}`)) {
      return this.options.smokeTestDeployed ? ok(this.fixture("kube/ingress-smoke-test.json")) : notFound(`ingresses "${name}"`);
    }
    if (name) {
      const stored = this.objects.get(`${kind}/${ns}/${name}`);
      if (!stored) return notFound(`${plural} "${name}"`);
      if (kind === "Job") return ok({ ...stored, status: this.jobStatus(name) });
      if (kind === "Ingress") {
        this.ingressLooks += 1;
        const ready = this.ingressLooks > (this.options.ingressReadyAfter ?? 2);
        return ok(ready ? { ...stored, status: this.json("kube/ingress-smoke-test.json").status } : { ...stored, status: { loadBalancer: {} } });
      }
      return ok(stored);
    }
    // Lists by label selector (cleanup).
    const items = [...this.objects.entries()]
      .filter(([k]) => k.startsWith(`${kind}/${ns}/`))
      .map(([, o]) => o)
      .filter((o) => label.split(",").every((term) => !term || o.metadata?.labels?.[term.split("=")[0]] === term.split("=")[1]));
    return ok({ kind: `${kind}List`, items });
  };

  private store(kind: string, ns: string | undefined, object: Json) {
    this.posted.push(object);
    const key = `${kind}/${ns ?? ""}/${object.metadata.name}`;
    if (this.objects.has(key)) return { status: 409, body: JSON.stringify({ kind: "Status", status: "Failure", reason: "AlreadyExists", message: `${object.metadata.name} already exists`, code: 409 }) };
    const stored = { ...object, metadata: { ...object.metadata, uid: `uid-${this.objects.size + 1}`, creationTimestamp: "2026-05-01T10:12:00Z" } };
    this.objects.set(key, stored);
    return { status: 201, body: JSON.stringify(stored) };
  }

  private probeOfPod(pod: string): string | undefined {
    return Object.keys(this.options.probes).find((p) => pod.endsWith(`-${p}-pod`));
  }

  /** The probe's pod at its current step (advancing one step per look); none when its Job was rejected. */
  private probePods(probe: string): Json[] {
    const plan = this.options.probes[probe];
    const jobKey = [...this.objects.keys()].find((k) => k.startsWith("Job/") && k.endsWith(`-${probe}`));
    const deleted = this.deletedJobs.some((j) => j.endsWith(`-${probe}`));
    if ((!jobKey && !deleted) || plan.pods.length === 0) return [];
    const step = Math.min(this.steps.get(probe) ?? 0, plan.pods.length - 1);
    this.steps.set(probe, step + 1);
    const job = jobKey ? jobKey.split("/")[2] : `job-${probe}`;
    const pod = this.json(`kube/pod-${plan.pods[step]}.json`, { pod: `${job}-pod`, job, image: "image" });
    pod.metadata.name = `${job}-pod`;
    const template = jobKey ? this.objects.get(jobKey)?.spec?.template?.metadata?.labels : {};
    pod.metadata.labels = { ...template, "batch.kubernetes.io/job-name": job };
    return [pod];
  }

  private jobStatus(name: string): Json {
    const probe = Object.keys(this.options.probes).find((p) => name.endsWith(`-${p}`));
    const plan = probe ? this.options.probes[probe] : undefined;
    if (!plan) return { active: 1 };
    const step = this.steps.get(probe!) ?? 0;
    const atEnd = step >= plan.pods.length;
    const last = plan.pods[plan.pods.length - 1];
    const outcome = plan.job ?? (last === "succeeded" ? "complete" : last === "failed" ? "backoff-limit" : "none");
    if (!atEnd || outcome === "none") return { active: 1, startTime: "2026-05-01T10:12:00Z" };
    return this.json(`kube/job-status-${outcome}.json`);
  }
}
