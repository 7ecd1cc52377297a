/**
 * The Kubernetes Pod Security Standard `restricted` (the level the workload namespace enforces), as a
 * function over a pod spec in API shape: every violation the admission controller would report for the
 * fields our manifests use. verify checks its own probe Jobs with it before creating them, and the
 * tests check the runbooks' pod overrides with it.
 */

type Json = Record<string, any>;

/** Volume types `restricted` allows. */
const ALLOWED_VOLUMES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

/** Violations of Pod Security `restricted` in `spec` (a PodSpec); empty when compliant. */
export function restrictedViolations(spec: Json): string[] {
  const problems: string[] = [];
  const pod = spec.securityContext ?? {};
  for (const f of ["hostNetwork", "hostPID", "hostIPC"]) if (spec[f] === true) problems.push(`${f} must not be true`);
  for (const v of spec.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== "name");
    if (!type || !ALLOWED_VOLUMES.includes(type)) problems.push(`volume ${v.name}: type ${type} is not allowed`);
  }
  const podSeccomp = pod.seccompProfile?.type;
  const containers: Json[] = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  if (containers.length === 0) problems.push("no containers");
  if (pod.runAsUser === 0) problems.push("securityContext.runAsUser must not be 0");
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.privileged === true) problems.push(`${where}: privileged must not be true`);
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: securityContext.allowPrivilegeEscalation must be false`);
    const runAsNonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
    if (runAsNonRoot !== true) problems.push(`${where}: runAsNonRoot must be true (pod or container)`);
    if (sc.runAsUser === 0) problems.push(`${where}: runAsUser must not be 0`);
    const seccomp = sc.seccompProfile?.type ?? podSeccomp;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") problems.push(`${where}: seccompProfile.type must be RuntimeDefault or Localhost (pod or container)`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes("ALL")) problems.push(`${where}: securityContext.capabilities.drop must include ALL`);
    const add: string[] = sc.capabilities?.add ?? [];
    for (const cap of add.filter((a) => a !== "NET_BIND_SERVICE")) problems.push(`${where}: capability ${cap} must not be added`);
    for (const p of c.ports ?? []) if (p.hostPort) problems.push(`${where}: hostPort must not be set`);
  }
  return problems;
}
