/**
 * The IAM documents of the two GitHub Actions roles of an environment, as data: the trust policies
 * (GitHub OIDC, this repository only) and the permission policies of the read-only plan role and the
 * deploy role. The bootstrap stack renders them; docs/ci.md shows them in full (rendered with
 * placeholders) and test/ci-roles.test.ts checks that they grant what the workflows' commands need.
 */
import type { Statement } from "../../src/lib/iam";

/** GitHub's OIDC issuer host (also the prefix of its IAM condition keys). */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/** The audience `aws-actions/configure-aws-credentials` requests. */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

/** Longest plan session: a plan job's timeout (30 minutes) with room; IAM's minimum is one hour. */
export const PLAN_SESSION_SECONDS = 3600;

/**
 * Longest deploy session: the apply job's timeout (`timeout-minutes: 180` in deploy-environment.yml,
 * checked by test/ci-roles.test.ts), so credentials never expire in the middle of an apply.
 */
export const DEPLOY_SESSION_SECONDS = 10_800;

/**
 * AWS services the stacks manage, with the IAM actions a refresh (`terraform plan`) of them calls:
 * `Describe*`/`List*`/`Get*` of the service, narrowed where a `Get` reads data instead of settings
 * (object bodies, secret values, log events, instance passwords). Extend it when a construct adds a
 * service: test/ci-roles.test.ts maps every synthesized AWS type to one of these.
 */
export const REFRESH_READS: Readonly<Record<string, readonly string[]>> = {
  ec2: ["ec2:Describe*"],
  eks: ["eks:Describe*", "eks:List*"],
  iam: ["iam:Get*", "iam:List*"],
  kms: ["kms:Describe*", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:List*"],
  logs: ["logs:Describe*", "logs:ListTagsForResource", "logs:ListTagsLogGroup"],
  rds: ["rds:Describe*", "rds:ListTagsForResource"],
  route53: ["route53:Get*", "route53:List*"],
  // Bucket settings only (HeadBucket is s3:ListBucket); object reads are denied below.
  s3: [
    "s3:GetBucket*",
    "s3:GetAccelerateConfiguration",
    "s3:GetEncryptionConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:GetReplicationConfiguration",
    "s3:ListBucket",
  ],
  // Values only of this environment's secrets (statement PlanReadsOwnSecretValues).
  secretsmanager: ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:ListSecretVersionIds"],
  // The access host's Auto Scaling group.
  autoscaling: ["autoscaling:Describe*"],
  // The in-VPC runner projects and their webhooks.
  codebuild: ["codebuild:BatchGetProjects", "codebuild:ListProjects"],
  // The account's GitHub connection (bootstrap stack).
  codeconnections: ["codeconnections:GetConnection", "codeconnections:ListConnections", "codeconnections:ListTagsForResource"],
  // The tunnel's Session Manager document (its content is a port-forwarding template, not data).
  ssm: ["ssm:DescribeDocument", "ssm:DescribeDocumentPermission", "ssm:GetDocument", "ssm:ListTagsForResource"],
  // Alert and heartbeat topics and their subscriptions.
  sns: ["sns:GetSubscriptionAttributes", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:ListTagsForResource"],
  // Metric alarms.
  cloudwatch: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
  // EventBridge rules (backup and replication notifications).
  events: ["events:DescribeRule", "events:ListTagsForResource", "events:ListTargetsByRule"],
  // Backup vaults, plans and selections (settings; restores are not reads).
  backup: ["backup:Describe*", "backup:GetBackupPlan", "backup:GetBackupSelection", "backup:GetBackupVaultAccessPolicy", "backup:GetBackupVaultNotifications", "backup:List*"],
  // Budgets (reading a budget is `budgets:ViewBudget`).
  budgets: ["budgets:ListTagsForResource", "budgets:ViewBudget"],
  // Cost Anomaly Detection monitors and subscriptions, cost-allocation tags.
  ce: ["ce:GetAnomalyMonitors", "ce:GetAnomalySubscriptions", "ce:ListCostAllocationTags", "ce:ListTagsForResource"],
};

/** The IAM service prefix that manages an AWS provider resource or data source type (`aws_vpc` -> `ec2`). */
export function serviceOfType(type: string): string | undefined {
  const rules: [RegExp, string][] = [
    [/^aws_(vpc|subnet|route|route_table|internet_gateway|nat_gateway|eip|security_group|default_security_group|flow_log|launch_template|vpc_.*|network_.*|ec2_.*|ebs_.*|instance|ami)(_|$)/, "ec2"],
    [/^aws_eks_/, "eks"],
    [/^aws_iam_/, "iam"],
    [/^aws_kms_/, "kms"],
    [/^aws_cloudwatch_log_/, "logs"],
    [/^aws_(db|rds)_/, "rds"],
    [/^aws_route53_/, "route53"],
    [/^aws_s3_/, "s3"],
    [/^aws_secretsmanager_/, "secretsmanager"],
    [/^aws_autoscaling_/, "autoscaling"],
    [/^aws_codebuild_/, "codebuild"],
    [/^aws_codeconnections_/, "codeconnections"],
    [/^aws_ssm_/, "ssm"],
    [/^aws_sns_/, "sns"],
    [/^aws_cloudwatch_(metric|composite)_alarm$/, "cloudwatch"],
    [/^aws_cloudwatch_event_/, "events"],
    [/^aws_backup_/, "backup"],
    [/^aws_budgets_/, "budgets"],
    [/^aws_ce_/, "ce"],
  ];
  return rules.find(([pattern]) => pattern.test(type))?.[1];
}

/** What the documents are built from (literals or tokens). */
export interface CiPolicyParams {
  /** The environment's account. */
  readonly accountId: string;
  /** Environment name (the deploy role trusts only the GitHub environment of this name). */
  readonly environment: string;
  /** `owner/name` of the GitHub repository. */
  readonly repository: string;
  /** ARN of the account's IAM OIDC provider for GitHub. */
  readonly oidcProviderArn: string;
  /** Name of the state bucket. */
  readonly stateBucket: string;
  /** Prefix of the state keys (`<prefix>/<stack>.tfstate`). */
  readonly stateKeyPrefix: string;
  /** ARN of the KMS key that encrypts the state. */
  readonly stateKeyArn: string;
  /** Names of this environment's Secrets Manager secrets start with this (`cdn-<env>-`). */
  readonly secretNamePrefix: string;
  /** ARNs of the plan and deploy roles (the deploy role may not change them). */
  readonly ciRoleArns: readonly string[];
}

const condition = (test: string, claim: string, values: readonly string[]) => ({ test, variable: `${GITHUB_OIDC_HOST}:${claim}`, values });

/**
 * Who may assume the plan role: this repository's pull requests, pushes to `main` (the deploy
 * workflow's plan jobs) and merge-queue runs for `main`. Every other branch, tag and fork is refused.
 */
export function planTrustStatements(p: CiPolicyParams): Statement[] {
  return [
    {
      sid: "GitHubPullRequestsMainAndMergeQueue",
      actions: ["sts:AssumeRoleWithWebIdentity"],
      principals: [{ type: "Federated", identifiers: [p.oidcProviderArn] }],
      conditions: [
        condition("StringEquals", "aud", [GITHUB_OIDC_AUDIENCE]),
        condition("StringLike", "sub", [
          `repo:${p.repository}:pull_request`,
          `repo:${p.repository}:ref:refs/heads/main`,
          `repo:${p.repository}:ref:refs/heads/gh-readonly-queue/main/*`,
        ]),
      ],
    },
  ];
}

/**
 * Who may assume the deploy role: only jobs of this repository running in the GitHub environment of
 * the same name, whose deployment branch policy admits `main` alone (GitHub puts the environment, not
 * the branch, in the subject; deploy-environment.yml refuses to run when that policy is missing).
 */
export function deployTrustStatements(p: CiPolicyParams): Statement[] {
  return [
    {
      sid: "GitHubEnvironmentOnly",
      actions: ["sts:AssumeRoleWithWebIdentity"],
      principals: [{ type: "Federated", identifiers: [p.oidcProviderArn] }],
      conditions: [condition("StringEquals", "aud", [GITHUB_OIDC_AUDIENCE]), condition("StringEquals", "sub", [`repo:${p.repository}:environment:${p.environment}`])],
    },
  ];
}

const bucketArn = (p: CiPolicyParams) => `arn:aws:s3:::${p.stateBucket}`;
const stateObjects = (p: CiPolicyParams) => `arn:aws:s3:::${p.stateBucket}/${p.stateKeyPrefix}/*`;

/** The plan role: state read, refresh reads of the services in use, own secrets' values; nothing else. */
export function planPolicyStatements(p: CiPolicyParams): Statement[] {
  return [
    { sid: "ListStateBucket", actions: ["s3:ListBucket"], resources: [bucketArn(p)] },
    { sid: "ReadStateObjects", actions: ["s3:GetObject"], resources: [stateObjects(p)] },
    { sid: "DecryptState", actions: ["kms:Decrypt"], resources: [p.stateKeyArn] },
    { sid: "RefreshReads", actions: [...new Set(Object.values(REFRESH_READS).flat())].sort(), resources: ["*"] },
    {
      sid: "PlanReadsOwnSecretValues",
      actions: ["secretsmanager:GetSecretValue"],
      resources: [`arn:aws:secretsmanager:*:${p.accountId}:secret:${p.secretNamePrefix}*`],
    },
    {
      sid: "DecryptOwnSecretsThroughSecretsManager",
      actions: ["kms:Decrypt"],
      resources: [`arn:aws:kms:*:${p.accountId}:key/*`],
      conditions: [{ test: "StringLike", variable: "kms:ViaService", values: ["secretsmanager.*.amazonaws.com"] }],
    },
    {
      sid: "DenyObjectReadsOutsideState",
      effect: "Deny",
      actions: ["s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectAttributes", "s3:GetObjectTagging", "s3:GetObjectVersion", "s3:GetObjectVersionAcl", "s3:GetObjectVersionAttributes", "s3:GetObjectVersionTagging"],
      notResources: [stateObjects(p)],
    },
  ];
}

/**
 * The deploy role: state read/write (the lock file included), full control of the services the stacks
 * manage, and explicit denials that keep it from widening its own access or destroying the state.
 */
export function deployPolicyStatements(p: CiPolicyParams): Statement[] {
  return [
    { sid: "ListStateBucket", actions: ["s3:ListBucket"], resources: [bucketArn(p)] },
    { sid: "ReadWriteStateAndLock", actions: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], resources: [stateObjects(p)] },
    { sid: "EncryptState", actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], resources: [p.stateKeyArn] },
    { sid: "ManageServicesInUse", actions: Object.keys(REFRESH_READS).sort().map((s) => `${s}:*`), resources: ["*"] },
    {
      sid: "DenyChangingCiAccess",
      effect: "Deny",
      actions: [
        "iam:AddClientIDToOpenIDConnectProvider",
        "iam:AttachRolePolicy",
        "iam:DeleteOpenIDConnectProvider",
        "iam:DeleteRole",
        "iam:DeleteRolePermissionsBoundary",
        "iam:DeleteRolePolicy",
        "iam:DetachRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:PutRolePolicy",
        "iam:RemoveClientIDFromOpenIDConnectProvider",
        "iam:UpdateAssumeRolePolicy",
        "iam:UpdateOpenIDConnectProviderThumbprint",
        "iam:UpdateRole",
      ],
      resources: [...p.ciRoleArns, p.oidcProviderArn],
    },
    {
      sid: "DenyDestroyingState",
      effect: "Deny",
      actions: [
        "s3:DeleteBucket",
        "s3:DeleteBucketPolicy",
        "s3:DeleteObjectVersion",
        "s3:PutBucketPolicy",
        "s3:PutBucketVersioning",
        "s3:PutEncryptionConfiguration",
        "s3:PutLifecycleConfiguration",
      ],
      resources: [bucketArn(p), `${bucketArn(p)}/*`],
    },
    {
      sid: "DenyDisablingStateKey",
      effect: "Deny",
      actions: ["kms:DisableKey", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"],
      resources: [p.stateKeyArn],
    },
  ];
}
