/**
 * Issue 12 ("deploy-ready"): what real AWS would reject or what breaks the second run, asserted on the
 * synthesized stacks of every environment and on the constructs' switches. The policy guards that keep
 * each class fixed are tested in policy-deployability.test.ts.
 */
import { Testing, TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { Database, type DatabaseProps } from "../constructs/database";
import { loadEnvironments } from "../src/config/environments";
import { bootstrapStackName, planeStackName, planesOf, stateKeyAliasArn } from "../src/config/naming";
import { BootstrapStack } from "../stacks/bootstrap-stack";
import { allEnvironments, configsOf, resourcesOf, stack, synthesizeAll, type TfJson } from "./helpers/synth";
import { DATABASE_TEST_PROPS } from "./helpers/database-props";

const synth = synthesizeAll();
const envs = allEnvironments();
const planes = envs.flatMap((env) => planesOf(env).map((p) => ({ env, ...p, name: planeStackName(env.name, p.ref) })));

describe.each(planes)("Postgres of $name", ({ config, name }) => {
  const tf = stack(synth, name);
  const [cluster] = configsOf(tf, "aws_rds_cluster");

  it("is created on 16.11 and ignores the minor upgrades RDS applies itself", () => {
    expect(cluster.engine_version).toBe("16.11");
    expect(cluster.engine_version).toBe(config.database.engineVersion);
    expect(cluster.lifecycle).toEqual({ ignore_changes: ["engine_version"] });
    expect(cluster.allow_major_version_upgrade).toBe(false);
    expect(cluster.apply_immediately).toBeUndefined();
  });

  it("uses a parameter group named by prefix, so a family switch can create the new group first", () => {
    const [[groupId, group]] = resourcesOf(tf, "aws_rds_cluster_parameter_group");
    expect(group.name).toBeUndefined();
    expect(group.name_prefix).toBe(`${cluster.cluster_identifier}-postgres16-`);
    expect(group.family).toBe("postgres16");
    expect(group.lifecycle).toEqual({ create_before_destroy: true });
    expect(cluster.db_cluster_parameter_group_name).toBe(`\${aws_rds_cluster_parameter_group.${groupId}.name}`);
  });
});

describe("Database construct engine upgrades", () => {
  const base: DatabaseProps = { ...DATABASE_TEST_PROPS };
  const synthWith = (props: Partial<DatabaseProps>): TfJson => {
    const scope = new TerraformStack(Testing.app(), "test");
    new Database(scope, "db", { ...base, ...props });
    return JSON.parse(Testing.synth(scope));
  };

  it("lifts the ignore, allows a major upgrade and applies it at once for an upgrade deploy (to 17 here)", () => {
    const tf = synthWith({ engineVersion: "17.7", engineVersionUpgrade: true });
    const [cluster] = configsOf(tf, "aws_rds_cluster");
    expect(cluster.lifecycle).toBeUndefined();
    expect(cluster).toMatchObject({ engine_version: "17.7", allow_major_version_upgrade: true, apply_immediately: true });
    const [group] = configsOf(tf, "aws_rds_cluster_parameter_group");
    expect(group).toMatchObject({ family: "postgres17", name_prefix: "cdn-test-global-postgres-postgres17-", lifecycle: { create_before_destroy: true } });
  });

  it("keeps ignoring engine_version by default", () => {
    const [cluster] = configsOf(synthWith({}), "aws_rds_cluster");
    expect(cluster.lifecycle.ignore_changes).toEqual(["engine_version"]);
    expect(cluster.allow_major_version_upgrade).toBe(false);
  });
});

describe.each(envs)("state of $name", (env) => {
  it("names the state key in every S3 backend and in every remote-state block", () => {
    const blocks: { where: string; config: Record<string, unknown> }[] = [];
    for (const [name, tf] of synth.stacks) {
      if (!name.startsWith(`${env.name}-`)) continue;
      const s3 = tf.terraform.backend?.s3;
      if (s3) blocks.push({ where: `${name} backend`, config: s3 });
      for (const [id, rs] of Object.entries<any>(tf.data?.terraform_remote_state ?? {})) if (rs.backend === "s3") blocks.push({ where: `${name} ${id}`, config: rs.config });
    }
    if (env.state.backend === "s3") expect(blocks.length).toBeGreaterThanOrEqual(5);
    else expect(blocks).toEqual([]);
    for (const b of blocks) expect(b.config, b.where).toMatchObject({ encrypt: true, kms_key_id: stateKeyAliasArn(env) });
  });

  it("expires the state bucket's access logs after accessLogExpirationDays", () => {
    const tf = stack(synth, bootstrapStackName(env.name));
    const [logBucketId] = resourcesOf(tf, "aws_s3_bucket").find(([, b]) => b.bucket === `${env.state.bucket}-access-logs`)!;
    const lifecycle = configsOf(tf, "aws_s3_bucket_lifecycle_configuration").find((c) => c.bucket === `\${aws_s3_bucket.${logBucketId}.id}`);
    expect(lifecycle.rule.find((r: any) => r.id === "expire-current-objects")).toMatchObject({ status: "Enabled", expiration: [{ days: env.accessLogExpirationDays }] });
    // The state bucket itself keeps every current object (state history is the undo button).
    const [stateBucketId] = resourcesOf(tf, "aws_s3_bucket").find(([, b]) => b.bucket === env.state.bucket)!;
    const stateLifecycle = configsOf(tf, "aws_s3_bucket_lifecycle_configuration").find((c) => c.bucket === `\${aws_s3_bucket.${stateBucketId}.id}`);
    expect(stateLifecycle.rule.map((r: any) => r.id)).not.toContain("expire-current-objects");
  });
});

describe("dev (S3 state, as in CI)", () => {
  const ci = synth; // the environment files as they are: what CI synthesizes
  const [dev] = loadEnvironments(["dev"]);

  it("uses the state key in every plane stack and in the regional stack's remote state, the bootstrap stays local", () => {
    expect(stack(ci, "dev-bootstrap").terraform.backend).toEqual({ local: { path: "../../../state/dev-bootstrap.tfstate" } });
    for (const name of ["dev-global", "dev-regional-uswest", "dev-global-k8s", "dev-regional-uswest-k8s"]) {
      expect(stack(ci, name).terraform.backend.s3.kms_key_id, name).toBe(stateKeyAliasArn(dev));
    }
    const remote = Object.values<any>(stack(ci, "dev-regional-uswest").data!.terraform_remote_state);
    expect(remote.length).toBeGreaterThan(0);
    for (const r of remote) expect(r.config.kms_key_id).toBe(stateKeyAliasArn(dev));
  });
});

describe("bootstrap state switch (state.bootstrapBackend)", () => {
  const [prod] = loadEnvironments(["prod"]);
  const bootstrapJson = (backend: "local" | "s3"): TfJson => {
    const app = Testing.app();
    const stackScope = new BootstrapStack(app, { ...prod, state: { ...prod.state, bootstrapBackend: backend } });
    return JSON.parse(Testing.synth(stackScope));
  };

  it("is local in every environment file until the bucket exists", () => {
    for (const env of envs) expect(env.state.bootstrapBackend).toBe("local");
  });

  it("moves the bootstrap state into its own bucket, under the state key, when set to s3", () => {
    expect(bootstrapJson("local").terraform.backend).toEqual({ local: { path: "../../../state/prod-bootstrap.tfstate" } });
    expect(bootstrapJson("s3").terraform.backend.s3).toEqual({
      bucket: prod.state.bucket,
      key: `${prod.state.keyPrefix}/prod-bootstrap.tfstate`,
      region: prod.state.region,
      encrypt: true,
      kms_key_id: stateKeyAliasArn(prod),
      use_lockfile: true,
      allowed_account_ids: [prod.accountId],
    });
  });

  it("leaves every resource of the stack unchanged (only the backend moves)", () => {
    expect(bootstrapJson("s3").resource).toEqual(bootstrapJson("local").resource);
  });
});
