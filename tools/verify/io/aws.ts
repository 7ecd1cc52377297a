/**
 * The AWS calls verify makes, behind one small interface so the orchestration can be tested against
 * recorded responses (the tests give the real SDK clients a request handler that replays recorded HTTP
 * responses). AWS SDK for JavaScript v3, one client package per service; credentials from the default
 * provider chain (AWS_PROFILE, SSO, environment, instance or container roles).
 */
import { DescribeAddonCommand, DescribeClusterCommand, EKSClient, type EKSClientConfig } from "@aws-sdk/client-eks";
import { DescribeDBClustersCommand, DescribeEventsCommand, FailoverDBClusterCommand, RDSClient, type RDSClientConfig } from "@aws-sdk/client-rds";
import { GetCallerIdentityCommand, STSClient, type STSClientConfig } from "@aws-sdk/client-sts";
import "../../aws/node-notice";

type Json = Record<string, any>;

/** What verify asks AWS. */
export interface AwsPort {
  /** The caller's account and ARN. */
  callerIdentity(region: string): Promise<{ account: string; arn: string }>;
  /** EKS DescribeCluster's `cluster`. */
  describeCluster(region: string, name: string): Promise<Json>;
  /** EKS DescribeAddon's `addon`. */
  describeAddon(region: string, cluster: string, addon: string): Promise<Json>;
  /** RDS DescribeDBClusters' one cluster, or undefined when it does not exist. */
  describeDbCluster(region: string, identifier: string): Promise<Json | undefined>;
  /** RDS FailoverDBCluster; returns the cluster as RDS reports it. */
  failoverDbCluster(region: string, identifier: string): Promise<Json>;
  /** RDS events of the DB cluster since `since`. */
  describeDbClusterEvents(region: string, identifier: string, since: Date): Promise<Json[]>;
}

/** Client settings shared by every service client (tests inject a request handler and retry limits). */
export type ClientSettings = Partial<EKSClientConfig & RDSClientConfig & STSClientConfig>;

/** A call that took longer than allowed. */
export class AwsTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${Math.round(ms / 1000)}s`);
    this.name = "TimeoutError";
  }
}

/** Creates the port. `timeoutMs` bounds every call, retries included. */
export function createAwsPort(settings: ClientSettings = {}, timeoutMs = 30_000): AwsPort {
  const eks = new Map<string, EKSClient>();
  const rds = new Map<string, RDSClient>();
  const sts = new Map<string, STSClient>();
  const client = <C>(cache: Map<string, C>, region: string, make: (r: string) => C): C => {
    let c = cache.get(region);
    if (!c) cache.set(region, (c = make(region)));
    return c;
  };
  const base = (region: string) => ({ region, maxAttempts: 5, ...settings });
  const eksOf = (r: string) => client(eks, r, (region) => new EKSClient(base(region)));
  const rdsOf = (r: string) => client(rds, r, (region) => new RDSClient(base(region)));
  const stsOf = (r: string) => client(sts, r, (region) => new STSClient(base(region)));

  /** Runs `send` with an abort signal that fires after `timeoutMs`. */
  async function bounded<T>(what: string, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new AwsTimeoutError(what, timeoutMs));
      }, timeoutMs);
    });
    try {
      return await Promise.race([send(controller.signal), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async callerIdentity(region) {
      const out = await bounded("STS GetCallerIdentity", (abortSignal) => stsOf(region).send(new GetCallerIdentityCommand({}), { abortSignal }));
      return { account: String(out.Account), arn: String(out.Arn) };
    },
    async describeCluster(region, name) {
      const out = await bounded(`EKS DescribeCluster ${name}`, (abortSignal) => eksOf(region).send(new DescribeClusterCommand({ name }), { abortSignal }));
      return out.cluster as Json;
    },
    async describeAddon(region, clusterName, addonName) {
      const out = await bounded(`EKS DescribeAddon ${addonName}`, (abortSignal) => eksOf(region).send(new DescribeAddonCommand({ clusterName, addonName }), { abortSignal }));
      return out.addon as Json;
    },
    async describeDbCluster(region, identifier) {
      try {
        const out = await bounded(`RDS DescribeDBClusters ${identifier}`, (abortSignal) =>
          rdsOf(region).send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }), { abortSignal }),
        );
        return out.DBClusters?.[0] as Json | undefined;
      } catch (error) {
        if ((error as Error).name === "DBClusterNotFoundFault") return undefined;
        throw error;
      }
    },
    async failoverDbCluster(region, identifier) {
      const out = await bounded(`RDS FailoverDBCluster ${identifier}`, (abortSignal) =>
        rdsOf(region).send(new FailoverDBClusterCommand({ DBClusterIdentifier: identifier }), { abortSignal }),
      );
      return out.DBCluster as Json;
    },
    async describeDbClusterEvents(region, identifier, since) {
      const out = await bounded(`RDS DescribeEvents ${identifier}`, (abortSignal) =>
        rdsOf(region).send(new DescribeEventsCommand({ SourceIdentifier: identifier, SourceType: "db-cluster", StartTime: since }), { abortSignal }),
      );
      return (out.Events ?? []) as Json[];
    },
  };
}
