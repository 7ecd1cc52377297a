/**
 * Judges the network probe (tools/verify/probes/net-probe.sh): what must be reachable from a plane's
 * pods (its own database through the private DNS names; from a regional plane, the global cluster's
 * private API endpoint over the peering) and what must not (the global database, a global node's
 * kubelet: listening services that only the security groups keep out).
 */
import { cidrContains } from "../../../src/lib/cidr";
import { judge, type Finding } from "../model";
import { tail, value, type ProbeOutput } from "./probe-output";

/** One connection the probe tries and what it must find. */
export interface NetTarget {
  /** Short name (`db-writer`, `global-api`, ...). */
  readonly name: string;
  /** Host name or address to resolve from inside the pod. */
  readonly host: string;
  /** TCP port. */
  readonly port: number;
  /** open: must connect; closed: must resolve and then not connect. */
  readonly expect: "open" | "closed";
  /** The resolved address must lie in this CIDR (private, in the expected VPC). */
  readonly cidr: string;
}

/** PROBE_TARGETS for the probe. */
export function netProbeTargets(targets: readonly NetTarget[]): string {
  return targets.map((t) => `${t.name} ${t.host} ${t.port}`).join("\n");
}

function field(text: string, key: string): string | undefined {
  return new RegExp(`(?:^| )${key}=(\\S+)`).exec(text)?.[1];
}

/** Judges every target; one line of evidence per target. */
export function evaluateNetwork(out: ProbeOutput, targets: readonly NetTarget[]): Finding {
  const problems: string[] = [];
  const seen: string[] = [];
  if (targets.length === 0) problems.push("no targets to check");
  for (const t of targets) {
    const result = value(out, `net.${t.name}`);
    if (!result) {
      problems.push(`${t.name}: not reported (${tail(out) || "no output"})`);
      continue;
    }
    const state = result.split(" ")[0];
    const ip = field(result, "ip");
    if (state === "unresolved") {
      problems.push(`${t.name}: ${t.host} does not resolve`);
      continue;
    }
    if (!ip || !/^\d+\.\d+\.\d+\.\d+$/.test(ip) || !cidrContains(t.cidr, `${ip}/32`)) problems.push(`${t.name}: ${t.host} resolved to ${ip}, outside ${t.cidr}`);
    if (state !== t.expect) {
      problems.push(t.expect === "open" ? `${t.name}: ${t.host}:${t.port} (${ip}) not reachable (${field(result, "reason") ?? state})` : `${t.name}: ${t.host}:${t.port} (${ip}) is REACHABLE but must not be`);
    } else seen.push(`${t.name} ${t.port} ${state}`);
  }
  return judge(problems, seen.join(", "));
}
