/**
 * What `verify` expects of each plane, read from the validated environment and the environment's
 * *synthesized* stacks (never a second copy of a name): cluster, node groups and their minimum sizes,
 * pinned add-ons, database identifier and name, workload namespace / service account / ConfigMap,
 * monitoring release and its services, bundle bucket and access level, peering port, smoke-test app.
 * A rename in a construct changes what verify checks, in the same commit.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../../src/app/app";
import type { EnvironmentConfig } from "../../src/config/schema";
import {
  MONITORING_NAMESPACE,
  SMOKE_TEST_NAMESPACE,
  WORKLOAD_NAMESPACE,
  WORKLOAD_SERVICE_ACCOUNT,
  clusterName,
  databaseClusterIdentifier,
  databaseDnsNames,
  databaseName,
  k8sStackName,
  planeId,
  planeStackName,
  planesOf,
  workloadRoleName,
  type PlaneRef,
} from "../../src/config/naming";
import { readSynthOutput, type TfDocument } from "../../src/app/synth-output";

/** Everything verify checks about one plane. */
export interface PlaneTarget {
  /** Environment name. */
  readonly env: string;
  /** Account the environment lives in. */
  readonly accountId: string;
  /** The plane. */
  readonly plane: PlaneRef;
  /** `global` or `regional-<key>`. */
  readonly id: string;
  /** The plane's region. */
  readonly region: string;
  /** The plane's VPC CIDR. */
  readonly vpcCidr: string;
  /** EKS cluster name. */
  readonly clusterName: string;
  /** Managed node groups and their minimum sizes. */
  readonly nodeGroups: readonly { readonly name: string; readonly minSize: number }[];
  /** Sum of the node groups' minimum sizes: the fewest Ready nodes acceptable. */
  readonly minNodes: number;
  /** Pinned EKS add-ons. */
  readonly addons: readonly { readonly name: string; readonly version: string }[];
  /** The plane's PostgreSQL cluster. */
  readonly database: {
    readonly identifier: string;
    readonly name: string;
    readonly port: number;
    readonly writerAlias: string;
    readonly readerAlias: string;
    /** The application user the ConfigMap names (DB_APP_USER), when the stacks define one. */
    readonly appUser?: string;
  };
  /** Workload namespace, service account, ConfigMap and IAM role. */
  readonly workload: { readonly namespace: string; readonly serviceAccount: string; readonly configMap: string; readonly roleName: string };
  /** kube-prometheus-stack: namespace, services and what its Prometheus must scrape. */
  readonly monitoring: {
    readonly namespace: string;
    readonly prometheusService: string;
    readonly prometheusPort: number;
    readonly alertmanagerService: string;
    readonly alertmanagerPort: number;
    readonly requiredJobs: readonly string[];
    readonly nodeExporterJob: string;
    readonly requiredAlerts: readonly string[];
    readonly deliveryAlert: string;
  };
  /** The bundle bucket and this plane's access to it. */
  readonly bucket: { readonly name: string; readonly region: string; readonly access: "read-write" | "read" };
  /** Peering with the global plane (regional planes only): the one allowed port and the global CIDR. */
  readonly peering?: { readonly port: number; readonly globalCidr: string };
  /** The smoke-test app as the stacks define it (with the flag forced on for on-demand deployment). */
  readonly smokeTest: SmokeTestTarget;
}

/** The smoke-test app's Kubernetes objects as synthesized (values copied verbatim into on-demand manifests). */
export interface SmokeTestTarget {
  /** Whether the environment file turns it on (then Terraform owns it). */
  readonly enabled: boolean;
  readonly namespace: string;
  readonly name: string;
  readonly image: string;
  readonly port: number;
  readonly replicas: number;
  readonly ingressAnnotations: Readonly<Record<string, string>>;
  readonly ingressClassName: string;
  readonly servicePort: number;
}

type Resources = Record<string, Record<string, any>>;
const resources = (doc: TfDocument | undefined, type: string): [string, any][] => Object.entries(((doc?.resource ?? {}) as Resources)[type] ?? {});

/** Resolves `${kubernetes_namespace_v1.<id>.metadata[0].name}` (or a literal) to the name. */
export function resolveName(doc: TfDocument, value: string): string {
  const ref = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.metadata\[0\]\.name\}$/.exec(value);
  if (!ref) return value;
  const target = ((doc.resource ?? {}) as Resources)[ref[1]]?.[ref[2]];
  const name = target?.metadata?.name;
  if (typeof name !== "string") throw new Error(`cannot resolve ${value}`);
  return resolveName(doc, name);
}

function one<T>(list: T[], what: string): T {
  if (list.length !== 1) throw new Error(`expected exactly one ${what} in the synthesized stacks, found ${list.length}`);
  return list[0];
}

/** Scrape jobs kube-prometheus-stack creates with these Helm values (service or job labels of its ServiceMonitors). */
export function defaultScrapeJobs(values: Record<string, any>): { jobs: string[]; prometheus: string; alertmanager: string } {
  const full = String(values.fullnameOverride ?? "kube-prometheus-stack");
  const on = (key: string) => values[key]?.enabled !== false;
  const jobs = [
    ...(on("kubeApiServer") ? ["apiserver"] : []),
    ...(on("kubelet") ? ["kubelet"] : []),
    ...(on("coreDns") ? ["coredns"] : []),
    ...(on("nodeExporter") ? ["node-exporter"] : []),
    ...(on("kubeStateMetrics") ? ["kube-state-metrics"] : []),
    `${full}-operator`,
    `${full}-prometheus`,
    ...(on("alertmanager") ? [`${full}-alertmanager`] : []),
  ];
  return { jobs, prometheus: `${full}-prometheus`, alertmanager: `${full}-alertmanager` };
}

/** The targets of every plane of `env`, from its synthesized stacks (synthesized with the smoke-test app on). */
export function planeTargets(env: EnvironmentConfig, stacks: ReadonlyMap<string, TfDocument>): PlaneTarget[] {
  return planesOf(env).map(({ ref, config }) => {
    const planeDoc = stacks.get(planeStackName(env.name, ref));
    const k8sDoc = stacks.get(k8sStackName(env.name, ref));
    if (!planeDoc || !k8sDoc) throw new Error(`stacks of plane ${planeId(ref)} not synthesized`);

    const cluster = one(resources(planeDoc, "aws_eks_cluster"), "EKS cluster")[1];
    const nodeGroups = resources(planeDoc, "aws_eks_node_group").map(([, g]) => ({ name: String(g.node_group_name), minSize: Number(g.scaling_config?.min_size) }));
    const addons = resources(planeDoc, "aws_eks_addon")
      .map(([, a]) => ({ name: String(a.addon_name), version: String(a.addon_version) }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const db = one(resources(planeDoc, "aws_rds_cluster"), "RDS cluster")[1];
    const vpc = one(resources(planeDoc, "aws_vpc"), "VPC")[1];

    const configMap = one(resources(k8sDoc, "kubernetes_config_map_v1").filter(([, c]) => resolveName(k8sDoc, c.metadata.namespace) === WORKLOAD_NAMESPACE), "workload ConfigMap")[1];
    const serviceAccount = one(resources(k8sDoc, "kubernetes_service_account_v1").filter(([, s]) => resolveName(k8sDoc, s.metadata.namespace) === WORKLOAD_NAMESPACE), "workload service account")[1];
    const monitoringRelease = one(resources(k8sDoc, "helm_release").filter(([, r]) => r.chart === "kube-prometheus-stack"), "kube-prometheus-stack release")[1];
    const values = JSON.parse(monitoringRelease.values[0]) as Record<string, any>;
    const scrape = defaultScrapeJobs(values);

    const inSmokeNs = (type: string) => resources(k8sDoc, type).filter(([, r]) => resolveName(k8sDoc, r.metadata.namespace) === SMOKE_TEST_NAMESPACE);
    const deployment = one(inSmokeNs("kubernetes_deployment_v1"), "smoke-test deployment")[1];
    const ingress = one(inSmokeNs("kubernetes_ingress_v1"), "smoke-test ingress")[1];
    const service = one(inSmokeNs("kubernetes_service_v1"), "smoke-test service")[1];
    const container = deployment.spec.template.spec.container[0];

    const dns = databaseDnsNames(env.name, ref);
    const peeringRule = resources(planeDoc, "aws_vpc_security_group_ingress_rule").find(([, r]) => r.cidr_ipv4 === env.global.vpcCidr && !r.provider);
    if (ref.kind === "regional" && !peeringRule) throw new Error(`regional plane ${ref.key}: no security group rule admits the global VPC ${env.global.vpcCidr}`);

    // Names the code derives must be the names the stacks carry.
    const same = (what: string, a: unknown, b: unknown) => {
      if (a !== b) throw new Error(`${planeId(ref)}: ${what} is ${JSON.stringify(a)} in the synthesized stacks but ${JSON.stringify(b)} in src/naming`);
    };
    same("EKS cluster name", cluster.name, clusterName(ref));
    same("DB cluster identifier", db.cluster_identifier, databaseClusterIdentifier(env.name, ref));
    same("database name", db.database_name, databaseName(ref));
    same("workload service account", serviceAccount.metadata.name, WORKLOAD_SERVICE_ACCOUNT);
    same("monitoring namespace", monitoringRelease.namespace, MONITORING_NAMESPACE);

    return {
      env: env.name,
      accountId: env.accountId,
      plane: ref,
      id: planeId(ref),
      region: config.region,
      vpcCidr: String(vpc.cidr_block),
      clusterName: String(cluster.name),
      nodeGroups,
      minNodes: nodeGroups.reduce((sum, g) => sum + g.minSize, 0),
      addons,
      database: {
        identifier: String(db.cluster_identifier),
        name: String(db.database_name),
        port: Number(db.port),
        writerAlias: dns.writer,
        readerAlias: dns.reader,
        appUser: typeof configMap.data?.DB_APP_USER === "string" ? configMap.data.DB_APP_USER : undefined,
      },
      workload: {
        namespace: WORKLOAD_NAMESPACE,
        serviceAccount: String(serviceAccount.metadata.name),
        configMap: String(configMap.metadata.name),
        roleName: workloadRoleName(env.name, ref),
      },
      monitoring: {
        namespace: String(monitoringRelease.namespace),
        prometheusService: scrape.prometheus,
        prometheusPort: 9090,
        alertmanagerService: scrape.alertmanager,
        alertmanagerPort: 9093,
        requiredJobs: scrape.jobs,
        nodeExporterJob: "node-exporter",
        requiredAlerts: ["Watchdog"],
        deliveryAlert: "Watchdog",
      },
      bucket: { name: env.bundleBucketName, region: env.global.region, access: ref.kind === "global" ? "read-write" : "read" },
      peering: ref.kind === "regional" && peeringRule ? { port: Number(peeringRule[1].from_port), globalCidr: env.global.vpcCidr } : undefined,
      smokeTest: {
        enabled: env.smokeTestApp,
        namespace: SMOKE_TEST_NAMESPACE,
        name: String(deployment.metadata.name),
        image: String(container.image),
        port: Number(container.port[0].container_port),
        replicas: Number(deployment.spec.replicas),
        ingressAnnotations: { ...ingress.metadata.annotations },
        ingressClassName: String(ingress.spec.ingress_class_name),
        servicePort: Number(service.spec.port[0].port),
      },
    };
  });
}

/**
 * Synthesizes one environment in-process (with the smoke-test app forced on, so its manifests can be
 * deployed on demand) into a temporary directory, and returns its planes' targets.
 */
export function synthesizeTargets(env: EnvironmentConfig): PlaneTarget[] {
  const outdir = mkdtempSync(join(tmpdir(), "cdn-verify-synth-"));
  try {
    buildApp([{ ...env, smokeTestApp: true }], { outdir }).synth();
    const targets = planeTargets(env, readSynthOutput(outdir).stacks);
    return targets;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
