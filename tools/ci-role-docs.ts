/**
 * The CI role documents exactly as docs/ci.md shows them: the prod environment's, with the state key's
 * id as the one placeholder. test/ci-roles.test.ts compares the JSON blocks of docs/ci.md with these.
 */
import { deployPolicyStatements, deployTrustStatements, planPolicyStatements, planTrustStatements, type CiPolicyParams } from "../constructs/ci-roles/policies";
import { prod } from "../environments/prod";
import { roleArn, secretNamePrefix, terraformDeployRoleName, terraformPlanRoleName } from "../src/config/naming";
import { policyDocument } from "../src/lib/iam";

/** The parameters docs/ci.md renders the documents with (prod's values). */
export const DOCUMENTED_PARAMS: CiPolicyParams = {
  accountId: prod.accountId,
  environment: prod.name,
  repository: prod.ci.repository,
  oidcProviderArn: `arn:aws:iam::${prod.accountId}:oidc-provider/token.actions.githubusercontent.com`,
  stateBucket: prod.state.bucket,
  stateKeyPrefix: prod.state.keyPrefix ?? "cdn-control-plane",
  stateKeyArn: `arn:aws:kms:${prod.state.region}:${prod.accountId}:key/<state-key-id>`,
  secretNamePrefix: secretNamePrefix(prod.name),
  ciRoleArns: [roleArn(prod.accountId, terraformPlanRoleName(prod.name)), roleArn(prod.accountId, terraformDeployRoleName(prod.name))],
};

/** Each documented document by the name of its marker in docs/ci.md (`<!-- ci-policy: <name> -->`). */
export function documentedPolicies(params: CiPolicyParams = DOCUMENTED_PARAMS): Record<string, string> {
  const pretty = (json: string) => JSON.stringify(JSON.parse(json), null, 2);
  return {
    "plan-trust": pretty(policyDocument(planTrustStatements(params))),
    "plan-permissions": pretty(policyDocument(planPolicyStatements(params))),
    "deploy-trust": pretty(policyDocument(deployTrustStatements(params))),
    "deploy-permissions": pretty(policyDocument(deployPolicyStatements(params))),
  };
}

/** The `<!-- ci-policy: name -->` + fenced JSON blocks of a Markdown text. */
export function policyBlocks(markdown: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of markdown.matchAll(/<!-- ci-policy: ([a-z-]+) -->\n```json\n([\s\S]*?)\n```/g)) out[m[1]] = m[2];
  return out;
}
