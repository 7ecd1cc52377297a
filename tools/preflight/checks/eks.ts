/**
 * The Kubernetes version is in EKS standard support (`DescribeClusterVersions.versionStatus`, with a
 * warning when standard support ends within 60 days), and every pinned add-on version is offered for
 * that Kubernetes version (`DescribeAddonVersions`), in every plane's region.
 */
import { DescribeAddonVersionsCommand, DescribeClusterVersionsCommand, type AddonInfo } from "@aws-sdk/client-eks";
import { planesOf } from "../../../src/config/naming";
import { attempt, row, type Check, type CheckResult } from "../types";

/** Config keys of the pinned add-ons and their EKS names. */
export const ADDON_NAMES = {
  vpcCni: "vpc-cni",
  coreDns: "coredns",
  kubeProxy: "kube-proxy",
  podIdentityAgent: "eks-pod-identity-agent",
  ebsCsiDriver: "aws-ebs-csi-driver",
} as const;

const WARN_DAYS = 60;
const DAY_MS = 86_400_000;

export const kubernetesVersions: Check = async (ctx) => {
  const results: CheckResult[] = [];
  const seen = new Set<string>();
  for (const { config } of planesOf(ctx.env)) {
    const { region } = config;
    const version = config.cluster.kubernetesVersion;
    if (seen.has(`${region}/${version}`)) continue;
    seen.add(`${region}/${version}`);
    const check = `Kubernetes ${version} in EKS standard support`;
    const answer = await attempt(check, region, "eks:DescribeClusterVersions", () =>
      ctx.clients.eks(region).send(new DescribeClusterVersionsCommand({ clusterVersions: [version], includeAll: true })),
    );
    if (!answer.ok) {
      results.push(answer.row);
      continue;
    }
    const info = (answer.value.clusterVersions ?? []).find((v) => v.clusterVersion === version);
    if (!info) {
      results.push(row(check, region, "FAIL", "EKS does not offer this version here", "pick a version from: aws eks describe-cluster-versions --region " + region));
      continue;
    }
    const end = info.endOfStandardSupportDate ? new Date(info.endOfStandardSupportDate) : undefined;
    const endText = end ? end.toISOString().slice(0, 10) : "unknown";
    if (info.versionStatus !== "STANDARD_SUPPORT") {
      results.push(row(check, region, "FAIL", `${info.versionStatus} (standard support ended ${endText})`, "upgrade the clusters: raise cluster.kubernetesVersion and the add-on pins (environments/shared.ts)"));
    } else if (end && end.getTime() - ctx.now.getTime() < WARN_DAYS * DAY_MS) {
      results.push(row(check, region, "WARN", `standard support ends ${endText}`, "plan the upgrade now (extended support costs extra and upgradePolicy is STANDARD)"));
    } else {
      results.push(row(check, region, "PASS", `standard support until ${endText}`));
    }
  }
  return results;
};

export const addonVersions: Check = async (ctx) => {
  const results: CheckResult[] = [];
  const seen = new Set<string>();
  for (const { config } of planesOf(ctx.env)) {
    const { region } = config;
    const k8s = config.cluster.kubernetesVersion;
    for (const [key, addonName] of Object.entries(ADDON_NAMES) as [keyof typeof ADDON_NAMES, string][]) {
      const pinned = config.cluster.addons[key];
      const id = `${region}/${k8s}/${addonName}/${pinned}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const check = `EKS add-on ${addonName} ${pinned} (Kubernetes ${k8s})`;
      const addons: AddonInfo[] = [];
      let nextToken: string | undefined;
      let failed: CheckResult | undefined;
      do {
        const page = await attempt(check, region, "eks:DescribeAddonVersions", () =>
          ctx.clients.eks(region).send(new DescribeAddonVersionsCommand({ addonName, kubernetesVersion: k8s, nextToken })),
        );
        if (!page.ok) {
          failed = page.row;
          break;
        }
        addons.push(...(page.value.addons ?? []));
        nextToken = page.value.nextToken;
      } while (nextToken);
      if (failed) {
        results.push(failed);
        continue;
      }
      const versions = addons.filter((a) => a.addonName === addonName).flatMap((a) => a.addonVersions ?? []);
      const match = versions.find((v) => v.addonVersion === pinned);
      const compatible = match?.compatibilities?.some((c) => c.clusterVersion === k8s);
      if (match && compatible) {
        const isDefault = match.compatibilities?.find((c) => c.clusterVersion === k8s)?.defaultVersion;
        results.push(row(check, region, "PASS", `offered${isDefault ? " (the default)" : ""}`));
        continue;
      }
      const defaultVersion = versions.find((v) => v.compatibilities?.some((c) => c.clusterVersion === k8s && c.defaultVersion))?.addonVersion;
      const newest = versions.map((v) => v.addonVersion).filter(Boolean).slice(0, 3).join(", ");
      results.push(
        row(check, region, "FAIL", match ? `not compatible with Kubernetes ${k8s}` : `not offered for Kubernetes ${k8s}`, `pin an offered version in environments/shared.ts (default: ${defaultVersion ?? "none"}; newest: ${newest || "none"})`),
      );
    }
  }
  return results;
};
