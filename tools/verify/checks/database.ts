/**
 * The plane's database as AWS describes it (RDS DescribeDBClusters) and as the workloads are told to
 * reach it (the workload ConfigMap): the ConfigMap must point at *this* plane's cluster, never another.
 */
import { fail, judge, type Finding } from "../model";
import type { PlaneTarget } from "../targets";

type Json = Record<string, any>;

/** The DB cluster: available, Multi-AZ with one writer and two readable standbys, IAM auth on. */
export function evaluateDbCluster(cluster: Json | undefined, target: PlaneTarget): Finding {
  if (!cluster) return fail(`DB cluster ${target.database.identifier} not found in ${target.region}`);
  const problems: string[] = [];
  const members: Json[] = cluster.DBClusterMembers ?? [];
  const writers = members.filter((m) => m.IsClusterWriter);
  if (cluster.DBClusterIdentifier !== target.database.identifier) problems.push(`described ${cluster.DBClusterIdentifier}, expected ${target.database.identifier}`);
  if (cluster.Status !== "available") problems.push(`status ${cluster.Status}`);
  if (cluster.MultiAZ !== true) problems.push("not Multi-AZ");
  if (writers.length !== 1 || members.length - writers.length < 2) problems.push(`${writers.length} writer(s) and ${members.length - writers.length} reader(s); expected 1 and 2`);
  if (cluster.IAMDatabaseAuthenticationEnabled !== true) problems.push("IAM database authentication is off");
  if (cluster.DatabaseName !== undefined && cluster.DatabaseName !== target.database.name) problems.push(`database ${cluster.DatabaseName}, expected ${target.database.name}`);
  return judge(problems, `${cluster.DBClusterIdentifier} available, writer ${writers[0]?.DBInstanceIdentifier} + ${members.length - writers.length} readable standbys, IAM auth on`);
}

/** The workload ConfigMap's values point at this plane's database, bucket and region. */
export function evaluateWorkloadConfig(data: Readonly<Record<string, string>> | undefined, target: PlaneTarget, cluster: Json | undefined): Finding {
  if (!data) return fail(`ConfigMap ${target.workload.namespace}/${target.workload.configMap} not found`);
  const problems: string[] = [];
  const expectEq = (key: string, expected: string | undefined) => {
    if (expected !== undefined && data[key] !== expected) problems.push(`${key}=${data[key] ?? "(missing)"}, expected ${expected}`);
  };
  // RDS endpoints start with the cluster identifier: a host of another plane's cluster is caught here.
  if (!data.DB_HOST?.startsWith(`${target.database.identifier}.`)) problems.push(`DB_HOST=${data.DB_HOST ?? "(missing)"} is not an endpoint of ${target.database.identifier}`);
  if (!data.DB_READER_HOST?.startsWith(`${target.database.identifier}.`)) problems.push(`DB_READER_HOST=${data.DB_READER_HOST ?? "(missing)"} is not an endpoint of ${target.database.identifier}`);
  expectEq("DB_HOST", cluster?.Endpoint);
  expectEq("DB_READER_HOST", cluster?.ReaderEndpoint);
  expectEq("DB_NAME", target.database.name);
  expectEq("DB_PORT", String(target.database.port));
  expectEq("DB_HOST_ALIAS", target.database.writerAlias);
  expectEq("DB_READER_HOST_ALIAS", target.database.readerAlias);
  expectEq("AWS_REGION", target.region);
  expectEq("BUNDLE_BUCKET", target.bucket.name);
  expectEq("BUNDLE_BUCKET_REGION", target.bucket.region);
  if (!data.DB_APP_USER) problems.push("DB_APP_USER missing: the plane has no IAM application user for the SQL probe to log in as");
  else expectEq("DB_APP_USER", target.database.appUser);
  return judge(problems, `DB ${data.DB_NAME} at ${data.DB_HOST} (user ${data.DB_APP_USER}), bucket ${data.BUNDLE_BUCKET} (${data.BUNDLE_BUCKET_REGION})`);
}
