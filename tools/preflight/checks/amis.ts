/**
 * The AMIs the stacks launch are still published: the EKS-optimized AMI of the node groups' AMI type
 * for the configured Kubernetes version, and (with access hosts) the Amazon Linux 2023 image the access
 * host resolves at launch. Both are public SSM parameters.
 */
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { AL2023_AMI_PARAMETER } from "../../../constructs/access-host";
import { NODE_AMI_TYPE } from "../../../constructs/cluster";
import { planesOf } from "../../../src/config/naming";
import { classifyAwsError } from "../../aws/errors";
import { failedCall, row, type Check, type CheckResult } from "../types";

/** The public parameter naming the recommended EKS AMI release of an AMI type (AL2023 types). */
export function eksAmiParameter(amiType: string, kubernetesVersion: string): string {
  const match = /^AL2023_(x86_64|ARM_64)_(STANDARD|NVIDIA|NEURON)$/.exec(amiType);
  if (!match) throw new Error(`no public parameter known for AMI type ${amiType}`);
  const arch = match[1] === "ARM_64" ? "arm64" : "x86_64";
  return `/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2023/${arch}/${match[2].toLowerCase()}/recommended/release_version`;
}

export const amis: Check = async (ctx) => {
  const results: CheckResult[] = [];
  const seen = new Set<string>();
  for (const { config } of planesOf(ctx.env)) {
    const { region } = config;
    const wanted = [
      { check: `node AMI ${NODE_AMI_TYPE} published for Kubernetes ${config.cluster.kubernetesVersion}`, name: eksAmiParameter(NODE_AMI_TYPE, config.cluster.kubernetesVersion), fix: "EKS stopped publishing this AMI type for the version: change NODE_AMI_TYPE (constructs/cluster) or the Kubernetes version" },
      ...(ctx.env.access.bastion.enabled ? [{ check: "access host AMI (Amazon Linux 2023) published", name: AL2023_AMI_PARAMETER, fix: "the public parameter moved: update AL2023_AMI_PARAMETER (constructs/access-host)" }] : []),
    ];
    for (const w of wanted) {
      if (seen.has(`${region}/${w.name}`)) continue;
      seen.add(`${region}/${w.name}`);
      try {
        const out = await ctx.clients.ssm(region).send(new GetParameterCommand({ Name: w.name }));
        results.push(row(w.check, region, "PASS", `${w.name} = ${out.Parameter?.Value ?? "?"}`));
      } catch (error) {
        if (classifyAwsError(error).code === "ParameterNotFound") results.push(row(w.check, region, "FAIL", `${w.name} does not exist`, w.fix));
        else results.push(failedCall(w.check, region, "ssm:GetParameter", error));
      }
    }
  }
  return results;
};
