/**
 * A CodeBuild project that hosts GitHub Actions runners inside a plane's VPC, so that workflow jobs
 * can reach the plane's private EKS API (docs/decisions/0009). A job selects it with
 * `runs-on: codebuild-<projectName>-${{ github.run_id }}-${{ github.run_attempt }}`; the webhook starts
 * one build per queued job with that label.
 *
 * The project's service role is minimal (its own log group, the VPC network interfaces, the GitHub
 * connection): jobs still assume the plan or deploy role through GitHub OIDC, whose trust conditions
 * stay the gate. The runner's security group has no ingress and reaches out only on 443; the cluster
 * security group admits it on 443.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { CodebuildWebhook } from "@cdktf/provider-aws/lib/codebuild-webhook";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { policyDocument, serviceTrustPolicy, type Statement } from "../../src/lib/iam";

/** The webhook event CodeBuild needs to start a runner for a queued GitHub Actions job. */
export const WORKFLOW_JOB_QUEUED = "WORKFLOW_JOB_QUEUED";

/** Props of {@link GithubActionsRunner}. */
export interface GithubActionsRunnerProps {
  /** CodeBuild project name; jobs name it in their `runs-on` label. */
  readonly projectName: string;
  /** Region of the project (and of the VPC). */
  readonly region: string;
  /** Account of the project. */
  readonly accountId: string;
  /** VPC the runners run in. */
  readonly vpcId: string;
  /** Private subnets (with a route to a NAT gateway) the runners' network interfaces go into. */
  readonly subnetIds: readonly string[];
  /** Security group of the cluster API the runners must reach on 443. */
  readonly clusterSecurityGroupId: string;
  /** HTTPS clone URL of the GitHub repository whose jobs the runners take. */
  readonly repositoryUrl: string;
  /** ARN of the CodeConnections (or CodeStar Connections) connection to GitHub. */
  readonly connectionArn: string;
  /** CodeBuild compute type. Defaults to BUILD_GENERAL1_MEDIUM. */
  readonly computeType?: string;
  /** CodeBuild curated image. Defaults to aws/codebuild/amazonlinux-x86_64-standard:5.0. */
  readonly image?: string;
  /** Longest a job may run, in minutes. Defaults to 180. */
  readonly timeoutMinutes?: number;
  /** Retention of the runner log group in days. Defaults to 365. */
  readonly logRetentionDays?: number;
  /** ARN of the customer-managed key (allowing CloudWatch Logs) that encrypts the log group. */
  readonly logKeyArn: string;
}

/** A CodeBuild-hosted GitHub Actions runner project in a VPC. */
export class GithubActionsRunner extends Construct {
  /** The CodeBuild project. */
  readonly project: CodebuildProject;
  /** The project's name (a literal: workflows name it). */
  readonly projectName: string;
  /** The runners' security group (no ingress). */
  readonly securityGroup: SecurityGroup;
  /** The project's service role. */
  readonly role: IamRole;
  /** The project's log group. */
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: GithubActionsRunnerProps) {
    super(scope, id);
    if (props.subnetIds.length === 0) throw new Error(`GithubActionsRunner ${props.projectName}: needs at least one subnet`);
    this.projectName = props.projectName;
    const name = props.projectName;

    this.securityGroup = new SecurityGroup(this, "sg", {
      name,
      description: "GitHub Actions runners (CodeBuild): no ingress; HTTPS out to GitHub, AWS APIs and the cluster API",
      vpcId: props.vpcId,
      tags: { Name: name },
    });
    new VpcSecurityGroupEgressRule(this, "https-out", {
      securityGroupId: this.securityGroup.id,
      description: "Runners reach GitHub, AWS APIs, the Terraform registry and package registries over HTTPS (through the NAT gateway)",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });
    new VpcSecurityGroupEgressRule(this, "to-cluster-api", {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: props.clusterSecurityGroupId,
      description: "Runners reach the private EKS API on 443",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
    });
    new VpcSecurityGroupIngressRule(this, "cluster-api-from-runners", {
      securityGroupId: props.clusterSecurityGroupId,
      referencedSecurityGroupId: this.securityGroup.id,
      description: `EKS API on 443 from the GitHub Actions runners (${name})`,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
    });

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/codebuild/${name}`,
      retentionInDays: props.logRetentionDays ?? 365,
      kmsKeyId: props.logKeyArn,
    });

    this.role = new IamRole(this, "role", {
      name: `${name}-service`,
      description: `Service role of the CodeBuild runner project ${name} (logs, VPC interfaces, GitHub connection only)`,
      // The plain service trust of the CodeBuild guide; aws:SourceArn/SourceAccount conditions are not
      // documented for CodeBuild service roles (docs/decisions/0009, "to confirm on the first run").
      assumeRolePolicy: serviceTrustPolicy("codebuild.amazonaws.com"),
    });
    const policy = new IamRolePolicy(this, "policy", {
      name: "runner",
      role: this.role.id,
      policy: policyDocument(runnerServiceStatements(props, this.logGroup.arn)),
    });

    this.project = new CodebuildProject(this, "project", {
      name,
      description: `GitHub Actions runners in the VPC of ${props.region} (in-cluster stacks: plan, deploy, drift)`,
      serviceRole: this.role.arn,
      buildTimeout: props.timeoutMinutes ?? 180,
      artifacts: { type: "NO_ARTIFACTS" },
      environment: {
        type: "LINUX_CONTAINER",
        computeType: props.computeType ?? "BUILD_GENERAL1_MEDIUM",
        image: props.image ?? "aws/codebuild/amazonlinux-x86_64-standard:5.0",
        imagePullCredentialsType: "CODEBUILD",
        privilegedMode: false,
      },
      // The runner ignores a buildspec unless a job asks for one; the source names the repository
      // whose workflow_job events start builds, read through the GitHub App connection.
      source: {
        type: "GITHUB",
        location: props.repositoryUrl,
        gitCloneDepth: 1,
        auth: { type: "CODECONNECTIONS", resource: props.connectionArn },
      },
      vpcConfig: { vpcId: props.vpcId, subnets: [...props.subnetIds], securityGroupIds: [this.securityGroup.id] },
      logsConfig: {
        cloudwatchLogs: { status: "ENABLED", groupName: this.logGroup.name },
        s3Logs: { status: "DISABLED" },
      },
      tags: { Name: name },
      // CodeBuild validates the VPC configuration with the role at creation: the policy must exist first.
      dependsOn: [policy],
    });

    new CodebuildWebhook(this, "webhook", {
      projectName: this.project.name,
      buildType: "BUILD",
      filterGroup: [{ filter: [{ type: "EVENT", pattern: WORKFLOW_JOB_QUEUED }] }],
    });
  }
}

/** The service role's statements: its log group, the VPC network interfaces in its subnets, the connection. */
export function runnerServiceStatements(props: Pick<GithubActionsRunnerProps, "region" | "accountId" | "subnetIds" | "connectionArn">, logGroupArn: string): Statement[] {
  // The IAM prefix must match the connection ARN's service (codeconnections or codestar-connections).
  const connectionService = props.connectionArn.split(":")[2];
  return [
    { sid: "WriteOwnLogs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [logGroupArn, `${logGroupArn}:*`] },
    {
      sid: "ManageVpcNetworkInterfaces",
      actions: [
        "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface",
        "ec2:DescribeDhcpOptions",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
      ],
      resources: ["*"],
    },
    {
      sid: "AttachInterfacesInRunnerSubnets",
      actions: ["ec2:CreateNetworkInterfacePermission"],
      resources: [`arn:aws:ec2:${props.region}:${props.accountId}:network-interface/*`],
      conditions: [
        { test: "StringEquals", variable: "ec2:Subnet", values: props.subnetIds.map((id) => `arn:aws:ec2:${props.region}:${props.accountId}:subnet/${id}`) },
        { test: "StringEquals", variable: "ec2:AuthorizedService", values: ["codebuild.amazonaws.com"] },
      ],
    },
    { sid: "UseGithubConnection", actions: [`${connectionService}:GetConnectionToken`, `${connectionService}:GetConnection`], resources: [props.connectionArn] },
  ];
}
