/**
 * The cross-region restore drill: restores the newest cross-region copy of a plane's database (the
 * hourly logical dump replicated to the copy region, see docs/decisions/0010) into a temporary DB
 * instance in the copy region, runs the SQL probe against it, reports the observed RTO and RPO, and
 * deletes the instance, whatever happened before.
 *
 *   1. find-dump        newest `<identifier>/<yyyymmddThhmmssZ>.dump` in the replica bucket (S3, copy region)
 *   2. target-network   subnet group and security groups of the plane that lives in the copy region (RDS)
 *   3. create-instance  a single-AZ, encrypted, private instance, no automated backups, tagged as a drill
 *   4. wait-available   poll until `available` (bounded)
 *   5. download         the dump to a private temporary directory
 *   6. restore          `pg_restore --no-owner --no-privileges --exit-on-error` into the instance
 *   7. probe            the SQL probe (connect, count the restored tables)
 *   8. delete           always (when a create was attempted): delete without a final snapshot and
 *                       wait until it is gone; a failed delete fails the drill and says what to run
 *
 * RPO is the age of the newest copy when the drill starts (the data a region failure at that moment
 * would lose); RTO is the time from the drill's start until the probe succeeded on the restored copy.
 * AWS calls go through one client per service (AWS SDK v3); PostgreSQL tools and the clock are
 * injected, so the whole sequence is tested offline against recorded API responses.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  CreateDBInstanceCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  type RDSClient,
} from "@aws-sdk/client-rds";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { EnvironmentConfig } from "../src/config/schema";
import {
  backupCopyRegion,
  databaseClusterIdentifier,
  databaseName,
  dumpReplicaBucketName,
  planeInRegion,
  GLOBAL_PLANE,
  planesOf,
  regionalPlane,
  type PlaneRef,
} from "../src/config/naming";

/** What to restore and where. */
export interface DrillTarget {
  /** Environment name (tags, messages). */
  readonly environment: string;
  /** Identifier of the source DB cluster (the dumps' key prefix). */
  readonly sourceIdentifier: string;
  /** Database the dump holds. */
  readonly databaseName: string;
  /** The replica bucket holding the cross-region copies. */
  readonly replicaBucket: string;
  /** The copy region (where the replica bucket lives and the drill restores). */
  readonly region: string;
  /** PostgreSQL version of the temporary instance (the source's `<major>.<minor>`). */
  readonly engineVersion: string;
  /** Instance class of the temporary instance. */
  readonly instanceClass: string;
  /** Allocated storage (GiB) of the temporary instance. */
  readonly allocatedStorageGiB: number;
  /** Where the network comes from: the DB cluster of the plane in the copy region, or explicit ids. */
  readonly network: { readonly clusterIdentifier: string } | { readonly subnetGroup: string; readonly securityGroupIds: readonly string[] };
  /** KMS key (id, ARN or alias) for the temporary instance's storage. */
  readonly kmsKeyId: string;
  /** Tags of the temporary instance (the mandatory tags; the drill adds its own). */
  readonly tags: Readonly<Record<string, string>>;
}

/** Choices of the operator (CLI flags). */
export interface TargetOptions {
  /** Instance class of the temporary instance. @default "db.m6gd.large" */
  readonly instanceClass?: string;
  /** Explicit network, needed when no plane lives in the copy region. */
  readonly subnetGroup?: string;
  /** Explicit security groups (with `subnetGroup`). */
  readonly securityGroupIds?: readonly string[];
  /** Explicit KMS key, needed when no plane lives in the copy region. */
  readonly kmsKeyId?: string;
}

/**
 * The drill target of a plane from the environment's config: the replica bucket and region of its
 * dumps, and the network and key of the plane that lives in the copy region (its DB subnet group and
 * security group admit that plane's cluster, and its database key has the alias of its identifier).
 */
export function targetFromConfig(env: EnvironmentConfig, plane: PlaneRef, options: TargetOptions = {}): DrillTarget {
  const config = planesOf(env).find((p) => p.ref.kind === plane.kind && (p.ref.kind === "global" || (plane.kind === "regional" && p.ref.key === plane.key)))?.config;
  if (!config) throw new DrillError(`${env.name} has no plane ${plane.kind === "global" ? "global" : `regional-${plane.key}`}`);
  const region = backupCopyRegion(env, plane);
  const host = planeInRegion(env, region);
  const hostIdentifier = host ? databaseClusterIdentifier(env.name, host) : undefined;
  if (!hostIdentifier && (!options.subnetGroup || !options.securityGroupIds?.length || !options.kmsKeyId)) {
    throw new DrillError(`no plane of ${env.name} lives in the copy region ${region}: pass --subnet-group, --security-group and --kms-key`);
  }
  return {
    environment: env.name,
    sourceIdentifier: databaseClusterIdentifier(env.name, plane),
    databaseName: databaseName(plane),
    replicaBucket: dumpReplicaBucketName(env.name, env.accountId, plane),
    region,
    engineVersion: config.database.engineVersion,
    instanceClass: options.instanceClass ?? "db.m6gd.large",
    allocatedStorageGiB: Math.max(20, config.database.allocatedStorageGiB),
    network: options.subnetGroup && options.securityGroupIds?.length ? { subnetGroup: options.subnetGroup, securityGroupIds: options.securityGroupIds } : { clusterIdentifier: hostIdentifier! },
    kmsKeyId: options.kmsKeyId ?? `alias/${hostIdentifier}`,
    tags: { ...env.tags },
  };
}

/** How to reach a restored database. */
export interface Connection {
  /** The server's name (what TLS verifies). */
  readonly host: string;
  /** The address actually dialled (a tunnel), when it differs from `host`. */
  readonly hostaddr?: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/** What the SQL probe found. */
export interface ProbeResult {
  /** Tables outside the system schemas. */
  readonly tables: number;
  /** Free-form evidence (server version, database). */
  readonly detail: string;
}

/** Everything the drill talks to. */
export interface DrillDeps {
  /** RDS client for the copy region. */
  readonly rds: RDSClient;
  /** S3 client for the copy region. */
  readonly s3: S3Client;
  /** The clock. */
  readonly now: () => Date;
  /** Waits (the tests advance a fake clock). */
  readonly sleep: (ms: number) => Promise<void>;
  /** Restores a custom-format dump file into a database. */
  readonly restore: (dumpFile: string, to: Connection) => Promise<void>;
  /** Runs the SQL probe. */
  readonly probe: (on: Connection) => Promise<ProbeResult>;
  /** A private directory for the downloaded dump. */
  readonly workDir: string;
  /** A fresh master password for the temporary instance. */
  readonly password: () => string;
  /** Rewrites the instance endpoint to what this machine can reach (a tunnel); default: as is. */
  readonly connectVia?: (endpoint: { host: string; port: number }) => { host: string; hostaddr?: string; port: number };
  /** Runs once the instance is available, before the restore (e.g. waits for the operator's tunnel to it). */
  readonly beforeConnect?: (endpoint: { host: string; port: number }) => Promise<void>;
  /** Progress lines. */
  readonly log: (line: string) => void;
}

/** Limits of the waits. */
export interface DrillOptions {
  /** Between two status polls. @default 30 s */
  readonly pollIntervalMs?: number;
  /** Until the instance must be available. @default 45 min */
  readonly availableTimeoutMs?: number;
  /** Until the instance must be gone. @default 30 min */
  readonly deleteTimeoutMs?: number;
}

/** One step's outcome. */
export interface StepReport {
  readonly step: string;
  readonly status: "ok" | "failed" | "skipped";
  readonly seconds: number;
  readonly detail: string;
}

/** The drill's report; `passed` only when every step, the cleanup included, succeeded. */
export interface DrillReport {
  readonly passed: boolean;
  readonly startedAt: string;
  readonly instance?: string;
  readonly dump?: { readonly key: string; readonly takenAt: string; readonly replicatedAt?: string; readonly bytes?: number };
  /** Age of the newest copy at the start, in seconds. */
  readonly rpoSeconds?: number;
  /** Start until the probe succeeded, in seconds. */
  readonly rtoSeconds?: number;
  readonly probe?: ProbeResult;
  readonly cleanup: "deleted" | "not-created" | "failed";
  readonly steps: readonly StepReport[];
  /** Why it failed (first failure), or what to do by hand. */
  readonly problems: readonly string[];
}

const DEFAULTS = { pollIntervalMs: 30_000, availableTimeoutMs: 45 * 60_000, deleteTimeoutMs: 30 * 60_000 };

/** Key of a dump: `<identifier>/<yyyymmddThhmmssZ>.dump`; the timestamp is when the dump started. */
export const DUMP_KEY = /^(?<prefix>.+)\/(?<stamp>\d{8}T\d{6}Z)\.dump$/;

/** The UTC time encoded in a dump key, or undefined. */
export function dumpTime(key: string): Date | undefined {
  const stamp = DUMP_KEY.exec(key)?.groups?.stamp;
  if (!stamp) return undefined;
  const iso = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Identifier of the temporary instance: `<source>-drill-<yyyymmddhhmm>`, at most 63 characters. */
export function drillInstanceId(sourceIdentifier: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:T]/g, "").slice(0, 12);
  const suffix = `-drill-${stamp}`;
  return `${sourceIdentifier.slice(0, 63 - suffix.length).replace(/-+$/, "")}${suffix}`;
}

/** A readable reason from an AWS SDK error (code, message, HTTP status), never a stack trace. */
export function describeError(error: unknown): string {
  const e = error as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = e?.Code ?? e?.name ?? "Error";
  const status = e?.$metadata?.httpStatusCode;
  return `${code}${status ? ` (HTTP ${status})` : ""}: ${e?.message ?? String(error)}`;
}

const isNotFound = (error: unknown) => {
  const e = error as { name?: string; Code?: string };
  return e?.name === "DBInstanceNotFoundFault" || e?.Code === "DBInstanceNotFound" || e?.name === "DBInstanceNotFound";
};

/** Runs the drill; never throws for an AWS or PostgreSQL failure, it reports it. */
export async function runRestoreDrill(target: DrillTarget, deps: DrillDeps, options: DrillOptions = {}): Promise<DrillReport> {
  const limits = { ...DEFAULTS, ...options };
  const started = deps.now();
  const steps: StepReport[] = [];
  const problems: string[] = [];
  let failed = false;
  const step = async <T>(name: string, fn: () => Promise<{ value: T; detail: string }>): Promise<T | undefined> => {
    if (failed) {
      steps.push({ step: name, status: "skipped", seconds: 0, detail: "an earlier step failed" });
      return undefined;
    }
    const t0 = deps.now().getTime();
    deps.log(`[drill] ${name} ...`);
    try {
      const { value, detail } = await fn();
      steps.push({ step: name, status: "ok", seconds: (deps.now().getTime() - t0) / 1000, detail });
      deps.log(`[drill] ${name}: ${detail}`);
      return value;
    } catch (error) {
      failed = true;
      const detail = error instanceof DrillError ? error.message : describeError(error);
      steps.push({ step: name, status: "failed", seconds: (deps.now().getTime() - t0) / 1000, detail });
      problems.push(`${name}: ${detail}`);
      deps.log(`[drill] ${name} FAILED: ${detail}`);
      return undefined;
    }
  };

  const dump = await step("find-dump", async () => {
    const found = await newestDump(deps.s3, target.replicaBucket, `${target.sourceIdentifier}/`);
    if (!found) throw new DrillError(`no dump under s3://${target.replicaBucket}/${target.sourceIdentifier}/: the cross-region copy is missing`);
    const age = (started.getTime() - found.takenAt.getTime()) / 1000;
    return { value: found, detail: `${found.key} (taken ${found.takenAt.toISOString()}, ${Math.round(age / 60)} min before the drill)` };
  });

  const network = await step("target-network", async () => {
    if ("subnetGroup" in target.network) {
      return { value: { subnetGroup: target.network.subnetGroup, securityGroupIds: [...target.network.securityGroupIds] }, detail: `given: ${target.network.subnetGroup}` };
    }
    const out = await deps.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: target.network.clusterIdentifier }));
    const cluster = out.DBClusters?.[0];
    const subnetGroup = cluster?.DBSubnetGroup;
    const securityGroupIds = (cluster?.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId).filter((g): g is string => !!g);
    if (!subnetGroup || securityGroupIds.length === 0) throw new DrillError(`DB cluster ${target.network.clusterIdentifier} has no subnet group or security group to borrow`);
    return { value: { subnetGroup, securityGroupIds }, detail: `${subnetGroup} with ${securityGroupIds.join(", ")} (from ${target.network.clusterIdentifier})` };
  });

  const instanceId = drillInstanceId(target.sourceIdentifier, started);
  const password = deps.password();
  const master = "drill_admin";
  let createAttempted = false;
  await step("create-instance", async () => {
    createAttempted = true;
    await deps.rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: instanceId,
        Engine: "postgres",
        EngineVersion: target.engineVersion,
        DBInstanceClass: target.instanceClass,
        AllocatedStorage: target.allocatedStorageGiB,
        StorageType: "gp3",
        StorageEncrypted: true,
        KmsKeyId: target.kmsKeyId,
        DBName: target.databaseName,
        MasterUsername: master,
        MasterUserPassword: password,
        DBSubnetGroupName: network!.subnetGroup,
        VpcSecurityGroupIds: network!.securityGroupIds,
        PubliclyAccessible: false,
        MultiAZ: false,
        BackupRetentionPeriod: 0,
        DeletionProtection: false,
        CopyTagsToSnapshot: false,
        Tags: Object.entries({ ...target.tags, Purpose: "restore-drill", DrillOf: target.sourceIdentifier }).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    return { value: true, detail: `${instanceId} (${target.instanceClass}, PostgreSQL ${target.engineVersion}) in ${target.region}` };
  });

  const endpoint = await step("wait-available", async () => {
    const deadline = deps.now().getTime() + limits.availableTimeoutMs;
    for (;;) {
      const out = await deps.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId }));
      const instance = out.DBInstances?.[0];
      const status = instance?.DBInstanceStatus ?? "unknown";
      if (status === "available" && instance?.Endpoint?.Address && instance.Endpoint.Port) {
        return { value: { host: instance.Endpoint.Address, port: instance.Endpoint.Port }, detail: `${instance.Endpoint.Address}:${instance.Endpoint.Port}` };
      }
      if (["failed", "incompatible-parameters", "incompatible-network", "storage-full", "inaccessible-encryption-credentials"].includes(status)) {
        throw new DrillError(`${instanceId} is ${status}`);
      }
      if (deps.now().getTime() >= deadline) throw new DrillError(`${instanceId} was still ${status} after ${limits.availableTimeoutMs / 60_000} min`);
      await deps.sleep(limits.pollIntervalMs);
    }
  });

  const file = await step("download", async () => {
    const out = await deps.s3.send(new GetObjectCommand({ Bucket: target.replicaBucket, Key: dump!.key }));
    if (!out.Body) throw new DrillError(`s3://${target.replicaBucket}/${dump!.key} has no body`);
    const path = join(deps.workDir, "restore.dump");
    await pipeline(out.Body as Readable, createWriteStream(path, { mode: 0o600 }));
    return { value: path, detail: `${out.ContentLength ?? "?"} bytes (${out.ServerSideEncryption ?? "no"} encryption, replication ${out.ReplicationStatus ?? "n/a"})` };
  });

  const connection: Connection | undefined = endpoint
    ? { ...(deps.connectVia ? deps.connectVia(endpoint) : endpoint), user: master, password, database: target.databaseName }
    : undefined;
  await step("restore", async () => {
    if (deps.beforeConnect) await deps.beforeConnect(endpoint!);
    await deps.restore(file!, connection!);
    return { value: true, detail: `pg_restore into ${target.databaseName}` };
  });
  const probe = await step("probe", async () => {
    const result = await deps.probe(connection!);
    return { value: result, detail: `${result.tables} table(s); ${result.detail}` };
  });
  const probedAt = probe ? deps.now() : undefined;

  let cleanup: DrillReport["cleanup"] = "not-created";
  if (createAttempted) {
    cleanup = await deleteInstance(instanceId, deps, limits, steps, problems);
  }
  const passed = !failed && cleanup === "deleted";
  const report: DrillReport = {
    passed,
    startedAt: started.toISOString(),
    instance: createAttempted ? instanceId : undefined,
    dump: dump ? { key: dump.key, takenAt: dump.takenAt.toISOString(), replicatedAt: dump.lastModified?.toISOString(), bytes: dump.size } : undefined,
    rpoSeconds: dump ? Math.round((started.getTime() - dump.takenAt.getTime()) / 1000) : undefined,
    rtoSeconds: probedAt ? Math.round((probedAt.getTime() - started.getTime()) / 1000) : undefined,
    probe,
    cleanup,
    steps,
    problems,
  };
  return report;
}

/** Deletes the temporary instance and waits until it is gone; records the step. */
async function deleteInstance(id: string, deps: DrillDeps, limits: typeof DEFAULTS, steps: StepReport[], problems: string[]): Promise<DrillReport["cleanup"]> {
  const t0 = deps.now().getTime();
  const record = (status: StepReport["status"], detail: string) => steps.push({ step: "delete", status, seconds: (deps.now().getTime() - t0) / 1000, detail });
  deps.log(`[drill] delete ${id} ...`);
  try {
    try {
      await deps.rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: id, SkipFinalSnapshot: true, DeleteAutomatedBackups: true }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      record("ok", `${id} was never created`);
      return "not-created";
    }
    const deadline = deps.now().getTime() + limits.deleteTimeoutMs;
    for (;;) {
      try {
        const out = await deps.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
        const status = out.DBInstances?.[0]?.DBInstanceStatus ?? "unknown";
        if (deps.now().getTime() >= deadline) throw new DrillError(`${id} was still ${status} after ${limits.deleteTimeoutMs / 60_000} min`);
      } catch (error) {
        if (isNotFound(error)) break;
        throw error;
      }
      await deps.sleep(limits.pollIntervalMs);
    }
    record("ok", `${id} deleted`);
    deps.log(`[drill] delete: ${id} is gone`);
    return "deleted";
  } catch (error) {
    const detail = error instanceof DrillError ? error.message : describeError(error);
    record("failed", detail);
    problems.push(`delete: ${detail}. The temporary instance may still exist and cost money: aws rds delete-db-instance --db-instance-identifier ${id} --skip-final-snapshot --delete-automated-backups`);
    deps.log(`[drill] delete FAILED: ${detail}`);
    return "failed";
  }
}

/** The newest dump under `prefix` (all pages of the listing), by the time in its key. */
export async function newestDump(s3: S3Client, bucket: string, prefix: string): Promise<{ key: string; takenAt: Date; lastModified?: Date; size?: number } | undefined> {
  let best: { key: string; takenAt: Date; lastModified?: Date; size?: number } | undefined;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      const takenAt = object.Key ? dumpTime(object.Key) : undefined;
      if (!object.Key || !takenAt || !object.Key.startsWith(prefix)) continue;
      if (!best || takenAt > best.takenAt) best = { key: object.Key, takenAt, lastModified: object.LastModified, size: object.Size };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return best;
}

/** A failure the drill explains itself (no AWS error code). */
export class DrillError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DrillError";
  }
}

/** The command line (tools/bin/restore-drill.ts documents the options). */
export const DRILL_USAGE =
  "usage: npm run drill:restore -- <env> [--plane global|regional-<key>] [--instance-class <class>] [--tunnel <host:port>] [--ca-file <pem>] [--subnet-group <name> --security-group <id,...> --kms-key <id>] [--json <file>]";

/** The drill's parsed command line. */
export interface DrillArgs {
  /** The environment whose copy is restored. */
  readonly env: string;
  /** Whose copy: the global plane or a regional one. */
  readonly plane: PlaneRef;
  /** The options by name (without the dashes). */
  readonly flags: Readonly<Record<string, string>>;
}

/** Parses the drill's arguments; throws a DrillError naming the mistake. */
export function parseDrillArgs(argv: readonly string[]): DrillArgs {
  const args = argv.filter((a) => a !== "--");
  const flags: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith("--")) {
      const value = args[i + 1];
      if (value === undefined || value.startsWith("--")) throw new DrillError(`${args[i]} needs a value`);
      flags[args[i].slice(2)] = value;
      i++;
    } else positional.push(args[i]);
  }
  const known = ["plane", "instance-class", "tunnel", "ca-file", "subnet-group", "security-group", "kms-key", "json"];
  const unknown = Object.keys(flags).filter((f) => !known.includes(f));
  if (unknown.length) throw new DrillError(`unknown option(s) ${unknown.map((f) => `--${f}`).join(", ")}`);
  if (positional.length !== 1) throw new DrillError("name exactly one environment");
  return { env: positional[0], plane: planeRef(flags.plane), flags };
}

function planeRef(value = "global"): PlaneRef {
  if (value === "global") return GLOBAL_PLANE;
  const key = /^regional-([a-z][a-z0-9]{1,19})$/.exec(value)?.[1];
  if (!key) throw new DrillError(`--plane must be global or regional-<key>, got ${value}`);
  return regionalPlane(key);
}

/** A random master password RDS accepts (letters and digits only, 32 characters). */
export function randomPassword(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  return Array.from(randomBytes(32), (b) => alphabet[b % alphabet.length]).join("");
}

/** The report as text for a terminal or a CI log. */
export function formatReport(report: DrillReport): string {
  const minutes = (s?: number) => (s === undefined ? "n/a" : `${(s / 60).toFixed(1)} min`);
  const lines = [
    `restore drill ${report.passed ? "PASSED" : "FAILED"} (started ${report.startedAt})`,
    `  copy:     ${report.dump ? `${report.dump.key} taken ${report.dump.takenAt}${report.dump.replicatedAt ? `, replicated ${report.dump.replicatedAt}` : ""}` : "none found"}`,
    `  RPO:      ${minutes(report.rpoSeconds)} (age of the newest cross-region copy at the start)`,
    `  RTO:      ${minutes(report.rtoSeconds)} (start until the probe succeeded on the restored copy)`,
    `  probe:    ${report.probe ? `${report.probe.tables} table(s); ${report.probe.detail}` : "not run"}`,
    `  instance: ${report.instance ?? "none"} (cleanup: ${report.cleanup})`,
    "  steps:",
    ...report.steps.map((s) => `    ${s.status.padEnd(7)} ${s.step.padEnd(16)} ${s.seconds.toFixed(0).padStart(5)} s  ${s.detail}`),
    ...(report.problems.length ? ["  problems:", ...report.problems.map((p) => `    - ${p}`)] : []),
  ];
  return `${lines.join("\n")}\n`;
}

/** How the PostgreSQL tools verify the server. */
export interface PgToolOptions {
  /** `verify-full` (RDS endpoint name + CA bundle, also through a tunnel thanks to `hostaddr`), `require` (encrypted, unverified) or `disable` (tests). */
  readonly sslMode: "verify-full" | "require" | "disable";
  /** CA bundle for the verify modes (the RDS bundle of the region). */
  readonly caFile?: string;
  /** Directory of pg_restore and psql. @default from PATH */
  readonly binDir?: string;
  /** Parallel restore jobs. @default 2 */
  readonly jobs?: number;
}

/** The SQL probe: user tables restored, and which server answered. */
export const PROBE_SQL = [
  "select count(*) from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')",
  "select current_database() || ' on PostgreSQL ' || current_setting('server_version')",
] as const;

/** `restore` and `probe` backed by the real pg_restore and psql. */
export function pgTools(options: PgToolOptions): Pick<DrillDeps, "restore" | "probe"> {
  const bin = (name: string) => (options.binDir ? join(options.binDir, name) : name);
  const conninfo = (c: Connection) =>
    [`host=${c.host}`, ...(c.hostaddr ? [`hostaddr=${c.hostaddr}`] : []), `port=${c.port}`, `dbname=${c.database}`, `user=${c.user}`, `sslmode=${options.sslMode}`, ...(options.caFile ? [`sslrootcert=${options.caFile}`] : [])].join(" ");
  const env = (c: Connection) => ({ ...process.env, PGPASSWORD: c.password, PGCONNECT_TIMEOUT: "15" });
  return {
    restore: async (dumpFile, to) => {
      await run(bin("pg_restore"), ["--no-owner", "--no-privileges", "--exit-on-error", `--jobs=${options.jobs ?? 2}`, `--dbname=${conninfo(to)}`, dumpFile], env(to));
    },
    probe: async (on) => {
      const out = await run(bin("psql"), ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", ...PROBE_SQL.flatMap((sql) => ["-c", sql]), conninfo(on)], env(on));
      const [tables, detail] = out.trim().split("\n");
      const count = Number(tables);
      if (!Number.isInteger(count)) throw new DrillError(`the probe returned ${JSON.stringify(out.trim())}, not a table count`);
      return { tables: count, detail: detail ?? "" };
    },
  };
}

/** Runs a command; resolves with stdout, rejects with its stderr (the password is in the environment, never in arguments). */
async function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { spawn } = await import("node:child_process");
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (error) => reject(new DrillError(`${command}: ${error.message}`)));
    child.on("close", (code) => (code === 0 ? resolve(stdout) : reject(new DrillError(`${command.split("/").pop()} exited ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`))));
  });
}
