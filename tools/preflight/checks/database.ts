/**
 * The PostgreSQL engine version is offered (and not deprecated) in every plane's region, and the
 * instance class can be ordered for a Multi-AZ DB cluster (`SupportsClusters`) with the configured
 * storage type, storage size and IOPS, in every configured AZ.
 */
import { DescribeDBEngineVersionsCommand, DescribeOrderableDBInstanceOptionsCommand, type OrderableDBInstanceOption } from "@aws-sdk/client-rds";
import { planesOf } from "../../../src/config/naming";
import { attempt, row, type Check, type CheckResult } from "../types";

export const databaseOfferings: Check = async (ctx) => {
  const results: CheckResult[] = [];
  for (const { config } of planesOf(ctx.env)) {
    const { region } = config;
    const db = config.database;
    const rds = ctx.clients.rds(region);

    const versionCheck = `PostgreSQL ${db.engineVersion} offered`;
    const versions = await attempt(versionCheck, region, "rds:DescribeDBEngineVersions", () =>
      rds.send(new DescribeDBEngineVersionsCommand({ Engine: "postgres", EngineVersion: db.engineVersion, IncludeAll: true })),
    );
    if (!versions.ok) results.push(versions.row);
    else {
      const found = (versions.value.DBEngineVersions ?? []).find((v) => v.EngineVersion === db.engineVersion);
      if (!found) results.push(row(versionCheck, region, "FAIL", "not offered in this region", `pick an offered version: aws rds describe-db-engine-versions --engine postgres --region ${region} --query "DBEngineVersions[].EngineVersion"`));
      else if (found.Status !== "available") results.push(row(versionCheck, region, "FAIL", `status ${found.Status}: new clusters cannot use it`, `move to a newer minor (valid upgrade targets: ${(found.ValidUpgradeTarget ?? []).filter((t) => !t.IsMajorVersionUpgrade).map((t) => t.EngineVersion).slice(-3).join(", ") || "see describe-db-engine-versions"})`));
      else results.push(row(versionCheck, region, "PASS", `available (family ${found.DBParameterGroupFamily})`));
    }

    const classCheck = `${db.instanceClass} orderable for a Multi-AZ DB cluster (${db.storageType}, ${db.allocatedStorageGiB} GiB, ${db.iops} IOPS)`;
    const options: OrderableDBInstanceOption[] = [];
    let marker: string | undefined;
    let failed: CheckResult | undefined;
    do {
      const page = await attempt(classCheck, region, "rds:DescribeOrderableDBInstanceOptions", () =>
        rds.send(new DescribeOrderableDBInstanceOptionsCommand({ Engine: "postgres", EngineVersion: db.engineVersion, DBInstanceClass: db.instanceClass, Vpc: true, MaxRecords: 100, Marker: marker })),
      );
      if (!page.ok) {
        failed = page.row;
        break;
      }
      options.push(...(page.value.OrderableDBInstanceOptions ?? []));
      marker = page.value.Marker;
    } while (marker);
    if (failed) {
      results.push(failed);
      continue;
    }
    results.push(judgeOrderable(classCheck, region, db, options));
  }
  return results;
};

/** Picks the orderable option that fits and says what does not. */
function judgeOrderable(
  check: string,
  region: string,
  db: { instanceClass: string; storageType: string; allocatedStorageGiB: number; iops: number; availabilityZones: string[]; engineVersion: string },
  options: readonly OrderableDBInstanceOption[],
): CheckResult {
  const forClusters = options.filter((o) => o.SupportsClusters === true);
  if (forClusters.length === 0) {
    return row(check, region, "FAIL", `${db.instanceClass} is not orderable for Multi-AZ DB clusters with PostgreSQL ${db.engineVersion} here`, `choose a class from: aws rds describe-orderable-db-instance-options --engine postgres --engine-version ${db.engineVersion} --region ${region} --query "OrderableDBInstanceOptions[?SupportsClusters].DBInstanceClass"`);
  }
  const withStorage = forClusters.filter((o) => o.StorageType === db.storageType);
  if (withStorage.length === 0) {
    return row(check, region, "FAIL", `storage type ${db.storageType} is not offered for this class in a Multi-AZ DB cluster (offered: ${[...new Set(forClusters.map((o) => o.StorageType))].join(", ")})`, "change database.storageType");
  }
  const problems: string[] = [];
  const option = withStorage[0];
  const azs = new Set((option.AvailabilityZones ?? []).map((a) => a.Name));
  const missingAzs = db.availabilityZones.filter((az) => !azs.has(az));
  if (missingAzs.length > 0) problems.push(`not offered in ${missingAzs.join(", ")}`);
  const between = (value: number, min?: number, max?: number) => (min === undefined || value >= min) && (max === undefined || value <= max);
  if (!between(db.allocatedStorageGiB, option.MinStorageSize, option.MaxStorageSize)) problems.push(`storage ${db.allocatedStorageGiB} GiB outside ${option.MinStorageSize}-${option.MaxStorageSize}`);
  if (option.SupportsIops && !between(db.iops, option.MinIopsPerDbInstance, option.MaxIopsPerDbInstance)) problems.push(`IOPS ${db.iops} outside ${option.MinIopsPerDbInstance}-${option.MaxIopsPerDbInstance}`);
  const perGib = db.iops / db.allocatedStorageGiB;
  if (option.SupportsIops && !between(perGib, option.MinIopsPerGib, option.MaxIopsPerGib)) problems.push(`${perGib} IOPS per GiB outside ${option.MinIopsPerGib}-${option.MaxIopsPerGib}`);
  if (problems.length > 0) return row(check, region, "FAIL", problems.join("; "), "adjust database.availabilityZones, allocatedStorageGiB or iops to what the region offers");
  return row(check, region, "PASS", `orderable in ${db.availabilityZones.join(", ")}`);
}
