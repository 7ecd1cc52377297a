/** Database config validation: bad database settings fail with file, field path, value and what is allowed. */
import { describe, expect, it } from "vitest";
import { dev } from "../environments/dev";
import { ENVIRONMENTS } from "../environments";
import { loadEnvironment } from "../src/config/load";
import { DB_CLUSTER_INSTANCE_CLASSES, type EnvironmentInput } from "../src/config/schema";
import { configProblems } from "./helpers/config-problems";

const FILE = "environments/dev.ts";

/** The validation message for a copy of `base` with `mutate` applied; fails the test when validation passes. */
const problemsOf = (mutate: (env: any) => void, base: EnvironmentInput = dev, file = FILE): string => configProblems(base, file, mutate);

describe("database config", () => {
  it("accepts every real environment, with the platform defaults filled in", () => {
    for (const { file, data } of Object.values(ENVIRONMENTS)) {
      const env = loadEnvironment(data, file);
      for (const db of [env.global.database, ...env.regions.map((r) => r.database)]) {
        expect(db.backupRetentionDays).toBe(30);
        expect(db.performanceInsightsRetentionDays).toBeGreaterThanOrEqual(7);
        expect(db.monitoringIntervalSeconds).toBeGreaterThan(0);
        expect(db.slowStatementThresholdMs).toBeGreaterThanOrEqual(100);
      }
    }
  });

  it("rejects an engine major below 14", () => {
    const message = problemsOf((e) => (e.global.database.engineVersion = "13.4"));
    expect(message).toContain(FILE);
    expect(message).toContain('global.database.engineVersion: got "13.4"; must have a major version of at least 14');
  });

  it("rejects a malformed engine version", () => {
    expect(problemsOf((e) => (e.regions[0].database.engineVersion = "sixteen"))).toContain(
      'regions[0].database.engineVersion: got "sixteen"; must be a PostgreSQL version like 16.11',
    );
  });

  it.each([
    ["16.8", "16.1-16.8", "16.11"],
    ["16.1", "16.1-16.8", "16.11"],
    ["17.4", "17.1-17.4", "17.7"],
    ["15.12", "15.1-15.12", "15.15"],
    ["14.17", "14.1-14.17", "14.20"],
  ])("rejects %s, a minor RDS no longer creates", (version, range, target) => {
    expect(problemsOf((e) => (e.global.database.engineVersion = version))).toContain(
      `global.database.engineVersion: got "${version}"; must be a minor RDS still creates: ${range} left standard support on 2026-05-31 and cannot be used for new databases since 2026-05-01; use ${target} or later (docs/decisions/0008-postgres-version-and-upgrades.md)`,
    );
  });

  it.each(["16.11", "16.13", "17.7", "18.3", "14.20"])("accepts %s", (version) => {
    const copy = structuredClone(dev) as any;
    copy.global.database.engineVersion = version;
    expect(loadEnvironment(copy, FILE).global.database.engineVersion).toBe(version);
  });

  it("pins 16.11 (a version RDS offers for Multi-AZ DB clusters in every configured region) in every environment, upgrades off", () => {
    for (const { file, data } of Object.values(ENVIRONMENTS)) {
      const env = loadEnvironment(data, file);
      const dbs = [env.global.database, ...env.regions.map((r) => r.database)];
      expect(dbs.length).toBeGreaterThanOrEqual(2);
      for (const db of dbs) expect(db).toMatchObject({ engineVersion: "16.11", engineVersionUpgrade: false });
    }
  });

  it("rejects an engineVersionUpgrade that is not a boolean", () => {
    expect(problemsOf((e) => (e.global.database.engineVersionUpgrade = "yes"))).toContain('global.database.engineVersionUpgrade: got "yes"; must be boolean');
  });

  it("rejects backups kept fewer than 7 days", () => {
    const message = problemsOf((e) => (e.global.database.backupRetentionDays = 3));
    expect(message).toContain(FILE);
    expect(message).toContain("global.database.backupRetentionDays: got 3; must be at least 7 days");
  });

  it("rejects backups kept longer than RDS allows", () => {
    expect(problemsOf((e) => (e.global.database.backupRetentionDays = 36))).toContain(
      "global.database.backupRetentionDays: got 36; must be at most 35 days (the RDS maximum)",
    );
  });

  it("rejects fewer than 30 days of backups in prod", () => {
    const message = problemsOf((e) => (e.global.database.backupRetentionDays = 14), ENVIRONMENTS.prod.data, "environments/prod.ts");
    expect(message).toContain("environments/prod.ts");
    expect(message).toContain("global.database.backupRetentionDays: got 14; must be at least 30 days in prod");
  });

  it("rejects fewer than three database AZs", () => {
    const message = problemsOf((e) => (e.global.database.availabilityZones = ["us-east-1a", "us-east-1b"]));
    expect(message).toContain(FILE);
    expect(message).toContain(
      'global.database.availabilityZones: got ["us-east-1a","us-east-1b"]; must list exactly three distinct availability zones',
    );
  });

  it("rejects a repeated database AZ", () => {
    expect(problemsOf((e) => (e.global.database.availabilityZones = ["us-east-1a", "us-east-1a", "us-east-1b"]))).toContain(
      "global.database.availabilityZones: got [\"us-east-1a\",\"us-east-1a\",\"us-east-1b\"]; must list exactly three distinct availability zones",
    );
  });

  it("rejects a database AZ outside the plane's region", () => {
    const message = problemsOf((e) => (e.regions[0].database.availabilityZones[2] = "us-east-1c"));
    expect(message).toContain(
      'regions[0].database.availabilityZones[2]: got "us-east-1c"; must be one of the plane\'s availability zones (us-west-2a, us-west-2b, us-west-2c)',
    );
  });

  it("rejects a plane with only two AZs, which cannot hold the three database AZs", () => {
    const message = problemsOf((e) => (e.global.availabilityZones = ["us-east-1a", "us-east-1b"]));
    expect(message).toContain('global.database.availabilityZones[2]: got "us-east-1c"; must be one of the plane\'s availability zones (us-east-1a, us-east-1b)');
  });

  it.each(["db.t3.medium", "db.m6g.xlarge", "db.r6i.large", "db.m6gd.24xlarge", "m6gd.xlarge"])(
    "rejects the instance class %s, which Multi-AZ DB clusters do not support",
    (instanceClass) => {
      const message = problemsOf((e) => (e.global.database.instanceClass = instanceClass));
      expect(message).toContain(FILE);
      expect(message).toContain(
        `global.database.instanceClass: got "${instanceClass}"; must be an instance class that RDS Multi-AZ DB clusters support (db.m5d, db.m6gd, db.m6id, db.r5d, db.r6gd, db.r6id or db.c6gd; large to 16xlarge)`,
      );
    },
  );

  it("accepts the 4 vCPU / 16 GiB classes the DB-cluster form supports", () => {
    for (const instanceClass of ["db.m5d.xlarge", "db.m6gd.xlarge", "db.m6id.xlarge"]) {
      expect(DB_CLUSTER_INSTANCE_CLASSES).toContain(instanceClass);
    }
  });

  it("rejects IOPS outside 0.5 to 50 per GiB", () => {
    const message = problemsOf((e) => {
      e.global.database.allocatedStorageGiB = 20;
      e.global.database.iops = 3000;
    });
    expect(message).toContain("global.database.iops: got 3000; must lie between 0.5 and 50 IOPS per GiB of allocated storage (10 to 1000)");
  });

  it("rejects turning deletion protection off in staging", () => {
    const message = problemsOf((e) => (e.regions[0].database.deletionProtection = false), ENVIRONMENTS.staging.data, "environments/staging.ts");
    expect(message).toContain("environments/staging.ts");
    expect(message).toContain("regions[0].database.deletionProtection: got false; must be true in staging");
  });

  it("rejects a Performance Insights retention RDS does not offer", () => {
    expect(problemsOf((e) => (e.global.database.performanceInsightsRetentionDays = 14))).toContain(
      "global.database.performanceInsightsRetentionDays: got 14; must be a Performance Insights retention period: 7, a multiple of 31 up to 713 (31 * months), or 731",
    );
  });

  it("rejects a monitoring interval that is off or not offered", () => {
    for (const interval of [0, 20]) {
      expect(problemsOf((e) => (e.global.database.monitoringIntervalSeconds = interval))).toContain(
        `global.database.monitoringIntervalSeconds: got ${interval}; must be an enhanced monitoring interval in seconds: one of 1, 5, 10, 15, 30, 60`,
      );
    }
  });

  it("rejects a slow-statement threshold that would log every statement", () => {
    expect(problemsOf((e) => (e.global.database.slowStatementThresholdMs = 0))).toContain(
      "global.database.slowStatementThresholdMs: got 0; must be at least 100 ms",
    );
  });

  it("rejects an unknown database field (a typo)", () => {
    expect(problemsOf((e) => (e.global.database.backupRetention = 30))).toContain('global.database.backupRetention: unknown field; did you mean "backupRetentionDays"?');
  });
});

describe("database parameters (escape hatch)", () => {
  it("turns pg_stat_statements on as a config change: the parameter lands in the cluster parameter group", async () => {
    const copy = structuredClone(dev) as any;
    copy.global.database.parameters = {
      shared_preload_libraries: { value: "pg_stat_statements", applyMethod: "pending-reboot" },
      "pg_stat_statements.track": { value: "top" },
    };
    const env = loadEnvironment(copy, FILE);
    expect(env.global.database.parameters["pg_stat_statements.track"]).toEqual({ value: "top", applyMethod: "immediate" });
    const { synthesize, configsOf, stack } = await import("./helpers/synth");
    const groups = configsOf(stack(synthesize([env]), "dev-global"), "aws_rds_cluster_parameter_group");
    expect(groups).toHaveLength(1);
    const params = groups[0].parameter as { name: string; value: string; apply_method: string }[];
    expect(params).toContainEqual({ name: "shared_preload_libraries", value: "pg_stat_statements", apply_method: "pending-reboot" });
    expect(params).toContainEqual({ name: "pg_stat_statements.track", value: "top", apply_method: "immediate" });
    // The managed ones stay, first.
    expect(params.slice(0, 2).map((p) => p.name)).toEqual(["rds.force_ssl", "ssl_min_protocol_version"]);
  });

  it.each(["rds.force_ssl", "ssl_min_protocol_version", "log_min_duration_statement"])("refuses to override the managed parameter %s", (name) => {
    const message = problemsOf((e) => (e.global.database.parameters = { [name]: { value: "0" } }));
    expect(message).toContain(`global.database.parameters.${name}`);
    expect(message).toContain("must not be one the database construct manages");
  });

  it("rejects a malformed name and an unknown apply method", () => {
    expect(problemsOf((e) => (e.global.database.parameters = { "Bad Name": { value: "1" } }))).toContain("must be a PostgreSQL parameter name");
    expect(problemsOf((e) => (e.global.database.parameters = { work_mem: { value: "64MB", applyMethod: "later" } }))).toContain("global.database.parameters.work_mem.applyMethod");
  });
});
