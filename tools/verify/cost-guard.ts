/**
 * The cost guard of the nightly integration workflow: before an ephemeral copy of an environment is
 * deployed, its effective configuration (after CDN_CONFIG_OVERRIDES) must stay within fixed limits:
 * instance types and counts, database class and storage, number of planes, NAT gateways.
 */
import type { EnvironmentConfig } from "../../src/config/schema";
import { planeId, planesOf } from "../../src/config/naming";

/** Upper bounds of what an ephemeral environment may cost. */
export interface CostLimits {
  /** EC2 instance types node groups may use. */
  readonly nodeInstanceTypes: readonly string[];
  /** Most nodes a node group may scale to. */
  readonly maxNodesPerGroup: number;
  /** RDS instance classes the databases may use. */
  readonly dbInstanceClasses: readonly string[];
  /** Largest allocated storage per database, GiB. */
  readonly maxDbStorageGiB: number;
  /** Most provisioned IOPS per database. */
  readonly maxDbIops: number;
  /** Most planes (global + regional). */
  readonly maxPlanes: number;
  /** Whether one NAT gateway per AZ is allowed (else `single` only). */
  readonly natPerAz: boolean;
}

/** Every way `env` exceeds `limits`; empty when within. */
export function costProblems(env: EnvironmentConfig, limits: CostLimits): string[] {
  const problems: string[] = [];
  const planes = planesOf(env);
  if (planes.length > limits.maxPlanes) problems.push(`${planes.length} planes, at most ${limits.maxPlanes}`);
  for (const { ref, config } of planes) {
    const id = planeId(ref);
    if (!limits.natPerAz && config.natGateways !== "single") problems.push(`${id}: natGateways ${config.natGateways}, only "single" allowed`);
    for (const g of config.cluster.nodeGroups) {
      const bad = g.instanceTypes.filter((t) => !limits.nodeInstanceTypes.includes(t));
      if (bad.length > 0) problems.push(`${id}: node group ${g.name} uses ${bad.join(", ")}; allowed: ${limits.nodeInstanceTypes.join(", ")}`);
      if (g.maxSize > limits.maxNodesPerGroup) problems.push(`${id}: node group ${g.name} may grow to ${g.maxSize} nodes, at most ${limits.maxNodesPerGroup}`);
    }
    const db = config.database;
    if (!limits.dbInstanceClasses.includes(db.instanceClass)) problems.push(`${id}: database class ${db.instanceClass}; allowed: ${limits.dbInstanceClasses.join(", ")}`);
    if (db.allocatedStorageGiB > limits.maxDbStorageGiB) problems.push(`${id}: database storage ${db.allocatedStorageGiB} GiB, at most ${limits.maxDbStorageGiB}`);
    if (db.iops > limits.maxDbIops) problems.push(`${id}: database IOPS ${db.iops}, at most ${limits.maxDbIops}`);
  }
  return problems;
}
