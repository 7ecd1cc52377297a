/**
 * The one-shot in-cluster job that creates a plane's application database user (`cdn_app`), which
 * workloads log in as with IAM tokens only, and the read-only backup user (`cdn_backup`) the hourly
 * dump logs in as, also with IAM tokens. It is the only thing that reads the master password: its
 * own namespace and service account are bound (Pod Identity, in the plane stack) to a role that may
 * read exactly the RDS-managed master secret.
 *
 * One pod, Pod Security `restricted` (non-root, no privilege escalation, all capabilities dropped,
 * RuntimeDefault seccomp, read-only root filesystems):
 * - init container `fetch` (pinned AWS CLI image): downloads the RDS CA bundle over HTTPS and reads the
 *   master secret into a memory-backed emptyDir as a `.pgpass` line; nothing is printed;
 * - container `psql` (pinned PostgreSQL client image, no AWS credentials: the Pod Identity webhook skips
 *   it): runs the idempotent scripts `setup-app-user.sql` and `setup-backup-user.sql` in one transaction
 *   with `sslmode=verify-full`.
 *
 * Terraform waits for the job (`wait_for_completion`); a failed job fails the apply. The completed job
 * is kept (no `ttlSecondsAfterFinished`): the kubernetes provider re-creates a job it cannot find, so a
 * TTL would re-run it on every later deploy and no plan would ever be clean. Delete the job to run it
 * again on the next deploy; a change of the script, the images or the settings replaces it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { Construct } from "constructs";

/** The idempotent SQL the job runs (psql variable `app_user`). */
export const SETUP_APP_USER_SQL = readFileSync(join(__dirname, "setup-app-user.sql"), "utf8");

/** The idempotent SQL that creates the read-only backup user (psql variable `backup_user`). */
export const SETUP_BACKUP_USER_SQL = readFileSync(join(__dirname, "setup-backup-user.sql"), "utf8");

/** AWS CLI v2 image (Amazon Linux 2023 base: bash, curl, jq), pinned by tag and digest. */
export const AWS_CLI_IMAGE = "public.ecr.aws/aws-cli/aws-cli:2.36.15@sha256:310813a7eae8fd88da1cc9c37970e3500b0ff3984479e1012f0a6fd44e453f63";

/** PostgreSQL 16 client image (psql; runs as the image's `postgres` user, uid 70), pinned by tag and digest. */
export const POSTGRES_CLIENT_IMAGE = "docker.io/library/postgres:16.11-alpine3.23@sha256:4327b9fd295502f326f44153a1045a7170ddbfffed1c3829798328556cfd09e2";

/** Amazon RDS's CA bundle for every region (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html). */
export const RDS_CA_BUNDLE_URL = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem";

/** The user (and group) both containers run as: `postgres` of the PostgreSQL Alpine image. */
const RUN_AS = "70";

/** Props of {@link DatabaseUserJob}. */
export interface DatabaseUserJobProps {
  /** Namespace to create for the job (its service account is the only one bound to the setup role). */
  readonly namespace: string;
  /** Service account of the job (the plane stack's Pod Identity association names it). */
  readonly serviceAccount: string;
  /** The user to create or repair, e.g. `cdn_app`. */
  readonly applicationUser: string;
  /** The read-only user the hourly dump logs in as (IAM authentication), e.g. `cdn_backup`. */
  readonly backupUser: string;
  /** Writer endpoint of the cluster: the RDS name, which the server certificate carries (verify-full). */
  readonly host: string;
  /** TCP port of the cluster. */
  readonly port: number;
  /** Database to grant CONNECT on and create the user's schema in. */
  readonly databaseName: string;
  /** The master user the job logs in as. */
  readonly masterUsername: string;
  /** ARN of the RDS-managed master secret (a reference to the cluster's `master_user_secret`). */
  readonly masterSecretArn: string;
  /** Region of the cluster and its secret. */
  readonly region: string;
  /** AWS CLI image, pinned. Defaults to {@link AWS_CLI_IMAGE}. */
  readonly awsCliImage?: string;
  /** PostgreSQL client image, pinned; must run as uid 70. Defaults to {@link POSTGRES_CLIENT_IMAGE}. */
  readonly postgresImage?: string;
  /** Where the RDS CA bundle comes from. Defaults to {@link RDS_CA_BUNDLE_URL}. */
  readonly caBundleUrl?: string;
}

/** The init container's script: CA bundle and master password into /setup, nothing on stdout. */
const FETCH_SCRIPT = String.raw`set -euo pipefail
umask 077
echo "fetching the RDS CA bundle from $RDS_CA_BUNDLE_URL"
curl --fail --silent --show-error --location --proto '=https' --tlsv1.2 \
  --retry 5 --retry-all-errors --connect-timeout 10 --max-time 120 \
  --output /setup/rds-ca.pem "$RDS_CA_BUNDLE_URL"
read -r first_line < /setup/rds-ca.pem
if [[ "$first_line" != "-----BEGIN CERTIFICATE-----" ]]; then
  echo "the CA bundle is not a PEM certificate bundle" >&2
  exit 1
fi
echo "reading the master secret $MASTER_SECRET_ARN"
# .pgpass line "*:*:*:*:<password>", with ':' and '\' escaped as libpq requires.
aws secretsmanager get-secret-value --secret-id "$MASTER_SECRET_ARN" --query SecretString --output text \
  | jq --exit-status --raw-output '"*:*:*:*:" + (.password | gsub("\\\\"; "\\\\") | gsub(":"; "\\:"))' > /setup/pgpass
echo "ready"
`;

/** Namespace, service account, script and the job that creates the application database user. */
export class DatabaseUserJob extends Construct {
  /** The job. */
  readonly job: JobV1;
  /** The job's namespace. */
  readonly namespace: NamespaceV1;

  constructor(scope: Construct, id: string, props: DatabaseUserJobProps) {
    super(scope, id);
    const labels = { "app.kubernetes.io/name": "db-app-user-setup", "app.kubernetes.io/managed-by": "terraform" };
    this.namespace = new NamespaceV1(this, "namespace", {
      metadata: {
        name: props.namespace,
        labels: {
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/warn": "restricted",
          "pod-security.kubernetes.io/audit": "restricted",
          "app.kubernetes.io/managed-by": "terraform",
        },
      },
    });
    const serviceAccount = new ServiceAccountV1(this, "service-account", {
      metadata: { name: props.serviceAccount, namespace: this.namespace.metadata.name, labels },
      // Pod Identity mounts its own projected token; the job never talks to the Kubernetes API.
      automountServiceAccountToken: false,
    });
    const script = new ConfigMapV1(this, "script", {
      metadata: { name: "db-app-user-setup-sql", namespace: this.namespace.metadata.name, labels },
      data: { "setup-app-user.sql": SETUP_APP_USER_SQL, "setup-backup-user.sql": SETUP_BACKUP_USER_SQL },
    });

    const awsCliImage = props.awsCliImage ?? AWS_CLI_IMAGE;
    const postgresImage = props.postgresImage ?? POSTGRES_CLIENT_IMAGE;
    // The pod template cannot change in place: a new script, image or setting replaces (re-runs) the job.
    const revision = createHash("sha256").update(JSON.stringify([SETUP_APP_USER_SQL, FETCH_SCRIPT, awsCliImage, postgresImage])).digest("hex").slice(0, 16);
    const containerSecurity = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } };
    const work = { name: "work", mountPath: "/setup" };
    const tmp = { name: "tmp", mountPath: "/tmp" };

    this.job = new JobV1(this, "job", {
      metadata: { name: "db-app-user-setup", namespace: this.namespace.metadata.name, labels },
      spec: {
        completions: 1,
        parallelism: 1,
        backoffLimit: 4,
        activeDeadlineSeconds: 600,
        template: {
          metadata: {
            labels,
            annotations: {
              // Only the init container gets AWS credentials (the EKS Pod Identity webhook skips psql).
              "eks.amazonaws.com/skip-containers": "psql",
              "cdn.platform/revision": revision,
            },
          },
          spec: {
            serviceAccountName: serviceAccount.metadata.name,
            automountServiceAccountToken: false,
            restartPolicy: "Never",
            securityContext: { runAsNonRoot: true, runAsUser: RUN_AS, runAsGroup: RUN_AS, fsGroup: RUN_AS, seccompProfile: { type: "RuntimeDefault" } },
            initContainer: [
              {
                name: "fetch",
                image: awsCliImage,
                command: ["/bin/bash", "-c", FETCH_SCRIPT],
                env: [
                  { name: "MASTER_SECRET_ARN", value: props.masterSecretArn },
                  { name: "RDS_CA_BUNDLE_URL", value: props.caBundleUrl ?? RDS_CA_BUNDLE_URL },
                  // Set explicitly: pods cannot reach the node's instance metadata (hop limit 1).
                  { name: "AWS_REGION", value: props.region },
                  { name: "AWS_RETRY_MODE", value: "standard" },
                  { name: "AWS_MAX_ATTEMPTS", value: "5" },
                  { name: "AWS_PAGER", value: "" },
                  { name: "HOME", value: "/tmp" },
                ],
                securityContext: containerSecurity,
                resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
                volumeMount: [work, tmp],
              },
            ],
            container: [
              {
                name: "psql",
                image: postgresImage,
                command: ["psql"],
                args: [
                  "--no-psqlrc",
                  "--single-transaction",
                  "--set=ON_ERROR_STOP=1",
                  `--set=app_user=${props.applicationUser}`,
                  `--set=backup_user=${props.backupUser}`,
                  "--file=/sql/setup-app-user.sql",
                  "--file=/sql/setup-backup-user.sql",
                ],
                env: [
                  { name: "PGHOST", value: props.host },
                  { name: "PGPORT", value: String(props.port) },
                  { name: "PGDATABASE", value: props.databaseName },
                  { name: "PGUSER", value: props.masterUsername },
                  { name: "PGPASSFILE", value: "/setup/pgpass" },
                  { name: "PGSSLMODE", value: "verify-full" },
                  { name: "PGSSLROOTCERT", value: "/setup/rds-ca.pem" },
                  { name: "PGCONNECT_TIMEOUT", value: "15" },
                  { name: "PGAPPNAME", value: "cdn-db-app-user-setup" },
                  { name: "HOME", value: "/tmp" },
                ],
                securityContext: containerSecurity,
                resources: { requests: { cpu: "25m", memory: "32Mi" }, limits: { memory: "128Mi" } },
                volumeMount: [work, tmp, { name: "sql", mountPath: "/sql", readOnly: true }],
              },
            ],
            volume: [
              // Memory-backed: the password never reaches the node's disk.
              { name: "work", emptyDir: { medium: "Memory", sizeLimit: "8Mi" } },
              { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
              { name: "sql", configMap: { name: script.metadata.name, defaultMode: "0444" } },
            ],
          },
        },
      },
      waitForCompletion: true,
      timeouts: { create: "15m", update: "15m" },
    });
  }
}
