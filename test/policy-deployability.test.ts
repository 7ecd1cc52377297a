/**
 * The deployability guards of issue 12 and the state-key rule, on small fixture stacks made of the real
 * provider classes: each bad fixture reproduces one defect that only shows at apply time (or on the
 * second run) and must trip its rule; the good fixtures pass the whole pack.
 */
import { DataAwsEksCluster } from "@cdktf/provider-aws/lib/data-aws-eks-cluster";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamServiceLinkedRole } from "@cdktf/provider-aws/lib/iam-service-linked-role";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { Release } from "@cdktf/provider-helm/lib/release";
import { DataTerraformRemoteStateS3, S3Backend, TerraformStack, type App } from "cdktf";
import { describe, expect, it } from "vitest";
import { EncryptionKey } from "../constructs/kms-key";
import { SecureBucket } from "../constructs/secure-bucket";
import { policyDocument, type Statement } from "../src/lib/iam";
import { evaluatePolicies, RULES, type StackDocument } from "../src/policy";
import { declareTerraformPrincipals } from "../src/policy/principals";
import { BUCKET_REFRESH_ACTIONS, iamMatch } from "../src/policy/rules/deployability";
import { cmk, hits, rulesIn } from "./helpers/policy";
import { goodEksCluster, goodLaunchTemplate, goodNodeGroup } from "./helpers/policy-fixtures";
import { expectRule, scenario } from "./helpers/policy-scenario";

const ACCOUNT = "111111111111";
const DEPLOY = `arn:aws:iam::${ACCOUNT}:role/cdn-terraform-deploy`;
const PLAN = `arn:aws:iam::${ACCOUNT}:role/cdn-terraform-plan`;
const WORKLOAD = `arn:aws:iam::${ACCOUNT}:role/cdn-workload`;
const EVERYONE = [{ type: "*" as const, identifiers: ["*"] }];
const SLR = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
const trust = policyDocument([{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }]);

/** A TLS-only, KMS-encrypted bucket whose policy adds `statements`; the stack records the Terraform roles unless told not to. */
function bucketWith(stack: TerraformStack, statements: Statement[], recordPrincipals = true): SecureBucket {
  if (recordPrincipals) declareTerraformPrincipals(stack, [DEPLOY, PLAN]);
  return new SecureBucket(stack, "bundles", { bucketName: `cdn-fixture-${stack.node.id}`, kmsKeyArn: cmk(stack), policyStatements: statements });
}

const bucketArn = (stack: TerraformStack) => `arn:aws:s3:::cdn-fixture-${stack.node.id}`;

describe("CDN-REF-001 literal names of resources in the same stack", () => {
  const r = scenario({
    good: (s) => {
      const cluster = goodEksCluster(s, "cluster", cmk(s));
      const role = new IamRole(s, "role", { name: "cdn-fixture-controller", assumeRolePolicy: trust });
      new EksPodIdentityAssociation(s, "association", { clusterName: cluster.name, namespace: "kube-system", serviceAccount: "controller", roleArn: role.arn });
      // External principals (not created in this stack) and tags may be literals.
      new EksAccessEntry(s, "entry", { clusterName: cluster.name, principalArn: `arn:aws:iam::${ACCOUNT}:role/PlatformAdmin`, tags: { Cluster: "cdn-cluster" } });
    },
    // The load balancer controller's association of issue 12: nothing orders it after the cluster.
    "bad-literal-cluster": (s) => {
      goodEksCluster(s, "cluster", cmk(s));
      const role = new IamRole(s, "role", { name: "cdn-fixture-controller", assumeRolePolicy: trust });
      new EksPodIdentityAssociation(s, "association", { clusterName: "cdn-cluster", namespace: "kube-system", serviceAccount: "controller", roleArn: role.arn });
    },
    "bad-literal-role-arn": (s) => {
      const cluster = goodEksCluster(s, "cluster", cmk(s));
      new IamRole(s, "role", { name: "cdn-fixture-controller", assumeRolePolicy: trust });
      new EksPodIdentityAssociation(s, "association", { clusterName: cluster.name, namespace: "kube-system", serviceAccount: "controller", roleArn: `arn:aws:iam::${ACCOUNT}:role/cdn-fixture-controller` });
    },
    "bad-literal-bucket": (s) => {
      const bucket = bucketWith(s, []);
      new S3BucketPolicy(s, "extra-policy", { bucket: `cdn-fixture-${s.node.id}`, policy: policyDocument([]), dependsOn: [bucket.bucket] });
    },
  });
  expectRule(r, "CDN-REF-001", {
    "bad-literal-cluster": /cluster_name is the literal "cdn-cluster", naming aws_eks_cluster\.cluster of this stack: nothing orders aws_eks_pod_identity_association\.association after it/,
    "bad-literal-role-arn": /role_arn is the literal "arn:aws:iam::111111111111:role\/cdn-fixture-controller", naming aws_iam_role\.role/,
    "bad-literal-bucket": /bucket is the literal "cdn-fixture-bad-literal-bucket", naming aws_s3_bucket\.bundles_bucket/,
  });
  it("tells how to fix it with the reference", () => {
    expect(hits(r, "CDN-REF-001", "bad-literal-cluster")[0].fix).toContain("${aws_eks_cluster.cluster.name}");
    expect(hits(r, "CDN-REF-001", "bad-literal-role-arn")[0].fix).toContain("${aws_iam_role.role.arn}");
  });
});

describe("CDN-LCY-001 fixed names with create_before_destroy", () => {
  const r = scenario({
    good: (s) => {
      new RdsClusterParameterGroup(s, "params", { namePrefix: "cdn-db-postgres16-", family: "postgres16", parameter: [{ name: "rds.force_ssl", value: "1" }], lifecycle: { createBeforeDestroy: true } });
      // A fixed name without create_before_destroy is fine.
      new RdsClusterParameterGroup(s, "fixed", { name: "cdn-db-fixed", family: "postgres16", parameter: [{ name: "rds.force_ssl", value: "1" }] });
    },
    // The database parameter group of issue 12: a major upgrade would collide on the name.
    "bad-fixed-name": (s) =>
      void new RdsClusterParameterGroup(s, "params", { name: "cdn-db-postgres16", family: "postgres16", parameter: [{ name: "rds.force_ssl", value: "1" }], lifecycle: { createBeforeDestroy: true } }),
    "bad-fixed-role-name": (s) => void new IamRole(s, "role", { name: "cdn-fixture-role", assumeRolePolicy: trust, lifecycle: { createBeforeDestroy: true } }),
  });
  expectRule(r, "CDN-LCY-001", {
    "bad-fixed-name": /has create_before_destroy and the fixed name "cdn-db-postgres16": a replacement would collide/,
    "bad-fixed-role-name": /fixed name "cdn-fixture-role"/,
  });
  it("names the prefix attribute in the fix", () => {
    expect(hits(r, "CDN-LCY-001", "bad-fixed-name")[0].fix).toMatch(/Set name_prefix instead of name/);
  });
});

describe("CDN-LCY-002 node groups whose size nothing manages", () => {
  const nodeGroup = (s: TerraformStack, clusterName: string, ignore: boolean) => {
    const key = cmk(s);
    const cluster = goodEksCluster(s, "cluster", key, { name: clusterName });
    goodNodeGroup(s, "nodes", cluster, goodLaunchTemplate(s, "lt", key), ignore ? { lifecycle: { ignoreChanges: ["scaling_config[0].desired_size"] } } : {});
  };
  /** An in-cluster stack (like the -k8s stacks) running an autoscaler for `clusterName`. */
  const autoscaler = (s: TerraformStack, clusterName: string, chart = "cluster-autoscaler") => {
    const cluster = new DataAwsEksCluster(s, "cluster", { name: clusterName });
    new HelmProvider(s, "helm", { kubernetes: { host: cluster.endpoint } });
    new Release(s, "autoscaler", { name: "cluster-autoscaler", repository: "https://kubernetes.github.io/autoscaler", chart, version: "9.59.0", namespace: "kube-system" });
  };
  const r = scenario(
    {
      good: (s) => nodeGroup(s, "cdn-autoscaled", true),
      "good-k8s": (s) => autoscaler(s, "cdn-autoscaled"),
      "good-terraform-owns-size": (s) => nodeGroup(s, "cdn-fixed-size", false),
      // Issue 12: desired_size ignored "for the autoscaler", but none is installed.
      "bad-no-autoscaler": (s) => nodeGroup(s, "cdn-lonely", true),
      "bad-autoscaler-of-another-cluster": (s) => nodeGroup(s, "cdn-other", true),
      "bad-autoscaler-of-another-cluster-k8s": (s) => autoscaler(s, "cdn-not-the-other"),
      "bad-autoscaler-in-another-region": (s) => nodeGroup(s, "cdn-far", true),
      "bad-autoscaler-in-another-region-k8s": (s) => autoscaler(s, "cdn-far"),
      "bad-other-chart": (s) => nodeGroup(s, "cdn-karpenter", true),
      "bad-other-chart-k8s": (s) => autoscaler(s, "cdn-karpenter", "karpenter"),
    },
    { "bad-autoscaler-in-another-region-k8s": { region: "eu-west-1" } },
  );
  expectRule(r, "CDN-LCY-002", {
    "bad-no-autoscaler": /ignores scaling_config\[0\]\.desired_size, but no cluster-autoscaler Helm release targets cluster "cdn-lonely"/,
    "bad-autoscaler-of-another-cluster": /cluster "cdn-other"/,
    "bad-autoscaler-in-another-region": /cluster "cdn-far"/,
    "bad-other-chart": /cluster "cdn-karpenter"/,
  });
  it("accepts a node group whose size Terraform owns", () => expect(r.violations.filter((v) => v.stack === "good-terraform-owns-size")).toEqual([]));
  it("and the in-cluster stacks pass the whole pack", () => expect(r.violations.filter((v) => v.stack.endsWith("-k8s"))).toEqual([]));
});

describe("CDN-IAM-003 bucket Denies that lock Terraform out of its refresh", () => {
  const dataDeny = (s: TerraformStack, actions: string[], resources = [bucketArn(s), `${bucketArn(s)}/*`], except = [WORKLOAD]): Statement => ({
    sid: "DenyData",
    effect: "Deny",
    actions,
    resources,
    principals: EVERYONE,
    conditions: [{ test: "StringNotLike", variable: "aws:PrincipalArn", values: except }],
  });
  const r = scenario({
    good: (s) =>
      void bucketWith(s, [
        dataDeny(s, ["s3:GetObject*", "s3:PutObject*", "s3:DeleteObject*"], [`${bucketArn(s)}/*`]),
        dataDeny(s, ["s3:ListBucket"], [bucketArn(s)], [WORKLOAD, DEPLOY, PLAN]),
        // Request-shape Denies are exempt: Terraform always uses TLS.
        { sid: "DenyOldTls", effect: "Deny", actions: ["s3:*"], resources: [bucketArn(s)], principals: EVERYONE, conditions: [{ test: "NumericLessThan", variable: "s3:TlsVersion", values: ["1.2"] }] },
      ]),
    // The bundle bucket of issue 12: s3:*Object* matches s3:GetBucketObjectLockConfiguration and
    // s3:ListBucket* matches HeadBucket's s3:ListBucket.
    "bad-wildcards": (s) => void bucketWith(s, [dataDeny(s, ["s3:*Object*", "s3:ListBucket*", "s3:*MultipartUpload*"])]),
    "bad-plan-role-not-excepted": (s) => void bucketWith(s, [dataDeny(s, ["s3:ListBucket"], [bucketArn(s)], [WORKLOAD, DEPLOY])]),
    "good-object-only": (s) => void bucketWith(s, [dataDeny(s, ["s3:*"], [`${bucketArn(s)}/*`])]),
    "bad-vpce-only": (s) =>
      void bucketWith(s, [
        { sid: "DenyOutsideVpce", effect: "Deny", actions: ["s3:*"], resources: [bucketArn(s)], principals: EVERYONE, conditions: [{ test: "StringNotEquals", variable: "aws:SourceVpce", values: ["vpce-0123456789abcdef0"] }] },
      ]),
    "bad-unrecorded-principals": (s) => void bucketWith(s, [dataDeny(s, ["s3:ListBucket"], [bucketArn(s)], [WORKLOAD])], false),
  });
  expectRule(r, "CDN-IAM-003", {
    "bad-wildcards": /statement DenyData denies s3:ListBucket, s3:GetBucketObjectLockConfiguration to arn:aws:iam::111111111111:role\/cdn-terraform-deploy, a role that runs Terraform for this stack,/,
    "bad-plan-role-not-excepted": /denies s3:ListBucket to arn:aws:iam::111111111111:role\/cdn-terraform-plan/,
    "bad-vpce-only": /DenyOutsideVpce denies s3:ListBucket, s3:GetBucketPolicy/,
    "bad-unrecorded-principals": /to the roles that run Terraform \(none recorded for this stack\)/,
  });
  it("does not report the deploy role where it is excepted", () => {
    const messages = hits(r, "CDN-IAM-003", "bad-plan-role-not-excepted").map((v) => v.message);
    expect(messages).toHaveLength(1);
    expect(messages[0]).not.toMatch(/to arn:aws:iam::111111111111:role\/cdn-terraform-deploy/);
  });
  it("leaves object-only Denies alone (bucket-level reads are not object actions)", () => {
    expect(r.violations.filter((v) => v.stack === "good-object-only")).toEqual([]);
  });
});

describe("CDN-IAM-004 principals that may not exist yet", () => {
  const asgGrant = (principal: string): Statement => ({ sid: "AutoScalingUsesKey", actions: ["kms:Decrypt"], resources: ["*"], principals: [{ type: "AWS", identifiers: [principal] }] });
  const key = (s: TerraformStack, id: string, statements: Statement[]) =>
    new EncryptionKey(s, id, { description: "fixture", alias: `cdn-fixture-${s.node.id}-${id}`, accountId: ACCOUNT, region: "us-east-1", additionalStatements: statements });
  const dependOn = (s: TerraformStack, app: App, name: string) => s.addDependency(app.node.findChild(name) as TerraformStack);
  const r = scenario({
    "roles-early": (s) => {
      new IamRole(s, "reader", { name: "cdn-fixture-early-reader", assumeRolePolicy: trust });
      new IamServiceLinkedRole(s, "asg", { awsServiceName: "autoscaling.amazonaws.com" });
    },
    good: (s, app) => {
      dependOn(s, app, "roles-early");
      // The EKS key of issue 12, fixed: the service-linked role only in conditions.
      key(s, "conditioned", [
        {
          sid: "AutoScalingUsesKey",
          actions: ["kms:Decrypt"],
          resources: ["*"],
          principals: [{ type: "AWS", identifiers: ["*"] }],
          conditions: [
            { test: "StringEquals", variable: "aws:PrincipalArn", values: [SLR] },
            { test: "StringEquals", variable: "aws:PrincipalAccount", values: [ACCOUNT] },
          ],
        },
      ]);
      // Roles of a stack deployed earlier, and roles referenced in the same stack, exist in time.
      key(s, "earlier", [asgGrant(`arn:aws:iam::${ACCOUNT}:role/cdn-fixture-early-reader`), asgGrant(SLR)]);
      const role = new IamRole(s, "own", { name: "cdn-fixture-own", assumeRolePolicy: trust });
      key(s, "referenced", [asgGrant(role.arn)]);
      // A role nobody here creates is the environment's to provide (break-glass, SSO roles).
      key(s, "external", [asgGrant(`arn:aws:iam::${ACCOUNT}:role/BreakGlassAdmin`)]);
    },
    // The EKS key policy of issue 12: fails in a fresh account.
    "bad-service-linked-role": (s) => void key(s, "eks", [asgGrant(SLR)]),
    "bad-own-role-by-literal": (s) => {
      new IamRole(s, "own", { name: "cdn-fixture-own-literal", assumeRolePolicy: trust });
      key(s, "k", [asgGrant(`arn:aws:iam::${ACCOUNT}:role/cdn-fixture-own-literal`)]);
    },
    "bad-own-slr-by-literal": (s) => {
      new IamServiceLinkedRole(s, "asg", { awsServiceName: "autoscaling.amazonaws.com" });
      key(s, "k", [asgGrant(SLR)]);
    },
    "bad-role-of-a-later-stack": (s) => void key(s, "k", [asgGrant(`arn:aws:iam::${ACCOUNT}:role/cdn-fixture-later-writer`)]),
    "roles-later": (s) => void new IamRole(s, "writer", { name: "cdn-fixture-later-writer", assumeRolePolicy: trust }),
    "bad-trust-policy": (s) =>
      void new IamRole(s, "r", { name: "cdn-fixture-trusting", assumeRolePolicy: policyDocument([{ actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: [SLR] }] }]) }),
  });
  expectRule(r, "CDN-IAM-004", {
    "bad-service-linked-role": /statement AutoScalingUsesKey names the service-linked role AWSServiceRoleForAutoScaling as a principal, which exists only once autoscaling\.amazonaws\.com has created it/,
    "bad-own-role-by-literal": /names role cdn-fixture-own-literal \(aws_iam_role\.own, created in this stack\) by a literal ARN/,
    "bad-own-slr-by-literal": /AWSServiceRoleForAutoScaling \(aws_iam_service_linked_role\.asg, created in this stack\) by a literal ARN/,
    "bad-role-of-a-later-stack": /names role cdn-fixture-later-writer, which stack roles-later creates; bad-role-of-a-later-stack does not depend on that stack/,
    "bad-trust-policy": /assume_role_policy statement #0 names the service-linked role/,
  });
  it("points to the condition form in the fix", () => {
    expect(hits(r, "CDN-IAM-004", "bad-service-linked-role")[0].fix).toContain(`StringEquals aws:PrincipalArn = ${SLR}`);
  });
});

describe("CDN-ENC-008 state encrypted with the state key", () => {
  const STATE_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:alias/cdn-dev-terraform-state`;
  const backend = (s: TerraformStack, extra: Record<string, unknown>) =>
    new S3Backend(s, { bucket: "cdn-tfstate-dev", key: `cdn/${s.node.id}.tfstate`, region: "us-east-1", encrypt: true, ...extra });
  const r = scenario({
    good: (s) => {
      backend(s, { kmsKeyId: STATE_KEY });
      new DataTerraformRemoteStateS3(s, "other", { bucket: "cdn-tfstate-dev", key: "cdn/other.tfstate", region: "us-east-1", encrypt: true, kmsKeyId: STATE_KEY });
    },
    "good-local": () => undefined,
    // Issue 12: encrypt = true alone makes Terraform send AES256 on every write.
    "bad-no-key": (s) => void backend(s, {}),
    "bad-aws-managed-key": (s) => void backend(s, { kmsKeyId: "alias/aws/s3" }),
    "bad-not-encrypted": (s) => void backend(s, { kmsKeyId: STATE_KEY, encrypt: false }),
    "bad-remote-state": (s) => {
      backend(s, { kmsKeyId: STATE_KEY });
      new DataTerraformRemoteStateS3(s, "other", { bucket: "cdn-tfstate-dev", key: "cdn/other.tfstate", region: "us-east-1", encrypt: true });
    },
  });
  expectRule(r, "CDN-ENC-008", {
    "bad-no-key": /kms_key_id is not set, so every write asks S3 for SSE-S3 \(AES256\)/,
    "bad-aws-managed-key": /alias\/aws\/s3 is an AWS-managed key/,
    "bad-not-encrypted": /encrypt is not true/,
    "bad-remote-state": /kms_key_id is not set: the block does not carry the backend settings of the stack it reads/,
  });
  it("reports the backend at terraform.backend.s3 and the remote state at its data source", () => {
    expect(hits(r, "CDN-ENC-008", "bad-no-key")[0]).toMatchObject({ address: "terraform.backend.s3", path: "bad-no-key" });
    expect(hits(r, "CDN-ENC-008", "bad-remote-state")[0].address).toMatch(/^data\.terraform_remote_state\.other$/);
    expect(rulesIn(r, "good-local")).toEqual([]);
  });
});

describe("the deployability rules' reference data", () => {
  it("lists the refresh reads the bundle bucket's old wildcards matched (and only those)", () => {
    const matched = BUCKET_REFRESH_ACTIONS.filter((a) => ["s3:*Object*", "s3:ListBucket*"].some((p) => iamMatch(p, a)));
    expect(matched).toEqual(["s3:ListBucket", "s3:GetBucketObjectLockConfiguration"]);
    expect(BUCKET_REFRESH_ACTIONS.filter((a) => ["s3:GetObject*", "s3:PutObject*", "s3:DeleteObject*"].some((p) => iamMatch(p, a)))).toEqual([]);
  });

  it("are in the catalog, and the pure engine reads stack dependencies", () => {
    for (const id of ["CDN-REF-001", "CDN-LCY-001", "CDN-LCY-002", "CDN-IAM-003", "CDN-IAM-004", "CDN-ENC-008"]) expect(RULES.map((rule) => rule.id)).toContain(id);
    const stack = (name: string, resource: Record<string, Record<string, Record<string, unknown>>>): StackDocument => ({ name, json: { provider: { aws: [{ region: "us-east-1" }] }, resource } });
    const later = stack("later", { aws_iam_role: { w: { name: "cdn-w", assume_role_policy: trust } } });
    const keyStack = stack("keys", {
      aws_kms_key: { k: { policy: policyDocument([asgGrantFor("arn:aws:iam::111111111111:role/cdn-w")]), enable_key_rotation: true } },
    });
    const withoutDependency = evaluatePolicies([later, keyStack]).violations.filter((v) => v.rule === "CDN-IAM-004");
    expect(withoutDependency).toHaveLength(1);
    const withDependency = evaluatePolicies([later, { ...keyStack, dependencies: ["later"] }]).violations.filter((v) => v.rule === "CDN-IAM-004");
    expect(withDependency).toEqual([]);
  });
});

function asgGrantFor(principal: string): Statement {
  return { actions: ["kms:Decrypt"], resources: ["*"], principals: [{ type: "AWS", identifiers: [principal] }] };
}
