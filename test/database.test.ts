/**
 * The Postgres Multi-AZ DB cluster of every plane of every environment: engine, sizing, AZs, managed
 * password, encryption, TLS, logs, monitoring, backups, network exposure and the connection document;
 * plus construct-level cases for the ingress rules and the guards.
 */
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { nonEmpty } from "./helpers/assert";
import { Database, ENHANCED_MONITORING_POLICY_ARN, type DatabaseProps } from "../constructs/database";
import { databaseClusterIdentifier, databaseConnectionSecretName, databaseName } from "../src/config/naming";
import { planeStacks } from "./helpers/coverage";
import { allEnvironments, configsOf, refName, resourcesOf, stack, synthesizeAll, type TfJson } from "./helpers/synth";
import { DATABASE_TEST_PROPS } from "./helpers/database-props";

const synth = synthesizeAll();
const planes = planeStacks(allEnvironments()).map(({ env, ref, config, name }) => ({
  env,
  config,
  db: config.database,
  name,
  identifier: databaseClusterIdentifier(env.name, ref),
  dbname: databaseName(ref),
  secretName: databaseConnectionSecretName(env.name, ref),
}));

/** vCPUs and GiB of memory of the classes this repository uses or accepts for prod-sized databases. */
const CLASS_SIZES: Record<string, { vcpu: number; memGiB: number }> = {
  "db.m5d.large": { vcpu: 2, memGiB: 8 },
  "db.m6gd.large": { vcpu: 2, memGiB: 8 },
  "db.m6id.large": { vcpu: 2, memGiB: 8 },
  "db.m5d.xlarge": { vcpu: 4, memGiB: 16 },
  "db.m6gd.xlarge": { vcpu: 4, memGiB: 16 },
  "db.m6id.xlarge": { vcpu: 4, memGiB: 16 },
};

/** The single resource of `type` in `tf`, as [logicalName, config]. */
function only(tf: TfJson, type: string): [string, any] {
  const found = resourcesOf(tf, type);
  expect(found, type).toHaveLength(1);
  return found[0];
}

/** The config of the resource a `${type.name.attr}` token points at. */
function target(tf: TfJson, type: string, token: string): any {
  expect(token.startsWith(`\${${type}.`), `${token} should reference a ${type}`).toBe(true);
  const config = tf.resource?.[type]?.[refName(token)];
  expect(config, token).toBeDefined();
  return config;
}

/** Every [path, value] pair in a JSON value whose key matches `pattern`. */
function keysMatching(value: unknown, pattern: RegExp, path = ""): [string, unknown][] {
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [
    ...(pattern.test(k) ? [[`${path}.${k}`, v] as [string, unknown]] : []),
    ...keysMatching(v, pattern, `${path}.${k}`),
  ]);
}

describe.each(planes)("database of $name", ({ env, config, db, name, identifier, dbname, secretName }) => {
  const tf = stack(synth, name);
  const [clusterName, cluster] = only(tf, "aws_rds_cluster");
  const clusterRef = (attr: string) => `aws_rds_cluster.${clusterName}.${attr}`;
  const key = target(tf, "aws_kms_key", cluster.kms_key_id);

  it("is one RDS for PostgreSQL Multi-AZ DB cluster with the configured version (major >= 14)", () => {
    expect(cluster.engine).toBe("postgres");
    expect(cluster.engine_mode).toBeUndefined();
    expect(cluster.engine_version).toBe(db.engineVersion);
    expect(Number(cluster.engine_version.split(".")[0])).toBeGreaterThanOrEqual(14);
    expect(cluster.cluster_identifier).toBe(identifier);
    expect(cluster.cluster_identifier.length).toBeLessThanOrEqual(52);
    expect(cluster.database_name).toBe(dbname);
    expect(cluster.database_name).toBe(name.endsWith("-global") ? "cdn_global" : `cdn_regional_${name.split("-regional-")[1]}`);
    expect(resourcesOf(tf, "aws_rds_cluster_instance")).toEqual([]);
    expect(resourcesOf(tf, "aws_db_instance")).toEqual([]);
  });

  it("sizes the writer and standbys from config (prod: 4 vCPU / 16 GiB), with provisioned storage", () => {
    expect(cluster.db_cluster_instance_class).toBe(db.instanceClass);
    const size = CLASS_SIZES[cluster.db_cluster_instance_class];
    expect(size, cluster.db_cluster_instance_class).toBeDefined();
    if (env.name === "prod") {
      expect(cluster.db_cluster_instance_class).toBe("db.m6gd.xlarge");
      expect(size).toEqual({ vcpu: 4, memGiB: 16 });
    } else {
      expect(size.vcpu).toBeLessThanOrEqual(4);
    }
    expect(cluster).toMatchObject({ storage_type: db.storageType, allocated_storage: db.allocatedStorageGiB, iops: db.iops });
  });

  it("spans three distinct AZs of the plane's region, in its isolated database subnets", () => {
    expect(cluster.availability_zones).toEqual(db.availabilityZones);
    expect(new Set(cluster.availability_zones).size).toBe(3);
    for (const az of cluster.availability_zones) expect(az).toMatch(new RegExp(`^${config.region}[a-z]$`));
    const group = target(tf, "aws_db_subnet_group", cluster.db_subnet_group_name);
    const subnets = group.subnet_ids.map((id: string) => target(tf, "aws_subnet", id));
    expect(subnets.map((s: any) => s.tags.Tier)).toEqual(["database", "database", "database"]);
    expect(subnets.map((s: any) => s.availability_zone).sort()).toEqual([...db.availabilityZones].sort());
  });

  it("is never reachable from the internet", () => {
    expect(keysMatching(tf.resource, /public/i).filter(([path]) => /rds|db_/.test(path))).toEqual([]);
    const group = target(tf, "aws_db_subnet_group", cluster.db_subnet_group_name);
    const dbSubnetNames = new Set(group.subnet_ids.map(refName));
    const tablesOfDbSubnets = new Set(
      configsOf(tf, "aws_route_table_association")
        .filter((a) => dbSubnetNames.has(refName(a.subnet_id)))
        .map((a) => refName(a.route_table_id)),
    );
    expect(tablesOfDbSubnets.size).toBe(1);
    const routesOut = configsOf(tf, "aws_route").filter((r) => tablesOfDbSubnets.has(refName(r.route_table_id)));
    expect(routesOut).toEqual([]);
  });

  it("has the master password managed by Secrets Manager with the customer-managed key, and no password in config", () => {
    expect(cluster.manage_master_user_password).toBe(true);
    expect(cluster.master_user_secret_kms_key_id).toBe(cluster.kms_key_id);
    expect(cluster.master_username).toBe("cdn_admin");
    for (const attr of ["master_password", "master_password_wo", "master_password_wo_version", "snapshot_identifier"]) {
      expect(cluster[attr], attr).toBeUndefined();
    }
  });

  it("encrypts storage with a rotating customer-managed key", () => {
    expect(cluster.storage_encrypted).toBe(true);
    expect(cluster.kms_key_id).toMatch(/^\$\{aws_kms_key\.[A-Za-z0-9_-]+\.arn\}$/);
    expect(key.enable_key_rotation).toBe(true);
    const aliases = configsOf(tf, "aws_kms_alias").filter((a) => refName(a.target_key_id) === refName(cluster.kms_key_id));
    expect(aliases.map((a) => a.name)).toEqual([`alias/${identifier}`]);
  });

  it("keeps daily backups 30 days in the configured windows, copies tags, takes a final snapshot", () => {
    expect(cluster.backup_retention_period).toBe(30);
    expect(cluster.backup_retention_period).toBe(db.backupRetentionDays);
    expect(cluster.preferred_backup_window).toBe(db.backupWindow);
    expect(cluster.preferred_maintenance_window).toBe(db.maintenanceWindow);
    expect(cluster.copy_tags_to_snapshot).toBe(true);
    expect(cluster.skip_final_snapshot).toBe(false);
    expect(cluster.final_snapshot_identifier).toBe(`${identifier}-final`);
  });

  it("has deletion protection in staging and prod (as configured in dev)", () => {
    expect(cluster.deletion_protection).toBe(db.deletionProtection);
    if (env.name !== "dev") expect(cluster.deletion_protection).toBe(true);
  });

  it("uses a cluster parameter group of the engine's family that forces TLS and logs slow statements", () => {
    const params = target(tf, "aws_rds_cluster_parameter_group", cluster.db_cluster_parameter_group_name);
    expect(params.family).toBe(`postgres${db.engineVersion.split(".")[0]}`);
    const byName = Object.fromEntries(params.parameter.map((p: any) => [p.name, p.value]));
    expect(byName["rds.force_ssl"]).toBe("1");
    expect(byName.ssl_min_protocol_version).toBe("TLSv1.2");
    expect(byName.log_min_duration_statement).toBe(String(db.slowStatementThresholdMs));
    expect(Number(byName.log_min_duration_statement)).toBeGreaterThan(0);
  });

  it("exports PostgreSQL logs into an encrypted log group with a retention, created first", () => {
    expect(cluster.enabled_cloudwatch_logs_exports).toEqual(["postgresql"]);
    const groups = resourcesOf(tf, "aws_cloudwatch_log_group").filter(([, g]) => g.name === `/aws/rds/cluster/${identifier}/postgresql`);
    expect(groups).toHaveLength(1);
    const [groupName, group] = groups[0];
    expect(group.retention_in_days).toBe(db.logRetentionDays);
    expect(group.kms_key_id).toBe(cluster.kms_key_id);
    expect(cluster.depends_on).toContain(`aws_cloudwatch_log_group.${groupName}`);
    const policy = JSON.parse(key.policy);
    expect(policy.Statement.map((s: any) => s.Principal?.Service)).toContain(`logs.${config.region}.amazonaws.com`);
  });

  it("turns on Performance Insights with the customer-managed key, kept 7 days or more", () => {
    expect(cluster.performance_insights_enabled).toBe(true);
    expect(cluster.performance_insights_kms_key_id).toBe(cluster.kms_key_id);
    expect(cluster.performance_insights_retention_period).toBeGreaterThanOrEqual(7);
    expect(cluster.performance_insights_retention_period).toBe(db.performanceInsightsRetentionDays);
  });

  it("turns on enhanced monitoring with a role only RDS monitoring of this account can assume", () => {
    expect(cluster.monitoring_interval).toBe(db.monitoringIntervalSeconds);
    expect(cluster.monitoring_interval).toBeGreaterThan(0);
    const roleName = refName(cluster.monitoring_role_arn);
    const role = target(tf, "aws_iam_role", cluster.monitoring_role_arn);
    const trust = JSON.parse(role.assume_role_policy);
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "monitoring.rds.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": env.accountId } },
      },
    ]);
    const attachments = configsOf(tf, "aws_iam_role_policy_attachment").filter((a) => refName(a.role) === roleName);
    expect(attachments.map((a) => a.policy_arn)).toEqual([ENHANCED_MONITORING_POLICY_ARN]);
  });

  it("leaves IAM database authentication as configured", () => {
    expect(cluster.iam_database_authentication_enabled).toBe(db.iamDatabaseAuthentication);
  });

  it("has a dedicated security group: 5432 only from security groups, nothing from CIDRs, no egress", () => {
    expect(cluster.vpc_security_group_ids).toHaveLength(1);
    expect(cluster.port).toBe(5432);
    const sgName = refName(cluster.vpc_security_group_ids[0]);
    const sg = target(tf, "aws_security_group", cluster.vpc_security_group_ids[0]);
    expect(sg.name).toBe(identifier);
    expect(sg.description.length).toBeGreaterThan(10);
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    const targetsSg = (r: any) => refName(r.security_group_id) === sgName;
    expect(configsOf(tf, "aws_vpc_security_group_egress_rule").filter(targetsSg)).toEqual([]);
    expect(configsOf(tf, "aws_security_group_rule").filter(targetsSg)).toEqual([]);
    const ingress = configsOf(tf, "aws_vpc_security_group_ingress_rule").filter(targetsSg);
    // The plane's EKS cluster security group (control plane, nodes, pods) is the one source.
    expect(ingress.map((r) => r.referenced_security_group_id)).toEqual([expect.stringMatching(/^\$\{aws_eks_cluster\.[A-Za-z0-9_-]+\.vpc_config\[0\]\.cluster_security_group_id\}$/)]);
    for (const rule of ingress) {
      expect(rule).toMatchObject({ ip_protocol: "tcp", from_port: 5432, to_port: 5432 });
      // A security group id, literal or a reference such as ${aws_eks_cluster.x.vpc_config[0].cluster_security_group_id}.
      expect(rule.referenced_security_group_id).toMatch(/^(sg-[0-9a-f]+|\$\{(aws_[a-z_]+\.[A-Za-z0-9_-]+|data\.aws_[a-z_]+\.[A-Za-z0-9_-]+)\.[a-z0-9_.[\]]+\})$/);
      expect(rule.cidr_ipv4).toBeUndefined();
      expect(rule.cidr_ipv6).toBeUndefined();
      expect(rule.prefix_list_id).toBeUndefined();
      expect(rule.description).toBeTruthy();
    }
  });

  it("publishes the non-secret connection document by reference, encrypted with the key", () => {
    const [secretName_, secret] = only(tf, "aws_secretsmanager_secret");
    expect(secret.name).toBe(secretName);
    expect(secret.kms_key_id).toBe(cluster.kms_key_id);
    const [, version] = only(tf, "aws_secretsmanager_secret_version");
    expect(refName(version.secret_id)).toBe(secretName_);
    expect(version.secret_string_wo).toBeUndefined();
    const doc: string = version.secret_string;
    expect(doc.startsWith("${jsonencode({")).toBe(true);
    expect(doc).toContain('"engine" = "postgres"');
    expect(doc).toContain(`"host" = ${clusterRef("endpoint")}`);
    expect(doc).toContain(`"readerHost" = ${clusterRef("reader_endpoint")}`);
    expect(doc).toContain('"port" = 5432');
    expect(doc).toContain(`"dbname" = "${dbname}"`);
    // Applications log in as cdn_app with IAM tokens; nothing in the document leads to the master secret.
    expect(doc).toContain('"username" = "cdn_app"');
    expect(doc).toContain('"authentication" = "iam"');
    expect(doc).not.toMatch(/master|cdn_admin/);
    expect(doc).not.toMatch(/rds\.amazonaws\.com|arn:aws:secretsmanager/);
    expect(doc).not.toMatch(/password"\s*=/i);
  });

  it("outputs the writer and reader endpoints and the connection secret ARN", () => {
    expect(tf.output?.database_writer_endpoint.value).toBe(`\${${clusterRef("endpoint")}}`);
    expect(tf.output?.database_reader_endpoint.value).toBe(`\${${clusterRef("reader_endpoint")}}`);
    const [secretLogical] = only(tf, "aws_secretsmanager_secret");
    expect(tf.output?.database_connection_secret_arn.value).toBe(`\${aws_secretsmanager_secret.${secretLogical}.arn}`);
  });
});

describe("no literal password anywhere", () => {
  it.each([...synth.text.keys()].sort())("%s has no password value, generated password or password-holding secret", (name) => {
    const text = synth.text.get(name)!;
    const tf = JSON.parse(text);
    const found = keysMatching(tf, /passw(or)?d/i);
    // The search works: a plane stack has the managed-password flag.
    if (/-(global|regional-[a-z0-9]+)$/.test(name)) expect(found.map(([path]) => path), name).toContainEqual(expect.stringMatching(/manage_master_user_password$/));
    for (const [path, value] of found) {
      // Only flags may mention passwords (e.g. manage_master_user_password = true).
      expect(typeof value, `${name}${path}`).toBe("boolean");
    }
    expect(text).not.toMatch(/"master_password(_wo)?"\s*:/);
    // No stack generates a secret: nothing for its state to leak (Grafana's is generated in the cluster).
    expect(text).not.toMatch(/random_password|random_string/);
    expect(Object.keys(tf.terraform.required_providers ?? {})).not.toContain("random");
    const versions = configsOf(tf, "aws_secretsmanager_secret_version");
    if (/-(global|regional-[a-z0-9]+)$/.test(name)) nonEmpty(versions, `${name} secret versions`); // the connection document
    for (const version of versions) {
      expect(version.secret_string ?? "").not.toMatch(/passw(or)?d"?\s*[=:]/i);
      expect(version.secret_binary).toBeUndefined();
    }
  });
});

describe("Database construct", () => {
  const base: DatabaseProps = { ...DATABASE_TEST_PROPS, engineVersion: "16.8" };

  function synthWith(props: Partial<DatabaseProps>, extra?: (db: Database) => void): TfJson {
    const app = Testing.app();
    const scope = new TerraformStack(app, "test");
    const db = new Database(scope, "db", { ...base, ...props });
    extra?.(db);
    return JSON.parse(Testing.synth(scope));
  }

  it("allows 5432 from each given security group and from allowFrom, never from a CIDR", () => {
    const tf = synthWith({ allowedSources: [{ name: "a", securityGroupId: "sg-0aaaaaaaaaaaaaaaa" }, { name: "b", securityGroupId: "sg-0bbbbbbbbbbbbbbbb" }] }, (db) =>
      db.allowFrom("eks", "sg-0cccccccccccccccc", "PostgreSQL from the EKS cluster security group"),
    );
    const sgName = resourcesOf(tf, "aws_security_group")[0][0];
    const rules = configsOf(tf, "aws_vpc_security_group_ingress_rule");
    expect(rules.map((r) => r.referenced_security_group_id).sort()).toEqual(["sg-0aaaaaaaaaaaaaaaa", "sg-0bbbbbbbbbbbbbbbb", "sg-0cccccccccccccccc"]);
    for (const rule of rules) {
      expect(rule).toMatchObject({ security_group_id: `\${aws_security_group.${sgName}.id}`, ip_protocol: "tcp", from_port: 5432, to_port: 5432 });
      expect(rule.cidr_ipv4).toBeUndefined();
      expect(rule.cidr_ipv6).toBeUndefined();
      expect(rule.description).toBeTruthy();
    }
    expect(rules.find((r) => r.referenced_security_group_id === "sg-0cccccccccccccccc")?.description).toBe("PostgreSQL from the EKS cluster security group");
  });

  it("defaults to no ingress at all, deletion protection on, 30-day backups and TLS", () => {
    const tf = synthWith({});
    expect(configsOf(tf, "aws_vpc_security_group_ingress_rule")).toEqual([]);
    const cluster = configsOf(tf, "aws_rds_cluster")[0];
    expect(cluster).toMatchObject({ deletion_protection: true, backup_retention_period: 30, storage_type: "io1", master_username: "cdn_admin" });
  });

  it("derives the parameter group family from the engine major", () => {
    const tf = synthWith({ engineVersion: "15.12" });
    expect(configsOf(tf, "aws_rds_cluster_parameter_group")[0].family).toBe("postgres15");
  });

  it("refuses fewer than three AZs, an engine below 14 and an identifier RDS would reject", () => {
    expect(() => synthWith({ availabilityZones: ["us-east-1a", "us-east-1b"] })).toThrow(/exactly three distinct availability zones/);
    expect(() => synthWith({ availabilityZones: ["us-east-1a", "us-east-1a", "us-east-1b"] })).toThrow(/exactly three distinct/);
    expect(() => synthWith({ engineVersion: "13.4" })).toThrow(/major >= 14/);
    expect(() => synthWith({ identifier: `cdn-${"x".repeat(49)}` })).toThrow(/1-52 lowercase/);
    expect(() => synthWith({ identifier: "Cdn-Upper" })).toThrow(/lowercase/);
  });
});
