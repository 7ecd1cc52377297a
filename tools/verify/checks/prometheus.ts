/**
 * Prometheus and Alertmanager checks over their HTTP APIs. In a cluster the tool reaches them through
 * the Kubernetes API service proxy; the tests reach a real Prometheus, node exporter and Alertmanager on
 * loopback. Each check is an evaluator over API responses plus a small wrapper that fetches them: an
 * unreachable API, an error response or an unexpected shape is a FAIL, never a pass.
 */
import { errorText, fail, judge, type Finding } from "../model";

/** GETs an API path (e.g. `/api/v1/targets`) and returns the parsed JSON body; throws on HTTP or network errors. */
export type ApiGet = (path: string) => Promise<unknown>;

/** What Prometheus must show. */
export interface PrometheusExpectation {
  /** Scrape jobs that must each have at least one target, all up. */
  readonly requiredJobs: readonly string[];
  /** Job of the node exporter (its series are the per-node CPU and memory series). */
  readonly nodeExporterJob: string;
  /** The cluster's nodes: each needs CPU and memory series. */
  readonly nodes: readonly NodeRef[];
  /** Alerting rules that must be loaded (besides "at least one, none failing"). */
  readonly requiredAlerts: readonly string[];
  /** An always-firing alert that must arrive in Alertmanager (proves delivery), or undefined. */
  readonly deliveryAlert?: string;
}

/** A node as the cluster names it. */
export interface NodeRef {
  /** Kubernetes node name (on EKS the EC2 private DNS name, which is also the host name). */
  readonly name: string;
  /** InternalIP address, when known. */
  readonly internalIp?: string;
}

type Json = Record<string, any>;

/** The `data` of a Prometheus API envelope, or a reason why there is none. */
function data(response: unknown, what: string): { data: Json } | { problem: string } {
  const r = response as Json | null;
  if (!r || typeof r !== "object") return { problem: `${what}: not a JSON object` };
  if (r.status !== "success") return { problem: `${what}: status ${JSON.stringify(r.status)}${r.errorType ? ` ${r.errorType}` : ""}${r.error ? `: ${r.error}` : ""}` };
  if (!r.data || typeof r.data !== "object") return { problem: `${what}: no data` };
  return { data: r.data };
}

/** Every target of each required job is up, and each required job has targets. */
export function evaluateTargets(response: unknown, requiredJobs: readonly string[]): Finding {
  const d = data(response, "targets");
  if ("problem" in d) return fail(d.problem);
  const active: Json[] = Array.isArray(d.data.activeTargets) ? d.data.activeTargets : [];
  const problems: string[] = [];
  if (requiredJobs.length === 0) problems.push("no required jobs configured");
  const summary: string[] = [];
  for (const job of requiredJobs) {
    const targets = active.filter((t) => t?.labels?.job === job);
    if (targets.length === 0) {
      problems.push(`job ${job}: no targets`);
      continue;
    }
    const notUp = targets.filter((t) => t.health !== "up");
    for (const t of notUp) problems.push(`job ${job}: ${t.labels?.instance ?? t.scrapeUrl} ${t.health}${t.lastError ? ` (${t.lastError})` : ""}`);
    summary.push(`${job} ${targets.length - notUp.length}/${targets.length}`);
  }
  return judge(problems, `targets up: ${summary.join(", ")}`);
}

/** The PromQL of the per-node series checks (node exporter series joined with node_uname_info). */
export function nodeSeriesQueries(job: string): { cpu: string; memory: string } {
  const join = (metric: string, agg: string) => `${agg} by (nodename, instance) (${metric}{job="${job}"} * on (job, instance) group_left (nodename) node_uname_info{job="${job}"})`;
  return { cpu: join("node_cpu_seconds_total", "count"), memory: join("node_memory_MemAvailable_bytes", "max") };
}

function seriesNodes(response: unknown, what: string): { labels: Json[] } | { problem: string } {
  const d = data(response, what);
  if ("problem" in d) return d;
  if (d.data.resultType !== "vector" || !Array.isArray(d.data.result)) return { problem: `${what}: expected a vector result, got ${d.data.resultType}` };
  return { labels: d.data.result.map((s: Json) => s.metric ?? {}) };
}

function matches(node: NodeRef, labels: Json): boolean {
  return labels.nodename === node.name || labels.instance === node.name || (!!node.internalIp && String(labels.instance ?? "").startsWith(`${node.internalIp}:`));
}

/** Every node has CPU and memory series (query responses of {@link nodeSeriesQueries}). */
export function evaluateNodeSeries(cpuResponse: unknown, memoryResponse: unknown, nodes: readonly NodeRef[]): Finding {
  const cpu = seriesNodes(cpuResponse, "CPU series query");
  const memory = seriesNodes(memoryResponse, "memory series query");
  const problems: string[] = [];
  if ("problem" in cpu) problems.push(cpu.problem);
  if ("problem" in memory) problems.push(memory.problem);
  if (problems.length > 0) return fail(problems.join("; "));
  if (nodes.length === 0) return fail("no nodes to check (the node list is empty)");
  const cpuLabels = (cpu as { labels: Json[] }).labels;
  const memLabels = (memory as { labels: Json[] }).labels;
  const noCpu = nodes.filter((n) => !cpuLabels.some((l) => matches(n, l))).map((n) => n.name);
  const noMem = nodes.filter((n) => !memLabels.some((l) => matches(n, l))).map((n) => n.name);
  if (noCpu.length > 0) problems.push(`no CPU series for ${noCpu.join(", ")}`);
  if (noMem.length > 0) problems.push(`no memory series for ${noMem.join(", ")}`);
  return judge(problems, `CPU and memory series for all ${nodes.length} node(s)`);
}

/** At least one alerting rule loaded, none failing, the required ones present. */
export function evaluateRules(response: unknown, requiredAlerts: readonly string[]): Finding {
  const d = data(response, "rules");
  if ("problem" in d) return fail(d.problem);
  const groups: Json[] = Array.isArray(d.data.groups) ? d.data.groups : [];
  const rules: Json[] = groups.flatMap((g) => (Array.isArray(g.rules) ? g.rules.map((r: Json) => ({ ...r, group: g.name })) : []));
  const alerting = rules.filter((r) => r.type === "alerting");
  const problems: string[] = [];
  if (alerting.length === 0) problems.push(`no alerting rules loaded (${groups.length} group(s))`);
  for (const r of rules.filter((r) => r.health === "err")) problems.push(`rule ${r.group}/${r.name} fails: ${r.lastError ?? "error"}`);
  const names = new Set(alerting.map((r) => r.name));
  const missing = requiredAlerts.filter((a) => !names.has(a));
  if (missing.length > 0) problems.push(`alerting rules missing: ${missing.join(", ")}`);
  return judge(problems, `${alerting.length} alerting and ${rules.length - alerting.length} recording rules in ${groups.length} groups, none failing`);
}

/**
 * Alertmanager is reachable and Prometheus uses it: Prometheus lists an active Alertmanager, the
 * Alertmanager status API answers, and (when `deliveryAlert` is set) that always-firing alert arrived.
 */
export function evaluateAlertmanager(promAlertmanagers: unknown, amStatus: unknown, amAlerts: unknown, deliveryAlert?: string): Finding {
  const problems: string[] = [];
  const d = data(promAlertmanagers, "Prometheus alertmanagers");
  let count = 0;
  if ("problem" in d) problems.push(d.problem);
  else {
    count = Array.isArray(d.data.activeAlertmanagers) ? d.data.activeAlertmanagers.length : 0;
    if (count === 0) problems.push("Prometheus has no active Alertmanager");
  }
  const status = amStatus as Json | null;
  const cluster = status?.cluster?.status;
  if (!status || typeof status !== "object" || !status.versionInfo) problems.push("Alertmanager status: unexpected response");
  else if (cluster !== "ready" && cluster !== "disabled") problems.push(`Alertmanager cluster status ${cluster}`);
  if (deliveryAlert) {
    const alerts = Array.isArray(amAlerts) ? (amAlerts as Json[]) : undefined;
    if (!alerts) problems.push("Alertmanager alerts: unexpected response");
    else if (!alerts.some((a) => a?.labels?.alertname === deliveryAlert)) problems.push(`${deliveryAlert} has not reached Alertmanager (${alerts.length} alert(s) there)`);
  }
  return judge(
    problems,
    `Prometheus sends to ${count} Alertmanager(s); Alertmanager ${status?.versionInfo?.version ?? "?"} ${cluster}${deliveryAlert ? `; ${deliveryAlert} delivered` : ""}`,
  );
}

/** Fetches and evaluates; any thrown error is a FAIL naming what could not be fetched. */
async function guarded(what: string, body: () => Promise<Finding>): Promise<Finding> {
  try {
    return await body();
  } catch (error) {
    return fail(`${what}: ${errorText(error)}`);
  }
}

/** The four Prometheus checks, by id. */
export async function prometheusChecks(prom: ApiGet, alertmanager: ApiGet, expect: PrometheusExpectation): Promise<Record<"prometheus.targets" | "prometheus.node-series" | "prometheus.rules" | "prometheus.alertmanager", Finding>> {
  const q = nodeSeriesQueries(expect.nodeExporterJob);
  const query = (promql: string) => prom(`/api/v1/query?query=${encodeURIComponent(promql)}`);
  return {
    "prometheus.targets": await guarded("Prometheus targets API", async () => evaluateTargets(await prom("/api/v1/targets?state=active"), expect.requiredJobs)),
    "prometheus.node-series": await guarded("Prometheus query API", async () => evaluateNodeSeries(await query(q.cpu), await query(q.memory), expect.nodes)),
    "prometheus.rules": await guarded("Prometheus rules API", async () => evaluateRules(await prom("/api/v1/rules"), expect.requiredAlerts)),
    "prometheus.alertmanager": await guarded("Alertmanager", async () =>
      evaluateAlertmanager(await prom("/api/v1/alertmanagers"), await alertmanager("/api/v2/status"), expect.deliveryAlert ? await alertmanager("/api/v2/alerts") : [], expect.deliveryAlert),
    ),
  };
}
