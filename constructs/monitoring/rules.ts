/**
 * Prometheus alerting rules for what kube-prometheus-stack's default rules do not cover on this
 * platform (shipped as the chart's `additionalPrometheusRulesMap`, checked with `promtool check rules`
 * and unit-tested with `promtool test rules` in the tests):
 *
 * - **Node groups** (EKS has no CloudWatch node-group health metric without Container Insights):
 *   Ready nodes of a managed node group below its minimum size; a node group at its maximum size for
 *   30 minutes (the autoscaler cannot add capacity). Nodes are attributed to node groups through the
 *   `eks.amazonaws.com/nodegroup` label, which kube-state-metrics exports once allow-listed
 *   ({@link NODE_GROUP_LABEL_ALLOWLIST}).
 * - **Volumes**: a PVC more than 80% full for 15 minutes, long before the default rule's 3% free.
 * - **Database dumps** (the cross-region backup): a failed dump Job; no successful dump for longer than
 *   allowed; no successful dump ever recorded.
 *
 * Database connection errors are not covered: no workload exports connection metrics yet (the
 * control-plane services will, with their own rules).
 *
 * Every expression sticks to PromQL that Prometheus 2.42 (Debian's promtool, the offline check) and
 * 3.x (deployed) both accept.
 */

/** kube-state-metrics flag value that exports the node group label as `label_eks_amazonaws_com_nodegroup`. */
export const NODE_GROUP_LABEL_ALLOWLIST = "nodes=[eks.amazonaws.com/nodegroup]";

/** A node group the rules watch. */
export interface WatchedNodeGroup {
  /** The EKS node group name (the nodes' `eks.amazonaws.com/nodegroup` label). */
  readonly name: string;
  /** Its minimum size. */
  readonly minSize: number;
  /** Its maximum size. */
  readonly maxSize: number;
}

/** What the rules need to know. */
export interface PlatformRulesSettings {
  /** The plane's managed node groups. */
  readonly nodeGroups: readonly WatchedNodeGroup[];
  /** Namespace of the dump CronJob. */
  readonly dumpNamespace: string;
  /** Name of the dump CronJob. */
  readonly dumpCronJob: string;
  /** Minutes after the last successful dump before `DatabaseDumpTooOld` fires. */
  readonly maxDumpAgeMinutes: number;
  /** PVC usage ratio above which `PersistentVolumeUsageHigh` fires. @default 0.8 */
  readonly volumeUsageRatio?: number;
}

/** One Prometheus alerting rule. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A rule group. */
export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

const RUNBOOK = "runbooks/alerts.md";

/** The platform's rule groups. */
export function platformRules(s: PlatformRulesSettings): RuleGroup[] {
  if (s.nodeGroups.length === 0) throw new Error("platformRules: no node groups to watch");
  const ratio = s.volumeUsageRatio ?? 0.8;
  const nodeRules = s.nodeGroups.flatMap((g): AlertRule[] => {
    const nodes = `kube_node_labels{label_eks_amazonaws_com_nodegroup="${g.name}"}`;
    return [
      {
        alert: "NodeGroupReadyNodesBelowMinimum",
        expr: `(sum(kube_node_status_condition{condition="Ready",status="true"} * on (node) group_left () ${nodes}) or vector(0)) < ${g.minSize}`,
        for: "15m",
        labels: { severity: "critical", nodegroup: g.name },
        annotations: {
          summary: `Node group ${g.name} has fewer Ready nodes than its minimum of ${g.minSize}.`,
          description: `Fewer than ${g.minSize} nodes of node group ${g.name} have been Ready for 15 minutes: capacity is below what the platform is sized for.`,
          runbook_url: `${RUNBOOK}#nodegroupreadynodesbelowminimum`,
        },
      },
      {
        alert: "NodeGroupAtMaxSize",
        expr: `count(${nodes}) >= ${g.maxSize}`,
        for: "30m",
        labels: { severity: "warning", nodegroup: g.name },
        annotations: {
          summary: `Node group ${g.name} has been at its maximum of ${g.maxSize} nodes for 30 minutes.`,
          description: `Node group ${g.name} cannot grow: pending pods stay pending. Raise maxSize or reduce requests.`,
          runbook_url: `${RUNBOOK}#nodegroupatmaxsize`,
        },
      },
    ];
  });
  const job = `namespace="${s.dumpNamespace}"`;
  const cronjob = `kube_cronjob_status_last_successful_time{${job},cronjob="${s.dumpCronJob}"}`;
  return [
    { name: "cdn-platform.nodegroups", rules: nodeRules },
    {
      name: "cdn-platform.volumes",
      rules: [
        {
          alert: "PersistentVolumeUsageHigh",
          expr: `kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes > ${ratio}`,
          for: "15m",
          labels: { severity: "warning" },
          annotations: {
            summary: "A persistent volume is more than " + Math.round(ratio * 100) + "% full.",
            description: "PVC {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is more than " + Math.round(ratio * 100) + "% full: expand it (the gp3 class allows expansion) or lower the retention.",
            runbook_url: `${RUNBOOK}#persistentvolumeusagehigh`,
          },
        },
      ],
    },
    {
      name: "cdn-platform.database-dumps",
      rules: [
        {
          alert: "DatabaseDumpFailed",
          expr: `kube_job_status_failed{${job},job_name=~"${s.dumpCronJob}-.*"} > 0`,
          for: "1m",
          labels: { severity: "warning" },
          annotations: {
            summary: "A database dump Job failed.",
            description: "Job {{ $labels.namespace }}/{{ $labels.job_name }} failed: this hour has no cross-region copy of the database.",
            runbook_url: `${RUNBOOK}#databasedumpfailed`,
          },
        },
        {
          alert: "DatabaseDumpTooOld",
          expr: `time() - ${cronjob} > ${s.maxDumpAgeMinutes * 60}`,
          for: "5m",
          labels: { severity: "critical" },
          annotations: {
            summary: `No successful database dump for more than ${s.maxDumpAgeMinutes} minutes.`,
            description: `The newest cross-region copy of the database is older than ${s.maxDumpAgeMinutes} minutes: the cross-region recovery point objective is not met.`,
            runbook_url: `${RUNBOOK}#databasedumptooold`,
          },
        },
        {
          alert: "DatabaseDumpMissing",
          expr: `absent(${cronjob})`,
          for: "3h",
          labels: { severity: "critical" },
          annotations: {
            summary: "No successful database dump has ever been recorded.",
            description: `kube-state-metrics reports no successful run of CronJob ${s.dumpNamespace}/${s.dumpCronJob}: there is no cross-region copy of the database.`,
            runbook_url: `${RUNBOOK}#databasedumpmissing`,
          },
        },
      ],
    },
  ];
}
