/**
 * Kubernetes manifests of the in-cluster probes: one ConfigMap per run holding the probe scripts (and
 * the RDS CA bundle), and one short-lived Job per probe, in the workload namespace under the workload
 * service account (so the probe has exactly the workload's Pod Identity role), compliant with Pod
 * Security `restricted`, with resource limits, a deadline, a TTL, and labels that identify the run.
 * Pure functions: the orchestrator creates what these return; cleanup finds it by the run label.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Label every object verify creates carries (value {@link MANAGED_BY}). */
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
/** Value of {@link MANAGED_BY_LABEL}. */
export const MANAGED_BY = "cdn-verify";
/** Label with the run id: cleanup deletes exactly the objects of one run. */
export const RUN_LABEL = "cdn-verify/run";
/** Label naming the probe (sql, sql-drill, s3, net, smoke-test). */
export const PROBE_LABEL = "cdn-verify/probe";

/**
 * Probe images, pinned. ECR Public's mirror of the Docker official `postgres` image (psql; no Docker
 * Hub rate limits from node IPs) and the AWS CLI v2 image (the S3 and network probes, IAM tokens).
 */
export const IMAGES = {
  postgres: "public.ecr.aws/docker/library/postgres:17.5-alpine",
  awsCli: "public.ecr.aws/aws-cli/aws-cli:2.22.0",
} as const;

/** Non-root users the images run as: `postgres` (uid 70) in the Alpine image; any uid for the CLI. */
const UIDS = { postgres: 70, awsCli: 1000 } as const;

/** Where the run's ConfigMap (scripts, CA bundle) is mounted. */
export const SCRIPTS_DIR = "/verify";
/** Where the IAM token sidecar writes one token file per database host. */
export const TOKEN_DIR = "/run/cdn-verify/token";

/** The probe scripts shipped in the run's ConfigMap. */
export const PROBE_SCRIPTS = ["sql-probe.sh", "iam-token.sh", "s3-probe.sh", "net-probe.sh"] as const;

/** Reads a probe script from this directory. */
export function probeScript(name: (typeof PROBE_SCRIPTS)[number]): string {
  return readFileSync(join(__dirname, name), "utf8");
}

/** A Kubernetes object in API shape. */
export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown }; [k: string]: unknown };

/** `20261204t183000-a1b2`: UTC time plus four random hex digits (lowercase: it names tables and objects). */
export function newRunId(now: Date, randomHex: string): string {
  const t = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "").toLowerCase();
  return `${t}-${randomHex.toLowerCase().replace(/[^0-9a-f]/g, "").slice(0, 4).padEnd(4, "0")}`;
}

/** Labels of every object of run `runId` (plus the probe's name). */
export function runLabels(runId: string, probe?: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, [RUN_LABEL]: runId, ...(probe ? { [PROBE_LABEL]: probe } : {}) };
}

/** Label selector of one run's objects (or of every verify object when `runId` is undefined). */
export function runSelector(runId?: string): string {
  return runId ? `${MANAGED_BY_LABEL}=${MANAGED_BY},${RUN_LABEL}=${runId}` : `${MANAGED_BY_LABEL}=${MANAGED_BY}`;
}

/** Name of the run's ConfigMap. */
export const scriptsConfigMapName = (runId: string): string => `cdn-verify-${runId}`;

/** Name of a probe's Job. */
export const jobName = (runId: string, probe: string): string => `cdn-verify-${runId}-${probe}`;

/** The run's ConfigMap: the probe scripts and, when given, the RDS CA bundle (`rds-ca.pem`). */
export function scriptsConfigMap(runId: string, namespace: string, extra: Readonly<Record<string, string>> = {}): KubeObject {
  const data: Record<string, string> = {};
  for (const s of PROBE_SCRIPTS) data[s] = probeScript(s);
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: scriptsConfigMapName(runId), namespace, labels: runLabels(runId) }, data: { ...data, ...extra } };
}

/** What varies between probes. */
export interface ProbeSpec {
  /** Run id. */
  readonly runId: string;
  /** Probe name: sql, sql-drill, s3, net. */
  readonly probe: string;
  /** Workload namespace. */
  readonly namespace: string;
  /** Workload service account (bound to the plane's IAM role by Pod Identity). */
  readonly serviceAccount: string;
  /** The workload ConfigMap, loaded as environment (DB_HOST, BUNDLE_BUCKET, ...). */
  readonly workloadConfigMap: string;
  /** Which image runs the script. */
  readonly image: keyof typeof IMAGES;
  /** The script (from {@link PROBE_SCRIPTS}) and its interpreter. */
  readonly script: (typeof PROBE_SCRIPTS)[number];
  /** Extra environment (PROBE_*). */
  readonly env: Readonly<Record<string, string>>;
  /** Seconds until Kubernetes kills the Job (the probe's own time limit plus margin). */
  readonly deadlineSeconds: number;
  /** Whether an IAM token sidecar writes database auth tokens for DB_HOST and DB_READER_HOST. */
  readonly iamTokenSidecar?: boolean;
}

const containerSecurity = (uid: number) => ({
  runAsNonRoot: true,
  runAsUser: uid,
  runAsGroup: uid,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
});

const env = (vars: Readonly<Record<string, string>>) => Object.entries(vars).map(([name, value]) => ({ name, value }));

/** A probe Job. */
export function probeJob(spec: ProbeSpec): KubeObject {
  const labels = runLabels(spec.runId, spec.probe);
  const mounts = [
    { name: "tmp", mountPath: "/tmp" },
    { name: "verify", mountPath: SCRIPTS_DIR, readOnly: true },
    ...(spec.iamTokenSidecar ? [{ name: "token", mountPath: TOKEN_DIR, readOnly: true }] : []),
  ];
  const interpreter = spec.image === "postgres" ? "sh" : "bash";
  const uid = UIDS[spec.image];
  const probe = {
    name: "probe",
    image: IMAGES[spec.image],
    imagePullPolicy: "IfNotPresent",
    command: [interpreter, `${SCRIPTS_DIR}/${spec.script}`],
    envFrom: [{ configMapRef: { name: spec.workloadConfigMap } }],
    env: env({
      HOME: "/tmp",
      TMPDIR: "/tmp",
      PROBE_RUN_ID: spec.runId,
      ...(spec.iamTokenSidecar ? { PROBE_TOKEN_DIR: TOKEN_DIR } : {}),
      ...spec.env,
    }),
    securityContext: containerSecurity(uid),
    resources: spec.image === "postgres" ? { requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "500m", memory: "128Mi" } } : { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    volumeMounts: mounts,
  };
  const sidecar = spec.iamTokenSidecar
    ? [
        {
          // A native sidecar (init container that keeps running): writes fresh IAM auth tokens (valid
          // 15 minutes) every 5 minutes; the probe starts once the first token exists.
          name: "iam-token",
          image: IMAGES.awsCli,
          imagePullPolicy: "IfNotPresent",
          restartPolicy: "Always",
          command: ["bash", `${SCRIPTS_DIR}/iam-token.sh`],
          envFrom: [{ configMapRef: { name: spec.workloadConfigMap } }],
          env: env({ HOME: "/tmp", PROBE_TOKEN_DIR: TOKEN_DIR }),
          startupProbe: { exec: { command: ["bash", "-c", `test -s "${TOKEN_DIR}/$DB_HOST"`] }, periodSeconds: 2, failureThreshold: 60 },
          securityContext: containerSecurity(UIDS.awsCli),
          resources: { requests: { cpu: "20m", memory: "96Mi" }, limits: { cpu: "300m", memory: "256Mi" } },
          volumeMounts: [
            { name: "tmp", mountPath: "/tmp" },
            { name: "verify", mountPath: SCRIPTS_DIR, readOnly: true },
            { name: "token", mountPath: TOKEN_DIR },
          ],
        },
      ]
    : [];
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: jobName(spec.runId, spec.probe), namespace: spec.namespace, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: spec.deadlineSeconds,
      ttlSecondsAfterFinished: 600,
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: spec.serviceAccount,
          // The probes need no Kubernetes API access; Pod Identity mounts its own token.
          automountServiceAccountToken: false,
          restartPolicy: "Never",
          terminationGracePeriodSeconds: 30,
          securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, seccompProfile: { type: "RuntimeDefault" } },
          ...(sidecar.length ? { initContainers: sidecar } : {}),
          containers: [probe],
          volumes: [
            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
            { name: "verify", configMap: { name: scriptsConfigMapName(spec.runId), defaultMode: 0o444 } },
            ...(spec.iamTokenSidecar ? [{ name: "token", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } }] : []),
          ],
        },
      },
    },
  };
}
