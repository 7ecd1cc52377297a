/**
 * A plane's PostgreSQL database: an RDS for PostgreSQL **Multi-AZ DB cluster** (one writer and two
 * readable standbys in three AZs, automatic failover, a writer and a reader endpoint).
 *
 * What it creates, all private and encrypted:
 * - the cluster (`aws_rds_cluster`, engine `postgres`, `db_cluster_instance_class`, provisioned storage)
 *   in a DB subnet group over the plane's isolated database subnets; a final snapshot on delete with a
 *   deterministic name; deletion protection as configured;
 * - a customer-managed, rotating KMS key for the storage, the managed master-password secret, Performance
 *   Insights, the PostgreSQL log group and the connection secret;
 * - the master password managed and rotated by Secrets Manager (`manage_master_user_password`): no
 *   password exists in code, in the synthesized JSON or in Terraform state;
 * - a DB cluster parameter group that forces TLS (`rds.force_ssl=1`, TLS 1.2 minimum) and logs slow
 *   statements (`log_min_duration_statement`), DDL (`log_statement=ddl`) and every connection and
 *   disconnection; PostgreSQL logs exported to a KMS-encrypted log group
 *   with a retention; Performance Insights; enhanced monitoring with its IAM role;
 * - a dedicated security group: TCP 5432 only from the given security groups (never from CIDR ranges),
 *   no egress;
 * - a Secrets Manager secret holding the **non-secret** connection document (engine, writer and reader
 *   hosts, port, database name, the application user and how it authenticates), so clients find
 *   everything from one name.
 *
 * Access is split three ways: workloads get {@link Database.readStatements} (the connection document)
 * and {@link Database.connectStatements} (an IAM token for the application user, never a password);
 * only the in-cluster setup job that creates that user gets {@link Database.masterSecretStatements}.
 *
 * Engine versions (docs/decisions/0008-postgres-version-and-upgrades.md): `engineVersion` is what the
 * cluster is created with. AWS provider 5.100.0 cannot set `auto_minor_version_upgrade` on
 * `aws_rds_cluster` (added in 6.x); RDS's default for Multi-AZ DB clusters is on, so RDS applies minor
 * upgrades in the maintenance window. `engine_version` is therefore in `lifecycle.ignore_changes`: the
 * plan stays clean after such an upgrade instead of proposing a downgrade RDS refuses. For a deliberate
 * upgrade (a newer minor now, or a new major), `engineVersionUpgrade` drops the ignore for that deploy,
 * allows a major upgrade and applies it immediately; the parameter group, named by prefix and created
 * before the old one is destroyed, follows the major's family.
 *
 * Multi-AZ DB clusters have no public-access flag: the cluster is reachable only inside the VPC, through
 * the security group below, in subnets without a route to the internet.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { assertUniqueKeys, moveFromIndexedId } from "../../src/lib/ids";
import { policyDocument, type Statement } from "../../src/lib/iam";
import { EncryptionKey } from "../kms-key";

/** The AWS managed policy enhanced monitoring needs (writes OS metrics to the `RDSOSMetrics` log group). */
export const ENHANCED_MONITORING_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole";

/** The PostgreSQL port; a Multi-AZ DB cluster cannot change it after creation. */
export const POSTGRES_PORT = 5432;

/** Longest identifier RDS accepts for a Multi-AZ DB cluster. */
const MAX_IDENTIFIER_LENGTH = 52;

/** Defaults of {@link DatabaseProps}; the config schema fills omitted fields from the same object. */
export const DATABASE_DEFAULTS = {
  storageType: "io1",
  allocatedStorageGiB: 100,
  masterUsername: "cdn_admin",
  backupRetentionDays: 30,
  backupWindow: "03:00-04:00",
  maintenanceWindow: "sun:05:00-sun:06:00",
  deletionProtection: true,
  performanceInsightsRetentionDays: 7,
  slowStatementThresholdMs: 1000,
  monitoringIntervalSeconds: 60,
  iamDatabaseAuthentication: true,
  logRetentionDays: 365,
  secretRecoveryWindowDays: 30,
} as const;

/** Props of {@link Database}. */
export interface DatabaseProps {
  /** Cluster identifier (also names the key alias, security group, subnet and parameter groups); at most 52 characters. */
  readonly identifier: string;
  /** Name of the database created in the cluster, e.g. `cdn_global`. */
  readonly databaseName: string;
  /** PostgreSQL version, `<major>.<minor>` (major >= 14); the parameter group family follows the major. */
  readonly engineVersion: string;
  /**
   * Apply `engineVersion` to an existing cluster on this deploy (minor or major upgrade, at once):
   * Terraform stops ignoring engine_version drift. Defaults to false (RDS manages minors).
   */
  readonly engineVersionUpgrade?: boolean;
  /** Instance class of the writer and both readable standbys (a class Multi-AZ DB clusters support). */
  readonly instanceClass: string;
  /** Storage type of each instance. @default "io1" */
  readonly storageType?: "io1" | "io2" | "gp3";
  /** Allocated storage in GiB per instance. */
  readonly allocatedStorageGiB: number;
  /** Provisioned IOPS per instance. */
  readonly iops: number;
  /** The three distinct availability zones of the writer and the standbys. */
  readonly availabilityZones: readonly string[];
  /** VPC of the cluster and its security group. */
  readonly vpcId: string;
  /** Isolated database subnets (one per AZ, covering `availabilityZones`). */
  readonly subnetIds: readonly string[];
  /** Security groups allowed to connect on 5432, each under a stable name (more with {@link Database.allowFrom}). @default [] */
  readonly allowedSources?: readonly DatabaseSource[];
  /** Account that owns the key and the log group (key policy, monitoring role trust condition). */
  readonly accountId: string;
  /** Region of the cluster (key policy for CloudWatch Logs). */
  readonly region: string;
  /** Master user name. @default "cdn_admin" */
  readonly masterUsername?: string;
  /** Days automated backups are kept (7-35). @default 30 */
  readonly backupRetentionDays?: number;
  /** Daily backup window (UTC), `hh24:mi-hh24:mi`. @default "03:00-04:00" */
  readonly backupWindow?: string;
  /** Weekly maintenance window (UTC), `ddd:hh24:mi-ddd:hh24:mi`. @default "sun:05:00-sun:06:00" */
  readonly maintenanceWindow?: string;
  /** Whether deletion protection is on. @default true */
  readonly deletionProtection?: boolean;
  /** Days Performance Insights keeps data (7, 31 * months, or 731). @default 7 */
  readonly performanceInsightsRetentionDays?: number;
  /** `log_min_duration_statement` in milliseconds. @default 1000 */
  readonly slowStatementThresholdMs?: number;
  /** Enhanced monitoring interval in seconds (1, 5, 10, 15, 30 or 60). @default 60 */
  readonly monitoringIntervalSeconds?: number;
  /** Whether IAM database authentication is enabled; must stay on: the application user logs in with IAM tokens only. @default true */
  readonly iamDatabaseAuthentication?: boolean;
  /** The database user applications log in as, with IAM authentication only (created in-cluster, not here), e.g. `cdn_app`. */
  readonly applicationUser: string;
  /** Retention of the PostgreSQL log group in days. @default 365 */
  readonly logRetentionDays?: number;
  /** Extra cluster parameters by name (e.g. `shared_preload_libraries` for pg_stat_statements); the TLS and logging ones are managed. @default {} */
  readonly parameters?: Readonly<Record<string, DatabaseParameter>>;
  /** Name of the secret holding the connection document. */
  readonly connectionSecretName: string;
  /** Days a deleted connection secret can be restored (7-30). @default 30 */
  readonly secretRecoveryWindowDays?: number;
}

/** One extra cluster parameter (an escape hatch for settings this construct does not model). */
export interface DatabaseParameter {
  /** The value, as RDS expects it (a string). */
  readonly value: string;
  /** `immediate` for dynamic parameters, `pending-reboot` for static ones. @default "immediate" */
  readonly applyMethod?: "immediate" | "pending-reboot";
}

/**
 * Parameters this construct sets itself and that extra parameters may not override: TLS enforcement and
 * the audit trail (DDL, connections) are not negotiable, and slow-statement logging has its own typed
 * prop (`slowStatementThresholdMs`).
 */
export const MANAGED_DATABASE_PARAMETERS: readonly string[] = [
  "rds.force_ssl",
  "ssl_min_protocol_version",
  "log_min_duration_statement",
  "log_statement",
  "log_connections",
  "log_disconnections",
];

/** Extra parameters as parameter-group entries, sorted by name; throws on a managed one. */
function extraParameters(identifier: string, parameters: Readonly<Record<string, DatabaseParameter>>): { name: string; value: string; applyMethod: string }[] {
  return Object.keys(parameters)
    .sort()
    .map((name) => {
      if (MANAGED_DATABASE_PARAMETERS.includes(name)) throw new Error(`Database ${identifier}: parameter ${name} is managed by the construct and cannot be overridden`);
      return { name, value: parameters[name].value, applyMethod: parameters[name].applyMethod ?? "immediate" };
    });
}

/** A security group allowed to reach the database, named for stable addresses and descriptions. */
export interface DatabaseSource {
  /** Short stable name, e.g. `eks-cluster` (keys the rule; never a position). */
  readonly name: string;
  /** The security group id (usually a reference). */
  readonly securityGroupId: string;
  /** Rule description. @default `PostgreSQL from <name>` */
  readonly description?: string;
}

/** The non-secret connection document stored in the connection secret (values are Terraform references). */
export interface ConnectionDocument {
  /** Always `postgres`. */
  readonly engine: string;
  /** Writer (cluster) endpoint host. */
  readonly host: string;
  /** Reader endpoint host (load-balances over the two readable standbys). */
  readonly readerHost: string;
  /** TCP port. */
  readonly port: number;
  /** Database name. */
  readonly dbname: string;
  /** The user applications log in as. */
  readonly username: string;
  /** How that user authenticates: `iam` (a token from `rds generate-db-auth-token`, never a password). */
  readonly authentication: "iam";
}

/** A PostgreSQL Multi-AZ DB cluster with its key, security group, parameters, monitoring and connection secret. */
export class Database extends Construct {
  /** The cluster identifier (a literal). */
  readonly identifier: string;
  /** The cluster. */
  readonly cluster: RdsCluster;
  /** Writer (cluster) endpoint host. */
  readonly writerEndpoint: string;
  /** Reader endpoint host. */
  readonly readerEndpoint: string;
  /** TCP port (a literal). */
  readonly port: number;
  /** Database name (a literal). */
  readonly databaseName: string;
  /** Master user name (a literal). */
  readonly masterUsername: string;
  /** The user applications log in as with IAM authentication (a literal). */
  readonly applicationUser: string;
  /** The account of the cluster (a literal). */
  private readonly accountId: string;
  /** The cluster's security group. */
  readonly securityGroup: SecurityGroup;
  /** Id of the cluster's security group. */
  readonly securityGroupId: string;
  /** The customer-managed key of storage, secrets, Performance Insights and logs. */
  readonly key: EncryptionKey;
  /** ARN of that key. */
  readonly kmsKeyArn: string;
  /** The secret holding the connection document. */
  readonly connectionSecret: SecretsmanagerSecret;
  /** ARN of the connection secret. */
  readonly connectionSecretArn: string;
  /** ARN of the RDS-managed master-password secret. */
  readonly masterSecretArn: string;
  /** The parameter group. */
  readonly parameterGroup: RdsClusterParameterGroup;
  /** The enhanced monitoring role. */
  readonly monitoringRole: IamRole;
  /** The log group PostgreSQL logs are exported to. */
  readonly logGroup: CloudwatchLogGroup;
  /** Region of the database (a literal). */
  readonly region: string;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const name = props.identifier;
    this.identifier = name;
    this.region = props.region;
    if (!/^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/.test(name) || name.length > MAX_IDENTIFIER_LENGTH) {
      throw new Error(`Database ${name}: the identifier must be 1-${MAX_IDENTIFIER_LENGTH} lowercase letters, digits and single hyphens, starting with a letter`);
    }
    if (new Set(props.availabilityZones).size !== 3 || props.availabilityZones.length !== 3) {
      throw new Error(`Database ${name}: a Multi-AZ DB cluster needs exactly three distinct availability zones, got ${JSON.stringify(props.availabilityZones)}`);
    }
    const major = /^(\d+)\.\d+$/.exec(props.engineVersion)?.[1];
    if (!major || Number(major) < 14) {
      throw new Error(`Database ${name}: engineVersion must be <major>.<minor> with major >= 14, got ${props.engineVersion}`);
    }
    this.port = POSTGRES_PORT;
    this.databaseName = props.databaseName;
    this.masterUsername = props.masterUsername ?? DATABASE_DEFAULTS.masterUsername;
    this.applicationUser = props.applicationUser;
    this.accountId = props.accountId;
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.applicationUser) || this.applicationUser === this.masterUsername) {
      throw new Error(`Database ${name}: applicationUser must be a lowercase PostgreSQL identifier (letters, digits, _) other than the master user, got ${JSON.stringify(this.applicationUser)}`);
    }
    if (props.iamDatabaseAuthentication === false) {
      throw new Error(`Database ${name}: iamDatabaseAuthentication must stay on: ${this.applicationUser} logs in with IAM tokens only`);
    }

    this.key = new EncryptionKey(this, "key", {
      description: `${name}: PostgreSQL storage, master secret, Performance Insights, logs, connection secret`,
      alias: name,
      accountId: props.accountId,
      region: props.region,
      allowCloudWatchLogs: true,
    });
    this.kmsKeyArn = this.key.arn;

    this.securityGroup = new SecurityGroup(this, "sg", {
      name,
      description: `PostgreSQL ${name}: 5432 only from allowed security groups; no egress`,
      vpcId: props.vpcId,
      // No inline rules: Terraform removes AWS's default allow-all egress rule on creation, and the
      // cluster needs no egress (replication, backups and secret rotation are handled by RDS).
      revokeRulesOnDelete: true,
      tags: { Name: name },
    });
    this.securityGroupId = this.securityGroup.id;
    const sources = props.allowedSources ?? [];
    assertUniqueKeys(`Database ${name}: allowedSources`, sources.map((s) => s.name));
    sources.forEach((source, i) => {
      const rule = this.allowFrom(`ingress-from-${source.name}`, source.securityGroupId, source.description ?? `PostgreSQL from ${source.name}`);
      moveFromIndexedId(rule, `ingress-${i}`);
    });

    const subnetGroup = new DbSubnetGroup(this, "subnets", {
      name,
      description: `Isolated database subnets of ${name}`,
      subnetIds: [...props.subnetIds],
      tags: { Name: name },
    });

    const family = `postgres${major}`;
    const upgrade = props.engineVersionUpgrade ?? false;
    this.parameterGroup = new RdsClusterParameterGroup(this, "params", {
      // A prefix, not a name: a major upgrade changes the family, which replaces the group, and
      // create_before_destroy needs the new group to exist beside the old one under another name.
      namePrefix: `${name}-${family}-`,
      family,
      description: `${name}: TLS only, slow statements logged`,
      parameter: [
        { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
        { name: "ssl_min_protocol_version", value: "TLSv1.2", applyMethod: "immediate" },
        { name: "log_min_duration_statement", value: String(props.slowStatementThresholdMs ?? DATABASE_DEFAULTS.slowStatementThresholdMs), applyMethod: "immediate" },
        // Audit trail (dynamic parameters, no restart): schema changes and who connected when. DDL
        // logging can capture a password in `ALTER ROLE ... PASSWORD` (see runbooks/access-databases.md).
        { name: "log_statement", value: "ddl", applyMethod: "immediate" },
        { name: "log_connections", value: "1", applyMethod: "immediate" },
        { name: "log_disconnections", value: "1", applyMethod: "immediate" },
        ...extraParameters(name, props.parameters ?? {}),
      ],
      tags: { Name: `${name}-${family}` },
      // The cluster moves to the new group before the old one (still in use until then) is destroyed.
      lifecycle: { createBeforeDestroy: true },
    });

    // Created before the cluster so RDS exports into an encrypted group with a retention instead of
    // creating an unencrypted, never-expiring one itself.
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/rds/cluster/${name}/postgresql`,
      retentionInDays: props.logRetentionDays ?? DATABASE_DEFAULTS.logRetentionDays,
      kmsKeyId: this.key.arn,
    });

    this.monitoringRole = new IamRole(this, "monitoring-role", {
      name: `${name}-monitoring`,
      description: `Lets RDS enhanced monitoring of ${name} publish OS metrics`,
      assumeRolePolicy: policyDocument([
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["monitoring.rds.amazonaws.com"] }],
          conditions: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] }],
        },
      ]),
    });
    const monitoringPolicy = new IamRolePolicyAttachment(this, "monitoring-policy", {
      role: this.monitoringRole.name,
      policyArn: ENHANCED_MONITORING_POLICY_ARN,
    });

    this.cluster = new RdsCluster(this, "cluster", {
      clusterIdentifier: name,
      engine: "postgres",
      engineVersion: props.engineVersion,
      dbClusterInstanceClass: props.instanceClass,
      storageType: props.storageType ?? DATABASE_DEFAULTS.storageType,
      allocatedStorage: props.allocatedStorageGiB,
      iops: props.iops,
      availabilityZones: [...props.availabilityZones],
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      port: POSTGRES_PORT,
      networkType: "IPV4",
      databaseName: props.databaseName,
      masterUsername: this.masterUsername,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: this.key.arn,
      iamDatabaseAuthenticationEnabled: props.iamDatabaseAuthentication ?? DATABASE_DEFAULTS.iamDatabaseAuthentication,
      storageEncrypted: true,
      kmsKeyId: this.key.arn,
      dbClusterParameterGroupName: this.parameterGroup.name,
      backupRetentionPeriod: props.backupRetentionDays ?? DATABASE_DEFAULTS.backupRetentionDays,
      preferredBackupWindow: props.backupWindow ?? DATABASE_DEFAULTS.backupWindow,
      preferredMaintenanceWindow: props.maintenanceWindow ?? DATABASE_DEFAULTS.maintenanceWindow,
      copyTagsToSnapshot: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${name}-final`,
      deletionProtection: props.deletionProtection ?? DATABASE_DEFAULTS.deletionProtection,
      // Only an upgrade deploy may change the major version, and it does so at once (the operator chose the time).
      allowMajorVersionUpgrade: upgrade,
      applyImmediately: upgrade ? true : undefined,
      enabledCloudwatchLogsExports: ["postgresql"],
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: this.key.arn,
      performanceInsightsRetentionPeriod: props.performanceInsightsRetentionDays ?? DATABASE_DEFAULTS.performanceInsightsRetentionDays,
      monitoringInterval: props.monitoringIntervalSeconds ?? DATABASE_DEFAULTS.monitoringIntervalSeconds,
      monitoringRoleArn: this.monitoringRole.arn,
      tags: { Name: name },
      // RDS upgrades minors itself (AutoMinorVersionUpgrade defaults to on); without this the next plan
      // would try to "downgrade" to engineVersion. An upgrade deploy lifts it (engineVersionUpgrade).
      lifecycle: upgrade ? undefined : { ignoreChanges: ["engine_version"] },
      dependsOn: [this.logGroup, monitoringPolicy],
    });
    this.writerEndpoint = this.cluster.endpoint;
    this.readerEndpoint = this.cluster.readerEndpoint;
    this.masterSecretArn = this.cluster.masterUserSecret.get(0).secretArn;

    this.connectionSecret = new SecretsmanagerSecret(this, "connection-secret", {
      name: props.connectionSecretName,
      description: `How to reach PostgreSQL ${name} as ${this.applicationUser} (IAM authentication; no password)`,
      kmsKeyId: this.key.arn,
      recoveryWindowInDays: props.secretRecoveryWindowDays ?? DATABASE_DEFAULTS.secretRecoveryWindowDays,
      tags: { Name: props.connectionSecretName },
    });
    this.connectionSecretArn = this.connectionSecret.arn;
    const document: ConnectionDocument = {
      engine: "postgres",
      host: this.writerEndpoint,
      readerHost: this.readerEndpoint,
      port: POSTGRES_PORT,
      dbname: props.databaseName,
      username: this.applicationUser,
      authentication: "iam",
    };
    new SecretsmanagerSecretVersion(this, "connection-document", {
      secretId: this.connectionSecret.id,
      // `secret_string`, not the write-only `secret_string_wo`: the document holds no secret (hosts,
      // port, names and an ARN), and keeping it in state lets Terraform see and fix drift and rewrite it
      // whenever an endpoint or the master secret changes (after a restore, for instance), which a
      // write-only value could only do through a manually bumped version number.
      secretString: Fn.jsonencode(document),
    });
  }

  /**
   * Identity-policy statements for workloads: read exactly this database's connection document (no
   * password in it) and decrypt it with this database's key, through Secrets Manager only. The master
   * secret is deliberately not included: see {@link Database.masterSecretStatements}.
   */
  readStatements(): Statement[] {
    return [
      {
        sid: "ReadDatabaseConnectionDocument",
        actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        resources: [this.connectionSecretArn],
      },
      this.decryptThroughSecretsManager("DecryptDatabaseConnectionDocument"),
    ];
  }

  /**
   * Identity-policy statement for workloads: connect with an IAM token as exactly the application user
   * of exactly this cluster (`rds-db:connect` on `dbuser:<cluster resource id>/<user>`).
   */
  connectStatements(): Statement[] {
    return this.connectStatementsFor(this.applicationUser, "ConnectAsApplicationUser");
  }

  /**
   * Identity-policy statement to connect with an IAM token as exactly `user` of exactly this cluster
   * (e.g. the backup user the hourly dump logs in as).
   */
  connectStatementsFor(user: string, sid: string): Statement[] {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(user) || user === this.masterUsername) {
      throw new Error(`Database ${this.identifier}: ${JSON.stringify(user)} is not a database user IAM tokens may be issued for`);
    }
    return [
      {
        sid,
        actions: ["rds-db:connect"],
        resources: [`arn:aws:rds-db:${this.region}:${this.accountId}:dbuser:${this.cluster.clusterResourceId}/${user}`],
      },
    ];
  }

  /**
   * Identity-policy statements for the one principal that may read the master password (the in-cluster
   * job that creates the application user): exactly the RDS-managed master secret, decrypted with this
   * database's key through Secrets Manager only.
   */
  masterSecretStatements(): Statement[] {
    return [
      { sid: "ReadDatabaseMasterSecret", actions: ["secretsmanager:GetSecretValue"], resources: [this.masterSecretArn] },
      this.decryptThroughSecretsManager("DecryptDatabaseMasterSecret"),
    ];
  }

  private decryptThroughSecretsManager(sid: string): Statement {
    return {
      sid,
      actions: ["kms:Decrypt"],
      resources: [this.kmsKeyArn],
      conditions: [{ test: "StringEquals", variable: "kms:ViaService", values: [`secretsmanager.${this.region}.amazonaws.com`] }],
    };
  }

  /** Allows TCP 5432 from `securityGroupId` (e.g. an EKS cluster security group). */
  allowFrom(id: string, securityGroupId: string, description: string): VpcSecurityGroupIngressRule {
    return new VpcSecurityGroupIngressRule(this, id, {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: securityGroupId,
      ipProtocol: "tcp",
      fromPort: POSTGRES_PORT,
      toPort: POSTGRES_PORT,
      description,
      tags: { Name: `${this.identifier}-${id}` },
    });
  }
}
