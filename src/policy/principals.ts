/**
 * The IAM principals that run Terraform for a stack (deploy and plan roles), recorded in the stack's
 * synthesized JSON under `//.cdn_policy.terraform_principals` so that rules can check that nothing
 * locks them out (CDN-IAM-003) without importing the project's configuration.
 */
import type { TerraformStack } from "cdktf";
import { POLICY_METADATA_KEY } from "./engine";

/** Records the ARNs of the roles that plan and apply `stack`. */
export function declareTerraformPrincipals(stack: TerraformStack, arns: readonly string[]): void {
  stack.addOverride(`//.${POLICY_METADATA_KEY}.terraform_principals`, [...arns]);
}
