/**
 * Every rule of the policy pack, on small hand-built stacks made of the real provider classes: a good
 * fixture that passes the whole pack, and bad fixtures that each trip the rule (asserting the rule id,
 * the resource and the problem).
 */
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { S3AccountPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-account-public-access-block";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketAcl } from "@cdktf/provider-aws/lib/s3-bucket-acl";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { Release } from "@cdktf/provider-helm/lib/release";
import type { TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { nonEmpty } from "./helpers/assert";
import { EncryptionKey } from "../constructs/kms-key";
import { Network } from "../constructs/network";
import { SecureBucket } from "../constructs/secure-bucket";
import { policyDocument } from "../src/lib/iam";
import { App } from "cdktf";
import { Construct } from "constructs";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadBalancerSecurityGroupTags, PolicySuppressionError, PolicyViolationError, RULES, suppress, type PolicyResult } from "../src/policy";
import { check, cmk, envTags, fixtureStack, hits, policyApp, rulesIn } from "./helpers/policy";
import { expectRule, scenario } from "./helpers/policy-scenario";
import { goodDbCluster, goodDbInstance, goodEksCluster, goodLaunchTemplate, goodNodeGroup, goodSecurityGroup, logGroup } from "./helpers/policy-fixtures";

/** A bucket of raw resources: each companion on or off. */
function rawBucket(
  stack: Construct,
  id: string,
  parts: {
    sse?: "kms" | "aes" | "kms-default" | "none";
    pab?: boolean | "partial";
    versioning?: "Enabled" | "Suspended" | "none";
    policy?: "tls" | "none" | "allow-only" | "doc";
    literalName?: boolean;
  } = {},
): S3Bucket {
  const name = `cdn-fixture-${id}`;
  const bucket = new S3Bucket(stack, id, { bucket: name });
  // `literalName`: the encryption companion names the bucket by its literal name, to exercise literal
  // resolution (which CDN-REF-001 reports: a literal carries no ordering).
  const sse = parts.sse ?? "kms";
  if (sse !== "none") {
    new S3BucketServerSideEncryptionConfigurationA(stack, `${id}-sse`, {
      bucket: parts.literalName ? name : bucket.bucket,
      rule: [
        sse === "aes"
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", ...(sse === "kms" ? { kmsMasterKeyId: cmk(stack, `${id}-key`) } : {}) } },
      ],
    });
  }
  if (parts.pab !== false) {
    const all = parts.pab !== "partial";
    new S3BucketPublicAccessBlock(stack, `${id}-pab`, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: all, ignorePublicAcls: true, restrictPublicBuckets: all });
  }
  if ((parts.versioning ?? "Enabled") !== "none") {
    new S3BucketVersioningA(stack, `${id}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: parts.versioning ?? "Enabled" } });
  }
  const policy = parts.policy ?? "tls";
  const tlsDeny = {
    sid: "DenyInsecureTransport",
    effect: "Deny" as const,
    actions: ["s3:*"],
    resources: [bucket.arn, `${bucket.arn}/*`],
    principals: [{ type: "*" as const, identifiers: ["*"] }],
    conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
  };
  if (policy === "tls") new S3BucketPolicy(stack, `${id}-policy`, { bucket: bucket.id, policy: policyDocument([tlsDeny]) });
  if (policy === "allow-only") {
    new S3BucketPolicy(stack, `${id}-policy`, {
      bucket: bucket.id,
      policy: policyDocument([{ actions: ["s3:GetObject"], resources: [`${bucket.arn}/*`], principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111111111111:root"] }] }]),
    });
  }
  if (policy === "doc") {
    const doc = new DataAwsIamPolicyDocument(stack, `${id}-doc`, {
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          actions: ["s3:*"],
          resources: [bucket.arn, `${bucket.arn}/*`],
          principals: [{ type: "*", identifiers: ["*"] }],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new S3BucketPolicy(stack, `${id}-policy`, { bucket: bucket.id, policy: doc.json });
  }
  return bucket;
}

describe("the catalog", () => {
  it("has stable, unique, documented rule ids", () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^CDN-[A-Z0-9]{2,4}-\d{3}$/);
      for (const text of [r.title, r.checks, r.rationale, r.fix]) expect(text.length).toBeGreaterThan(15);
    }
  });
});

describe("CDN-ENC-001 RDS encryption", () => {
  const r = scenario({
    good: (s) => {
      goodDbCluster(s, "db", cmk(s));
      goodDbInstance(s, "inst", cmk(s, "k2"));
    },
    "bad-unencrypted": (s) => void goodDbCluster(s, "db", cmk(s), { storageEncrypted: false }),
    "bad-aws-key": (s) => void goodDbCluster(s, "db", cmk(s), { kmsKeyId: "arn:aws:kms:us-east-1:111111111111:alias/aws/rds" }),
    "bad-no-key": (s) => void goodDbInstance(s, "inst", cmk(s), { kmsKeyId: undefined }),
    "bad-pi-key": (s) => void goodDbInstance(s, "inst", cmk(s), { performanceInsightsKmsKeyId: undefined }),
  });
  expectRule(r, "CDN-ENC-001", {
    "bad-unencrypted": /storage_encrypted is false/,
    "bad-aws-key": /alias\/aws\/rds is an AWS-managed key/,
    "bad-no-key": /kms_key_id — no KMS key is set/,
    "bad-pi-key": /performance_insights_kms_key_id/,
  });
});

describe("CDN-ENC-002 S3 encryption", () => {
  const r = scenario({
    good: (s) => {
      new SecureBucket(s, "b", { bucketName: "cdn-fixture-good", kmsKeyArn: cmk(s) });
      rawBucket(s, "raw");
    },
    "bad-sse-s3": (s) => void rawBucket(s, "b", { sse: "aes" }),
    "bad-none": (s) => void rawBucket(s, "b", { sse: "none" }),
    "bad-aws-managed": (s) => void rawBucket(s, "b", { sse: "kms-default" }),
    "bad-secure-bucket-without-key": (s) => void new SecureBucket(s, "b", { bucketName: "cdn-fixture-nokey" }),
    "literal-companion": (s) => void rawBucket(s, "raw", { literalName: true }),
    "literal-companion-aes": (s) => void rawBucket(s, "raw", { literalName: true, sse: "aes" }),
  });
  expectRule(r, "CDN-ENC-002", {
    "bad-sse-s3": /"AES256" \(SSE-S3/,
    "bad-none": /no default-encryption configuration/,
    "bad-aws-managed": /kms_master_key_id — no KMS key is set/,
    "bad-secure-bucket-without-key": /AES256/,
    "literal-companion-aes": /"AES256" \(SSE-S3/,
  });
  it("resolves a companion that names the bucket by its literal name (and CDN-REF-001 reports the literal)", () => {
    expect(rulesIn(r, "literal-companion")).toEqual(["CDN-REF-001"]);
  });
});

describe("CDN-ENC-003 EBS encryption", () => {
  const r = scenario({
    good: (s) => {
      const key = cmk(s);
      const cluster = goodEksCluster(s, "eks", key);
      goodNodeGroup(s, "ng", cluster, goodLaunchTemplate(s, "lt", key));
      new EbsVolume(s, "vol", { availabilityZone: "us-east-1a", size: 10, encrypted: true, kmsKeyId: key });
      new Instance(s, "vm", {
        ami: "ami-12345678",
        instanceType: "t3.micro",
        rootBlockDevice: { encrypted: true, kmsKeyId: key },
        metadataOptions: { httpTokens: "required" },
      });
    },
    "bad-lt-no-mappings": (s) => void goodLaunchTemplate(s, "lt", cmk(s), { blockDeviceMappings: undefined }),
    "bad-lt-unencrypted": (s) =>
      void goodLaunchTemplate(s, "lt", cmk(s), { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false", volumeSize: 50 } }] }),
    "bad-volume": (s) => void new EbsVolume(s, "vol", { availabilityZone: "us-east-1a", size: 10 }),
    "bad-instance-root": (s) => void new Instance(s, "vm", { ami: "ami-12345678", instanceType: "t3.micro", metadataOptions: { httpTokens: "required" } }),
    "bad-node-group-without-lt": (s) => void goodNodeGroup(s, "ng", goodEksCluster(s, "eks", cmk(s)), undefined),
  });
  expectRule(r, "CDN-ENC-003", {
    "bad-lt-no-mappings": /declares no block_device_mappings/,
    "bad-lt-unencrypted": /encrypted is "false"[\s\S]*kms_key_id/,
    "bad-volume": /volume: encrypted is null/,
    "bad-instance-root": /has no root_block_device/,
    "bad-node-group-without-lt": /has no launch_template/,
  });
});

describe("CDN-ENC-004 log group encryption", () => {
  const r = scenario({
    good: (s) => void logGroup(s, "lg", "/cdn/fixture", cmk(s)),
    bad: (s) => void logGroup(s, "lg", "/cdn/fixture", cmk(s)).addOverride("kms_key_id", null),
  });
  expectRule(r, "CDN-ENC-004", { bad: /log group key: kms_key_id — no KMS key is set/ });
});

describe("CDN-ENC-005 secrets encryption", () => {
  const r = scenario({
    good: (s) => {
      new SecretsmanagerSecret(s, "secret", { name: "cdn/fixture", kmsKeyId: cmk(s) });
      goodDbCluster(s, "db", cmk(s, "k2"));
    },
    "bad-secret": (s) => void new SecretsmanagerSecret(s, "secret", { name: "cdn/fixture" }),
    "bad-managed-password": (s) => void goodDbCluster(s, "db", cmk(s), { masterUserSecretKmsKeyId: undefined }),
  });
  expectRule(r, "CDN-ENC-005", {
    "bad-secret": /secret key: kms_key_id — no KMS key/,
    "bad-managed-password": /master_user_secret_kms_key_id/,
  });
});

describe("CDN-ENC-006 EKS secrets encryption", () => {
  const r = scenario({
    good: (s) => void goodEksCluster(s, "eks", cmk(s)),
    "bad-none": (s) => void goodEksCluster(s, "eks", cmk(s), { encryptionConfig: undefined }),
    "bad-aws-key": (s) => void goodEksCluster(s, "eks", cmk(s), { encryptionConfig: { resources: ["secrets"], provider: { keyArn: "alias/aws/eks" } } }),
  });
  expectRule(r, "CDN-ENC-006", { "bad-none": /no encryption_config for "secrets"/, "bad-aws-key": /AWS-managed/ });
});

describe("CDN-ENC-007 KMS rotation", () => {
  const r = scenario({
    good: (s) => {
      new EncryptionKey(s, "key", { description: "fixture", alias: "cdn-fixture", accountId: "111111111111", region: "us-east-1" });
      new KmsKey(s, "signing", { description: "asymmetric keys cannot rotate", customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" });
    },
    bad: (s) => void new KmsKey(s, "key", { description: "fixture" }),
  });
  expectRule(r, "CDN-ENC-007", { bad: /enable_key_rotation is null/ });
});

describe("CDN-PUB-001 public databases", () => {
  const r = scenario({
    good: (s) => void goodDbInstance(s, "inst", cmk(s), { publiclyAccessible: false }),
    "bad-instance": (s) => void goodDbInstance(s, "inst", cmk(s), { publiclyAccessible: true }),
    "bad-cluster-instance": (s) =>
      void new RdsClusterInstance(s, "member", { clusterIdentifier: "cdn-aurora", instanceClass: "db.r6g.large", engine: "aurora-postgresql", publiclyAccessible: true }),
  });
  expectRule(r, "CDN-PUB-001", { "bad-instance": /publicly_accessible is true/, "bad-cluster-instance": /publicly_accessible is true/ });
});

describe("CDN-PUB-002 S3 public access", () => {
  const r = scenario({
    good: (s) => {
      rawBucket(s, "b");
      // An account-level block with all four flags covers a bucket without its own.
      rawBucket(s, "covered-by-account", { pab: false });
      new S3AccountPublicAccessBlock(s, "account", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    },
    "bad-missing": (s) => void rawBucket(s, "b", { pab: false }),
    "bad-partial": (s) => void rawBucket(s, "b", { pab: "partial" }),
    "bad-acl": (s) => {
      const b = rawBucket(s, "b");
      new S3BucketAcl(s, "acl", { bucket: b.id, acl: "public-read" });
    },
  });
  expectRule(r, "CDN-PUB-002", {
    "bad-missing": /has no aws_s3_bucket_public_access_block/,
    "bad-partial": /leaves block_public_policy, restrict_public_buckets off/,
    "bad-acl": /acl is public-read/,
  });
});

describe("CDN-NET-001 world-open ingress", () => {
  const r = scenario({
    good: (s) => {
      const attached = goodSecurityGroup(s, "alb");
      new Lb(s, "lb", { name: "cdn-fixture", loadBalancerType: "application", securityGroups: [attached.id], subnets: ["subnet-a", "subnet-b"] });
      new VpcSecurityGroupIngressRule(s, "https", { securityGroupId: attached.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "Clients reach the ALB over HTTPS" });
      const tagged = goodSecurityGroup(s, "nlb", { tags: loadBalancerSecurityGroupTags() });
      new SecurityGroupRule(s, "https6", { type: "ingress", securityGroupId: tagged.id, protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["::/0"], description: "Clients reach the NLB over HTTPS (IPv6)" });
      const db = goodSecurityGroup(s, "db");
      new VpcSecurityGroupIngressRule(s, "pg", { securityGroupId: db.id, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "10.0.0.0/16", description: "VPC clients reach Postgres" });
    },
    "bad-http": (s) =>
      void goodSecurityGroup(s, "web", { ingress: [{ fromPort: 80, toPort: 80, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"], description: "plain http" }] }),
    "bad-443-not-lb": (s) => {
      const sg = goodSecurityGroup(s, "app");
      new VpcSecurityGroupIngressRule(s, "https", { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv6: "::/0", description: "https to an app" });
    },
    "bad-all-traffic": (s) => {
      const sg = goodSecurityGroup(s, "app", { tags: loadBalancerSecurityGroupTags() });
      new SecurityGroupRule(s, "all", { type: "ingress", securityGroupId: sg.id, protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "everything" });
    },
  });
  expectRule(r, "CDN-NET-001", {
    "bad-http": /ingress\[0\] allows tcp\/80 from 0\.0\.0\.0\/0/,
    "bad-443-not-lb": /TCP 443 from the internet is allowed only into a load balancer's security group/,
    "bad-all-traffic": /allows all traffic from 0\.0\.0\.0\/0/,
  });
});

describe("CDN-NET-002 SSH and RDP", () => {
  const r = scenario({
    good: (s) => {
      const nodes = goodSecurityGroup(s, "nodes");
      new VpcSecurityGroupIngressRule(s, "node-to-node", { securityGroupId: nodes.id, ipProtocol: "-1", referencedSecurityGroupId: nodes.id, description: "Nodes talk to each other" });
      new VpcSecurityGroupIngressRule(s, "kubelet", { securityGroupId: nodes.id, ipProtocol: "tcp", fromPort: 10250, toPort: 10250, cidrIpv4: "10.0.0.0/16", description: "Control plane reaches kubelets" });
    },
    "bad-ssh-private-cidr": (s) => {
      const sg = goodSecurityGroup(s, "nodes");
      new SecurityGroupRule(s, "ssh", { type: "ingress", securityGroupId: sg.id, protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"], description: "ssh from the office" });
    },
    "bad-rdp-from-group": (s) => {
      const sg = goodSecurityGroup(s, "win");
      const bastion = goodSecurityGroup(s, "bastion");
      new VpcSecurityGroupIngressRule(s, "rdp", { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 3389, toPort: 3389, referencedSecurityGroupId: bastion.id, description: "rdp from bastion" });
    },
    "bad-wide-range": (s) =>
      void goodSecurityGroup(s, "nodes", { ingress: [{ fromPort: 0, toPort: 65535, protocol: "tcp", cidrBlocks: ["10.20.0.0/16"], description: "all tcp from the peer" }] }),
  });
  expectRule(r, "CDN-NET-002", {
    "bad-ssh-private-cidr": /tcp\/22 \(SSH\) from 10\.0\.0\.0\/8/,
    "bad-rdp-from-group": /opens tcp\/3389 \(RDP\) to security group/,
    "bad-wide-range": /tcp\/0-65535 \(SSH, RDP\)/,
  });
});

describe("CDN-NET-003 EKS endpoint", () => {
  const cluster = (publicAccess: boolean | undefined, cidrs?: string[]) => ({
    vpcConfig: { subnetIds: ["subnet-a", "subnet-b"], endpointPrivateAccess: true, ...(publicAccess === undefined ? {} : { endpointPublicAccess: publicAccess }), ...(cidrs ? { publicAccessCidrs: cidrs } : {}) },
  });
  const r = scenario({
    good: (s) => {
      goodEksCluster(s, "private", cmk(s), cluster(false));
      goodEksCluster(s, "restricted", cmk(s, "k2"), cluster(true, ["203.0.113.0/24"]));
    },
    "bad-default": (s) => void goodEksCluster(s, "eks", cmk(s), cluster(undefined)),
    "bad-world": (s) => void goodEksCluster(s, "eks", cmk(s), cluster(true, ["203.0.113.0/24", "0.0.0.0/0"])),
  });
  expectRule(r, "CDN-NET-003", { "bad-default": /no public_access_cidrs/, "bad-world": /accepts 0\.0\.0\.0\/0/ });
});

describe("CDN-NET-004 public IPs", () => {
  /** A VPC with one public subnet (routed to an IGW through an aws_route) and one private subnet. */
  const subnets = (s: TerraformStack, mapPublicOnPrivate = false) => {
    const vpc = new Vpc(s, "vpc", { cidrBlock: "10.0.0.0/16" });
    new FlowLog(s, "flow", { vpcId: vpc.id, trafficType: "ALL", logDestinationType: "s3", logDestination: "arn:aws:s3:::cdn-flow-logs" });
    const igw = new InternetGateway(s, "igw", { vpcId: vpc.id });
    const pub = new Subnet(s, "public", { vpcId: vpc.id, cidrBlock: "10.0.0.0/24", mapPublicIpOnLaunch: true });
    const priv = new Subnet(s, "private", { vpcId: vpc.id, cidrBlock: "10.0.1.0/24", mapPublicIpOnLaunch: mapPublicOnPrivate });
    const rt = new RouteTable(s, "public-rt", { vpcId: vpc.id });
    new Route(s, "default", { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
    new RouteTableAssociation(s, "public-rta", { subnetId: pub.id, routeTableId: rt.id });
    const privRt = new RouteTable(s, "private-rt", { vpcId: vpc.id });
    new RouteTableAssociation(s, "private-rta", { subnetId: priv.id, routeTableId: privRt.id });
    return { pub, priv };
  };
  const vm = (s: TerraformStack, subnetId: string) =>
    new Instance(s, "vm", {
      ami: "ami-12345678",
      instanceType: "t3.micro",
      subnetId,
      associatePublicIpAddress: true,
      rootBlockDevice: { encrypted: true, kmsKeyId: cmk(s) },
      metadataOptions: { httpTokens: "required" },
    });
  const r = scenario({
    good: (s) => void vm(s, subnets(s).pub.id),
    "bad-map-public": (s) => void subnets(s, true),
    "bad-instance": (s) => void vm(s, subnets(s).priv.id),
    "bad-launch-template": (s) => void goodLaunchTemplate(s, "lt", cmk(s), { networkInterfaces: [{ associatePublicIpAddress: "true" }] }),
  });
  expectRule(r, "CDN-NET-004", {
    "bad-map-public": /map_public_ip_on_launch is true on a subnet without a route to an internet gateway/,
    "bad-instance": /associate_public_ip_address is true but subnet_id/,
    "bad-launch-template": /no subnet, so instances get public IPs/,
  });
});

describe("CDN-NET-005 security-group descriptions", () => {
  const r = scenario({
    good: (s) => {
      const sg = goodSecurityGroup(s, "sg", { egress: [{ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["10.0.0.0/16"], description: "HTTPS to the VPC" }] });
      new VpcSecurityGroupEgressRule(s, "out", { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "10.0.0.0/16", description: "Postgres in the VPC" });
    },
    "bad-group": (s) => void goodSecurityGroup(s, "sg", { description: undefined }),
    "bad-inline": (s) => void goodSecurityGroup(s, "sg", { egress: [{ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["10.0.0.0/16"] }] }),
    "bad-rule": (s) => {
      const sg = goodSecurityGroup(s, "sg");
      new VpcSecurityGroupEgressRule(s, "out", { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "10.0.0.0/16" });
    },
  });
  expectRule(r, "CDN-NET-005", { "bad-group": /has no description \(the provider default/, "bad-inline": /egress\[0\] has no description/, "bad-rule": /^has no description$/m });
});

describe("CDN-IAM-001 wildcard identity policies", () => {
  const role = (s: TerraformStack) =>
    new IamRole(s, "role", { name: "cdn-fixture", assumeRolePolicy: policyDocument([{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }]) });
  const r = scenario({
    good: (s) => {
      const rl = role(s);
      new IamRolePolicy(s, "p", { role: rl.id, policy: policyDocument([{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::cdn-fixture/*"] }, { actions: ["ec2:DescribeInstances"], resources: ["*"] }]) });
      new IamRolePolicyAttachment(s, "ssm", { role: rl.name, policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" });
      // A key policy's kms:* on Resource "*" for the account root is a resource policy, not an identity grant.
      new EncryptionKey(s, "key", { description: "fixture", alias: "cdn-fixture", accountId: "111111111111", region: "us-east-1" });
    },
    "bad-inline": (s) => void new IamRolePolicy(s, "p", { role: role(s).id, policy: policyDocument([{ actions: ["*"], resources: ["*"] }]) }),
    "bad-managed-policy": (s) => void new IamPolicy(s, "p", { name: "cdn-admin", policy: JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", Action: "*:*", Resource: "*" } }) }),
    "bad-not-action": (s) => void new IamPolicy(s, "p", { name: "cdn-almost-admin", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] }) }),
    "bad-data-document": (s) => {
      const doc = new DataAwsIamPolicyDocument(s, "doc", { statement: [{ actions: ["*"], resources: ["*"] }] });
      new IamRolePolicy(s, "p", { role: role(s).id, policy: doc.json });
    },
    "bad-role-inline-block": (s) =>
      void new IamRole(s, "role", {
        name: "cdn-fixture",
        assumeRolePolicy: policyDocument([{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }]),
        inlinePolicy: [{ name: "admin", policy: policyDocument([{ actions: ["*"], resources: ["*"] }]) }],
      }),
    "bad-admin-attachment": (s) => void new IamRolePolicyAttachment(s, "admin", { role: role(s).name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }),
    "bad-unreadable": (s) => void new IamRolePolicy(s, "p", { role: role(s).id, policy: "${jsonencode({Statement = []})}" }),
  });
  expectRule(r, "CDN-IAM-001", {
    "bad-inline": /allows Action "\*" on Resource "\*"/,
    "bad-managed-policy": /allows Action "\*" on Resource "\*"/,
    "bad-not-action": /everything except NotAction iam:\*/,
    "bad-data-document": /allows Action "\*" on Resource "\*"/,
    "bad-role-inline-block": /inline_policy\[0\] \(admin\)/,
    "bad-admin-attachment": /attaches arn:aws:iam::aws:policy\/AdministratorAccess/,
    "bad-unreadable": /cannot be checked at synth/,
  });
});

describe("CDN-IAM-002 public resource and trust policies", () => {
  const r = scenario({
    good: (s) => {
      const b = rawBucket(s, "b", { policy: "none" });
      new S3BucketPolicy(s, "policy", {
        bucket: b.id,
        policy: policyDocument([
          {
            sid: "DenyInsecureTransport",
            effect: "Deny",
            actions: ["s3:*"],
            resources: [b.arn, `${b.arn}/*`],
            principals: [{ type: "*", identifiers: ["*"] }],
            conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
          },
          { sid: "OrgRead", actions: ["s3:GetObject"], resources: [`${b.arn}/*`], principals: [{ type: "*", identifiers: ["*"] }], conditions: [{ test: "StringEquals", variable: "aws:PrincipalOrgID", values: ["o-abc123"] }] },
        ]),
      });
    },
    "bad-bucket": (s) => {
      const b = rawBucket(s, "b");
      new S3BucketPolicy(s, "public", { bucket: b.id, policy: policyDocument([{ sid: "Public", actions: ["s3:GetObject"], resources: [`${b.arn}/*`], principals: [{ type: "*", identifiers: ["*"] }] }]) });
    },
    "bad-trust": (s) =>
      void new IamRole(s, "role", { name: "cdn-anyone", assumeRolePolicy: policyDocument([{ actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: ["*"] }] }]) }),
    "bad-key": (s) =>
      void new KmsKey(s, "key", {
        description: "open key",
        enableKeyRotation: true,
        policy: policyDocument([{ sid: "Anyone", actions: ["kms:*"], resources: ["*"], principals: [{ type: "AWS", identifiers: ["*"] }] }]),
      }),
  });
  expectRule(r, "CDN-IAM-002", {
    "bad-bucket": /statement Public allows s3:GetObject to everyone without a condition/,
    "bad-trust": /assume_role_policy statement #0 allows sts:AssumeRole to everyone/,
    "bad-key": /statement Anyone allows kms:\* to everyone/,
  });
});

describe("CDN-TLS-001 TLS-only bucket policies", () => {
  const r = scenario({
    good: (s) => {
      rawBucket(s, "json");
      rawBucket(s, "doc", { policy: "doc" });
    },
    "bad-none": (s) => void rawBucket(s, "b", { policy: "none" }),
    "bad-no-deny": (s) => void rawBucket(s, "b", { policy: "allow-only" }),
    "bad-objects-only": (s) => {
      const b = rawBucket(s, "b", { policy: "none" });
      new S3BucketPolicy(s, "p", {
        bucket: b.id,
        policy: policyDocument([
          { effect: "Deny", actions: ["s3:*"], resources: [`${b.arn}/*`], principals: [{ type: "*", identifiers: ["*"] }], conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] },
        ]),
      });
    },
  });
  expectRule(r, "CDN-TLS-001", {
    "bad-none": /has no bucket policy/,
    "bad-no-deny": /no bucket policy denies aws:SecureTransport = false/,
    "bad-objects-only": /no bucket policy denies/,
  });
});

describe("CDN-TLS-002 Postgres forces SSL", () => {
  const r = scenario({
    good: (s) => {
      goodDbCluster(s, "db", cmk(s));
      goodDbInstance(s, "inst", cmk(s, "k2"));
    },
    // A literal group name resolves to the group of the same stack (CDN-REF-001 reports the literal).
    "literal-group": (s) => void goodDbInstance(s, "literal", cmk(s, "k3"), { parameterGroupName: "cdn-literal-params" }),
    "bad-no-group": (s) => void goodDbCluster(s, "db", cmk(s), { dbClusterParameterGroupName: undefined }),
    "bad-group-without-ssl": (s) => {
      const group = new RdsClusterParameterGroup(s, "weak", { name: "cdn-weak", family: "postgres16", parameter: [{ name: "log_connections", value: "1" }] });
      goodDbCluster(s, "db", cmk(s), { dbClusterParameterGroupName: group.name });
    },
    "bad-external-group": (s) => void goodDbInstance(s, "inst", cmk(s), { parameterGroupName: "default.postgres16" }),
    "bad-instance-group": (s) => void new DbParameterGroup(s, "weak", { name: "cdn-weak", family: "postgres16", parameter: [{ name: "rds.force_ssl", value: "0" }] }),
  });
  expectRule(r, "CDN-TLS-002", {
    "bad-no-group": /db_cluster_parameter_group_name is not set/,
    "bad-group-without-ssl": /family postgres16 does not set rds\.force_ssl = 1/,
    "bad-external-group": /\(default\.postgres16\) is not a aws_db_parameter_group of this stack/,
    "bad-instance-group": /does not set rds\.force_ssl = 1/,
  });
  it("resolves a parameter group named by its literal name (and CDN-REF-001 reports the literal)", () => {
    expect(rulesIn(r, "literal-group")).toEqual(["CDN-REF-001"]);
  });
});

describe("CDN-RES-001 Multi-AZ", () => {
  // An Aurora cluster: the compliant cluster fixture without the Multi-AZ DB cluster's instance class
  // and storage settings; Multi-AZ then depends on its member instances.
  const aurora = (s: TerraformStack, members: number) => {
    const auroraShape = { dbClusterInstanceClass: undefined, storageType: undefined, allocatedStorage: undefined, iops: undefined, engineVersion: undefined };
    const cluster = goodDbCluster(s, "aurora", cmk(s), { engine: "aurora-postgresql", ...auroraShape }, "aurora-postgresql16");
    for (let i = 0; i < members; i++) new RdsClusterInstance(s, `member-${i}`, { clusterIdentifier: cluster.id, instanceClass: "db.r6g.large", engine: "aurora-postgresql" });
  };
  const r = scenario({
    good: (s) => {
      goodDbCluster(s, "db", cmk(s));
      goodDbInstance(s, "inst", cmk(s, "k2"));
      aurora(s, 2);
    },
    "bad-single-az-instance": (s) => void goodDbInstance(s, "inst", cmk(s), { multiAz: false }),
    "bad-aurora-single": (s) => aurora(s, 1),
    "bad-cluster-no-class": (s) => void goodDbCluster(s, "db", cmk(s), { dbClusterInstanceClass: undefined }),
  });
  expectRule(r, "CDN-RES-001", {
    "bad-single-az-instance": /multi_az is false/,
    "bad-aurora-single": /has 1 aws_rds_cluster_instance/,
    "bad-cluster-no-class": /not a Multi-AZ DB cluster/,
  });
});

describe("CDN-RES-002 backup retention", () => {
  const r = scenario(
    {
      good: (s) => void goodDbCluster(s, "db", cmk(s), { backupRetentionPeriod: 30 }),
      "good-dev": (s) => void goodDbCluster(s, "db", cmk(s), { backupRetentionPeriod: 7 }),
      "bad-prod-7": (s) => void goodDbCluster(s, "db", cmk(s), { backupRetentionPeriod: 7 }),
      "bad-unset": (s) => void goodDbInstance(s, "inst", cmk(s), { backupRetentionPeriod: undefined }),
      "bad-unknown-env": (s) => void goodDbCluster(s, "db", cmk(s), { backupRetentionPeriod: 14 }),
    },
    { good: { env: "prod" }, "good-dev": { env: "dev" }, "bad-prod-7": { env: "prod" }, "bad-unset": { env: "dev" }, "bad-unknown-env": { defaultTags: { Service: "s", Team: "t", CostCenter: "c" } } },
  );
  expectRule(r, "CDN-RES-002", {
    "bad-prod-7": /is 7; prod needs at least 30 days/,
    "bad-unset": /unset \(AWS default 1\); dev needs at least 7 days/,
    "bad-unknown-env": /unknown environment \(treated as prod\) needs at least 30/,
  });
  it("accepts 7 days in dev", () => expect(hits(r, "CDN-RES-002", "good-dev")).toEqual([]));
});

describe("CDN-RES-003 deletion protection and final snapshot", () => {
  const r = scenario(
    {
      good: (s) => void goodDbCluster(s, "db", cmk(s)),
      "good-dev": (s) => void goodDbCluster(s, "db", cmk(s), { deletionProtection: false, skipFinalSnapshot: true, finalSnapshotIdentifier: undefined }),
      "bad-prod-unprotected": (s) => void goodDbCluster(s, "db", cmk(s), { deletionProtection: false }),
      "bad-staging-skip": (s) => void goodDbInstance(s, "inst", cmk(s), { skipFinalSnapshot: true }),
      "bad-staging-no-identifier": (s) => void goodDbInstance(s, "inst", cmk(s), { finalSnapshotIdentifier: undefined }),
    },
    { good: { env: "prod" }, "good-dev": { env: "dev" }, "bad-prod-unprotected": { env: "prod" }, "bad-staging-skip": { env: "staging" }, "bad-staging-no-identifier": { env: "staging" } },
  );
  expectRule(r, "CDN-RES-003", {
    "bad-prod-unprotected": /deletion_protection is false in prod/,
    "bad-staging-skip": /skip_final_snapshot is true in staging/,
    "bad-staging-no-identifier": /final_snapshot_identifier is not set in staging/,
  });
  it("does not require them in dev", () => expect(hits(r, "CDN-RES-003", "good-dev")).toEqual([]));
});

describe("CDN-RES-004 S3 versioning", () => {
  const r = scenario({
    good: (s) => void rawBucket(s, "b"),
    "bad-none": (s) => void rawBucket(s, "b", { versioning: "none" }),
    "bad-suspended": (s) => void rawBucket(s, "b", { versioning: "Suspended" }),
  });
  expectRule(r, "CDN-RES-004", { "bad-none": /has no aws_s3_bucket_versioning/, "bad-suspended": /is not Enabled/ });
});

describe("CDN-OBS-001 VPC flow logs", () => {
  const r = scenario({
    good: (s) =>
      void new Network(s, "network", { namePrefix: "cdn-fixture", cidr: "10.0.0.0/16", availabilityZones: ["us-east-1a", "us-east-1b"], region: "us-east-1", accountId: "111111111111" }),
    "bad-none": (s) => void new Vpc(s, "vpc", { cidrBlock: "10.0.0.0/16" }),
    "bad-reject-only": (s) => {
      const vpc = new Vpc(s, "vpc", { cidrBlock: "10.0.0.0/16" });
      new FlowLog(s, "flow", { vpcId: vpc.id, trafficType: "REJECT", logDestinationType: "s3", logDestination: "arn:aws:s3:::cdn-flow-logs" });
    },
  });
  expectRule(r, "CDN-OBS-001", { "bad-none": /has no aws_flow_log/, "bad-reject-only": /\(REJECT\) do not capture ALL traffic/ });
});

describe("CDN-OBS-002 EKS control-plane logs", () => {
  const r = scenario({
    good: (s) => void goodEksCluster(s, "eks", cmk(s)),
    bad: (s) => void goodEksCluster(s, "eks", cmk(s), { enabledClusterLogTypes: ["api", "authenticator"] }),
  });
  expectRule(r, "CDN-OBS-002", { bad: /lacks audit, controllerManager, scheduler/ });
});

describe("CDN-OBS-003 RDS log exports", () => {
  const r = scenario({
    good: (s) => void goodDbCluster(s, "db", cmk(s)),
    "bad-none": (s) => void goodDbCluster(s, "db", cmk(s), { enabledCloudwatchLogsExports: undefined }),
    "bad-no-postgresql": (s) => void goodDbInstance(s, "inst", cmk(s), { enabledCloudwatchLogsExports: ["upgrade"] }),
  });
  expectRule(r, "CDN-OBS-003", { "bad-none": /enabled_cloudwatch_logs_exports is empty/, "bad-no-postgresql": /lacks "postgresql"/ });
});

describe("CDN-OBS-004 log retention", () => {
  const r = scenario({
    good: (s) => void logGroup(s, "lg", "/cdn/fixture", cmk(s)),
    "bad-unset": (s) => void logGroup(s, "lg", "/cdn/fixture", cmk(s)).addOverride("retention_in_days", null),
    "bad-forever": (s) => void logGroup(s, "lg", "/cdn/fixture", cmk(s)).addOverride("retention_in_days", 0),
  });
  expectRule(r, "CDN-OBS-004", { "bad-unset": /retention_in_days is unset/, "bad-forever": /retention_in_days is 0/ });
});

describe("CDN-OBS-005 service log groups declared", () => {
  const r = scenario({
    good: (s) => {
      goodEksCluster(s, "eks", cmk(s));
      goodDbCluster(s, "db", cmk(s, "k2"));
    },
    // Renamed through an escape hatch: the pack sees the JSON, where the log group no longer matches.
    "bad-eks": (s) => goodEksCluster(s, "eks", cmk(s)).addOverride("name", "cdn-other"),
    "bad-rds": (s) => {
      const key = cmk(s);
      goodDbCluster(s, "db", key, { enabledCloudwatchLogsExports: ["postgresql", "upgrade"] });
    },
  });
  expectRule(r, "CDN-OBS-005", { "bad-eks": /\/aws\/eks\/cdn-other\/cluster is not declared/, "bad-rds": /\/aws\/rds\/cluster\/cdn-db\/upgrade is not declared/ });
});

describe("CDN-TAG-001 mandatory tags", () => {
  const r = scenario(
    {
      good: (s) => {
        const key = new KmsKey(s, "key", { description: "fixture", enableKeyRotation: true });
        new KmsAlias(s, "alias", { name: "alias/cdn-fixture", targetKeyId: key.keyId }); // not taggable: never flagged
      },
      "good-resource-tags": (s) => void new KmsKey(s, "key", { description: "fixture", enableKeyRotation: true, tags: envTags("dev") }),
      "bad-no-default-tags": (s) => void new KmsKey(s, "key", { description: "fixture", enableKeyRotation: true }),
      "bad-missing-cost-center": (s) => void new KmsKey(s, "key", { description: "fixture", enableKeyRotation: true }),
      "bad-aliased-provider": (s) => {
        const peer = new AwsProvider(s, "peer", { region: "us-west-2", alias: "peer" });
        new KmsKey(s, "key", { description: "fixture", enableKeyRotation: true, provider: peer });
      },
    },
    {
      "good-resource-tags": { defaultTags: false },
      "bad-no-default-tags": { defaultTags: false },
      "bad-missing-cost-center": { defaultTags: { Environment: "dev", Service: "s", Team: "t" } },
    },
  );
  expectRule(r, "CDN-TAG-001", {
    "bad-no-default-tags": /lacks the tags Environment, Service, Team, CostCenter/,
    "bad-missing-cost-center": /lacks the tag CostCenter/,
    "bad-aliased-provider": /lacks the tags Environment/,
  });
  it("accepts tags set on the resource itself", () => expect(hits(r, "CDN-TAG-001", "good-resource-tags")).toEqual([]));
});

describe("CDN-TAG-002 launch template tag propagation", () => {
  const r = scenario({
    good: (s) => void goodLaunchTemplate(s, "lt", cmk(s)),
    "bad-none": (s) => void goodLaunchTemplate(s, "lt", cmk(s), { tagSpecifications: undefined }),
    "bad-partial": (s) => void goodLaunchTemplate(s, "lt", cmk(s), { tagSpecifications: [{ resourceType: "instance", tags: { Environment: "dev" } }] }),
  });
  expectRule(r, "CDN-TAG-002", { "bad-none": /no tag_specifications for instance/, "bad-partial": /tag_specifications for instance lack Service, Team, CostCenter/ });
});

describe("CDN-SEC-001 literal secrets", () => {
  const r = scenario({
    good: (s) => {
      goodDbInstance(s, "inst", cmk(s));
      const secret = new SecretsmanagerSecret(s, "conn", { name: "cdn/fixture/connection", kmsKeyId: cmk(s, "k2") });
      new SecretsmanagerSecretVersion(s, "conn-v", { secretId: secret.id, secretString: JSON.stringify({ host: "${aws_db_instance.inst.address}", port: 5432, dbname: "cdn" }) });
      // Names that mention secrets without holding one: references to Secrets, booleans, templates, actions.
      new HelmProvider(s, "helm", {});
      new Release(s, "grafana", {
        name: "grafana",
        chart: "grafana",
        set: [
          { name: "admin.existingSecret", value: "grafana-admin" },
          { name: "serviceAccount.automountServiceAccountToken", value: "false" },
        ],
        values: ["admin:\n  existingSecret: grafana-admin\n  passwordKey: admin-password\nautomountServiceAccountToken: false\nsecretName: tls-cert\napiKey: \"{{ .Values.fromSecret }}\"\n"],
      });
      new DataAwsIamPolicyDocument(s, "reader", { statement: [{ actions: ["secretsmanager:GetSecretValue"], resources: [secret.arn] }] });
    },
    "bad-password": (s) => void goodDbInstance(s, "inst", cmk(s), { manageMasterUserPassword: undefined, masterUserSecretKmsKeyId: undefined, password: "hunter2hunter2" }),
    "bad-secret-json": (s) => {
      const secret = new SecretsmanagerSecret(s, "conn", { name: "cdn/fixture/connection", kmsKeyId: cmk(s) });
      new SecretsmanagerSecretVersion(s, "conn-v", { secretId: secret.id, secretString: JSON.stringify({ host: "${aws_db_instance.inst.address}", password: "s3cr3t-value" }) });
    },
    "bad-provider-keys": (s) => void new AwsProvider(s, "static", { region: "us-east-1", alias: "static", accessKey: "AKIAABCDEFGHIJKLMNOP", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" }),
    "bad-private-key": (s) =>
      void new Instance(s, "vm", {
        ami: "ami-12345678",
        instanceType: "t3.micro",
        rootBlockDevice: { encrypted: true, kmsKeyId: cmk(s) },
        metadataOptions: { httpTokens: "required" },
        userData: "#!/bin/sh\ncat > /root/key <<EOF\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\nEOF\n",
      }),
    "bad-helm": (s) => {
      new HelmProvider(s, "helm", {});
      new Release(s, "grafana", {
        name: "grafana",
        chart: "grafana",
        setSensitive: [{ name: "adminUser", value: "admin" }],
        values: ["grafana:\n  adminPassword: changeme\n"],
      });
    },
  });
  expectRule(r, "CDN-SEC-001", {
    "bad-password": /password has a literal value/,
    "bad-secret-json": /secret_string \(embedded JSON\)\.password: password has a literal value/,
    "bad-provider-keys": /access_key has a literal value[\s\S]*secret_key has a literal value/,
    "bad-private-key": /user_data: contains a private key/,
    "bad-helm": /adminUser has a literal value[\s\S]*embedded text sets adminPassword to a literal/,
  });
  it("reports provider findings against the stack with the provider address", () => {
    const v = hits(r, "CDN-SEC-001", "bad-provider-keys");
    expect(nonEmpty(v, "provider findings").every((x) => x.path === "bad-provider-keys" && x.address.startsWith("provider.aws["))).toBe(true);
  });
});

describe("CDN-EC2-001 IMDSv2", () => {
  const r = scenario({
    good: (s) => {
      const key = cmk(s);
      goodNodeGroup(s, "ng", goodEksCluster(s, "eks", key), goodLaunchTemplate(s, "lt", key));
    },
    "bad-optional": (s) => void goodLaunchTemplate(s, "lt", cmk(s), { metadataOptions: { httpTokens: "optional" } }),
    "bad-instance": (s) => void new Instance(s, "vm", { ami: "ami-12345678", instanceType: "t3.micro", rootBlockDevice: { encrypted: true, kmsKeyId: cmk(s) } }),
    "bad-node-group": (s) => void goodNodeGroup(s, "ng", goodEksCluster(s, "eks", cmk(s)), undefined),
    "bad-external-template": (s) =>
      void goodNodeGroup(s, "ng", goodEksCluster(s, "eks", cmk(s)), undefined, { launchTemplate: { id: "lt-0123456789abcdef0", version: "1" } }),
  });
  expectRule(r, "CDN-EC2-001", {
    "bad-optional": /http_tokens is "optional"/,
    "bad-instance": /http_tokens is null/,
    "bad-node-group": /no launch_template, so IMDSv2 is not enforced/,
    "bad-external-template": /"lt-0123456789abcdef0" is not a launch template of this stack/,
  });
});

describe("suppressions", () => {
  const REASON = "This fixture bucket receives S3 server access logs, which cannot be delivered to SSE-KMS buckets.";

  it.each([
    ["an unknown rule id", "CDN-NOPE-999", REASON, /unknown rule id "CDN-NOPE-999"; known rule ids: CDN-ENC-001/],
    ["an empty reason", "CDN-ENC-002", "", /the reason is empty/],
    ["a blank reason", "CDN-ENC-002", "   ", /the reason is empty/],
    ["a too-short reason", "CDN-ENC-002", "legacy bucket.", /too short \(2 words/],
    ["a reason that is not a sentence", "CDN-ENC-002", "this bucket is a log target for access logs", /not a full sentence/],
    ["the meta rule", "CDN-POL-001", REASON, /cannot be suppressed/],
  ])("rejects %s", (_label, rule, reason, message) => {
    const stack = fixtureStack(policyApp(), "s");
    expect(() => suppress(stack, rule, reason, ["."])).toThrow(PolicySuppressionError);
    expect(() => suppress(stack, rule, reason, ["."])).toThrow(message);
  });

  it("rejects a suppression on the app and a duplicate on one construct", () => {
    const app = policyApp();
    expect(() => suppress(app, "CDN-ENC-002", REASON, ["."])).toThrow(/not on the app/);
    const stack = fixtureStack(app, "s");
    suppress(stack, "CDN-ENC-002", REASON, ["."]);
    expect(() => suppress(stack, "CDN-ENC-002", REASON, ["logs"])).toThrow(/already suppressed on this construct/);
  });

  it.each([
    ["no finding", []],
    ["an absolute path", ["/s/logs"]],
    ["a parent path", ["../other"]],
    ["an empty segment", ["logs//target"]],
    ["a duplicate", ["logs", "logs"]],
  ])("rejects a suppression naming %s", (_label, findings) => {
    const stack = fixtureStack(policyApp(), "s");
    expect(() => suppress(stack, "CDN-ENC-002", REASON, findings as string[])).toThrow(PolicySuppressionError);
  });

  /** Two unencrypted buckets in one stack: one under a suppressed construct, one beside it. */
  function suppressedApp(): { result: PolicyResult; json: any } {
    const app = policyApp();
    const stack = fixtureStack(app, "s");
    const logs = new Construct(stack, "logs");
    rawBucket(logs, "target", { sse: "aes" });
    // Added later under the same construct: the suppression does not name it, so it is not covered.
    rawBucket(logs, "later", { sse: "aes" });
    rawBucket(stack, "data", { sse: "aes" });
    suppress(logs, "CDN-ENC-002", REASON, ["target"]);
    const result = check(app);
    return { result, json: JSON.parse(readFileSync(join(app.outdir, "stacks", "s", "cdk.tf.json"), "utf8")) };
  }
  const { result, json } = suppressedApp();

  it("covers exactly the named finding: not a sibling, not a later resource under the same construct", () => {
    const enc = hits(result, "CDN-ENC-002", "s");
    expect(enc.map((v) => v.path).sort()).toEqual(["s/data", "s/logs/later"]);
    expect(result.suppressions).toHaveLength(1);
    expect(result.suppressions[0]).toMatchObject({ stack: "s", path: "s/logs", rule: "CDN-ENC-002", reason: REASON });
    expect(result.suppressions[0].covered.map((v) => v.path)).toEqual(["s/logs/target"]);
  });

  it("does not cover other rules on the same construct", () => {
    // The suppressed bucket still answers to every other rule (it is compliant otherwise).
    expect(result.violations.filter((v) => v.path.startsWith("s/logs") && v.rule !== "CDN-ENC-002")).toEqual([]);
  });

  it("writes the suppression and its reason into the synthesized JSON", () => {
    expect(json["//"].cdn_policy.suppressions).toEqual([{ path: "s/logs", rule: "CDN-ENC-002", reason: REASON, findings: ["target"] }]);
    const target = json.resource.aws_s3_bucket[Object.keys(json.resource.aws_s3_bucket).find((k) => k.startsWith("logs_target"))!];
    expect(target["//"].cdn_policy.suppressed).toEqual([{ rule: "CDN-ENC-002", declared_at: "s/logs" }]);
    const data = json.resource.aws_s3_bucket.data;
    expect(data["//"].cdn_policy).toBeUndefined();
    const later = json.resource.aws_s3_bucket[Object.keys(json.resource.aws_s3_bucket).find((k) => k.startsWith("logs_later"))!];
    expect(later["//"].cdn_policy).toBeUndefined();
  });

  it("fails synth with CDN-POL-001 when a suppression covers nothing", () => {
    const app = policyApp();
    const stack = fixtureStack(app, "s");
    rawBucket(stack, "fine");
    suppress(stack, "CDN-ENC-002", REASON, ["fine"]);
    const r = check(app);
    expect(hits(r, "CDN-POL-001", "s")).toEqual([
      expect.objectContaining({ path: "s", address: "suppression", message: "suppresses CDN-ENC-002 for s/fine, which does not trip it" }),
    ]);
  });

  it("fails synth with CDN-POL-001 for a suppression of an unknown rule smuggled into the JSON", () => {
    const app = policyApp();
    const stack = fixtureStack(app, "s");
    stack.addOverride("//.cdn_policy", { suppressions: [{ path: "s", rule: "CDN-XYZ-001", reason: REASON, findings: ["."] }] });
    expect(hits(check(app), "CDN-POL-001", "s")[0].message).toMatch(/"CDN-XYZ-001", which is not a rule that can be suppressed/);
  });

  it("fails synth with CDN-POL-001 for a recorded suppression that names no finding", () => {
    const app = policyApp();
    const stack = fixtureStack(app, "s");
    rawBucket(stack, "data", { sse: "aes" });
    stack.addOverride("//.cdn_policy", { suppressions: [{ path: "s", rule: "CDN-ENC-002", reason: REASON }] });
    const r = check(app);
    expect(hits(r, "CDN-POL-001", "s")[0].message).toMatch(/without naming the finding\(s\) it covers/);
    expect(hits(r, "CDN-ENC-002", "s").map((v) => v.path)).toEqual(["s/data"]);
  });

  it("refuses to synth a stack created after applyPolicies until it is applied again", () => {
    const app = policyApp();
    fixtureStack(app, "early");
    check(app);
    fixtureStack(app, "late");
    expect(() => app.synth()).toThrow(/stack\(s\) late were created after applyPolicies\(app\)/);
    // checkApp re-applies (idempotent) and picks the late stack up.
    expect(check(app).stacks).toEqual(["early", "late"]);
  });

  it("throws one PolicyViolationError listing every violation from app.synth()", () => {
    const app = policyApp();
    rawBucket(fixtureStack(app, "a"), "b", { sse: "aes" });
    rawBucket(fixtureStack(app, "z"), "b", { versioning: "none" });
    check(app); // applies the pack
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyViolationError);
    const text = (error as Error).message;
    expect(text).toMatch(/^Policy check failed: 2 violations in 2 stacks/);
    expect(text).toContain("a:\n  x CDN-ENC-002 [high]");
    expect(text).toContain("z:\n  x CDN-RES-004 [medium]");
    expect(text).toContain("    resource: aws_s3_bucket.b");
    expect(text).toContain("    path:     a/b");
    expect(text).toMatch(/    problem:  .*AES256/);
    expect(text).toMatch(/    fix:      Use constructs\/secure-bucket/);
    expect(app.node.tryFindChild("a")).toBeDefined();
    expect(App.isApp(app)).toBe(true);
  });
});
