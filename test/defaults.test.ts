/**
 * One source per default: every field the schema fills in equals the construct's exported defaults
 * object (the schema reads the same object), so changing a construct default changes deployed output.
 */
import { describe, expect, it } from "vitest";
import { CLUSTER_DEFAULTS, NODE_GROUP_DEFAULTS } from "../constructs/cluster";
import { DATABASE_DEFAULTS } from "../constructs/database";
import { INGRESS_DEFAULTS } from "../constructs/ingress";
import { MONITORING_DEFAULTS } from "../constructs/monitoring";
import { NETWORK_DEFAULTS } from "../constructs/network";
import { ENVIRONMENTS } from "../environments";
import { loadEnvironment } from "../src/config/load";

/** prod's file with every optional field of the global plane (and monitoring sizes) left out. */
function minimal() {
  const env = structuredClone(ENVIRONMENTS.prod.data) as any;
  const g = env.global;
  delete g.flowLogRetentionDays;
  delete g.subnets;
  delete g.cluster.logRetentionDays;
  for (const ng of g.cluster.nodeGroups) for (const k of ["capacityType", "minSize", "maxSize", "diskSizeGiB"]) delete ng[k];
  for (const k of Object.keys(DATABASE_DEFAULTS)) delete g.database[k];
  g.database.iops = 1000; // 0.5-50 IOPS per GiB of the default 100 GiB
  delete g.ingress.allowedCidrs;
  delete g.ingress.targetPort;
  delete env.kubernetes.monitoring;
  return loadEnvironment(env, "environments/prod.ts (minimal copy)");
}

describe("schema defaults come from the constructs' defaults objects", () => {
  const env = minimal();

  it("database", () => {
    const { masterUsername: _notConfigurable, secretRecoveryWindowDays: _neither, ...configurable } = DATABASE_DEFAULTS;
    expect(Object.keys(configurable).length).toBeGreaterThan(5);
    expect(env.global.database).toMatchObject(configurable);
  });

  it("cluster and node groups", () => {
    expect(env.global.cluster.logRetentionDays).toBe(CLUSTER_DEFAULTS.logRetentionDays);
    expect(env.global.cluster.nodeGroups.length).toBeGreaterThan(0);
    for (const ng of env.global.cluster.nodeGroups) expect(ng).toMatchObject(NODE_GROUP_DEFAULTS);
  });

  it("network", () => {
    const { natGateways: _required, flowLogRetentionDays, ...prefixes } = NETWORK_DEFAULTS;
    expect(env.global.flowLogRetentionDays).toBe(flowLogRetentionDays);
    expect(env.global.subnets).toMatchObject(prefixes);
  });

  it("ingress and monitoring", () => {
    expect(env.global.ingress.allowedCidrs).toEqual(INGRESS_DEFAULTS.allowedCidrs);
    expect(env.global.ingress.targetPort).toBe(INGRESS_DEFAULTS.targetPort);
    expect(env.kubernetes.monitoring).toEqual({
      prometheusRetentionDays: MONITORING_DEFAULTS.retentionDays,
      prometheusStorageGiB: MONITORING_DEFAULTS.prometheusStorageGiB,
      alertmanagerStorageGiB: MONITORING_DEFAULTS.alertmanagerStorageGiB,
      grafanaStorageGiB: MONITORING_DEFAULTS.grafanaStorageGiB,
    });
  });
});
