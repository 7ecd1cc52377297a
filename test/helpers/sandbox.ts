/**
 * The CDN_CONFIG_OVERRIDES of an ephemeral copy of dev in a sandbox account: what the integration
 * workflow sets (docs/verify.md), with example values.
 */
export const SANDBOX = {
  dev: {
    accountId: "444455556666",
    terraform: { deployRoleArn: "arn:aws:iam::444455556666:role/IntegrationDeploy", planRoleArn: "arn:aws:iam::444455556666:role/IntegrationReadOnly" },
    "access.ciRunners.enabled": false,
    "access.bastion.enabled": false,
    bundleBucketName: "cdn-config-bundles-it-8812345",
    breakGlassRoleArn: "arn:aws:iam::444455556666:role/IntegrationDeploy",
    "state.bucket": "cdn-tfstate-sandbox-444455556666",
    "state.keyPrefix": "integration/8812345",
    "global.cluster.adminRoleArns": [],
    "global.cluster.viewerRoleArns": [],
    "global.cluster.publicAccessCidrs": ["203.0.113.7/32"],
    "global.ingress.certificateArn": "arn:aws:acm:us-east-1:444455556666:certificate/11111111-2222-4333-8444-555555555555",
    "regions[0].cluster.adminRoleArns": [],
    "regions[0].cluster.viewerRoleArns": [],
    "regions[0].cluster.publicAccessCidrs": ["203.0.113.7/32"],
    "regions[0].ingress.certificateArn": "arn:aws:acm:us-west-2:444455556666:certificate/66666666-7777-4888-9999-000000000000",
  },
};
