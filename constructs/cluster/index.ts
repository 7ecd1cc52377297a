/**
 * An EKS cluster for one plane: control plane in the plane's private subnets, secrets envelope-encrypted
 * with a rotating customer-managed key, all five control-plane log types to an encrypted log group with
 * retention, private endpoint (public only for listed CIDRs), `API` authentication with access entries,
 * managed node groups through a launch template (IMDSv2 with hop limit 1, encrypted gp3 root volumes, no
 * SSH) whose size between min and max is owned by the Cluster Autoscaler (`constructs/autoscaler`;
 * Terraform ignores `desired_size` after creation), and pinned add-ons (vpc-cni, coredns, kube-proxy, eks-pod-identity-agent, aws-ebs-csi-driver with
 * its own Pod Identity role).
 *
 * Its `clusterSecurityGroupId` (the EKS-managed cluster security group, attached to the control plane
 * ENIs and to every managed node, hence to every pod) is what other constructs name as a source.
 *
 * Cluster access is managed explicitly, principal by principal: `bootstrap_cluster_creator_admin_permissions`
 * is false, so EKS makes no hidden access entry for whoever created the cluster, and every admin (the
 * Terraform deploy role included) gets an `aws_eks_access_entry` here. With the flag on, listing the
 * creator again fails with ResourceInUseException, and the creator's entry is invisible to Terraform.
 * The flag is ForceNew in provider 5.100.0 (flipping it replaces the cluster), so it is set from the
 * first apply and ignored afterwards (`lifecycle.ignore_changes`), as terraform-aws-eks does.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { Construct } from "constructs";
import { assertUniqueKeys, moveFromIndexedId, principalKey } from "../../src/lib/ids";
import { policyDocument, serviceTrustPolicy } from "../../src/lib/iam";
import { EncryptionKey } from "../kms-key";

/** The control-plane log types EKS can export; all are enabled. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** EKS access policies the cluster associates (docs: access-policy-permissions). */
export const ACCESS_POLICIES = {
  /** Everything, cluster-wide. */
  clusterAdmin: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
  /** Read (get/list/watch) of every resource, Secrets and custom resources included. */
  adminView: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy",
  /** Read of the common resources, without Secrets. */
  view: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
} as const;
/**
 * AMI type of every managed node group. EKS publishes these AMIs per Kubernetes version; the scheduled
 * preflight checks that one is published for the configured version (Renovate cannot).
 */
export const NODE_AMI_TYPE = "AL2023_x86_64_STANDARD";

/** Trust policy for roles assumed by pods through EKS Pod Identity. */
export const POD_IDENTITY_TRUST = serviceTrustPolicy("pods.eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]);

/** Defaults of {@link NodeGroupProps}; the config schema fills omitted fields from the same object. */
export const NODE_GROUP_DEFAULTS = {
  capacityType: "ON_DEMAND",
  minSize: 3,
  maxSize: 5,
  diskSizeGiB: 50,
} as const;

/** Defaults of {@link ClusterProps}; the config schema fills omitted fields from the same object. */
export const CLUSTER_DEFAULTS = {
  logRetentionDays: 365,
} as const;

/** One managed node group. */
export interface NodeGroupProps {
  /** Name suffix, unique within the cluster. */
  readonly name: string;
  /** EC2 instance types (x86_64), in order of preference. */
  readonly instanceTypes: readonly string[];
  /** ON_DEMAND or SPOT. @default "ON_DEMAND" */
  readonly capacityType?: "ON_DEMAND" | "SPOT";
  /** Minimum nodes. @default 3 */
  readonly minSize?: number;
  /** Maximum nodes. @default 5 */
  readonly maxSize?: number;
  /** Desired nodes at creation; afterwards the Cluster Autoscaler owns it (Terraform ignores it). @default minSize */
  readonly desiredSize?: number;
  /** Root volume size in GiB. @default 50 */
  readonly diskSizeGiB?: number;
}

/** Pinned EKS add-on versions. */
export interface AddonVersions {
  /** vpc-cni version. */
  readonly vpcCni: string;
  /** coredns version. */
  readonly coreDns: string;
  /** kube-proxy version. */
  readonly kubeProxy: string;
  /** eks-pod-identity-agent version. */
  readonly podIdentityAgent: string;
  /** aws-ebs-csi-driver version. */
  readonly ebsCsiDriver: string;
}

/** EKS name of a managed node group (also the `eks.amazonaws.com/nodegroup` label of its nodes). */
export function nodeGroupName(clusterName: string, group: string): string {
  return `${clusterName}-${group}`;
}

/** Props of {@link Cluster}. */
export interface ClusterProps {
  /** Cluster name, e.g. `cdn-global-control`. */
  readonly name: string;
  /** Prefix for names of IAM roles, keys and templates, e.g. `cdn-prod-global`. */
  readonly namePrefix: string;
  /** Kubernetes minor version, e.g. `1.35`. */
  readonly kubernetesVersion: string;
  /** Private subnet ids for the control plane ENIs and the nodes (at least 2 AZs). */
  readonly subnetIds: readonly string[];
  /** Availability zones of those subnets (checked: at least 2). */
  readonly availabilityZones: readonly string[];
  /** Region of the cluster. */
  readonly region: string;
  /** Account of the cluster. */
  readonly accountId: string;
  /** CIDRs allowed to reach the public endpoint; empty (default) keeps the endpoint private-only. */
  readonly publicAccessCidrs?: readonly string[];
  /** IAM principal ARNs granted cluster-admin through access entries. */
  readonly adminPrincipalArns?: readonly string[];
  /** IAM principal ARNs granted cluster-wide read-only access (AmazonEKSViewPolicy: no Secrets). */
  readonly viewerPrincipalArns?: readonly string[];
  /**
   * The roles that run Terraform: `deploy` is cluster admin (it applies the in-cluster stacks), `plan`
   * reads everything including Secrets and custom resources (AmazonEKSAdminViewPolicy), which Helm
   * release state and `kubernetes_secret_v1` refreshes need.
   */
  readonly terraformRoles?: { readonly deployRoleArn: string; readonly planRoleArn: string };
  /** Managed node groups (at least one). */
  readonly nodeGroups: readonly NodeGroupProps[];
  /** Pinned add-on versions. */
  readonly addons: AddonVersions;
  /** Retention of the control-plane log group in days. @default 365 */
  readonly logRetentionDays?: number;
  /** Key for the control-plane log group (must allow CloudWatch Logs); one is created when omitted. */
  readonly logKey?: EncryptionKey;
  /** Tags put on instances and volumes the node groups launch (default tags do not reach them). */
  readonly instanceTags?: Readonly<Record<string, string>>;
}

/** An EKS cluster with its node groups, add-ons and access entries. */
export class Cluster extends Construct {
  /** The cluster. */
  readonly cluster: EksCluster;
  /** Cluster name (literal). */
  readonly name: string;
  /** The EKS-managed cluster security group (control plane, nodes and pods). */
  readonly clusterSecurityGroupId: string;
  /** The key that encrypts secrets and node volumes. */
  readonly key: EncryptionKey;
  /** The node IAM role. */
  readonly nodeRole: IamRole;
  /** Managed node groups. */
  readonly nodeGroups: readonly EksNodeGroup[];
  /** The control-plane log group. */
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    const azCount = new Set(props.availabilityZones).size;
    if (azCount < 2) throw new Error(`Cluster ${props.name}: node subnets must span at least 2 availability zones, got ${azCount}`);
    if (props.nodeGroups.length === 0) throw new Error(`Cluster ${props.name}: needs at least one node group`);
    this.name = props.name;
    const prefix = props.namePrefix;
    const publicCidrs = props.publicAccessCidrs ?? [];

    // Managed node groups launch through EC2 Auto Scaling's service-linked role, which needs this key for
    // the encrypted root volumes. That role exists only once the account has had an Auto Scaling group, and
    // KMS rejects a key policy naming a principal that does not exist (MalformedPolicyDocumentException), so
    // the grant names it in conditions, which KMS does not resolve, instead of as the principal.
    const autoscalingRole = `arn:aws:iam::${props.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    const autoscaling = {
      principals: [{ type: "AWS" as const, identifiers: ["*"] }],
      conditions: [
        { test: "StringEquals", variable: "aws:PrincipalArn", values: [autoscalingRole] },
        { test: "StringEquals", variable: "aws:PrincipalAccount", values: [props.accountId] },
      ],
    };
    this.key = new EncryptionKey(this, "key", {
      description: `EKS ${props.name}: Kubernetes secrets and node volumes`,
      alias: `${prefix}-eks`,
      accountId: props.accountId,
      region: props.region,
      additionalStatements: [
        {
          sid: "AutoScalingUsesKeyForNodeVolumes",
          actions: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
          resources: ["*"],
          ...autoscaling,
        },
        {
          sid: "AutoScalingCreatesGrantsForNodeVolumes",
          actions: ["kms:CreateGrant"],
          resources: ["*"],
          principals: autoscaling.principals,
          conditions: [...autoscaling.conditions, { test: "Bool", variable: "kms:GrantIsForAWSResource", values: ["true"] }],
        },
      ],
    });

    const logKey =
      props.logKey ??
      new EncryptionKey(this, "log-key", {
        description: `EKS ${props.name} control-plane logs`,
        alias: `${prefix}-eks-logs`,
        accountId: props.accountId,
        region: props.region,
        allowCloudWatchLogs: true,
      });
    // EKS writes to this fixed name; creating it first lets us own retention and encryption.
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/eks/${props.name}/cluster`,
      retentionInDays: props.logRetentionDays ?? CLUSTER_DEFAULTS.logRetentionDays,
      kmsKeyId: logKey.arn,
    });

    const clusterRole = new IamRole(this, "cluster-role", {
      name: `${prefix}-eks-cluster`,
      description: `EKS control plane of ${props.name}`,
      assumeRolePolicy: serviceTrustPolicy("eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]),
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, "cluster-policy", {
      role: clusterRole.name,
      policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
    });
    // Envelope encryption calls KMS as the cluster role: the key policy delegates to IAM, so the role
    // needs these on exactly this key (the managed policy has no KMS permissions).
    const clusterKeyPolicy = new IamRolePolicy(this, "cluster-kms", {
      name: "encrypt-secrets-with-cluster-key",
      role: clusterRole.id,
      policy: policyDocument([
        { sid: "EnvelopeEncryption", actions: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], resources: [this.key.arn] },
      ]),
    });

    this.cluster = new EksCluster(this, "cluster", {
      name: props.name,
      version: props.kubernetesVersion,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: [...props.subnetIds],
        endpointPrivateAccess: true,
        endpointPublicAccess: publicCidrs.length > 0,
        publicAccessCidrs: publicCidrs.length > 0 ? [...publicCidrs] : undefined,
      },
      // No implicit entry for the creator: every admin is an explicit access entry below.
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: this.key.arn } },
      enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
      // Stay on standard support: an unplanned extended-support bill is worse than a forced upgrade plan.
      upgradePolicy: { supportType: "STANDARD" },
      bootstrapSelfManagedAddons: false,
      tags: { Name: props.name },
      // ForceNew and only read at creation: never let a later difference replace the cluster.
      lifecycle: { ignoreChanges: ["access_config[0].bootstrap_cluster_creator_admin_permissions"] },
      dependsOn: [clusterPolicy, clusterKeyPolicy, this.logGroup],
    });
    this.clusterSecurityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;

    const admins = props.adminPrincipalArns ?? [];
    const viewers = props.viewerPrincipalArns ?? [];
    const terraform = props.terraformRoles ? [props.terraformRoles.deployRoleArn, props.terraformRoles.planRoleArn] : [];
    const everyone = [...terraform, ...admins, ...viewers];
    const duplicate = everyone.find((arn, i) => everyone.indexOf(arn) !== i);
    if (duplicate) throw new Error(`Cluster ${props.name}: ${duplicate} is listed twice among the Terraform roles, admins and viewers; EKS allows one access entry per principal`);
    this.addAccessEntries(admins, props.accountId, "admin", ACCESS_POLICIES.clusterAdmin, true);
    this.addAccessEntries(viewers, props.accountId, "viewer", ACCESS_POLICIES.view, true);
    if (props.terraformRoles) {
      this.addAccessEntries([props.terraformRoles.deployRoleArn], props.accountId, "admin", ACCESS_POLICIES.clusterAdmin, false);
      this.addAccessEntries([props.terraformRoles.planRoleArn], props.accountId, "admin-view", ACCESS_POLICIES.adminView, false);
    }

    this.nodeRole = new IamRole(this, "node-role", {
      name: `${prefix}-eks-node`,
      description: `Managed nodes of ${props.name}`,
      assumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"),
    });
    // The CNI policy stays on the node role so that the first nodes can network before any add-on
    // (Pod Identity included) runs; pods get their own roles through Pod Identity.
    const nodePolicies = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"].map(
      (policy) =>
        new IamRolePolicyAttachment(this, `node-${policy}`, { role: this.nodeRole.name, policyArn: `arn:aws:iam::aws:policy/${policy}` }),
    );

    const instanceTags = { ...(props.instanceTags ?? {}), "eks:cluster-name": props.name };
    const podIdentityAgent = this.addon("eks-pod-identity-agent", props.addons.podIdentityAgent);
    const vpcCni = this.addon("vpc-cni", props.addons.vpcCni);
    const kubeProxy = this.addon("kube-proxy", props.addons.kubeProxy);

    this.nodeGroups = props.nodeGroups.map((group) => {
      const template = new LaunchTemplate(this, `lt-${group.name}`, {
        name: `${prefix}-${group.name}`,
        description: `Nodes of ${props.name}/${group.name}: IMDSv2 only, encrypted root volume, no SSH`,
        updateDefaultVersion: true,
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          // Pods use Pod Identity, not the node's instance profile.
          httpPutResponseHopLimit: 1,
          instanceMetadataTags: "disabled",
        },
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: {
              volumeSize: group.diskSizeGiB ?? NODE_GROUP_DEFAULTS.diskSizeGiB,
              volumeType: "gp3",
              encrypted: "true",
              kmsKeyId: this.key.arn,
              deleteOnTermination: "true",
            },
          },
        ],
        monitoring: { enabled: true },
        tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
          resourceType,
          tags: { ...instanceTags, Name: `${props.name}-${group.name}` },
        })),
        tags: { Name: `${prefix}-${group.name}` },
      });
      const minSize = group.minSize ?? NODE_GROUP_DEFAULTS.minSize;
      return new EksNodeGroup(this, `ng-${group.name}`, {
        clusterName: this.cluster.name,
        nodeGroupName: nodeGroupName(props.name, group.name),
        nodeRoleArn: this.nodeRole.arn,
        subnetIds: [...props.subnetIds],
        amiType: NODE_AMI_TYPE,
        capacityType: group.capacityType ?? NODE_GROUP_DEFAULTS.capacityType,
        instanceTypes: [...group.instanceTypes],
        scalingConfig: { minSize, maxSize: group.maxSize ?? NODE_GROUP_DEFAULTS.maxSize, desiredSize: group.desiredSize ?? minSize },
        updateConfig: { maxUnavailable: 1 },
        launchTemplate: { id: template.id, version: template.latestVersion.toString() },
        labels: { "cdn.platform/node-group": group.name },
        tags: { Name: `${props.name}-${group.name}` },
        // After creation the Cluster Autoscaler (in-cluster stack; Pod Identity role in the plane stack)
        // moves the desired size between min and max. Terraform must not reset it on every deploy, so it
        // ignores desired_size; min and max stay managed here. Without an autoscaler this would freeze the
        // group at its first size, so the autoscaler is not optional.
        lifecycle: { ignoreChanges: ["scaling_config[0].desired_size"] },
        dependsOn: [...nodePolicies, vpcCni, kubeProxy, podIdentityAgent],
      });
    });

    // Add-ons whose pods need nodes come after the node groups.
    this.addon("coredns", props.addons.coreDns, this.nodeGroups);
    const ebsCsiRole = new IamRole(this, "ebs-csi-role", {
      name: `${prefix}-ebs-csi`,
      description: `EBS CSI controller of ${props.name} (Pod Identity)`,
      assumeRolePolicy: POD_IDENTITY_TRUST,
    });
    new IamRolePolicyAttachment(this, "ebs-csi-policy", {
      role: ebsCsiRole.name,
      policyArn: "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
    });
    new IamRolePolicy(this, "ebs-csi-kms", {
      name: "use-cluster-key-for-volumes",
      role: ebsCsiRole.id,
      policy: policyDocument([
        {
          actions: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
          resources: [this.key.arn],
        },
        {
          actions: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
          resources: [this.key.arn],
          conditions: [{ test: "Bool", variable: "kms:GrantIsForAWSResource", values: ["true"] }],
        },
      ]),
    });
    this.addon("aws-ebs-csi-driver", props.addons.ebsCsiDriver, this.nodeGroups, {
      roleArn: ebsCsiRole.arn,
      serviceAccount: "ebs-csi-controller-sa",
    });
  }

  private addon(name: string, version: string, after: readonly EksNodeGroup[] = [], podIdentity?: { roleArn: string; serviceAccount: string }): EksAddon {
    return new EksAddon(this, `addon-${name}`, {
      clusterName: this.cluster.name,
      addonName: name,
      addonVersion: version,
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "PRESERVE",
      podIdentityAssociation: podIdentity ? [podIdentity] : undefined,
      dependsOn: after.length > 0 ? [...after] : undefined,
    });
  }

  /**
   * One access entry and policy association per principal, keyed by the principal. `fromIndexedIds`
   * adds the moves from the position-keyed addresses of earlier versions (config lists only: principals
   * added later never had one).
   */
  private addAccessEntries(principals: readonly string[], accountId: string, kind: string, policyArn: string, fromIndexedIds: boolean): void {
    const keys = principals.map((arn) => principalKey(arn, accountId));
    assertUniqueKeys(`Cluster ${this.name}: ${kind} principals`, keys);
    principals.forEach((principalArn, i) => {
      // Keyed by the principal, so removing one never shifts (and replaces) the others' entries.
      const entry = new EksAccessEntry(this, `${kind}-entry-${keys[i]}`, { clusterName: this.cluster.name, principalArn, type: "STANDARD" });
      const association = new EksAccessPolicyAssociation(this, `${kind}-policy-${keys[i]}`, {
        clusterName: this.cluster.name,
        principalArn: entry.principalArn,
        policyArn,
        accessScope: { type: "cluster" },
      });
      if (!fromIndexedIds) return;
      moveFromIndexedId(entry, `${kind}-entry-${i}`);
      moveFromIndexedId(association, `${kind}-policy-${i}`);
    });
  }
}
