/**
 * In-cluster monitoring: the kube-prometheus-stack Helm release (Prometheus operator, Prometheus,
 * Alertmanager, Grafana, node-exporter, kube-state-metrics) in its own namespace. Grafana's admin
 * password is generated inside the cluster by the Grafana chart (a Secret it creates once and keeps on
 * upgrades through `lookup`), so it is never in Terraform's configuration, plan or state. Prometheus labels every series
 * with the cluster, region and environment so that federated or remote-written data stays attributable.
 *
 * Alerting: Alertmanager routes to the plane's SNS alert topic (`alertmanager.ts`: SigV4 signing,
 * credentials from the Pod Identity role bound to its fixed service account name, severity routes,
 * inhibition, the Watchdog heartbeat), and the platform's own rules (`rules.ts`) ship as a
 * PrometheusRule through `additionalPrometheusRulesMap`. kube-state-metrics exports the EKS node group
 * label of each node, which those rules need.
 */
import { Release } from "@cdktf/provider-helm/lib/release";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { alertmanagerConfig, type AlertmanagerSettings } from "./alertmanager";
import { NODE_GROUP_LABEL_ALLOWLIST, platformRules, type PlatformRulesSettings } from "./rules";
import { RELEASE_LIFECYCLE } from "../../src/lib/helm";

export { alertmanagerConfig, HEARTBEAT_REPEAT_MINUTES, type AlertmanagerSettings } from "./alertmanager";
export { NODE_GROUP_LABEL_ALLOWLIST, platformRules, type AlertRule, type PlatformRulesSettings, type RuleGroup, type WatchedNodeGroup } from "./rules";

/** Where the chart comes from. */
export const KUBE_PROMETHEUS_STACK_REPOSITORY = "https://prometheus-community.github.io/helm-charts";

/** Defaults of {@link MonitoringProps}; the config schema fills omitted fields from the same object. */
export const MONITORING_DEFAULTS = {
  retentionDays: 15,
  prometheusStorageGiB: 50,
  alertmanagerStorageGiB: 10,
  grafanaStorageGiB: 10,
} as const;

/** Props of {@link Monitoring}. */
export interface MonitoringProps {
  /** Pinned kube-prometheus-stack chart version. */
  readonly chartVersion: string;
  /** Namespace to create and install into. */
  readonly namespace: string;
  /** Cluster name (external label `cluster`). */
  readonly clusterName: string;
  /** Region (external label `region`). */
  readonly region: string;
  /** Environment (external label `environment`). */
  readonly environment: string;
  /** Storage class for the persistent volumes. */
  readonly storageClassName: string;
  /** Days Prometheus keeps samples. @default 15 */
  readonly retentionDays?: number;
  /** Prometheus volume size in GiB. @default 50 */
  readonly prometheusStorageGiB?: number;
  /** Alertmanager volume size in GiB. @default 10 */
  readonly alertmanagerStorageGiB?: number;
  /** Grafana volume size in GiB. @default 10 */
  readonly grafanaStorageGiB?: number;
  /** Where Alertmanager sends alerts (the plane's SNS topics). */
  readonly alerting: AlertmanagerSettings;
  /** Service account of Alertmanager (the Pod Identity association names it, so the chart must use it). */
  readonly alertmanagerServiceAccount: string;
  /** What the platform rules watch. */
  readonly rules: PlatformRulesSettings;
  /** Resources the release must wait for (e.g. the storage class). */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** Helm release name (also the prefix of the Grafana subchart's resource names). */
const RELEASE_NAME = "kube-prometheus-stack";

/** kube-prometheus-stack with a Grafana admin secret generated in the cluster. */
export class Monitoring extends Construct {
  /** The Helm release. */
  readonly release: Release;
  /**
   * Name of the Kubernetes secret (keys `admin-user`, `admin-password`) that the Grafana chart creates
   * with a random password on first install and reuses on every upgrade.
   */
  readonly grafanaSecretName = `${RELEASE_NAME}-grafana`;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const namespace = new NamespaceV1(this, "namespace", {
      metadata: { name: props.namespace, labels: { "app.kubernetes.io/managed-by": "terraform", "pod-security.kubernetes.io/enforce": "privileged" } },
    });
    const volume = (gib: number) => ({
      spec: { storageClassName: props.storageClassName, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${gib}Gi` } } },
    });
    const values = {
      // The chart installs its CRDs through the `crds` subchart on first install (and keeps them on
      // uninstall); Helm's own CRD handling stays on too.
      crds: { enabled: true },
      fullnameOverride: "kps",
      defaultRules: { create: true },
      // EKS does not expose these control-plane components to in-cluster scraping; leaving them on only
      // produces permanently failing targets and TargetDown alerts.
      kubeControllerManager: { enabled: false },
      kubeScheduler: { enabled: false },
      kubeEtcd: { enabled: false },
      kubeProxy: { enabled: false },
      kubeStateMetrics: { enabled: true },
      "kube-state-metrics": { metricLabelsAllowlist: [NODE_GROUP_LABEL_ALLOWLIST] },
      nodeExporter: { enabled: true },
      additionalPrometheusRulesMap: { "cdn-platform": { groups: platformRules(props.rules) } },
      alertmanager: {
        enabled: true,
        serviceAccount: { create: true, name: props.alertmanagerServiceAccount },
        config: alertmanagerConfig(props.alerting),
        alertmanagerSpec: { storage: { volumeClaimTemplate: volume(props.alertmanagerStorageGiB ?? MONITORING_DEFAULTS.alertmanagerStorageGiB) } },
      },
      grafana: {
        enabled: true,
        // kube-prometheus-stack defaults adminPassword to a well-known value; empty makes the Grafana
        // chart generate a 40-character password into its Secret kube-prometheus-stack-grafana itself
        // (randAlphaNum, kept across upgrades by a lookup of that Secret). Terraform never sees it
        // (runbooks/kubernetes-health.md says how to read it).
        adminPassword: "",
        persistence: { enabled: true, storageClassName: props.storageClassName, size: `${props.grafanaStorageGiB ?? MONITORING_DEFAULTS.grafanaStorageGiB}Gi` },
        defaultDashboardsTimezone: "utc",
      },
      prometheus: {
        prometheusSpec: {
          retention: `${props.retentionDays ?? MONITORING_DEFAULTS.retentionDays}d`,
          externalLabels: { cluster: props.clusterName, region: props.region, environment: props.environment },
          storageSpec: { volumeClaimTemplate: volume(props.prometheusStorageGiB ?? MONITORING_DEFAULTS.prometheusStorageGiB) },
          // Pick up ServiceMonitors/PodMonitors/rules from every release and namespace, not only this one.
          serviceMonitorSelectorNilUsesHelmValues: false,
          podMonitorSelectorNilUsesHelmValues: false,
          ruleSelectorNilUsesHelmValues: false,
          probeSelectorNilUsesHelmValues: false,
        },
      },
    };
    this.release = new Release(this, "release", {
      name: RELEASE_NAME,
      repository: KUBE_PROMETHEUS_STACK_REPOSITORY,
      chart: "kube-prometheus-stack",
      version: props.chartVersion,
      namespace: props.namespace,
      createNamespace: false,
      values: [JSON.stringify(values, null, 2)],
      skipCrds: false,
      // A first install pulls images and provisions three volumes: give it time, and never leave a
      // half-installed release behind.
      timeout: 1200,
      ...RELEASE_LIFECYCLE,
      waitForJobs: true,
      dependsOn: [namespace, ...(props.dependsOn ?? [])],
    });
  }
}
