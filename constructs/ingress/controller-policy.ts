/**
 * Permissions of the AWS Load Balancer Controller, as typed statements. They follow the controller's
 * published IAM policy (v2.7 and later, unchanged in shape for 3.x) but scope every mutating action to
 * ARNs of this account and region (security groups, load balancers, listeners, rules, target groups,
 * web ACLs, Shield protections); only Describe/List/Get calls, which support no resource scoping, use `*`. Mutating calls are limited to resources the controller tagged
 * as its own (`elbv2.k8s.aws/cluster`, `ingress.k8s.aws/cluster`, `service.k8s.aws/cluster`).
 */
import type { Statement } from "../../src/lib/iam";

/** The controller's statements for one account and region. */
export function loadBalancerControllerStatements(region: string, accountId: string): Statement[] {
  const elb = (kind: string) => `arn:aws:elasticloadbalancing:${region}:${accountId}:${kind}`;
  const lbArns = [elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")];
  const tgArns = [elb("targetgroup/*/*")];
  const listenerArns = [elb("listener/net/*/*/*"), elb("listener/app/*/*/*"), elb("listener-rule/net/*/*/*"), elb("listener-rule/app/*/*/*")];
  const securityGroups = [`arn:aws:ec2:${region}:${accountId}:security-group/*`];
  const ownedByController = { test: "Null", variable: "aws:ResourceTag/elbv2.k8s.aws/cluster", values: ["false"] };
  const notBeingTagged = { test: "Null", variable: "aws:RequestTag/elbv2.k8s.aws/cluster", values: ["true"] };
  const taggedOnCreate = { test: "Null", variable: "aws:RequestTag/elbv2.k8s.aws/cluster", values: ["false"] };
  return [
    {
      sid: "CreateElbServiceLinkedRole",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [`arn:aws:iam::${accountId}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing`],
      conditions: [{ test: "StringEquals", variable: "iam:AWSServiceName", values: ["elasticloadbalancing.amazonaws.com"] }],
    },
    {
      sid: "DiscoverNetworkAndLoadBalancers",
      actions: [
        "ec2:DescribeAccountAttributes",
        "ec2:DescribeAddresses",
        "ec2:DescribeAvailabilityZones",
        "ec2:DescribeInternetGateways",
        "ec2:DescribeVpcs",
        "ec2:DescribeVpcPeeringConnections",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeInstances",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeTags",
        "ec2:DescribeRouteTables",
        "ec2:GetCoipPoolUsage",
        "ec2:DescribeCoipPools",
        "ec2:GetSecurityGroupsForVpc",
        "ec2:DescribeIpamPools",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeListenerCertificates",
        "elasticloadbalancing:DescribeListenerAttributes",
        "elasticloadbalancing:DescribeSSLPolicies",
        "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeTrustStores",
        "elasticloadbalancing:DescribeCapacityReservation",
      ],
      resources: ["*"],
    },
    {
      sid: "ReadCertificatesAndProtections",
      actions: [
        "cognito-idp:DescribeUserPoolClient",
        "acm:ListCertificates",
        "acm:DescribeCertificate",
        "iam:ListServerCertificates",
        "iam:GetServerCertificate",
        "waf-regional:GetWebACL",
        "waf-regional:GetWebACLForResource",
        "wafv2:GetWebACL",
        "wafv2:GetWebACLForResource",
        "shield:GetSubscriptionState",
        "shield:DescribeProtection",
      ],
      resources: ["*"],
    },
    {
      sid: "AttachWebAclsToOwnLoadBalancers",
      actions: ["waf-regional:AssociateWebACL", "waf-regional:DisassociateWebACL", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL"],
      resources: [
        elb("loadbalancer/app/*/*"),
        `arn:aws:waf-regional:${region}:${accountId}:webacl/*`,
        `arn:aws:wafv2:${region}:${accountId}:regional/webacl/*/*`,
      ],
    },
    {
      sid: "ProtectOwnLoadBalancersWithShield",
      actions: ["shield:CreateProtection", "shield:DeleteProtection"],
      resources: [`arn:aws:shield::${accountId}:protection/*`, ...lbArns],
    },
    {
      sid: "ManageSecurityGroupRulesForTargets",
      actions: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
      resources: securityGroups,
      conditions: [{ test: "ArnLike", variable: "ec2:Vpc", values: [`arn:aws:ec2:${region}:${accountId}:vpc/*`] }],
    },
    {
      sid: "CreateSecurityGroups",
      actions: ["ec2:CreateSecurityGroup"],
      resources: [...securityGroups, `arn:aws:ec2:${region}:${accountId}:vpc/*`],
    },
    {
      sid: "TagSecurityGroupsOnCreate",
      actions: ["ec2:CreateTags"],
      resources: securityGroups,
      conditions: [{ test: "StringEquals", variable: "ec2:CreateAction", values: ["CreateSecurityGroup"] }, taggedOnCreate],
    },
    {
      sid: "RetagOwnSecurityGroups",
      actions: ["ec2:CreateTags", "ec2:DeleteTags"],
      resources: securityGroups,
      conditions: [notBeingTagged, ownedByController],
    },
    {
      sid: "ManageOwnSecurityGroups",
      actions: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
      resources: securityGroups,
      conditions: [ownedByController],
    },
    {
      sid: "CreateTaggedLoadBalancers",
      actions: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
      resources: [...lbArns, ...tgArns],
      conditions: [taggedOnCreate],
    },
    {
      sid: "ManageListenersAndRules",
      actions: [
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:DeleteRule",
      ],
      resources: [...lbArns, ...listenerArns],
    },
    {
      sid: "RetagOwnLoadBalancers",
      actions: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      resources: [...tgArns, ...lbArns],
      conditions: [notBeingTagged, ownedByController],
    },
    {
      sid: "TagListenersAndRules",
      actions: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      resources: listenerArns,
    },
    {
      sid: "ModifyOwnLoadBalancers",
      actions: [
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:ModifyListenerAttributes",
        "elasticloadbalancing:ModifyCapacityReservation",
        "elasticloadbalancing:ModifyIpPools",
      ],
      resources: [...lbArns, ...tgArns, ...listenerArns],
      conditions: [ownedByController],
    },
    {
      sid: "TagOnCreate",
      actions: ["elasticloadbalancing:AddTags"],
      resources: [...tgArns, ...lbArns],
      conditions: [
        { test: "StringEquals", variable: "elasticloadbalancing:CreateAction", values: ["CreateTargetGroup", "CreateLoadBalancer"] },
        taggedOnCreate,
      ],
    },
    {
      sid: "RegisterTargets",
      actions: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
      resources: tgArns,
    },
    {
      sid: "ManageListenerCertificatesAndRules",
      actions: [
        "elasticloadbalancing:SetWebAcl",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:ModifyRule",
        "elasticloadbalancing:SetRulePriorities",
      ],
      resources: [...lbArns, ...listenerArns],
    },
  ];
}
