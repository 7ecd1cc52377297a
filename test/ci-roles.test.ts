/**
 * The GitHub Actions roles: their documents parse, docs/ci.md shows them exactly, and they grant what
 * the workflows' commands call (found in the workflow files, not listed by hand) and nothing of what
 * item 7 forbids. Evaluated by tools/iam-eval.ts; no AWS.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEPLOY_SESSION_SECONDS, PLAN_SESSION_SECONDS, REFRESH_READS, deployPolicyStatements, deployTrustStatements, planPolicyStatements, planTrustStatements, serviceOfType } from "../constructs/ci-roles/policies";
import { policyDocument } from "../src/lib/iam";
import { DOCUMENTED_PARAMS, documentedPolicies, policyBlocks } from "../tools/ci-role-docs";
import { evaluate, wildcardMatch, type IamRequest } from "../tools/iam-eval";
import { synthesizeAll } from "./helpers/synth";

const ROOT = join(__dirname, "..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const P = DOCUMENTED_PARAMS;
const PLAN = policyDocument(planPolicyStatements(P));
const DEPLOY = policyDocument(deployPolicyStatements(P));
const STATE = `arn:aws:s3:::${P.stateBucket}/${P.stateKeyPrefix}/prod-global.tfstate`;
const OTHER_STATE = `arn:aws:s3:::${P.stateBucket}/${P.stateKeyPrefix}/prod-regional-uswest.tfstate`;
const BUCKET = `arn:aws:s3:::${P.stateBucket}`;
const KEY = P.stateKeyArn;
const req = (action: string, resource: string, context?: Record<string, string>): IamRequest => ({ action, resource, context });

/** What Terraform's S3 backend and the AWS CLI calls of the workflows need, by command. */
const COMMAND_NEEDS: Record<string, IamRequest[]> = {
  "aws s3api list-objects-v2": [req("s3:ListBucket", BUCKET)],
  "aws s3 cp": [req("s3:GetObject", STATE), req("kms:Decrypt", KEY)],
  "terraform init": [req("s3:ListBucket", BUCKET), req("s3:GetObject", STATE), req("kms:Decrypt", KEY)],
  // Refresh reads come on top (below); a plan also reads the upstream stacks' state (terraform_remote_state).
  "terraform plan": [req("s3:GetObject", STATE), req("s3:GetObject", OTHER_STATE), req("kms:Decrypt", KEY)],
  "terraform apply": [
    req("s3:GetObject", STATE),
    req("s3:PutObject", STATE),
    req("s3:PutObject", `${STATE}.tflock`),
    req("s3:DeleteObject", `${STATE}.tflock`),
    req("kms:Decrypt", KEY),
    req("kms:Encrypt", KEY),
    req("kms:GenerateDataKey", KEY),
  ],
  "terraform show": [],
};

/** One call per service that a refresh of its resources makes (the S3 list is the one observed from provider 5.100.0). */
const REFRESH_CALLS: Record<string, IamRequest[]> = {
  ec2: ["DescribeVpcs", "DescribeSubnets", "DescribeRouteTables", "DescribeSecurityGroupRules", "DescribeLaunchTemplateVersions", "DescribeVpcPeeringConnections", "DescribeFlowLogs", "DescribeNatGateways", "DescribeAddresses", "DescribeVpcEndpoints"].map((a) => req(`ec2:${a}`, "*")),
  eks: ["DescribeCluster", "DescribeNodegroup", "DescribeAddon", "DescribeAccessEntry", "ListAssociatedAccessPolicies", "DescribePodIdentityAssociation"].map((a) => req(`eks:${a}`, "*")),
  iam: ["GetRole", "GetRolePolicy", "ListAttachedRolePolicies", "ListRolePolicies", "GetOpenIDConnectProvider"].map((a) => req(`iam:${a}`, "*")),
  kms: ["DescribeKey", "GetKeyPolicy", "GetKeyRotationStatus", "ListResourceTags", "ListAliases"].map((a) => req(`kms:${a}`, "*")),
  logs: ["DescribeLogGroups", "ListTagsForResource"].map((a) => req(`logs:${a}`, "*")),
  rds: ["DescribeDBClusters", "DescribeDBClusterParameters", "DescribeDBClusterParameterGroups", "DescribeDBSubnetGroups", "ListTagsForResource"].map((a) => req(`rds:${a}`, "*")),
  route53: ["GetHostedZone", "ListResourceRecordSets", "ListTagsForResource", "GetChange"].map((a) => req(`route53:${a}`, "*")),
  s3: [
    "ListBucket", "GetBucketPolicy", "GetBucketAcl", "GetBucketCORS", "GetBucketWebsite", "GetBucketVersioning", "GetAccelerateConfiguration", "GetBucketRequestPayment",
    "GetBucketLogging", "GetLifecycleConfiguration", "GetReplicationConfiguration", "GetEncryptionConfiguration", "GetBucketObjectLockConfiguration", "GetBucketTagging",
    "GetBucketPublicAccessBlock", "GetBucketOwnershipControls",
  ].map((a) => req(`s3:${a}`, "arn:aws:s3:::cdn-config-bundles")),
  secretsmanager: [
    req("secretsmanager:DescribeSecret", "*"),
    req("secretsmanager:GetResourcePolicy", "*"),
    // The connection document's secret version is in state: refresh reads its value.
    req("secretsmanager:GetSecretValue", `arn:aws:secretsmanager:us-east-1:${P.accountId}:secret:cdn-prod-global/postgres/connection-AbCdEf`),
    req("kms:Decrypt", `arn:aws:kms:us-east-1:${P.accountId}:key/0e1f2a3b-4c5d-4e5f-8a9b-0c1d2e3f4a5b`, { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" }),
  ],
  autoscaling: ["DescribeAutoScalingGroups", "DescribeScalingActivities"].map((a) => req(`autoscaling:${a}`, "*")),
  codebuild: ["BatchGetProjects"].map((a) => req(`codebuild:${a}`, "*")),
  codeconnections: ["GetConnection", "ListTagsForResource"].map((a) => req(`codeconnections:${a}`, "*")),
  ssm: ["DescribeDocument", "DescribeDocumentPermission", "GetDocument", "ListTagsForResource"].map((a) => req(`ssm:${a}`, "*")),
  sns: ["GetTopicAttributes", "GetSubscriptionAttributes", "ListTagsForResource"].map((a) => req(`sns:${a}`, "*")),
  cloudwatch: ["DescribeAlarms", "ListTagsForResource"].map((a) => req(`cloudwatch:${a}`, "*")),
  events: ["DescribeRule", "ListTargetsByRule", "ListTagsForResource"].map((a) => req(`events:${a}`, "*")),
  backup: ["DescribeBackupVault", "GetBackupPlan", "GetBackupSelection", "ListTags"].map((a) => req(`backup:${a}`, "*")),
  budgets: ["ViewBudget", "ListTagsForResource"].map((a) => req(`budgets:${a}`, "*")),
  ce: ["GetAnomalyMonitors", "GetAnomalySubscriptions", "ListCostAllocationTags", "ListTagsForResource"].map((a) => req(`ce:${a}`, "*")),
};

/** The first action of each service a deploy of its resources calls. */
const MANAGE_CALLS = ["ec2:CreateVpc", "eks:CreateCluster", "iam:CreateRole", "iam:PassRole", "kms:CreateKey", "logs:CreateLogGroup", "rds:CreateDBCluster", "route53:CreateHostedZone", "s3:CreateBucket", "secretsmanager:CreateSecret"].map((a) =>
  req(a, a.startsWith("iam") ? `arn:aws:iam::${P.accountId}:role/cdn-prod-global-workload` : "*"),
);

/** Per job of each workflow: which role it assumes and the AWS-touching commands its steps (and scripts) run. */
function workflowJobs(): { file: string; job: string; role: "plan" | "deploy" | "none"; commands: string[] }[] {
  const jobs: { file: string; job: string; role: "plan" | "deploy" | "none"; commands: string[] }[] = [];
  for (const file of ["plan.yml", "deploy-environment.yml", "deploy.yml"]) {
    const text = read(`.github/workflows/${file}`);
    const body = text.slice(text.indexOf("\njobs:\n"));
    const parts = body.split(/\n(?= {2}[a-z][a-z0-9-]*:\n)/).slice(1);
    for (const part of parts) {
      const job = /^ {2}([a-z][a-z0-9-]*):/.exec(part)![1];
      const scripts = [...part.matchAll(/\.github\/scripts\/[a-z-]+\.sh/g)].map((m) => read(m[0])).join("\n");
      const all = `${part}\n${scripts}`.split("\n").filter((l) => !/^\s*#/.test(l) && !/^\s*(-\s+)?(name|description):/.test(l));
      const commands = new Set<string>();
      for (const line of all) {
        for (const m of line.matchAll(/\baws (s3api [a-z0-9-]+|s3 [a-z]+|[a-z0-9-]+ [a-z0-9-]+)/g)) commands.add(`aws ${m[1]}`);
        for (const m of line.matchAll(/\bterraform (?:-chdir=\S+ )?([a-z]+)(.*)/g)) commands.add(m[2].includes("-backend=false") ? `terraform ${m[1]} -backend=false` : `terraform ${m[1]}`);
      }
      const role = /role-to-assume: \$\{\{ inputs\.role-to-assume \}\}/.test(part) ? "deploy" : /role-to-assume: \$\{\{ (vars\[matrix\.roleVariable\]|steps\.role\.outputs\.role) \}\}/.test(part) ? "plan" : "none";
      jobs.push({ file, job, role, commands: [...commands].sort() });
    }
  }
  return jobs;
}

describe("the CI roles' documents", () => {
  it("docs/ci.md shows every document exactly as the code renders it", () => {
    const documented = policyBlocks(read("docs/ci.md"));
    expect(Object.keys(documented).sort()).toEqual(["deploy-permissions", "deploy-trust", "plan-permissions", "plan-trust"]);
    for (const [name, json] of Object.entries(documentedPolicies())) expect(documented[name], name).toBe(json);
    for (const json of Object.values(documented)) expect(JSON.parse(json).Version).toBe("2012-10-17");
  });

  it("the bootstrap stacks create them with those statements and sessions sized to the jobs", () => {
    const synth = synthesizeAll();
    const boot = [...synth.stacks.entries()].filter(([name]) => name.endsWith("-bootstrap"));
    expect(boot.length).toBeGreaterThan(0);
    for (const [name, tf] of boot) {
      const env = name.replace(/-bootstrap$/, "");
      // The CI roles (the state replica's S3 replication role lives here too).
      const roles = (Object.values(tf.resource!.aws_iam_role) as { name: string; max_session_duration: number; assume_role_policy: string }[]).filter((r) => /-terraform-(plan|deploy)$/.test(r.name));
      expect(roles.map((r) => [r.name, r.max_session_duration]).sort()).toEqual([
        [`cdn-${env}-terraform-deploy`, DEPLOY_SESSION_SECONDS],
        [`cdn-${env}-terraform-plan`, PLAN_SESSION_SECONDS],
      ]);
      const ciRoleIds = new Set(Object.entries(tf.resource!.aws_iam_role).filter(([, r]: [string, any]) => /-terraform-(plan|deploy)$/.test(r.name)).map(([id]) => id));
      const policies = (Object.values(tf.resource!.aws_iam_role_policy) as { policy: string; role: string }[]).filter((p) => ciRoleIds.has(p.role.split(".")[1]));
      const sids = policies.flatMap((p) => JSON.parse(p.policy).Statement.map((s: { Sid: string }) => s.Sid)).sort();
      expect(sids).toEqual([...planPolicyStatements(P), ...deployPolicyStatements(P)].map((s) => s.sid).sort());
      expect(Object.keys(tf.resource!.aws_iam_openid_connect_provider)).toHaveLength(1);
    }
    const apply = read(".github/workflows/deploy-environment.yml");
    expect(apply).toContain("    timeout-minutes: 180\n");
    expect(180 * 60).toBe(DEPLOY_SESSION_SECONDS);
    expect(apply).toContain(`role-duration-seconds: ${DEPLOY_SESSION_SECONDS}`);
  });
});

describe("what the workflows call is granted", () => {
  const jobs = workflowJobs();

  it("finds the credentialed jobs and their commands", () => {
    const credentialed = jobs.filter((j) => j.role !== "none");
    expect(credentialed.map((j) => `${j.file}:${j.job}:${j.role}`)).toEqual([
      "plan.yml:state:plan",
      "plan.yml:plan:plan",
      "deploy-environment.yml:prepare:plan",
      "deploy-environment.yml:plan:plan",
      "deploy-environment.yml:apply:deploy",
    ]);
    for (const j of credentialed) expect(j.commands.length, `${j.file}:${j.job}`).toBeGreaterThan(0);
  });

  it("every command of a credentialed job is known, and its role grants what it needs", () => {
    for (const j of jobs.filter((x) => x.role !== "none")) {
      const policy = j.role === "plan" ? PLAN : DEPLOY;
      for (const command of j.commands) {
        if (command.endsWith("-backend=false") || command === "terraform providers") continue; // no AWS
        expect(Object.keys(COMMAND_NEEDS), `${j.file}:${j.job} runs "${command}"; add it to COMMAND_NEEDS`).toContain(command);
        const needs = [...COMMAND_NEEDS[command]];
        if (command === "terraform plan") needs.push(...Object.values(REFRESH_CALLS).flat());
        if (command === "terraform apply") needs.push(...MANAGE_CALLS);
        for (const r of needs) expect(evaluate(policy, r), `${j.file}:${j.job} ${command} -> ${r.action} on ${r.resource}`).toBe("allowed");
      }
    }
  });

  it("jobs without a role run no AWS command", () => {
    for (const j of jobs.filter((x) => x.role === "none")) {
      expect(j.commands.filter((c) => c.startsWith("aws ") || (!c.endsWith("-backend=false") && c !== "terraform providers")), `${j.file}:${j.job}`).toEqual([]);
    }
  });

  it("covers every AWS type the stacks use with a service whose refresh reads are granted", () => {
    const synth = synthesizeAll();
    const types = new Set<string>();
    for (const tf of synth.stacks.values()) for (const block of [tf.resource ?? {}, tf.data ?? {}]) for (const t of Object.keys(block)) if (t.startsWith("aws_")) types.add(t);
    expect(types.size).toBeGreaterThan(20);
    for (const t of types) {
      const service = serviceOfType(t);
      expect(service, `${t}: map it to a service in constructs/ci-roles/policies.ts`).toBeDefined();
      expect(Object.keys(REFRESH_READS)).toContain(service);
      expect(Object.keys(REFRESH_CALLS)).toContain(service);
    }
  });
});

describe("what the plan role must not do (item 7)", () => {
  it.each([
    ["read a config bundle", req("s3:GetObject", "arn:aws:s3:::cdn-config-bundles/bundles/v1.tar.gz"), "denied"],
    ["read an object version outside the state prefix", req("s3:GetObjectVersion", `arn:aws:s3:::${P.stateBucket}/other/x`), "denied"],
    ["write state", req("s3:PutObject", STATE), "implicitly-denied"],
    ["encrypt with the state key", req("kms:Encrypt", KEY), "implicitly-denied"],
    ["read another team's secret", req("secretsmanager:GetSecretValue", `arn:aws:secretsmanager:us-east-1:${P.accountId}:secret:payments/db-AbCdEf`), "implicitly-denied"],
    ["decrypt with any key directly", req("kms:Decrypt", `arn:aws:kms:us-east-1:${P.accountId}:key/x`), "implicitly-denied"],
    ["read log events", req("logs:GetLogEvents", "*"), "implicitly-denied"],
    ["read a Windows password", req("ec2:GetPasswordData", "*"), "implicitly-denied"],
    ["change anything", req("ec2:CreateVpc", "*"), "implicitly-denied"],
  ] as const)("cannot %s", (_what, request, verdict) => {
    expect(evaluate(PLAN, request)).toBe(verdict);
  });
});

describe("what the deploy role must not do", () => {
  it.each([
    ["widen its own trust", req("iam:UpdateAssumeRolePolicy", P.ciRoleArns[1])],
    ["give the plan role more", req("iam:PutRolePolicy", P.ciRoleArns[0])],
    ["delete the OIDC provider", req("iam:DeleteOpenIDConnectProvider", P.oidcProviderArn)],
    ["delete the state bucket", req("s3:DeleteBucket", BUCKET)],
    ["delete state history", req("s3:DeleteObjectVersion", STATE)],
    ["schedule the state key's deletion", req("kms:ScheduleKeyDeletion", KEY)],
  ] as const)("cannot %s", (_what, request) => {
    expect(evaluate(DEPLOY, request)).toBe("denied");
  });
});

describe("trust", () => {
  const sub = (s: string) => ({ "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": s });
  const assume = (trust: string, subject: string) => evaluate(trust, req("sts:AssumeRoleWithWebIdentity", "*", sub(subject)));
  const planTrust = policyDocument(planTrustStatements(P));
  const deployTrust = policyDocument(deployTrustStatements(P));
  const repo = P.repository;

  it("lets pull requests, main and the merge queue of this repository plan, nothing else", () => {
    for (const s of [`repo:${repo}:pull_request`, `repo:${repo}:ref:refs/heads/main`, `repo:${repo}:ref:refs/heads/gh-readonly-queue/main/pr-12-0123abcd`]) expect(assume(planTrust, s), s).toBe("allowed");
    for (const s of [`repo:${repo}:ref:refs/heads/feature`, `repo:${repo}:environment:prod`, `repo:evil/${repo.split("/")[1]}:pull_request`, `repo:${repo}:ref:refs/tags/v1`]) expect(assume(planTrust, s), s).toBe("implicitly-denied");
    expect(evaluate(planTrust, req("sts:AssumeRoleWithWebIdentity", "*", { "token.actions.githubusercontent.com:aud": "other", "token.actions.githubusercontent.com:sub": `repo:${repo}:pull_request` }))).toBe("implicitly-denied");
  });

  it("lets only the environment's jobs deploy", () => {
    expect(assume(deployTrust, `repo:${repo}:environment:prod`)).toBe("allowed");
    for (const s of [`repo:${repo}:environment:staging`, `repo:${repo}:ref:refs/heads/main`, `repo:${repo}:pull_request`]) expect(assume(deployTrust, s), s).toBe("implicitly-denied");
  });
});

describe("the evaluator", () => {
  it("matches wildcards and lets an explicit Deny win", () => {
    expect(wildcardMatch("s3:Get*", "s3:GetObject")).toBe(true);
    expect(wildcardMatch("arn:aws:s3:::b/p/*", "arn:aws:s3:::b/q/x")).toBe(false);
    const doc = { Statement: [{ Effect: "Allow" as const, Action: "s3:*", Resource: "*" }, { Effect: "Deny" as const, Action: "s3:GetObject", NotResource: "arn:aws:s3:::ok/*" }] };
    expect(evaluate(doc, req("s3:GetObject", "arn:aws:s3:::ok/a"))).toBe("allowed");
    expect(evaluate(doc, req("s3:getobject", "arn:aws:s3:::no/a"))).toBe("denied");
    expect(() => evaluate({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "1.2.3.4" } } }] }, req("s3:GetObject", "x", { "aws:SourceIp": "1.2.3.4" }))).toThrow(/not supported/);
  });
});
