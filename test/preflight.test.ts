/**
 * `npm run preflight`: every check against recorded AWS responses (the real SDK clients over a fake
 * HTTP handler, test/helpers/aws-fake.ts), for its pass and each failure mode: missing or wrong
 * offerings, access denied, throttling, timeouts. A call that did not answer is never a pass.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { nonEmpty } from "./helpers/assert";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { loadEnvironments } from "../src/config/environments";
import type { EnvironmentConfig } from "../src/config/schema";
import { chartVersions, CHART_SOURCES } from "../tools/preflight/checks/helm";
import { coversHostname } from "../tools/preflight/checks/certificates";
import { requiredServiceLinkedRoles } from "../tools/preflight/checks/service-linked-roles";
import { exitCode, formatMarkdown, formatTable, runPreflight, type PreflightOutcome } from "../tools/preflight";
import type { CheckResult } from "../tools/preflight/types";
import { fakeClients, fixture, timeoutError, type FakeRequest, type Route, type RouteAnswer } from "./helpers/aws-fake";

const NOW = new Date("2026-12-04T12:00:00Z");
const [DEV] = loadEnvironments(["dev"]);

const SLR_SERVICES: Record<string, string> = Object.fromEntries(requiredServiceLinkedRoles({ env: DEV }).map((r) => [r.name, r.service]));
const HELM_INDEXES: Record<string, string> = {
  [`${CHART_SOURCES.kubePrometheusStack.repository}/index.yaml`]: "helm/prometheus-community.index.yaml",
  [`${CHART_SOURCES.awsLoadBalancerController.repository}/index.yaml`]: "helm/eks-charts.index.yaml",
  [`${CHART_SOURCES.clusterAutoscaler.repository}/index.yaml`]: "helm/autoscaler.index.yaml",
};

/** A fresh account that can take dev: every answer is the good one. */
const GOOD: Record<string, (req: FakeRequest) => RouteAnswer> = {
  "sts:GetCallerIdentity": () => "sts/GetCallerIdentity.dev.xml",
  "iam:GetRole": (r) => (r.params.RoleName === "PlatformAdmin" ? "iam/GetRole.PlatformAdmin.xml" : { fixture: "iam/GetRole.service-linked.xml", vars: { Service: SLR_SERVICES[String(r.params.RoleName)] } }),
  "iam:SimulatePrincipalPolicy": () => "iam/SimulatePrincipalPolicy.allowed.xml",
  "rds:DescribeDBEngineVersions": () => "rds/DescribeDBEngineVersions.available.xml",
  "rds:DescribeOrderableDBInstanceOptions": (r) => (r.params.Marker ? "rds/DescribeOrderableDBInstanceOptions.page2.xml" : "rds/DescribeOrderableDBInstanceOptions.page1.xml"),
  "eks:DescribeClusterVersions": () => "eks/DescribeClusterVersions.1.35.json",
  "eks:DescribeAddonVersions": (r) => `eks/DescribeAddonVersions.${String(r.params.addonName)}.json`,
  "eks:ListClusters": () => "eks/ListClusters.none.json",
  "acm:DescribeCertificate": () => "acm/DescribeCertificate.issued-wildcard.json",
  "s3:HeadBucket": () => "s3/HeadBucket.not-found.http",
  "ec2:DescribeVpcs": () => "ec2/DescribeVpcs.default-only.xml",
  "ec2:DescribeAddresses": () => "ec2/DescribeAddresses.one.xml",
  "ec2:DescribeNatGateways": () => "ec2/DescribeNatGateways.none.xml",
  "ec2:DescribeSubnets": () => "ec2/DescribeSubnets.in-a.xml",
  "servicequotas:GetServiceQuota": (r) => `servicequotas/GetServiceQuota.${String(r.params.QuotaCode)}.json`,
  "ssm:GetParameter": (r) => ({ fixture: "ssm/GetParameter.json", vars: { value: String(r.params.Name).startsWith("/aws/service/eks/") ? "1.35.2-20261120" : "ami-0a1b2c3d4e5f60718" } }),
};

/** The good answers with some replaced. */
function route(overrides: Record<string, (req: FakeRequest) => RouteAnswer | undefined> = {}): Route {
  return (req) => {
    const key = `${req.service}:${req.operation}`;
    return overrides[key]?.(req) ?? GOOD[key]?.(req);
  };
}

interface Run {
  readonly outcome: PreflightOutcome;
  readonly results: CheckResult[];
  readonly log: FakeRequest[];
  readonly urls: string[];
}

async function run(overrides: Parameters<typeof route>[0] = {}, options: { env?: EnvironmentConfig; http?: (url: string) => { status: number; body: string } } = {}): Promise<Run> {
  const log: FakeRequest[] = [];
  const urls: string[] = [];
  const httpGet = async (url: string) => {
    urls.push(url);
    if (options.http) return options.http(url);
    const path = HELM_INDEXES[url];
    if (!path) return { status: 404, body: "" };
    const { status, body } = fixture(path);
    return { status, body };
  };
  const outcome = await runPreflight({ env: options.env ?? DEV, clients: fakeClients(route(overrides), log), httpGet, now: NOW });
  return { outcome, results: outcome.kind === "results" ? outcome.results : [], log, urls };
}

const rowsFor = (results: CheckResult[], pattern: RegExp) => {
  const rows = results.filter((r) => pattern.test(r.check));
  expect(rows.length, `rows matching ${pattern}`).toBeGreaterThan(0);
  return rows;
};

describe("preflight against an account that can take dev", async () => {
  const { results, log, urls } = await run();

  it("passes every check, in both planes' regions, and exits 0", () => {
    expect(results.length).toBeGreaterThan(30);
    expect(results.filter((r) => r.status !== "PASS")).toEqual([]);
    expect(exitCode(results)).toBe(0);
    expect(new Set(results.map((r) => r.region))).toEqual(new Set(["global", "us-east-1", "us-west-2"]));
  });

  it("covers every check the issue lists", () => {
    for (const pattern of [
      /^caller account is dev's 111111111111$/,
      /^service-linked role AWSServiceRoleForAmazonEKS$/,
      /^PostgreSQL 16\.11 offered$/,
      /^db\.m6gd\.large orderable for a Multi-AZ DB cluster \(io1, 100 GiB, 1000 IOPS\)$/,
      /^Kubernetes 1\.35 in EKS standard support$/,
      /^EKS add-on (vpc-cni|coredns|kube-proxy|eks-pod-identity-agent|aws-ebs-csi-driver) /,
      /^Helm chart kube-prometheus-stack 88\.5\.3$/,
      /^Helm chart aws-load-balancer-controller 3\.5\.0$/,
      /^S3 bucket name cdn-tfstate-dev-111111111111$/,
      /^S3 bucket name cdn-config-bundles-dev$/,
      /^ACM certificate for global\.dev\.cdn-control\.example\.com$/,
      /^quota VPCs per Region$/,
      /^quota EC2-VPC Elastic IPs$/,
      /^quota NAT gateways per Availability Zone \(us-east-1a\)$/,
      /^quota EKS clusters$/,
      /^node AMI AL2023_x86_64_STANDARD published for Kubernetes 1\.35$/,
      /^access host AMI \(Amazon Linux 2023\) published$/,
    ]) {
      rowsFor(results, pattern);
    }
    expect(rowsFor(results, /^EKS add-on /)).toHaveLength(10);
  });

  it("asks the right questions", () => {
    const orderable = log.filter((r) => r.operation === "DescribeOrderableDBInstanceOptions");
    // Paginated: two pages per region.
    expect(orderable.map((r) => r.region)).toEqual(["us-east-1", "us-east-1", "us-west-2", "us-west-2"]);
    expect(orderable[0].params).toMatchObject({ Engine: "postgres", EngineVersion: "16.11", DBInstanceClass: "db.m6gd.large", Vpc: "true" });
    expect(orderable[1].params.Marker).toBeTruthy();
    const addons = log.filter((r) => r.operation === "DescribeAddonVersions");
    expect(addons.map((r) => r.params.addonName)).toContain("eks-pod-identity-agent");
    expect(nonEmpty(addons, "add-on requests").every((r) => r.params.kubernetesVersion === "1.35")).toBe(true);
    const heads = log.filter((r) => r.operation === "HeadBucket");
    expect(heads.map((r) => r.host).sort()).toEqual(["cdn-config-bundles-dev.s3.us-east-1.amazonaws.com", "cdn-tfstate-dev-111111111111.s3.us-east-1.amazonaws.com"]);
    expect(nonEmpty(heads, "HeadBucket requests").every((r) => r.headers["x-amz-expected-bucket-owner"] === "111111111111")).toBe(true);
    expect(log.find((r) => r.operation === "DescribeCertificate")?.params.CertificateArn).toBe(DEV.global.ingress.certificateArn);
    expect(urls.sort()).toEqual(Object.keys(HELM_INDEXES).sort());
    // Read-only: nothing but Describe/Get/List/Head/Simulate calls.
    expect(log.filter((r) => !/^(Describe|Get|List|Head|Simulate)/.test(r.operation))).toEqual([]);
  });

  it("prints one table (check, region, result, what to do) and a Markdown version", () => {
    const table = formatTable(results);
    expect(table.split("\n")[0]).toMatch(/^check\s+region\s+result\s+what to do$/);
    expect(table).toContain(`${results.length} checks: ${results.length} passed or warned, 0 failed`);
    const markdown = formatMarkdown("dev", [...results.slice(0, 1), { check: "a | b", region: "global", status: "FAIL", detail: "x", action: "y" }]);
    expect(markdown.split("\n")[0]).toBe("| check (dev) | region | result | what to do |");
    expect(markdown).toContain("| a \\| b | global | **FAIL**: x | y |");
  });
});

describe("identity", () => {
  it("stops in the wrong account: one FAIL, nothing else asked", async () => {
    const { results, log } = await run({ "sts:GetCallerIdentity": () => "sts/GetCallerIdentity.other-account.xml" });
    expect(results.map((r) => r.status)).toEqual(["FAIL", "FAIL"]);
    expect(results[0].detail).toContain("signed in to 999999999999");
    expect(results[0].action).toContain("aws sso login --profile dev");
    expect(log.map((r) => r.operation)).toEqual(["GetCallerIdentity"]);
    expect(exitCode(results)).toBe(1);
  });

  it("treats expired credentials as no credentials (exit 2 path)", async () => {
    const { outcome } = await run({ "sts:GetCallerIdentity": () => "sts/ExpiredToken.xml" });
    expect(outcome).toEqual({ kind: "no-credentials", message: expect.stringMatching(/^preflight: no usable AWS credentials \(ExpiredToken\): sign in first/) });
  });
});

describe("service-linked roles", () => {
  const missing = (role: string) => (r: FakeRequest) => (r.params.RoleName === role ? { fixture: "iam/NoSuchEntity.xml", vars: {} } : undefined);

  it("missing but creatable by the caller: PASS, after simulating the caller's role", async () => {
    const { results, log } = await run({ "iam:GetRole": missing("AWSServiceRoleForRDS") });
    const [row] = rowsFor(results, /AWSServiceRoleForRDS/);
    expect(row.status).toBe("PASS");
    expect(row.detail).toContain("rds.amazonaws.com creates it on first use (arn:aws:iam::111111111111:role/PlatformAdmin may iam:CreateServiceLinkedRole)");
    const simulation = log.find((r) => r.operation === "SimulatePrincipalPolicy")!;
    expect(simulation.params).toMatchObject({
      PolicySourceArn: "arn:aws:iam::111111111111:role/PlatformAdmin",
      "ActionNames.member.1": "iam:CreateServiceLinkedRole",
      "ResourceArns.member.1": "arn:aws:iam::111111111111:role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS",
      "ContextEntries.member.1.ContextKeyValues.member.1": "rds.amazonaws.com",
    });
  });

  it("missing and not creatable: FAIL with the command to create it", async () => {
    const { results } = await run({ "iam:GetRole": missing("AWSServiceRoleForAmazonEKSNodegroup"), "iam:SimulatePrincipalPolicy": () => "iam/SimulatePrincipalPolicy.implicitDeny.xml" });
    const [row] = rowsFor(results, /AWSServiceRoleForAmazonEKSNodegroup/);
    expect(row).toMatchObject({ status: "FAIL", action: "an administrator runs: aws iam create-service-linked-role --aws-service-name eks-nodegroup.amazonaws.com" });
    expect(exitCode(results)).toBe(1);
  });

  it("GetRole denied: DENIED, never a pass", async () => {
    const { results } = await run({ "iam:GetRole": (r) => (r.params.RoleName === "AWSServiceRoleForAutoScaling" ? "iam/AccessDenied.xml" : undefined) });
    const [row] = rowsFor(results, /AWSServiceRoleForAutoScaling/);
    expect(row.status).toBe("DENIED");
    expect(row.detail).toContain("iam:GetRole was denied (AccessDenied)");
    expect(exitCode(results)).toBe(1);
  });
});

describe("database offerings", () => {
  it("a deprecated engine version fails and names the minor upgrade targets", async () => {
    const { results } = await run({ "rds:DescribeDBEngineVersions": () => "rds/DescribeDBEngineVersions.deprecated.xml" });
    const rows = rowsFor(results, /^PostgreSQL 16\.11 offered$/);
    expect(rows.map((r) => r.status)).toEqual(["FAIL", "FAIL"]);
    expect(rows[0].detail).toBe("status deprecated: new clusters cannot use it");
    expect(rows[0].action).toContain("16.13, 16.14");
    expect(rows[0].action).not.toContain("17.9");
  });

  it("a version the region does not offer fails", async () => {
    const { results } = await run({ "rds:DescribeDBEngineVersions": (r) => (r.region === "us-west-2" ? "rds/DescribeDBEngineVersions.none.xml" : undefined) });
    const rows = rowsFor(results, /^PostgreSQL 16\.11 offered$/);
    expect(rows.map((r) => [r.region, r.status])).toEqual([
      ["us-east-1", "PASS"],
      ["us-west-2", "FAIL"],
    ]);
  });

  it("a class orderable only for DB instances (not SupportsClusters) fails", async () => {
    const { results } = await run({ "rds:DescribeOrderableDBInstanceOptions": () => "rds/DescribeOrderableDBInstanceOptions.instances-only.xml" });
    const [row] = rowsFor(results, /orderable for a Multi-AZ DB cluster/);
    expect(row.status).toBe("FAIL");
    expect(row.detail).toBe("db.m6gd.large is not orderable for Multi-AZ DB clusters with PostgreSQL 16.11 here");
  });

  it("an AZ the class is not offered in fails, naming it", async () => {
    const { results } = await run({ "rds:DescribeOrderableDBInstanceOptions": () => "rds/DescribeOrderableDBInstanceOptions.two-azs.xml" });
    const rows = rowsFor(results, /orderable for a Multi-AZ DB cluster/);
    expect(rows.map((r) => r.detail)).toEqual(["not offered in us-east-1c", "not offered in us-west-2c"]);
  });

  it("IOPS outside the offered range fail", async () => {
    const env = structuredClone(DEV);
    env.global.database.iops = 6000; // 60 IOPS per GiB of 100 GiB
    const { results } = await run({}, { env });
    const [row] = rowsFor(results, /orderable for a Multi-AZ DB cluster \(io1, 100 GiB, 6000 IOPS\)/);
    expect(row).toMatchObject({ status: "FAIL", detail: "60 IOPS per GiB outside 0.5-50" });
  });

  it("throttled: ERROR, denied: DENIED", async () => {
    const { results } = await run({
      "rds:DescribeDBEngineVersions": () => "rds/Throttling.xml",
      "rds:DescribeOrderableDBInstanceOptions": () => "rds/AccessDenied.xml",
    });
    expect(rowsFor(results, /^PostgreSQL/).map((r) => [r.status, r.detail])).toEqual([
      ["ERROR", "rds:DescribeDBEngineVersions was throttled (Throttling) after the SDK's retries"],
      ["ERROR", "rds:DescribeDBEngineVersions was throttled (Throttling) after the SDK's retries"],
    ]);
    expect(rowsFor(results, /orderable/).map((r) => r.status)).toEqual(["DENIED", "DENIED"]);
  });
});

describe("EKS", () => {
  it("a Kubernetes version in extended support fails; one leaving standard support within 60 days warns", async () => {
    const extended = await run({ "eks:DescribeClusterVersions": () => "eks/DescribeClusterVersions.1.35-extended.json" });
    expect(rowsFor(extended.results, /^Kubernetes 1\.35/).map((r) => [r.status, r.detail])).toEqual([
      ["FAIL", "EXTENDED_SUPPORT (standard support ended 2026-04-10)"],
      ["FAIL", "EXTENDED_SUPPORT (standard support ended 2026-04-10)"],
    ]);
    const ending = await run({ "eks:DescribeClusterVersions": () => "eks/DescribeClusterVersions.1.35-ending.json" });
    expect(rowsFor(ending.results, /^Kubernetes 1\.35/).map((r) => r.status)).toEqual(["WARN", "WARN"]);
    expect(exitCode(ending.results)).toBe(0);
    const standard = await run();
    expect(rowsFor(standard.results, /^Kubernetes 1\.35/)[0].detail).toBe("standard support until 2027-03-28");
  });

  it("an add-on version no longer offered fails and names the default", async () => {
    const { results } = await run({ "eks:DescribeAddonVersions": (r) => (r.params.addonName === "vpc-cni" ? "eks/DescribeAddonVersions.vpc-cni-newer-only.json" : undefined) });
    const rows = rowsFor(results, /^EKS add-on vpc-cni/);
    expect(rows.map((r) => r.status)).toEqual(["FAIL", "FAIL"]);
    expect(rows[0].detail).toBe("not offered for Kubernetes 1.35");
    expect(rows[0].action).toContain("default: v1.23.1-eksbuild.1");
  });

  it("denied, throttled and timed-out calls are not passes", async () => {
    const { results } = await run({
      "eks:DescribeAddonVersions": (r) => (r.params.addonName === "coredns" ? "eks/AccessDeniedException.json" : r.params.addonName === "kube-proxy" ? "eks/ThrottlingException.json" : undefined),
      "eks:DescribeClusterVersions": () => timeoutError(),
    });
    expect(rowsFor(results, /^EKS add-on coredns/).map((r) => r.status)).toEqual(["DENIED", "DENIED"]);
    expect(rowsFor(results, /^EKS add-on kube-proxy/).map((r) => r.detail)).toEqual([
      "eks:DescribeAddonVersions was throttled (ThrottlingException) after the SDK's retries",
      "eks:DescribeAddonVersions was throttled (ThrottlingException) after the SDK's retries",
    ]);
    expect(rowsFor(results, /^Kubernetes/).map((r) => [r.status, r.detail])).toEqual([
      ["ERROR", "eks:DescribeClusterVersions timed out (TimeoutError)"],
      ["ERROR", "eks:DescribeClusterVersions timed out (TimeoutError)"],
    ]);
  });
});

describe("AMIs", () => {
  it("asks for the public parameters of the node AMI type and the access host image", async () => {
    const { log } = await run();
    expect(log.filter((r) => r.operation === "GetParameter").map((r) => [r.region, r.params.Name])).toEqual([
      ["us-east-1", "/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/release_version"],
      ["us-east-1", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"],
      ["us-west-2", "/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/release_version"],
      ["us-west-2", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"],
    ]);
  });

  it("an AMI no longer published fails; a denied lookup is DENIED", async () => {
    const gone = await run({ "ssm:GetParameter": (r) => (String(r.params.Name).startsWith("/aws/service/eks/") ? "ssm/ParameterNotFound.json" : undefined) });
    expect(rowsFor(gone.results, /^node AMI/).map((r) => r.status)).toEqual(["FAIL", "FAIL"]);
    expect(rowsFor(gone.results, /^node AMI/)[0].action).toContain("NODE_AMI_TYPE");
    const denied = await run({ "ssm:GetParameter": () => "ssm/AccessDeniedException.json" });
    expect(nonEmpty(rowsFor(denied.results, /AMI/), "AMI rows").every((r) => r.status === "DENIED")).toBe(true);
  });
});

describe("Helm charts", () => {
  it("reads a chart's versions from its part of the index, as a full parse would", () => {
    const { body } = fixture("helm/prometheus-community.index.yaml");
    expect(chartVersions(body, "kube-prometheus-stack")).toEqual(["88.6.0", "88.5.3"]);
    expect(chartVersions(body, "alertmanager")).toEqual(["1.30.0"]);
    expect(chartVersions(body, "nope")).toEqual([]);
  });

  it("a version missing from the index fails and shows the newest", async () => {
    const env = structuredClone(DEV);
    (env.kubernetes.charts as Record<string, string>).kubePrometheusStack = "99.0.0";
    const { results } = await run({}, { env });
    const [row] = rowsFor(results, /^Helm chart kube-prometheus-stack 99\.0\.0$/);
    expect(row).toMatchObject({ status: "FAIL", detail: `not in ${CHART_SOURCES.kubePrometheusStack.repository}/index.yaml (newest: 88.6.0, 88.5.3)` });
  });

  it("an unreachable index is an ERROR, and a chart key without a known repository a FAIL", async () => {
    const env = structuredClone(DEV);
    (env.kubernetes.charts as Record<string, string>).someNewChart = "1.0.0";
    const { results } = await run({}, { env, http: () => ({ status: 503, body: "" }) });
    expect(rowsFor(results, /^Helm chart kube-prometheus-stack/)[0]).toMatchObject({ status: "ERROR", detail: expect.stringContaining("answered HTTP 503") });
    expect(rowsFor(results, /^Helm chart someNewChart/)[0]).toMatchObject({ status: "FAIL", detail: "no repository is known for kubernetes.charts.someNewChart" });
  });
});

describe("bucket names", () => {
  it("owned by this account in the right region passes; taken (403) or elsewhere fails", async () => {
    const owned = await run({ "s3:HeadBucket": () => "s3/HeadBucket.owned.http" });
    expect(rowsFor(owned.results, /^S3 bucket name/).map((r) => r.status)).toEqual(["PASS", "PASS"]);
    const taken = await run({ "s3:HeadBucket": (r) => (r.host.startsWith("cdn-config-bundles-dev.") ? "s3/HeadBucket.forbidden.http" : undefined) });
    const [bundle] = rowsFor(taken.results, /^S3 bucket name cdn-config-bundles-dev$/);
    expect(bundle).toMatchObject({ status: "FAIL", detail: "HTTP 403: another account owns this name, or you may not s3:ListBucket it" });
    const elsewhere = await run({ "s3:HeadBucket": () => "s3/HeadBucket.other-region.http" });
    expect(rowsFor(elsewhere.results, /^S3 bucket name/)[0]).toMatchObject({ status: "FAIL", detail: "exists in this account but in eu-west-1" });
  });
});

describe("certificates", () => {
  it("matches wildcards to exactly one label", () => {
    expect(coversHostname("*.dev.cdn-control.example.com", "global.dev.cdn-control.example.com")).toBe(true);
    expect(coversHostname("*.dev.cdn-control.example.com", "a.global.dev.cdn-control.example.com")).toBe(false);
    expect(coversHostname("*.dev.cdn-control.example.com", "dev.cdn-control.example.com")).toBe(false);
    expect(coversHostname("Global.dev.cdn-control.example.com.", "global.dev.cdn-control.example.com")).toBe(true);
  });

  it("pending, not covering the hostname, or about to expire: FAIL, FAIL, WARN", async () => {
    const pending = await run({ "acm:DescribeCertificate": () => "acm/DescribeCertificate.pending.json" });
    expect(rowsFor(pending.results, /^ACM/)[0]).toMatchObject({ status: "FAIL", detail: "status PENDING_VALIDATION" });
    const other = await run({ "acm:DescribeCertificate": () => "acm/DescribeCertificate.other-name.json" });
    expect(rowsFor(other.results, /^ACM/)[0].detail).toBe("does not cover global.dev.cdn-control.example.com (names: cdn-control.example.com, www.cdn-control.example.com)");
    const expiring = await run({ "acm:DescribeCertificate": () => "acm/DescribeCertificate.expiring.json" });
    expect(rowsFor(expiring.results, /^ACM/).map((r) => r.status)).toEqual(["WARN", "WARN"]);
    const throttled = await run({ "acm:DescribeCertificate": () => "acm/ThrottlingException.json" });
    expect(rowsFor(throttled.results, /^ACM/).map((r) => r.status)).toEqual(["ERROR", "ERROR"]);
  });
});

describe("quotas", () => {
  it("a full quota fails with the increase request; a deployed plane needs nothing", async () => {
    const full = await run({ "ec2:DescribeVpcs": () => "ec2/DescribeVpcs.full.xml" });
    const rows = rowsFor(full.results, /^quota VPCs per Region$/);
    expect(rows.map((r) => [r.region, r.status, r.detail])).toEqual([
      ["us-east-1", "FAIL", "5 used of 5, this environment needs 1 more"],
      ["us-west-2", "FAIL", "5 used of 5, this environment needs 1 more"],
    ]);
    expect(rows[0].action).toBe("request an increase: aws service-quotas request-service-quota-increase --service-code vpc --quota-code L-F678F1CE --desired-value 6 --region us-east-1");
    const deployed = await run({
      "ec2:DescribeVpcs": (r) => ({ fixture: "ec2/DescribeVpcs.deployed.xml", vars: { cidr: "10.10.0.0/16", vpcName: r.region === "us-east-1" ? "cdn-dev-global-vpc" : "cdn-dev-regional-uswest-vpc" } }),
      "eks:ListClusters": (r) => ({ fixture: "eks/ListClusters.deployed.json", vars: { cluster: r.region === "us-east-1" ? "cdn-global-control" : "cdn-regional-uswest" } }),
    });
    expect(rowsFor(deployed.results, /^quota VPCs/).map((r) => r.detail)).toEqual(["2 used of 5, this environment needs 0 more", "2 used of 5, this environment needs 0 more"]);
    expect(rowsFor(deployed.results, /^quota EKS clusters/).map((r) => r.detail)).toEqual(["1 used of 100, this environment needs 0 more", "1 used of 100, this environment needs 0 more"]);
  });

  it("NAT gateways are counted per AZ (through their subnets)", async () => {
    const { results, log } = await run({ "ec2:DescribeNatGateways": () => "ec2/DescribeNatGateways.five-in-a.xml" });
    expect(rowsFor(results, /^quota NAT gateways per Availability Zone \(us-east-1a\)$/)[0]).toMatchObject({ status: "FAIL", detail: "5 used of 5, this environment needs 1 more" });
    expect(log.find((r) => r.operation === "DescribeSubnets")?.params["SubnetId.1"]).toBe("subnet-0a1b2c3d4e5f6071a");
  });

  it("falls back to the AWS default when the account never changed a quota", async () => {
    const { results, log } = await run({
      "servicequotas:GetServiceQuota": (r) => (r.params.QuotaCode === "L-0263D0A3" ? "servicequotas/NoSuchResourceException.json" : undefined),
      "servicequotas:GetAWSDefaultServiceQuota": () => "servicequotas/GetAWSDefaultServiceQuota.L-0263D0A3.json",
    });
    expect(rowsFor(results, /^quota EC2-VPC Elastic IPs$/).map((r) => [r.status, r.detail])).toEqual([
      ["PASS", "1 used of 5, this environment needs 1 more"],
      ["PASS", "1 used of 5, this environment needs 1 more"],
    ]);
    expect(log.filter((r) => r.operation === "GetAWSDefaultServiceQuota")).toHaveLength(2);
  });

  it("denied, throttled: DENIED, ERROR", async () => {
    const { results } = await run({
      "ec2:DescribeAddresses": () => "ec2/UnauthorizedOperation.xml",
      "ec2:DescribeNatGateways": () => "ec2/RequestLimitExceeded.xml",
      "servicequotas:GetServiceQuota": (r) => (r.params.QuotaCode === "L-1194D53C" ? "servicequotas/TooManyRequestsException.json" : undefined),
    });
    expect(rowsFor(results, /^quota EC2-VPC Elastic IPs$/)[0]).toMatchObject({ status: "DENIED", detail: "ec2:DescribeAddresses was denied (UnauthorizedOperation); the answer is unknown" });
    expect(rowsFor(results, /^quota NAT gateways/)[0]).toMatchObject({ status: "ERROR", detail: "ec2:DescribeNatGateways was throttled (RequestLimitExceeded) after the SDK's retries" });
    expect(rowsFor(results, /^quota EKS clusters$/)[0]).toMatchObject({ status: "ERROR", detail: "servicequotas:GetServiceQuota was throttled (TooManyRequestsException) after the SDK's retries" });
    expect(exitCode(results)).toBe(1);
  });
});

describe("fixtures", () => {
  it("are HTTP responses: a status line, headers, a blank line, the body", () => {
    const text = readFileSync(join(__dirname, "fixtures", "aws", "eks", "AccessDeniedException.json"), "utf8");
    expect(text.split("\n")[0]).toBe("HTTP/1.1 403 Forbidden");
    expect(fixture("eks/AccessDeniedException.json").headers["x-amzn-errortype"]).toMatch(/^AccessDeniedException:/);
  });

  it("are asked for the same way on every machine: AWS_* settings of the developer's shell change nothing", async () => {
    const machine = { AWS_ENDPOINT_URL: "http://localhost:4566", AWS_USE_FIPS_ENDPOINT: "true", AWS_USE_DUALSTACK_ENDPOINT: "true", AWS_SDK_UA_APP_ID: "laptop" };
    for (const [name, value] of Object.entries(machine)) vi.stubEnv(name, value);
    onTestFinished(() => {
      vi.unstubAllEnvs();
    });
    const { log } = await run();
    // Public, IPv4-only, non-FIPS endpoints (FIPS: ec2-fips.<region>.amazonaws.com; dual-stack: <region>.api.aws).
    const hosts = nonEmpty(log, "requests").map((r) => r.host);
    expect(hosts.filter((host) => !/^[a-z0-9.-]+\.amazonaws\.com$/.test(host) || host.includes("-fips."))).toEqual([]);
    expect(hosts).toContain("sts.us-east-1.amazonaws.com");
    expect(log.map((r) => `${r.headers["user-agent"] ?? ""} ${r.headers["x-amz-user-agent"] ?? ""}`).filter((ua) => ua.includes("app/laptop"))).toEqual([]);
  });
});
