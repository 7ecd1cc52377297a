/**
 * The ways to the private EKS APIs (docs/decisions/0009): the in-VPC GitHub Actions runner project and
 * the SSM access host of every plane, exact network rules and roles; the bootstrap's GitHub connection;
 * and an environment with both switched off (dev, public CIDRs) that gets neither.
 */
import { embeddedDocument } from "../tools/readable-json";
import { describe, expect, it } from "vitest";
import { AL2023_AMI_PARAMETER, SSM_MANAGED_INSTANCE_CORE } from "../constructs/access-host";
import { WORKFLOW_JOB_QUEUED } from "../constructs/ci-runner";
import { dev } from "../environments/dev";
import { loadEnvironment } from "../src/config/load";
import {
  accessHostName,
  bootstrapStackName,
  ciRunnerProjectName,
  githubConnectionName,
  planeStackName,
  planesOf,
  tunnelDocumentName,
} from "../src/config/naming";
import { allEnvironments, configsOf, refName, resourcesOf, stack, synthesize, synthesizeAll, type TfJson } from "./helpers/synth";

const synth = synthesizeAll();
const planes = allEnvironments().flatMap((env) => planesOf(env).map(({ ref, config }) => ({ env, ref, config, name: planeStackName(env.name, ref) })));

/** The only resource of `type` whose config matches `where`; fails unless there is exactly one. */
function only(tf: TfJson, type: string, where: (c: any) => boolean): [string, any] {
  const found = resourcesOf(tf, type).filter(([, c]) => where(c));
  expect(found, `${type} matching`).toHaveLength(1);
  return found[0];
}

/** Security group rules of one direction attached to `sgRef`, without metadata. */
function rulesOf(tf: TfJson, direction: "ingress" | "egress", sgRef: string): any[] {
  const all = configsOf(tf, `aws_vpc_security_group_${direction}_rule`).filter((r) => r.security_group_id === sgRef);
  return all.map(({ "//": _meta, ...rule }) => rule);
}

describe.each(planes)("ways into the cluster API of $name", ({ env, ref, name }) => {
  const tf = stack(synth, name);
  const [clusterId] = resourcesOf(tf, "aws_eks_cluster")[0];
  const clusterSg = `\${aws_eks_cluster.${clusterId}.vpc_config[0].cluster_security_group_id}`;
  const privateSubnets = resourcesOf(tf, "aws_subnet")
    .filter(([, s]) => s.tags?.Tier === "private")
    .map(([id]) => `\${aws_subnet.${id}.id}`);

  it("keeps the endpoint private outside dev", () => {
    const vpc = tf.resource!.aws_eks_cluster[clusterId].vpc_config;
    expect(vpc.endpoint_private_access).toBe(true);
    if (env.name !== "dev") expect(vpc.endpoint_public_access).toBe(false);
  });

  describe("CI: the CodeBuild-hosted GitHub Actions runner", () => {
    const projectName = ciRunnerProjectName(env.name, ref);
    const [projectId, project] = only(tf, "aws_codebuild_project", (p) => p.name === projectName);
    const sgRef = project.vpc_config.security_group_ids[0];
    const sgId = refName(sgRef);

    it("runs in the plane's private subnets with its own security group", () => {
      expect(privateSubnets.length).toBe(env.global.availabilityZones.length);
      expect(project.vpc_config.subnets).toEqual(privateSubnets);
      expect(project.vpc_config.security_group_ids).toEqual([`\${aws_security_group.${sgId}.id}`]);
      expect(project.vpc_config.vpc_id).toMatch(/^\$\{aws_vpc\./);
    });

    it("is a runner project for the repository, through the account's GitHub connection", () => {
      expect(project.source).toEqual({
        type: "GITHUB",
        location: `https://github.com/${env.ci.repository}.git`,
        git_clone_depth: 1,
        auth: { type: "CODECONNECTIONS", resource: env.access.ciRunners.connectionArn },
      });
      expect(project.environment).toMatchObject({ type: "LINUX_CONTAINER", privileged_mode: false, image: env.access.ciRunners.image, compute_type: env.access.ciRunners.computeType });
      expect(project.artifacts).toEqual({ type: "NO_ARTIFACTS" });
      const [, webhook] = only(tf, "aws_codebuild_webhook", (w) => w.project_name === `\${aws_codebuild_project.${projectId}.name}`);
      expect(webhook.build_type).toBe("BUILD");
      expect(webhook.filter_group).toEqual([{ filter: [{ type: "EVENT", pattern: WORKFLOW_JOB_QUEUED }] }]);
    });

    it("has no ingress, and reaches out on 443 only: the internet (NAT) and the cluster API", () => {
      const sg = tf.resource!.aws_security_group[sgId];
      expect(sg.ingress).toBeUndefined();
      expect(sg.egress).toBeUndefined();
      expect(rulesOf(tf, "ingress", sgRef)).toEqual([]);
      const egress = rulesOf(tf, "egress", sgRef).map(({ description: _d, ...r }) => r);
      expect(egress).toHaveLength(2);
      expect(egress).toContainEqual({ security_group_id: sgRef, ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" });
      expect(egress).toContainEqual({ security_group_id: sgRef, ip_protocol: "tcp", from_port: 443, to_port: 443, referenced_security_group_id: clusterSg });
    });

    it("is admitted by the cluster security group on 443, from its group only", () => {
      const fromRunner = rulesOf(tf, "ingress", clusterSg).filter((r) => r.referenced_security_group_id === sgRef);
      expect(fromRunner.map(({ description: _d, ...r }) => r)).toEqual([
        { security_group_id: clusterSg, referenced_security_group_id: sgRef, ip_protocol: "tcp", from_port: 443, to_port: 443 },
      ]);
    });

    it("has a minimal service role: its log group, VPC interfaces in its subnets, the connection", () => {
      const roleId = refName(project.service_role);
      const role = tf.resource!.aws_iam_role[roleId];
      expect(JSON.parse(role.assume_role_policy)).toEqual({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }],
      });
      expect(configsOf(tf, "aws_iam_role_policy_attachment").filter((a) => a.role.includes(roleId))).toEqual([]);
      const policies = resourcesOf(tf, "aws_iam_role_policy").filter(([, p]) => p.role === `\${aws_iam_role.${roleId}.id}`);
      expect(policies).toHaveLength(1);
      const [[policyId, policy]] = policies;
      const statements = JSON.parse(policy.policy).Statement;
      const logGroup = refName(project.logs_config.cloudwatch_logs.group_name);
      const logArn = `\${aws_cloudwatch_log_group.${logGroup}.arn}`;
      const region = planesOf(env).find((p) => planeStackName(env.name, p.ref) === name)!.config.region;
      expect(statements).toEqual([
        { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [logArn, `${logArn}:*`] },
        {
          Sid: "ManageVpcNetworkInterfaces",
          Effect: "Allow",
          Action: [
            "ec2:CreateNetworkInterface",
            "ec2:DeleteNetworkInterface",
            "ec2:DescribeDhcpOptions",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSubnets",
            "ec2:DescribeVpcs",
          ],
          Resource: "*",
        },
        {
          Sid: "AttachInterfacesInRunnerSubnets",
          Effect: "Allow",
          Action: "ec2:CreateNetworkInterfacePermission",
          Resource: `arn:aws:ec2:${region}:${env.accountId}:network-interface/*`,
          Condition: {
            StringEquals: {
              "ec2:Subnet": privateSubnets.map((s) => `arn:aws:ec2:${region}:${env.accountId}:subnet/${s}`),
              "ec2:AuthorizedService": "codebuild.amazonaws.com",
            },
          },
        },
        {
          Sid: "UseGithubConnection",
          Effect: "Allow",
          Action: ["codeconnections:GetConnectionToken", "codeconnections:GetConnection"],
          Resource: env.access.ciRunners.connectionArn,
        },
      ]);
      // The project is created after its policy (CodeBuild checks the VPC settings with the role).
      expect(project.depends_on).toEqual([`aws_iam_role_policy.${policyId}`]);
    });

    it("logs to its own encrypted log group with retention", () => {
      const group = tf.resource!.aws_cloudwatch_log_group[refName(project.logs_config.cloudwatch_logs.group_name)];
      expect(group).toMatchObject({ name: `/aws/codebuild/${projectName}`, retention_in_days: env.access.ciRunners.logRetentionDays });
      expect(group.kms_key_id).toMatch(/^\$\{aws_kms_key\./);
      expect(project.logs_config.s3_logs).toEqual({ status: "DISABLED" });
    });
  });

  describe("operators: the SSM access host", () => {
    const hostName = accessHostName(env.name, ref);
    const [, asg] = only(tf, "aws_autoscaling_group", (g) => g.name === hostName);
    const lt = tf.resource!.aws_launch_template[refName(asg.launch_template.id)];
    const sgRef = lt.vpc_security_group_ids[0];

    it("keeps exactly one host in the private subnets", () => {
      expect(asg).toMatchObject({ min_size: 1, max_size: 1, desired_capacity: 1, health_check_type: "EC2", max_instance_lifetime: env.access.bastion.maxInstanceLifetimeDays * 86400 });
      expect(asg.vpc_zone_identifier).toEqual(privateSubnets);
      expect(asg.launch_template.version).toBe(`\${aws_launch_template.${refName(asg.launch_template.id)}.latest_version}`);
    });

    it("launches the latest Amazon Linux 2023 without key, public IP or IMDSv1, on an encrypted volume", () => {
      expect(lt.image_id).toBe(`resolve:ssm:${AL2023_AMI_PARAMETER}`);
      expect(lt.key_name).toBeUndefined();
      expect(lt.network_interfaces).toBeUndefined();
      expect(lt.vpc_security_group_ids).toHaveLength(1);
      expect(lt.metadata_options).toEqual({ http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1, instance_metadata_tags: "disabled" });
      expect(lt.block_device_mappings).toEqual([
        { device_name: "/dev/xvda", ebs: { volume_size: 16, volume_type: "gp3", encrypted: "true", kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.cluster_key_/), delete_on_termination: "true" } },
      ]);
      expect(lt.instance_type).toBe(env.access.bastion.instanceType);
    });

    it("has no inbound rule; reaches the cluster API and SSM on 443 only", () => {
      const sg = tf.resource!.aws_security_group[refName(sgRef)];
      expect(sg.ingress).toBeUndefined();
      expect(sg.egress).toBeUndefined();
      expect(rulesOf(tf, "ingress", sgRef)).toEqual([]);
      const egress = rulesOf(tf, "egress", sgRef).map(({ description: _d, ...r }) => r);
      expect(egress).toHaveLength(2);
      expect(egress).toContainEqual({ security_group_id: sgRef, ip_protocol: "tcp", from_port: 443, to_port: 443, referenced_security_group_id: clusterSg });
      expect(egress).toContainEqual({ security_group_id: sgRef, ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" });
      const fromHost = rulesOf(tf, "ingress", clusterSg).filter((r) => r.referenced_security_group_id === sgRef);
      expect(fromHost.map(({ description: _d, ...r }) => r)).toEqual([
        { security_group_id: clusterSg, referenced_security_group_id: sgRef, ip_protocol: "tcp", from_port: 443, to_port: 443 },
      ]);
    });

    it("has a role with AmazonSSMManagedInstanceCore and nothing else", () => {
      const profile = tf.resource!.aws_iam_instance_profile[refName(lt.iam_instance_profile.arn)];
      const roleId = refName(profile.role);
      expect(JSON.parse(tf.resource!.aws_iam_role[roleId].assume_role_policy).Statement).toEqual([
        { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
      const attachments = configsOf(tf, "aws_iam_role_policy_attachment").filter((a) => a.role === `\${aws_iam_role.${roleId}.name}`);
      expect(attachments.map((a) => a.policy_arn)).toEqual([SSM_MANAGED_INSTANCE_CORE]);
      expect(configsOf(tf, "aws_iam_role_policy").filter((p) => p.role.includes(roleId))).toEqual([]);
    });

    it("has a port-forwarding document pinned to the cluster endpoint on 443", () => {
      const [, doc] = only(tf, "aws_ssm_document", (d) => d.name === tunnelDocumentName(env.name, ref));
      expect(doc).toMatchObject({ document_type: "Session", document_format: "JSON" });
      // jsonencode of plain data with one reference: the host (a local holding the endpoint without its scheme).
      const content = embeddedDocument(doc.content) as any;
      expect(content, doc.content).toBeDefined();
      expect(content.sessionType).toBe("Port");
      expect(Object.keys(content.parameters)).toEqual(["localPortNumber"]);
      expect(content.properties).toEqual({
        type: "LocalPortForwarding",
        host: expect.stringMatching(/^\$\{local\.access-host_api-host_[A-F0-9]{8}\}$/),
        portNumber: "443",
        localPortNumber: "{{ localPortNumber }}",
      });
    });
  });
});

describe.each(allEnvironments())("bootstrap of $name", (env) => {
  const tf = stack(synth, bootstrapStackName(env.name));

  it("creates the account's GitHub connection and outputs its ARN and status", () => {
    const [[id, connection]] = resourcesOf(tf, "aws_codeconnections_connection");
    expect(connection).toMatchObject({ name: githubConnectionName(env.name), provider_type: "GitHub" });
    expect(githubConnectionName(env.name).length).toBeLessThanOrEqual(32);
    expect(tf.output?.github_connection_arn.value).toBe(`\${aws_codeconnections_connection.${id}.arn}`);
    expect(tf.output?.github_connection_status.value).toBe(`\${aws_codeconnections_connection.${id}.connection_status}`);
  });
});

describe("an environment without runners or access hosts", () => {
  const raw = structuredClone(dev) as any;
  raw.access.ciRunners = { enabled: false };
  raw.access.bastion = { enabled: false };
  raw.global.cluster.publicAccessCidrs = ["203.0.113.0/24"];
  raw.regions[0].cluster.publicAccessCidrs = ["203.0.113.0/24"];
  const env = loadEnvironment(raw, "environments/dev.ts");
  const small = synthesize([env]);

  it("gets neither (dev reaches the API through its listed CIDRs)", () => {
    for (const name of ["dev-global", "dev-regional-uswest"]) {
      const tf = stack(small, name);
      for (const type of ["aws_codebuild_project", "aws_codebuild_webhook", "aws_autoscaling_group", "aws_launch_template", "aws_ssm_document"]) {
        const access = resourcesOf(tf, type).filter(([id]) => id.startsWith("ci-runner") || id.startsWith("access-host"));
        expect(access, `${name} ${type}`).toEqual([]);
      }
      const [cluster] = configsOf(tf, "aws_eks_cluster");
      expect(cluster.vpc_config).toMatchObject({ endpoint_public_access: true, public_access_cidrs: ["203.0.113.0/24"] });
    }
  });
});
