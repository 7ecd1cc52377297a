/**
 * The restore drill's AWS side as recorded responses (test/restore-drill*.test.ts): prod's global plane
 * as the target, a copy bucket listed over two pages, an instance that goes from creating to available
 * and, after the delete, to gone; the drill's other dependencies over a fake clock.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect } from "vitest";
import { loadEnvironments } from "../../src/config/environments";
import { GLOBAL_PLANE } from "../../src/config/naming";
import { drillInstanceId, runRestoreDrill, targetFromConfig, type DrillDeps, type ProbeResult } from "../../tools/restore-drill";
import { RecordedAws, rdsError, rdsOk, type Recorded, type Script } from "./recorded-aws";

export const [prod] = loadEnvironments(["prod"]);
export const target = targetFromConfig(prod, GLOBAL_PLANE);
export const START = new Date("2026-12-04T10:00:00Z");
export const INSTANCE = drillInstanceId(target.sourceIdentifier, START);
export const PASSWORD = "RecordedDrillPassw0rdNeverPrinted";
export const PREFIX = `${target.sourceIdentifier}/`;

/** A ListObjectsV2 page in S3's shape. */
export function listing(keys: readonly { key: string; modified: string; size: number }[], next?: string): Recorded {
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
export const describeInstance = (status: string, endpoint = false) => rdsOk("DescribeDBInstances", `    <DBInstances>\n${instanceXml(status, endpoint)}\n    </DBInstances>`);
const CREATED = rdsOk("CreateDBInstance", instanceXml("creating"));
export const DELETING = rdsOk("DeleteDBInstance", instanceXml("deleting"));
export const NOT_FOUND = rdsError(404, "DBInstanceNotFound", `DBInstance ${INSTANCE} not found.`);
const DUMP_BYTES = Buffer.from("PGDMP recorded archive bytes");
export const GOT: Recorded = {
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
export function healthy(aws: () => RecordedAws, pollsUntilAvailable = 3): Script {
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
export async function drill(script: (aws: () => RecordedAws) => Script, overrides: Partial<DrillDeps> = {}, options = {}) {
  let aws!: RecordedAws;
  aws = new RecordedAws(script(() => aws));
  const { d, log, restored } = deps(aws, overrides);
  const report = await runRestoreDrill(target, d, { pollIntervalMs: 30_000, ...options });
  return { report, aws, log, restored };
}

export const statuses = (report: { steps: readonly { step: string; status: string }[] }) => Object.fromEntries(report.steps.map((s) => [s.step, s.status]));
