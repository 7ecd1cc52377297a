/**
 * Quotas a first deploy consumes have room, per plane region: VPCs, Elastic IPs (one per NAT
 * gateway), NAT gateways per AZ, EKS clusters. Usage is counted from the account; what this
 * environment still needs is what its planes would create that does not exist yet (a plane whose VPC,
 * found by its Name tag, exists needs nothing).
 */
import { DescribeAddressesCommand, DescribeNatGatewaysCommand, DescribeSubnetsCommand, DescribeVpcsCommand, type Vpc } from "@aws-sdk/client-ec2";
import { ListClustersCommand } from "@aws-sdk/client-eks";
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand } from "@aws-sdk/client-service-quotas";
import { clusterName, planesOf, resourcePrefix } from "../../../src/config/naming";
import type { PlaneConfig } from "../../../src/config/schema";
import { classifyAwsError } from "../../aws/errors";
import { attempt, row, type Check, type CheckResult, type PreflightContext } from "../types";

/** Service Quotas codes of the quotas checked. */
export const QUOTAS = {
  vpcs: { serviceCode: "vpc", quotaCode: "L-F678F1CE", name: "VPCs per Region" },
  elasticIps: { serviceCode: "ec2", quotaCode: "L-0263D0A3", name: "EC2-VPC Elastic IPs" },
  natPerAz: { serviceCode: "vpc", quotaCode: "L-FE5A380F", name: "NAT gateways per Availability Zone" },
  eksClusters: { serviceCode: "eks", quotaCode: "L-1194D53C", name: "EKS clusters" },
} as const;

type QuotaKey = keyof typeof QUOTAS;

/** A quota's value: the applied one, or AWS's default when the account never changed it. */
async function quotaValue(ctx: PreflightContext, region: string, key: QuotaKey): Promise<number> {
  const { serviceCode, quotaCode } = QUOTAS[key];
  const client = ctx.clients.quotas(region);
  try {
    const out = await client.send(new GetServiceQuotaCommand({ ServiceCode: serviceCode, QuotaCode: quotaCode }));
    return out.Quota!.Value!;
  } catch (error) {
    if (classifyAwsError(error).code !== "NoSuchResourceException") throw error;
    const out = await client.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode: serviceCode, QuotaCode: quotaCode }));
    return out.Quota!.Value!;
  }
}

const natAzs = (p: PlaneConfig) => (p.natGateways === "per-az" ? p.availabilityZones : p.availabilityZones.slice(0, 1));

export const quotas: Check = async (ctx) => {
  const results: CheckResult[] = [];
  const planes = planesOf(ctx.env);
  for (const region of [...new Set(planes.map((p) => p.config.region))]) {
    const here = planes.filter((p) => p.config.region === region);
    const ec2 = ctx.clients.ec2(region);

    // Which planes exist already (their VPC carries the Name tag the network construct gives it).
    const vpcs = await attempt(`quota ${QUOTAS.vpcs.name}`, region, "ec2:DescribeVpcs", async () => {
      const all: Vpc[] = [];
      let token: string | undefined;
      do {
        const page = await ec2.send(new DescribeVpcsCommand({ NextToken: token, MaxResults: 1000 }));
        all.push(...(page.Vpcs ?? []));
        token = page.NextToken;
      } while (token);
      return all;
    });
    if (!vpcs.ok) {
      results.push(vpcs.row);
      continue;
    }
    const names = new Set(vpcs.value.map((v) => v.Tags?.find((t) => t.Key === "Name")?.Value));
    const missing = here.filter((p) => !names.has(`${resourcePrefix(ctx.env.name, p.ref)}-vpc`));

    const judge = async (key: QuotaKey, used: number, needed: number, scope = "") => {
      const check = `quota ${QUOTAS[key].name}${scope}`;
      const limit = await attempt(check, region, "servicequotas:GetServiceQuota", () => quotaValue(ctx, region, key));
      if (!limit.ok) return limit.row;
      const detail = `${used} used of ${limit.value}, this environment needs ${needed} more`;
      if (used + needed <= limit.value) return row(check, region, "PASS", detail);
      return row(check, region, "FAIL", detail, `request an increase: aws service-quotas request-service-quota-increase --service-code ${QUOTAS[key].serviceCode} --quota-code ${QUOTAS[key].quotaCode} --desired-value ${used + needed} --region ${region}`);
    };

    results.push(await judge("vpcs", vpcs.value.length, missing.length));

    const addresses = await attempt(`quota ${QUOTAS.elasticIps.name}`, region, "ec2:DescribeAddresses", () => ec2.send(new DescribeAddressesCommand({})));
    if (!addresses.ok) results.push(addresses.row);
    else results.push(await judge("elasticIps", (addresses.value.Addresses ?? []).length, missing.reduce((n, p) => n + natAzs(p.config).length, 0)));

    const nats = await attempt(`quota ${QUOTAS.natPerAz.name}`, region, "ec2:DescribeNatGateways", async () => {
      const gateways = [];
      let token: string | undefined;
      do {
        const page = await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: "state", Values: ["pending", "available"] }], NextToken: token, MaxResults: 1000 }));
        gateways.push(...(page.NatGateways ?? []));
        token = page.NextToken;
      } while (token);
      const subnetIds = [...new Set(gateways.map((g) => g.SubnetId).filter((s): s is string => Boolean(s)))];
      const subnets = subnetIds.length ? (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }))).Subnets ?? [] : [];
      const azOf = new Map(subnets.map((s) => [s.SubnetId, s.AvailabilityZone]));
      const perAz = new Map<string, number>();
      for (const g of gateways) {
        const az = azOf.get(g.SubnetId) ?? "unknown";
        perAz.set(az, (perAz.get(az) ?? 0) + 1);
      }
      return perAz;
    });
    if (!nats.ok) results.push(nats.row);
    else {
      const neededPerAz = new Map<string, number>();
      for (const p of missing) for (const az of natAzs(p.config)) neededPerAz.set(az, (neededPerAz.get(az) ?? 0) + 1);
      const azs = [...new Set(here.flatMap((p) => natAzs(p.config)))];
      for (const az of azs) results.push(await judge("natPerAz", nats.value.get(az) ?? 0, neededPerAz.get(az) ?? 0, ` (${az})`));
    }

    const clusters = await attempt(`quota ${QUOTAS.eksClusters.name}`, region, "eks:ListClusters", async () => {
      const all: string[] = [];
      let token: string | undefined;
      do {
        const page = await ctx.clients.eks(region).send(new ListClustersCommand({ nextToken: token, maxResults: 100 }));
        all.push(...(page.clusters ?? []));
        token = page.nextToken;
      } while (token);
      return all;
    });
    if (!clusters.ok) results.push(clusters.row);
    else results.push(await judge("eksClusters", clusters.value.length, here.filter((p) => !clusters.value.includes(clusterName(p.ref))).length));
  }
  return results;
};

