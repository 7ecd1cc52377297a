/**
 * Cluster checks over API responses: the EKS control plane (DescribeCluster), managed add-ons
 * (DescribeAddon), nodes and system pods (Kubernetes API objects, as plain JSON or client models).
 */
import { fail, judge, oneLine, type Finding } from "../model";

type Json = Record<string, any>;

/** DescribeCluster's `cluster`: ACTIVE, the expected name, an endpoint. */
export function evaluateCluster(cluster: Json | undefined, expectedName: string): Finding {
  if (!cluster) return fail(`cluster ${expectedName} not found`);
  const problems: string[] = [];
  if (cluster.name !== expectedName) problems.push(`described ${cluster.name}, expected ${expectedName}`);
  if (cluster.status !== "ACTIVE") problems.push(`status ${cluster.status}${cluster.health?.issues?.length ? ` (${issues(cluster.health.issues)})` : ""}`);
  if (!cluster.endpoint) problems.push("no API endpoint");
  if (cluster.health?.issues?.length && cluster.status === "ACTIVE") problems.push(`health issues: ${issues(cluster.health.issues)}`);
  return judge(problems, `${cluster.name} ACTIVE, Kubernetes ${cluster.version}, ${cluster.resourcesVpcConfig?.endpointPublicAccess ? "public+private" : "private"} endpoint`);
}

function issues(list: Json[]): string {
  return list.map((i) => `${i.code}: ${i.message}`).join("; ");
}

/** Each expected add-on ACTIVE, at its pinned version, without health issues. */
export function evaluateAddons(described: ReadonlyMap<string, Json | Error>, expected: readonly { name: string; version: string }[]): Finding {
  if (expected.length === 0) return fail("no add-ons expected: the synthesized stacks define none");
  const problems: string[] = [];
  for (const { name, version } of expected) {
    const addon = described.get(name);
    if (!addon) problems.push(`${name}: not described`);
    else if (addon instanceof Error) problems.push(`${name}: ${addon.message}`);
    else {
      if (addon.status !== "ACTIVE") problems.push(`${name}: ${addon.status}`);
      if (addon.addonVersion !== version) problems.push(`${name}: version ${addon.addonVersion}, pinned ${version}`);
      if (addon.health?.issues?.length) problems.push(`${name}: ${issues(addon.health.issues)}`);
    }
  }
  return judge(problems, `${expected.length} add-ons ACTIVE at their pinned versions (${expected.map((a) => a.name).join(", ")})`);
}

/** A node's Ready condition is True. */
export function nodeReady(node: Json): boolean {
  return (node.status?.conditions ?? []).some((c: Json) => c.type === "Ready" && c.status === "True");
}

/** The node's zone label. */
export function nodeZone(node: Json): string | undefined {
  return node.metadata?.labels?.["topology.kubernetes.io/zone"];
}

/** The node's InternalIP. */
export function nodeInternalIp(node: Json): string | undefined {
  return (node.status?.addresses ?? []).find((a: Json) => a.type === "InternalIP")?.address;
}

/** At least `minNodes` Ready nodes, spread over at least `minZones` zones. */
export function evaluateNodes(nodes: readonly Json[], minNodes: number, minZones = 2): Finding {
  const ready = nodes.filter(nodeReady);
  const zones = [...new Set(ready.map(nodeZone).filter((z): z is string => !!z))].sort();
  const problems: string[] = [];
  if (ready.length < minNodes) problems.push(`${ready.length} Ready node(s) of ${nodes.length}, need at least ${minNodes}`);
  if (zones.length < minZones) problems.push(`Ready nodes in ${zones.length} zone(s) (${zones.join(", ") || "none"}), need at least ${minZones}`);
  const notReady = nodes.filter((n) => !nodeReady(n)).map((n) => n.metadata?.name);
  if (notReady.length > 0 && problems.length > 0) problems.push(`not Ready: ${notReady.join(", ")}`);
  return judge(problems, `${ready.length} Ready node(s) (minimum ${minNodes}) in ${zones.length} zones: ${zones.join(", ")}${notReady.length ? `; not Ready: ${notReady.join(", ")}` : ""}`);
}

/** Why a pod is not healthy, or undefined when it is Running with every container ready (or Succeeded). */
export function podProblem(pod: Json): string | undefined {
  const phase = pod.status?.phase;
  if (phase === "Succeeded") return undefined;
  const statuses: Json[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    const waiting = s.state?.waiting;
    if (waiting?.reason && waiting.reason !== "PodInitializing" && waiting.reason !== "ContainerCreating") {
      return `${s.name} ${waiting.reason}${waiting.message ? `: ${oneLine(waiting.message)}` : ""}`;
    }
    const terminated = s.state?.terminated;
    if (terminated && terminated.exitCode !== 0 && phase !== "Running") return `${s.name} terminated ${terminated.reason ?? ""} (exit ${terminated.exitCode})`.replace("  ", " ");
  }
  if (phase === "Pending") {
    const scheduled = (pod.status?.conditions ?? []).find((c: Json) => c.type === "PodScheduled");
    if (scheduled?.status === "False") return `Pending: ${scheduled.reason ?? "not scheduled"}${scheduled.message ? ` (${oneLine(scheduled.message)})` : ""}`;
    const waiting = statuses.find((s) => s.state?.waiting)?.state?.waiting?.reason;
    return `Pending${waiting ? ` (${waiting})` : ""}`;
  }
  if (phase !== "Running") return `${phase ?? "no phase"}${pod.status?.reason ? ` (${pod.status.reason}${pod.status.message ? `: ${oneLine(pod.status.message)}` : ""})` : ""}`;
  const unready = (pod.status?.containerStatuses ?? []).filter((s: Json) => !s.ready).map((s: Json) => s.name);
  if (unready.length > 0) return `Running but not ready: ${unready.join(", ")}`;
  return undefined;
}

/** Every pod in the namespaces Running and ready (or Succeeded); each namespace has pods. */
export function evaluateSystemPods(podsByNamespace: ReadonlyMap<string, readonly Json[]>): Finding {
  const problems: string[] = [];
  const counts: string[] = [];
  for (const [namespace, pods] of podsByNamespace) {
    if (pods.length === 0) {
      problems.push(`${namespace}: no pods`);
      continue;
    }
    let healthy = 0;
    for (const pod of pods) {
      const problem = podProblem(pod);
      if (problem) problems.push(`${namespace}/${pod.metadata?.name}: ${problem}`);
      else healthy += 1;
    }
    counts.push(`${namespace} ${healthy}/${pods.length}`);
  }
  if (podsByNamespace.size === 0) problems.push("no namespaces to check");
  return judge(problems, `pods Running and ready: ${counts.join(", ")}`);
}

