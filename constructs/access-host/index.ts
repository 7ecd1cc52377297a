/**
 * An operator's way to a plane's private EKS API (docs/decisions/0009): one small SSM-managed
 * instance in the private subnets, kept at exactly one by an Auto Scaling group, and a Session Manager
 * document that forwards a local port to the cluster endpoint on 443 and nowhere else.
 *
 * - No inbound rules, no key pair, no public IP; it reaches the cluster API and (through the NAT
 *   gateway) the Systems Manager endpoints on 443 only. IMDSv2 only; encrypted root volume.
 * - Its role has `AmazonSSMManagedInstanceCore` and nothing else.
 * - The AMI is the latest Amazon Linux 2023, resolved by EC2 from the public SSM parameter at each
 *   launch (`resolve:ssm:`), so plans never change when Amazon publishes an AMI; the group replaces the
 *   instance after `maxInstanceLifetimeDays`, which picks up the newest AMI.
 * - TLS stays verified end to end: kubectl (or Terraform) talks to https://127.0.0.1:<port> and checks
 *   the API server certificate against the cluster's name (`tls-server-name`).
 */
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Fn, TerraformLocal } from "cdktf";
import { Construct } from "constructs";
import { serviceTrustPolicy } from "../../src/lib/iam";

/** The public SSM parameter holding the latest Amazon Linux 2023 AMI for x86_64. */
export const AL2023_AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

/** The only managed policy the access host's role carries. */
export const SSM_MANAGED_INSTANCE_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";

/** Props of {@link EksAccessHost}. */
export interface EksAccessHostProps {
  /** Name of the Auto Scaling group, the instance's Name tag and the resources' prefix. */
  readonly name: string;
  /** Name of the Session Manager document that forwards to the cluster API. */
  readonly documentName: string;
  /** Name of the cluster, for descriptions. */
  readonly clusterName: string;
  /** The cluster's API endpoint URL (`https://<host>`), the only destination of the tunnel. */
  readonly clusterEndpoint: string;
  /** Security group of the cluster API (admits the host on 443). */
  readonly clusterSecurityGroupId: string;
  /** VPC of the host. */
  readonly vpcId: string;
  /** Private subnets (routed through NAT) the host may run in, one per AZ. */
  readonly subnetIds: readonly string[];
  /** EC2 instance type (x86_64). Defaults to t3.micro. */
  readonly instanceType?: string;
  /** ARN of the customer-managed key for the root volume (its policy must admit EC2 Auto Scaling). */
  readonly volumeKeyArn: string;
  /** Days before the group replaces the instance (and so picks up the newest AMI). Defaults to 7. */
  readonly maxInstanceLifetimeDays?: number;
  /** Tags for the instance, its volume and network interface (default tags do not reach them). */
  readonly instanceTags?: Readonly<Record<string, string>>;
}

/** An SSM-managed access host and its port-forwarding document. */
export class EksAccessHost extends Construct {
  /** The host's security group (no ingress). */
  readonly securityGroup: SecurityGroup;
  /** The host's role. */
  readonly role: IamRole;
  /** The launch template. */
  readonly launchTemplate: LaunchTemplate;
  /** The Auto Scaling group that keeps one host running. */
  readonly group: AutoscalingGroup;
  /** The port-forwarding document. */
  readonly document: SsmDocument;

  constructor(scope: Construct, id: string, props: EksAccessHostProps) {
    super(scope, id);
    if (props.subnetIds.length === 0) throw new Error(`EksAccessHost ${props.name}: needs at least one subnet`);
    const name = props.name;

    this.securityGroup = new SecurityGroup(this, "sg", {
      name,
      description: `EKS access host of ${props.clusterName}: no ingress; HTTPS out to the cluster API and Systems Manager`,
      vpcId: props.vpcId,
      tags: { Name: name },
    });
    new VpcSecurityGroupEgressRule(this, "to-cluster-api", {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: props.clusterSecurityGroupId,
      description: "Access host forwards operator sessions to the private EKS API on 443",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
    });
    new VpcSecurityGroupEgressRule(this, "to-ssm", {
      securityGroupId: this.securityGroup.id,
      description: "SSM Agent reaches the Systems Manager endpoints over HTTPS (through the NAT gateway)",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });
    new VpcSecurityGroupIngressRule(this, "cluster-api-from-host", {
      securityGroupId: props.clusterSecurityGroupId,
      referencedSecurityGroupId: this.securityGroup.id,
      description: `EKS API on 443 from the SSM access host (${name})`,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
    });

    this.role = new IamRole(this, "role", {
      name,
      description: `EKS access host of ${props.clusterName}: Systems Manager only`,
      assumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"),
    });
    new IamRolePolicyAttachment(this, "ssm-core", { role: this.role.name, policyArn: SSM_MANAGED_INSTANCE_CORE });
    const profile = new IamInstanceProfile(this, "profile", { name, role: this.role.name });

    const tags = { ...(props.instanceTags ?? {}), Name: name };
    this.launchTemplate = new LaunchTemplate(this, "lt", {
      name,
      description: `EKS access host of ${props.clusterName}: latest AL2023 at launch, IMDSv2 only, encrypted root volume, no key pair`,
      updateDefaultVersion: true,
      imageId: `resolve:ssm:${AL2023_AMI_PARAMETER}`,
      instanceType: props.instanceType ?? "t3.micro",
      iamInstanceProfile: { arn: profile.arn },
      vpcSecurityGroupIds: [this.securityGroup.id],
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: { volumeSize: 16, volumeType: "gp3", encrypted: "true", kmsKeyId: props.volumeKeyArn, deleteOnTermination: "true" },
        },
      ],
      monitoring: { enabled: false },
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({ resourceType, tags })),
      tags: { Name: name },
    });

    this.group = new AutoscalingGroup(this, "asg", {
      name,
      minSize: 1,
      maxSize: 1,
      desiredCapacity: 1,
      vpcZoneIdentifier: [...props.subnetIds],
      launchTemplate: { id: this.launchTemplate.id, version: this.launchTemplate.latestVersion.toString() },
      healthCheckType: "EC2",
      maxInstanceLifetime: (props.maxInstanceLifetimeDays ?? 7) * 86_400,
      // A changed launch template replaces the host (a session open at that moment ends).
      instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 0 } },
      tag: Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: false })),
    });

    // The endpoint's host name, as a local: the document below then reads as plain data with one reference.
    const apiHost = new TerraformLocal(this, "api-host", Fn.replace(props.clusterEndpoint, "https://", ""));
    // Forwards a local port to exactly this cluster's endpoint on 443: the operator picks only the local port.
    this.document = new SsmDocument(this, "tunnel", {
      name: props.documentName,
      documentType: "Session",
      documentFormat: "JSON",
      // jsonencode in Terraform: the host is an expression, which a JSON string written here could only
      // carry as an interpolation with unescaped quotes (valid for Terraform, unreadable as JSON).
      content: Fn.jsonencode({
        schemaVersion: "1.0",
        description: `Port forwarding to the private EKS API of ${props.clusterName} (443), nothing else`,
        sessionType: "Port",
        parameters: {
          localPortNumber: {
            type: "String",
            description: "Port on the operator's machine (0 picks a free one)",
            allowedPattern: "^([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$",
            default: "0",
          },
        },
        properties: {
          type: "LocalPortForwarding",
          host: apiHost.asString,
          portNumber: "443",
          localPortNumber: "{{ localPortNumber }}",
        },
      }),
      tags: { Name: props.documentName },
    });
  }
}
