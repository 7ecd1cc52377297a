/**
 * Data shared by environment files: pinned EKS add-on versions per Kubernetes version. Plain data;
 * the schema validates it like everything else. Refresh with
 * `aws eks describe-addon-versions --kubernetes-version 1.35 --addon-name <name>`.
 */

/** EKS add-on versions published for Kubernetes 1.35. */
export const EKS_1_35_ADDONS = {
  vpcCni: "v1.22.4-eksbuild.3",
  coreDns: "v1.14.3-eksbuild.3",
  kubeProxy: "v1.35.3-eksbuild.13",
  podIdentityAgent: "v1.3.10-eksbuild.3",
  ebsCsiDriver: "v1.66.0-eksbuild.1",
} as const;

/**
 * Helm chart versions, pinned exactly. kube-prometheus-stack from
 * https://prometheus-community.github.io/helm-charts; aws-load-balancer-controller from
 * https://aws.github.io/eks-charts; cluster-autoscaler from https://kubernetes.github.io/autoscaler
 * (9.59.0, app 1.35.0, released 2026-07-21). Bump in staging first.
 */
export const HELM_CHARTS = {
  kubePrometheusStack: "88.5.3",
  awsLoadBalancerController: "3.5.0",
  clusterAutoscaler: "9.59.0",
} as const;

/**
 * Cluster Autoscaler image (registry.k8s.io/autoscaling/cluster-autoscaler) per Kubernetes minor: the
 * latest patch of the matching minor (release tags cluster-autoscaler-1.35.2 and -1.36.1, 2026-07-22).
 * The chart's own default is v1.35.0 whatever the cluster runs, hence the explicit tag.
 */
export const CLUSTER_AUTOSCALER_IMAGES = {
  "1.35": "v1.35.2",
  "1.36": "v1.36.1",
} as const;

/**
 * The GitHub repository whose workflows plan and deploy every shared environment: the OIDC roles of
 * each account trust only its jobs (docs/ci.md). Replace with the real `owner/name` before the first
 * bootstrap apply.
 */
export const GITHUB_REPOSITORY = "acme/cdn-control-plane-infra";
