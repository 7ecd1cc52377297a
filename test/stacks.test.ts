/** Stack layout, providers, backends, dependencies and the bootstrap state bucket, for every environment. */
import { describe, expect, it } from "vitest";
import { nonEmpty } from "./helpers/assert";
import { ENVIRONMENT_NAMES } from "../src/config/schema";
import { stateKeyAlias, stateKeyAliasArn } from "../src/config/naming";
import { bootstrapStacks } from "./helpers/coverage";
import { allEnvironments, configsOf, resourcesOf, stack, synthesizeAll } from "./helpers/synth";

const synth = synthesizeAll();
const envs = allEnvironments();

describe("stack set", () => {
  it("holds bootstrap, global, one stack per regional plane and one in-cluster stack per plane for every environment", () => {
    const expected = envs.flatMap((e) => {
      const planes = [`${e.name}-global`, ...e.regions.map((r) => `${e.name}-regional-${r.key}`)];
      return [`${e.name}-bootstrap`, ...planes, ...planes.map((p) => `${p}-k8s`)];
    });
    expect([...synth.stacks.keys()].sort()).toEqual(expected.sort());
    expect(envs.map((e) => e.name)).toEqual([...ENVIRONMENT_NAMES]);
  });

  it("makes every regional stack depend on its environment's global stack", () => {
    for (const env of envs) {
      for (const r of env.regions) {
        expect(synth.manifest.stacks[`${env.name}-regional-${r.key}`].dependencies).toContain(`${env.name}-global`);
      }
      expect(synth.manifest.stacks[`${env.name}-global`].dependencies).toEqual([]);
    }
  });
});

describe.each(envs)("stacks of $name", (env) => {
  const names = [...synth.stacks.keys()].filter((n) => n.startsWith(`${env.name}-`));

  it("exist", () => {
    expect(names.length).toBeGreaterThanOrEqual(5);
  });

  it.each(names)("%s requires Terraform >= 1.11 and pins the AWS provider 5.100.0", (name) => {
    const tf = stack(synth, name);
    expect(tf.terraform.required_version).toBe(">= 1.11");
    expect(tf.terraform.required_providers.aws.version).toBe("5.100.0");
  });

  it.each(names)("%s guards its AWS providers by account id and sets the mandatory tags", (name) => {
    const tf = stack(synth, name);
    const providers = Object.keys(tf.terraform.required_providers).sort();
    // Plane and bootstrap stacks stay AWS-only so that real terraform validates them offline.
    expect(providers).toEqual(name.endsWith("-k8s") ? ["aws", "helm", "kubernetes"] : ["aws"]);
    for (const provider of nonEmpty(tf.provider!.aws, `${name} AWS providers`)) {
      expect(provider.allowed_account_ids).toEqual([env.accountId]);
      const tags = provider.default_tags[0].tags;
      for (const key of ["Environment", "Service", "Team", "CostCenter"]) expect(tags[key]).toBe((env.tags as Record<string, string>)[key]);
      expect(tags.ManagedBy).toBe("cdktf");
    }
  });

  it.each(names)("%s has the environment's backend, one state key per stack, encrypted with the state key", (name) => {
    const backend = stack(synth, name).terraform.backend;
    const kind = name.endsWith("-bootstrap") ? env.state.bootstrapBackend : env.state.backend;
    if (kind === "local") {
      expect(backend).toEqual({ local: { path: `../../../state/${name}.tfstate` } });
    } else {
      expect(backend.s3).toEqual({
        bucket: env.state.bucket,
        key: `${env.state.keyPrefix}/${name}.tfstate`,
        region: env.state.region,
        encrypt: true,
        kms_key_id: stateKeyAliasArn(env),
        use_lockfile: true,
        allowed_account_ids: [env.accountId],
      });
    }
  });

  it("puts each plane in its own region", () => {
    expect(stack(synth, `${env.name}-global`).provider!.aws[0].region).toBe(env.global.region);
    for (const r of env.regions) expect(stack(synth, `${env.name}-regional-${r.key}`).provider!.aws[0].region).toBe(r.region);
  });

});

describe.each(bootstrapStacks(envs))("$name", ({ env, name }) => {
  it("is a versioned, KMS-encrypted, private, TLS-only state bucket with its access-log bucket", () => {
    const tf = stack(synth, name);
    const buckets = configsOf(tf, "aws_s3_bucket");
    expect(buckets.map((b) => b.bucket)).toContain(env.state.bucket);
    // Every bucket (the state bucket and its access-log bucket) has each of these companions.
    const perBucket = (type: string) => {
      const companions = configsOf(tf, type);
      expect(companions, type).toHaveLength(buckets.length);
      return companions;
    };
    expect(buckets.length).toBeGreaterThanOrEqual(2);
    expect(nonEmpty(perBucket("aws_s3_bucket_versioning"), "versioning").every((v) => v.versioning_configuration.status === "Enabled")).toBe(true);
    const encryption = perBucket("aws_s3_bucket_server_side_encryption_configuration");
    expect(encryption.some((e) => e.rule[0].apply_server_side_encryption_by_default.sse_algorithm === "aws:kms")).toBe(true);
    for (const pab of perBucket("aws_s3_bucket_public_access_block")) {
      expect(pab).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    }
    for (const policy of perBucket("aws_s3_bucket_policy")) {
      const doc = JSON.parse(policy.policy);
      expect(doc.Statement[0]).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    }
    expect(nonEmpty(configsOf(tf, "aws_kms_key"), "KMS keys").every((k) => k.enable_key_rotation === true)).toBe(true);
  });

  it("names the state key by the alias every backend uses, and refuses state written under another key", () => {
    const tf = stack(synth, `${env.name}-bootstrap`);
    const [[aliasId, alias]] = resourcesOf(tf, "aws_kms_alias");
    expect(alias.name).toBe(`alias/${stateKeyAlias(env.name)}`);
    expect(stateKeyAliasArn(env)).toBe(`arn:aws:kms:${env.state.region}:${env.accountId}:alias/${stateKeyAlias(env.name)}`);
    const [bucketId] = resourcesOf(tf, "aws_s3_bucket").find(([, b]) => b.bucket === env.state.bucket)!;
    const policy = configsOf(tf, "aws_s3_bucket_policy").find((p) => p.bucket === `\${aws_s3_bucket.${bucketId}.id}`);
    const bySid = Object.fromEntries(JSON.parse(policy.policy).Statement.map((st: any) => [st.Sid, st]));
    expect(bySid.DenyUploadsWithAnotherKey.Condition.StringNotEqualsIfExists["s3:x-amz-server-side-encryption-aws-kms-key-id"]).toContain(`\${aws_kms_alias.${aliasId}.arn}`);
    expect(bySid.DenyUploadsWithAnotherAlgorithm.Condition.StringNotEqualsIfExists["s3:x-amz-server-side-encryption"]).toBe("aws:kms");
  });
});
