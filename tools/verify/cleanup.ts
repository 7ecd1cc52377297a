/**
 * `verify --cleanup <run-id|all>`: deletes what verify runs left in the clusters (after a crash or a
 * second Ctrl-C), selected strictly by verify's labels: Jobs and ConfigMaps in the workload namespace,
 * and a smoke-test namespace verify created. Nothing without the labels is touched.
 */
import type { EnvironmentConfig } from "../../src/config/schema";
import type { AwsPort } from "./io/aws";
import type { KubePort } from "./io/kube";
import { errorText, fail, pass, type CheckResult, type Finding } from "./model";
import { MANAGED_BY, MANAGED_BY_LABEL, RUN_LABEL, runSelector } from "./probes/manifests";
import type { PlaneTarget } from "./targets";

/** Deletes labelled leftovers in each plane; one row per plane. */
export async function cleanupRuns(
  options: { env: EnvironmentConfig; targets: readonly PlaneTarget[]; runId?: string },
  deps: { aws: AwsPort; kube: (target: PlaneTarget, endpoint: string) => Promise<KubePort>; progress: (line: string) => void },
): Promise<CheckResult[]> {
  const rows: CheckResult[] = [];
  for (const target of options.targets) {
    const started = performance.now();
    let finding: Finding;
    try {
      const cluster = await deps.aws.describeCluster(target.region, target.clusterName);
      const kube = await deps.kube(target, cluster.endpoint);
      finding = pass(await cleanupPlane(kube, target, options.runId));
    } catch (error) {
      finding = fail(errorText(error));
    }
    deps.progress(`[${target.id}] cleanup: ${finding.evidence}`);
    rows.push({ check: "verify.cleanup", plane: target.id, ...finding, seconds: Math.round((performance.now() - started) / 100) / 10 });
  }
  return rows;
}

/** Deletes one plane's labelled objects; returns what it did. */
export async function cleanupPlane(kube: KubePort, target: PlaneTarget, runId?: string): Promise<string> {
  const ns = target.workload.namespace;
  const selector = { label: runSelector(runId) };
  const deleted: string[] = [];
  for (const kind of ["Job", "ConfigMap"] as const) {
    for (const o of await kube.list(kind, ns, selector)) {
      if (o.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY) continue; // belt and braces
      if (await kube.remove(kind, ns, o.metadata.name)) deleted.push(`${kind} ${ns}/${o.metadata.name}`);
    }
  }
  const app = target.smokeTest;
  const namespace = await kube.read("Namespace", undefined, app.namespace);
  const labels = namespace?.metadata?.labels ?? {};
  if (labels[MANAGED_BY_LABEL] === MANAGED_BY && (!runId || labels[RUN_LABEL] === runId)) {
    if (await kube.remove("Namespace", undefined, app.namespace)) deleted.push(`Namespace ${app.namespace} (the on-demand smoke-test app and its load balancer)`);
  }
  const scope = runId ? `run ${runId}` : "every verify run";
  return deleted.length > 0 ? `deleted ${deleted.join(", ")} (${scope})` : `nothing left by ${scope}`;
}
