/**
 * AWS-side alarms of one plane, all notifying the plane's alert topic (alarm and recovery):
 *
 * - **Database** (RDS for PostgreSQL Multi-AZ DB cluster): CPU, freeable memory, free storage,
 *   connections and replica lag, as CloudWatch **Metrics Insights** query alarms over the `AWS/RDS`
 *   per-instance schema of the plane's region. The member instance identifiers of a Multi-AZ DB cluster
 *   are chosen by RDS and only known after apply, and whether every metric is also published per
 *   `DBClusterIdentifier` is not documented for this deployment type; a region-wide query needs
 *   neither. Each plane has its own region in its environment's account, so the query sees exactly
 *   the plane's three instances (plus a restore drill's temporary instance while it runs: see the
 *   restore runbook). Missing data counts as breaching for the always-published metrics, so a wrong
 *   assumption here pages instead of staying silent.
 * - **Database events**: RDS event subscriptions for the cluster (failover, failure, maintenance,
 *   notification) and for DB instances of the region (availability, failover, failure, low storage,
 *   maintenance, recovery).
 * - **NAT gateways**: `ErrorPortAllocation` (any) and `PacketsDropCount` per gateway.
 * - **Load balancers**: the public ALB is created at runtime by the AWS Load Balancer Controller, so
 *   its `LoadBalancer`/`TargetGroup` dimension values do not exist at plan time; Metrics Insights query
 *   alarms over the `AWS/ApplicationELB` schema of the region cover every ALB of the plane (ELB 5xx,
 *   target 5xx, unhealthy targets) without naming them.
 * - **AWS Backup**: any failed backup job in the region.
 * - **Dead-man's switch**: Alertmanager's Watchdog heartbeats stop reaching the heartbeat topic.
 *
 * EKS node health has no CloudWatch metric without Container Insights; it is alerted on by Prometheus
 * (`constructs/monitoring/rules.ts`).
 */
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DbEventSubscription } from "@cdktf/provider-aws/lib/db-event-subscription";
import { Construct } from "constructs";

/** Thresholds of {@link PlaneAlarms}; the config schema fills omitted fields from the same object. */
export const ALARM_DEFAULTS = {
  /** Database CPU (%, any instance) sustained for 15 minutes. */
  dbCpuPercent: 80,
  /** Database freeable memory (MiB, any instance) below this for 15 minutes. */
  dbFreeableMemoryMiB: 1024,
  /** Database free storage (% of allocated, any instance) below this. */
  dbFreeStoragePercent: 20,
  /** Database connections (any instance) above this for 15 minutes. */
  dbConnections: 500,
  /** Replica lag (seconds, any readable standby) above this for 5 minutes. */
  dbReplicaLagSeconds: 30,
  /** NAT gateway packets dropped per 5 minutes above this. */
  natPacketsDropped: 100,
  /** Load balancer-generated 5xx responses per 5 minutes (all ALBs of the plane) above this. */
  lbElb5xxPer5Minutes: 10,
  /** Target 5xx responses per 5 minutes (all ALBs of the plane) above this. */
  lbTarget5xxPer5Minutes: 50,
  /** Unhealthy targets (any target group) at or above this for 5 minutes. */
  lbUnhealthyTargets: 1,
  /** Minutes without an Alertmanager heartbeat before the dead-man's switch fires (multiple of 5, at least 15). */
  heartbeatSilenceMinutes: 15,
} as const;

/** Alarm thresholds (see {@link ALARM_DEFAULTS}). */
export type AlarmThresholds = { -readonly [K in keyof typeof ALARM_DEFAULTS]: number };

/** Props of {@link PlaneAlarms}. */
export interface PlaneAlarmsProps {
  /** Prefix of every alarm name (`<prefix>-db-cpu` ...). */
  readonly namePrefix: string;
  /** Topic notified on alarm and on recovery. */
  readonly topicArn: string;
  /** The plane's database cluster: its identifier (a literal, for messages), a reference to it (orders the event subscription after the cluster) and its size. */
  readonly database: { readonly identifier: string; readonly clusterRef: string; readonly allocatedStorageGiB: number };
  /** The plane's NAT gateways, keyed by availability zone. */
  readonly natGateways: readonly { readonly az: string; readonly id: string }[];
  /** Name of the heartbeat topic Alertmanager's Watchdog publishes to. */
  readonly heartbeatTopicName: string;
  /** Thresholds. @default ALARM_DEFAULTS */
  readonly thresholds?: Partial<AlarmThresholds>;
}

type AlarmSpec = Omit<CloudwatchMetricAlarmConfig, "alarmName" | "alarmActions" | "okActions" | "insufficientDataActions"> & { readonly severity: "critical" | "warning" };

const RDS_SCHEMA = 'SCHEMA("AWS/RDS", DBInstanceIdentifier)';
const ALB_SCHEMA = 'SCHEMA("AWS/ApplicationELB", LoadBalancer)';
const ALB_TG_SCHEMA = 'SCHEMA("AWS/ApplicationELB", LoadBalancer, TargetGroup)';

/** The plane's CloudWatch alarms and RDS event subscriptions. */
export class PlaneAlarms extends Construct {
  /** Every alarm, by short name (`db-cpu`, `nat-port-allocation-us-east-1a` ...). */
  readonly alarms: ReadonlyMap<string, CloudwatchMetricAlarm>;

  constructor(scope: Construct, id: string, props: PlaneAlarmsProps) {
    super(scope, id);
    const t: AlarmThresholds = { ...ALARM_DEFAULTS, ...props.thresholds };
    if (t.heartbeatSilenceMinutes < 15 || t.heartbeatSilenceMinutes % 5 !== 0) {
      throw new Error(`PlaneAlarms ${props.namePrefix}: heartbeatSilenceMinutes must be a multiple of 5 and at least 15, got ${t.heartbeatSilenceMinutes}`);
    }
    const alarms = new Map<string, CloudwatchMetricAlarm>();
    const add = (name: string, spec: AlarmSpec, anchor = name) => {
      const { severity, ...config } = spec;
      alarms.set(
        name,
        new CloudwatchMetricAlarm(this, name, {
          ...config,
          alarmName: `${props.namePrefix}-${name}`,
          alarmDescription: `[${severity}] ${config.alarmDescription} Runbook: runbooks/alerts.md#${anchor}`,
          alarmActions: [props.topicArn],
          okActions: [props.topicArn],
          tags: { Severity: severity },
        }),
      );
    };
    const insights = (expression: string, period = 300) => [{ id: "q", expression, period, returnData: true }];

    // Database: region-wide Metrics Insights over the per-instance schema.
    const db = props.database.identifier;
    add("db-cpu", {
      severity: "warning",
      alarmDescription: `CPU of a ${db} instance above ${t.dbCpuPercent}% for 15 minutes.`,
      metricQuery: insights(`SELECT MAX(CPUUtilization) FROM ${RDS_SCHEMA}`),
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.dbCpuPercent,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: "breaching",
    });
    add("db-freeable-memory", {
      severity: "warning",
      alarmDescription: `Freeable memory of a ${db} instance below ${t.dbFreeableMemoryMiB} MiB for 15 minutes.`,
      metricQuery: insights(`SELECT MIN(FreeableMemory) FROM ${RDS_SCHEMA}`),
      comparisonOperator: "LessThanThreshold",
      threshold: t.dbFreeableMemoryMiB * 1024 * 1024,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: "breaching",
    });
    add("db-free-storage", {
      severity: "critical",
      alarmDescription: `Free storage of a ${db} instance below ${t.dbFreeStoragePercent}% of ${props.database.allocatedStorageGiB} GiB (Multi-AZ DB clusters cannot autoscale storage: scale it up).`,
      metricQuery: insights(`SELECT MIN(FreeStorageSpace) FROM ${RDS_SCHEMA}`),
      comparisonOperator: "LessThanThreshold",
      threshold: Math.floor(props.database.allocatedStorageGiB * 1024 ** 3 * (t.dbFreeStoragePercent / 100)),
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "breaching",
    });
    add("db-connections", {
      severity: "warning",
      alarmDescription: `More than ${t.dbConnections} connections on a ${db} instance for 15 minutes.`,
      metricQuery: insights(`SELECT MAX(DatabaseConnections) FROM ${RDS_SCHEMA}`),
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.dbConnections,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: "breaching",
    });
    add("db-replica-lag", {
      severity: "critical",
      alarmDescription: `A readable standby of ${db} lags more than ${t.dbReplicaLagSeconds} s for 5 minutes (failover would lose or wait for those writes).`,
      metricQuery: insights(`SELECT MAX(ReplicaLag) FROM ${RDS_SCHEMA}`, 60),
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.dbReplicaLagSeconds,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      // Only readers publish it: absence is not evidence of a problem.
      treatMissingData: "notBreaching",
    });

    // NAT gateways, per gateway (known in this stack).
    if (props.natGateways.length === 0) throw new Error(`PlaneAlarms ${props.namePrefix}: no NAT gateways given`);
    for (const nat of props.natGateways) {
      const dims = { NatGatewayId: nat.id };
      add(`nat-port-allocation-${nat.az}`, {
        severity: "critical",
        alarmDescription: `NAT gateway in ${nat.az} could not allocate a source port (new outbound connections fail).`,
        namespace: "AWS/NATGateway",
        metricName: "ErrorPortAllocation",
        dimensions: dims,
        statistic: "Sum",
        period: 300,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
      }, "nat-port-allocation");
      add(`nat-packets-dropped-${nat.az}`, {
        severity: "warning",
        alarmDescription: `NAT gateway in ${nat.az} dropped more than ${t.natPacketsDropped} packets in 5 minutes.`,
        namespace: "AWS/NATGateway",
        metricName: "PacketsDropCount",
        dimensions: dims,
        statistic: "Sum",
        period: 300,
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.natPacketsDropped,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: "notBreaching",
      }, "nat-packets-dropped");
    }

    // Load balancers created by the controller: every ALB of the region, unnamed.
    add("lb-elb-5xx", {
      severity: "critical",
      alarmDescription: `The plane's load balancers returned more than ${t.lbElb5xxPer5Minutes} 5xx of their own (no healthy target, timeouts) in 5 minutes.`,
      metricQuery: insights(`SELECT SUM(HTTPCode_ELB_5XX_Count) FROM ${ALB_SCHEMA}`),
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.lbElb5xxPer5Minutes,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
    });
    add("lb-target-5xx", {
      severity: "warning",
      alarmDescription: `Targets behind the plane's load balancers returned more than ${t.lbTarget5xxPer5Minutes} 5xx in 5 minutes.`,
      metricQuery: insights(`SELECT SUM(HTTPCode_Target_5XX_Count) FROM ${ALB_SCHEMA}`),
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.lbTarget5xxPer5Minutes,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
    });
    add("lb-unhealthy-targets", {
      severity: "critical",
      alarmDescription: `At least ${t.lbUnhealthyTargets} unhealthy target(s) in a target group of the plane's load balancers for 5 minutes.`,
      metricQuery: insights(`SELECT MAX(UnHealthyHostCount) FROM ${ALB_TG_SCHEMA}`, 60),
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: t.lbUnhealthyTargets,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      treatMissingData: "notBreaching",
    });

    add("backup-job-failed", {
      severity: "critical",
      alarmDescription: "An AWS Backup job of the plane's region failed.",
      metricQuery: insights('SELECT SUM(NumberOfBackupJobsFailed) FROM "AWS/Backup"'),
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
    });

    const silence = t.heartbeatSilenceMinutes / 5;
    add("alertmanager-heartbeat-silent", {
      severity: "critical",
      alarmDescription: `No Alertmanager Watchdog heartbeat for ${t.heartbeatSilenceMinutes} minutes: in-cluster alerting is down (Alertmanager, Prometheus, Pod Identity or the topic key).`,
      namespace: "AWS/SNS",
      metricName: "NumberOfMessagesPublished",
      dimensions: { TopicName: props.heartbeatTopicName },
      statistic: "Sum",
      period: 300,
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      evaluationPeriods: silence,
      datapointsToAlarm: silence,
      // Silence is the failure this alarm exists for.
      treatMissingData: "breaching",
    });
    this.alarms = alarms;

    new DbEventSubscription(this, "db-cluster-events", {
      name: `${props.namePrefix}-db-cluster-events`,
      snsTopic: props.topicArn,
      sourceType: "db-cluster",
      sourceIds: [props.database.clusterRef],
      eventCategories: ["failover", "failure", "maintenance", "notification"],
      enabled: true,
    });
    new DbEventSubscription(this, "db-instance-events", {
      name: `${props.namePrefix}-db-instance-events`,
      snsTopic: props.topicArn,
      sourceType: "db-instance",
      eventCategories: ["availability", "failover", "failure", "low storage", "maintenance", "recovery"],
      enabled: true,
    });
  }
}
