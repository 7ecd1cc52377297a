/**
 * `<env>-global` and `<env>-regional-<key>`: one plane's AWS resources, in the plane's region, using
 * only the AWS provider (so real `terraform validate`/`plan` covers it offline).
 *
 * The constructor is the table of contents; each `add*` method wires one construct. A regional plane
 * sees the global plane only through {@link GlobalPlaneExports}, the one typed cross-stack contract.
 */
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { CLUSTER_AUTOSCALER_SUBJECT, clusterAutoscalerStatements } from "../constructs/autoscaler";
import { EksAccessHost } from "../constructs/access-host";
import { AlertTopic } from "../constructs/alerting";
import { PlaneAlarms } from "../constructs/alarms";
import { BucketReplica } from "../constructs/bucket-replica";
import { BundleBucket, bundleBucketStatements, type BundleBucketRef } from "../constructs/bundle-bucket";
import { GithubActionsRunner } from "../constructs/ci-runner";
import { Cluster } from "../constructs/cluster";
import { CostGuardrails } from "../constructs/cost-guardrails";
import { Database } from "../constructs/database";
import { DatabaseBackups } from "../constructs/database-backup";
import { IngressAccess } from "../constructs/ingress";
import { EncryptionKey } from "../constructs/kms-key";
import { Network } from "../constructs/network";
import { PlanePeering } from "../constructs/peering";
import { PodIdentityRole } from "../constructs/pod-identity";
import { PrivateZone, associateVpc, cname } from "../constructs/private-dns";
import type { EnvironmentConfig, PlaneConfig } from "../src/config/schema";
import { MANDATORY_TAGS } from "../src/config/schema";
import {
  DATABASE_APP_USER,
  DATABASE_BACKUP_USER,
  DATABASE_SETUP_NAMESPACE,
  DATABASE_SETUP_SERVICE_ACCOUNT,
  ALERTMANAGER_SERVICE_ACCOUNT,
  DB_BACKUP_NAMESPACE,
  DB_BACKUP_SERVICE_ACCOUNT,
  GLOBAL_PLANE,
  MONITORING_NAMESPACE,
  WORKLOAD_NAMESPACE,
  accessHostName,
  ciRunnerProjectName,
  WORKLOAD_SERVICE_ACCOUNT,
  alertTopicName,
  alertmanagerRoleName,
  backupCopyRegion,
  backupVaultName,
  bundleReplicaBucketName,
  bundleReplicaRegion,
  clusterName,
  databaseClusterIdentifier,
  dbBackupRoleName,
  dumpBucketName,
  dumpReplicaBucketName,
  databaseConnectionSecretName,
  databaseDnsNames,
  databaseName,
  databaseSetupRoleName,
  planeId,
  planeStackName,
  privateZoneName,
  heartbeatTopicName,
  regionalPlane,
  resourcePrefix,
  tunnelDocumentName,
  workloadRoleArn,
  workloadRoleName,
  type PlaneRef,
} from "../src/config/naming";
import { moveFromLegacyPath } from "../src/lib/ids";
import { dataClassTags } from "../src/policy";
import { EnvironmentStack } from "../src/lib/stack-base";

/** What a regional plane needs from the global plane's stack (references resolve across stacks). */
export interface GlobalPlaneExports {
  /** Region of the global plane. */
  readonly region: string;
  /** The global VPC's id. */
  readonly vpcId: string;
  /** The global VPC's CIDR (a literal). */
  readonly cidr: string;
  /** The global VPC's private route tables, by availability zone. */
  readonly privateRouteTables: readonly { readonly az: string; readonly id: string }[];
  /** The global cluster's security group (admits peered planes on 443). */
  readonly clusterSecurityGroupId: string;
  /** The environment's private hosted zone. */
  readonly privateZoneId: string;
}

/** Props of {@link PlaneStack}. */
export interface PlaneStackProps {
  /** The validated environment. */
  readonly env: EnvironmentConfig;
  /** Which plane this stack holds. */
  readonly plane: PlaneRef;
  /** The plane's config. */
  readonly config: PlaneConfig;
  /** The global plane's exports (required for regional planes, which peer with it). */
  readonly global?: GlobalPlaneExports;
}

/** One plane's AWS-only stack. */
export class PlaneStack extends EnvironmentStack {
  /** Which plane this stack holds. */
  readonly plane: PlaneRef;
  /** The plane's network. */
  readonly network: Network;
  /** The plane's EKS cluster. */
  readonly cluster: Cluster;
  /** The plane's ingress identity and load balancer security group. */
  readonly ingress: IngressAccess;
  /** The plane's PostgreSQL Multi-AZ DB cluster. */
  readonly database: Database;
  /** The environment's private zone (global plane only; regional planes associate with it). */
  readonly privateZone?: PrivateZone;
  /** The configuration-bundle bucket (global plane only). */
  readonly bundleBucket?: BundleBucket;
  /** The plane's workload role, bound to the workload service account. */
  readonly workloadRole: PodIdentityRole;
  /** The Cluster Autoscaler's role, bound to its service account in kube-system. */
  readonly autoscalerRole: PodIdentityRole;
  /** The database setup job's role: the only reader of the master secret. */
  readonly databaseSetupRole: PodIdentityRole;
  /** GitHub Actions runners inside the VPC, for the in-cluster stacks' jobs (when `access.ciRunners` is on). */
  readonly ciRunner?: GithubActionsRunner;
  /** The operators' SSM access host to the cluster API (when `access.bastion` is on). */
  readonly accessHost?: EksAccessHost;
  /** The plane's alert topic (and heartbeat topic). */
  readonly alerts: AlertTopic;
  /** The database's in-region (AWS Backup) and cross-region (replicated dumps) backups. */
  readonly backups: DatabaseBackups;
  private readonly config: PlaneConfig;
  private readonly prefix: string;
  private readonly global?: GlobalPlaneExports;
  private readonly regionProviders = new Map<string, AwsProvider>();

  constructor(scope: Construct, props: PlaneStackProps) {
    super(scope, planeStackName(props.env.name, props.plane), props.env);
    const { plane, config } = props;
    if (plane.kind === "regional" && !props.global) throw new Error(`${this.node.id}: a regional plane needs the global plane's exports`);
    this.plane = plane;
    this.config = config;
    this.global = props.global;
    this.prefix = resourcePrefix(this.env.name, plane);
    this.awsProvider("aws", config.region, undefined, { Plane: planeId(plane) });

    const logKey = this.addLogKey();
    this.network = this.addNetwork(logKey);
    this.cluster = this.addCluster(logKey);
    this.autoscalerRole = this.addAutoscalerRole();
    this.ingress = this.addIngress();
    this.database = this.addDatabase();
    this.addDatabaseOutputs();
    if (props.global) this.addPrivateDns(props.global.privateZoneId);
    else this.privateZone = this.addPrivateDns();
    if (plane.kind === "global") this.bundleBucket = this.addBundleBucket();
    this.workloadRole = this.addWorkloadRole();
    this.databaseSetupRole = this.addDatabaseSetupRole();
    if (this.env.access.ciRunners.enabled) this.ciRunner = this.addCiRunner(logKey);
    if (this.env.access.bastion.enabled) this.accessHost = this.addAccessHost();
    if (props.global) this.addPeering(props.global);
    this.alerts = this.addAlerting();
    this.addAlertmanagerRole();
    this.addAlarms();
    this.backups = this.addDatabaseBackups();
    this.addDumpRole();
    if (this.bundleBucket) this.addBundleReplica(this.bundleBucket);
    if (plane.kind === "global") this.addCostGuardrails();
  }

  /** The contract regional planes consume; only the global plane has one. */
  get globalExports(): GlobalPlaneExports {
    if (this.plane.kind !== "global" || !this.privateZone) throw new Error(`${this.node.id}: only the global plane exports GlobalPlaneExports`);
    return {
      region: this.config.region,
      vpcId: this.network.vpcId,
      cidr: this.network.cidr,
      privateRouteTables: this.network.privateRouteTablesByAz(),
      clusterSecurityGroupId: this.cluster.clusterSecurityGroupId,
      privateZoneId: this.privateZone.zoneId,
    };
  }

  /** The bundle bucket as grants see it: by name, so regional stacks never wait for the global one. */
  private get bundleRef(): BundleBucketRef {
    return { bucketName: this.env.bundleBucketName, region: this.env.global.region, accountId: this.env.accountId };
  }

  /** One rotating key for every CloudWatch log group of the plane (flow logs, EKS control plane). */
  private addLogKey(): EncryptionKey {
    return new EncryptionKey(this, "log-key", {
      description: `${this.prefix} CloudWatch log groups`,
      alias: `${this.prefix}-logs`,
      accountId: this.env.accountId,
      region: this.config.region,
      allowCloudWatchLogs: true,
    });
  }

  private addNetwork(logKey: EncryptionKey): Network {
    return new Network(this, "network", {
      namePrefix: this.prefix,
      cidr: this.config.vpcCidr,
      availabilityZones: this.config.availabilityZones,
      region: this.config.region,
      accountId: this.env.accountId,
      natGateways: this.config.natGateways,
      subnets: this.config.subnets,
      flowLogRetentionDays: this.config.flowLogRetentionDays,
      logKey,
      clusterNames: [clusterName(this.plane)],
    });
  }

  private addCluster(logKey: EncryptionKey): Cluster {
    const { cluster } = this.config;
    const created = new Cluster(this, "cluster", {
      name: clusterName(this.plane),
      namePrefix: this.prefix,
      kubernetesVersion: cluster.kubernetesVersion,
      subnetIds: this.network.subnetIds("private"),
      availabilityZones: this.network.availabilityZones,
      region: this.config.region,
      accountId: this.env.accountId,
      publicAccessCidrs: cluster.publicAccessCidrs,
      adminPrincipalArns: cluster.adminRoleArns,
      viewerPrincipalArns: cluster.viewerRoleArns,
      terraformRoles: this.env.terraform,
      nodeGroups: cluster.nodeGroups,
      addons: cluster.addons,
      logRetentionDays: cluster.logRetentionDays,
      logKey,
      instanceTags: { ...this.env.tags, Plane: planeId(this.plane) },
    });
    return created;
  }

  /** The Cluster Autoscaler's identity: it owns the node groups' desired size within their min/max. */
  private addAutoscalerRole(): PodIdentityRole {
    return new PodIdentityRole(this, "cluster-autoscaler-role", {
      roleName: `${this.prefix}-cluster-autoscaler`,
      description: `Cluster Autoscaler of ${clusterName(this.plane)} (${CLUSTER_AUTOSCALER_SUBJECT.namespace}/${CLUSTER_AUTOSCALER_SUBJECT.serviceAccount})`,
      clusterName: this.cluster.cluster.name,
      ...CLUSTER_AUTOSCALER_SUBJECT,
      statements: clusterAutoscalerStatements(this.cluster.cluster.name),
    });
  }

  /** The load balancer controller's identity and the public load balancer's group, admitted to the pods. */
  private addIngress(): IngressAccess {
    const ingress = new IngressAccess(this, "ingress", {
      namePrefix: this.prefix,
      // The reference (not the literal name) orders the Pod Identity association after the cluster.
      clusterName: this.cluster.cluster.name,
      vpcId: this.network.vpcId,
      vpcCidr: this.config.vpcCidr,
      region: this.config.region,
      accountId: this.env.accountId,
      allowedCidrs: this.config.ingress.allowedCidrs,
      targetPort: this.config.ingress.targetPort,
    });
    // Pods (ip targets) sit behind the cluster security group.
    const rule = ingress.allowTo("to-pods", this.cluster.clusterSecurityGroupId);
    moveFromLegacyPath(rule, ["lb-to-pods"]);
    return ingress;
  }

  private addDatabase(): Database {
    const db = this.config.database;
    return new Database(this, "database", {
      ...db,
      identifier: databaseClusterIdentifier(this.env.name, this.plane),
      databaseName: databaseName(this.plane),
      vpcId: this.network.vpcId,
      // The subnet group covers exactly the database AZs (the schema guarantees they are plane AZs).
      subnetIds: this.network.subnetIds("database", db.availabilityZones),
      // Only the cluster security group (control plane, nodes and therefore pods) reaches 5432.
      allowedSources: [{ name: "eks-cluster", securityGroupId: this.cluster.clusterSecurityGroupId, description: "PostgreSQL from allowed security group 1" }],
      accountId: this.env.accountId,
      region: this.config.region,
      connectionSecretName: databaseConnectionSecretName(this.env.name, this.plane),
      applicationUser: DATABASE_APP_USER,
    });
  }

  /** Read by operators (`cdktf output <stack>`) and the runbooks. */
  private addDatabaseOutputs(): void {
    new TerraformOutput(this, "database_writer_endpoint", {
      value: this.database.writerEndpoint,
      description: "Writer endpoint of the plane's PostgreSQL Multi-AZ DB cluster",
    });
    new TerraformOutput(this, "database_reader_endpoint", {
      value: this.database.readerEndpoint,
      description: "Reader endpoint (the two readable standbys) of the plane's PostgreSQL cluster",
    });
    new TerraformOutput(this, "database_connection_secret_arn", {
      value: this.database.connectionSecretArn,
      description: "ARN of the secret holding the non-secret connection document",
    });
    new TerraformOutput(this, "database_master_secret_arn", {
      value: this.database.masterSecretArn,
      description: "ARN of the RDS-managed master-password secret (break-glass only; see runbooks/access-databases.md)",
    });
  }

  /**
   * Stable private names for the database endpoints in the environment's private zone: the global plane
   * creates the zone (returned), a regional plane associates its VPC with the global one's zone.
   */
  private addPrivateDns(globalZoneId?: string): PrivateZone | undefined {
    let zone: PrivateZone | undefined;
    let zoneId: string;
    if (globalZoneId === undefined) {
      zone = new PrivateZone(this, "private-zone", { zoneName: privateZoneName(this.env.name), vpcId: this.network.vpcId, vpcRegion: this.config.region });
      zoneId = zone.zoneId;
    } else {
      zoneId = globalZoneId;
      associateVpc(this, "private-zone-association", zoneId, this.network.vpcId, this.config.region);
    }
    const dns = databaseDnsNames(this.env.name, this.plane);
    cname(this, "database-writer-dns", zoneId, dns.writer, this.database.writerEndpoint);
    cname(this, "database-reader-dns", zoneId, dns.reader, this.database.readerEndpoint);
    return zone;
  }

  /** The bundle bucket (global plane): the global workload writes, regional workloads read (granted by name). */
  private addBundleBucket(): BundleBucket {
    return new BundleBucket(this, "bundle-bucket", {
      ...this.bundleRef,
      writerRoleArns: [workloadRoleArn(this.env.accountId, this.env.name, GLOBAL_PLANE)],
      readerRoleArns: this.env.regions.map((r) => workloadRoleArn(this.env.accountId, this.env.name, regionalPlane(r.key))),
      breakGlassRoleArn: this.env.breakGlassRoleArn,
      terraformRoleArns: [this.env.terraform.deployRoleArn, this.env.terraform.planRoleArn],
      accessLogExpirationDays: this.env.accessLogExpirationDays,
      replicationRoleArn: `arn:aws:iam::${this.env.accountId}:role/${this.bundleReplicationRoleName}`,
    });
  }

  private addWorkloadRole(): PodIdentityRole {
    return new PodIdentityRole(this, "workload-role", {
      roleName: workloadRoleName(this.env.name, this.plane),
      description: `Control-plane services of ${clusterName(this.plane)} (${WORKLOAD_NAMESPACE}/${WORKLOAD_SERVICE_ACCOUNT})`,
      clusterName: this.cluster.cluster.name,
      namespace: WORKLOAD_NAMESPACE,
      serviceAccount: WORKLOAD_SERVICE_ACCOUNT,
      statements: [
        ...bundleBucketStatements(this.bundleRef, this.plane.kind === "global" ? "read-write" : "read"),
        // The connection document and an IAM token as the application user; never the master secret.
        ...this.database.readStatements(),
        ...this.database.connectStatements(),
      ],
    });
  }

  /**
   * The one-shot in-cluster job that creates the application database user: the only principal of the
   * plane that may read the master password (its own namespace and service account).
   */
  private addDatabaseSetupRole(): PodIdentityRole {
    return new PodIdentityRole(this, "database-setup-role", {
      roleName: databaseSetupRoleName(this.env.name, this.plane),
      description: `Creates the ${DATABASE_APP_USER} database user of ${this.database.identifier} (${DATABASE_SETUP_NAMESPACE}/${DATABASE_SETUP_SERVICE_ACCOUNT})`,
      clusterName: this.cluster.cluster.name,
      namespace: DATABASE_SETUP_NAMESPACE,
      serviceAccount: DATABASE_SETUP_SERVICE_ACCOUNT,
      statements: this.database.masterSecretStatements(),
    });
  }

  /** CI's way to the private cluster API: CodeBuild-hosted GitHub Actions runners in the private subnets. */
  private addCiRunner(logKey: EncryptionKey): GithubActionsRunner {
    const { ciRunners } = this.env.access;
    if (!ciRunners.connectionArn) throw new Error(`${this.node.id}: access.ciRunners.connectionArn is required (the schema checks it)`);
    const runner = new GithubActionsRunner(this, "ci-runner", {
      projectName: ciRunnerProjectName(this.env.name, this.plane),
      region: this.config.region,
      accountId: this.env.accountId,
      vpcId: this.network.vpcId,
      subnetIds: this.network.subnetIds("private"),
      clusterSecurityGroupId: this.cluster.clusterSecurityGroupId,
      repositoryUrl: `https://github.com/${this.env.ci.repository}.git`,
      connectionArn: ciRunners.connectionArn,
      computeType: ciRunners.computeType,
      image: ciRunners.image,
      timeoutMinutes: ciRunners.timeoutMinutes,
      logRetentionDays: ciRunners.logRetentionDays,
      logKeyArn: logKey.arn,
    });
    new TerraformOutput(this, "ci_runner_project", {
      value: runner.projectName,
      description: "CodeBuild project hosting this plane's in-VPC GitHub Actions runners (runs-on: codebuild-<project>-<run_id>-<run_attempt>)",
    });
    return runner;
  }

  /** Operators' way to the private cluster API: an SSM-managed access host and its port-forwarding document. */
  private addAccessHost(): EksAccessHost {
    const host = new EksAccessHost(this, "access-host", {
      name: accessHostName(this.env.name, this.plane),
      documentName: tunnelDocumentName(this.env.name, this.plane),
      clusterName: this.cluster.name,
      clusterEndpoint: this.cluster.cluster.endpoint,
      clusterSecurityGroupId: this.cluster.clusterSecurityGroupId,
      vpcId: this.network.vpcId,
      subnetIds: this.network.subnetIds("private"),
      instanceType: this.env.access.bastion.instanceType,
      // The cluster's key already encrypts node volumes and admits EC2 Auto Scaling.
      volumeKeyArn: this.cluster.key.arn,
      maxInstanceLifetimeDays: this.env.access.bastion.maxInstanceLifetimeDays,
      instanceTags: { ...this.env.tags, Plane: planeId(this.plane) },
    });
    new TerraformOutput(this, "eks_tunnel_document", {
      value: host.document.name,
      description: "Session Manager document that forwards a local port to this plane's EKS API (npm run tunnel)",
    });
    return host;
  }

  /** VPC peering with the global plane: routes both ways, DNS across, 443 between the clusters. */
  private addPeering(global: GlobalPlaneExports): void {
    const globalProvider = this.regionProvider(global.region);
    new PlanePeering(this, "peering-global", {
      namePrefix: this.prefix,
      accountId: this.env.accountId,
      requester: {
        name: planeId(this.plane),
        vpcId: this.network.vpcId,
        cidr: this.network.cidr,
        routeTables: this.network.privateRouteTablesByAz(),
        securityGroupId: this.cluster.clusterSecurityGroupId,
      },
      accepter: {
        name: "global",
        region: global.region,
        vpcId: global.vpcId,
        cidr: global.cidr,
        routeTables: global.privateRouteTables,
        securityGroupId: global.clusterSecurityGroupId,
      },
      accepterProvider: globalProvider,
    });
  }

  /**
   * An aliased AWS provider for another region (one per region; the global region's keeps the alias
   * `global` that peering has always used).
   */
  private regionProvider(region: string): AwsProvider {
    const known = this.regionProviders.get(region);
    if (known) return known;
    const alias = this.global && region === this.global.region ? "global" : region;
    const provider = this.awsProvider(`aws-${alias}`, region, alias, { Plane: planeId(this.plane) });
    this.regionProviders.set(region, provider);
    return provider;
  }

  private get bundleReplicationRoleName(): string {
    return `${this.prefix}-bundles-replication`;
  }

  /** The plane's alert topic: CloudWatch, RDS events and (global plane) Budgets and Cost Anomaly Detection publish to it. */
  private addAlerting(): AlertTopic {
    return new AlertTopic(this, "alerts", {
      topicName: alertTopicName(this.env.name, this.plane),
      heartbeatTopicName: heartbeatTopicName(this.env.name, this.plane),
      accountId: this.env.accountId,
      region: this.config.region,
      publishers: this.plane.kind === "global" ? ["cloudwatch", "rds-events", "budgets", "cost-anomaly-detection"] : ["cloudwatch", "rds-events"],
      subscriptions: this.env.alerting.subscriptions,
    });
  }

  /** Alertmanager's identity: publish to the plane's alert and heartbeat topics (SNS with SigV4). */
  private addAlertmanagerRole(): PodIdentityRole {
    return new PodIdentityRole(this, "alertmanager-role", {
      roleName: alertmanagerRoleName(this.env.name, this.plane),
      description: `Alertmanager of ${clusterName(this.plane)} (${MONITORING_NAMESPACE}/${ALERTMANAGER_SERVICE_ACCOUNT}) publishes alerts`,
      clusterName: this.cluster.cluster.name,
      namespace: MONITORING_NAMESPACE,
      serviceAccount: ALERTMANAGER_SERVICE_ACCOUNT,
      statements: this.alerts.publishStatements(),
    });
  }

  /** CloudWatch alarms (database, NAT, load balancers, backups, the Alertmanager heartbeat) and RDS event subscriptions. */
  private addAlarms(): PlaneAlarms {
    return new PlaneAlarms(this, "alarms", {
      namePrefix: this.prefix,
      topicArn: this.alerts.topicArn,
      database: { identifier: this.database.identifier, clusterRef: this.database.cluster.clusterIdentifier, allocatedStorageGiB: this.config.database.allocatedStorageGiB },
      natGateways: this.network.natGatewaysByAz(),
      heartbeatTopicName: this.alerts.heartbeat.name,
      thresholds: this.env.alerting.thresholds,
    });
  }

  /** AWS Backup in the plane's region and hourly dumps replicated to the copy region (docs/decisions/0010). */
  private addDatabaseBackups(): DatabaseBackups {
    const { backups } = this.env;
    const copyRegion = backupCopyRegion(this.env, this.plane);
    return new DatabaseBackups(this, "backups", {
      identifier: this.database.identifier,
      clusterArn: this.database.cluster.arn,
      accountId: this.env.accountId,
      region: this.config.region,
      vaultName: backupVaultName(this.env.name, this.plane),
      snapshotSchedule: backups.snapshotSchedule,
      snapshotRetentionDays: backups.snapshotRetentionDays,
      vaultLock: backups.vaultLock,
      dumpBucketName: dumpBucketName(this.env.name, this.env.accountId, this.plane),
      dumpReplicaBucketName: dumpReplicaBucketName(this.env.name, this.env.accountId, this.plane),
      copyRegion,
      copyProvider: this.regionProvider(copyRegion),
      dumpRetentionDays: backups.dumpRetentionDays,
      dumpLock: backups.dumpLock,
      dumpWriterRoleArn: `arn:aws:iam::${this.env.accountId}:role/${dbBackupRoleName(this.env.name, this.plane)}`,
      breakGlassRoleArn: this.env.breakGlassRoleArn,
      rolePrefix: this.prefix,
      alarmTopicArn: this.alerts.topicArn,
    });
  }

  /** The dump CronJob's identity: connect as the read-only backup user (IAM token), write this database's dumps. */
  private addDumpRole(): PodIdentityRole {
    return new PodIdentityRole(this, "db-backup-role", {
      roleName: dbBackupRoleName(this.env.name, this.plane),
      description: `Hourly logical dumps of ${this.database.identifier} (${DB_BACKUP_NAMESPACE}/${DB_BACKUP_SERVICE_ACCOUNT})`,
      clusterName: this.cluster.cluster.name,
      namespace: DB_BACKUP_NAMESPACE,
      serviceAccount: DB_BACKUP_SERVICE_ACCOUNT,
      statements: [...this.database.connectStatementsFor(DATABASE_BACKUP_USER, "ConnectAsBackupUser"), ...this.backups.dumpWriterStatements()],
    });
  }

  /** The bundle bucket's replica in another region (global plane). */
  private addBundleReplica(bundles: BundleBucket): BucketReplica {
    const region = bundleReplicaRegion(this.env);
    return new BucketReplica(this, "bundle-replica", {
      source: bundles.bucket,
      sourceBucketName: this.env.bundleBucketName,
      sourceKeyArn: bundles.key.arn,
      sourceRegion: this.config.region,
      replicaBucketName: bundleReplicaBucketName(this.env),
      replicaRegion: region,
      replicaProvider: this.regionProvider(region),
      accountId: this.env.accountId,
      roleName: this.bundleReplicationRoleName,
      tags: dataClassTags("config-bundles"),
      alarmTopicArn: this.alerts.topicArn,
    });
  }

  /** The environment account's budget, cost anomaly detection and (when enabled) cost-allocation tags (global plane). */
  private addCostGuardrails(): CostGuardrails {
    const { cost } = this.env;
    return new CostGuardrails(this, "cost", {
      namePrefix: `cdn-${this.env.name}`,
      monthlyBudgetUsd: cost.monthlyBudgetUsd,
      topicArn: this.alerts.topicArn,
      environment: this.env.name,
      costAllocationTagKeys: MANDATORY_TAGS,
      actualAlertPercents: cost.actualAlertPercents,
      forecastAlertPercents: cost.forecastAlertPercents,
      anomalyThresholdUsd: cost.anomalyThresholdUsd,
      anomalyMonitor: cost.anomalyMonitor,
      activateCostAllocationTags: cost.activateCostAllocationTags,
      // Budgets and Cost Explorer answer in us-east-1.
      provider: this.config.region === "us-east-1" ? undefined : this.regionProvider("us-east-1"),
      dependsOn: [this.alerts.topicPolicy],
    });
  }
}
