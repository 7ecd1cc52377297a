/**
 * Every name the repository derives, in one place: stacks, planes, clusters, databases and resource
 * prefixes. Constructs receive names as props; none of them derives another construct's name.
 */
import type { EnvironmentConfig, PlaneConfig } from "./schema";

/** Identifies a plane: the global one, or a regional one by key. */
export type PlaneRef = { readonly kind: "global" } | { readonly kind: "regional"; readonly key: string };

/** The global plane's reference. */
export const GLOBAL_PLANE: PlaneRef = { kind: "global" };

/** A regional plane's reference. */
export function regionalPlane(key: string): PlaneRef {
  return { kind: "regional", key };
}

/** `global` or `regional-<key>`: the plane's id in stack names and resource prefixes. */
export function planeId(plane: PlaneRef): string {
  return plane.kind === "global" ? "global" : `regional-${plane.key}`;
}

/** EKS cluster name: `cdn-global-control` or `cdn-regional-<key>`. */
export function clusterName(plane: PlaneRef): string {
  return plane.kind === "global" ? "cdn-global-control" : `cdn-regional-${plane.key}`;
}

/** Postgres database name: `cdn_global` or `cdn_regional_<key>`. */
export function databaseName(plane: PlaneRef): string {
  return plane.kind === "global" ? "cdn_global" : `cdn_regional_${plane.key}`;
}

/**
 * Identifier of the plane's Postgres Multi-AZ DB cluster: `cdn-<env>-<planeId>-postgres` (also the
 * prefix of its endpoints' DNS names, so it must stay stable: restores rename into it).
 */
export function databaseClusterIdentifier(env: string, plane: PlaneRef): string {
  return `${resourcePrefix(env, plane)}-postgres`;
}

/** Name of the Secrets Manager secret holding the plane's non-secret database connection document. */
export function databaseConnectionSecretName(env: string, plane: PlaneRef): string {
  return `${resourcePrefix(env, plane)}/postgres/connection`;
}

/** Name of the plane's AWS-only stack: `<env>-global` or `<env>-regional-<key>`. */
export function planeStackName(env: string, plane: PlaneRef): string {
  return `${env}-${planeId(plane)}`;
}

/** Name of the plane's in-cluster stack: `<env>-global-k8s` or `<env>-regional-<key>-k8s`. */
export function k8sStackName(env: string, plane: PlaneRef): string {
  return `${planeStackName(env, plane)}-k8s`;
}

/** Name of the environment's bootstrap stack (creates the state bucket). */
export function bootstrapStackName(env: string): string {
  return `${env}-bootstrap`;
}

/** Alias (without `alias/`) of the environment's Terraform state key, which the bootstrap stack creates. */
export function stateKeyAlias(env: string): string {
  return `cdn-${env}-terraform-state`;
}

/**
 * ARN of the state key's alias: what every S3 backend and remote-state block names as `kms_key_id`. A
 * literal known before the key exists (the key's own ARN holds a random id); S3 accepts an alias ARN in
 * `x-amz-server-side-encryption-aws-kms-key-id` and records the key's ARN on the object.
 */
export function stateKeyAliasArn(env: Pick<EnvironmentConfig, "name" | "accountId" | "state">): string {
  return `arn:aws:kms:${env.state.region}:${env.accountId}:alias/${stateKeyAlias(env.name)}`;
}

/** Prefix for AWS resource names of a plane: `cdn-<env>-<planeId>`. */
export function resourcePrefix(env: string, plane: PlaneRef): string {
  return `cdn-${env}-${planeId(plane)}`;
}

/** Every plane of an environment, global first, with its config. */
export function planesOf(env: EnvironmentConfig): { ref: PlaneRef; config: PlaneConfig }[] {
  return [{ ref: GLOBAL_PLANE, config: env.global }, ...env.regions.map((r) => ({ ref: regionalPlane(r.key), config: r }))];
}

/** Namespace of kube-prometheus-stack. */
export const MONITORING_NAMESPACE = "monitoring";

/** Namespace of the control-plane services. */
export const WORKLOAD_NAMESPACE = "cdn-control-plane";

/** Service account of the control-plane services (bound to the plane's workload role). */
export const WORKLOAD_SERVICE_ACCOUNT = "control-plane";

/** Namespace of the optional nginx smoke-test app. */
export const SMOKE_TEST_NAMESPACE = "smoke-test";

/** Name of the plane's gp3 default storage class. */
export const DEFAULT_STORAGE_CLASS = "gp3";

/** Name of the plane's workload IAM role (bound to the workload service account by Pod Identity). */
export function workloadRoleName(env: string, plane: PlaneRef): string {
  return `${resourcePrefix(env, plane)}-workload`;
}

/** ARN of the plane's workload role (a literal: other stacks grant it access before it exists). */
export function workloadRoleArn(accountId: string, env: string, plane: PlaneRef): string {
  return `arn:aws:iam::${accountId}:role/${workloadRoleName(env, plane)}`;
}

/** The environment's private DNS zone, associated with every plane's VPC. */
export function privateZoneName(env: string): string {
  return `${env}.internal`;
}

/** Stable DNS names of a plane's database endpoints: `global-db.<env>.internal`, `<key>-db-ro...`. */
export function databaseDnsNames(env: string, plane: PlaneRef): { writer: string; reader: string } {
  const label = plane.kind === "global" ? "global" : plane.key;
  return { writer: `${label}-db.${privateZoneName(env)}`, reader: `${label}-db-ro.${privateZoneName(env)}` };
}

/**
 * The database user every plane's workloads log in as: IAM authentication only (member of `rds_iam`,
 * no password), created by the in-cluster setup job. The workload role may `rds-db:connect` as exactly
 * this user; nothing else it runs as may read the master password.
 */
export const DATABASE_APP_USER = "cdn_app";

/**
 * The read-only database user the hourly logical dump logs in as: IAM authentication only, member of
 * `pg_read_all_data`, created by the same setup job. The dump role may `rds-db:connect` as exactly this
 * user, so the dump needs no password.
 */
export const DATABASE_BACKUP_USER = "cdn_backup";

/** Namespace of the one-shot job that creates {@link DATABASE_APP_USER} (the only reader of the master secret). */
export const DATABASE_SETUP_NAMESPACE = "cdn-db-setup";

/** Service account of that job (bound to the plane's database setup role). */
export const DATABASE_SETUP_SERVICE_ACCOUNT = "db-app-user-setup";

/** Name of the plane's database setup IAM role (reads the master secret; bound to the setup job only). */
export function databaseSetupRoleName(env: string, plane: PlaneRef): string {
  return `${resourcePrefix(env, plane)}-db-setup`;
}

/** Name of the environment's CodeConnections connection to GitHub (created by `<env>-bootstrap`; at most 32 characters). */
export function githubConnectionName(env: string): string {
  return `cdn-${env}-github`;
}

/**
 * Name of the plane's CodeBuild project that hosts GitHub Actions runners inside the plane's VPC.
 * Workflow jobs select it with `runs-on: codebuild-<name>-${{ github.run_id }}-${{ github.run_attempt }}`.
 */
export function ciRunnerProjectName(env: string, plane: PlaneRef): string {
  return `${resourcePrefix(env, plane)}-gha-runner`;
}

/** The runner label of a CodeBuild-hosted GitHub Actions runner project for one workflow run attempt. */
export function ciRunnerLabel(project: string, runId: string, runAttempt: string): string {
  return `codebuild-${project}-${runId}-${runAttempt}`;
}

/** Name of the environment's read-only Terraform plan role (GitHub OIDC): `cdn-<env>-terraform-plan`. */
export function terraformPlanRoleName(env: string): string {
  return `cdn-${env}-terraform-plan`;
}

/** Name of the environment's Terraform deploy role (GitHub OIDC, the GitHub environment only): `cdn-<env>-terraform-deploy`. */
export function terraformDeployRoleName(env: string): string {
  return `cdn-${env}-terraform-deploy`;
}

/** ARN of an IAM role of the environment's account, by name. */
export function roleArn(accountId: string, name: string): string {
  return `arn:aws:iam::${accountId}:role/${name}`;
}

/** Key of a stack's state object in the environment's state bucket: `<keyPrefix>/<stack>.tfstate`. */
export function stateObjectKey(keyPrefix: string, stack: string): string {
  return `${keyPrefix}/${stack}.tfstate`;
}

/** Prefix of every Secrets Manager secret name of an environment (each plane's {@link resourcePrefix} starts with it). */
export function secretNamePrefix(env: string): string {
  return `cdn-${env}-`;
}

/** The plane a plane id names (`global` or `regional-<key>`), the inverse of {@link planeId}. */
export function planeRefOf(id: string): PlaneRef {
  return id === "global" ? GLOBAL_PLANE : regionalPlane(id.replace(/^regional-/, ""));
}

/** Name of the plane's EKS access host (its Auto Scaling group, and the Name tag of its instance). */
export function accessHostName(env: string, plane: PlaneRef): string {
  return `${resourcePrefix(env, plane)}-eks-access`;
}

/** Name of the plane's SSM session document that forwards a local port to its EKS API (and nowhere else). */
export function tunnelDocumentName(env: string, plane: PlaneRef): string {
  return `${resourcePrefix(env, plane)}-eks-api-tunnel`;
}

/**
 * Name of the in-cluster stack's Terraform variable that overrides the Kubernetes API server URL
 * (`TF_VAR_<name>=https://127.0.0.1:<port>` through the SSM tunnel); empty means the cluster endpoint.
 */
export function apiServerVariableName(plane: PlaneRef): string {
  return `kube_api_server_${planeId(plane).replace(/-/g, "_")}`;
}

/** Short label of a plane in kubeconfig contexts and commands: `global` or the regional key. */
export function planeLabel(plane: PlaneRef): string {
  return plane.kind === "global" ? "global" : plane.key;
}

/** Service account of Alertmanager (bound to the plane's alertmanager role by Pod Identity). */
export const ALERTMANAGER_SERVICE_ACCOUNT = "alertmanager";

/** Namespace of the logical-dump CronJob. */
export const DB_BACKUP_NAMESPACE = "db-backup";

/** Service account of the logical-dump CronJob (bound to the plane's dump role by Pod Identity). */
export const DB_BACKUP_SERVICE_ACCOUNT = "db-backup";

/** The plane's alert topic: every alarm, Alertmanager route, budget and anomaly alert goes here. */
export function alertTopicName(env: string, plane: PlaneRef): string {
  return `${resourcePrefix(env, plane)}-alerts`;
}

/** The plane's dead-man's-switch topic: Alertmanager's Watchdog publishes here; a CloudWatch alarm watches its silence. */
export function heartbeatTopicName(env: string, plane: PlaneRef): string {
  return `${resourcePrefix(env, plane)}-alertmanager-heartbeat`;
}

/** ARN of an SNS topic (a literal: the in-cluster stack names it before looking anything up). */
export function topicArn(accountId: string, region: string, name: string): string {
  return `arn:aws:sns:${region}:${accountId}:${name}`;
}

/** Name of the plane's Alertmanager role (publishes to the alert and heartbeat topics). */
export function alertmanagerRoleName(env: string, plane: PlaneRef): string {
  return `${resourcePrefix(env, plane)}-alertmanager`;
}

/** Name of the plane's logical-dump role (reads the master secret, writes dumps). */
export function dbBackupRoleName(env: string, plane: PlaneRef): string {
  return `${resourcePrefix(env, plane)}-db-backup`;
}

/** AWS Backup vault of the plane's database (in the plane's region). */
export function backupVaultName(env: string, plane: PlaneRef): string {
  return `${resourcePrefix(env, plane)}-postgres`;
}

/** Bucket of the plane's hourly logical dumps, in the plane's region: `cdn-<env>-<planeId>-pgdump-<account>`. */
export function dumpBucketName(env: string, accountId: string, plane: PlaneRef): string {
  return `cdn-${env}-${planeId(plane)}-pgdump-${accountId}`;
}

/** The dump bucket's cross-region replica: `cdn-<env>-<planeId>-pgdump-dr-<account>`. */
export function dumpReplicaBucketName(env: string, accountId: string, plane: PlaneRef): string {
  return `cdn-${env}-${planeId(plane)}-pgdump-dr-${accountId}`;
}

/**
 * Region the plane's database dumps replicate to: `database.copyRegion` when set, else the global
 * plane's go to the first regional plane's region and every regional plane's to the global region.
 */
export function backupCopyRegion(env: EnvironmentConfig, plane: PlaneRef): string {
  const config = plane.kind === "global" ? env.global : env.regions.find((r) => r.key === plane.key);
  if (!config) throw new Error(`no regional plane "${plane.kind === "regional" ? plane.key : ""}" in ${env.name}`);
  if (config.database.copyRegion) return config.database.copyRegion;
  return plane.kind === "global" ? env.regions[0].region : env.global.region;
}

/** The plane (if any) that lives in `region`: where a restore drill borrows a subnet group and security group. */
export function planeInRegion(env: EnvironmentConfig, region: string): PlaneRef | undefined {
  return planesOf(env).find((p) => p.config.region === region)?.ref;
}

/** Region of the state bucket's replica: `state.replicaRegion`, else the first plane region other than the state's. */
export function stateReplicaRegion(env: EnvironmentConfig): string {
  return env.state.replicaRegion ?? planesOf(env).map((p) => p.config.region).find((r) => r !== env.state.region) ?? env.state.region;
}

/** Name of the state bucket's replica. */
export function stateReplicaBucketName(env: EnvironmentConfig): string {
  return `${env.state.bucket}-replica`;
}

/** Region of the bundle bucket's replica: `bundleReplicaRegion`, else the first regional plane's region. */
export function bundleReplicaRegion(env: EnvironmentConfig): string {
  return env.bundleReplicaRegion ?? env.regions.map((r) => r.region).find((r) => r !== env.global.region) ?? env.global.region;
}

/** Name of the bundle bucket's replica. */
export function bundleReplicaBucketName(env: EnvironmentConfig): string {
  return `${env.bundleBucketName}-replica`;
}
