/**
 * What every fake AWS of the tests (aws-fake, recorded-aws, the verify fake) gives the real SDK clients
 * it creates: every setting the SDK would otherwise read from the machine (AWS_* variables,
 * ~/.aws/config), at the SDK's own default. A developer's AWS_ENDPOINT_URL, FIPS or dual-stack setting,
 * or app id must not change the requests the tests see. Given outright, they also spare the SDK its
 * per-client (and, for configured endpoint URLs, per-request) lookups through the environment and the
 * config files.
 */
export const MACHINE_INDEPENDENT_SETTINGS: Readonly<Record<string, unknown>> = {
  ignoreConfiguredEndpointUrls: true, // AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, endpoint_url
  defaultsMode: "legacy", // AWS_DEFAULTS_MODE
  retryMode: "standard", // AWS_RETRY_MODE
  useFipsEndpoint: false, // AWS_USE_FIPS_ENDPOINT
  useDualstackEndpoint: false, // AWS_USE_DUALSTACK_ENDPOINT
  authSchemePreference: [], // AWS_AUTH_SCHEME_PREFERENCE
  userAgentAppId: "", // AWS_SDK_UA_APP_ID (empty: none)
  requestChecksumCalculation: "WHEN_SUPPORTED", // AWS_REQUEST_CHECKSUM_CALCULATION (S3)
  responseChecksumValidation: "WHEN_SUPPORTED", // AWS_RESPONSE_CHECKSUM_VALIDATION (S3)
  disableS3ExpressSessionAuth: false, // AWS_S3_DISABLE_EXPRESS_SESSION_AUTH
  useArnRegion: false, // AWS_S3_USE_ARN_REGION
};
