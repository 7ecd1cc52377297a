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
 * https://aws.github.io/eks-charts. Bump in staging first.
 */
export const HELM_CHARTS = {
  kubePrometheusStack: "88.5.3",
  awsLoadBalancerController: "3.5.0",
} as const;

/** The repository whose workflows plan and deploy every environment (the in-VPC runners serve it). */
export const GITHUB_REPOSITORY = { owner: "acme-cdn", repository: "cdn-control-plane-infra" } as const;
