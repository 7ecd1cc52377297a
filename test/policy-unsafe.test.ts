/**
 * Bad input and bad changes: deliberately unsafe stacks, each one compliant fixture with one unsafe
 * change, must be caught with exactly the right rule ids; unsafe edits (escape hatches) to the real
 * environments' stacks are caught too; and the synth entry fails with exit 1 and one readable report.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { TerraformResource, TerraformStack } from "cdktf";
import { afterAll, describe, expect, it, vi } from "vitest";
import { nonEmpty } from "./helpers/assert";
import { SecureBucket } from "../constructs/secure-bucket";
import { buildApp } from "../src/app/app";
import { policyDocument } from "../src/lib/iam";
import { checkApp, synthOrExit } from "../src/policy";
import { buildUnsafeApp } from "./fixtures/unsafe-app-build";
import { check, cmk, envTags, fixtureStack, hits, policyApp, rulesIn } from "./helpers/policy";
import { goodDbInstance, goodSecurityGroup } from "./helpers/policy-fixtures";
import { allEnvironments } from "./helpers/synth";

describe("deliberately unsafe stacks", () => {
  const app = policyApp();
  const stack = (name: string, env = "prod", tags?: Record<string, string>) => fixtureStack(app, name, { env, ...(tags ? { defaultTags: tags } : {}) });

  goodDbInstance(stack("public-database"), "db", cmk(app.node.findChild("public-database")), { publiclyAccessible: true });

  const unencrypted = stack("unencrypted-bucket");
  new SecureBucket(unencrypted, "data", { bucketName: "cdn-unsafe-data" }); // no kmsKeyArn: SSE-S3

  const ssh = stack("world-ssh");
  const sg = goodSecurityGroup(ssh, "nodes");
  new VpcSecurityGroupIngressRule(ssh, "ssh", { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0", description: "SSH from anywhere" });

  const untagged = stack("missing-tag", "prod", { Environment: "prod", Service: "cdn-control-plane", CostCenter: "cc-1" });
  new SecureBucket(untagged, "data", { bucketName: "cdn-unsafe-untagged", kmsKeyArn: cmk(untagged) });

  const wildcard = stack("wildcard-iam");
  const role = new IamRole(wildcard, "role", {
    name: "cdn-unsafe",
    assumeRolePolicy: policyDocument([{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }]),
  });
  new IamRolePolicy(wildcard, "admin", { role: role.id, policy: policyDocument([{ actions: ["*"], resources: ["*"] }]) });

  const password = stack("literal-password");
  goodDbInstance(password, "db", cmk(password), { manageMasterUserPassword: undefined, masterUserSecretKmsKeyId: undefined, password: "correct-horse-battery" });

  // Escape hatches: the pack reads the JSON Terraform gets, so overrides cannot sneak past it.
  const hatch = stack("escape-hatch");
  const bucket = new SecureBucket(hatch, "data", { bucketName: "cdn-unsafe-hatch", kmsKeyArn: cmk(hatch) });
  (bucket.node.findChild("versioning") as TerraformResource).addOverride("versioning_configuration.status", "Suspended");
  (bucket.node.findChild("public-access") as TerraformResource).addOverride("restrict_public_buckets", false);

  const world = stack("world-open-rule-on-tagged-group");
  const lbGroup = goodSecurityGroup(world, "lb", { tags: { ...envTags("prod"), Exposure: "internet-facing-load-balancer" } });
  new SecurityGroupRule(world, "http", { type: "ingress", securityGroupId: lbGroup.id, protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"], description: "plain HTTP" });

  const result = check(app);

  it.each([
    ["public-database", ["CDN-PUB-001"]],
    ["unencrypted-bucket", ["CDN-ENC-002"]],
    ["world-ssh", ["CDN-NET-001", "CDN-NET-002"]],
    ["missing-tag", ["CDN-TAG-001"]],
    ["wildcard-iam", ["CDN-IAM-001"]],
    ["literal-password", ["CDN-SEC-001"]],
    ["escape-hatch", ["CDN-PUB-002", "CDN-RES-004"]],
    ["world-open-rule-on-tagged-group", ["CDN-NET-001"]],
  ])("%s is caught as exactly %j", (name, rules) => {
    expect(rulesIn(result, name)).toEqual(rules);
  });

  it("names the offending resource, its construct path and the problem", () => {
    expect(hits(result, "CDN-PUB-001", "public-database")).toEqual([
      expect.objectContaining({ stack: "public-database", path: "public-database/db", address: "aws_db_instance.db", message: "publicly_accessible is true", severity: "critical" }),
    ]);
    expect(hits(result, "CDN-SEC-001", "literal-password")[0]).toMatchObject({ address: "aws_db_instance.db", message: "password: password has a literal value" });
    expect(nonEmpty(hits(result, "CDN-TAG-001", "missing-tag"), "missing-tag findings").every((v) => v.message.includes("lacks the tag Team"))).toBe(true);
    expect(hits(result, "CDN-NET-002", "world-ssh")[0].message).toContain("tcp/22 (SSH) from 0.0.0.0/0");
  });

  it("never prints the secret itself", () => {
    expect(JSON.stringify(result.violations)).not.toContain("correct-horse-battery");
  });
});

describe("unsafe changes to the real stacks", () => {
  const app = buildApp(allEnvironments().filter((e) => e.name === "dev"), { outdir: mkdtempSync(join(tmpdir(), "cdn-unsafe-real-")) });
  afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));
  const find = (path: string) => app.node.findAll().find((c) => c.node.path === path) as TerraformResource;
  find("dev-global/network/flow-log").addOverride("traffic_type", "REJECT");
  find("dev-bootstrap/state-bucket/encryption").addOverride("rule.0.apply_server_side_encryption_by_default", { sse_algorithm: "AES256" });
  find("dev-regional-uswest/network/flow-log-group").addOverride("retention_in_days", 0);
  const result = checkApp(app);

  it("catches each of them, and only them", () => {
    expect(result.violations.map((v) => `${v.rule} ${v.path}`)).toEqual([
      "CDN-ENC-002 dev-bootstrap/state-bucket/bucket",
      "CDN-OBS-001 dev-global/network/vpc",
      "CDN-OBS-004 dev-regional-uswest/network/flow-log-group",
    ]);
  });

  it("writes no manifest for an app that fails the pack", () => {
    expect(existsSync(join(app.outdir, "manifest.json"))).toBe(false);
  });
});

describe("the issue-12 defects put back into the real prod stacks", () => {
  const env = allEnvironments().find((e) => e.name === "prod")!;
  const app = buildApp([env], { outdir: mkdtempSync(join(tmpdir(), "cdn-unsafe-deploy-")) });
  afterAll(() => rmSync(app.outdir, { recursive: true, force: true }));
  const find = (path: string) => {
    const found = app.node.findAll().find((c) => c.node.path === path);
    if (!found) throw new Error(`no construct at ${path}`);
    return found as TerraformResource;
  };
  const root = { sid: "AccountAdministersKeyThroughIam", actions: ["kms:*"], resources: ["*"], principals: [{ type: "AWS" as const, identifiers: [`arn:aws:iam::${env.accountId}:root`] }] };
  const everyone = [{ type: "*" as const, identifiers: ["*"] }];
  const bundle = `arn:aws:s3:::${env.bundleBucketName}`;
  // 2: the EKS key names the Auto Scaling service-linked role as a principal.
  find("prod-global/cluster/key/key").addOverride(
    "policy",
    policyDocument([
      root,
      {
        sid: "AutoScalingUsesKeyForNodeVolumes",
        actions: ["kms:Decrypt"],
        resources: ["*"],
        principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${env.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`] }],
      },
    ]),
  );
  // 3: the controller's Pod Identity association names its cluster by a literal.
  find("prod-global/ingress/controller/association").addOverride("cluster_name", "cdn-global-control");
  // 4: the bundle bucket's Deny with the wildcards that match Terraform's refresh reads.
  find("prod-global/bundle-bucket/bucket/policy").addOverride(
    "policy",
    policyDocument([
      { sid: "DenyInsecureTransport", effect: "Deny", actions: ["s3:*"], resources: [bundle, `${bundle}/*`], principals: everyone, conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] },
      {
        sid: "DenyObjectAccessToAllButWorkloadsAndBreakGlass",
        effect: "Deny",
        actions: ["s3:*Object*", "s3:ListBucket*", "s3:*MultipartUpload*"],
        resources: [bundle, `${bundle}/*`],
        principals: everyone,
        conditions: [{ test: "StringNotLike", variable: "aws:PrincipalArn", values: [env.breakGlassRoleArn] }],
      },
    ]),
  );
  // 7: a backend without the state key.
  (app.node.findChild("prod-regional-uswest") as TerraformStack).addOverride("terraform.backend.s3.kms_key_id", undefined);
  // 9: the parameter group back on a fixed name with create_before_destroy.
  const params = find("prod-global/database/params");
  params.addOverride("name", "cdn-prod-global-postgres-postgres16");
  params.addOverride("name_prefix", undefined);
  const result = checkApp(app);

  it("are each caught by their guard, and nothing else is", () => {
    expect(result.violations.map((v) => `${v.rule} ${v.stack} ${v.path}`)).toEqual([
      "CDN-IAM-003 prod-global prod-global/bundle-bucket/bucket/policy",
      "CDN-IAM-003 prod-global prod-global/bundle-bucket/bucket/policy",
      "CDN-IAM-004 prod-global prod-global/cluster/key/key",
      "CDN-LCY-001 prod-global prod-global/database/params",
      "CDN-REF-001 prod-global prod-global/ingress/controller/association",
      "CDN-ENC-008 prod-regional-uswest prod-regional-uswest",
    ]);
  });

  it("says which Terraform role the bucket policy locks out and why", () => {
    const messages = result.violations.filter((v) => v.rule === "CDN-IAM-003").map((v) => v.message);
    expect(messages[0]).toContain(`denies s3:ListBucket, s3:GetBucketObjectLockConfiguration to ${env.terraform.deployRoleArn}, a role that runs Terraform for this stack`);
    expect(messages[1]).toContain(env.terraform.planRoleArn);
  });
});

describe("the synth entry", () => {


  it("exits 1 with the reason when a suppression is invalid (same entry handling, in this process)", () => {
    const outdir = mkdtempSync(join(tmpdir(), "cdn-unsafe-main-"));
    const written: string[] = [];
    class Exit extends Error {}
    const exit = vi.spyOn(process, "exit").mockImplementation(((code?: number) => {
      throw new Exit(`exit ${code}`);
    }) as never);
    const write = vi.spyOn(process.stderr, "write").mockImplementation(((chunk: unknown) => written.push(String(chunk)) > 0) as never);
    let exited: unknown;
    try {
      synthOrExit(() => buildUnsafeApp(outdir, "bad-suppression"));
    } catch (error) {
      exited = error;
    } finally {
      exit.mockRestore();
      write.mockRestore();
      rmSync(outdir, { recursive: true, force: true });
    }
    expect(exited).toBeInstanceOf(Exit);
    expect((exited as Error).message).toBe("exit 1");
    const stderr = written.join("");
    expect(stderr.trim()).toMatch(/^suppress\(unsafe\/db, CDN-PUB-001\): the reason "because" is too short/);
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});
