/** Nothing public: databases, buckets, security groups, the EKS API, public IPs, resource policies. */
import { allPorts, coversPort, INGRESS_TYPES, ingressPermissions, isEveryone, isWorldCidr, RESOURCE_POLICY_TYPES, resourcePolicies, type IngressPermission } from "../checks";
import { LOAD_BALANCER_SG_TAG } from "../conventions";
import { blocks, isTrue, list, strings, type ResourceNode, type StackModel } from "../model";
import type { Finding, Rule } from "../types";
import { at } from "./util";

function describePorts(p: IngressPermission): string {
  if (p.protocol === "-1" || p.protocol === "all") return "all traffic";
  const from = p.fromPort ?? 0;
  const to = p.toPort ?? 65535;
  return `${p.protocol}/${from === to ? from : `${from}-${to}`}`;
}

/** Security groups that front a load balancer: attached to an aws_lb/alb/elb here, or tagged as such. */
function isLoadBalancerGroup(stack: StackModel, sg: ResourceNode | undefined): boolean {
  if (!sg || sg.type !== "aws_security_group") return false;
  const tags = sg.config.tags as Record<string, unknown> | undefined;
  if (tags && tags[LOAD_BALANCER_SG_TAG.key] === LOAD_BALANCER_SG_TAG.value) return true;
  return ["aws_lb", "aws_alb", "aws_elb"].some((t) => stack.referencing(t, "security_groups", sg).length > 0);
}

function ingressTargets(stack: StackModel, node: ResourceNode, p: IngressPermission): ResourceNode | undefined {
  if (node.type === "aws_security_group" || node.type === "aws_default_security_group") return node;
  return stack.resolve(p.securityGroup, ["aws_security_group"]);
}

/** Subnets associated with a route table that has a route to an internet gateway. */
function publicSubnets(stack: StackModel): Set<string> {
  const toIgw = (route: Record<string, unknown>) => {
    const gw = route.gateway_id;
    if (typeof gw === "string" && gw.startsWith("igw-")) return true;
    return stack.resolve(gw, ["aws_internet_gateway"]) !== undefined;
  };
  const publicTables = new Set<string>();
  for (const rt of stack.resources("aws_route_table", "aws_default_route_table")) {
    if (blocks(rt.config.route).some(toIgw)) publicTables.add(rt.address);
  }
  for (const route of stack.resources("aws_route")) {
    const rt = stack.resolve(route.config.route_table_id, ["aws_route_table", "aws_default_route_table"]);
    if (rt && toIgw(route.config)) publicTables.add(rt.address);
  }
  const subnets = new Set<string>();
  for (const assoc of stack.resources("aws_route_table_association")) {
    const rt = stack.resolve(assoc.config.route_table_id, ["aws_route_table"]);
    const subnet = stack.resolve(assoc.config.subnet_id, ["aws_subnet"]);
    if (rt && subnet && publicTables.has(rt.address)) subnets.add(subnet.address);
  }
  return subnets;
}

const PUBLIC_ACLS = new Set(["public-read", "public-read-write", "authenticated-read"]);
const PUBLIC_GRANTEES = ["http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"];
const PAB_FLAGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"] as const;

/** The exposure rules. */
export const exposureRules: readonly Rule[] = [
  {
    id: "CDN-PUB-001",
    title: "RDS databases are never publicly accessible",
    severity: "critical",
    category: "exposure",
    resourceTypes: ["aws_db_instance", "aws_rds_cluster_instance"],
    checks: "No aws_db_instance or aws_rds_cluster_instance has publicly_accessible = true (a Multi-AZ DB cluster's instances are never public: aws_rds_cluster has no such argument).",
    rationale: "A publicly accessible database gets a public DNS name and IP; one security-group mistake away from the internet. The databases are reached from the clusters inside the VPC only.",
    fix: "Remove publicly_accessible (the default is false) and place the database in the isolated database subnets; operators connect through the runbooks' port-forward, not a public endpoint.",
    check: (stack) =>
      stack
        .resources("aws_db_instance", "aws_rds_cluster_instance")
        .filter((n) => isTrue(n.config.publicly_accessible))
        .map((n) => at(n, "publicly_accessible is true")),
  },
  {
    id: "CDN-PUB-002",
    title: "S3 buckets block all public access and grant nothing to the public by ACL",
    severity: "critical",
    category: "exposure",
    resourceTypes: ["aws_s3_bucket", "aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block", "aws_s3_bucket_acl"],
    checks:
      "Every aws_s3_bucket has an aws_s3_bucket_public_access_block (or the stack has an aws_s3_account_public_access_block) with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true; no aws_s3_bucket_acl (or legacy acl) grants public-read, public-read-write, authenticated-read or AllUsers/AuthenticatedUsers.",
    rationale: "Public buckets are the most common cloud data leak; the four blocks make a later policy or ACL mistake harmless.",
    fix: "Use constructs/secure-bucket, which adds the public access block with all four flags and disables ACLs (BucketOwnerEnforced).",
    check: (stack) => {
      const out: Finding[] = [];
      const accountBlock = stack.resources("aws_s3_account_public_access_block").some((n) => PAB_FLAGS.every((f) => isTrue(n.config[f])));
      for (const bucket of stack.resources("aws_s3_bucket")) {
        if (!accountBlock) {
          const pabs = stack.referencing("aws_s3_bucket_public_access_block", "bucket", bucket, ["bucket"]);
          if (pabs.length === 0) out.push(at(bucket, "has no aws_s3_bucket_public_access_block"));
          for (const pab of pabs) {
            const off = PAB_FLAGS.filter((f) => !isTrue(pab.config[f]));
            if (off.length) out.push(at(bucket, `public access block ${pab.address} leaves ${off.join(", ")} off`));
          }
        }
        if (typeof bucket.config.acl === "string" && PUBLIC_ACLS.has(bucket.config.acl)) out.push(at(bucket, `acl is ${bucket.config.acl}`));
      }
      for (const acl of stack.resources("aws_s3_bucket_acl")) {
        if (typeof acl.config.acl === "string" && PUBLIC_ACLS.has(acl.config.acl)) out.push(at(acl, `acl is ${acl.config.acl}`));
        const grants = blocks(acl.config.access_control_policy).flatMap((p) => blocks(p.grant));
        for (const g of grants) {
          const uri = blocks(g.grantee)[0]?.uri;
          if (typeof uri === "string" && PUBLIC_GRANTEES.includes(uri)) out.push(at(acl, `grants ${String(g.permission)} to ${uri}`));
        }
      }
      return out;
    },
  },
  {
    id: "CDN-NET-001",
    title: "No security-group ingress from 0.0.0.0/0 or ::/0, except TCP 443 to a load balancer",
    severity: "critical",
    category: "exposure",
    resourceTypes: [...INGRESS_TYPES, "aws_lb", "aws_alb", "aws_elb"],
    checks: `No ingress permission (inline ingress of aws_security_group/aws_default_security_group, aws_security_group_rule of type ingress, aws_vpc_security_group_ingress_rule) has a /0 source, unless it is exactly TCP 443 into a security group attached to an aws_lb/aws_alb/aws_elb of the same stack or tagged ${LOAD_BALANCER_SG_TAG.key} = ${LOAD_BALANCER_SG_TAG.value}.`,
    rationale: "Everything but the public HTTPS entry point is reached from inside the VPC or through peering; an open port is scanned within minutes.",
    fix: `Restrict the source to the VPC or peer CIDRs or to a security group. For a load balancer's group, allow only TCP 443 and attach it to the aws_lb (or tag it ${LOAD_BALANCER_SG_TAG.key} = ${LOAD_BALANCER_SG_TAG.value} with loadBalancerSecurityGroupTags() from src/policy when a controller attaches it).`,
    check: (stack) =>
      stack.resources(...INGRESS_TYPES).flatMap((node) =>
        ingressPermissions(node).flatMap((p) => {
          const world = p.cidrs.filter(isWorldCidr);
          if (world.length === 0) return [];
          const https = (p.protocol === "tcp" || p.protocol === "6") && p.fromPort === 443 && p.toPort === 443;
          if (https && isLoadBalancerGroup(stack, ingressTargets(stack, node, p))) return [];
          const why = https ? "TCP 443 from the internet is allowed only into a load balancer's security group" : "only TCP 443 to a load balancer may be open to the internet";
          return [at(node, `${p.where} allows ${describePorts(p)} from ${world.join(", ")}: ${why}`)];
        }),
      ),
  },
  {
    id: "CDN-NET-002",
    title: "No SSH (22) or RDP (3389) ingress from anywhere",
    severity: "critical",
    category: "exposure",
    resourceTypes: [...INGRESS_TYPES],
    checks:
      "No ingress permission whose port range includes 22 or 3389 has a CIDR or prefix-list source (whatever the CIDR), and no security-group-sourced permission targets those ports specifically. All-traffic permissions between security groups (e.g. node to node) are allowed.",
    rationale: "Nodes are immutable and reached through SSM Session Manager or kubectl; an SSH or RDP port is an unneeded, long-lived credential surface.",
    fix: "Delete the rule (or narrow a wide CIDR-sourced range to the ports actually needed); reach nodes with SSM Session Manager (AmazonSSMManagedInstanceCore on the node role) or `kubectl debug node/...`.",
    check: (stack) =>
      stack.resources(...INGRESS_TYPES).flatMap((node) =>
        ingressPermissions(node).flatMap((p) => {
          const ports = [22, 3389].filter((port) => coversPort(p, port));
          if (ports.length === 0) return [];
          const addressSources = [...p.cidrs, ...p.prefixLists];
          if (addressSources.length > 0) return [at(node, `${p.where} allows ${describePorts(p)} (${ports.map((x) => (x === 22 ? "SSH" : "RDP")).join(", ")}) from ${addressSources.join(", ")}`)];
          if (p.groups.length > 0 && !allPorts(p)) return [at(node, `${p.where} opens ${describePorts(p)} (${ports.map((x) => (x === 22 ? "SSH" : "RDP")).join(", ")}) to security group ${p.groups.join(", ")}`)];
          return [];
        }),
      ),
  },
  {
    id: "CDN-NET-003",
    title: "EKS API endpoints are private or restricted to known CIDRs",
    severity: "high",
    category: "exposure",
    resourceTypes: ["aws_eks_cluster"],
    checks: "Every aws_eks_cluster has vpc_config.endpoint_public_access = false, or public_access_cidrs set, non-empty and without 0.0.0.0/0 or ::/0 (the provider's defaults are public access from 0.0.0.0/0).",
    rationale: "The Kubernetes API is the control plane of every workload; exposing it to the internet turns any leaked token or API vulnerability into a breach.",
    fix: "Set endpoint_private_access = true and endpoint_public_access = false, or list the office/VPN egress CIDRs in the environment's cluster.publicAccessCidrs.",
    check: (stack) =>
      stack.resources("aws_eks_cluster").flatMap((node) => {
        const vpc = blocks(node.config.vpc_config)[0] ?? {};
        const publicAccess = vpc.endpoint_public_access === undefined || vpc.endpoint_public_access === null || isTrue(vpc.endpoint_public_access);
        if (!publicAccess) return [];
        const cidrs = strings(vpc.public_access_cidrs);
        if (cidrs.length === 0) return [at(node, "the public endpoint is on (the default) with no public_access_cidrs, so it is open to 0.0.0.0/0")];
        const world = cidrs.filter(isWorldCidr);
        return world.length ? [at(node, `the public endpoint accepts ${world.join(", ")}`)] : [];
      }),
  },
  {
    id: "CDN-NET-004",
    title: "Public IP addresses only in public subnets",
    severity: "high",
    category: "exposure",
    resourceTypes: ["aws_subnet", "aws_instance", "aws_launch_template", "aws_route_table", "aws_route", "aws_route_table_association"],
    checks:
      "A subnet counts as public when it is associated with a route table that routes to an internet gateway. map_public_ip_on_launch = true only on public subnets; aws_instance.associate_public_ip_address = true only with a public subnet_id; a launch template's network interface with associate_public_ip_address = true only with a public subnet_id (a template without one is used for nodes in private subnets).",
    rationale: "A public IP makes an instance reachable from the internet as soon as a security group allows it, and bypasses the NAT gateways' egress control; nodes and databases live in private subnets.",
    fix: "Remove associate_public_ip_address / map_public_ip_on_launch (or set them to false); put internet-facing things behind a load balancer in the public subnets.",
    check: (stack) => {
      const out: Finding[] = [];
      let publicSet: Set<string> | undefined;
      const isPublic = (subnetId: unknown) => {
        publicSet ??= publicSubnets(stack);
        const subnet = stack.resolve(subnetId, ["aws_subnet"]);
        return subnet !== undefined && publicSet.has(subnet.address);
      };
      for (const subnet of stack.resources("aws_subnet")) {
        if (isTrue(subnet.config.map_public_ip_on_launch) && !isPublic(`\${${subnet.address}.id}`)) {
          out.push(at(subnet, "map_public_ip_on_launch is true on a subnet without a route to an internet gateway"));
        }
      }
      for (const inst of stack.resources("aws_instance")) {
        if (isTrue(inst.config.associate_public_ip_address) && !isPublic(inst.config.subnet_id)) {
          out.push(at(inst, `associate_public_ip_address is true but subnet_id ${JSON.stringify(inst.config.subnet_id ?? null)} is not a public subnet of this stack`));
        }
      }
      for (const lt of stack.resources("aws_launch_template")) {
        blocks(lt.config.network_interfaces).forEach((ni, i) => {
          if (isTrue(ni.associate_public_ip_address) && !isPublic(ni.subnet_id)) {
            out.push(at(lt, `network_interfaces[${i}].associate_public_ip_address is true ${ni.subnet_id ? "outside a public subnet" : "with no subnet, so instances get public IPs wherever they launch"}`));
          }
        });
      }
      return out;
    },
  },
  {
    id: "CDN-IAM-002",
    title: "Resource and trust policies grant nothing to everyone without a condition",
    severity: "critical",
    category: "exposure",
    resourceTypes: RESOURCE_POLICY_TYPES,
    checks:
      "In bucket, key, secret, queue, topic, repository, log-resource and role trust policies, no Allow statement has Principal \"*\" / {\"AWS\": \"*\"} (or a NotPrincipal) without a Condition. Resource \"*\" in a key policy means \"this key\" and is fine.",
    rationale: "A resource policy with an unconditioned wildcard principal makes the resource public (or, in a trust policy, lets any AWS account assume the role).",
    fix: "Name the principals (account root, role ARNs, service principals), or keep the wildcard and add a condition that pins it (aws:PrincipalOrgID, aws:SourceAccount, kms:CallerAccount ...).",
    check: (stack) => {
      const out: Finding[] = [];
      for (const { node, attr, statements } of resourcePolicies(stack)) {
        for (const st of statements) {
          if (st.effect !== "Allow" || st.conditions.length > 0) continue;
          if (isEveryone(st.principals)) out.push(at(node, `${attr} statement ${st.label} allows ${list(st.actions ?? st.notActions).join(", ")} to everyone without a condition`));
          else if (st.notPrincipals) out.push(at(node, `${attr} statement ${st.label} allows everyone except a NotPrincipal, without a condition`));
        }
      }
      return out;
    },
  },
];
