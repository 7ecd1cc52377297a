/**
 * The logical-dump CronJob of one plane's database: the cross-region leg of the backups (see
 * `constructs/database-backup` and docs/decisions/0010-cross-region-database-backups.md).
 *
 * Each run, in a namespace of its own under a service account bound by Pod Identity to the plane's
 * dump role (connect as the read-only backup user with an IAM token, write under `<identifier>/` in the
 * dump bucket; it cannot read the master password):
 * 1. `credentials` (AWS CLI): creates a 15-minute IAM authentication token for the backup user and
 *    fetches the RDS CA bundle into a memory-backed volume that only this pod sees;
 * 2. `dump` (PostgreSQL client of the engine's major version): `pg_dump --format=custom` over TLS with
 *    full verification of the RDS certificate, then `pg_restore --list` to prove the archive is
 *    readable; the key is stamped with the UTC time the dump *started* (its consistency point);
 * 3. `upload` (AWS CLI): copies the archive to `s3://<bucket>/<identifier>/<yyyymmddThhmmssZ>.dump`;
 *    the bucket's default encryption applies its key, and S3 replicates it to the copy region.
 *
 * Failures leave a failed Job, which the `DatabaseDumpFailed` rule alerts on; a schedule that stops
 * producing successes is caught by `DatabaseDumpTooOld` (`constructs/monitoring/rules.ts`). Pods run
 * as non-root with a read-only root file system, no privilege escalation and no capabilities.
 */
import { CronJobV1 } from "@cdktf/provider-kubernetes/lib/cron-job-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { Construct } from "constructs";

/** Defaults of {@link DatabaseDumpProps}; the config schema fills omitted fields from the same object. */
export const DATABASE_DUMP_DEFAULTS = {
  /** Hourly at minute 17 (UTC): away from the top of the hour, where everything else runs. */
  schedule: "17 * * * *",
  /** The AWS CLI, pinned. */
  awsCliImage: "public.ecr.aws/aws-cli/aws-cli:2.22.0",
  /** Seconds a run may take before Kubernetes kills it. */
  activeDeadlineSeconds: 3000,
  /** Size limit of the scratch volume holding one dump. */
  scratchSizeGiB: 20,
} as const;

/** Name of the CronJob (the alert rules select on it). */
export const DATABASE_DUMP_CRONJOB = "postgres-dump";

/** Props of {@link DatabaseDump}. */
export interface DatabaseDumpProps {
  /** Namespace to create and run in. */
  readonly namespace: string;
  /** Service account (bound by Pod Identity to the dump role). */
  readonly serviceAccount: string;
  /** Region of the database and the dump bucket. */
  readonly region: string;
  /** Identifier of the DB cluster (the dumps' key prefix). */
  readonly identifier: string;
  /** Writer endpoint host. */
  readonly host: string;
  /** Port. */
  readonly port: number;
  /** Database to dump. */
  readonly databaseName: string;
  /** The read-only database user to dump as (IAM authentication; the dump role may connect as it). */
  readonly username: string;
  /** The dump bucket. */
  readonly bucketName: string;
  /** PostgreSQL major version of the server (pg_dump must be at least as new). */
  readonly postgresMajor: number;
  /** Cron schedule (UTC). @default "17 * * * *" */
  readonly schedule?: string;
  /** AWS CLI image. @default "public.ecr.aws/aws-cli/aws-cli:2.22.0" */
  readonly awsCliImage?: string;
  /** PostgreSQL client image. @default `public.ecr.aws/docker/library/postgres:<major>-bookworm` */
  readonly postgresImage?: string;
  /** Seconds a run may take. @default 3000 */
  readonly activeDeadlineSeconds?: number;
  /** Scratch volume size limit in GiB. @default 20 */
  readonly scratchSizeGiB?: number;
}

/** Shell of the `credentials` step (AWS CLI image): an IAM token (valid 15 minutes: pg_dump connects at once). */
export const CREDENTIALS_SCRIPT = [
  "set -eu",
  'aws rds generate-db-auth-token --region "$AWS_REGION" --hostname "$DB_HOST" --port "$DB_PORT" --username "$DB_USER" > /secret/token',
  "curl -fsS --retry 3 -o /secret/rds-ca.pem https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem",
].join("\n");

/** Shell of the `dump` step (PostgreSQL image): the token is the password, never printed. */
export const DUMP_SCRIPT = [
  "set -eu",
  "started=$(date -u +%Y%m%dT%H%M%SZ)",
  'PGUSER="$DB_USER"',
  "PGPASSWORD=$(cat /secret/token)",
  "export PGUSER PGPASSWORD",
  'pg_dump --format=custom --compress=6 --no-password --file=/work/db.dump "host=$DB_HOST port=$DB_PORT dbname=$DB_NAME sslmode=verify-full sslrootcert=/secret/rds-ca.pem"',
  "pg_restore --list /work/db.dump > /dev/null",
  'echo "$started" > /work/started',
  'echo "dump of $DB_NAME started $started: $(wc -c < /work/db.dump) bytes"',
].join("\n");

/** Shell of the `upload` step (AWS CLI image). */
export const UPLOAD_SCRIPT = [
  "set -eu",
  "started=$(cat /work/started)",
  'aws s3 cp --region "$AWS_REGION" --only-show-errors /work/db.dump "s3://$BUCKET/$DB_IDENTIFIER/$started.dump"',
  'echo "uploaded s3://$BUCKET/$DB_IDENTIFIER/$started.dump"',
].join("\n");

/** Namespace, service account and the hourly dump CronJob. */
export class DatabaseDump extends Construct {
  /** The CronJob. */
  readonly cronJob: CronJobV1;

  constructor(scope: Construct, id: string, props: DatabaseDumpProps) {
    super(scope, id);
    const namespace = new NamespaceV1(this, "namespace", {
      metadata: { name: props.namespace, labels: { "pod-security.kubernetes.io/enforce": "restricted", "app.kubernetes.io/managed-by": "terraform" } },
    });
    const serviceAccount = new ServiceAccountV1(this, "service-account", {
      metadata: { name: props.serviceAccount, namespace: namespace.metadata.name },
      automountServiceAccountToken: false,
    });
    const awsCli = props.awsCliImage ?? DATABASE_DUMP_DEFAULTS.awsCliImage;
    const postgres = props.postgresImage ?? `public.ecr.aws/docker/library/postgres:${props.postgresMajor}-bookworm`;
    const env = (vars: Record<string, string>) => Object.entries(vars).map(([name, value]) => ({ name, value }));
    const common = env({ AWS_REGION: props.region, HOME: "/tmp" });
    const hardened = {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    };
    const resources = { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } };
    const mounts = (...names: ("secret" | "work" | "tmp")[]) => names.map((name) => ({ name, mountPath: `/${name}` }));
    const step = (name: string, image: string, script: string, vars: Record<string, string>, volumes: ("secret" | "work" | "tmp")[]) => ({
      name,
      image,
      imagePullPolicy: "IfNotPresent",
      command: ["/bin/sh", "-c", script],
      env: [...common, ...env(vars)],
      securityContext: hardened,
      resources,
      volumeMount: mounts(...volumes),
    });

    this.cronJob = new CronJobV1(this, "cron-job", {
      metadata: { name: DATABASE_DUMP_CRONJOB, namespace: namespace.metadata.name, labels: { "app.kubernetes.io/name": DATABASE_DUMP_CRONJOB } },
      spec: {
        schedule: props.schedule ?? DATABASE_DUMP_DEFAULTS.schedule,
        timezone: "Etc/UTC",
        concurrencyPolicy: "Forbid",
        startingDeadlineSeconds: 600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels: { "app.kubernetes.io/name": DATABASE_DUMP_CRONJOB } },
          spec: {
            backoffLimit: 1,
            activeDeadlineSeconds: props.activeDeadlineSeconds ?? DATABASE_DUMP_DEFAULTS.activeDeadlineSeconds,
            ttlSecondsAfterFinished: "86400",
            template: {
              metadata: { labels: { "app.kubernetes.io/name": DATABASE_DUMP_CRONJOB } },
              spec: {
                serviceAccountName: serviceAccount.metadata.name,
                restartPolicy: "Never",
                securityContext: { runAsNonRoot: true, runAsUser: "10001", runAsGroup: "10001", fsGroup: "10001", seccompProfile: { type: "RuntimeDefault" } },
                initContainer: [
                  step("credentials", awsCli, CREDENTIALS_SCRIPT, { DB_HOST: props.host, DB_PORT: String(props.port), DB_USER: props.username }, ["secret", "tmp"]),
                  step("dump", postgres, DUMP_SCRIPT, { DB_HOST: props.host, DB_PORT: String(props.port), DB_NAME: props.databaseName, DB_USER: props.username }, ["secret", "work", "tmp"]),
                ],
                container: [step("upload", awsCli, UPLOAD_SCRIPT, { BUCKET: props.bucketName, DB_IDENTIFIER: props.identifier }, ["work", "tmp"])],
                volume: [
                  // The credentials never touch a disk.
                  { name: "secret", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
                  { name: "work", emptyDir: { sizeLimit: `${props.scratchSizeGiB ?? DATABASE_DUMP_DEFAULTS.scratchSizeGiB}Gi` } },
                  { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
                ],
              },
            },
          },
        },
      },
    });
  }
}
