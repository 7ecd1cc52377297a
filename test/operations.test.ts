/**
 * Day-2 operations in every synthesized environment: the alert topic and who may publish to it,
 * Alertmanager's Pod Identity role, the CloudWatch alarms and RDS event subscriptions, AWS Backup, the
 * replicated dump bucket and its writer, bucket replication of state and bundles, PostgreSQL audit
 * logging, the cost guardrails, and the dump CronJob; plus construct-level guards.
 */
import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { nonEmpty } from "./helpers/assert";
import { describe, expect, it } from "vitest";
import { ALARM_DEFAULTS, PlaneAlarms } from "../constructs/alarms";
import { AlertTopic } from "../constructs/alerting";
import { BucketReplica } from "../constructs/bucket-replica";
import { CostGuardrails } from "../constructs/cost-guardrails";
import { AWS_BACKUP_POLICY_ARNS, COMPLIANCE_GRACE_DAYS } from "../constructs/database-backup";
import { CREDENTIALS_SCRIPT, DATABASE_DUMP_CRONJOB, DUMP_SCRIPT, UPLOAD_SCRIPT } from "../constructs/database-dump";
import { SecureBucket } from "../constructs/secure-bucket";
import {
  backupCopyRegion,
  bootstrapStackName,
  bundleReplicaBucketName,
  bundleReplicaRegion,
  databaseClusterIdentifier,
  dumpBucketName,
  dumpReplicaBucketName,
  k8sStackName,
  planeStackName,
  planesOf,
  resourcePrefix,
  stateReplicaBucketName,
  stateReplicaRegion,
} from "../src/config/naming";
import { allEnvironments, configsOf, refName, resourcesOf, stack, synthesizeAll, type TfJson } from "./helpers/synth";

const synth = synthesizeAll();
const envs = allEnvironments();
const planes = envs.flatMap((env) => planesOf(env).map(({ ref, config }) => ({ env, ref, config, name: planeStackName(env.name, ref), prefix: resourcePrefix(env.name, ref) })));

const policyOf = (text: string) => JSON.parse(text) as { Statement: any[] };
const bySid = (text: string) => Object.fromEntries(policyOf(text).Statement.map((s) => [s.Sid, s]));
const ref = (token: string) => refName(token);

/** The resource a `${type.name.attr}` token points at. */
function target(tf: TfJson, type: string, token: string): any {
  expect(token, `${token} should reference a ${type}`).toMatch(new RegExp(`^\\$\\{${type}\\.`));
  const found = tf.resource?.[type]?.[ref(token)];
  expect(found, token).toBeDefined();
  return found;
}

/** Region of a resource's provider (default or aliased). */
function regionOf(tf: TfJson, resource: any): string {
  const alias = typeof resource.provider === "string" ? resource.provider.split(".")[1] : undefined;
  const provider = tf.provider!.aws.find((p: any) => (alias ? p.alias === alias : !p.alias));
  expect(provider, `provider ${resource.provider ?? "aws"}`).toBeDefined();
  return provider.region;
}

/** The single resource of `type` whose `attr` equals `value`. */
function one(tf: TfJson, type: string, attr: string, value: unknown): [string, any] {
  const found = resourcesOf(tf, type).filter(([, c]) => c[attr] === value);
  expect(found, `${type} with ${attr}=${JSON.stringify(value)}`).toHaveLength(1);
  return found[0];
}

describe.each(planes)("alerting of $name", ({ env, ref: plane, config, name, prefix }) => {
  const tf = stack(synth, name);
  const [topicId, topic] = one(tf, "aws_sns_topic", "name", `${prefix}-alerts`);
  const [heartbeatId, heartbeat] = one(tf, "aws_sns_topic", "name", `${prefix}-alertmanager-heartbeat`);
  const topicArn = `\${aws_sns_topic.${topicId}.arn}`;
  const key = target(tf, "aws_kms_key", topic.kms_master_key_id);
  const services = plane.kind === "global" ? ["budgets.amazonaws.com", "cloudwatch.amazonaws.com", "costalerts.amazonaws.com", "events.rds.amazonaws.com"] : ["cloudwatch.amazonaws.com", "events.rds.amazonaws.com"];

  it("encrypts both topics with one rotating key that exactly the publishing services may use", () => {
    expect(heartbeat.kms_master_key_id).toBe(topic.kms_master_key_id);
    expect(key.enable_key_rotation).toBe(true);
    const grant = bySid(key.policy).PublishingServicesUseKey;
    expect(grant.Action.sort()).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
    expect([grant.Principal.Service].flat().sort()).toEqual(services);
  });

  it("lets each publishing service publish only for this account (and from its own resources)", () => {
    const [policy] = configsOf(tf, "aws_sns_topic_policy").filter((p) => p.arn === topicArn);
    const statements = policyOf(policy.policy).Statement.filter((s) => s.Principal?.Service);
    expect(statements.map((s) => s.Principal.Service).sort()).toEqual(services);
    for (const s of statements) {
      expect(s.Action).toBe("sns:Publish");
      expect(s.Condition.StringEquals["aws:SourceAccount"]).toBe(env.accountId);
    }
    const cw = statements.find((s) => s.Principal.Service === "cloudwatch.amazonaws.com");
    expect(cw.Condition.ArnLike["aws:SourceArn"]).toBe(`arn:aws:cloudwatch:${config.region}:${env.accountId}:alarm:*`);
    const [hbPolicy] = configsOf(tf, "aws_sns_topic_policy").filter((p) => p.arn === `\${aws_sns_topic.${heartbeatId}.arn}`);
    expect(nonEmpty(policyOf(hbPolicy.policy).Statement, "heartbeat topic policy statements").every((s) => !s.Principal.Service)).toBe(true);
  });

  it("subscribes the configured endpoints", () => {
    const subs = configsOf(tf, "aws_sns_topic_subscription");
    expect(env.alerting.subscriptions.length).toBeGreaterThan(0);
    const key = (x: { protocol: string; endpoint: string }) => `${x.protocol}:${x.endpoint}`;
    expect(subs.map(key).sort()).toEqual(env.alerting.subscriptions.map(key).sort());
    expect(nonEmpty(subs, "alert subscriptions").every((s) => s.topic_arn === topicArn)).toBe(true);
  });

  it("binds Alertmanager's role to monitoring/alertmanager: publish to both topics, use their key", () => {
    const [, association] = one(tf, "aws_eks_pod_identity_association", "service_account", "alertmanager");
    expect(association.namespace).toBe("monitoring");
    const role = target(tf, "aws_iam_role", association.role_arn);
    expect(role.name).toBe(`${prefix}-alertmanager`);
    const [policy] = configsOf(tf, "aws_iam_role_policy").filter((p) => p.role === `\${aws_iam_role.${ref(association.role_arn)}.id}`);
    const sids = bySid(policy.policy);
    expect(sids.PublishAlerts).toMatchObject({ Action: "sns:Publish", Resource: [topicArn, `\${aws_sns_topic.${heartbeatId}.arn}`] });
    expect(sids.EncryptAlerts.Resource).toBe(topic.kms_master_key_id);
  });

  it("alarms on the database, NAT gateways, load balancers, AWS Backup and the heartbeat, to the topic", () => {
    const alarms = configsOf(tf, "aws_cloudwatch_metric_alarm").filter((a) => !a.alarm_name.endsWith("-replication-failed"));
    const names = alarms.map((a) => a.alarm_name.slice(prefix.length + 1)).sort();
    const azs = config.natGateways === "per-az" ? config.availabilityZones : config.availabilityZones.slice(0, 1);
    expect(names).toEqual(
      [
        "alertmanager-heartbeat-silent",
        "backup-job-failed",
        "db-connections",
        "db-cpu",
        "db-free-storage",
        "db-freeable-memory",
        "db-replica-lag",
        "lb-elb-5xx",
        "lb-target-5xx",
        "lb-unhealthy-targets",
        ...azs.flatMap((az) => [`nat-packets-dropped-${az}`, `nat-port-allocation-${az}`]),
      ].sort(),
    );
    for (const a of alarms) {
      expect(a.alarm_actions).toEqual([topicArn]);
      expect(a.ok_actions).toEqual([topicArn]);
      expect(a.alarm_description).toMatch(/^\[(critical|warning)\] .+ Runbook: runbooks\/alerts\.md#[a-z0-9-]+$/);
    }
  });

  it("watches the database through Metrics Insights with the configured thresholds", () => {
    const alarm = (n: string) => configsOf(tf, "aws_cloudwatch_metric_alarm").find((a) => a.alarm_name === `${prefix}-${n}`);
    const t = env.alerting.thresholds;
    const query = (n: string) => alarm(n).metric_query[0];
    expect(query("db-cpu").expression).toBe('SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/RDS", DBInstanceIdentifier)');
    expect(alarm("db-cpu").threshold).toBe(t.dbCpuPercent);
    expect(alarm("db-free-storage").threshold).toBe(Math.floor(config.database.allocatedStorageGiB * 1024 ** 3 * (t.dbFreeStoragePercent / 100)));
    expect(alarm("db-freeable-memory").threshold).toBe(t.dbFreeableMemoryMiB * 1024 * 1024);
    expect(alarm("db-connections").threshold).toBe(t.dbConnections);
    expect(alarm("db-replica-lag").threshold).toBe(t.dbReplicaLagSeconds);
    for (const n of ["db-cpu", "db-free-storage", "db-freeable-memory", "db-connections"]) expect(alarm(n).treat_missing_data).toBe("breaching");
    expect(query("lb-unhealthy-targets").expression).toContain('SCHEMA("AWS/ApplicationELB", LoadBalancer, TargetGroup)');
    expect(t).toEqual(ALARM_DEFAULTS);
  });

  it("pages when Alertmanager's heartbeats stop (missing data breaches)", () => {
    const a = configsOf(tf, "aws_cloudwatch_metric_alarm").find((x) => x.alarm_name === `${prefix}-alertmanager-heartbeat-silent`);
    expect(a).toMatchObject({ namespace: "AWS/SNS", metric_name: "NumberOfMessagesPublished", dimensions: { TopicName: `\${aws_sns_topic.${heartbeatId}.name}` }, comparison_operator: "LessThanThreshold", threshold: 1, treat_missing_data: "breaching" });
    expect(a.period * a.evaluation_periods).toBe(env.alerting.thresholds.heartbeatSilenceMinutes * 60);
  });

  it("alarms on each NAT gateway of the stack", () => {
    const gateways = resourcesOf(tf, "aws_nat_gateway").map(([id]) => `\${aws_nat_gateway.${id}.id}`);
    expect(gateways.length).toBeGreaterThan(0);
    const watched = configsOf(tf, "aws_cloudwatch_metric_alarm").filter((a) => a.metric_name === "ErrorPortAllocation").map((a) => a.dimensions.NatGatewayId);
    expect(watched.sort()).toEqual(gateways.sort());
  });

  it("subscribes the topic to the cluster's failover/failure events and the instances' events", () => {
    const [clusterId] = resourcesOf(tf, "aws_rds_cluster")[0];
    const subs = configsOf(tf, "aws_db_event_subscription");
    expect(subs).toHaveLength(2);
    const cluster = subs.find((s) => s.source_type === "db-cluster");
    expect(cluster.source_ids).toEqual([`\${aws_rds_cluster.${clusterId}.cluster_identifier}`]);
    expect(cluster.event_categories).toEqual(expect.arrayContaining(["failover", "failure"]));
    expect(nonEmpty(subs, "RDS event subscriptions").every((s) => s.sns_topic === topicArn && s.enabled === true)).toBe(true);
    expect(subs.find((s) => s.source_type === "db-instance").event_categories).toEqual(expect.arrayContaining(["availability", "low storage"]));
  });
});

describe.each(planes)("database audit logging and backups of $name", ({ env, ref: plane, config, name, prefix }) => {
  const tf = stack(synth, name);
  const identifier = databaseClusterIdentifier(env.name, plane);
  const [clusterId, cluster] = resourcesOf(tf, "aws_rds_cluster")[0];
  const copyRegion = backupCopyRegion(env, plane);

  it("logs DDL, connections and disconnections (dynamic parameters, applied immediately) and exports the log", () => {
    const group = configsOf(tf, "aws_rds_cluster_parameter_group")[0];
    const params = Object.fromEntries(group.parameter.map((p: any) => [p.name, p]));
    expect(params.log_statement).toEqual({ name: "log_statement", value: "ddl", apply_method: "immediate" });
    expect(params.log_connections).toEqual({ name: "log_connections", value: "1", apply_method: "immediate" });
    expect(params.log_disconnections).toEqual({ name: "log_disconnections", value: "1", apply_method: "immediate" });
    expect(cluster.enabled_cloudwatch_logs_exports).toEqual(["postgresql"]);
    const [, logGroup] = one(tf, "aws_cloudwatch_log_group", "name", `/aws/rds/cluster/${identifier}/postgresql`);
    expect(logGroup.retention_in_days).toBe(config.database.logRetentionDays);
  });

  it("keeps RDS point-in-time recovery for the configured days (the hourly RPO in-region)", () => {
    expect(cluster.backup_retention_period).toBe(config.database.backupRetentionDays);
    if (env.name === "prod") expect(cluster.backup_retention_period).toBeGreaterThanOrEqual(30);
  });

  it("snapshots daily with AWS Backup into a CMK-encrypted vault, locked as configured", () => {
    const [vaultId, vault] = one(tf, "aws_backup_vault", "name", `${prefix}-postgres`);
    expect(target(tf, "aws_kms_key", vault.kms_key_arn).enable_key_rotation).toBe(true);
    const [plan] = configsOf(tf, "aws_backup_plan");
    expect(plan.rule).toHaveLength(1);
    expect(plan.rule[0]).toMatchObject({ schedule: env.backups.snapshotSchedule, target_vault_name: `\${aws_backup_vault.${vaultId}.name}`, lifecycle: { delete_after: env.backups.snapshotRetentionDays } });
    expect(plan.rule[0].copy_action).toBeUndefined();
    const [selection] = configsOf(tf, "aws_backup_selection");
    expect(selection.resources).toEqual([`\${aws_rds_cluster.${clusterId}.arn}`]);
    const role = target(tf, "aws_iam_role", selection.iam_role_arn);
    expect(policyOf(role.assume_role_policy).Statement[0].Principal.Service).toBe("backup.amazonaws.com");
    const attached = configsOf(tf, "aws_iam_role_policy_attachment").filter((a) => a.role === `\${aws_iam_role.${ref(selection.iam_role_arn)}.name}`).map((a) => a.policy_arn);
    expect(attached.sort()).toEqual(Object.values(AWS_BACKUP_POLICY_ARNS).sort());
    const locks = configsOf(tf, "aws_backup_vault_lock_configuration");
    if (env.backups.vaultLock === "off") expect(locks).toEqual([]);
    else {
      expect(locks).toHaveLength(1);
      expect(locks[0].min_retention_days).toBe(env.backups.snapshotRetentionDays);
      expect(locks[0].changeable_for_days).toBe(env.backups.vaultLock === "compliance" ? COMPLIANCE_GRACE_DAYS : undefined);
    }
    if (env.name === "prod") expect(locks).toHaveLength(1);
  });

  it(`replicates the hourly dumps to ${copyRegion}, re-encrypted there, delete markers kept local`, () => {
    expect(copyRegion).not.toBe(config.region);
    expect(copyRegion).toBe(plane.kind === "global" ? env.regions[0].region : env.global.region);
    const [sourceId, source] = one(tf, "aws_s3_bucket", "bucket", dumpBucketName(env.name, env.accountId, plane));
    expect(source.tags).toMatchObject({ Holds: "database-backups", BackupOf: identifier });
    expect(regionOf(tf, source)).toBe(config.region);
    const [, replication] = one(tf, "aws_s3_bucket_replication_configuration", "bucket", `\${aws_s3_bucket.${sourceId}.id}`);
    const [rule] = replication.rule;
    expect(rule).toMatchObject({ status: "Enabled", delete_marker_replication: { status: "Disabled" }, source_selection_criteria: { sse_kms_encrypted_objects: { status: "Enabled" } } });
    const replica = target(tf, "aws_s3_bucket", rule.destination.bucket);
    expect(replica.bucket).toBe(dumpReplicaBucketName(env.name, env.accountId, plane));
    expect(regionOf(tf, replica)).toBe(copyRegion);
    const replicaKey = target(tf, "aws_kms_key", rule.destination.encryption_configuration.replica_kms_key_id);
    expect(regionOf(tf, replicaKey)).toBe(copyRegion);
    expect(replicaKey.enable_key_rotation).toBe(true);
    const lifecycle = configsOf(tf, "aws_s3_bucket_lifecycle_configuration").find((l) => l.bucket === `\${aws_s3_bucket.${sourceId}.id}`);
    expect(lifecycle.rule.find((r: any) => r.id === "expire-current-objects").expiration[0].days).toBe(env.backups.dumpRetentionDays);
    const locks = configsOf(tf, "aws_s3_bucket_object_lock_configuration");
    if (env.backups.dumpLock === "off") expect(locks).toEqual([]);
    else {
      expect(locks).toHaveLength(1);
      expect(locks[0].rule.default_retention).toEqual({ mode: env.backups.dumpLock.toUpperCase(), days: env.backups.dumpRetentionDays });
      expect(replica.object_lock_enabled).toBe(true);
    }
  });

  it("lets only the dump writer, the replication role and break-glass touch the dumps", () => {
    const [sourceId] = one(tf, "aws_s3_bucket", "bucket", dumpBucketName(env.name, env.accountId, plane));
    const policy = configsOf(tf, "aws_s3_bucket_policy").find((p) => p.bucket === `\${aws_s3_bucket.${sourceId}.id}`);
    const deny = bySid(policy.policy).DenyObjectAccessToAllButDumpWriterReplicationAndBreakGlass;
    expect([deny.Condition.StringNotLike["aws:PrincipalArn"]].flat().sort()).toEqual(
      [`arn:aws:iam::${env.accountId}:role/${prefix}-db-backup`, `arn:aws:iam::${env.accountId}:role/${prefix}-pgdump-replication`, env.breakGlassRoleArn].sort(),
    );
    const [, association] = one(tf, "aws_eks_pod_identity_association", "service_account", "db-backup");
    expect(association.namespace).toBe("db-backup");
    expect(target(tf, "aws_iam_role", association.role_arn).name).toBe(`${prefix}-db-backup`);
    const rolePolicy = configsOf(tf, "aws_iam_role_policy").find((p) => p.role === `\${aws_iam_role.${ref(association.role_arn)}.id}`);
    const sids = bySid(rolePolicy.policy);
    expect(sids.WriteDumps.Resource).toBe(`arn:aws:s3:::${dumpBucketName(env.name, env.accountId, plane)}/${identifier}/*`);
    expect(sids.WriteDumps.Action).not.toContain("s3:DeleteObject");
    // No password: an IAM token for the read-only backup user of exactly this cluster, nothing of the master secret.
    expect(sids.ConnectAsBackupUser).toMatchObject({ Action: "rds-db:connect", Resource: `arn:aws:rds-db:${config.region}:${env.accountId}:dbuser:\${aws_rds_cluster.${clusterId}.cluster_resource_id}/cdn_backup` });
    expect(rolePolicy.policy).not.toContain("master_user_secret");
    expect(rolePolicy.policy).not.toContain("secretsmanager:GetSecretValue");
  });
});

describe.each(envs)("bucket replication and cost guardrails of $name", (env) => {
  const global = stack(synth, `${env.name}-global`);
  const bootstrap = stack(synth, bootstrapStackName(env.name));

  /** The replication of `bucketName` in `tf`, with its destination bucket. */
  function replicationOf(tf: TfJson, bucketName: string) {
    const [id, bucket] = one(tf, "aws_s3_bucket", "bucket", bucketName);
    const [, replication] = one(tf, "aws_s3_bucket_replication_configuration", "bucket", `\${aws_s3_bucket.${id}.id}`);
    return { bucket, replication, rule: replication.rule[0], replica: target(tf, "aws_s3_bucket", replication.rule[0].destination.bucket) };
  }

  it(`replicates the state bucket to ${stateReplicaRegion(env)} (versioned, KMS both sides, delete markers not replicated)`, () => {
    const { bucket, rule, replica } = replicationOf(bootstrap, env.state.bucket);
    expect(bucket.tags.Holds).toBe("terraform-state");
    expect(replica.bucket).toBe(stateReplicaBucketName(env));
    expect(replica.tags).toMatchObject({ ReplicaOf: env.state.bucket });
    expect(regionOf(bootstrap, replica)).toBe(stateReplicaRegion(env));
    expect(regionOf(bootstrap, replica)).not.toBe(env.state.region);
    expect(rule.delete_marker_replication.status).toBe("Disabled");
    expect(rule.destination.encryption_configuration.replica_kms_key_id).toMatch(/^\$\{aws_kms_key\./);
    const versioned = configsOf(bootstrap, "aws_s3_bucket_versioning").filter((v) => v.versioning_configuration.status === "Enabled").map((v) => v.bucket);
    for (const b of resourcesOf(bootstrap, "aws_s3_bucket").map(([id]) => `\${aws_s3_bucket.${id}.id}`)) expect(versioned).toContain(b);
  });

  it("does not replicate the access-log buckets", () => {
    const sources = [...configsOf(bootstrap, "aws_s3_bucket_replication_configuration"), ...configsOf(global, "aws_s3_bucket_replication_configuration")].map((r) => r.bucket);
    const logBuckets = [...resourcesOf(bootstrap, "aws_s3_bucket"), ...resourcesOf(global, "aws_s3_bucket")].filter(([, b]) => b.bucket.endsWith("-access-logs")).map(([id]) => `\${aws_s3_bucket.${id}.id}`);
    expect(logBuckets.length).toBeGreaterThan(0);
    for (const b of logBuckets) expect(sources).not.toContain(b);
  });

  it(`replicates the bundle bucket to ${bundleReplicaRegion(env)}`, () => {
    const { bucket, rule, replica, replication } = replicationOf(global, env.bundleBucketName);
    expect(bucket.tags.Holds).toBe("config-bundles");
    expect(replica.bucket).toBe(bundleReplicaBucketName(env));
    expect(regionOf(global, replica)).toBe(bundleReplicaRegion(env));
    expect(rule.source_selection_criteria.sse_kms_encrypted_objects.status).toBe("Enabled");
    const role = target(global, "aws_iam_role", replication.role);
    const sids = bySid(configsOf(global, "aws_iam_role_policy").find((p) => p.role === `\${aws_iam_role.${ref(replication.role)}.id}`).policy);
    expect(sids.DecryptSource.Condition.StringEquals["kms:ViaService"]).toBe(`s3.${env.global.region}.amazonaws.com`);
    expect(sids.EncryptReplicas.Condition.StringEquals["kms:ViaService"]).toBe(`s3.${bundleReplicaRegion(env)}.amazonaws.com`);
    expect(role.name).toBe(`cdn-${env.name}-global-bundles-replication`);
  });

  it("budgets the month with actual and forecast alerts to the global alert topic", () => {
    const [budget] = configsOf(global, "aws_budgets_budget");
    expect(budget).toMatchObject({ budget_type: "COST", limit_amount: env.cost.monthlyBudgetUsd.toFixed(2), limit_unit: "USD", time_unit: "MONTHLY" });
    const [topicId] = one(global, "aws_sns_topic", "name", `cdn-${env.name}-global-alerts`);
    const kinds = budget.notification.map((n: any) => `${n.notification_type}:${n.threshold}`);
    expect(kinds.sort()).toEqual([...env.cost.actualAlertPercents.map((p) => `ACTUAL:${p}`), ...env.cost.forecastAlertPercents.map((p) => `FORECASTED:${p}`)].sort());
    for (const n of budget.notification) expect(n.subscriber_sns_topic_arns).toEqual([`\${aws_sns_topic.${topicId}.arn}`]);
    expect(resourcesOf(stack(synth, `${env.name}-regional-uswest`), "aws_budgets_budget")).toEqual([]);
  });

  it("detects cost anomalies and notifies the topic immediately", () => {
    const [monitorId, monitor] = resourcesOf(global, "aws_ce_anomaly_monitor")[0];
    expect(monitor).toMatchObject({ monitor_type: "DIMENSIONAL", monitor_dimension: "SERVICE" });
    const [subscription] = configsOf(global, "aws_ce_anomaly_subscription");
    expect(subscription.frequency).toBe("IMMEDIATE");
    expect(subscription.monitor_arn_list).toEqual([`\${aws_ce_anomaly_monitor.${monitorId}.arn}`]);
    expect(subscription.subscriber[0].type).toBe("SNS");
    expect(subscription.threshold_expression.dimension.values).toEqual([String(env.cost.anomalyThresholdUsd)]);
    expect(subscription.depends_on.some((d: string) => d.startsWith("aws_sns_topic_policy."))).toBe(true);
  });

  it(`${env.cost.activateCostAllocationTags ? "activates" : "leaves to the management account"} the cost-allocation tags`, () => {
    expect(env.cost.activateCostAllocationTags).toBe(false);
    expect(configsOf(global, "aws_ce_cost_allocation_tag")).toEqual([]);
  });
});

describe.each(envs.flatMap((env) => planesOf(env).map(({ ref, config }) => ({ env, ref, config, name: k8sStackName(env.name, ref) }))))("dump CronJob of $name", ({ env, ref: plane, config, name }) => {
  const tf = stack(synth, name);
  const jobs = configsOf(tf, "kubernetes_cron_job_v1");

  it("runs hourly (as configured) in its own restricted namespace, one run at a time", () => {
    expect(jobs).toHaveLength(1);
    const [job] = jobs;
    expect(job.metadata.name).toBe(DATABASE_DUMP_CRONJOB);
    expect(job.spec).toMatchObject({ schedule: env.backups.dumpSchedule, timezone: "Etc/UTC", concurrency_policy: "Forbid" });
    const namespace = configsOf(tf, "kubernetes_namespace_v1").find((n) => n.metadata.name === "db-backup");
    expect(namespace.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    const pod = job.spec.job_template.spec.template.spec;
    expect(pod.service_account_name).toMatch(/kubernetes_service_account_v1\./);
    expect(pod.security_context).toMatchObject({ run_as_non_root: true, seccomp_profile: { type: "RuntimeDefault" } });
    for (const c of [...pod.init_container, ...pod.container]) {
      expect(c.security_context).toMatchObject({ allow_privilege_escalation: false, read_only_root_filesystem: true, capabilities: { drop: ["ALL"] } });
      expect(c.image).toMatch(/:[0-9][\w.-]*$/);
    }
  });

  it("dumps over verified TLS with a client of the engine's major and uploads under the cluster's prefix", () => {
    const pod = jobs[0].spec.job_template.spec.template.spec;
    const env_ = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
    const [credentials, dump] = pod.init_container;
    const [upload] = pod.container;
    expect(credentials.command).toEqual(["/bin/sh", "-c", CREDENTIALS_SCRIPT]);
    // An IAM token for the read-only backup user: the dump never sees the master password.
    expect(env_(credentials)).toMatchObject({ DB_HOST: "${data.aws_rds_cluster.database.endpoint}", DB_USER: "cdn_backup" });
    expect(CREDENTIALS_SCRIPT).toContain("aws rds generate-db-auth-token");
    expect(JSON.stringify(pod)).not.toContain("master_user_secret");
    expect(env_(dump).DB_USER).toBe("cdn_backup");
    expect(dump.image).toBe(`public.ecr.aws/docker/library/postgres:${config.database.engineVersion.split(".")[0]}-bookworm`);
    expect(dump.command[2]).toBe(DUMP_SCRIPT);
    expect(DUMP_SCRIPT).toContain("sslmode=verify-full");
    expect(env_(dump)).toMatchObject({ DB_HOST: "${data.aws_rds_cluster.database.endpoint}", DB_NAME: plane.kind === "global" ? "cdn_global" : `cdn_regional_${plane.kind === "regional" ? plane.key : ""}` });
    expect(upload.command[2]).toBe(UPLOAD_SCRIPT);
    expect(env_(upload)).toMatchObject({ BUCKET: dumpBucketName(env.name, env.accountId, plane), DB_IDENTIFIER: databaseClusterIdentifier(env.name, plane), AWS_REGION: config.region });
    const secret = pod.volume.find((v: any) => v.name === "secret");
    expect(secret.empty_dir.medium).toBe("Memory");
  });

  it("lets kube-state-metrics export the node group label the node group rules need", () => {
    const release = configsOf(tf, "helm_release").find((r) => r.name === "kube-prometheus-stack");
    expect(JSON.parse(release.values[0])["kube-state-metrics"].metricLabelsAllowlist).toEqual(["nodes=[eks.amazonaws.com/nodegroup]"]);
  });
});

describe("construct guards", () => {
  const scope = () => {
    const app = Testing.app();
    const s = new TerraformStack(app, "s");
    new AwsProvider(s, "aws", { region: "us-east-1" });
    return s;
  };
  const topic = { topicName: "t", heartbeatTopicName: "h", accountId: "111111111111", region: "us-east-1" };

  it("AlertTopic needs a publisher and rejects duplicate subscriptions", () => {
    expect(() => new AlertTopic(scope(), "a", { ...topic, publishers: [] })).toThrow(/at least one publishing service/);
    const subscriptions = [
      { protocol: "email" as const, endpoint: "a@example.com" },
      { protocol: "email" as const, endpoint: "A@example.com" },
    ];
    expect(() => new AlertTopic(scope(), "a", { ...topic, publishers: ["cloudwatch"], subscriptions })).toThrow(/duplicate subscription/);
  });

  it("PlaneAlarms rejects a heartbeat window that is not a multiple of 5 minutes, and no NAT gateways", () => {
    const props = { namePrefix: "p", topicArn: "arn:aws:sns:us-east-1:111111111111:t", database: { identifier: "db", clusterRef: "db", allocatedStorageGiB: 100 }, heartbeatTopicName: "h" };
    expect(() => new PlaneAlarms(scope(), "a", { ...props, natGateways: [{ az: "a", id: "nat-1" }], thresholds: { heartbeatSilenceMinutes: 17 } })).toThrow(/multiple of 5/);
    expect(() => new PlaneAlarms(scope(), "a", { ...props, natGateways: [] })).toThrow(/no NAT gateways/);
  });

  it("BucketReplica refuses a replica in the source's region", () => {
    const s = scope();
    const source = new SecureBucket(s, "b", { bucketName: "b", kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/x" });
    const replicaProvider = new AwsProvider(s, "east", { region: "us-east-1", alias: "east" });
    expect(
      () =>
        new BucketReplica(s, "r", {
          source,
          sourceBucketName: "b",
          sourceKeyArn: "k",
          sourceRegion: "us-east-1",
          replicaBucketName: "b-r",
          replicaRegion: "us-east-1",
          replicaProvider,
          accountId: "111111111111",
          roleName: "r",
        }),
    ).toThrow(/must differ/);
  });

  it("CostGuardrails activates the four tags when asked, watches the Environment tag on request, and bounds notifications", () => {
    const s = scope();
    new CostGuardrails(s, "c", {
      namePrefix: "cdn-x",
      monthlyBudgetUsd: 100,
      topicArn: "arn:aws:sns:us-east-1:111111111111:t",
      environment: "x",
      costAllocationTagKeys: ["Environment", "Service", "Team", "CostCenter"],
      activateCostAllocationTags: true,
      anomalyMonitor: "environment-tag",
    });
    const tf = JSON.parse(Testing.synth(s));
    expect(Object.values(tf.resource.aws_ce_cost_allocation_tag).map((t: any) => `${t.tag_key}:${t.status}`).sort()).toEqual(["CostCenter:Active", "Environment:Active", "Service:Active", "Team:Active"]);
    const [monitor] = Object.values(tf.resource.aws_ce_anomaly_monitor) as any[];
    expect(monitor.monitor_type).toBe("CUSTOM");
    expect(JSON.parse(monitor.monitor_specification)).toEqual({ Tags: { Key: "Environment", Values: ["x"], MatchOptions: ["EQUALS"] } });
    const base = { namePrefix: "n", topicArn: "t", environment: "x", costAllocationTagKeys: [] };
    expect(() => new CostGuardrails(scope(), "c", { ...base, monthlyBudgetUsd: 100, actualAlertPercents: [50, 60, 70, 80, 90], forecastAlertPercents: [100] })).toThrow(/1-5 notifications/);
    expect(() => new CostGuardrails(scope(), "c", { ...base, monthlyBudgetUsd: 0 })).toThrow(/positive/);
  });
});
