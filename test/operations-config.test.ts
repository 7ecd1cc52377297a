/**
 * Config of the day-2 sections: defaults come from the constructs' defaults objects, and every bad
 * value (copy region, locks and retention in prod, thresholds, subscriptions, budget notifications,
 * derived bucket names) fails with the file, the field, the value and what is allowed.
 */
import { describe, expect, it } from "vitest";
import { ALARM_DEFAULTS } from "../constructs/alarms";
import { COST_DEFAULTS } from "../constructs/cost-guardrails";
import { BACKUP_DEFAULTS } from "../constructs/database-backup";
import { DATABASE_DUMP_DEFAULTS } from "../constructs/database-dump";
import { ENVIRONMENTS } from "../environments";
import { loadEnvironment } from "../src/config/load";
import { backupCopyRegion, GLOBAL_PLANE, regionalPlane, stateReplicaRegion, bundleReplicaRegion } from "../src/config/naming";
import { configProblems } from "./helpers/config-problems";

/** A deep copy of an environment's data with `mutate` applied. */
function withEnv(name: string, mutate: (env: any) => void): unknown {
  const copy = structuredClone(ENVIRONMENTS[name].data) as any;
  mutate(copy);
  return copy;
}

/** The validation message; fails the test when validation passes. */
function problemsOf(name: string, mutate: (env: any) => void): string {
  return configProblems(ENVIRONMENTS[name].data, ENVIRONMENTS[name].file, mutate);
}

describe("day-2 defaults come from the constructs", () => {
  const env = loadEnvironment(
    withEnv("staging", (e) => {
      delete e.alerting;
      delete e.backups;
      e.cost = { monthlyBudgetUsd: 10 };
    }),
    "environments/staging.ts (minimal copy)",
  );

  it("alarm thresholds", () => expect(env.alerting.thresholds).toEqual(ALARM_DEFAULTS));
  it("no subscriptions", () => expect(env.alerting.subscriptions).toEqual([]));
  it("backups and the dump schedule", () => {
    expect(env.backups).toMatchObject(BACKUP_DEFAULTS);
    expect(env.backups.dumpSchedule).toBe(DATABASE_DUMP_DEFAULTS.schedule);
  });
  it("cost", () => {
    const { activateCostAllocationTags, anomalyMonitor, anomalyThresholdUsd, actualAlertPercents, forecastAlertPercents } = env.cost;
    expect({ activateCostAllocationTags, anomalyMonitor, anomalyThresholdUsd, actualAlertPercents, forecastAlertPercents }).toEqual(COST_DEFAULTS);
  });
  it("copy regions: global -> first regional region, regional -> global region; state and bundles to the first other region", () => {
    expect(backupCopyRegion(env, GLOBAL_PLANE)).toBe("us-west-2");
    expect(backupCopyRegion(env, regionalPlane("uswest"))).toBe("us-east-1");
    expect(stateReplicaRegion(env)).toBe("us-west-2");
    expect(bundleReplicaRegion(env)).toBe("us-west-2");
  });
  it("a configured copy region wins", () => {
    const custom = loadEnvironment(withEnv("staging", (e) => (e.global.database.copyRegion = "eu-west-1")), "x");
    expect(backupCopyRegion(custom, GLOBAL_PLANE)).toBe("eu-west-1");
  });
});

describe("bad day-2 config fails with file, field, value and what is allowed", () => {
  it.each([
    ["a copy region equal to the plane's", "dev", (e: any) => (e.global.database.copyRegion = "us-east-1"), /global\.database\.copyRegion: got .*must name a region other than the plane's own \(us-east-1\)/],
    ["a state replica in the state's region", "dev", (e: any) => (e.state.replicaRegion = "us-east-1"), /state\.replicaRegion: got "us-east-1"; must name a region other than the state bucket's/],
    ["a bundle replica in the global region", "dev", (e: any) => (e.bundleReplicaRegion = "us-east-1"), /bundleReplicaRegion: got "us-east-1"; must name a region other than the global plane's/],
    ["no vault lock in prod", "prod", (e: any) => (e.backups.vaultLock = "off"), /backups\.vaultLock: got "off"; must be "governance" or "compliance" in prod/],
    ["no dump lock in prod", "prod", (e: any) => (e.backups.dumpLock = "off"), /backups\.dumpLock: got "off"; must be "governance" or "compliance" in prod/],
    ["dumps kept 7 days in prod", "prod", (e: any) => (e.backups.dumpRetentionDays = 7), /backups\.dumpRetentionDays: got 7; must be at least 30 days in prod/],
    ["an unknown lock mode", "dev", (e: any) => (e.backups.vaultLock = "strict"), /backups\.vaultLock: got "strict"; must be "off", "governance" .* or "compliance"/],
    ["a heartbeat window of 17 minutes", "dev", (e: any) => (e.alerting.thresholds = { heartbeatSilenceMinutes: 17 }), /alerting\.thresholds\.heartbeatSilenceMinutes: got 17; must be a multiple of 5 minutes/],
    ["a CPU threshold over 100%", "dev", (e: any) => (e.alerting.thresholds = { dbCpuPercent: 120 }), /alerting\.thresholds\.dbCpuPercent: got 120; must be at most 100/],
    ["an email subscription that is not an address", "dev", (e: any) => (e.alerting.subscriptions = [{ protocol: "email", endpoint: "oncall" }]), /alerting\.subscriptions\[0\]\.endpoint: got "oncall"; must be an email address/],
    ["a plain-HTTP endpoint", "dev", (e: any) => (e.alerting.subscriptions = [{ protocol: "https", endpoint: "http://hooks.example.com/x" }]), /alerting\.subscriptions\[0\]\.endpoint: got "http:\/\/hooks\.example\.com\/x"; must be an https:\/\/ URL/],
    ["six budget notifications", "dev", (e: any) => (e.cost.actualAlertPercents = [50, 60, 70, 80, 90]), /cost\.actualAlertPercents: got \[50,60,70,80,90\]; must, with forecastAlertPercents, list 1-5 thresholds/],
    ["no budget", "dev", (e: any) => delete e.cost.monthlyBudgetUsd, /cost\.monthlyBudgetUsd: got nothing; is required/],
    ["a negative budget", "dev", (e: any) => (e.cost.monthlyBudgetUsd = -1), /cost\.monthlyBudgetUsd: got -1; must be a positive amount of USD/],
    ["a dump schedule with six fields", "dev", (e: any) => (e.backups.dumpSchedule = "0 17 * * * *"), /backups\.dumpSchedule: got "0 17 \* \* \* \*"; must be a five-field cron schedule/],
    ["a regional key that makes the dump bucket names too long", "staging", (e: any) => (e.regions[0].key = "abcdefghijklmnopqrst"), /regions\[0\]\.key: got "abcdefghijklmnopqrst"; makes the derived bucket name cdn-staging-regional-abcdefghijklmnopqrst-pgdump-dr-222222222222 64 characters long; S3 allows 63/],
  ])("%s", (_what, env, mutate, message) => {
    const text = problemsOf(env, mutate);
    expect(text).toContain(`Invalid environment config in ${ENVIRONMENTS[env].file}`);
    expect(text).toMatch(message);
  });
});
