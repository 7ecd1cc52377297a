/**
 * An IAM role for exactly one Kubernetes service account, bound through EKS Pod Identity: the role
 * trusts only `pods.eks.amazonaws.com`, and the association names the cluster, namespace and service
 * account, so a pod in another namespace or with another service account gets nothing. Permissions come
 * from typed statements (rendered by `policyDocument`), never hand-written JSON.
 */
import { EksPodIdentityAssociation } from "@cdktf/provider-aws/lib/eks-pod-identity-association";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { policyDocument, type Statement } from "../../src/lib/iam";
import { POD_IDENTITY_TRUST } from "../cluster";

/** Props of {@link PodIdentityRole}. */
export interface PodIdentityRoleProps {
  /** IAM role name. */
  readonly roleName: string;
  /** What the role is for (shown in IAM). */
  readonly description: string;
  /** Cluster the association belongs to. */
  readonly clusterName: string;
  /** Namespace of the service account. */
  readonly namespace: string;
  /** Name of the service account. */
  readonly serviceAccount: string;
  /** Permissions of the role (at least one statement). */
  readonly statements: readonly Statement[];
}

/** A Pod Identity role bound to one service account. */
export class PodIdentityRole extends Construct {
  /** The role. */
  readonly role: IamRole;
  /** The role's ARN. */
  readonly arn: string;
  /** The namespace/service account the role is bound to. */
  readonly subject: { readonly namespace: string; readonly serviceAccount: string };

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps) {
    super(scope, id);
    if (props.statements.length === 0) throw new Error(`PodIdentityRole ${props.roleName}: needs at least one statement`);
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: POD_IDENTITY_TRUST,
      maxSessionDuration: 3600,
    });
    this.arn = this.role.arn;
    this.subject = { namespace: props.namespace, serviceAccount: props.serviceAccount };
    new IamRolePolicy(this, "policy", { name: "permissions", role: this.role.id, policy: policyDocument(props.statements) });
    new EksPodIdentityAssociation(this, "association", {
      clusterName: props.clusterName,
      namespace: props.namespace,
      serviceAccount: props.serviceAccount,
      roleArn: this.role.arn,
    });
  }
}
