/**
 * The AWS side of a plane's ingress: the AWS Load Balancer Controller's Pod Identity role, and the
 * security group of the internet-facing load balancer, which admits HTTPS (443) from the internet and
 * nothing else, and may only talk to targets inside the VPC. The controller itself (a Helm release) and
 * the Ingress objects live in the in-cluster stack; Ingresses name this group with the
 * `alb.ingress.kubernetes.io/security-groups` annotation (by its Name tag).
 */
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { assertUniqueKeys, cidrKey, moveFromIndexedId } from "../../src/lib/ids";
import { loadBalancerSecurityGroupTags } from "../../src/policy/conventions";
import { PodIdentityRole } from "../pod-identity";
import { loadBalancerControllerStatements } from "./controller-policy";

/** Namespace and service account of the AWS Load Balancer Controller. */
export const LOAD_BALANCER_CONTROLLER_SUBJECT = { namespace: "kube-system", serviceAccount: "aws-load-balancer-controller" } as const;

/** Defaults of {@link IngressAccessProps}; the config schema fills omitted fields from the same object. */
export const INGRESS_DEFAULTS = {
  allowedCidrs: ["0.0.0.0/0"] as readonly string[],
  targetPort: 8080,
} as const;

/** Props of {@link IngressAccess}. */
export interface IngressAccessProps {
  /** Prefix of resource names, e.g. `cdn-prod-global`. */
  readonly namePrefix: string;
  /** Cluster whose controller gets the role. */
  readonly clusterName: string;
  /** VPC of the load balancer. */
  readonly vpcId: string;
  /** CIDR of the VPC (the only place the load balancer may forward to). */
  readonly vpcCidr: string;
  /** Region of the plane. */
  readonly region: string;
  /** Account of the plane. */
  readonly accountId: string;
  /** Source CIDRs allowed to reach 443. @default ["0.0.0.0/0"] (the whole IPv4 internet) */
  readonly allowedCidrs?: readonly string[];
  /** The one port pods behind the load balancer listen on (ip targets). @default 8080 */
  readonly targetPort?: number;
}

/** Load balancer controller identity and the public load balancer's security group. */
export class IngressAccess extends Construct {
  /** The controller's role. */
  readonly controllerRole: PodIdentityRole;
  /** Security group of the internet-facing load balancer. */
  readonly loadBalancerSecurityGroup: SecurityGroup;
  /** Name (and Name tag) of that security group, for the Ingress annotation. */
  readonly loadBalancerSecurityGroupName: string;
  /** The port pods behind the load balancer listen on. */
  readonly targetPort: number;

  constructor(scope: Construct, id: string, props: IngressAccessProps) {
    super(scope, id);
    this.controllerRole = new PodIdentityRole(this, "controller", {
      roleName: `${props.namePrefix}-aws-load-balancer-controller`,
      description: `AWS Load Balancer Controller of ${props.clusterName}`,
      clusterName: props.clusterName,
      ...LOAD_BALANCER_CONTROLLER_SUBJECT,
      statements: loadBalancerControllerStatements(props.region, props.accountId),
    });

    this.loadBalancerSecurityGroupName = `${props.namePrefix}-ingress-lb`;
    this.loadBalancerSecurityGroup = new SecurityGroup(this, "lb-sg", {
      name: this.loadBalancerSecurityGroupName,
      description: "Internet-facing load balancer: HTTPS in from the internet, out to targets in the VPC only",
      vpcId: props.vpcId,
      // The controller attaches this group to the load balancers it creates; the tag tells the policy
      // pack (and people) that 443 from the internet is intended here.
      tags: { Name: this.loadBalancerSecurityGroupName, ...loadBalancerSecurityGroupTags() },
    });
    const allowedCidrs = props.allowedCidrs ?? INGRESS_DEFAULTS.allowedCidrs;
    assertUniqueKeys(`IngressAccess ${props.namePrefix}: allowedCidrs`, allowedCidrs.map(cidrKey));
    allowedCidrs.forEach((cidr, i) => {
      // Keyed by the CIDR, so removing one never shifts (and replaces) the others' rules.
      const rule = new VpcSecurityGroupIngressRule(this, `https-in-${cidrKey(cidr)}`, {
        securityGroupId: this.loadBalancerSecurityGroup.id,
        description: `HTTPS from ${cidr} to the public load balancer`,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        ...(cidr.includes(":") ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
      });
      moveFromIndexedId(rule, `https-in-${i}`);
    });
    this.targetPort = props.targetPort ?? INGRESS_DEFAULTS.targetPort;
    new VpcSecurityGroupEgressRule(this, "to-targets", {
      securityGroupId: this.loadBalancerSecurityGroup.id,
      description: `Load balancer to its targets (pod IPs, port ${this.targetPort}) inside the VPC`,
      ipProtocol: "tcp",
      fromPort: this.targetPort,
      toPort: this.targetPort,
      cidrIpv4: props.vpcCidr,
    });
  }

  /**
   * Lets the public load balancer reach `securityGroupId` (the pods' security group, for ip targets) on
   * the target port and nothing else. `id` names the rule within this construct.
   */
  allowTo(id: string, securityGroupId: string, description = `Public load balancer to pod targets on ${this.targetPort}`): VpcSecurityGroupIngressRule {
    return new VpcSecurityGroupIngressRule(this, id, {
      securityGroupId,
      referencedSecurityGroupId: this.loadBalancerSecurityGroup.id,
      description,
      ipProtocol: "tcp",
      fromPort: this.targetPort,
      toPort: this.targetPort,
    });
  }
}
