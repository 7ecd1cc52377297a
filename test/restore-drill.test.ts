/**
 * The cross-region restore drill against recorded RDS and S3 responses (real wire shapes, the SDK's
 * own parsing and retries): the happy path with its RTO/RPO, and every failure the drill must report as
 * a failure (missing copy, access denied, throttling, timeouts, an instance that never comes up, a
 * failed restore, a failed delete), always cleaning up what it created. One run restores a real
 * pg_dump archive into a real local PostgreSQL with the real pg_restore and psql.
 */
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnvironments } from "../src/config/environments";
import { GLOBAL_PLANE, regionalPlane } from "../src/config/naming";
import {
  drillInstanceId,
  dumpTime,
  formatReport,
  pgTools,
  runRestoreDrill,
  targetFromConfig,
  type DrillDeps,
  type ProbeResult,
} from "../tools/restore-drill";
import { RecordedAws, rdsError, rdsOk, s3Error, timeout, type Recorded, type Script } from "./helpers/recorded-aws";

const [prod] = loadEnvironments(["prod"]);
const target = targetFromConfig(prod, GLOBAL_PLANE);
const START = new Date("2026-12-04T10:00:00Z");
const INSTANCE = drillInstanceId(target.sourceIdentifier, START);
const PASSWORD = "RecordedDrillPassw0rdNeverPrinted";
const PREFIX = `${target.sourceIdentifier}/`;

/** A ListObjectsV2 page in S3's shape. */
function listing(keys: readonly { key: string; modified: string; size: number }[], next?: string): Recorded {
  const contents = keys
    .map((k) => `<Contents><Key>${k.key}</Key><LastModified>${k.modified}</LastModified><ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm><Size>${k.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`)
    .join("");
  return {
    status: 200,
    headers: { "content-type": "application/xml", "x-amz-request-id": "6C1B7A2D9E8F0A3B" },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${target.replicaBucket}</Name><Prefix>${PREFIX}</Prefix>${next ? `<NextContinuationToken>${next}</NextContinuationToken>` : ""}<KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>${next ? "true" : "false"}</IsTruncated>${contents}</ListBucketResult>`,
  };
}

const PAGES = [
  listing(
    [
      { key: `${PREFIX}20261204T071700Z.dump`, modified: "2026-12-04T07:18:40.000Z", size: 48213 },
      { key: `${PREFIX}20261204T081700Z.dump`, modified: "2026-12-04T08:18:39.000Z", size: 48290 },
    ],
    "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=",
  ),
  listing([
    { key: `${PREFIX}20261204T091700Z.dump`, modified: "2026-12-04T09:18:41.000Z", size: 48311 },
    { key: `${PREFIX}notes.txt`, modified: "2026-12-04T09:30:00.000Z", size: 10 },
  ]),
];

const CLUSTER = rdsOk(
  "DescribeDBClusters",
  `    <DBClusters>
      <DBCluster>
        <DBClusterIdentifier>cdn-prod-regional-uswest-postgres</DBClusterIdentifier>
        <DBClusterArn>arn:aws:rds:us-west-2:333333333333:cluster:cdn-prod-regional-uswest-postgres</DBClusterArn>
        <Engine>postgres</Engine>
        <EngineVersion>16.8</EngineVersion>
        <Status>available</Status>
        <DBSubnetGroup>cdn-prod-regional-uswest-postgres</DBSubnetGroup>
        <DBClusterInstanceClass>db.m6gd.xlarge</DBClusterInstanceClass>
        <VpcSecurityGroups>
          <VpcSecurityGroupMembership>
            <VpcSecurityGroupId>sg-0d2c4b6a8e0f13579</VpcSecurityGroupId>
            <Status>active</Status>
          </VpcSecurityGroupMembership>
        </VpcSecurityGroups>
        <StorageEncrypted>true</StorageEncrypted>
        <MultiAZ>true</MultiAZ>
      </DBCluster>
    </DBClusters>`,
);

/** A DBInstance element in RDS's shape. */
function instanceXml(status: string, endpoint = false): string {
  return `      <DBInstance>
        <DBInstanceIdentifier>${INSTANCE}</DBInstanceIdentifier>
        <DBInstanceClass>db.m6gd.large</DBInstanceClass>
        <Engine>postgres</Engine>
        <EngineVersion>16.8</EngineVersion>
        <DBInstanceStatus>${status}</DBInstanceStatus>
        <MasterUsername>drill_admin</MasterUsername>
        <DBName>cdn_global</DBName>${endpoint ? `\n        <Endpoint>\n          <Address>${INSTANCE}.c9akciq32.us-west-2.rds.amazonaws.com</Address>\n          <Port>5432</Port>\n          <HostedZoneId>Z1PVIF0B656C1W</HostedZoneId>\n        </Endpoint>` : ""}
        <AllocatedStorage>400</AllocatedStorage>
        <PubliclyAccessible>false</PubliclyAccessible>
        <StorageEncrypted>true</StorageEncrypted>
        <MultiAZ>false</MultiAZ>
        <DBInstanceArn>arn:aws:rds:us-west-2:333333333333:db:${INSTANCE}</DBInstanceArn>
      </DBInstance>`;
}
const describeInstance = (status: string, endpoint = false) => rdsOk("DescribeDBInstances", `    <DBInstances>\n${instanceXml(status, endpoint)}\n    </DBInstances>`);
const CREATED = rdsOk("CreateDBInstance", instanceXml("creating"));
const DELETING = rdsOk("DeleteDBInstance", instanceXml("deleting"));
const NOT_FOUND = rdsError(404, "DBInstanceNotFound", `DBInstance ${INSTANCE} not found.`);
const DUMP_BYTES = Buffer.from("PGDMP recorded archive bytes");
const GOT: Recorded = {
  status: 200,
  headers: {
    "content-type": "binary/octet-stream",
    "last-modified": "Fri, 04 Dec 2026 09:18:41 GMT",
    etag: '"9b2cf535f27731c974343645a3985328"',
    "x-amz-server-side-encryption": "aws:kms",
    "x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:us-west-2:333333333333:key/1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d",
    "x-amz-server-side-encryption-bucket-key-enabled": "true",
    "x-amz-replication-status": "REPLICA",
  },
  body: DUMP_BYTES,
};

/**
 * The AWS side of a healthy drill: instance `creating` for `pollsUntilAvailable` polls, then
 * `available`; after the delete, `deleting` once, then gone.
 */
function healthy(aws: () => RecordedAws, pollsUntilAvailable = 3): Script {
  return {
    "s3:ListObjectsV2": (req) => (req.query["continuation-token"] ? PAGES[1] : PAGES[0]),
    "s3:GetObject": [GOT],
    "rds:DescribeDBClusters": [CLUSTER],
    "rds:CreateDBInstance": [CREATED],
    "rds:DeleteDBInstance": [DELETING],
    "rds:DescribeDBInstances": (_req, n) => {
      const requests = aws().requests;
      const deletedAt = requests.findIndex((r) => r.call === "rds:DeleteDBInstance");
      if (deletedAt >= 0) {
        const sinceDelete = requests.slice(deletedAt).filter((r) => r.call === "rds:DescribeDBInstances").length;
        return sinceDelete < 2 ? describeInstance("deleting", true) : NOT_FOUND;
      }
      return n < pollsUntilAvailable ? describeInstance("creating") : describeInstance("available", true);
    },
  };
}

/** Drill dependencies over a fake clock; restore and probe are recorded unless replaced. */
function deps(aws: RecordedAws, overrides: Partial<DrillDeps> = {}) {
  let now = START.getTime();
  const log: string[] = [];
  const restored: { file: string; to: unknown }[] = [];
  const workDir = mkdtempSync(join(tmpdir(), "cdn-drill-test-"));
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));
  const d: DrillDeps = {
    rds: aws.rds(target.region),
    s3: aws.s3(target.region),
    now: () => new Date(now),
    sleep: async (ms) => {
      now += ms;
    },
    restore: async (file, to) => {
      restored.push({ file, to });
      expect(readFileSync(file)).toEqual(DUMP_BYTES);
      now += 120_000; // two minutes of pg_restore
    },
    probe: async (): Promise<ProbeResult> => ({ tables: 12, detail: "cdn_global on PostgreSQL 16.8" }),
    workDir,
    password: () => PASSWORD,
    log: (line) => log.push(line),
    ...overrides,
  };
  return { d, log, restored, advance: (ms: number) => (now += ms) };
}

/** Runs a drill with `script` (built lazily so it can look at the recorded requests). */
async function drill(script: (aws: () => RecordedAws) => Script, overrides: Partial<DrillDeps> = {}, options = {}) {
  let aws!: RecordedAws;
  aws = new RecordedAws(script(() => aws));
  const { d, log, restored } = deps(aws, overrides);
  const report = await runRestoreDrill(target, d, { pollIntervalMs: 30_000, ...options });
  return { report, aws, log, restored };
}

const statuses = (report: { steps: readonly { step: string; status: string }[] }) => Object.fromEntries(report.steps.map((s) => [s.step, s.status]));

describe("restore drill target from the config", () => {
  it("restores the global plane's copy in the first regional region, on the regional plane's network and key", () => {
    expect(target).toMatchObject({
      sourceIdentifier: "cdn-prod-global-postgres",
      databaseName: "cdn_global",
      replicaBucket: "cdn-prod-global-pgdump-dr-333333333333",
      region: "us-west-2",
      engineVersion: prod.global.database.engineVersion,
      network: { clusterIdentifier: "cdn-prod-regional-uswest-postgres" },
      kmsKeyId: "alias/cdn-prod-regional-uswest-postgres",
    });
    expect(target.tags.Environment).toBe("prod");
  });

  it("restores a regional plane's copy in the global region", () => {
    expect(targetFromConfig(prod, regionalPlane("uswest"))).toMatchObject({ region: "us-east-1", network: { clusterIdentifier: "cdn-prod-global-postgres" }, replicaBucket: "cdn-prod-regional-uswest-pgdump-dr-333333333333" });
  });

  it("needs an explicit network and key when no plane lives in the copy region", () => {
    const custom = structuredClone(prod);
    (custom.global.database as any).copyRegion = "eu-west-1";
    expect(() => targetFromConfig(custom, GLOBAL_PLANE)).toThrow(/no plane of prod lives in the copy region eu-west-1: pass --subnet-group/);
    expect(targetFromConfig(custom, GLOBAL_PLANE, { subnetGroup: "g", securityGroupIds: ["sg-1"], kmsKeyId: "alias/k" }).network).toEqual({ subnetGroup: "g", securityGroupIds: ["sg-1"] });
  });

  it("names dumps and instances predictably", () => {
    expect(dumpTime(`${PREFIX}20261204T091700Z.dump`)?.toISOString()).toBe("2026-12-04T09:17:00.000Z");
    expect(dumpTime(`${PREFIX}notes.txt`)).toBeUndefined();
    expect(INSTANCE).toBe("cdn-prod-global-postgres-drill-202612041000");
    expect(drillInstanceId("x".repeat(60), START).length).toBeLessThanOrEqual(63);
  });
});

describe("a healthy drill", async () => {
  const { report, aws, log, restored } = await drill((a) => healthy(a));

  it("passes, restores the newest copy across listing pages and reports RPO and RTO", () => {
    expect(report.problems).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.dump).toMatchObject({ key: `${PREFIX}20261204T091700Z.dump`, takenAt: "2026-12-04T09:17:00.000Z", replicatedAt: "2026-12-04T09:18:41.000Z", bytes: 48311 });
    expect(report.rpoSeconds).toBe(43 * 60);
    // three 30 s polls until available, two minutes of restore
    expect(report.rtoSeconds).toBe(90 + 120);
    expect(report.probe).toEqual({ tables: 12, detail: "cdn_global on PostgreSQL 16.8" });
    expect(report.cleanup).toBe("deleted");
    expect(Object.values(statuses(report))).toEqual(Array(8).fill("ok"));
    expect(aws.calls("s3:ListObjectsV2")).toHaveLength(2);
    expect(restored).toHaveLength(1);
  });

  it("talks only to the copy region", () => {
    expect(aws.requests.length).toBeGreaterThan(0);
    for (const r of aws.requests) expect(r.host).toMatch(/(^|\.)(rds|s3)\.us-west-2\.amazonaws\.com$/);
  });

  it("creates a private, encrypted, single-AZ, tagged instance on the copy region plane's network", () => {
    const [create] = aws.calls("rds:CreateDBInstance");
    expect(create.params).toMatchObject({
      DBInstanceIdentifier: INSTANCE,
      Engine: "postgres",
      EngineVersion: prod.global.database.engineVersion,
      DBInstanceClass: "db.m6gd.large",
      DBName: "cdn_global",
      StorageEncrypted: "true",
      KmsKeyId: "alias/cdn-prod-regional-uswest-postgres",
      PubliclyAccessible: "false",
      MultiAZ: "false",
      BackupRetentionPeriod: "0",
      DeletionProtection: "false",
      DBSubnetGroupName: "cdn-prod-regional-uswest-postgres",
      "VpcSecurityGroupIds.VpcSecurityGroupId.1": "sg-0d2c4b6a8e0f13579",
    });
    const tags = Object.fromEntries(
      Object.keys(create.params)
        .filter((k) => /^Tags\.Tag\.\d+\.Key$/.test(k))
        .map((k) => [create.params[k], create.params[k.replace(".Key", ".Value")]]),
    );
    expect(tags).toMatchObject({ Purpose: "restore-drill", DrillOf: "cdn-prod-global-postgres", Environment: "prod", CostCenter: prod.tags.CostCenter });
  });

  it("deletes the instance without a final snapshot and waits until it is gone", () => {
    const [del] = aws.calls("rds:DeleteDBInstance");
    expect(del.params).toMatchObject({ DBInstanceIdentifier: INSTANCE, SkipFinalSnapshot: "true", DeleteAutomatedBackups: "true" });
    expect(report.steps.at(-1)).toMatchObject({ step: "delete", status: "ok" });
  });

  it("never prints the temporary master password", () => {
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
    expect(formatReport(report)).not.toContain(PASSWORD);
    expect(log.join("\n")).not.toContain(PASSWORD);
    expect(formatReport(report)).toMatch(/^restore drill PASSED/);
    expect(formatReport(report)).toContain("RPO:      43.0 min");
  });
});

describe("failures are reported as failures, and what was created is deleted", () => {
  it("no cross-region copy: fails before creating anything", async () => {
    const { report, aws } = await drill((a) => ({ ...healthy(a), "s3:ListObjectsV2": [listing([])] }));
    expect(report.passed).toBe(false);
    expect(report.problems[0]).toMatch(/^find-dump: no dump under s3:\/\/cdn-prod-global-pgdump-dr-333333333333\/cdn-prod-global-postgres\/: the cross-region copy is missing/);
    expect(statuses(report)).toMatchObject({ "find-dump": "failed", "create-instance": "skipped", probe: "skipped" });
    expect(aws.calls("rds:CreateDBInstance")).toEqual([]);
    expect(report.cleanup).toBe("not-created");
    expect(formatReport(report)).toMatch(/^restore drill FAILED/);
  });

  it("S3 access denied: fails with the error code", async () => {
    const { report, aws } = await drill((a) => ({ ...healthy(a), "s3:ListObjectsV2": [s3Error(403, "AccessDenied", "Access Denied")] }));
    expect(report.passed).toBe(false);
    expect(report.problems[0]).toBe("find-dump: AccessDenied (HTTP 403): Access Denied");
    expect(aws.calls("s3:ListObjectsV2")).toHaveLength(1); // a denial is not retried
    expect(aws.calls("rds:CreateDBInstance")).toEqual([]);
  });

  it("RDS throttling that outlasts the retries: fails, and the delete finds nothing to delete", async () => {
    const { report, aws } = await drill((a) => ({ ...healthy(a), "rds:CreateDBInstance": [rdsError(400, "Throttling", "Rate exceeded")], "rds:DeleteDBInstance": [NOT_FOUND] }));
    expect(report.passed).toBe(false);
    expect(aws.calls("rds:CreateDBInstance")).toHaveLength(3); // the SDK retried
    expect(report.problems[0]).toBe("create-instance: Throttling (HTTP 400): Rate exceeded");
    expect(report.cleanup).toBe("not-created");
    expect(aws.calls("rds:DeleteDBInstance")).toHaveLength(1);
  }, 20_000);

  it("network timeouts while waiting: fails, and still deletes the instance", async () => {
    let deleted = false;
    const { report, aws } = await drill((a) => ({
      ...healthy(a),
      "rds:DeleteDBInstance": () => ((deleted = true), DELETING),
      "rds:DescribeDBInstances": () => (deleted ? NOT_FOUND : timeout()),
    }));
    expect(report.passed).toBe(false);
    expect(report.problems[0]).toMatch(/^wait-available: TimeoutError: Connection timed out/);
    expect(report.cleanup).toBe("deleted");
    expect(aws.calls("rds:DeleteDBInstance")).toHaveLength(1);
  }, 20_000);

  it("an instance that never becomes available: fails at the deadline, then deletes it", async () => {
    let deleted = false;
    const { report } = await drill(
      (a) => ({ ...healthy(a), "rds:DeleteDBInstance": () => ((deleted = true), DELETING), "rds:DescribeDBInstances": () => (deleted ? NOT_FOUND : describeInstance("creating")) }),
      {},
      { availableTimeoutMs: 5 * 60_000 },
    );
    expect(report.passed).toBe(false);
    expect(report.problems[0]).toBe(`wait-available: ${INSTANCE} was still creating after 5 min`);
    expect(report.cleanup).toBe("deleted");
  });

  it("an instance RDS cannot place in the network: fails at once", async () => {
    let deleted = false;
    const { report } = await drill((a) => ({ ...healthy(a), "rds:DeleteDBInstance": () => ((deleted = true), DELETING), "rds:DescribeDBInstances": () => (deleted ? NOT_FOUND : describeInstance("incompatible-network")) }));
    expect(report.problems[0]).toBe(`wait-available: ${INSTANCE} is incompatible-network`);
    expect(report.passed).toBe(false);
  });

  it("waits for the operator's tunnel before restoring (the hook sees the instance endpoint)", async () => {
    const seen: { host: string; port: number }[] = [];
    const { report } = await drill((a) => healthy(a), { beforeConnect: async (endpoint) => void seen.push(endpoint), connectVia: () => ({ host: "127.0.0.1", port: 15432 }) });
    expect(report.passed).toBe(true);
    expect(seen).toEqual([{ host: `${INSTANCE}.c9akciq32.us-west-2.rds.amazonaws.com`, port: 5432 }]);
  });

  it("a failed restore: fails, skips the probe, deletes the instance", async () => {
    const { report } = await drill((a) => healthy(a), {
      restore: async () => {
        throw new Error("pg_restore exited 1: error: could not read from input file: end of file");
      },
    });
    expect(report.passed).toBe(false);
    expect(statuses(report)).toMatchObject({ restore: "failed", probe: "skipped", delete: "ok" });
    expect(report.rtoSeconds).toBeUndefined();
    expect(report.cleanup).toBe("deleted");
  });

  it("a delete that is denied: the drill fails even though the restore worked, and says what to run", async () => {
    const { report } = await drill((a) => ({ ...healthy(a), "rds:DeleteDBInstance": [rdsError(403, "AccessDenied", "User is not authorized to perform: rds:DeleteDBInstance")] }));
    expect(statuses(report)).toMatchObject({ probe: "ok", delete: "failed" });
    expect(report.passed).toBe(false);
    expect(report.cleanup).toBe("failed");
    expect(report.problems.join("\n")).toContain(`aws rds delete-db-instance --db-instance-identifier ${INSTANCE} --skip-final-snapshot`);
  });

  it("an instance that does not go away: the cleanup fails at its deadline", async () => {
    const { report } = await drill(
      (a) => ({ ...healthy(a), "rds:DescribeDBInstances": (_r, n) => (a().calls("rds:DeleteDBInstance").length ? describeInstance("deleting", true) : n < 1 ? describeInstance("creating") : describeInstance("available", true)) }),
      {},
      { deleteTimeoutMs: 10 * 60_000 },
    );
    expect(report.cleanup).toBe("failed");
    expect(report.problems.at(-1)).toMatch(new RegExp(`^delete: ${INSTANCE} was still deleting after 10 min`));
    expect(report.passed).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// A real restore: pg_dump of a real database, replayed through the recorded S3 GetObject, restored
// with the real pg_restore into a real PostgreSQL on loopback, probed with the real psql.

const PG_BIN = ["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"].find((d) => existsSync(join(d, "initdb")) && existsSync(join(d, "pg_restore")));
if (!PG_BIN) {
  if (process.env.CDN_REQUIRE_REAL_SERVERS === "1") throw new Error("CDN_REQUIRE_REAL_SERVERS=1 but PostgreSQL (initdb, pg_restore) is not installed");
  console.warn("!!! SKIPPING the real-PostgreSQL restore drill: PostgreSQL is not installed (apt-get install -y postgresql) !!!");
}

describe.skipIf(!PG_BIN)("a drill that restores a real dump into a real PostgreSQL", () => {
  const bin = (name: string) => join(PG_BIN!, name);
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const user = asRoot ? { uid: Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout), gid: Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout) } : undefined;
  const dir = mkdtempSync(join(tmpdir(), "cdn-drill-pg-"));
  let port = 0;
  let server: ReturnType<typeof import("node:child_process").spawn> | undefined;
  const sh = (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(cmd, args, { encoding: "utf8", uid: user?.uid, gid: user?.gid, env: { ...process.env, ...env } });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };

  beforeAll(async () => {
    if (user) chownSync(dir, user.uid, user.gid);
    port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    sh(bin("initdb"), ["-D", join(dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
    const { spawn } = await import("node:child_process");
    server = spawn(bin("postgres"), ["-D", join(dir, "data"), "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"], { uid: user?.uid, gid: user?.gid, stdio: "ignore" });
    const psql = (sql: string, db = "postgres") => sh(bin("psql"), ["-X", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", db, "-c", sql]);
    for (let i = 0; ; i++) {
      try {
        psql("select 1");
        break;
      } catch (error) {
        if (i > 100) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    // The source: a database with the platform's kind of data.
    psql("create database source_db");
    psql("create table bundles (id int primary key, name text not null); insert into bundles values (1, 'edge-config'), (2, 'routing'); create table regions (key text primary key)", "source_db");
    sh(bin("pg_dump"), ["--format=custom", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", `--file=${join(dir, "source.dump")}`, "source_db"]);
    // The "temporary instance": an empty database owned by the drill's master user, as RDS creates it.
    psql(`create role drill_admin login password '${PASSWORD}'`);
    psql("create database cdn_global owner drill_admin");
  }, 60_000);

  afterAll(async () => {
    server?.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    rmSync(dir, { recursive: true, force: true });
  });

  it("restores every table and the probe counts them", async () => {
    const dumpBytes = readFileSync(join(dir, "source.dump"));
    // Dialled like a tunnel: the RDS endpoint name as host (never resolved), the loopback as hostaddr.
    const { report } = await drill((a) => ({ ...healthy(a), "s3:GetObject": [{ ...GOT, body: dumpBytes }] }), {
      ...pgTools({ sslMode: "disable", binDir: PG_BIN }),
      connectVia: (endpoint) => ({ host: endpoint.host, hostaddr: "127.0.0.1", port }),
    });
    expect(report.problems).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.probe?.tables).toBe(2);
    expect(report.probe?.detail).toMatch(/^cdn_global on PostgreSQL \d+/);
    const rows = sh(bin("psql"), ["-X", "-A", "-t", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "cdn_global", "-c", "select string_agg(name, ',' order by id) from bundles"]);
    expect(rows.trim()).toBe("edge-config,routing");
  }, 60_000);

  it("a corrupt archive fails the restore with pg_restore's reason", async () => {
    const { report } = await drill((a) => ({ ...healthy(a), "s3:GetObject": [{ ...GOT, body: Buffer.from("not a dump") }] }), {
      ...pgTools({ sslMode: "disable", binDir: PG_BIN }),
      connectVia: () => ({ host: "127.0.0.1", port }),
    });
    expect(report.passed).toBe(false);
    expect(report.problems[0]).toMatch(/^restore: pg_restore exited 1: .*(input file|archive)/);
    expect(report.cleanup).toBe("deleted");
  }, 60_000);
});

describe("the CLI", () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", join(__dirname, "..", "tools", "bin", "restore-drill.ts"), ...args], { encoding: "utf8" });

  it("exits 2 with the usage on bad arguments, without calling AWS", () => {
    for (const args of [[], ["prod", "--plane"], ["prod", "--bogus", "x"]]) {
      const r = cli(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("usage: npm run drill:restore");
    }
  });

  it("rejects an unknown plane", () => {
    const r = cli("prod", "--plane", "moon");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--plane must be global or regional-<key>");
  });
});
