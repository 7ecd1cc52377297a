/**
 * The cross-region restore drill against recorded RDS and S3 responses (real wire shapes, the SDK's
 * own parsing and retries): the happy path with its RTO/RPO, and every failure the drill must report as
 * a failure (missing copy, access denied, throttling, timeouts, an instance that never comes up, a
 * failed restore, a failed delete), always cleaning up what it created. The restore of a real pg_dump
 * archive into a real PostgreSQL is test/restore-drill-pg.test.ts.
 */
import { describe, expect, it } from "vitest";
import { GLOBAL_PLANE, regionalPlane } from "../src/config/naming";
import { DrillError, drillInstanceId, dumpTime, formatReport, parseDrillArgs, targetFromConfig } from "../tools/restore-drill";
import { rdsError, s3Error, timeout } from "./helpers/recorded-aws";
import { DELETING, INSTANCE, NOT_FOUND, PASSWORD, PREFIX, START, describeInstance, drill, healthy, listing, prod, statuses, target } from "./helpers/restore-drill-aws";


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

describe("the command line", () => {
  it("names the mistake in bad arguments", () => {
    const mistake = (...args: string[]) => {
      try {
        parseDrillArgs(args);
      } catch (error) {
        expect(error).toBeInstanceOf(DrillError);
        return (error as Error).message;
      }
      throw new Error(`${args.join(" ")} parsed`);
    };
    expect(mistake()).toBe("name exactly one environment");
    expect(mistake("prod", "staging")).toBe("name exactly one environment");
    expect(mistake("prod", "--plane")).toBe("--plane needs a value");
    expect(mistake("prod", "--bogus", "x")).toBe("unknown option(s) --bogus");
    expect(mistake("prod", "--plane", "moon")).toBe("--plane must be global or regional-<key>, got moon");
  });

  it("parses the environment, the plane and the options", () => {
    expect(parseDrillArgs(["--", "prod"])).toEqual({ env: "prod", plane: GLOBAL_PLANE, flags: {} });
    expect(parseDrillArgs(["prod", "--plane", "regional-uswest", "--ca-file", "rds.pem"])).toEqual({ env: "prod", plane: regionalPlane("uswest"), flags: { plane: "regional-uswest", "ca-file": "rds.pem" } });
  });

});
