/**
 * Replays recorded AWS responses (test/fixtures/verify/aws) to the real AWS SDK v3 clients through a
 * custom request handler: the SDK serializes each request and parses each recorded response exactly as
 * it would in production, including errors (AccessDenied, Throttling) and retries. No network.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import { createAwsPort, type AwsPort } from "../../../tools/verify/io/aws";
import { MACHINE_INDEPENDENT_SETTINGS } from "../../helpers/aws-settings";
import type { PlaneTarget } from "../../../tools/verify/targets";

const DIR = join(__dirname, "..", "..", "fixtures", "verify", "aws");

/** A recorded body with `${...}` placeholders filled. */
export function recorded(file: string, vars: Record<string, string>): string {
  return readFileSync(join(DIR, file), "utf8").replace(/\$\{(\w+)\}/g, (m, k: string) => (k in vars ? vars[k] : m));
}

/** How AWS behaves in a test; mutable while the run goes on. */
export interface AwsBehaviour {
  /** Account of the caller. */
  account: string;
  /** DescribeCluster per cluster name: ok (ACTIVE), creating, access-denied, timeout. */
  cluster: Record<string, "ok" | "creating" | "access-denied" | "timeout">;
  /** DescribeAddon: a degraded add-on's name, if any. */
  degradedAddon?: string;
  /** DescribeDBClusters: ok, throttling or access-denied. */
  db: "ok" | "throttling" | "access-denied";
  /** Which member is the writer (1 or 2) per identifier; IAM auth flag. */
  writer: Record<string, 1 | 2>;
  iamAuth: boolean;
  /** FailoverDBCluster: ok (the writer moves to member 2 after `failoverAfterPolls` describes) or access-denied. */
  failover: "ok" | "access-denied";
  /** Describes after the failover call until the new writer shows. */
  failoverAfterPolls: number;
}

/** The fake: the port to hand to verify, the behaviour to steer, and the calls made. */
export interface FakeAws {
  readonly port: AwsPort;
  readonly behaviour: AwsBehaviour;
  readonly calls: string[];
}

/** The EKS endpoint id the recorded DescribeCluster of a cluster returns (upper-case hex, as EKS does). */
export const endpointIdOf = (cluster: string): string => Buffer.from(cluster).toString("hex").toUpperCase().padEnd(32, "0").slice(0, 32);

/** A fake AWS for an environment's planes. */
export function fakeAws(targets: readonly PlaneTarget[], overrides: Partial<AwsBehaviour> = {}, timeoutMs = 2000): FakeAws {
  const behaviour: AwsBehaviour = {
    account: "111111111111",
    cluster: Object.fromEntries(targets.map((t) => [t.clusterName, "ok" as const])),
    db: "ok",
    writer: Object.fromEntries(targets.map((t) => [t.database.identifier, 1 as const])),
    iamAuth: true,
    failover: "ok",
    failoverAfterPolls: 3,
    ...overrides,
  };
  const calls: string[] = [];
  const pendingFailover = new Map<string, number>();
  const byCluster = new Map(targets.map((t) => [t.clusterName, t]));
  const byDb = new Map(targets.map((t) => [t.database.identifier, t]));
  const xml = (status: number, body: string) => ({ status, headers: { "content-type": "text/xml" }, body });
  const json = (status: number, body: string, errorType?: string) => ({ status, headers: { "content-type": "application/json", ...(errorType ? { "x-amzn-errortype": errorType } : {}) }, body });

  function respond(req: { method: string; hostname: string; path: string; body?: unknown }): { status: number; headers: Record<string, string>; body: string } | "hang" {
    const service = req.hostname.split(".")[0];
    const region = req.hostname.split(".")[1];
    if (service === "sts") {
      calls.push("sts:GetCallerIdentity");
      return xml(200, recorded("sts-get-caller-identity.xml", { account: behaviour.account }));
    }
    if (service === "eks") {
      const [, , cluster, , addon] = req.path.split("/").map(decodeURIComponent);
      const t = byCluster.get(cluster);
      const vars = { cluster, region, plane: t?.id ?? "?", endpointId: endpointIdOf(cluster) };
      if (addon) {
        calls.push(`eks:DescribeAddon ${cluster} ${addon}`);
        const pinned = t?.addons.find((a) => a.name === addon)?.version ?? "v0.0.0-eksbuild.1";
        const degraded = behaviour.degradedAddon === addon;
        return json(200, recorded("eks-describe-addon.json", { ...vars, addon, version: pinned, status: degraded ? "DEGRADED" : "ACTIVE", issues: degraded ? '[{"code":"InsufficientNumberOfReplicas","message":"The add-on is unhealthy because it doesn\'t have the desired number of replicas.","resourceIds":["coredns"]}]' : "[]" }));
      }
      calls.push(`eks:DescribeCluster ${cluster}`);
      const mode = behaviour.cluster[cluster] ?? "ok";
      if (mode === "timeout") return "hang";
      if (mode === "access-denied") return json(403, recorded("eks-access-denied.json", vars), "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/");
      return json(200, recorded("eks-describe-cluster.json", { ...vars, status: mode === "creating" ? "CREATING" : "ACTIVE" }));
    }
    if (service === "rds") {
      const params = new URLSearchParams(String(req.body ?? ""));
      const action = params.get("Action") ?? "";
      const identifier = params.get("DBClusterIdentifier") ?? params.get("SourceIdentifier") ?? "";
      calls.push(`rds:${action} ${identifier}`);
      const t = byDb.get(identifier);
      const vars = { identifier, region, dbname: t?.database.name ?? "?", action };
      if (action === "DescribeDBClusters") {
        if (behaviour.db === "throttling") return xml(400, recorded("rds-throttling.xml", vars));
        if (behaviour.db === "access-denied") return xml(403, recorded("rds-access-denied.xml", vars));
        const polls = pendingFailover.get(identifier);
        let status = "available";
        if (polls !== undefined) {
          if (polls <= 1) {
            pendingFailover.delete(identifier);
            behaviour.writer[identifier] = 2;
          } else {
            pendingFailover.set(identifier, polls - 1);
            status = "failing-over";
          }
        }
        const w = behaviour.writer[identifier] ?? 1;
        return xml(200, recorded("rds-describe-db-clusters.xml", { ...vars, status, writer1: String(w === 1), writer2: String(w === 2), iam: String(behaviour.iamAuth) }));
      }
      if (action === "FailoverDBCluster") {
        if (behaviour.failover === "access-denied") return xml(403, recorded("rds-access-denied.xml", vars));
        pendingFailover.set(identifier, behaviour.failoverAfterPolls);
        return xml(200, recorded("rds-failover-db-cluster.xml", vars));
      }
      if (action === "DescribeEvents") return xml(200, recorded("rds-describe-events.xml", vars));
    }
    throw new Error(`fake AWS: no recording for ${req.method} ${req.hostname}${req.path}`);
  }

  const requestHandler = {
    handle: async (req: { method: string; hostname: string; path: string; body?: unknown }) => {
      const r = respond(req);
      if (r === "hang") return new Promise<never>(() => {});
      return { response: { statusCode: r.status, headers: r.headers, body: Readable.from([Buffer.from(r.body)]) } };
    },
  };
  const port = createAwsPort(
    {
      ...MACHINE_INDEPENDENT_SETTINGS,
      requestHandler: requestHandler as never,
      // The SDK's standard retry decisions, two attempts, no back-off wait.
      retryStrategy: new ConfiguredRetryStrategy(2, 0),
      credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
    },
    timeoutMs,
  );
  return { port, behaviour, calls };
}
