/**
 * The AWS Load Balancer Controller Helm release (in-cluster side of {@link IngressAccess}). Its AWS
 * permissions come from the Pod Identity role bound to its service account; region and VPC id are set
 * explicitly because node IMDS is closed to pods (hop limit 1).
 */
import { Release } from "@cdktf/provider-helm/lib/release";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { LOAD_BALANCER_CONTROLLER_SUBJECT } from "./index";
import { RELEASE_LIFECYCLE } from "../../src/lib/helm";

/** Where the chart comes from. */
export const EKS_CHARTS_REPOSITORY = "https://aws.github.io/eks-charts";

/** Props of {@link LoadBalancerController}. */
export interface LoadBalancerControllerProps {
  /** Pinned aws-load-balancer-controller chart version. */
  readonly chartVersion: string;
  /** Cluster name. */
  readonly clusterName: string;
  /** Region of the cluster. */
  readonly region: string;
  /** VPC id of the cluster. */
  readonly vpcId: string;
  /** Resources the release must wait for. */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** The AWS Load Balancer Controller. */
export class LoadBalancerController extends Construct {
  /** The Helm release. */
  readonly release: Release;

  constructor(scope: Construct, id: string, props: LoadBalancerControllerProps) {
    super(scope, id);
    const values = {
      clusterName: props.clusterName,
      region: props.region,
      vpcId: props.vpcId,
      replicaCount: 2,
      serviceAccount: { create: true, name: LOAD_BALANCER_CONTROLLER_SUBJECT.serviceAccount },
      // Only Ingresses that ask for it (ingressClassName: alb) get a load balancer.
      ingressClassConfig: { default: false },
      createIngressClassResource: true,
      defaultTargetType: "ip",
      // Do not take over every Service of type LoadBalancer.
      enableServiceMutatorWebhook: false,
      podDisruptionBudget: { maxUnavailable: 1 },
    };
    this.release = new Release(this, "release", {
      name: "aws-load-balancer-controller",
      repository: EKS_CHARTS_REPOSITORY,
      chart: "aws-load-balancer-controller",
      version: props.chartVersion,
      namespace: LOAD_BALANCER_CONTROLLER_SUBJECT.namespace,
      values: [JSON.stringify(values, null, 2)],
      timeout: 600,
      ...RELEASE_LIFECYCLE,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
  }
}
