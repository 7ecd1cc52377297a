/**
 * Every pinned Helm chart version exists in its repository's index (HTTPS GET `<repo>/index.yaml`,
 * parsed as YAML). The index of a busy repository is tens of megabytes, so only the chart's own
 * `entries` section is parsed.
 */
import { parse } from "yaml";
import { CLUSTER_AUTOSCALER_REPOSITORY } from "../../../constructs/autoscaler";
import { EKS_CHARTS_REPOSITORY } from "../../../constructs/ingress/controller";
import { KUBE_PROMETHEUS_STACK_REPOSITORY } from "../../../constructs/monitoring";
import { row, type Check, type CheckResult, type HttpGet } from "../types";

/** Where each pinned chart (by its key in `kubernetes.charts`) comes from. */
export const CHART_SOURCES: Readonly<Record<string, { repository: string; chart: string }>> = {
  kubePrometheusStack: { repository: KUBE_PROMETHEUS_STACK_REPOSITORY, chart: "kube-prometheus-stack" },
  awsLoadBalancerController: { repository: EKS_CHARTS_REPOSITORY, chart: "aws-load-balancer-controller" },
  clusterAutoscaler: { repository: CLUSTER_AUTOSCALER_REPOSITORY, chart: "cluster-autoscaler" },
};

/** The versions of `chart` listed in a Helm repository index (YAML text). */
export function chartVersions(indexYaml: string, chart: string): string[] {
  const lines = indexYaml.split("\n");
  const start = lines.findIndex((l) => l.replace(/\s+$/, "") === `  ${chart}:`);
  let doc: unknown;
  if (start >= 0) {
    let end = start + 1;
    // Up to the next chart key or top-level key (list items "  - " belong to this chart).
    while (end < lines.length && !/^ {0,2}[^\s-]/.test(lines[end])) end++;
    doc = parse(["entries:", ...lines.slice(start, end)].join("\n"));
  } else {
    doc = parse(indexYaml);
  }
  const entries = (doc as { entries?: Record<string, { version?: unknown }[]> } | null)?.entries?.[chart];
  return Array.isArray(entries) ? entries.map((e) => String(e.version)) : [];
}

export const helmCharts: Check = async (ctx) => {
  const results: CheckResult[] = [];
  const indexes = new Map<string, Promise<{ status: number; body: string }>>();
  const get = (repo: string, http: HttpGet) => {
    if (!indexes.has(repo)) indexes.set(repo, http(`${repo}/index.yaml`));
    return indexes.get(repo)!;
  };
  for (const [key, version] of Object.entries(ctx.env.kubernetes.charts)) {
    const source = CHART_SOURCES[key];
    const check = `Helm chart ${source?.chart ?? key} ${version}`;
    if (!source) {
      results.push(row(check, "global", "FAIL", `no repository is known for kubernetes.charts.${key}`, "add it to CHART_SOURCES in tools/preflight/checks/helm.ts"));
      continue;
    }
    try {
      const response = await get(source.repository, ctx.httpGet);
      if (response.status !== 200) {
        results.push(row(check, "global", "ERROR", `GET ${source.repository}/index.yaml answered HTTP ${response.status}`, "check the repository URL and the network; rerun"));
        continue;
      }
      const versions = chartVersions(response.body, source.chart);
      if (versions.includes(version)) results.push(row(check, "global", "PASS", `listed in ${source.repository}`));
      else
        results.push(
          row(check, "global", "FAIL", versions.length === 0 ? `${source.chart} is not in ${source.repository}/index.yaml` : `not in ${source.repository}/index.yaml (newest: ${versions.slice(0, 3).join(", ")})`, `pin a listed version in environments/shared.ts (HELM_CHARTS.${key})`),
        );
    } catch (error) {
      results.push(row(check, "global", "ERROR", `GET ${source.repository}/index.yaml failed: ${(error as Error).message.split("\n")[0]}`, "check the network path to the repository; rerun"));
    }
  }
  return results;
};
