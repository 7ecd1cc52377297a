/** EKS clusters of every plane: names, placement, encryption, logging, access, nodes, add-ons. */
import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { nonEmpty } from "./helpers/assert";
import { CONTROL_PLANE_LOG_TYPES, Cluster } from "../constructs/cluster";
import { loadBalancerControllerStatements } from "../constructs/ingress/controller-policy";
import { ConfigError, loadEnvironment } from "../src/config/load";
import { dev } from "../environments/dev";
import { ENVIRONMENTS } from "../environments";
import { clusterName } from "../src/config/naming";
import { planeStacks } from "./helpers/coverage";
import { allEnvironments, configsOf, refName, resourcesOf, stack, synthesizeAll, type TfJson } from "./helpers/synth";

const synth = synthesizeAll();
const planes = planeStacks(allEnvironments());

describe.each(planes)("cluster of $name", ({ env, ref, config, name }) => {
  const tf = stack(synth, name);
  const [[clusterId, cluster]] = resourcesOf(tf, "aws_eks_cluster");
  const privateSubnets = resourcesOf(tf, "aws_subnet").filter(([, s]) => s.tags.Tier === "private");

  it(`is named ${clusterName(ref)} and runs the pinned Kubernetes version`, () => {
    expect(cluster.name).toBe(clusterName(ref));
    expect(cluster.name).toBe(ref.kind === "global" ? "cdn-global-control" : `cdn-regional-${ref.key}`);
    expect(cluster.version).toBe(config.cluster.kubernetesVersion);
    expect(cluster.upgrade_policy.support_type).toBe("STANDARD");
  });

  it("sits in the private subnets of at least 2 AZs", () => {
    const ids = cluster.vpc_config.subnet_ids.map(refName);
    expect(ids.sort()).toEqual(privateSubnets.map(([n]) => n).sort());
    expect(new Set(privateSubnets.map(([, s]) => s.availability_zone)).size).toBeGreaterThanOrEqual(2);
  });

  it("keeps the API endpoint private unless CIDRs are configured", () => {
    expect(cluster.vpc_config.endpoint_private_access).toBe(true);
    expect(cluster.vpc_config.endpoint_public_access).toBe(config.cluster.publicAccessCidrs.length > 0);
  });

  it("envelope-encrypts secrets with a rotating customer-managed key", () => {
    expect(cluster.encryption_config.resources).toEqual(["secrets"]);
    const key = tf.resource!.aws_kms_key[refName(cluster.encryption_config.provider.key_arn)];
    expect(key.enable_key_rotation).toBe(true);
  });

  it("ships all control-plane logs to an encrypted log group with retention", () => {
    expect(cluster.enabled_cluster_log_types).toEqual([...CONTROL_PLANE_LOG_TYPES]);
    const group = configsOf(tf, "aws_cloudwatch_log_group").find((g) => g.name === `/aws/eks/${cluster.name}/cluster`);
    expect(group.retention_in_days).toBe(config.cluster.logRetentionDays);
    expect(group.kms_key_id).toMatch(/aws_kms_key/);
    expect(cluster.depends_on.some((d: string) => d.startsWith("aws_cloudwatch_log_group."))).toBe(true);
  });

  it("authenticates with explicit access entries only: no implicit creator entry, and the flag can never replace the cluster", () => {
    expect(cluster.access_config).toEqual({ authentication_mode: "API", bootstrap_cluster_creator_admin_permissions: false });
    expect(cluster.lifecycle.ignore_changes).toEqual(["access_config[0].bootstrap_cluster_creator_admin_permissions"]);
  });

  it("gives the Terraform deploy role and the admins cluster-admin, the plan role admin-view (Secrets included), viewers view", () => {
    const entries = configsOf(tf, "aws_eks_access_entry").map((e) => e.principal_arn);
    const expected = [env.terraform.deployRoleArn, env.terraform.planRoleArn, ...config.cluster.adminRoleArns, ...config.cluster.viewerRoleArns];
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(entries.sort()).toEqual(expected.sort());
    expect(new Set(entries).size).toBe(entries.length);
    const associations = configsOf(tf, "aws_eks_access_policy_association");
    expect(associations).toHaveLength(entries.length);
    const policyOf = (arn: string) => associations.find((a) => a.principal_arn.includes(refNameOfEntry(tf, arn)))?.policy_arn;
    for (const arn of nonEmpty([env.terraform.deployRoleArn, ...config.cluster.adminRoleArns], `${name} admin roles`)) expect(policyOf(arn)).toMatch(/\/AmazonEKSClusterAdminPolicy$/);
    expect(policyOf(env.terraform.planRoleArn)).toMatch(/\/AmazonEKSAdminViewPolicy$/);
    for (const arn of nonEmpty(config.cluster.viewerRoleArns, `${name} viewer roles`)) expect(policyOf(arn)).toMatch(/\/AmazonEKSViewPolicy$/);
    for (const a of nonEmpty(associations, `${name} access policy associations`)) expect(a.access_scope.type).toBe("cluster");
  });

  it("keys the Terraform roles' entries by principal, with no moves from position-keyed addresses", () => {
    const [deployId] = resourcesOf(tf, "aws_eks_access_entry").find(([, e]) => e.principal_arn === env.terraform.deployRoleArn)!;
    const [planId] = resourcesOf(tf, "aws_eks_access_entry").find(([, e]) => e.principal_arn === env.terraform.planRoleArn)!;
    expect(deployId).toMatch(/^cluster_admin-entry-cdn-[a-z]+-terraform-deploy_/);
    expect(planId).toMatch(/^cluster_admin-view-entry-cdn-[a-z]+-terraform-plan_/);
    const moves = ((tf as any).moved ?? []) as { to: string }[];
    expect(moves.some((m) => m.to.includes(deployId) || m.to.includes(planId))).toBe(false);
  });

  it("lets EC2 Auto Scaling use the node-volume key through conditions, not by naming its service-linked role", () => {
    const key = tf.resource!.aws_kms_key[refName(cluster.encryption_config.provider.key_arn)];
    const statements = JSON.parse(key.policy).Statement.filter((st: any) => /^AutoScaling/.test(st.Sid));
    expect(statements.map((st: any) => st.Sid)).toEqual(["AutoScalingUsesKeyForNodeVolumes", "AutoScalingCreatesGrantsForNodeVolumes"]);
    const slr = `arn:aws:iam::${env.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    for (const st of statements) {
      expect(st.Principal).toEqual({ AWS: "*" });
      expect(st.Condition.StringEquals).toEqual({ "aws:PrincipalArn": slr, "aws:PrincipalAccount": env.accountId });
    }
    expect(statements[1].Condition.Bool).toEqual({ "kms:GrantIsForAWSResource": "true" });
    expect(key.policy).not.toMatch(/"Principal":\{"AWS":"arn:[^"]*aws-service-role/);
  });

  it("names the cluster by reference wherever a resource takes cluster_name (so each is ordered after the cluster)", () => {
    const withClusterName = Object.entries(tf.resource!).flatMap(([type, byName]) =>
      Object.entries(byName as Record<string, any>).filter(([, c]) => "cluster_name" in c).map(([n, c]) => [`${type}.${n}`, c.cluster_name] as const),
    );
    expect(withClusterName.length).toBeGreaterThanOrEqual(5);
    for (const [address, value] of withClusterName) expect(value, address).toBe(`\${aws_eks_cluster.${clusterId}.name}`);
    const controller = configsOf(tf, "aws_eks_pod_identity_association").find((a) => a.service_account === "aws-load-balancer-controller");
    expect(controller.cluster_name).toBe(`\${aws_eks_cluster.${clusterId}.name}`);
  });

  it("runs managed node groups of 3-5 nodes across the private subnets", () => {
    const groups = configsOf(tf, "aws_eks_node_group");
    expect(groups).toHaveLength(config.cluster.nodeGroups.length);
    groups.forEach((group, i) => {
      const wanted = config.cluster.nodeGroups[i];
      expect(group.scaling_config).toEqual({ min_size: wanted.minSize, max_size: wanted.maxSize, desired_size: wanted.desiredSize ?? wanted.minSize });
      expect(group.scaling_config.min_size).toBeGreaterThanOrEqual(3);
      expect(group.scaling_config.max_size).toBeLessThanOrEqual(5);
      expect(group.instance_types).toEqual(wanted.instanceTypes);
      expect(group.subnet_ids.map(refName).sort()).toEqual(privateSubnets.map(([n]) => n).sort());
      expect(group.remote_access).toBeUndefined();
      expect(group.cluster_name).toBe(`\${aws_eks_cluster.${clusterId}.name}`);
    });
  });

  it("launches nodes with IMDSv2 only (hop limit 1), encrypted gp3 root volumes and no SSH key", () => {
    for (const group of nonEmpty(configsOf(tf, "aws_eks_node_group"), `${name} node groups`)) {
      const template = tf.resource!.aws_launch_template[refName(group.launch_template.id)];
      expect(template.metadata_options).toMatchObject({ http_tokens: "required", http_put_response_hop_limit: 1, http_endpoint: "enabled" });
      expect(template.block_device_mappings[0].ebs).toMatchObject({ encrypted: "true", volume_type: "gp3" });
      expect(template.block_device_mappings[0].ebs.kms_key_id).toMatch(/aws_kms_key/);
      expect(template.key_name).toBeUndefined();
      const instanceTags = template.tag_specifications.find((t: any) => t.resource_type === "instance").tags;
      for (const tag of ["Environment", "Service", "Team", "CostCenter"]) expect(instanceTags[tag]).toBeDefined();
    }
  });

  it("gives the control plane and nodes only the AWS managed policies they need", () => {
    const attachments = configsOf(tf, "aws_iam_role_policy_attachment").map((a) => a.policy_arn);
    expect(attachments).toEqual(
      expect.arrayContaining([
        "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
        "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
      ]),
    );
    expect(attachments.filter((a) => /AdministratorAccess|PowerUser|FullAccess/.test(a))).toEqual([]);
  });

  it("installs the pinned add-ons, the EBS CSI driver with its own Pod Identity role", () => {
    const addons = Object.fromEntries(configsOf(tf, "aws_eks_addon").map((a) => [a.addon_name, a]));
    expect(Object.keys(addons).sort()).toEqual(["aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]);
    expect(addons["vpc-cni"].addon_version).toBe(config.cluster.addons.vpcCni);
    expect(addons.coredns.addon_version).toBe(config.cluster.addons.coreDns);
    expect(addons["kube-proxy"].addon_version).toBe(config.cluster.addons.kubeProxy);
    expect(addons["eks-pod-identity-agent"].addon_version).toBe(config.cluster.addons.podIdentityAgent);
    expect(addons["aws-ebs-csi-driver"].addon_version).toBe(config.cluster.addons.ebsCsiDriver);
    const association = addons["aws-ebs-csi-driver"].pod_identity_association[0];
    expect(association.service_account).toBe("ebs-csi-controller-sa");
    const role = tf.resource!.aws_iam_role[refName(association.role_arn)];
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal.Service).toBe("pods.eks.amazonaws.com");
  });

  it("admits into the cluster security group only the public load balancer's group and, on 443, the peered planes", () => {
    const rules = configsOf(tf, "aws_vpc_security_group_ingress_rule").filter((r) => String(r.security_group_id).includes(`aws_eks_cluster.${clusterId}.vpc_config[0].cluster_security_group_id`));
    expect(rules.length).toBeGreaterThan(0);
    const peerCidrs = env.regions.map((r) => r.vpcCidr).concat(env.global.vpcCidr).filter((c) => c !== config.vpcCidr);
    for (const rule of rules) {
      if (rule.cidr_ipv4 !== undefined) {
        expect(peerCidrs).toContain(rule.cidr_ipv4);
        expect([rule.from_port, rule.to_port]).toEqual([443, 443]);
      } else {
        expect(rule.referenced_security_group_id).toMatch(/aws_security_group\./);
      }
      expect(rule.cidr_ipv4).not.toBe("0.0.0.0/0");
    }
  });

  it("opens the public load balancer on 443 only", () => {
    const lb = resourcesOf(tf, "aws_security_group").find(([, g]) => g.name === `cdn-${env.name}-${ref.kind === "global" ? "global" : `regional-${ref.key}`}-ingress-lb`)!;
    const rules = configsOf(tf, "aws_vpc_security_group_ingress_rule").filter((r) => r.security_group_id === `\${aws_security_group.${lb[0]}.id}`);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect([rule.from_port, rule.to_port, rule.ip_protocol]).toEqual([443, 443, "tcp"]);
  });
});

function refNameOfEntry(tf: TfJson, principalArn: string): string {
  const [name] = resourcesOf(tf, "aws_eks_access_entry").find(([, e]) => e.principal_arn === principalArn)!;
  return name;
}

describe("Cluster construct", () => {
  const base = {
    name: "c",
    namePrefix: "t",
    kubernetesVersion: "1.35",
    subnetIds: ["subnet-a", "subnet-b"],
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    region: "eu-west-1",
    accountId: "123456789012",
    nodeGroups: [{ name: "system", instanceTypes: ["m6i.large"] }],
    addons: { vpcCni: "v1", coreDns: "v1", kubeProxy: "v1", podIdentityAgent: "v1", ebsCsiDriver: "v1" },
  };
  const build = (props: Partial<typeof base> & Record<string, unknown> = {}) => {
    const s = new TerraformStack(Testing.app(), "test");
    new Cluster(s, "cluster", { ...base, ...props } as any);
    return JSON.parse(Testing.synth(s)) as TfJson;
  };

  it("defaults to 3-5 nodes and a private-only endpoint", () => {
    const tf = build();
    expect(configsOf(tf, "aws_eks_node_group")[0].scaling_config).toEqual({ min_size: 3, max_size: 5, desired_size: 3 });
    expect(configsOf(tf, "aws_eks_cluster")[0].vpc_config.endpoint_public_access).toBe(false);
    expect(configsOf(tf, "aws_eks_cluster")[0].vpc_config.public_access_cidrs).toBeUndefined();
  });

  it("opens the public endpoint only to the given CIDRs", () => {
    const tf = build({ publicAccessCidrs: ["203.0.113.0/24"] });
    expect(configsOf(tf, "aws_eks_cluster")[0].vpc_config).toMatchObject({ endpoint_public_access: true, public_access_cidrs: ["203.0.113.0/24"] });
  });

  it("refuses node subnets in fewer than 2 AZs", () => {
    expect(() => build({ availabilityZones: ["eu-west-1a", "eu-west-1a"] })).toThrow(/at least 2 availability zones/);
  });

  it("refuses a principal listed twice (one access entry per principal), also under two paths", () => {
    const deploy = "arn:aws:iam::123456789012:role/deploy";
    const terraformRoles = { deployRoleArn: deploy, planRoleArn: "arn:aws:iam::123456789012:role/plan" };
    expect(() => build({ terraformRoles, adminPrincipalArns: [deploy] })).toThrow(/arn:aws:iam::123456789012:role\/deploy is listed twice/);
    expect(() => build({ adminPrincipalArns: ["arn:aws:iam::123456789012:role/Ops", "arn:aws:iam::123456789012:role/team/Ops"] })).toThrow(/share the key "Ops"/);
  });

  it("without Terraform roles creates entries for the listed principals only", () => {
    const tf = build({ adminPrincipalArns: ["arn:aws:iam::123456789012:role/Ops"] });
    expect(configsOf(tf, "aws_eks_access_entry").map((e) => e.principal_arn)).toEqual(["arn:aws:iam::123456789012:role/Ops"]);
    expect(configsOf(tf, "aws_eks_cluster")[0].access_config.bootstrap_cluster_creator_admin_permissions).toBe(false);
  });
});

describe("bad cluster config fails with a clear message", () => {
  const reject = (mutate: (env: any) => void): string => {
    const env = structuredClone(dev) as any;
    mutate(env);
    try {
      loadEnvironment(env, "environments/dev.ts");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error("expected rejection");
  };

  it("min > max nodes", () => {
    const message = reject((e) => Object.assign(e.global.cluster.nodeGroups[0], { minSize: 6, maxSize: 5 }));
    expect(message).toContain("global.cluster.nodeGroups[0].minSize: got 6; must not exceed maxSize (5)");
  });

  it("an unsupported Kubernetes version", () => {
    const message = reject((e) => (e.regions[0].cluster.kubernetesVersion = "1.29"));
    expect(message).toContain('regions[0].cluster.kubernetesVersion: got "1.29"; must be a Kubernetes version in EKS standard support');
  });

  it("fewer than 2 AZs for the node subnets", () => {
    const message = reject((e) => (e.global.availabilityZones = ["us-east-1a"]));
    expect(message).toContain("global.availabilityZones");
    expect(message).toContain("at least 2 availability zones");
  });

  it("an add-on version that is not an EKS build", () => {
    const message = reject((e) => (e.global.cluster.addons = { ...e.global.cluster.addons, coreDns: "latest" }));
    expect(message).toContain('global.cluster.addons.coreDns: got "latest"; must be an EKS add-on version');
  });

  it("the Terraform deploy role listed again as an admin (a duplicate access entry)", () => {
    const message = reject((e) => (e.regions[0].cluster.adminRoleArns = [...e.regions[0].cluster.adminRoleArns, "arn:aws:iam::111111111111:role/cdn-dev-terraform-deploy"]));
    expect(message).toContain("regions[0].cluster.adminRoleArns[1]: got \"arn:aws:iam::111111111111:role/cdn-dev-terraform-deploy\"; must not repeat a principal that already has an access entry on this cluster (terraform.deployRoleArn)");
    expect(message).toContain("ResourceInUseException");
  });

  it("the plan role listed as a viewer under another path (same role, same entry)", () => {
    const message = reject((e) => (e.global.cluster.viewerRoleArns = ["arn:aws:iam::111111111111:role/ci/cdn-dev-terraform-plan"]));
    expect(message).toContain("global.cluster.viewerRoleArns[0]: got \"arn:aws:iam::111111111111:role/ci/cdn-dev-terraform-plan\"; must not repeat a principal that already has an access entry on this cluster (terraform.planRoleArn)");
  });

  it("Terraform roles of another account", () => {
    const message = reject((e) => (e.terraform = { deployRoleArn: "arn:aws:iam::111111111111:role/cdn-dev-terraform-deploy", planRoleArn: "arn:aws:iam::999999999999:role/cdn-terraform-plan" }));
    expect(message).toContain('terraform.planRoleArn: got "arn:aws:iam::999999999999:role/cdn-terraform-plan"; must be a role of the environment\'s account 111111111111');
  });

  it("(no terraform section: the roles default to the CI roles the bootstrap stack creates)", () => {
    const env = loadEnvironment(structuredClone(ENVIRONMENTS.dev.data), "environments/dev.ts");
    expect((ENVIRONMENTS.dev.data as any).terraform).toBeUndefined();
    expect(env.terraform).toEqual({
      deployRoleArn: "arn:aws:iam::111111111111:role/cdn-dev-terraform-deploy",
      planRoleArn: "arn:aws:iam::111111111111:role/cdn-dev-terraform-plan",
    });
  });

  it("a certificate from another region", () => {
    const message = reject((e) => (e.regions[0].ingress.certificateArn = e.global.ingress.certificateArn));
    expect(message).toContain("regions[0].ingress.certificateArn");
    expect(message).toContain("must be a certificate in the plane's region us-west-2");
  });
});

describe("AWS Load Balancer Controller permissions", () => {
  const statements = loadBalancerControllerStatements("us-east-1", "123456789012");
  const readOnly = /^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]*$/;

  it("uses Resource * only for read-only calls (which support no resource scoping)", () => {
    for (const s of nonEmpty(statements.filter((st) => (st.resources ?? []).includes("*")), "statements on Resource *")) {
      for (const action of s.actions) expect(action, `${s.sid}: ${action}`).toMatch(readOnly);
    }
  });

  it("scopes every mutating call to this account and region", () => {
    const scoped = nonEmpty(statements.flatMap((s) => (s.resources ?? []).filter((r) => r !== "*").map((r) => ({ s, r }))), "scoped resources");
    expect(scoped.length).toBeGreaterThan(5);
    for (const s of statements) {
      for (const r of s.resources ?? []) {
        if (r === "*") continue;
        expect(r, s.sid).toMatch(/^arn:aws:[a-z0-9-]+:(us-east-1)?:123456789012:/);
      }
    }
  });

  it("lets the controller change only security groups and load balancers it tagged, or create them tagged", () => {
    const bySid = Object.fromEntries(statements.map((s) => [s.sid, s]));
    expect(bySid.ManageOwnSecurityGroups.conditions?.[0]).toMatchObject({ test: "Null", variable: "aws:ResourceTag/elbv2.k8s.aws/cluster", values: ["false"] });
    expect(bySid.ModifyOwnLoadBalancers.conditions?.[0].variable).toBe("aws:ResourceTag/elbv2.k8s.aws/cluster");
    expect(bySid.CreateTaggedLoadBalancers.conditions?.[0]).toMatchObject({ variable: "aws:RequestTag/elbv2.k8s.aws/cluster", values: ["false"] });
  });
});

describe.each(planes)("cluster role of $name", ({ name }) => {
  const tf = stack(synth, name);
  it("may use exactly the cluster key for envelope encryption", () => {
    const [cluster] = configsOf(tf, "aws_eks_cluster");
    const roleRef = `\${aws_iam_role.${refName(cluster.role_arn)}.id}`;
    const policies = configsOf(tf, "aws_iam_role_policy").filter((p) => p.role === roleRef);
    expect(policies).toHaveLength(1);
    const [statement] = JSON.parse(policies[0].policy).Statement;
    expect(statement.Action).toEqual(["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"]);
    expect(statement.Resource).toBe(cluster.encryption_config.provider.key_arn);
  });
});
