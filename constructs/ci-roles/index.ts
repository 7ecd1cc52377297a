/**
 * The GitHub Actions identities of one environment's account: the IAM OIDC provider for
 * token.actions.githubusercontent.com (created, or an existing one referenced) and two roles, a
 * read-only plan role and a deploy role, with the documents of ./policies.ts.
 */
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { policyDocument } from "../../src/lib/iam";
import {
  DEPLOY_SESSION_SECONDS,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_HOST,
  PLAN_SESSION_SECONDS,
  deployPolicyStatements,
  deployTrustStatements,
  planPolicyStatements,
  planTrustStatements,
  type CiPolicyParams,
} from "./policies";

export { DEPLOY_SESSION_SECONDS, PLAN_SESSION_SECONDS } from "./policies";

/** Props of {@link CiRoles}. */
export interface CiRolesProps {
  /** The environment's account. */
  readonly accountId: string;
  /** Environment name (the GitHub environment the deploy role trusts). */
  readonly environment: string;
  /** `owner/name` of the GitHub repository. */
  readonly repository: string;
  /** An existing OIDC provider for GitHub; omitted: one is created. */
  readonly existingOidcProviderArn?: string;
  /** Name of the plan role. */
  readonly planRoleName: string;
  /** Name of the deploy role. */
  readonly deployRoleName: string;
  /** Name of the state bucket. */
  readonly stateBucket: string;
  /** Prefix of the state keys. */
  readonly stateKeyPrefix: string;
  /** ARN of the state key. */
  readonly stateKeyArn: string;
  /** Prefix of this environment's Secrets Manager secret names. */
  readonly secretNamePrefix: string;
}

/** The OIDC provider and the plan and deploy roles. */
export class CiRoles extends Construct {
  /** The read-only plan role. */
  readonly planRole: IamRole;
  /** The deploy role. */
  readonly deployRole: IamRole;
  /** ARN of the OIDC provider the roles trust. */
  readonly oidcProviderArn: string;

  constructor(scope: Construct, id: string, props: CiRolesProps) {
    super(scope, id);
    this.oidcProviderArn =
      props.existingOidcProviderArn ??
      new IamOpenidConnectProvider(this, "github-oidc", {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: [GITHUB_OIDC_AUDIENCE],
        // No thumbprint_list: IAM trusts GitHub's certificate through its own root CA store.
      }).arn;
    const arnOf = (name: string) => `arn:aws:iam::${props.accountId}:role/${name}`;
    const params: CiPolicyParams = {
      accountId: props.accountId,
      environment: props.environment,
      repository: props.repository,
      oidcProviderArn: this.oidcProviderArn,
      stateBucket: props.stateBucket,
      stateKeyPrefix: props.stateKeyPrefix,
      stateKeyArn: props.stateKeyArn,
      secretNamePrefix: props.secretNamePrefix,
      ciRoleArns: [arnOf(props.planRoleName), arnOf(props.deployRoleName)],
    };

    this.planRole = new IamRole(this, "plan-role", {
      name: props.planRoleName,
      description: `Terraform plans of ${props.environment} from ${props.repository} (pull requests, main, merge queue): read-only`,
      assumeRolePolicy: policyDocument(planTrustStatements(params)),
      maxSessionDuration: PLAN_SESSION_SECONDS,
    });
    new IamRolePolicy(this, "plan-policy", { name: "terraform-plan", role: this.planRole.name, policy: policyDocument(planPolicyStatements(params)) });

    this.deployRole = new IamRole(this, "deploy-role", {
      name: props.deployRoleName,
      description: `Terraform applies of ${props.environment} from ${props.repository}, GitHub environment ${props.environment} only`,
      assumeRolePolicy: policyDocument(deployTrustStatements(params)),
      maxSessionDuration: DEPLOY_SESSION_SECONDS,
    });
    new IamRolePolicy(this, "deploy-policy", { name: "terraform-deploy", role: this.deployRole.name, policy: policyDocument(deployPolicyStatements(params)) });
  }
}
