/**
 * Conventions the policy pack recognises in the synthesized JSON. Constructs use these helpers instead
 * of spelling the values, so the pack and the constructs cannot drift apart.
 */

/**
 * Tag that marks a security group as an internet-facing load balancer's. Only such a group (or one
 * attached to an `aws_lb`/`aws_alb`/`aws_elb` of the same stack) may accept 0.0.0.0/0 or ::/0, and only on
 * TCP 443 (rule CDN-NET-001). Use it for groups handed to a load balancer created outside Terraform
 * (e.g. by the AWS Load Balancer Controller through an annotation).
 */
export const LOAD_BALANCER_SG_TAG = { key: "Exposure", value: "internet-facing-load-balancer" } as const;

/** Tags to put on a security group that fronts an internet-facing load balancer (see {@link LOAD_BALANCER_SG_TAG}). */
export function loadBalancerSecurityGroupTags(): Record<string, string> {
  return { [LOAD_BALANCER_SG_TAG.key]: LOAD_BALANCER_SG_TAG.value };
}
