/**
 * Data shared by environment files: the pinned versions. Plain data; the schema validates it like
 * everything else. Every pin carries a `// renovate:` annotation on the line above it, so that the
 * self-hosted Renovate run (renovate.json, .github/workflows/renovate.yml) proposes updates, and the
 * scheduled `npm run preflight` reports a pin the account no longer offers (docs/decisions/0009).
 * By hand: `aws eks describe-addon-versions --kubernetes-version 1.35 --addon-name <name>`.
 */

/** Kubernetes minor version of every cluster (upgrades are planned: Renovate asks for approval first). */
// renovate: datasource=endoflife-date depName=amazon-eks versioning=loose
export const KUBERNETES_VERSION = "1.35";

/** PostgreSQL engine version of every database (minor updates only: a major one changes the parameter family). */
// renovate: datasource=aws-rds depName=postgres packageName=[{"Name":"engine","Values":["postgres"]}] versioning=loose
export const POSTGRES_ENGINE_VERSION = "16.11";

/** EKS add-on versions published for Kubernetes 1.35. */
export const EKS_1_35_ADDONS = {
  // renovate: datasource=aws-eks-addon depName=vpc-cni packageName={"addonName":"vpc-cni","kubernetesVersion":"1.35"}
  vpcCni: "v1.22.4-eksbuild.3",
  // renovate: datasource=aws-eks-addon depName=coredns packageName={"addonName":"coredns","kubernetesVersion":"1.35"}
  coreDns: "v1.14.3-eksbuild.3",
  // renovate: datasource=aws-eks-addon depName=kube-proxy packageName={"addonName":"kube-proxy","kubernetesVersion":"1.35"}
  kubeProxy: "v1.35.3-eksbuild.13",
  // renovate: datasource=aws-eks-addon depName=eks-pod-identity-agent packageName={"addonName":"eks-pod-identity-agent","kubernetesVersion":"1.35"}
  podIdentityAgent: "v1.3.10-eksbuild.3",
  // renovate: datasource=aws-eks-addon depName=aws-ebs-csi-driver packageName={"addonName":"aws-ebs-csi-driver","kubernetesVersion":"1.35"}
  ebsCsiDriver: "v1.66.0-eksbuild.1",
} as const;

/**
 * Helm chart versions, pinned exactly. kube-prometheus-stack from
 * https://prometheus-community.github.io/helm-charts; aws-load-balancer-controller from
 * https://aws.github.io/eks-charts; cluster-autoscaler from https://kubernetes.github.io/autoscaler
 * (9.59.0, app 1.35.0, released 2026-07-21). Bump in staging first.
 */
export const HELM_CHARTS = {
  // renovate: datasource=helm depName=kube-prometheus-stack registryUrl=https://prometheus-community.github.io/helm-charts
  kubePrometheusStack: "88.5.3",
  // renovate: datasource=helm depName=aws-load-balancer-controller registryUrl=https://aws.github.io/eks-charts
  awsLoadBalancerController: "3.5.0",
  // renovate: datasource=helm depName=cluster-autoscaler registryUrl=https://kubernetes.github.io/autoscaler
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
