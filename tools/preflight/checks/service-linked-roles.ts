/**
 * Service-linked roles a first deploy relies on. Each either exists, or the caller may create it
 * (`iam:CreateServiceLinkedRole` for that service, checked with the IAM policy simulator), in which
 * case the service creates it on first use.
 */
import { GetRoleCommand, SimulatePrincipalPolicyCommand } from "@aws-sdk/client-iam";
import { classifyAwsError } from "../../aws/errors";
import { attempt, failedCall, row, type Check, type CheckResult, type PreflightContext } from "../types";

/** A service-linked role and the service that owns it. */
export interface ServiceLinkedRole {
  /** Role name. */
  readonly name: string;
  /** Service principal (`iam:AWSServiceName`). */
  readonly service: string;
  /** What needs it. */
  readonly usedBy: string;
}

/** The roles this environment's stacks rely on. */
export function requiredServiceLinkedRoles(ctx: Pick<PreflightContext, "env">): ServiceLinkedRole[] {
  const roles: ServiceLinkedRole[] = [
    { name: "AWSServiceRoleForAmazonEKS", service: "eks.amazonaws.com", usedBy: "EKS clusters" },
    { name: "AWSServiceRoleForAmazonEKSNodegroup", service: "eks-nodegroup.amazonaws.com", usedBy: "managed node groups" },
    { name: "AWSServiceRoleForAutoScaling", service: "autoscaling.amazonaws.com", usedBy: "node groups and access hosts (and the EBS key policy)" },
    { name: "AWSServiceRoleForRDS", service: "rds.amazonaws.com", usedBy: "the Multi-AZ DB clusters" },
    { name: "AWSServiceRoleForElasticLoadBalancing", service: "elasticloadbalancing.amazonaws.com", usedBy: "the public load balancers" },
  ];
  const planes = [ctx.env.global, ...ctx.env.regions];
  if (planes.some((p) => p.cluster.nodeGroups.some((g) => g.capacityType === "SPOT"))) {
    roles.push({ name: "AWSServiceRoleForEC2Spot", service: "spot.amazonaws.com", usedBy: "SPOT node groups" });
  }
  return roles;
}

/** The IAM ARN whose policies apply to the caller (an assumed role's role, or the user). */
async function callerPolicySource(ctx: PreflightContext): Promise<string> {
  const assumed = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(ctx.callerArn);
  if (!assumed) return ctx.callerArn;
  // Role paths (e.g. SSO's /aws-reserved/...) are not in the session ARN: ask IAM for the role's ARN.
  const { Role } = await ctx.clients.iam().send(new GetRoleCommand({ RoleName: assumed[3] }));
  return Role!.Arn!;
}

export const serviceLinkedRoles: Check = async (ctx) => {
  const results: CheckResult[] = [];
  let source: Promise<string> | undefined;
  for (const slr of requiredServiceLinkedRoles(ctx)) {
    const check = `service-linked role ${slr.name}`;
    try {
      await ctx.clients.iam().send(new GetRoleCommand({ RoleName: slr.name }));
      results.push(row(check, "global", "PASS", `exists (${slr.usedBy})`));
      continue;
    } catch (error) {
      if (classifyAwsError(error).code !== "NoSuchEntityException") {
        results.push(failedCall(check, "global", "iam:GetRole", error));
        continue;
      }
    }
    source ??= callerPolicySource(ctx);
    const simulated = await attempt(check, "global", "iam:GetRole (of the caller) and iam:SimulatePrincipalPolicy", async () => {
      const arn = await source!;
      const out = await ctx.clients.iam().send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: arn,
          ActionNames: ["iam:CreateServiceLinkedRole"],
          ResourceArns: [`arn:aws:iam::${ctx.env.accountId}:role/aws-service-role/${slr.service}/${slr.name}`],
          ContextEntries: [{ ContextKeyName: "iam:AWSServiceName", ContextKeyType: "string", ContextKeyValues: [slr.service] }],
        }),
      );
      return { arn, decision: out.EvaluationResults?.[0]?.EvalDecision ?? "unknown" };
    });
    if (!simulated.ok) {
      results.push(simulated.row);
    } else if (simulated.value.decision === "allowed") {
      results.push(row(check, "global", "PASS", `missing; ${slr.service} creates it on first use (${simulated.value.arn} may iam:CreateServiceLinkedRole)`));
    } else {
      results.push(
        row(check, "global", "FAIL", `missing, and ${simulated.value.arn} may not create it (${simulated.value.decision})`, `an administrator runs: aws iam create-service-linked-role --aws-service-name ${slr.service}`),
      );
    }
  }
  return results;
};
