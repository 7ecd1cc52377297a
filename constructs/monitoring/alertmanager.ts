/**
 * The Alertmanager configuration of a plane, as data (rendered into the chart's `alertmanager.config`
 * and checked with `amtool check-config` in the tests).
 *
 * - Receivers: `sns-alerts` publishes to the plane's alert topic through Alertmanager's SNS
 *   integration, signed with SigV4 in the topic's region; credentials come from the default AWS chain,
 *   i.e. the EKS Pod Identity role bound to Alertmanager's service account. `heartbeat` publishes the
 *   Watchdog to the heartbeat topic. `null` drops.
 * - Routing by severity: `critical` notifies fast and repeats hourly, `warning` repeats every four
 *   hours, `info`/`none` are dropped (they stay visible in the Alertmanager UI). Grouping by alert name,
 *   cluster, namespace and severity.
 * - Dead-man's switch: the always-firing `Watchdog` goes to `heartbeat` every 5 minutes; the plane's
 *   `alertmanager-heartbeat` CloudWatch alarm pages through the alert topic when those stop.
 * - Inhibition: a critical alert silences the warning/info alerts of the same name, namespace and
 *   cluster, a warning the info ones; `InfoInhibitor` silences info alerts of its namespace.
 *
 * Only fields that both the deployed Alertmanager (v0.34 with kube-prometheus-stack 88.x) and
 * Debian's amtool 0.25 (the offline check) accept: `matchers`, `sns_configs` with `sigv4.region`.
 */

/** What the configuration needs to know. */
export interface AlertmanagerSettings {
  /** ARN of the alert topic. */
  readonly alertTopicArn: string;
  /** ARN of the heartbeat topic. */
  readonly heartbeatTopicArn: string;
  /** Region of both topics (SigV4 signing region). */
  readonly region: string;
  /** Environment name, added as an SNS message attribute. */
  readonly environment: string;
}

/** Minutes between Watchdog heartbeats (the heartbeat alarm expects one per 5-minute period). */
export const HEARTBEAT_REPEAT_MINUTES = 5;

/** SNS rejects subjects over 100 characters; keep ours short and ASCII. */
const SUBJECT = '[{{ .Status | toUpper }}] {{ or .CommonLabels.severity "none" }} {{ .CommonLabels.alertname }} {{ .CommonLabels.cluster }}';

/** The Alertmanager configuration (a plain object; YAML/JSON-serializable). */
export function alertmanagerConfig(s: AlertmanagerSettings): Record<string, unknown> {
  const sns = (topicArn: string, extra: Record<string, unknown>) => ({ topic_arn: topicArn, sigv4: { region: s.region }, ...extra });
  return {
    global: { resolve_timeout: "5m" },
    route: {
      receiver: "sns-alerts",
      group_by: ["alertname", "cluster", "namespace", "severity"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      routes: [
        {
          receiver: "heartbeat",
          matchers: ['alertname = "Watchdog"'],
          group_by: ["alertname", "cluster"],
          group_wait: "0s",
          group_interval: "1m",
          repeat_interval: `${HEARTBEAT_REPEAT_MINUTES}m`,
        },
        { receiver: "null", matchers: ['alertname = "InfoInhibitor"'] },
        { receiver: "sns-alerts", matchers: ['severity = "critical"'], group_wait: "10s", group_interval: "2m", repeat_interval: "1h" },
        { receiver: "sns-alerts", matchers: ['severity = "warning"'], repeat_interval: "4h" },
        { receiver: "null", matchers: ['severity =~ "info|none"'] },
      ],
    },
    inhibit_rules: [
      { source_matchers: ['severity = "critical"'], target_matchers: ['severity =~ "warning|info"'], equal: ["alertname", "namespace", "cluster"] },
      { source_matchers: ['severity = "warning"'], target_matchers: ['severity = "info"'], equal: ["alertname", "namespace", "cluster"] },
      { source_matchers: ['alertname = "InfoInhibitor"'], target_matchers: ['severity = "info"'], equal: ["namespace"] },
    ],
    receivers: [
      { name: "null" },
      {
        name: "sns-alerts",
        sns_configs: [
          sns(s.alertTopicArn, {
            subject: SUBJECT,
            attributes: { severity: '{{ or .CommonLabels.severity "none" }}', environment: s.environment, status: "{{ .Status }}" },
            send_resolved: true,
          }),
        ],
      },
      { name: "heartbeat", sns_configs: [sns(s.heartbeatTopicArn, { subject: "Watchdog heartbeat {{ .CommonLabels.cluster }}", send_resolved: false })] },
    ],
  };
}
