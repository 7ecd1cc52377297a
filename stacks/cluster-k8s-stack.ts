/**
 * `<env>-global-k8s` and `<env>-regional-<key>-k8s`: what runs inside a plane's cluster. The
 * `kubernetes` and `helm` providers are configured from an `aws_eks_cluster` *data source* looked up by
 * the cluster's name (known from config) with `exec` auth (`aws eks get-token`), never from resources of
 * the same state, so the first plan works. The stack depends explicitly on its plane stack.
 *
 * The API endpoint is private: CI plans and applies these stacks on runners inside the plane's VPC
 * (the endpoint as is); a laptop goes through the SSM tunnel (`npm run tunnel`) and sets
 * `TF_VAR_kube_api_server_<plane>=https://127.0.0.1:<port>`. TLS is verified against the endpoint's
 * own name either way (`tls_server_name`).
 */
import { DataAwsEksCluster } from "@cdktf/provider-aws/lib/data-aws-eks-cluster";
import { DataAwsKmsAlias } from "@cdktf/provider-aws/lib/data-aws-kms-alias";
import { DataAwsRdsCluster } from "@cdktf/provider-aws/lib/data-aws-rds-cluster";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { StorageClassV1 } from "@cdktf/provider-kubernetes/lib/storage-class-v1";
import { Fn, TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import { ClusterAutoscaler } from "../constructs/autoscaler";
import { nodeGroupName } from "../constructs/cluster";
import { POSTGRES_PORT } from "../constructs/database";
import { DATABASE_DUMP_CRONJOB, DatabaseDump } from "../constructs/database-dump";
import { DatabaseUserJob } from "../constructs/database-user";
import { LoadBalancerController } from "../constructs/ingress/controller";
import { Monitoring } from "../constructs/monitoring";
import { SmokeTestApp } from "../constructs/smoke-test";
import { WorkloadNamespace } from "../constructs/workloads";
import type { EnvironmentConfig, PlaneConfig } from "../src/config/schema";
import {
  DATABASE_APP_USER,
  DATABASE_BACKUP_USER,
  DATABASE_SETUP_NAMESPACE,
  DATABASE_SETUP_SERVICE_ACCOUNT,
  ALERTMANAGER_SERVICE_ACCOUNT,
  DB_BACKUP_NAMESPACE,
  DB_BACKUP_SERVICE_ACCOUNT,
  DEFAULT_STORAGE_CLASS,
  apiServerVariableName,
  MONITORING_NAMESPACE,
  SMOKE_TEST_NAMESPACE,
  WORKLOAD_NAMESPACE,
  WORKLOAD_SERVICE_ACCOUNT,
  alertTopicName,
  clusterName,
  databaseClusterIdentifier,
  databaseConnectionSecretName,
  databaseDnsNames,
  databaseName,
  dumpBucketName,
  heartbeatTopicName,
  k8sStackName,
  planeId,
  topicArn,
  type PlaneRef,
} from "../src/config/naming";
import { EnvironmentStack } from "../src/lib/stack-base";
import type { PlaneStack } from "./plane-stack";

/** Props of {@link ClusterK8sStack}. */
export interface ClusterK8sStackProps {
  /** The validated environment. */
  readonly env: EnvironmentConfig;
  /** Which plane's cluster. */
  readonly plane: PlaneRef;
  /** The plane's config. */
  readonly config: PlaneConfig;
  /** The plane's AWS stack (this stack depends on it; names are shared, not values). */
  readonly planeStack: PlaneStack;
}

/** The exec block both providers use: a short-lived token from the AWS CLI. */
export function eksExecAuth(cluster: string, region: string) {
  return { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", cluster, "--region", region] };
}

/** In-cluster resources of one plane. */
export class ClusterK8sStack extends EnvironmentStack {
  /** The monitoring release. */
  readonly monitoring: Monitoring;
  /** The workload namespace. */
  readonly workloads: WorkloadNamespace;
  /** The Cluster Autoscaler (owns the node groups' desired size). */
  readonly autoscaler: ClusterAutoscaler;
  /** The job that creates the application database user. */
  readonly databaseUser: DatabaseUserJob;
  /** The hourly logical dump of the plane's database (the cross-region backup's source). */
  readonly databaseDump: DatabaseDump;

  constructor(scope: Construct, props: ClusterK8sStackProps) {
    super(scope, k8sStackName(props.env.name, props.plane), props.env);
    const { env, plane, config, planeStack } = props;
    this.addDependency(planeStack);
    const name = clusterName(plane);
    this.awsProvider("aws", config.region, undefined, { Plane: planeId(plane) });

    const cluster = new DataAwsEksCluster(this, "cluster", { name });
    const connection = {
      host: this.apiServer(plane, cluster.endpoint),
      tlsServerName: Fn.replace(cluster.endpoint, "https://", ""),
      clusterCaCertificate: Fn.base64decode(cluster.certificateAuthority.get(0).data),
    };
    new KubernetesProvider(this, "kubernetes", { ...connection, exec: [eksExecAuth(name, config.region)] });
    new HelmProvider(this, "helm", { kubernetes: { ...connection, exec: eksExecAuth(name, config.region) } });

    const volumeKey = new DataAwsKmsAlias(this, "volume-key", { name: planeStack.cluster.key.aliasName });
    const storageClass = new StorageClassV1(this, "gp3", {
      metadata: { name: DEFAULT_STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      storageProvisioner: "ebs.csi.aws.com",
      reclaimPolicy: "Delete",
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      parameters: { type: "gp3", encrypted: "true", kmsKeyId: volumeKey.targetKeyArn, "csi.storage.k8s.io/fstype": "ext4" },
    });

    // The plane stack binds its Pod Identity role to kube-system/cluster-autoscaler.
    const autoscalerImage = env.kubernetes.clusterAutoscalerImages[config.cluster.kubernetesVersion];
    if (!autoscalerImage) throw new Error(`${this.node.id}: no Cluster Autoscaler image for Kubernetes ${config.cluster.kubernetesVersion}`);
    this.autoscaler = new ClusterAutoscaler(this, "cluster-autoscaler", {
      chartVersion: env.kubernetes.charts.clusterAutoscaler,
      imageTag: autoscalerImage,
      clusterName: name,
      region: config.region,
    });

    const controller = new LoadBalancerController(this, "load-balancer-controller", {
      chartVersion: env.kubernetes.charts.awsLoadBalancerController,
      clusterName: name,
      region: config.region,
      vpcId: cluster.vpcConfig.get(0).vpcId,
    });

    this.monitoring = new Monitoring(this, "monitoring", {
      chartVersion: env.kubernetes.charts.kubePrometheusStack,
      namespace: MONITORING_NAMESPACE,
      clusterName: name,
      region: config.region,
      environment: env.name,
      storageClassName: DEFAULT_STORAGE_CLASS,
      retentionDays: env.kubernetes.monitoring.prometheusRetentionDays,
      prometheusStorageGiB: env.kubernetes.monitoring.prometheusStorageGiB,
      alertmanagerStorageGiB: env.kubernetes.monitoring.alertmanagerStorageGiB,
      grafanaStorageGiB: env.kubernetes.monitoring.grafanaStorageGiB,
      // Topics by name: this stack never reads the plane stack's values.
      alerting: {
        alertTopicArn: topicArn(env.accountId, config.region, alertTopicName(env.name, plane)),
        heartbeatTopicArn: topicArn(env.accountId, config.region, heartbeatTopicName(env.name, plane)),
        region: config.region,
        environment: env.name,
      },
      alertmanagerServiceAccount: ALERTMANAGER_SERVICE_ACCOUNT,
      rules: {
        nodeGroups: config.cluster.nodeGroups.map((g) => ({ name: nodeGroupName(name, g.name), minSize: g.minSize, maxSize: g.maxSize })),
        dumpNamespace: DB_BACKUP_NAMESPACE,
        dumpCronJob: DATABASE_DUMP_CRONJOB,
        maxDumpAgeMinutes: env.backups.maxDumpAgeMinutes,
      },
      dependsOn: [storageClass],
    });

    const database = new DataAwsRdsCluster(this, "database", { clusterIdentifier: databaseClusterIdentifier(env.name, plane) });
    const dns = databaseDnsNames(env.name, plane);
    this.workloads = new WorkloadNamespace(this, "workloads", {
      namespace: WORKLOAD_NAMESPACE,
      serviceAccount: WORKLOAD_SERVICE_ACCOUNT,
      config: {
        ENVIRONMENT: env.name,
        PLANE: planeId(plane),
        AWS_REGION: config.region,
        CLUSTER_NAME: name,
        // The RDS endpoint names match the server certificate (sslmode=verify-full); the private
        // aliases stay the same across a restore or replacement (sslmode=verify-ca).
        DB_HOST: database.endpoint,
        DB_READER_HOST: database.readerEndpoint,
        DB_HOST_ALIAS: dns.writer,
        DB_READER_HOST_ALIAS: dns.reader,
        DB_PORT: String(POSTGRES_PORT),
        DB_NAME: databaseName(plane),
        // Log in as this user with an IAM token (rds generate-db-auth-token), never a password.
        DB_APP_USER: DATABASE_APP_USER,
        DB_IAM_AUTH: "true",
        DB_CONNECTION_SECRET_NAME: databaseConnectionSecretName(env.name, plane),
        BUNDLE_BUCKET: env.bundleBucketName,
        BUNDLE_BUCKET_REGION: env.global.region,
      },
    });

    // The only reader of the master secret (the plane stack binds its role to this service account).
    this.databaseUser = new DatabaseUserJob(this, "database-user", {
      namespace: DATABASE_SETUP_NAMESPACE,
      serviceAccount: DATABASE_SETUP_SERVICE_ACCOUNT,
      applicationUser: DATABASE_APP_USER,
      backupUser: DATABASE_BACKUP_USER,
      host: database.endpoint,
      port: POSTGRES_PORT,
      databaseName: databaseName(plane),
      masterUsername: database.masterUsername,
      masterSecretArn: database.masterUserSecret.get(0).secretArn,
      region: config.region,
    });

    this.databaseDump = new DatabaseDump(this, "database-dump", {
      namespace: DB_BACKUP_NAMESPACE,
      serviceAccount: DB_BACKUP_SERVICE_ACCOUNT,
      region: config.region,
      identifier: databaseClusterIdentifier(env.name, plane),
      host: database.endpoint,
      port: POSTGRES_PORT,
      databaseName: databaseName(plane),
      username: DATABASE_BACKUP_USER,
      bucketName: dumpBucketName(env.name, env.accountId, plane),
      postgresMajor: Number(config.database.engineVersion.split(".")[0]),
      schedule: env.backups.dumpSchedule,
    });

    if (env.smokeTestApp) {
      new SmokeTestApp(this, "smoke-test", {
        namespace: SMOKE_TEST_NAMESPACE,
        certificateArn: config.ingress.certificateArn,
        loadBalancerSecurityGroup: planeStack.ingress.loadBalancerSecurityGroupName,
        port: planeStack.ingress.targetPort,
        dependsOn: [controller.release],
      });
    }
  }

  /**
   * The API server URL the providers use: the cluster endpoint, unless the run sets the override
   * variable to a tunnel (`https://127.0.0.1:<port>`). A variable, not synth input, so that the
   * synthesized configuration stays the same on every machine.
   */
  private apiServer(plane: PlaneRef, endpoint: string): string {
    const variable = apiServerVariableName(plane);
    const override = new TerraformVariable(this, variable, {
      type: "string",
      default: "",
      nullable: false,
      description: "Kubernetes API server URL through the SSM tunnel (npm run tunnel), e.g. https://127.0.0.1:8443; empty uses the cluster endpoint (CI, in the VPC)",
      validation: [
        {
          condition: "${var." + variable + ' == "" || can(regex("^https://", var.' + variable + "))}",
          errorMessage: "Must be empty or an https:// URL (the local end of the SSM tunnel).",
        },
      ],
    });
    // coalesce skips empty strings: the override when set, else the endpoint.
    return Fn.coalesce([override.stringValue, endpoint]);
  }
}
