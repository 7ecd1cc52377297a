/**
 * The Prometheus checks against a real Prometheus, node exporter and Alertmanager on loopback (Debian's
 * packages), and against recorded failure responses in the same API shapes. The rules and Alertmanager
 * configuration used here pass `promtool check rules` / `amtool check-config`, and a broken rule file
 * must not.
 */
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  evaluateAlertmanager,
  evaluateNodeSeries,
  evaluateRules,
  evaluateTargets,
  prometheusChecks,
  type ApiGet,
  type PrometheusExpectation,
} from "../../tools/verify/checks/prometheus";
import { runTool } from "../helpers/prom-tools";
import { freePort, realServers, ServerProcess, tempDir, waitFor } from "../helpers/real-servers";

const FIXTURES = join(__dirname, "..", "fixtures", "verify", "prometheus");
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), "utf8"));

const bin = realServers("Prometheus checks against real servers (test/verify/prometheus.test.ts)", ["prometheus", "promtool", "alertmanager", "amtool", "node-exporter"]);

/** A GET against a loopback base URL that throws on HTTP errors, like the service proxy client. */
const loopback =
  (base: string): ApiGet =>
  async (path) => {
    const response = await fetch(`${base}${path}`);
    if (!response.ok) throw new Error(`HTTP ${response.status} from ${path}`);
    return response.json();
  };

describe.skipIf(!bin)("Prometheus checks against a real Prometheus, node exporter and Alertmanager", () => {
  const servers: ServerProcess[] = [];
  let prom: ApiGet;
  let am: ApiGet;
  let closedPort: number;

  beforeAll(async () => {
    const dir = tempDir("cdn-verify-prom");
    const [nodePort, amPort, promPort] = [await freePort(), await freePort(), await freePort()];
    closedPort = await freePort(); // nothing listens here: a target that is down
    copyFileSync(join(FIXTURES, "rules.yml"), join(dir, "rules.yml"));
    writeFileSync(
      join(dir, "prometheus.yml"),
      [
        "global: { scrape_interval: 1s, evaluation_interval: 1s }",
        `rule_files: ["${join(dir, "rules.yml")}"]`,
        `alerting: { alertmanagers: [ { static_configs: [ { targets: ["127.0.0.1:${amPort}"] } ] } ] }`,
        "scrape_configs:",
        `  - { job_name: node-exporter, static_configs: [ { targets: ["127.0.0.1:${nodePort}"] } ] }`,
        `  - { job_name: prometheus, static_configs: [ { targets: ["127.0.0.1:${promPort}"] } ] }`,
        `  - { job_name: alertmanager, static_configs: [ { targets: ["127.0.0.1:${amPort}"] } ] }`,
        `  - { job_name: kube-state-metrics, static_configs: [ { targets: ["127.0.0.1:${closedPort}"] } ] }`,
        "",
      ].join("\n"),
    );
    servers.push(new ServerProcess(bin!["node-exporter"], [`--web.listen-address=127.0.0.1:${nodePort}`, "--no-collector.systemd"]).start());
    servers.push(
      new ServerProcess(bin!.alertmanager, [
        `--config.file=${join(FIXTURES, "alertmanager.yml")}`,
        `--storage.path=${join(dir, "am")}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        "--cluster.listen-address=",
      ]).start(),
    );
    servers.push(
      new ServerProcess(bin!.prometheus, [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "tsdb")}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        // Alerts evaluated before the Alertmanager is discovered (discovery updates every 5 s) are
        // otherwise re-sent only after a minute.
        "--rules.alert.resend-delay=1s",
      ]).start(),
    );
    prom = loopback(`http://127.0.0.1:${promPort}`);
    am = loopback(`http://127.0.0.1:${amPort}`);
    // Ready when all four configured targets have been discovered and scraped once, and Watchdog
    // reached Alertmanager. Discovery lags rule evaluation by up to 5 s, so Watchdog can arrive while
    // the target list is still empty: the count is what makes this wait for the scrapes.
    await waitFor(
      () => `Prometheus scraping and delivering\n${servers.map((s) => s.output.slice(-2000)).join("\n")}`,
      async () => {
        const active = ((await prom("/api/v1/targets")) as any).data.activeTargets as any[];
        const alerts = (await am("/api/v2/alerts")) as any[];
        return active.filter((t) => t.health !== "unknown").length === 4 && alerts.some((a) => a.labels.alertname === "Watchdog");
      },
      60_000,
    );
  }, 120_000);

  afterAll(async () => {
    for (const s of servers.reverse()) await s.stop();
  });

  const expectation = (overrides: Partial<PrometheusExpectation> = {}): PrometheusExpectation => ({
    requiredJobs: ["node-exporter", "prometheus", "alertmanager"],
    nodeExporterJob: "node-exporter",
    nodes: [{ name: hostname() }],
    requiredAlerts: ["Watchdog"],
    deliveryAlert: "Watchdog",
    ...overrides,
  });

  it("pass: default jobs up, CPU and memory series for the node, rules loaded, Alertmanager reachable and receiving", async () => {
    const results = await prometheusChecks(prom, am, expectation());
    for (const [id, finding] of Object.entries(results)) expect(finding.result, `${id}: ${finding.evidence}`).toBe("PASS");
    expect(results["prometheus.targets"].evidence).toBe("targets up: node-exporter 1/1, prometheus 1/1, alertmanager 1/1");
    expect(results["prometheus.node-series"].evidence).toBe("CPU and memory series for all 1 node(s)");
    expect(results["prometheus.rules"].evidence).toBe("2 alerting and 1 recording rules in 1 groups, none failing");
    expect(results["prometheus.alertmanager"].evidence).toMatch(/^Prometheus sends to 1 Alertmanager\(s\); Alertmanager \S+ (ready|disabled); Watchdog delivered$/);
  });

  it("a required job whose target is down, or that has no targets, FAILs with the scrape error", async () => {
    const results = await prometheusChecks(prom, am, expectation({ requiredJobs: ["node-exporter", "kube-state-metrics", "coredns"] }));
    const targets = results["prometheus.targets"];
    expect(targets.result).toBe("FAIL");
    expect(targets.evidence).toContain(`job kube-state-metrics: 127.0.0.1:${closedPort} down (`);
    expect(targets.evidence).toMatch(/connection refused/);
    expect(targets.evidence).toContain("job coredns: no targets");
  });

  it("a node without series, a missing alert rule, and an alert that never reached Alertmanager each FAIL", async () => {
    const results = await prometheusChecks(prom, am, expectation({ nodes: [{ name: hostname() }, { name: "ip-10-10-1-23.ec2.internal", internalIp: "10.10.1.23" }], requiredAlerts: ["Watchdog", "KubePodCrashLooping"], deliveryAlert: "InfoInhibitor" }));
    expect(results["prometheus.node-series"]).toEqual({ result: "FAIL", evidence: "no CPU series for ip-10-10-1-23.ec2.internal; no memory series for ip-10-10-1-23.ec2.internal" });
    expect(results["prometheus.rules"]).toEqual({ result: "FAIL", evidence: "alerting rules missing: KubePodCrashLooping" });
    expect(results["prometheus.alertmanager"].result).toBe("FAIL");
    expect(results["prometheus.alertmanager"].evidence).toMatch(/InfoInhibitor has not reached Alertmanager \(\d+ alert\(s\) there\)/);
  });

  it("an unreachable Prometheus or Alertmanager FAILs every check with the reason", async () => {
    const down = loopback(`http://127.0.0.1:${closedPort}`);
    const results = await prometheusChecks(down, down, expectation());
    for (const finding of Object.values(results)) {
      expect(finding.result).toBe("FAIL");
      expect(finding.evidence).toMatch(/fetch failed|ECONNREFUSED/);
    }
  });

  it("the rules and Alertmanager configuration pass promtool and amtool; a broken rule file does not", () => {
    const rules = runTool(bin!.promtool, ["check", "rules", join(FIXTURES, "rules.yml")]);
    expect(rules.status, rules.output).toBe(0);
    expect(rules.output).toContain("SUCCESS: 3 rules found");
    const config = runTool(bin!.amtool, ["check-config", join(FIXTURES, "alertmanager.yml")]);
    expect(config.status, config.output).toBe(0);
    const broken = join(tempDir("cdn-verify-rules"), "broken.yml");
    writeFileSync(broken, "groups:\n  - name: x\n    rules:\n      - alert: Broken\n        expr: rate(up[5m]\n");
    const bad = runTool(bin!.promtool, ["check", "rules", broken]);
    expect(bad.status).not.toBe(0);
    expect(bad.output).toMatch(/parse error|unclosed left parenthesis/);
  });
});

describe("Prometheus checks against recorded failure responses", () => {
  it("targets: down and not-yet-scraped targets FAIL; an error envelope FAILs; an empty job list FAILs", () => {
    const down = evaluateTargets(fixture("targets-down.json"), ["apiserver", "kubelet", "node-exporter"]);
    expect(down.result).toBe("FAIL");
    expect(down.evidence).toBe(
      'job kubelet: 10.10.12.7:10250 down (Get "https://10.10.12.7:10250/metrics": context deadline exceeded); job node-exporter: ip-10-10-44-9.ec2.internal unknown',
    );
    expect(evaluateTargets(fixture("error-bad-data.json"), ["apiserver"])).toEqual({ result: "FAIL", evidence: 'targets: status "error" bad_data: invalid parameter "query": 1:1: parse error: unexpected end of input' });
    expect(evaluateTargets(fixture("targets-down.json"), []).result).toBe("FAIL");
    expect(evaluateTargets({ status: "success", data: { activeTargets: [] } }, ["apiserver"]).evidence).toBe("job apiserver: no targets");
  });

  it("rules: a failing rule and an empty rule set FAIL", () => {
    const failing = evaluateRules(fixture("rules-error.json"), ["Watchdog"]);
    expect(failing.result).toBe("FAIL");
    expect(failing.evidence).toBe("rule kubernetes-resources/KubeCPUOvercommit fails: found duplicate series for the match group {namespace=\"kube-system\"} on the right hand-side of the operation");
    expect(evaluateRules({ status: "success", data: { groups: [] } }, []).evidence).toBe("no alerting rules loaded (0 group(s))");
  });

  it("node series: a non-vector result, an empty node list and a missing node FAIL", () => {
    const matrix = { status: "success", data: { resultType: "matrix", result: [] } };
    expect(evaluateNodeSeries(matrix, matrix, [{ name: "n" }]).evidence).toBe("CPU series query: expected a vector result, got matrix; memory series query: expected a vector result, got matrix");
    const one = fixture("node-series-one-node.json");
    expect(evaluateNodeSeries(one, one, []).evidence).toBe("no nodes to check (the node list is empty)");
    expect(evaluateNodeSeries(one, one, [{ name: "ip-10-10-1-5.ec2.internal" }, { name: "ip-10-10-33-8.ec2.internal", internalIp: "10.10.33.8" }])).toEqual({
      result: "FAIL",
      evidence: "no CPU series for ip-10-10-33-8.ec2.internal; no memory series for ip-10-10-33-8.ec2.internal",
    });
    // Matching by InternalIP when the instance label is an address.
    expect(evaluateNodeSeries(one, one, [{ name: "renamed", internalIp: "10.10.1.5" }]).result).toBe("PASS");
  });

  it("alertmanager: no active Alertmanager, a settling cluster, and the service proxy's 503 body FAIL", () => {
    const none = { status: "success", data: { activeAlertmanagers: [], droppedAlertmanagers: [] } };
    const status = fixture("alertmanager-status-settling.json");
    expect(evaluateAlertmanager(none, status, [], undefined).evidence).toBe("Prometheus has no active Alertmanager; Alertmanager cluster status settling");
    // What the Kubernetes API service proxy returns when the service has no ready endpoints.
    const proxy503 = fixture("service-proxy-503.json");
    expect(evaluateTargets(proxy503, ["apiserver"]).evidence).toBe('targets: status "Failure"');
    expect(evaluateAlertmanager(none, proxy503, proxy503, "Watchdog").evidence).toBe(
      "Prometheus has no active Alertmanager; Alertmanager status: unexpected response; Alertmanager alerts: unexpected response",
    );
  });
});
