/**
 * The Prometheus rules and the Alertmanager configuration exactly as synthesized into every plane's
 * kube-prometheus-stack release, checked with the real tools: `promtool check rules`, `promtool test
 * rules` (each custom alert fires on a crafted series and stays silent on a healthy one) and `amtool
 * check-config` plus `amtool config routes test` (severity routing, the Watchdog heartbeat route).
 * Broken inputs prove each check can fail.
 */
import { describe, expect, it } from "vitest";
import { DATABASE_DUMP_CRONJOB } from "../constructs/database-dump";
import type { AlertRule, RuleGroup } from "../constructs/monitoring";
import { DB_BACKUP_NAMESPACE, clusterName, k8sStackName, planesOf } from "../src/config/naming";
import { runTool, withFiles } from "./helpers/prom-tools";
import { realServers } from "./helpers/real-servers";
import { allEnvironments, configsOf, stack, synthesizeAll } from "./helpers/synth";

const synth = synthesizeAll();
const planes = allEnvironments().flatMap((env) => planesOf(env).map(({ ref, config }) => ({ env, ref, config, name: k8sStackName(env.name, ref) })));

/** The kube-prometheus-stack values of a synthesized in-cluster stack. */
function values(name: string): any {
  const release = configsOf(stack(synth, name), "helm_release").find((r) => r.name === "kube-prometheus-stack");
  expect(release, name).toBeDefined();
  return JSON.parse(release.values[0]);
}

const rulesOf = (name: string): RuleGroup[] => values(name).additionalPrometheusRulesMap["cdn-platform"].groups;
const alertmanagerOf = (name: string): Record<string, unknown> => values(name).alertmanager.config;
const ruleNamed = (groups: RuleGroup[], alert: string): AlertRule[] => groups.flatMap((g) => g.rules).filter((r) => r.alert === alert);

// Each tool on its own: the promtool checks run where only promtool is installed.
const promtool = realServers("promtool checks of the alert rules (test/alerting-rules.test.ts)", ["promtool"])?.promtool;
const amtool = realServers("amtool checks of the Alertmanager configuration (test/alerting-rules.test.ts)", ["amtool"])?.amtool;

/** Substitutes `{{ $labels.x }}` like Prometheus does, for expected annotations. */
function expand(annotations: Readonly<Record<string, string>>, labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(annotations).map(([k, v]) => [k, v.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_m, l: string) => labels[l] ?? "")]));
}

describe.each(planes)("rules and Alertmanager of $name", ({ env, config, name, ref }) => {
  const groups = rulesOf(name);
  const am = alertmanagerOf(name);

  it("ship the platform rules for every node group, volumes and the database dumps", () => {
    const alerts = groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of ["NodeGroupReadyNodesBelowMinimum", "NodeGroupAtMaxSize", "PersistentVolumeUsageHigh", "DatabaseDumpFailed", "DatabaseDumpTooOld", "DatabaseDumpMissing"]) expect(alerts).toContain(a);
    expect(ruleNamed(groups, "NodeGroupAtMaxSize")).toHaveLength(config.cluster.nodeGroups.length);
    for (const r of groups.flatMap((g) => g.rules)) {
      expect(["critical", "warning"]).toContain(r.labels.severity);
      expect(r.annotations.runbook_url).toMatch(/^runbooks\/alerts\.md#[a-z]+$/);
    }
  });

  it.skipIf(!promtool)("pass promtool check rules", () => {
    const r = withFiles({ "rules.yaml": { groups } }, (dir) => runTool(promtool!, ["check", "rules", "rules.yaml"], dir));
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.status).toBe(0);
  });

  it.skipIf(!promtool)("fire on crafted series and stay silent on healthy ones (promtool test rules)", () => {
    const [group] = config.cluster.nodeGroups;
    const ng = `${clusterName(ref)}-${group.name}`;
    const nodeLabels = (i: number) => `kube_node_labels{node="n${i}",label_eks_amazonaws_com_nodegroup="${ng}"}`;
    const ready = (i: number, value: number) => ({ series: `kube_node_status_condition{node="n${i}",condition="Ready",status="true"}`, values: `${value}x120` });
    const nodes = (n: number) => Array.from({ length: n }, (_, i) => ({ series: nodeLabels(i), values: "1x120" }));
    const rule = (alert: string) => ruleNamed(groups, alert).find((r) => r.labels.nodegroup === undefined || r.labels.nodegroup === ng)!;
    const expected = (alert: string, labels: Record<string, string>) => [{ exp_labels: { ...rule(alert).labels, ...labels }, exp_annotations: expand(rule(alert).annotations, labels) }];
    const dump = { namespace: DB_BACKUP_NAMESPACE, cronjob: DATABASE_DUMP_CRONJOB };
    const lastSuccess = `kube_cronjob_status_last_successful_time{namespace="${dump.namespace}",cronjob="${dump.cronjob}"}`;
    const failedJob = { namespace: dump.namespace, job_name: `${DATABASE_DUMP_CRONJOB}-29400000` };
    const pvc = { namespace: "monitoring", persistentvolumeclaim: "prometheus-db" };
    const pvcSeries = (used: number) => [
      { series: `kubelet_volume_stats_used_bytes{namespace="${pvc.namespace}",persistentvolumeclaim="${pvc.persistentvolumeclaim}"}`, values: `${used}x60` },
      { series: `kubelet_volume_stats_capacity_bytes{namespace="${pvc.namespace}",persistentvolumeclaim="${pvc.persistentvolumeclaim}"}`, values: "100x60" },
    ];
    const tests = [
      // Node group at its maximum for 30 minutes fires; one node fewer stays silent.
      { interval: "1m", input_series: nodes(group.maxSize), alert_rule_test: [{ eval_time: "45m", alertname: "NodeGroupAtMaxSize", exp_alerts: expected("NodeGroupAtMaxSize", {}) }] },
      { interval: "1m", input_series: nodes(group.maxSize - 1), alert_rule_test: [{ eval_time: "45m", alertname: "NodeGroupAtMaxSize", exp_alerts: [] }] },
      // One of the minimum number of nodes not Ready fires; all Ready stays silent.
      {
        interval: "1m",
        input_series: [...nodes(group.minSize), ...Array.from({ length: group.minSize }, (_, i) => ready(i, i === 0 ? 0 : 1))],
        alert_rule_test: [{ eval_time: "30m", alertname: "NodeGroupReadyNodesBelowMinimum", exp_alerts: expected("NodeGroupReadyNodesBelowMinimum", {}) }],
      },
      {
        interval: "1m",
        input_series: [...nodes(group.minSize), ...Array.from({ length: group.minSize }, (_, i) => ready(i, 1))],
        alert_rule_test: [{ eval_time: "30m", alertname: "NodeGroupReadyNodesBelowMinimum", exp_alerts: [] }],
      },
      // A volume 85% full for 15 minutes fires; half full stays silent.
      { interval: "1m", input_series: pvcSeries(85), alert_rule_test: [{ eval_time: "30m", alertname: "PersistentVolumeUsageHigh", exp_alerts: expected("PersistentVolumeUsageHigh", pvc) }] },
      { interval: "1m", input_series: pvcSeries(50), alert_rule_test: [{ eval_time: "30m", alertname: "PersistentVolumeUsageHigh", exp_alerts: [] }] },
      // A failed dump Job fires; a Job without failures stays silent.
      {
        interval: "1m",
        input_series: [{ series: `kube_job_status_failed{namespace="${failedJob.namespace}",job_name="${failedJob.job_name}"}`, values: "1x30" }],
        alert_rule_test: [{ eval_time: "10m", alertname: "DatabaseDumpFailed", exp_alerts: expected("DatabaseDumpFailed", failedJob) }],
      },
      {
        interval: "1m",
        input_series: [{ series: `kube_job_status_failed{namespace="${failedJob.namespace}",job_name="${failedJob.job_name}"}`, values: "0x30" }],
        alert_rule_test: [{ eval_time: "10m", alertname: "DatabaseDumpFailed", exp_alerts: [] }],
      },
    ];
    // Hours-long cases, evaluated every 5 minutes: their thresholds and `for` are tens of minutes to hours,
    // and at a 1-minute interval these four cases were two thirds of promtool's work.
    const hours = [
      // The last success stuck at t=0 fires once older than allowed; a success every minute stays silent.
      {
        interval: "1m",
        input_series: [{ series: lastSuccess, values: "0x300" }],
        alert_rule_test: [{ eval_time: "4h", alertname: "DatabaseDumpTooOld", exp_alerts: expected("DatabaseDumpTooOld", dump) }],
      },
      {
        interval: "1m",
        input_series: [{ series: lastSuccess, values: "0+60x300" }],
        alert_rule_test: [{ eval_time: "4h", alertname: "DatabaseDumpTooOld", exp_alerts: [] }],
      },
      // No success ever recorded fires after 3 hours; a recorded one stays silent.
      {
        interval: "1m",
        input_series: [{ series: `kube_cronjob_info{namespace="${dump.namespace}",cronjob="${dump.cronjob}"}`, values: "1x300" }],
        alert_rule_test: [{ eval_time: "4h", alertname: "DatabaseDumpMissing", exp_alerts: expected("DatabaseDumpMissing", dump) }],
      },
      { interval: "1m", input_series: [{ series: lastSuccess, values: "0+60x300" }], alert_rule_test: [{ eval_time: "4h", alertname: "DatabaseDumpMissing", exp_alerts: [] }] },
    ];
    const r = withFiles(
      {
        "rules.yaml": { groups },
        "minutes.yaml": { rule_files: ["rules.yaml"], evaluation_interval: "1m", tests },
        "hours.yaml": { rule_files: ["rules.yaml"], evaluation_interval: "5m", tests: hours },
      },
      (dir) => runTool(promtool!, ["test", "rules", "minutes.yaml", "hours.yaml"], dir),
    );
    expect(r.output.match(/SUCCESS/g), r.output).toHaveLength(2);
    expect(r.status, r.output).toBe(0);
    expect(env.backups.maxDumpAgeMinutes * 60).toBeLessThan(4 * 3600);
  });

  it("routes to the plane's SNS topics with SigV4 in the plane's region", () => {
    const receivers = am.receivers as any[];
    const sns = receivers.find((r) => r.name === "sns-alerts").sns_configs[0];
    expect(sns.topic_arn).toBe(`arn:aws:sns:${config.region}:${env.accountId}:cdn-${env.name}-${ref.kind === "global" ? "global" : `regional-${ref.key}`}-alerts`);
    expect(sns.sigv4).toEqual({ region: config.region });
    expect(sns.send_resolved).toBe(true);
    expect(sns.attributes.environment).toBe(env.name);
    expect(sns.sigv4.access_key).toBeUndefined();
    const heartbeat = receivers.find((r) => r.name === "heartbeat").sns_configs[0];
    expect(heartbeat.topic_arn).toMatch(/-alertmanager-heartbeat$/);
    expect(values(name).alertmanager.serviceAccount).toEqual({ create: true, name: "alertmanager" });
  });

  it.skipIf(!amtool)("passes amtool check-config and routes by severity, with a Watchdog heartbeat route", () => {
    withFiles({ "alertmanager.yaml": am }, (dir) => {
      const check = runTool(amtool!, ["check-config", "alertmanager.yaml"], dir);
      expect(check.output).toContain("SUCCESS");
      expect(check.status, check.output).toBe(0);
      const route = (...labels: string[]) => runTool(amtool!, ["config", "routes", "test", "--config.file=alertmanager.yaml", ...labels], dir).stdout.trim();
      expect(route("alertname=Watchdog", "severity=none")).toBe("heartbeat");
      expect(route("alertname=KubeNodeNotReady", "severity=critical")).toBe("sns-alerts");
      expect(route("alertname=CPUThrottlingHigh", "severity=warning")).toBe("sns-alerts");
      expect(route("alertname=KubeQuotaAlmostFull", "severity=info")).toBe("null");
      expect(route("alertname=InfoInhibitor", "severity=none")).toBe("null");
    });
  });
});

describe("the offline checks can fail", () => {
  it.skipIf(!promtool)("promtool rejects a rule with invalid PromQL", () => {
    const bad = { groups: [{ name: "broken", rules: [{ alert: "Broken", expr: "sum(rate(x[5m]) by", for: "5m", labels: { severity: "warning" } }] }] };
    const r = withFiles({ "rules.yaml": bad }, (dir) => runTool(promtool!, ["check", "rules", "rules.yaml"], dir));
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/FAILED|error/i);
  });

  it.skipIf(!promtool)("promtool test rules fails when an expected alert does not fire", () => {
    const [first] = planes;
    const groups = rulesOf(first.name);
    const tests = [{ interval: "1m", input_series: [], alert_rule_test: [{ eval_time: "10m", alertname: "DatabaseDumpFailed", exp_alerts: [{ exp_labels: { severity: "warning" } }] }] }];
    const r = withFiles({ "rules.yaml": { groups }, "tests.yaml": { rule_files: ["rules.yaml"], tests } }, (dir) => runTool(promtool!, ["test", "rules", "tests.yaml"], dir));
    expect(r.status).not.toBe(0);
  });

  it.skipIf(!amtool)("amtool rejects a route to an undefined receiver", () => {
    const [first] = planes;
    const am = structuredClone(alertmanagerOf(first.name)) as any;
    am.route.routes[0].receiver = "pagerduty-that-does-not-exist";
    const r = withFiles({ "alertmanager.yaml": am }, (dir) => runTool(amtool!, ["check-config", "alertmanager.yaml"], dir));
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/undefined receiver|FAILED/i);
  });
});
