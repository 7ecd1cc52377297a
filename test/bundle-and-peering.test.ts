/** Bundle bucket, workload identity and the global <-> regional network path, for every environment. */
import { describe, expect, it } from "vitest";
import { BUNDLE_LISTING_ACTIONS, BUNDLE_OBJECT_DATA_ACTIONS, bundleBucketStatements } from "../constructs/bundle-bucket";
import { BUCKET_REFRESH_ACTIONS, iamMatch } from "../src/policy/rules/deployability";
import { loadEnvironment } from "../src/config/load";
import { ENVIRONMENTS } from "../environments";
import { planeStackName, planesOf, regionalPlane, workloadRoleArn } from "../src/config/naming";
import { allEnvironments, configsOf, refName, resourcesOf, stack, synthesizeAll } from "./helpers/synth";

const synth = synthesizeAll();
const envs = allEnvironments();

const policyOf = (text: string) => JSON.parse(text) as { Statement: any[] };

describe.each(envs)("bundle bucket of $name", (env) => {
  const tf = stack(synth, `${env.name}-global`);
  const [[bucketId, bucket]] = resourcesOf(tf, "aws_s3_bucket").filter(([, b]) => b.bucket === env.bundleBucketName);
  const companion = (type: string) => configsOf(tf, type).find((c) => c.bucket === `\${aws_s3_bucket.${bucketId}.id}`);

  it(`is named ${env.name === "prod" ? "cdn-config-bundles" : "after the environment"}`, () => {
    expect(bucket.bucket).toBe(env.name === "prod" ? "cdn-config-bundles" : `cdn-config-bundles-${env.name}`);
  });

  it("is versioned and expires noncurrent versions after 90 days", () => {
    expect(companion("aws_s3_bucket_versioning").versioning_configuration.status).toBe("Enabled");
    const rules = companion("aws_s3_bucket_lifecycle_configuration").rule;
    expect(rules.find((r: any) => r.noncurrent_version_expiration)?.noncurrent_version_expiration[0].noncurrent_days).toBe(90);
    expect(rules.find((r: any) => r.abort_incomplete_multipart_upload)?.status).toBe("Enabled");
  });

  it("is encrypted with a rotating customer-managed key and a bucket key", () => {
    const rule = companion("aws_s3_bucket_server_side_encryption_configuration").rule[0];
    expect(rule.apply_server_side_encryption_by_default.sse_algorithm).toBe("aws:kms");
    expect(rule.bucket_key_enabled).toBe(true);
    const key = tf.resource!.aws_kms_key[refName(rule.apply_server_side_encryption_by_default.kms_master_key_id)];
    expect(key.enable_key_rotation).toBe(true);
  });

  it("is private: all four public access blocks, ACLs disabled", () => {
    expect(companion("aws_s3_bucket_public_access_block")).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(companion("aws_s3_bucket_ownership_controls").rule.object_ownership).toBe("BucketOwnerEnforced");
  });

  it("logs access to a log bucket", () => {
    expect(companion("aws_s3_bucket_logging").target_bucket).toMatch(/aws_s3_bucket\./);
  });

  it("denies non-TLS requests, and object data and listings to all but the workload roles, break-glass and its replication role", () => {
    const doc = policyOf(companion("aws_s3_bucket_policy").policy);
    const bySid = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
    expect(bySid.DenyInsecureTransport).toMatchObject({ Effect: "Deny", Principal: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    const globalRole = workloadRoleArn(env.accountId, env.name, { kind: "global" });
    const regionalRoles = env.regions.map((r) => workloadRoleArn(env.accountId, env.name, regionalPlane(r.key)));
    const [replication] = configsOf(tf, "aws_s3_bucket_replication_configuration").filter((c) => c.bucket === `\${aws_s3_bucket.${bucketId}.id}`);
    const replicationRole = `arn:aws:iam::${env.accountId}:role/${tf.resource!.aws_iam_role[refName(replication.role)].name}`;
    const dataRoles = [globalRole, ...regionalRoles, env.breakGlassRoleArn, replicationRole].sort();
    const exceptions = (sid: string) => [bySid[sid].Condition.StringNotLike["aws:PrincipalArn"]].flat().sort();
    const data = bySid.DenyObjectDataToAllButWorkloadsAndBreakGlass;
    expect(data).toMatchObject({ Effect: "Deny", Principal: "*", Action: [...BUNDLE_OBJECT_DATA_ACTIONS], Resource: `arn:aws:s3:::${env.bundleBucketName}/*` });
    expect(exceptions("DenyObjectDataToAllButWorkloadsAndBreakGlass")).toEqual(dataRoles);
    expect(bySid.DenyVersionAndUploadListingToAllButWorkloadsAndBreakGlass).toMatchObject({ Action: [...BUNDLE_LISTING_ACTIONS], Resource: `arn:aws:s3:::${env.bundleBucketName}` });
    expect(exceptions("DenyVersionAndUploadListingToAllButWorkloadsAndBreakGlass")).toEqual(dataRoles);
    const writers = exceptions("DenyWritesToReaders");
    expect(writers).toEqual([globalRole, env.breakGlassRoleArn].sort());
    for (const role of regionalRoles) expect(writers).not.toContain(role);
  });

  it("lets the deploy and plan roles list the bucket (HeadBucket) but never read objects", () => {
    const doc = policyOf(companion("aws_s3_bucket_policy").policy);
    const bySid = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
    const listing = bySid.DenyListingToAllButWorkloadsBreakGlassAndTerraform;
    expect(listing).toMatchObject({ Effect: "Deny", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${env.bundleBucketName}` });
    const listers = [listing.Condition.StringNotLike["aws:PrincipalArn"]].flat();
    expect(listers).toEqual(expect.arrayContaining([env.terraform.deployRoleArn, env.terraform.planRoleArn]));
    for (const sid of ["DenyObjectDataToAllButWorkloadsAndBreakGlass", "DenyVersionAndUploadListingToAllButWorkloadsAndBreakGlass"]) {
      const allowed = [bySid[sid].Condition.StringNotLike["aws:PrincipalArn"]].flat();
      expect(allowed).not.toContain(env.terraform.deployRoleArn);
      expect(allowed).not.toContain(env.terraform.planRoleArn);
    }
    // No Deny matches a bucket-configuration read of Terraform's refresh, except s3:ListBucket above.
    const denies = doc.Statement.filter((st) => st.Effect === "Deny" && st.Sid !== "DenyInsecureTransport");
    expect(denies.length).toBeGreaterThanOrEqual(5);
    for (const st of denies) {
      const matched = BUCKET_REFRESH_ACTIONS.filter((a) => [st.Action].flat().some((p: string) => iamMatch(p, a)));
      expect(matched, st.Sid).toEqual(st.Sid === listing.Sid ? ["s3:ListBucket"] : []);
    }
  });

  it("accepts uploads naming the bucket key by ARN, id, alias or alias ARN, and denies SSE-S3, DSSE, other keys and aws/s3", () => {
    const doc = policyOf(companion("aws_s3_bucket_policy").policy);
    const bySid = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
    const rule = companion("aws_s3_bucket_server_side_encryption_configuration").rule[0];
    const keyName = refName(rule.apply_server_side_encryption_by_default.kms_master_key_id);
    const [aliasName, alias] = resourcesOf(tf, "aws_kms_alias").find(([, a]) => a.target_key_id === `\${aws_kms_key.${keyName}.key_id}`)!;
    expect(alias.name).toBe(`alias/${env.bundleBucketName}`);
    expect(bySid.DenyUploadsWithAnotherKey.Condition.StringNotEqualsIfExists["s3:x-amz-server-side-encryption-aws-kms-key-id"]).toEqual([
      `\${aws_kms_key.${keyName}.arn}`,
      `\${aws_kms_key.${keyName}.key_id}`,
      `alias/${env.bundleBucketName}`,
      `\${aws_kms_alias.${aliasName}.arn}`,
    ]);
    expect(bySid.DenyUploadsWithAnotherAlgorithm.Condition.StringNotEqualsIfExists["s3:x-amz-server-side-encryption"]).toBe("aws:kms");
    expect(bySid.DenyUploadsWithTheAwsManagedKey.Condition).toEqual({
      StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
      Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" },
    });
    for (const sid of ["DenyUploadsWithAnotherKey", "DenyUploadsWithAnotherAlgorithm", "DenyUploadsWithTheAwsManagedKey"]) {
      expect(bySid[sid]).toMatchObject({ Effect: "Deny", Principal: "*", Action: "s3:PutObject" });
    }
  });

  it("expires its access logs (current objects after accessLogExpirationDays, noncurrent 30 days later)", () => {
    const logging = companion("aws_s3_bucket_logging");
    const logBucketId = refName(logging.target_bucket);
    const lifecycle = configsOf(tf, "aws_s3_bucket_lifecycle_configuration").find((c) => c.bucket === `\${aws_s3_bucket.${logBucketId}.id}`);
    const byId = Object.fromEntries(lifecycle.rule.map((r: any) => [r.id, r]));
    expect(byId["expire-current-objects"]).toMatchObject({ status: "Enabled", expiration: [{ days: env.accessLogExpirationDays }] });
    expect(env.accessLogExpirationDays).toBe(365);
    expect(byId["expire-noncurrent-versions"].noncurrent_version_expiration[0].noncurrent_days).toBe(30);
  });
});

describe.each(envs.flatMap((env) => planesOf(env).map((p) => ({ env, ...p, name: planeStackName(env.name, p.ref) }))))(
  "workload identity of $name",
  ({ env, ref, name }) => {
    const tf = stack(synth, name);
    const [association] = configsOf(tf, "aws_eks_pod_identity_association").filter((a) => a.service_account === "control-plane");
    const role = tf.resource!.aws_iam_role[refName(association.role_arn)];
    const policy = configsOf(tf, "aws_iam_role_policy").find((p) => p.role === `\${aws_iam_role.${refName(association.role_arn)}.id}`);

    it("binds the workload role to exactly the cdn-control-plane/control-plane service account", () => {
      expect(association.namespace).toBe("cdn-control-plane");
      expect(role.name).toBe(`cdn-${env.name}-${ref.kind === "global" ? "global" : `regional-${ref.key}`}-workload`);
      const trust = policyOf(role.assume_role_policy).Statement;
      expect(trust).toEqual([{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }]);
    });

    it("may read exactly its own plane's connection document, through Secrets Manager, and never the master secret", () => {
      const statements = policyOf(policy.policy).Statement.filter((s) => /Database/.test(s.Sid));
      expect(statements.map((s) => s.Sid)).toEqual(["ReadDatabaseConnectionDocument", "DecryptDatabaseConnectionDocument"]);
      const [read, decrypt] = statements;
      expect(read.Action).toEqual(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]);
      expect(read.Resource).toMatch(/^\$\{aws_secretsmanager_secret\.database_connection-secret_[A-Z0-9]+\.arn\}$/);
      expect(decrypt.Condition.StringEquals["kms:ViaService"]).toMatch(/^secretsmanager\./);
      expect(decrypt.Resource).toMatch(/^\$\{aws_kms_key\.database_/);
      expect(policy.policy).not.toMatch(/master_user_secret/);
    });

    it("connects to its own plane's database as cdn_app with an IAM token, and as no other user", () => {
      const connect = policyOf(policy.policy).Statement.filter((s) => [s.Action].flat().some((a: string) => a.startsWith("rds-db:")));
      expect(connect).toHaveLength(1);
      const [clusterLogical] = Object.keys(tf.resource!.aws_rds_cluster);
      const region = ref.kind === "global" ? env.global.region : env.regions.find((r) => r.key === ref.key)!.region;
      expect(connect[0]).toEqual({
        Sid: "ConnectAsApplicationUser",
        Effect: "Allow",
        Action: "rds-db:connect",
        Resource: `arn:aws:rds-db:${region}:${env.accountId}:dbuser:\${aws_rds_cluster.${clusterLogical}.cluster_resource_id}/cdn_app`,
      });
    });

    it(`grants ${ref.kind === "global" ? "read-write" : "read-only"} access to the bundle bucket and nothing wider`, () => {
      const statements = policyOf(policy.policy).Statement.filter((s) => !/Database|ApplicationUser/.test(s.Sid));
      const actions = statements.flatMap((s) => [s.Action].flat());
      expect(actions).toContain("s3:GetObject");
      if (ref.kind === "global") expect(actions).toContain("s3:PutObject");
      else expect(actions.filter((a) => /Put|Delete/.test(a))).toEqual([]);
      for (const s of statements) {
        expect([s.Action].flat()).not.toContain("*");
        const resources = [s.Resource].flat();
        if (String(s.Action).startsWith("kms:") || [s.Action].flat()[0].startsWith("kms:")) {
          expect(s.Condition.StringEquals["kms:ViaService"]).toBe(`s3.${env.global.region}.amazonaws.com`);
        } else {
          for (const r of resources) expect(r).toMatch(new RegExp(`^arn:aws:s3:::${env.bundleBucketName}(/\\*)?$`));
        }
      }
    });
  },
);

describe.each(envs.flatMap((env) => env.regions.map((r) => ({ env, region: r, name: `${env.name}-regional-${r.key}` }))))(
  "peering of $name with the global plane",
  ({ env, region, name }) => {
    const tf = stack(synth, name);
    const aliasOf = (provider: string | undefined) => (provider ? provider.replace("aws.", "") : "default");

    it("requests a cross-region peering from the regional VPC and accepts it in the global region", () => {
      const [connection] = configsOf(tf, "aws_vpc_peering_connection");
      expect(connection).toMatchObject({ peer_region: env.global.region, peer_owner_id: env.accountId, auto_accept: false });
      expect(connection.peer_vpc_id).toMatch(/terraform_remote_state/);
      const [accepter] = configsOf(tf, "aws_vpc_peering_connection_accepter");
      expect(accepter.auto_accept).toBe(true);
      expect(aliasOf(accepter.provider)).toBe("global");
      const globalProvider = tf.provider!.aws.find((p) => p.alias === "global");
      expect(globalProvider.region).toBe(env.global.region);
      expect(globalProvider.allowed_account_ids).toEqual([env.accountId]);
    });

    it("resolves DNS across the peering on both sides", () => {
      const options = configsOf(tf, "aws_vpc_peering_connection_options");
      expect(options.find((o) => o.requester)?.requester.allow_remote_vpc_dns_resolution).toBe(true);
      const accepterSide = options.find((o) => o.accepter);
      expect(accepterSide.accepter.allow_remote_vpc_dns_resolution).toBe(true);
      expect(aliasOf(accepterSide.provider)).toBe("global");
    });

    it("routes the private subnets both ways", () => {
      const peeringRoutes = configsOf(tf, "aws_route").filter((r) => r.vpc_peering_connection_id);
      const toGlobal = peeringRoutes.filter((r) => r.destination_cidr_block === env.global.vpcCidr);
      const toRegional = peeringRoutes.filter((r) => r.destination_cidr_block === region.vpcCidr);
      expect(toGlobal).toHaveLength(region.availabilityZones.length);
      expect(toRegional).toHaveLength(env.global.availabilityZones.length);
      for (const r of toGlobal) expect(r.provider).toBeUndefined();
      for (const r of toRegional) {
        expect(aliasOf(r.provider)).toBe("global");
        expect(r.route_table_id).toMatch(/terraform_remote_state/);
      }
    });

    it("lets the planes reach each other's cluster security groups on 443 only", () => {
      const rules = configsOf(tf, "aws_vpc_security_group_ingress_rule").filter((r) => [env.global.vpcCidr, region.vpcCidr].includes(r.cidr_ipv4));
      expect(rules).toHaveLength(2);
      for (const rule of rules) expect([rule.ip_protocol, rule.from_port, rule.to_port]).toEqual(["tcp", 443, 443]);
      const intoGlobal = rules.find((r) => r.cidr_ipv4 === region.vpcCidr);
      expect(aliasOf(intoGlobal.provider)).toBe("global");
      expect(intoGlobal.security_group_id).toMatch(/terraform_remote_state/);
    });

    it("depends on the global stack", () => {
      expect(synth.manifest.stacks[name].dependencies).toContain(`${env.name}-global`);
    });
  },
);

describe("grant helper", () => {
  it("renders read and read-write statements for a bucket by name", () => {
    const ref = { bucketName: "b", region: "us-east-1", accountId: "123456789012" };
    const read = bundleBucketStatements(ref, "read").flatMap((s) => s.actions);
    const write = bundleBucketStatements(ref, "read-write").flatMap((s) => s.actions);
    expect(read).not.toContain("s3:PutObject");
    expect(write).toEqual(expect.arrayContaining(["s3:PutObject", "kms:GenerateDataKey", ...read]));
  });

  it("overlapping VPC CIDRs across planes are rejected before peering is built", () => {
    const env = structuredClone(ENVIRONMENTS.staging.data) as any;
    env.regions[0].vpcCidr = env.global.vpcCidr;
    expect(() => loadEnvironment(env, "environments/staging.ts")).toThrow(/regions\[0\]\.vpcCidr: got "10\.20\.0\.0\/16"; must not overlap global\.vpcCidr/);
  });
});

describe.each(envs)("private DNS of $name", (env) => {
  const global = stack(synth, `${env.name}-global`);

  it("has one private zone <env>.internal, created with the global VPC", () => {
    const zones = configsOf(global, "aws_route53_zone");
    expect(zones).toHaveLength(1);
    expect(zones[0].name).toBe(`${env.name}.internal`);
    expect(zones[0].vpc).toEqual([{ vpc_id: expect.stringMatching(/^\$\{aws_vpc\./), vpc_region: env.global.region }]);
  });

  it("associates every regional VPC with the zone", () => {
    for (const r of env.regions) {
      const tf = stack(synth, `${env.name}-regional-${r.key}`);
      const [association] = configsOf(tf, "aws_route53_zone_association");
      expect(association.zone_id).toMatch(/terraform_remote_state/);
      expect(association.vpc_id).toMatch(/^\$\{aws_vpc\./);
      expect(association.vpc_region).toBe(r.region);
    }
  });

  it.each(planesOf(env).map((p) => ({ ...p, name: planeStackName(env.name, p.ref) })))("gives $name's database stable writer and reader names", ({ ref, name }) => {
    const tf = stack(synth, name);
    const label = ref.kind === "global" ? "global" : ref.key;
    const records = Object.fromEntries(configsOf(tf, "aws_route53_record").map((r) => [r.name, r]));
    const [[clusterId]] = resourcesOf(tf, "aws_rds_cluster");
    expect(records[`${label}-db.${env.name}.internal`]).toMatchObject({ type: "CNAME", ttl: 60, records: [`\${aws_rds_cluster.${clusterId}.endpoint}`] });
    expect(records[`${label}-db-ro.${env.name}.internal`]).toMatchObject({ type: "CNAME", records: [`\${aws_rds_cluster.${clusterId}.reader_endpoint}`] });
  });
});
