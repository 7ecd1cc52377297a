/**
 * CDN-RES-005 (prod databases have a backup copy in another region) and CDN-RES-006 (prod buckets
 * holding state, bundles or database backups replicate to another region): compliant fixtures pass the
 * whole pack, each unsafe variant trips the rule with the reason, and unsafe edits to the real prod
 * stacks are caught.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVault } from "@cdktf/provider-aws/lib/backup-vault";
import { DbInstanceAutomatedBackupsReplication } from "@cdktf/provider-aws/lib/db-instance-automated-backups-replication";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import type { TerraformResource, TerraformStack } from "cdktf";
import { afterAll, describe, expect, it } from "vitest";
import { BucketReplica } from "../constructs/bucket-replica";
import { SecureBucket } from "../constructs/secure-bucket";
import { buildApp } from "../src/app/app";
import { loadEnvironments } from "../src/config/environments";
import { checkApp, dataClassTags, type DataClass, type PolicyResult } from "../src/policy";
import { check, cmk, fixtureStack, hits, policyApp, rulesIn, type FixtureOptions } from "./helpers/policy";
import { crossRegionDumps, goodDbCluster, goodDbInstance, replicaProvider } from "./helpers/policy-fixtures";

type Builder = (stack: TerraformStack) => void;

function scenario(stacks: Record<string, Builder>, options: Record<string, FixtureOptions>): PolicyResult {
  const app = policyApp();
  for (const [name, build] of Object.entries(stacks)) build(fixtureStack(app, name, options[name] ?? { env: "prod" }));
  return check(app);
}

/** Rules a bad fixture trips besides `rule`, by design (e.g. the dump bucket of a broken copy also fails CDN-RES-006). */
type Also = Record<string, string[]>;

function expectRule(result: PolicyResult, rule: string, bad: Record<string, RegExp>, good: string[], also: Also = {}): void {
  it.each(good)("passes the compliant fixture %s (the whole pack)", (stack) => {
    expect(result.stacks, "the fixture was checked").toContain(stack);
    expect(result.violations.filter((v) => v.stack === stack)).toEqual([]);
  });
  it.each(Object.entries(bad))(`trips ${rule} on %s`, (stack, message) => {
    const found = hits(result, rule, stack);
    expect(found.length, `${rule} not reported in ${stack}; got ${JSON.stringify(rulesIn(result, stack))}`).toBeGreaterThan(0);
    expect(found.map((v) => v.message).join("\n")).toMatch(message);
    expect(rulesIn(result, stack)).toEqual([rule, ...(also[stack] ?? [])].sort());
  });
}

/** An escape-hatch edit of a child resource of `scope`. */
const override = (scope: { node: { findChild(id: string): unknown } }, path: string[], key: string, value: unknown) => {
  let node: any = scope;
  for (const id of path) node = node.node.findChild(id);
  (node as TerraformResource).addOverride(key, value);
};

/** An Aurora cluster (no dumps) with an AWS Backup plan copying to a vault in `vaultRegion`. */
function auroraWithBackupCopy(s: TerraformStack, vaultRegion: string, multiAz = false) {
  const shape = multiAz ? {} : { engine: "aurora-postgresql", dbClusterInstanceClass: undefined, storageType: undefined, allocatedStorage: undefined, iops: undefined, engineVersion: undefined };
  const cluster = goodDbCluster(s, "db", cmk(s), shape, multiAz ? "postgres16" : "aurora-postgresql16", { crossRegionBackup: false });
  if (!multiAz) for (const i of [1, 2]) new RdsClusterInstance(s, `member-${i}`, { clusterIdentifier: cluster.id, instanceClass: "db.r6g.large", engine: "aurora-postgresql" });
  const local = new BackupVault(s, "vault", { name: "local", kmsKeyArn: cmk(s, "vault-key") });
  const remote = new BackupVault(s, "remote-vault", { provider: replicaProvider(s, vaultRegion), name: "remote", kmsKeyArn: cmk(s, "remote-key") });
  const plan = new BackupPlan(s, "plan", {
    name: "p",
    rule: [{ ruleName: "daily", targetVaultName: local.name, schedule: "cron(0 7 ? * * *)", lifecycle: { deleteAfter: 30 }, copyAction: [{ destinationVaultArn: remote.arn, lifecycle: { deleteAfter: 30 } }] }],
  });
  new BackupSelection(s, "selection", { name: "s", planId: plan.id, iamRoleArn: "arn:aws:iam::111111111111:role/backup", resources: [cluster.arn] });
}

describe("CDN-RES-005 cross-region database backups", () => {
  const r = scenario(
    {
      good: (s) => {
        goodDbCluster(s, "db", cmk(s)); // Multi-AZ DB cluster + replicated dumps
        goodDbInstance(s, "inst", cmk(s, "k2")); // automated backups replicated to us-west-2
      },
      "good-aurora": (s) => auroraWithBackupCopy(s, "us-west-2"),
      "good-dev": (s) => void goodDbCluster(s, "db", cmk(s), {}, "postgres16", { crossRegionBackup: false }),
      "bad-none": (s) => void goodDbCluster(s, "db", cmk(s), {}, "postgres16", { crossRegionBackup: false }),
      "bad-same-region": (s) => {
        goodDbCluster(s, "db", cmk(s), {}, "postgres16", { crossRegionBackup: false });
        crossRegionDumps(s, "cdn-db", { replicaRegion: "us-east-1" });
      },
      "bad-disabled": (s) => {
        goodDbCluster(s, "db", cmk(s), {}, "postgres16", { crossRegionBackup: false });
        const { replica } = crossRegionDumps(s, "cdn-db");
        override(replica, ["replication"], "rule.0.status", "Disabled");
      },
      "bad-kms-skipped": (s) => {
        goodDbCluster(s, "db", cmk(s), {}, "postgres16", { crossRegionBackup: false });
        const { replica } = crossRegionDumps(s, "cdn-db");
        override(replica, ["replication"], "rule.0.source_selection_criteria", null);
      },
      "bad-backup-copy-of-multi-az-cluster": (s) => auroraWithBackupCopy(s, "us-west-2", true),
      "bad-instance-same-region": (s) => {
        const instance = goodDbInstance(s, "inst", cmk(s), {}, { crossRegionBackup: false });
        new DbInstanceAutomatedBackupsReplication(s, "same-region", { sourceDbInstanceArn: instance.arn });
      },
      "bad-unknown-env": (s) => void goodDbCluster(s, "db", cmk(s), {}, "postgres16", { crossRegionBackup: false }),
    },
    { "good-dev": { env: "dev" }, "bad-unknown-env": { defaultTags: { Service: "s", Team: "t", CostCenter: "c" } } },
  );
  expectRule(
    r,
    "CDN-RES-005",
    {
      "bad-none": /has no backup copy in another region in prod$/,
      "bad-same-region": /replicates to aws_s3_bucket\.\S+ in the same region \(us-east-1\)/,
      "bad-disabled": /cdn-db.*has no enabled replication configuration/,
      "bad-kms-skipped": /does not replicate SSE-KMS objects/,
      "bad-backup-copy-of-multi-az-cluster": /AWS Backup cannot copy snapshots of a Multi-AZ DB cluster/,
      "bad-instance-same-region": /replicates into us-east-1, not another region/,
      "bad-unknown-env": /in an unknown environment \(treated as prod\)/,
    },
    ["good", "good-aurora", "good-dev"],
    { "bad-same-region": ["CDN-RES-006"], "bad-disabled": ["CDN-RES-006"], "bad-kms-skipped": ["CDN-RES-006"], "bad-unknown-env": ["CDN-TAG-001"] },
  );
});

describe("CDN-RES-006 replicated state, bundle and backup buckets", () => {
  const held = (s: TerraformStack, dataClass: DataClass, replicaRegion?: string) => {
    const key = cmk(s, "data-key");
    const bucket = new SecureBucket(s, "data", { bucketName: `cdn-fixture-${dataClass}`, kmsKeyArn: key, tags: dataClassTags(dataClass, dataClass === "database-backups" ? "cdn-x" : undefined) });
    if (!replicaRegion) return { bucket };
    const replica = new BucketReplica(s, "replica", {
      source: bucket,
      sourceBucketName: `cdn-fixture-${dataClass}`,
      sourceKeyArn: key,
      sourceRegion: "us-east-1",
      replicaBucketName: `cdn-fixture-${dataClass}-replica`,
      replicaRegion: replicaRegion === "us-east-1" ? "us-east-2" : replicaRegion,
      replicaProvider: replicaProvider(s, replicaRegion),
      accountId: "111111111111",
      roleName: "replication",
      tags: dataClassTags(dataClass, dataClass === "database-backups" ? "cdn-x" : undefined),
    });
    return { bucket, replica };
  };
  const r = scenario(
    {
      good: (s) => {
        held(s, "terraform-state", "us-west-2");
        new SecureBucket(s, "scratch", { bucketName: "cdn-fixture-scratch", kmsKeyArn: cmk(s, "scratch-key") }); // holds nothing special
      },
      "good-bundles": (s) => void held(s, "config-bundles", "eu-west-1"),
      "good-dev": (s) => void held(s, "terraform-state"),
      "bad-none": (s) => void held(s, "config-bundles"),
      "bad-same-region": (s) => void held(s, "terraform-state", "us-east-1"),
      "bad-disabled": (s) => override(held(s, "database-backups", "us-west-2").replica!, ["replication"], "rule.0.status", "Disabled"),
      "bad-no-replica-key": (s) => override(held(s, "terraform-state", "us-west-2").replica!, ["replication"], "rule.0.destination.encryption_configuration", null),
      "bad-outside-stack": (s) => override(held(s, "terraform-state", "us-west-2").replica!, ["replication"], "rule.0.destination.bucket", "arn:aws:s3:::somewhere-else"),
    },
    { "good-dev": { env: "dev" } },
  );
  expectRule(
    r,
    "CDN-RES-006",
    {
      "bad-none": /holds config-bundles in prod but does not replicate to another region \(no enabled replication rule\)/,
      "bad-same-region": /in the same region \(us-east-1\)/,
      "bad-disabled": /holds database-backups in prod .*no enabled replication rule/,
      "bad-no-replica-key": /sets no destination encryption_configuration\.replica_kms_key_id/,
      "bad-outside-stack": /replicates to "arn:aws:s3:::somewhere-else", not a bucket of this stack/,
    },
    ["good", "good-bundles", "good-dev"],
  );
});

describe("unsafe changes to the real prod stacks", () => {
  const app = buildApp(loadEnvironments(["prod"]), { outdir: mkdtempSync(join(tmpdir(), "cdn-unsafe-backups-")) });
  afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));
  const find = (path: string) => {
    const found = app.node.findAll().find((c) => c.node.path === path) as TerraformResource | undefined;
    if (!found) throw new Error(`no construct at ${path}`);
    return found;
  };
  find("prod-global/bundle-replica/replication").addOverride("rule.0.status", "Disabled");
  find("prod-regional-uswest/backups/dump-bucket/bucket").addOverride("tags.BackupOf", "some-other-database");
  find("prod-bootstrap/state-replica/replication").addOverride("rule.0.destination.bucket", "arn:aws:s3:::bucket-in-another-account");
  const result = checkApp(app);

  it("catches each of them, and only them", () => {
    expect(result.violations.map((v) => `${v.rule} ${v.path}`).sort()).toEqual([
      "CDN-RES-005 prod-regional-uswest/database/cluster",
      "CDN-RES-006 prod-bootstrap/state-bucket/bucket",
      "CDN-RES-006 prod-global/bundle-bucket/bucket/bucket",
    ]);
  });
});
