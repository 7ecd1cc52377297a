/**
 * Cluster Autoscaler: every plane's node groups ignore desired_size because the autoscaler owns it, so
 * every plane has the autoscaler's Pod Identity role (plane stack) and its pinned release (in-cluster
 * stack), wired to each other and to the cluster by reference.
 */
import { describe, expect, it } from "vitest";
import { CLUSTER_AUTOSCALER_IMAGES, HELM_CHARTS } from "../environments/shared";
import { dev } from "../environments/dev";
import { clusterName, k8sStackName, planeStackName, planesOf } from "../src/config/naming";
import { allEnvironments, configsOf, refName, stack, synthesizeAll } from "./helpers/synth";
import { configProblems } from "./helpers/config-problems";

const synth = synthesizeAll();
const planes = allEnvironments().flatMap((env) => planesOf(env).map(({ ref, config }) => ({ env, ref, config, name: planeStackName(env.name, ref) })));
const policyOf = (doc: string) => JSON.parse(doc);

describe.each(planes)("Cluster Autoscaler of $name", ({ env, ref, config, name }) => {
  const tf = stack(synth, name);
  const k8s = stack(synth, k8sStackName(env.name, ref));
  const [clusterLogical] = Object.keys(tf.resource!.aws_eks_cluster);
  const clusterNameRef = `\${aws_eks_cluster.${clusterLogical}.name}`;
  const associations = configsOf(tf, "aws_eks_pod_identity_association").filter((a) => a.service_account === "cluster-autoscaler");
  const releases = configsOf(k8s, "helm_release").filter((r) => r.name === "cluster-autoscaler");

  it("binds a role to kube-system/cluster-autoscaler, naming the cluster by reference", () => {
    expect(associations).toHaveLength(1);
    const [association] = associations;
    expect(association.namespace).toBe("kube-system");
    // A reference orders the association after the cluster; a literal name would race it.
    expect(association.cluster_name).toBe(clusterNameRef);
    const role = tf.resource!.aws_iam_role[refName(association.role_arn)];
    expect(role.name).toBe(`cdn-${env.name}-${ref.kind === "global" ? "global" : `regional-${ref.key}`}-cluster-autoscaler`);
    expect(policyOf(role.assume_role_policy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] },
    ]);
  });

  it("may describe anything but scale and terminate only the Auto Scaling groups tagged as this cluster's", () => {
    const roleLogical = refName(associations[0].role_arn);
    const policies = configsOf(tf, "aws_iam_role_policy").filter((p) => p.role === `\${aws_iam_role.${roleLogical}.id}`);
    expect(policies).toHaveLength(1);
    expect(policyOf(policies[0].policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DiscoverNodeGroups",
          Effect: "Allow",
          Action: [
            "autoscaling:DescribeAutoScalingGroups",
            "autoscaling:DescribeAutoScalingInstances",
            "autoscaling:DescribeLaunchConfigurations",
            "autoscaling:DescribeScalingActivities",
            "ec2:DescribeImages",
            "ec2:DescribeInstanceTypes",
            "ec2:DescribeLaunchTemplateVersions",
            "ec2:GetInstanceTypesFromInstanceRequirements",
            "eks:DescribeNodegroup",
          ],
          Resource: "*",
        },
        {
          Sid: "ScaleOwnNodeGroupsOnly",
          Effect: "Allow",
          Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
          Resource: "*",
          Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterNameRef}`]: "owned" } },
        },
      ],
    });
    // Nothing that changes capacity is granted without the ownership condition.
    for (const s of policyOf(policies[0].policy).Statement) {
      const writes = [s.Action].flat().filter((a: string) => !/^[a-z0-9-]+:(Describe|Get)/.test(a));
      if (writes.length > 0) expect(s.Condition, s.Sid).toBeDefined();
    }
  });

  it("installs the pinned chart in kube-system, for the cluster's region and name", () => {
    expect(releases).toHaveLength(1);
    const [release] = releases;
    expect(release).toMatchObject({
      repository: "https://kubernetes.github.io/autoscaler",
      chart: "cluster-autoscaler",
      version: env.kubernetes.charts.clusterAutoscaler,
      namespace: "kube-system",
      wait: true,
    });
    expect(release.version).toBe("9.59.0");
    const values = JSON.parse(release.values[0]);
    expect(values.cloudProvider).toBe("aws");
    // IMDS is closed to pods (hop limit 1): the region must be given.
    expect(values.awsRegion).toBe(config.region);
    expect(values.autoDiscovery).toEqual({ clusterName: clusterName(ref) });
    // The association above names this service account.
    expect(values.rbac.serviceAccount).toEqual({ create: true, name: associations[0].service_account });
  });

  it("runs the autoscaler release of the cluster's Kubernetes minor", () => {
    const values = JSON.parse(releases[0].values[0]);
    expect(values.image.tag).toBe(env.kubernetes.clusterAutoscalerImages[config.cluster.kubernetesVersion]);
    expect(values.image.tag).toMatch(new RegExp(`^v${config.cluster.kubernetesVersion.replace(".", "\\.")}\\.\\d+$`));
  });

  it("scales with sane flags, its own disruption budget, requests and a critical priority", () => {
    const values = JSON.parse(releases[0].values[0]);
    expect(values.extraArgs).toMatchObject({
      "balance-similar-node-groups": true,
      expander: "least-waste",
      "skip-nodes-with-system-pods": false,
      "skip-nodes-with-local-storage": true,
    });
    expect(values.replicaCount).toBe(1);
    expect(values.podDisruptionBudget).toEqual({ maxUnavailable: 1 });
    expect(values.priorityClassName).toBe("system-cluster-critical");
    expect(values.resources.requests).toEqual({ cpu: "100m", memory: "300Mi" });
    expect(values.resources.limits.memory).toBeDefined();
    expect(values.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(values.containerSecurityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
  });

  it("is what makes the node groups' ignored desired_size safe: every group is within the autoscaler's range", () => {
    const groups = configsOf(tf, "aws_eks_node_group");
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) {
      expect(group.lifecycle.ignore_changes).toEqual(["scaling_config[0].desired_size"]);
      expect(group.cluster_name).toBe(clusterNameRef);
      const { min_size, max_size, desired_size } = group.scaling_config;
      expect(min_size).toBeLessThanOrEqual(desired_size);
      expect(desired_size).toBeLessThanOrEqual(max_size);
    }
    expect(releases).toHaveLength(1);
  });
});

describe("autoscaler pins", () => {
  const FILE = "environments/dev.ts";
  const problemsOf = (mutate: (env: any) => void): string => configProblems(dev, FILE, mutate);

  it("every environment uses the shared pins", () => {
    for (const env of allEnvironments()) {
      expect(env.kubernetes.charts.clusterAutoscaler).toBe(HELM_CHARTS.clusterAutoscaler);
      expect(env.kubernetes.clusterAutoscalerImages).toEqual(CLUSTER_AUTOSCALER_IMAGES);
    }
  });

  it("rejects a chart range instead of an exact version", () => {
    expect(problemsOf((e) => (e.kubernetes.charts.clusterAutoscaler = "9.x"))).toContain(
      'kubernetes.charts.clusterAutoscaler: got "9.x"; must be an exact chart version like 1.2.3',
    );
  });

  it("rejects a cluster version without an autoscaler image", () => {
    const message = problemsOf((e) => (e.kubernetes.clusterAutoscalerImages = { "1.35": "v1.35.2" }) && (e.global.cluster.kubernetesVersion = "1.36"));
    expect(message).toContain("global.cluster.kubernetesVersion");
    expect(message).toContain("needs a Cluster Autoscaler image for Kubernetes 1.36");
  });

  it("rejects an autoscaler image of another Kubernetes minor", () => {
    const message = problemsOf((e) => (e.kubernetes.clusterAutoscalerImages = { "1.35": "v1.36.1" }));
    expect(message).toContain('kubernetes.clusterAutoscalerImages.1.35: got "v1.36.1"; must be a Cluster Autoscaler release for Kubernetes 1.35');
  });

  it("rejects an image tag that is not exact", () => {
    expect(problemsOf((e) => (e.kubernetes.clusterAutoscalerImages = { "1.35": "latest" }))).toContain("must be an exact Cluster Autoscaler image tag like v1.35.2");
  });
});
