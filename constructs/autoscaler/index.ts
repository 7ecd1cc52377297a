/**
 * The Kubernetes Cluster Autoscaler, which makes a node group's min/max range real: it raises the
 * managed node group's Auto Scaling group when pods cannot be scheduled and lowers it when nodes sit
 * underused (the node group ignores `desired_size` after creation for exactly this reason).
 *
 * Two halves, like the load balancer controller: {@link clusterAutoscalerStatements} is the AWS side
 * (the Pod Identity role's permissions, created in the plane stack) and {@link ClusterAutoscaler} the
 * Helm release in the in-cluster stack. Its IAM follows the upstream "full features" policy
 * (cluster-autoscaler/cloudprovider/aws/README.md): read-only Describe calls on `*`, and the two
 * calls that change capacity only on Auto Scaling groups tagged
 * `k8s.io/cluster-autoscaler/<cluster>=owned`, the tag EKS puts on every managed node group's group.
 */
import { Release } from "@cdktf/provider-helm/lib/release";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Statement } from "../../src/lib/iam";
import { RELEASE_LIFECYCLE } from "../../src/lib/helm";

/** Namespace and service account of the autoscaler (the chart creates the account under this name). */
export const CLUSTER_AUTOSCALER_SUBJECT = { namespace: "kube-system", serviceAccount: "cluster-autoscaler" } as const;

/** Where the chart comes from. */
export const CLUSTER_AUTOSCALER_REPOSITORY = "https://kubernetes.github.io/autoscaler";

/**
 * Permissions of the autoscaler's role for the cluster named `clusterName` (pass the cluster
 * resource's `name` attribute, so the role waits for the cluster).
 */
export function clusterAutoscalerStatements(clusterName: string): Statement[] {
  return [
    {
      sid: "DiscoverNodeGroups",
      actions: [
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
      // Describe/Get calls of these services support no resource-level restriction.
      resources: ["*"],
    },
    {
      sid: "ScaleOwnNodeGroupsOnly",
      actions: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
      resources: ["*"],
      conditions: [{ test: "StringEquals", variable: `aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`, values: ["owned"] }],
    },
  ];
}

/** Props of {@link ClusterAutoscaler}. */
export interface ClusterAutoscalerProps {
  /** Pinned cluster-autoscaler chart version. */
  readonly chartVersion: string;
  /** Autoscaler image tag; its minor must match the cluster's Kubernetes minor (e.g. v1.35.2 for 1.35). */
  readonly imageTag: string;
  /** Name of the cluster whose node groups it discovers (by their `k8s.io/cluster-autoscaler/<name>` tag). */
  readonly clusterName: string;
  /** Region of the cluster (pods cannot reach the node's instance metadata: hop limit 1). */
  readonly region: string;
  /** Resources the release must wait for. */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** The Cluster Autoscaler Helm release, in kube-system. */
export class ClusterAutoscaler extends Construct {
  /** The Helm release. */
  readonly release: Release;

  constructor(scope: Construct, id: string, props: ClusterAutoscalerProps) {
    super(scope, id);
    const values = {
      cloudProvider: "aws",
      // Becomes AWS_REGION: IMDS is closed to pods (hop limit 1), so the SDK cannot discover it.
      awsRegion: props.region,
      // Discovers the Auto Scaling groups tagged k8s.io/cluster-autoscaler/enabled and
      // k8s.io/cluster-autoscaler/<cluster>, which EKS sets on every managed node group's group.
      autoDiscovery: { clusterName: props.clusterName },
      image: { tag: props.imageTag },
      // The Pod Identity association names this account; no IRSA annotation is needed.
      rbac: { serviceAccount: { create: true, name: CLUSTER_AUTOSCALER_SUBJECT.serviceAccount } },
      // The chart's default: one active instance (it elects a leader anyway); a rescheduled pod
      // resumes within a minute, and nodes only change on the order of minutes.
      replicaCount: 1,
      priorityClassName: "system-cluster-critical",
      // One replica with maxUnavailable 1: a node drain (upgrade, scale-down) is never blocked by it.
      podDisruptionBudget: { maxUnavailable: 1 },
      resources: { requests: { cpu: "100m", memory: "300Mi" }, limits: { memory: "600Mi" } },
      securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
      containerSecurityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
      extraArgs: {
        logtostderr: true,
        stderrthreshold: "info",
        v: 4,
        // Treat node groups with the same instance shape in different AZs as one pool and keep them
        // even: what the EKS docs ask for once node groups are split per AZ for EBS-backed pods.
        "balance-similar-node-groups": true,
        // Scale up the group that leaves the least CPU and memory idle.
        expander: "least-waste",
        // Every node runs kube-system pods (CoreDNS, EBS CSI and load balancer controllers, this
        // autoscaler), each with a PodDisruptionBudget: with the default (true) no node could ever be
        // removed and the group would stay at its peak size.
        "skip-nodes-with-system-pods": false,
        // Kept at the default: a pod with emptyDir data is not evicted for a scale-down (opt in per
        // pod with cluster-autoscaler.kubernetes.io/safe-to-evict: "true").
        "skip-nodes-with-local-storage": true,
      },
    };
    this.release = new Release(this, "release", {
      name: "cluster-autoscaler",
      repository: CLUSTER_AUTOSCALER_REPOSITORY,
      chart: "cluster-autoscaler",
      version: props.chartVersion,
      namespace: CLUSTER_AUTOSCALER_SUBJECT.namespace,
      values: [JSON.stringify(values, null, 2)],
      timeout: 600,
      ...RELEASE_LIFECYCLE,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
  }
}
