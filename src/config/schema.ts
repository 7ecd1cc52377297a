/**
 * The schema every environment file is validated against before anything is synthesized.
 *
 * Single-field rules live on the fields; rules that relate fields (AZs in the plane's region, CIDRs that
 * must not overlap, unique region keys, ...) live in `superRefine` blocks. Every message says what is
 * allowed; `load.ts` adds the environment file, the field path and the bad value.
 */
import { z } from "zod";
import { ALARM_DEFAULTS } from "../../constructs/alarms";
import { CLUSTER_DEFAULTS, NODE_GROUP_DEFAULTS } from "../../constructs/cluster";
import { COST_DEFAULTS, MAX_BUDGET_NOTIFICATIONS } from "../../constructs/cost-guardrails";
import { BACKUP_DEFAULTS } from "../../constructs/database-backup";
import { DATABASE_DUMP_DEFAULTS } from "../../constructs/database-dump";
import { DATABASE_DEFAULTS, MANAGED_DATABASE_PARAMETERS } from "../../constructs/database";
import { INGRESS_DEFAULTS } from "../../constructs/ingress";
import { MONITORING_DEFAULTS } from "../../constructs/monitoring";
import { NETWORK_DEFAULTS } from "../../constructs/network";
import { MANDATORY_TAG_KEYS } from "../policy/checks";
import { roleArn as namedRoleArn, terraformDeployRoleName, terraformPlanRoleName } from "./naming";
import { allocateSubnets, cidrContains, firstOverlap, parseCidr } from "../lib/cidr";
import {
  GLOBAL_PLANE,
  backupCopyRegion,
  bundleReplicaBucketName,
  bundleReplicaRegion,
  dumpBucketName,
  dumpReplicaBucketName,
  regionalPlane as regionalPlaneRef,
  stateReplicaBucketName,
  stateReplicaRegion,
} from "./naming";
import { regionProblem } from "./aws-regions";

/** Environments this repository knows. Adding one means adding a file to `environments/`. */
export const ENVIRONMENT_NAMES = ["dev", "staging", "prod"] as const;

/** Tags every AWS resource must carry (set through the AWS provider's `defaultTags`): the policy pack's list. */
export const MANDATORY_TAGS = MANDATORY_TAG_KEYS;

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * Kubernetes versions in EKS standard support (as of late 2026: 1.35 until 2027-03, 1.36 until 2027-08)
 * that this repository has pinned add-ons for. 1.34 leaves standard support on 2026-12-02.
 */
export const SUPPORTED_KUBERNETES_VERSIONS = ["1.35", "1.36"] as const;

/**
 * Instance classes RDS supports for a Multi-AZ DB *cluster* of PostgreSQL (a narrower list than for DB
 * instances: only classes with local NVMe storage for the write-ahead log).
 */
export const DB_CLUSTER_INSTANCE_CLASSES = [
  ...["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"].flatMap((size) => [
    `db.m5d.${size}`,
    `db.m6gd.${size}`,
    `db.m6id.${size}`,
    `db.r5d.${size}`,
    `db.r6gd.${size}`,
    `db.r6id.${size}`,
    `db.c6gd.${size}`,
  ]),
] as const;

/** Retention periods Performance Insights accepts, in days: 7 (free tier), 31 * months (1-23), or 731. */
export const PERFORMANCE_INSIGHTS_RETENTION_DAYS = [7, ...Array.from({ length: 23 }, (_, i) => 31 * (i + 1)), 731] as const;

/**
 * PostgreSQL minors RDS no longer creates, by major: every minor up to `through` is out of standard support
 * (ended 2026-05-31; new databases blocked since 2026-05-01, per the AWS Health notice), and running
 * clusters are upgraded to `upgradeTo` or later. docs/decisions/0008-postgres-version-and-upgrades.md.
 */
export const RDS_POSTGRES_BLOCKED_MINORS: Readonly<Record<number, { readonly through: number; readonly upgradeTo: string }>> = {
  14: { through: 17, upgradeTo: "14.20" },
  15: { through: 12, upgradeTo: "15.15" },
  16: { through: 8, upgradeTo: "16.11" },
  17: { through: 4, upgradeTo: "17.7" },
};

/** Enhanced monitoring intervals RDS accepts, in seconds (0, which turns it off, is not allowed here). */
export const MONITORING_INTERVALS = [1, 5, 10, 15, 30, 60] as const;

const REGION_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** An AWS region code: the shape first, then a region that exists (src/config/aws-regions.ts). */
const awsRegion = z
  .string()
  .regex(REGION_PATTERN, "must be an AWS region like us-east-1")
  .superRefine((value, ctx) => {
    if (!REGION_PATTERN.test(value)) return; // reported by the pattern
    const problem = regionProblem(value);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });

/** True when `region` is a usable AWS region (checks that depend on the region are skipped otherwise). */
const knownRegion = (region: string) => REGION_PATTERN.test(region) && regionProblem(region) === undefined;
const ARN_ROLE_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;

const cidrString = z.string().superRefine((value, ctx) => {
  const parsed = parseCidr(value);
  if ("error" in parsed) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be an IPv4 CIDR block like 10.0.0.0/16; it ${parsed.error}` });
});

const vpcCidr = cidrString.superRefine((value, ctx) => {
  const parsed = parseCidr(value);
  if ("block" in parsed && (parsed.block.bitmask < 16 || parsed.block.bitmask > 24)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: "must have a prefix length from /16 to /24 (the range AWS allows for a VPC that holds three subnet tiers)" });
  }
});

const retentionDays = z
  .number()
  .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
    message: `must be a CloudWatch Logs retention period: one of ${LOG_RETENTION_DAYS.join(", ")}`,
  });

const tagValue = z
  .string({ required_error: "is a mandatory tag and must be set" })
  .min(1, "is a mandatory tag and must not be empty")
  .max(256, "must be at most 256 characters (the AWS tag value limit)");

/** Explicit subnet CIDRs per tier: an alternative to computing them from prefix lengths. */
const explicitSubnets = z.object({
  /** One CIDR per availability zone, in AZ order, for the public tier. */
  public: z.array(cidrString),
  /** One CIDR per availability zone, in AZ order, for the private (node) tier. */
  private: z.array(cidrString),
  /** One CIDR per availability zone, in AZ order, for the isolated database tier. */
  database: z.array(cidrString),
});

const subnetLayout = z
  .object({
    /** Prefix length of each public subnet (load balancers and NAT gateways). */
    publicPrefix: z.number().int().min(16).max(28).default(NETWORK_DEFAULTS.publicPrefix),
    /** Prefix length of each private subnet (nodes and, with the VPC CNI, every pod). */
    privatePrefix: z.number().int().min(16).max(28).default(NETWORK_DEFAULTS.privatePrefix),
    /** Prefix length of each isolated database subnet. */
    databasePrefix: z.number().int().min(16).max(28).default(NETWORK_DEFAULTS.databasePrefix),
    /** Explicit CIDRs instead of computed ones; must lie inside the VPC and must not overlap. */
    explicit: explicitSubnets.optional(),
  })
  .strict()
  .default({});

const nodeGroup = z
  .object({
    /** Node group name suffix, unique within the cluster. */
    name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, "must be lowercase letters, digits and dashes, starting with a letter, at most 31 characters"),
    /** EC2 instance types, in order of preference. */
    instanceTypes: z.array(z.string().regex(/^[a-z0-9]+\.[a-z0-9]+$/, "must be an EC2 instance type like m6i.large")).min(1, "must list at least one instance type"),
    /** ON_DEMAND or SPOT capacity. */
    capacityType: z.enum(["ON_DEMAND", "SPOT"]).default(NODE_GROUP_DEFAULTS.capacityType),
    /** Minimum number of nodes. */
    minSize: z.number().int().min(1, "must be at least 1").default(NODE_GROUP_DEFAULTS.minSize),
    /** Maximum number of nodes. */
    maxSize: z.number().int().max(100, "must be at most 100").default(NODE_GROUP_DEFAULTS.maxSize),
    /** Desired number of nodes at creation (the autoscaler owns it afterwards). */
    desiredSize: z.number().int().optional(),
    /** Root volume size in GiB (encrypted gp3). */
    diskSizeGiB: z.number().int().min(20, "must be at least 20 GiB").max(16384).default(NODE_GROUP_DEFAULTS.diskSizeGiB),
  })
  .strict()
  .superRefine((group, ctx) => {
    if (group.minSize > group.maxSize) {
      // One mistake, one message: desiredSize is only checked against a consistent range.
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["minSize"], message: `must not exceed maxSize (${group.maxSize})` });
      return;
    }
    const desired = group.desiredSize;
    if (desired !== undefined && (desired < group.minSize || desired > group.maxSize)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["desiredSize"], message: `must lie between minSize (${group.minSize}) and maxSize (${group.maxSize})` });
    }
  });

const addonVersion = z.string().regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/, "must be an EKS add-on version like v1.19.5-eksbuild.1");

const cluster = z
  .object({
    /** Kubernetes minor version of the control plane. */
    kubernetesVersion: z.enum(SUPPORTED_KUBERNETES_VERSIONS, {
      errorMap: () => ({ message: `must be a Kubernetes version in EKS standard support that this repository pins add-ons for: ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}` }),
    }),
    /**
     * CIDRs allowed to reach the public API endpoint; empty (required outside dev) keeps the endpoint
     * private-only, reached through the in-VPC runners and the SSM tunnel (docs/decisions/0009).
     */
    publicAccessCidrs: z.array(cidrString).default([]),
    /**
     * IAM role ARNs that get cluster-admin through EKS access entries (people; the Terraform deploy role
     * gets its entry from `terraform.deployRoleArn` and must not be listed here).
     */
    adminRoleArns: z.array(z.string().regex(ARN_ROLE_PATTERN, "must be an IAM role ARN like arn:aws:iam::123456789012:role/Name")).default([]),
    /** IAM role ARNs that get cluster-wide read-only access without Secrets (not the Terraform plan role: see `terraform`). */
    viewerRoleArns: z.array(z.string().regex(ARN_ROLE_PATTERN, "must be an IAM role ARN like arn:aws:iam::123456789012:role/Name")).default([]),
    /** Managed node groups; each spans every private subnet of the plane. */
    nodeGroups: z.array(nodeGroup).min(1, "must define at least one node group"),
    /** Pinned EKS add-on versions (must match the Kubernetes version). */
    addons: z
      .object({
        vpcCni: addonVersion,
        coreDns: addonVersion,
        kubeProxy: addonVersion,
        podIdentityAgent: addonVersion,
        ebsCsiDriver: addonVersion,
      })
      .strict(),
    /** Retention of the control-plane log group. */
    logRetentionDays: retentionDays.default(CLUSTER_DEFAULTS.logRetentionDays),
  })
  .strict();

const database = z
  .object({
    /**
     * PostgreSQL engine version (major >= 14) the cluster is created with, e.g. "16.11". RDS applies later
     * minors itself; Terraform ignores that drift unless `engineVersionUpgrade` is on (ADR 0008).
     */
    engineVersion: z.string().superRefine((value, ctx) => {
      const match = /^(\d+)\.(\d+)$/.exec(value);
      if (!match) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: "must be a PostgreSQL version like 16.11" });
        return;
      }
      const [major, minor] = [Number(match[1]), Number(match[2])];
      if (major < 14) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "must have a major version of at least 14 (e.g. 16.11); older majors are out of RDS standard support" });
      const blocked = RDS_POSTGRES_BLOCKED_MINORS[major];
      if (blocked && minor <= blocked.through) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message:
            `must be a minor RDS still creates: ${major}.1-${major}.${blocked.through} left standard support on 2026-05-31 and cannot be used for new databases since 2026-05-01; ` +
            `use ${blocked.upgradeTo} or later (docs/decisions/0008-postgres-version-and-upgrades.md)`,
        });
      }
    }),
    /**
     * Lets the next deploy change the engine version (minor or major): Terraform stops ignoring
     * `engine_version`, allows a major upgrade and applies it immediately. Off except for that deploy (ADR 0008).
     */
    engineVersionUpgrade: z.boolean().default(false),
    /** Instance class of the writer and both readable standbys. */
    instanceClass: z.string().refine((v) => (DB_CLUSTER_INSTANCE_CLASSES as readonly string[]).includes(v), {
      message: "must be an instance class that RDS Multi-AZ DB clusters support (db.m5d, db.m6gd, db.m6id, db.r5d, db.r6gd, db.r6id or db.c6gd; large to 16xlarge)",
    }),
    /** Storage type of the cluster volume (Multi-AZ DB clusters support io1, io2 and gp3). */
    storageType: z.enum(["io1", "io2", "gp3"]).default(DATABASE_DEFAULTS.storageType),
    /** Allocated storage in GiB. */
    allocatedStorageGiB: z.number().int().min(20, "must be at least 20 GiB").max(65536).default(DATABASE_DEFAULTS.allocatedStorageGiB),
    /** Provisioned IOPS; a Multi-AZ DB cluster always needs it, 0.5 to 50 per GiB of storage. */
    iops: z.number().int().min(1000, "must be at least 1000").max(256000, "must be at most 256000"),
    /** The three distinct availability zones of the writer and two readable standbys. */
    availabilityZones: z.array(z.string()),
    /** Days automated backups are kept (7 minimum; 30 is the platform standard). */
    backupRetentionDays: z.number().int().min(7, "must be at least 7 days").max(35, "must be at most 35 days (the RDS maximum)").default(DATABASE_DEFAULTS.backupRetentionDays),
    /** Daily backup window (UTC), hh24:mi-hh24:mi. */
    backupWindow: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, "must be a UTC window like 03:00-04:00").default(DATABASE_DEFAULTS.backupWindow),
    /** Weekly maintenance window (UTC), ddd:hh24:mi-ddd:hh24:mi. */
    maintenanceWindow: z.string().regex(/^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/, "must be a UTC window like sun:05:00-sun:06:00").default(DATABASE_DEFAULTS.maintenanceWindow),
    /** Whether deletion protection is on (forced on in staging and prod). */
    deletionProtection: z.boolean().default(DATABASE_DEFAULTS.deletionProtection),
    /** Days Performance Insights keeps its data: 7 (free), 31 * months (1-23) or 731. */
    performanceInsightsRetentionDays: z
      .number()
      .refine((v) => (PERFORMANCE_INSIGHTS_RETENTION_DAYS as readonly number[]).includes(v), {
        message: "must be a Performance Insights retention period: 7, a multiple of 31 up to 713 (31 * months), or 731",
      })
      .default(DATABASE_DEFAULTS.performanceInsightsRetentionDays),
    /** Statements running at least this long (milliseconds) are logged (`log_min_duration_statement`). */
    slowStatementThresholdMs: z
      .number()
      .int("must be a whole number of milliseconds")
      .min(100, "must be at least 100 ms (lower values log nearly every statement, with its text)")
      .max(3_600_000, "must be at most 3600000 ms (one hour)")
      .default(DATABASE_DEFAULTS.slowStatementThresholdMs),
    /** Enhanced monitoring interval in seconds. */
    monitoringIntervalSeconds: z
      .number()
      .refine((v) => (MONITORING_INTERVALS as readonly number[]).includes(v), {
        message: `must be an enhanced monitoring interval in seconds: one of ${MONITORING_INTERVALS.join(", ")}`,
      })
      .default(DATABASE_DEFAULTS.monitoringIntervalSeconds),
    /** Whether IAM database authentication is enabled besides password authentication (must be: workloads log in with IAM tokens only). */
    iamDatabaseAuthentication: z
      .boolean()
      .default(DATABASE_DEFAULTS.iamDatabaseAuthentication)
      .refine((v) => v, { message: "must be true: workloads log in as the application database user with IAM tokens only (it has no password), so turning it off locks them out" }),
    /** Retention of the exported PostgreSQL log group. */
    logRetentionDays: retentionDays.default(DATABASE_DEFAULTS.logRetentionDays),
    /** Extra cluster parameters by name (an escape hatch: `shared_preload_libraries` for pg_stat_statements, ...). */
    parameters: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_.]{0,62}$/, "must be a PostgreSQL parameter name (lowercase letters, digits, '_' and '.')").refine((n) => !MANAGED_DATABASE_PARAMETERS.includes(n), {
          message: `must not be one the database construct manages (${MANAGED_DATABASE_PARAMETERS.join(", ")}): TLS and the audit logging cannot be relaxed, and slow-statement logging is slowStatementThresholdMs`,
        }),
        z
          .object({
            /** The value, as RDS expects it. */
            value: z.string().min(1, "must not be empty"),
            /** `immediate` (dynamic parameters) or `pending-reboot` (static ones such as shared_preload_libraries). */
            applyMethod: z.enum(["immediate", "pending-reboot"]).default("immediate"),
          })
          .strict(),
      )
      .default({}),
    /** Region the database's hourly dumps replicate to; default: the first regional plane's region for the global plane, the global region for regional planes. */
    copyRegion: z.string().regex(REGION_PATTERN, "must be an AWS region like us-west-2").optional(),
  })
  .strict();

const ingress = z
  .object({
    /** The public hostname the plane's load balancer serves (its ACM certificate must cover it). */
    hostname: z
      .string()
      .max(253)
      .regex(/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/, "must be a lowercase DNS name like control.example.com (no wildcard, no trailing dot)"),
    /** ACM certificate (in the plane's region) the public load balancer serves on 443. */
    certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, "must be an ACM certificate ARN like arn:aws:acm:us-east-1:123456789012:certificate/<uuid>"),
    /** Source CIDRs allowed to reach the public load balancer on 443. */
    allowedCidrs: z.array(cidrString).min(1, "must list at least one CIDR (0.0.0.0/0 for the whole internet)").default([...INGRESS_DEFAULTS.allowedCidrs]),
    /** The port services behind the public load balancer listen on (the only port it may reach). */
    targetPort: z.number().int().min(1024, "must be an unprivileged port (1024 or above): pods run as non-root").max(65535).refine((p) => p !== 3389, "must not be 3389 (RDP)").default(INGRESS_DEFAULTS.targetPort),
  })
  .strict();

/** One plane's settings: the global plane and each regional plane share this shape. */
const planeObject = z
  .object({
    /** AWS region of the plane. */
    region: awsRegion,
    /** CIDR of the plane's VPC; must not overlap any other plane of the environment (they are peered). */
    vpcCidr,
    /** Availability zones of the VPC (at least 2, all in the plane's region). */
    availabilityZones: z.array(z.string()).min(2, "must list at least 2 availability zones"),
    /** One NAT gateway per AZ (resilient) or a single one (cheaper, for dev). */
    natGateways: z.enum(["per-az", "single"]),
    /** Subnet sizes per tier, or explicit CIDRs. */
    subnets: subnetLayout,
    /** Retention of the VPC flow log group. */
    flowLogRetentionDays: retentionDays.default(NETWORK_DEFAULTS.flowLogRetentionDays),
    /** The plane's EKS cluster. */
    cluster,
    /** The plane's PostgreSQL Multi-AZ DB cluster. */
    database,
    /** The plane's public ingress (HTTPS 443 through an AWS load balancer). */
    ingress,
  })
  .strict();

/**
 * Rules that relate a plane's fields. Each mistake is reported once, where it was made: checks that
 * depend on a field already reported (the region, the plane's AZ list, a value out of its own range)
 * are skipped rather than reported again as follow-on errors.
 */
function refinePlane(p: z.infer<typeof planeObject>, ctx: z.RefinementCtx): void {
  let planeAzsValid = knownRegion(p.region);
  if (planeAzsValid) {
    const azPattern = new RegExp(`^${p.region}[a-z]$`);
    const wrong = p.availabilityZones.map((az, i) => ({ az, i })).filter(({ az }) => !azPattern.test(az));
    if (wrong.length > 0 && wrong.length === p.availabilityZones.length) {
      // The whole list belongs elsewhere (typically: the region changed, the zones did not): one message.
      const dbToo = p.database.availabilityZones.some((az) => !azPattern.test(az));
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["availabilityZones"],
        message: `must be availability zones of the plane's region ${p.region} (like ${p.region}a, ${p.region}b)${dbToo ? "; database.availabilityZones must then be three of them" : ""}`,
      });
    } else {
      for (const { i } of wrong) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["availabilityZones", i], message: `must be an availability zone of ${p.region} (like ${p.region}a)` });
      }
    }
    planeAzsValid = wrong.length === 0;
  }
  if (new Set(p.availabilityZones).size !== p.availabilityZones.length) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["availabilityZones"], message: "must not repeat an availability zone" });
    planeAzsValid = false;
  }
  const dbAzs = p.database.availabilityZones;
  if (dbAzs.length !== 3 || new Set(dbAzs).size !== 3) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["database", "availabilityZones"], message: "must list exactly three distinct availability zones (a Multi-AZ DB cluster has a writer and two readable standbys)" });
  }
  if (planeAzsValid) {
    dbAzs.forEach((az, i) => {
      if (!p.availabilityZones.includes(az)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["database", "availabilityZones", i], message: `must be one of the plane's availability zones (${p.availabilityZones.join(", ")})` });
      }
    });
  }
  const { iops, allocatedStorageGiB } = p.database;
  const inOwnRange = iops >= 1000 && iops <= 256000 && Number.isInteger(iops) && allocatedStorageGiB >= 20 && allocatedStorageGiB <= 65536 && Number.isInteger(allocatedStorageGiB);
  if (inOwnRange && (iops < allocatedStorageGiB / 2 || iops > allocatedStorageGiB * 50)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["database", "iops"], message: `must lie between 0.5 and 50 IOPS per GiB of allocated storage (${allocatedStorageGiB / 2} to ${allocatedStorageGiB * 50})` });
  }
  const certRegion = p.ingress.certificateArn.split(":")[3];
  if (knownRegion(p.region) && certRegion !== undefined && certRegion !== p.region) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["ingress", "certificateArn"], message: `must be a certificate in the plane's region ${p.region} (a load balancer can only use certificates of its own region; request or import one there first)` });
  }
  checkSubnets(p, ctx);
}

const plane = planeObject.superRefine(refinePlane);

function checkSubnets(p: { vpcCidr: string; availabilityZones: string[]; subnets: z.infer<typeof subnetLayout> }, ctx: z.RefinementCtx): void {
  if ("error" in parseCidr(p.vpcCidr)) return; // already reported on the field
  const explicit = p.subnets.explicit;
  if (!explicit) {
    const { publicPrefix, privatePrefix, databasePrefix } = p.subnets;
    try {
      allocateSubnets(p.vpcCidr, p.availabilityZones.flatMap(() => [publicPrefix, privatePrefix, databasePrefix]));
    } catch (error) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["vpcCidr"], message: `must hold the plane's subnets (one per tier and AZ; size them with subnets.*Prefix): ${(error as Error).message}` });
    }
    return;
  }
  const all: { cidr: string; where: string }[] = [];
  for (const tier of ["public", "private", "database"] as const) {
    const list = explicit[tier];
    if (list.length !== p.availabilityZones.length) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["subnets", "explicit", tier], message: `must list one CIDR per availability zone (${p.availabilityZones.length})` });
    }
    list.forEach((c, i) => {
      if ("error" in parseCidr(c)) return;
      if (!cidrContains(p.vpcCidr, c)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["subnets", "explicit", tier, i], message: `must lie inside the VPC CIDR ${p.vpcCidr}` });
      }
      all.push({ cidr: c, where: `subnets.explicit.${tier}[${i}]` });
    });
  }
  const overlap = firstOverlap(all);
  if (overlap) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["subnets", "explicit"], message: `must not overlap: ${overlap[0].where} (${overlap[0].cidr}) overlaps ${overlap[1].where} (${overlap[1].cidr})` });
  }
}

const regionalPlane = planeObject
  .extend({
    /** Short key of the regional plane, used in names (`cdn-regional-<key>`, `cdn_regional_<key>`). */
    key: z.string().regex(/^[a-z][a-z0-9]{1,19}$/, "must be 2-20 lowercase letters and digits, starting with a letter (it is used in cluster and database names)"),
  })
  .strict()
  .superRefine(refinePlane);

const semver = z.string().regex(/^\d+\.\d+\.\d+$/, "must be an exact chart version like 1.2.3 (no ranges: releases must be reproducible)");

const kubernetes = z
  .object({
    /** Pinned Helm chart versions of the in-cluster stacks. */
    charts: z
      .object({
        /** prometheus-community/kube-prometheus-stack. */
        kubePrometheusStack: semver,
        /** eks/aws-load-balancer-controller. */
        awsLoadBalancerController: semver,
        /** autoscaler/cluster-autoscaler (https://kubernetes.github.io/autoscaler). */
        clusterAutoscaler: semver,
      })
      .strict(),
    /**
     * Cluster Autoscaler image tag per Kubernetes minor: the autoscaler must match the control plane's
     * minor version, so every plane's `cluster.kubernetesVersion` needs an entry here.
     */
    clusterAutoscalerImages: z.record(
      z.enum(SUPPORTED_KUBERNETES_VERSIONS, { errorMap: () => ({ message: `must be a supported Kubernetes version: ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}` }) }),
      z.string().regex(/^v\d+\.\d+\.\d+$/, "must be an exact Cluster Autoscaler image tag like v1.35.2"),
    ),
    /** Monitoring sizes. */
    monitoring: z
      .object({
        /** Days Prometheus keeps samples. */
        prometheusRetentionDays: z.number().int().min(1, "must be at least 1 day").max(365, "must be at most 365 days").default(MONITORING_DEFAULTS.retentionDays),
        /** Prometheus volume size in GiB. */
        prometheusStorageGiB: z.number().int().min(10, "must be at least 10 GiB").max(16384).default(MONITORING_DEFAULTS.prometheusStorageGiB),
        /** Alertmanager volume size in GiB. */
        alertmanagerStorageGiB: z.number().int().min(1, "must be at least 1 GiB").max(1024).default(MONITORING_DEFAULTS.alertmanagerStorageGiB),
        /** Grafana volume size in GiB. */
        grafanaStorageGiB: z.number().int().min(1, "must be at least 1 GiB").max(1024).default(MONITORING_DEFAULTS.grafanaStorageGiB),
      })
      .strict()
      .default({}),
  })
  .strict();

const stateConfig = z
  .object({
    /**
     * `s3` (the bootstrap stack's bucket: the one source of truth, shared by laptops and CI) or `local`
     * (state files under `state/` in one checkout): only a personal sandbox (`sandbox: true`) may use it.
     */
    backend: z.enum(["local", "s3"]),
    /** Name of the state bucket the bootstrap stack creates. */
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, dashes)"),
    /** Region of the state bucket. */
    region: awsRegion,
    /**
     * Where the `<env>-bootstrap` stack keeps its own state: `local` (`state/<env>-bootstrap.tfstate`, the
     * only choice before the bucket exists) or `s3` (the bucket it created; switch after the first apply
     * and run `terraform init -migrate-state`, docs/state.md).
     */
    bootstrapBackend: z.enum(["local", "s3"]).default("local"),
    /** Prefix of every stack's state key (`<prefix>/<stack>.tfstate`). */
    keyPrefix: z.string().regex(/^[a-z0-9][a-z0-9/_-]*[a-z0-9]$/, "must be a key prefix of lowercase letters, digits, '/', '_' and '-'").default("cdn-control-plane"),
    /** Region of the state bucket's replica (`<bucket>-replica`); default: the first plane region other than `region`. */
    replicaRegion: z.string().regex(REGION_PATTERN, "must be an AWS region like us-west-2").optional(),
  })
  .strict();

/** How GitHub Actions reaches the account (docs/ci.md): the repository its OIDC roles trust. */
const ciConfig = z
  .object({
    /** `owner/name` of the GitHub repository whose workflows plan and deploy this environment. */
    repository: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/, "must be a GitHub repository as owner/name, e.g. acme/cdn-control-plane-infra"),
    /**
     * ARN of an existing IAM OIDC provider for token.actions.githubusercontent.com (an account has at
     * most one per URL); omitted: the bootstrap stack creates it.
     */
    oidcProviderArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/, "must be the ARN of the account's OIDC provider for token.actions.githubusercontent.com")
      .optional(),
  })
  .strict();

const roleArn = z.string().regex(ARN_ROLE_PATTERN, "must be an IAM role ARN like arn:aws:iam::123456789012:role/Name");

const terraformRoles = z
  .object({
    /**
     * The role that applies every stack (CI's deploy role, `AWS_DEPLOY_ROLE_ARN_<ENV>`). It gets an EKS
     * cluster-admin access entry in every plane and keeps the bucket-configuration access Terraform needs.
     */
    deployRoleArn: roleArn,
    /**
     * The role that plans pull requests (`AWS_PLAN_ROLE_ARN_<ENV>`). It gets AmazonEKSAdminViewPolicy in
     * every plane (reads Secrets, for Helm release state) and the bucket-configuration reads of a refresh.
     */
    planRoleArn: roleArn,
  })
  .strict();

/**
 * The roles that run Terraform: the environment file's `terraform` section, else the plan and deploy
 * roles the bootstrap stack creates for GitHub Actions (`cdn-<env>-terraform-plan` / `-deploy`).
 */
export function terraformRolesOf(env: { name: string; accountId: string; terraform?: { deployRoleArn: string; planRoleArn: string } }): { deployRoleArn: string; planRoleArn: string } {
  return (
    env.terraform ?? {
      deployRoleArn: namedRoleArn(env.accountId, terraformDeployRoleName(env.name)),
      planRoleArn: namedRoleArn(env.accountId, terraformPlanRoleName(env.name)),
    }
  );
}

const CONNECTION_ARN_PATTERN = /^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:(\d{12}):connection\/[0-9a-f-]{36}$/;

/** CodeBuild compute types a GitHub Actions runner project may use (Linux containers). */
export const RUNNER_COMPUTE_TYPES = ["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"] as const;

/**
 * How CI and operators reach the private EKS API endpoints (docs/decisions/0009): CodeBuild-hosted
 * GitHub Actions runners inside each plane's VPC, and an SSM-managed access host per plane for port
 * forwarding. Each plane needs at least one way in (checked on the environment).
 */
const access = z
  .object({
    /** CodeBuild-hosted GitHub Actions runners in every plane's private subnets (run the -k8s jobs). */
    ciRunners: z
      .object({
        /** Whether every plane gets a runner project. */
        enabled: z.boolean(),
        /**
         * The account's CodeConnections connection to GitHub (output `github_connection_arn` of
         * `<env>-bootstrap`, after its pending handshake was completed in the console).
         */
        connectionArn: z.string().regex(CONNECTION_ARN_PATTERN, "must be a CodeConnections connection ARN like arn:aws:codeconnections:us-east-1:123456789012:connection/<uuid>").optional(),
        /** Build container size. */
        computeType: z.enum(RUNNER_COMPUTE_TYPES).default("BUILD_GENERAL1_MEDIUM"),
        /** CodeBuild curated image the jobs run in (needs the AWS CLI for `aws eks get-token`). */
        image: z.string().regex(/^aws\/codebuild\/[a-z0-9._-]+:[0-9.]+$/, "must be a CodeBuild curated image like aws/codebuild/amazonlinux-x86_64-standard:5.0").default("aws/codebuild/amazonlinux-x86_64-standard:5.0"),
        /** Longest a job may run, in minutes (the deploy job of an environment needs up to 180). */
        timeoutMinutes: z.number().int().min(5, "must be at least 5 minutes").max(480, "must be at most 480 minutes").default(180),
        /** Retention of the runner log group. */
        logRetentionDays: retentionDays.default(365),
      })
      .strict(),
    /** An SSM-managed access host in every plane's private subnets, for port forwarding to the EKS API. */
    bastion: z
      .object({
        /** Whether every plane gets an access host. */
        enabled: z.boolean(),
        /** EC2 instance type (x86_64: the AMI is the latest Amazon Linux 2023 for x86_64). */
        instanceType: z.string().regex(/^(t3|t3a|m5|m6i|m7i|c6i|c7i)\.[a-z0-9]+$/, "must be an x86_64 instance type like t3.micro (t3, t3a, m5, m6i, m7i, c6i, c7i)").default("t3.micro"),
        /** Days before the host is replaced with one from the newest AMI (EC2 Auto Scaling maximum instance lifetime). */
        maxInstanceLifetimeDays: z.number().int().min(1, "must be at least 1 day").max(365, "must be at most 365 days").default(7),
      })
      .strict(),
  })
  .strict();

/** The access rules that relate `access` to the planes (called from the environment's superRefine). */
function refineAccess(env: { name: string; accountId: string; access: z.infer<typeof access>; global: PlaneConfig; regions: PlaneConfig[] }, ctx: z.RefinementCtx): void {
  const { ciRunners, bastion } = env.access;
  if (ciRunners.enabled && !ciRunners.connectionArn) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ["access", "ciRunners", "connectionArn"],
      message: `is required when access.ciRunners.enabled is true: deploy ${env.name}-bootstrap, complete its pending GitHub connection in the console (Developer Tools > Settings > Connections), then copy the bootstrap output github_connection_arn here`,
    });
  }
  const connectionAccount = ciRunners.connectionArn ? CONNECTION_ARN_PATTERN.exec(ciRunners.connectionArn)?.[2] : undefined;
  if (ciRunners.enabled && connectionAccount && connectionAccount !== env.accountId) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["access", "ciRunners", "connectionArn"], message: `must be a connection of the environment's account ${env.accountId}` });
  }
  const planes = [{ p: env.global, at: ["global"] as (string | number)[] }, ...env.regions.map((r, i) => ({ p: r, at: ["regions", i] }))];
  for (const { p, at } of planes) {
    const cidrs = p.cluster.publicAccessCidrs;
    if (env.name !== "dev" && cidrs.length > 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [...at, "cluster", "publicAccessCidrs"],
        message: `must be empty in ${env.name}: the API endpoint stays private (CI uses the in-VPC runners, operators the SSM tunnel: npm run tunnel)`,
      });
    }
    cidrs.forEach((cidr, i) => {
      if (!("error" in parseCidr(cidr)) && /\/0$/.test(cidr)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [...at, "cluster", "publicAccessCidrs", i], message: "must not be the whole internet: list the office or VPN egress CIDRs" });
      }
    });
    if (!ciRunners.enabled && !bastion.enabled && cidrs.length === 0) {
      const where = at.length === 1 ? "global" : `regions[${at[1]}]`;
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["access"],
        message: `must give the ${where} plane a way to its private EKS API: enable access.ciRunners (CI) and/or access.bastion (operators)${env.name === "dev" ? `, or list ${where}.cluster.publicAccessCidrs` : ""}`,
      });
    }
  }
}
const percent = z.number().positive("must be a positive percentage").max(1000, "must be at most 1000 (%)");

const alerting = z
  .object({
    /** Who receives each plane's alerts (email needs a confirmation click; https endpoints, e.g. PagerDuty, confirm themselves or need one). */
    subscriptions: z
      .array(
        z.discriminatedUnion("protocol", [
          z.object({ protocol: z.literal("email"), endpoint: z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "must be an email address") }).strict(),
          z.object({ protocol: z.literal("https"), endpoint: z.string().regex(/^https:\/\/[^\s]+$/, "must be an https:// URL") }).strict(),
        ]),
      )
      .default([]),
    /** Alarm thresholds; each omitted field takes its safe default. */
    thresholds: z
      .object({
        dbCpuPercent: percent.max(100, "must be at most 100 (%)").default(ALARM_DEFAULTS.dbCpuPercent),
        dbFreeableMemoryMiB: z.number().int().positive("must be a positive number of MiB").default(ALARM_DEFAULTS.dbFreeableMemoryMiB),
        dbFreeStoragePercent: percent.max(100, "must be at most 100 (%)").default(ALARM_DEFAULTS.dbFreeStoragePercent),
        dbConnections: z.number().int().positive("must be a positive number of connections").default(ALARM_DEFAULTS.dbConnections),
        dbReplicaLagSeconds: z.number().positive("must be a positive number of seconds").default(ALARM_DEFAULTS.dbReplicaLagSeconds),
        natPacketsDropped: z.number().int().nonnegative("must be zero or more packets").default(ALARM_DEFAULTS.natPacketsDropped),
        lbElb5xxPer5Minutes: z.number().int().nonnegative("must be zero or more responses").default(ALARM_DEFAULTS.lbElb5xxPer5Minutes),
        lbTarget5xxPer5Minutes: z.number().int().nonnegative("must be zero or more responses").default(ALARM_DEFAULTS.lbTarget5xxPer5Minutes),
        lbUnhealthyTargets: z.number().int().min(1, "must be at least 1 target").default(ALARM_DEFAULTS.lbUnhealthyTargets),
        heartbeatSilenceMinutes: z
          .number()
          .int()
          .min(15, "must be at least 15 minutes (Alertmanager repeats the heartbeat every 5)")
          .refine((m) => m % 5 === 0, "must be a multiple of 5 minutes (the alarm counts 5-minute periods)")
          .default(ALARM_DEFAULTS.heartbeatSilenceMinutes),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({});

const lockMode = z.enum(["off", "governance", "compliance"], {
  errorMap: () => ({ message: 'must be "off", "governance" (privileged roles can still lift it) or "compliance" (immutable after a 3-day grace period)' }),
});

const backups = z
  .object({
    /** AWS Backup snapshot schedule: an EventBridge cron in UTC, kept clear of the RDS backup and maintenance windows. */
    snapshotSchedule: z.string().regex(/^cron\([^)]+\)$/, "must be an EventBridge cron expression like cron(0 7 ? * * *)").default(BACKUP_DEFAULTS.snapshotSchedule),
    /** Days AWS Backup keeps each snapshot (each counts against the RDS manual snapshot quota). */
    snapshotRetentionDays: z.number().int().min(1, "must be at least 1 day").max(90, "must be at most 90 days (snapshots count against the RDS manual snapshot quota)").default(BACKUP_DEFAULTS.snapshotRetentionDays),
    /** AWS Backup vault lock. */
    vaultLock: lockMode.default(BACKUP_DEFAULTS.vaultLock),
    /** Schedule of the logical dump CronJob (Kubernetes cron syntax, UTC). */
    dumpSchedule: z.string().regex(/^(\S+\s+){4}\S+$/, 'must be a five-field cron schedule like "17 * * * *"').default(DATABASE_DUMP_DEFAULTS.schedule),
    /** Days dumps are kept, in both regions. */
    dumpRetentionDays: z.number().int().min(1, "must be at least 1 day").max(365, "must be at most 365 days").default(BACKUP_DEFAULTS.dumpRetentionDays),
    /** S3 Object Lock on the cross-region copies of the dumps. */
    dumpLock: lockMode.default(BACKUP_DEFAULTS.dumpLock),
    /** Minutes without a successful dump before DatabaseDumpTooOld pages (default: two hourly runs plus slack). */
    maxDumpAgeMinutes: z.number().int().min(30, "must be at least 30 minutes").default(150),
  })
  .strict()
  .default({});

const cost = z
  .object({
    /** The environment's monthly budget in USD (the whole account: one account per environment). */
    monthlyBudgetUsd: z.number().positive("must be a positive amount of USD"),
    /** Percentages of the budget at which actual spend alerts. */
    actualAlertPercents: z.array(percent).default([...COST_DEFAULTS.actualAlertPercents]),
    /** Percentages of the budget at which the month's forecast alerts. */
    forecastAlertPercents: z.array(percent).default([...COST_DEFAULTS.forecastAlertPercents]),
    /** Total impact in USD from which a cost anomaly alerts. */
    anomalyThresholdUsd: z.number().positive("must be a positive amount of USD").default(COST_DEFAULTS.anomalyThresholdUsd),
    /** `services` (per AWS service, whole account) or `environment-tag` (spend tagged Environment=<name>; needs the tag active). */
    anomalyMonitor: z.enum(["services", "environment-tag"]).default(COST_DEFAULTS.anomalyMonitor),
    /** Activate Environment, Service, Team and CostCenter as cost-allocation tags: only in the management account, after they appear in billing (docs/cost.md). */
    activateCostAllocationTags: z.boolean().default(COST_DEFAULTS.activateCostAllocationTags),
  })
  .strict()
  .superRefine((c, ctx) => {
    const n = c.actualAlertPercents.length + c.forecastAlertPercents.length;
    if (n === 0 || n > MAX_BUDGET_NOTIFICATIONS) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["actualAlertPercents"], message: `must, with forecastAlertPercents, list 1-${MAX_BUDGET_NOTIFICATIONS} thresholds (an AWS Budgets limit); got ${n}` });
    }
  });

/** The whole environment file. */
export const environmentSchema = z
  .object({
    /** Environment name; must match the file name. */
    name: z.enum(ENVIRONMENT_NAMES),
    /** The AWS account this environment lives in (guarded by `allowedAccountIds`). */
    accountId: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id"),
    /** Mandatory tags, applied to every AWS resource. */
    tags: z
      .object({
        Environment: tagValue,
        Service: tagValue,
        Team: tagValue,
        CostCenter: tagValue,
      })
      .catchall(z.string().max(256)),
    /** Where Terraform state is kept. */
    state: stateConfig,
    /**
     * A personal sandbox: deployed from one laptop only, never by CI, and the only kind of environment
     * allowed local state. Shared environments (dev, staging, prod) keep their state in S3.
     */
    sandbox: z.boolean().default(false),
    /** GitHub Actions access (the OIDC roles the bootstrap stack creates). */
    ci: ciConfig,
    /**
     * The IAM roles that run Terraform for this environment (same account). Defaults to the CI roles the
     * bootstrap stack creates; set it only when Terraform runs as other roles.
     */
    terraform: terraformRoles.optional(),
    /** The global plane. */
    global: plane,
    /** The regional planes (at least one), each keyed by a short name. */
    regions: z.array(regionalPlane).min(1, "must define at least one regional plane"),
    /** In-cluster settings shared by every plane: chart pins and monitoring sizes. */
    kubernetes,
    /** Whether the in-cluster stacks deploy the nginx smoke-test app. */
    smokeTestApp: z.boolean().default(false),
    /**
     * Bucket name for configuration bundles (globally unique; `cdn-config-bundles` in prod). When the name
     * is owned by another account, pick another one here (runbooks/config-bundles.md#bucket-name-taken).
     */
    bundleBucketName: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name (3-63 lowercase letters, digits, dashes)")
      .refine((name) => name.length <= 63 - "-access-logs".length, {
        message: "must be at most 51 characters, leaving room for its access-log bucket `<name>-access-logs` (63 at most)",
      }),
    /** Days S3 server access logs of the state and bundle buckets are kept before they expire. */
    accessLogExpirationDays: z.number().int().min(1, "must be at least 1 day").max(3650, "must be at most 3650 days").default(365),
    /** Region of the bundle bucket's replica (`<bundleBucketName>-replica`); default: the first regional plane's region. */
    bundleReplicaRegion: z.string().regex(REGION_PATTERN, "must be an AWS region like us-west-2").optional(),
    /** Alert subscriptions and alarm thresholds, shared by every plane. */
    alerting,
    /** Backups of every plane's database beyond RDS's own 30-day point-in-time recovery. */
    backups,
    /** Budget, anomaly detection and cost-allocation tags of the environment's account. */
    cost,
    /** A break-glass admin role allowed into the bundle bucket besides the workload roles. */
    breakGlassRoleArn: z.string().regex(ARN_ROLE_PATTERN, "must be an IAM role ARN like arn:aws:iam::123456789012:role/Name"),
    /** How CI and operators reach the private cluster APIs. */
    access,
  })
  .strict()
  .superRefine((env, ctx) => {
    if (env.state.backend === "local" && !env.sandbox) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["state", "backend"],
        message: `must be "s3" for a shared environment: CI plans and deploys it with the state in ${env.state.bucket}, and a second, local state would recreate everything (local state is only for a personal sandbox: sandbox: true)`,
      });
    }
    refineAccess(env, ctx);
    if (env.tags.Environment !== env.name) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["tags", "Environment"], message: `must equal the environment name "${env.name}"` });
    }
    const seen = new Map<string, number>();
    env.regions.forEach((r, i) => {
      if (seen.has(r.key)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["regions", i, "key"], message: `must be unique; regions[${seen.get(r.key)}] already uses "${r.key}"` });
      } else seen.set(r.key, i);
    });
    const vpcs = [
      { cidr: env.global.vpcCidr, path: ["global", "vpcCidr"] as (string | number)[], where: "global.vpcCidr" },
      ...env.regions.map((r, i) => ({ cidr: r.vpcCidr, path: ["regions", i, "vpcCidr"], where: `regions[${i}].vpcCidr` })),
    ].filter((v) => !("error" in parseCidr(v.cidr)));
    for (let j = 1; j < vpcs.length; j++) {
      const earlier = vpcs.slice(0, j).find((v) => firstOverlap([v, vpcs[j]]));
      if (earlier) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: vpcs[j].path, message: `must not overlap ${earlier.where} (${earlier.cidr}): the planes are peered, so every VPC CIDR of an environment must be distinct` });
      }
    }
    const terraform = terraformRolesOf(env);
    for (const field of ["deployRoleArn", "planRoleArn"] as const) {
      const account = terraform[field].split(":")[4];
      if (account !== env.accountId) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["terraform", field], message: `must be a role of the environment's account ${env.accountId} (Terraform runs in the account it manages)` });
      }
    }
    const planes = [{ p: env.global, at: ["global"] as (string | number)[] }, ...env.regions.map((r, i) => ({ p: r as PlaneConfig, at: ["regions", i] }))];
    for (const { p, at } of planes) {
      const version = p.cluster.kubernetesVersion;
      const autoscalerTag = env.kubernetes.clusterAutoscalerImages[version];
      if (autoscalerTag === undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [...at, "cluster", "kubernetesVersion"], message: `needs a Cluster Autoscaler image for Kubernetes ${version} in kubernetes.clusterAutoscalerImages (the autoscaler's minor must match the cluster's)` });
      } else if (!autoscalerTag.startsWith(`v${version}.`)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["kubernetes", "clusterAutoscalerImages", version], message: `must be a Cluster Autoscaler release for Kubernetes ${version} (v${version}.<patch>): the autoscaler's minor must match the cluster's` });
      }
      checkAccessEntryPrincipals(terraform, p, at, ctx);
      if (env.name !== "dev" && !p.database.deletionProtection) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [...at, "database", "deletionProtection"], message: `must be true in ${env.name}` });
      }
      if (env.name === "prod" && p.natGateways !== "per-az") {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [...at, "natGateways"], message: "must be per-az in prod (one NAT gateway per availability zone)" });
      }
      if (env.name === "prod" && p.database.backupRetentionDays < 30) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [...at, "database", "backupRetentionDays"], message: "must be at least 30 days in prod" });
      }
    }
    checkOperations(env as EnvironmentConfig, ctx);
  })
  // Every consumer sees the roles that run Terraform, whether the file names them or not.
  .transform((env) => ({ ...env, terraform: terraformRolesOf(env) }));


/** `<account>:<role name>`: IAM role names are unique per account whatever their path, and so is an EKS access entry. */
function principalIdentity(arn: string): string {
  const parts = arn.split(":");
  return `${parts[4]}:${parts.slice(5).join(":").split("/").pop()}`;
}

/**
 * Every principal gets at most one EKS access entry per cluster (a second `CreateAccessEntry` for the same
 * principal fails with ResourceInUseException): the Terraform roles, admins and viewers must not overlap.
 */
function checkAccessEntryPrincipals(terraform: { deployRoleArn: string; planRoleArn: string }, p: PlaneConfig, at: (string | number)[], ctx: z.RefinementCtx): void {
  const seen = new Map<string, string>();
  const entries: { arn: string; path: (string | number)[]; where: string }[] = [
    { arn: terraform.deployRoleArn, path: ["terraform", "deployRoleArn"], where: "terraform.deployRoleArn" },
    { arn: terraform.planRoleArn, path: ["terraform", "planRoleArn"], where: "terraform.planRoleArn" },
    ...p.cluster.adminRoleArns.map((arn, i) => ({ arn, path: [...at, "cluster", "adminRoleArns", i], where: `${formatAt(at)}.cluster.adminRoleArns[${i}]` })),
    ...p.cluster.viewerRoleArns.map((arn, i) => ({ arn, path: [...at, "cluster", "viewerRoleArns", i], where: `${formatAt(at)}.cluster.viewerRoleArns[${i}]` })),
  ];
  for (const e of entries) {
    const identity = principalIdentity(e.arn);
    const first = seen.get(identity);
    if (first === undefined) {
      seen.set(identity, e.where);
      continue;
    }
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: e.path,
      message:
        `must not repeat a principal that already has an access entry on this cluster (${first}): EKS allows one entry per principal and rejects a second with ResourceInUseException. ` +
        "The Terraform deploy role is cluster admin and the plan role reads everything through terraform.*; list each person's role once, in adminRoleArns or viewerRoleArns",
    });
  }
}

function formatAt(at: readonly (string | number)[]): string {
  return at.reduce<string>((acc, part) => (typeof part === "number" ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), "");
}

/** Longest S3 bucket name. */
const MAX_BUCKET_NAME = 63;

/** Cross-field rules of the day-2 sections: copy regions, derived bucket names, prod locks and retention. */
function checkOperations(env: EnvironmentConfig, ctx: z.RefinementCtx): void {
  // Copy regions derive from the planes: without a regional plane (already reported) there is nothing to check.
  if (env.regions.length === 0) return;
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });
  const planes = [
    { ref: GLOBAL_PLANE, config: env.global as PlaneConfig, at: ["global"] as (string | number)[] },
    ...env.regions.map((r, i) => ({ ref: regionalPlaneRef(r.key), config: r as PlaneConfig, at: ["regions", i] as (string | number)[] })),
  ];
  for (const { ref, config, at } of planes) {
    const copy = backupCopyRegion(env, ref);
    if (copy === config.region) {
      issue([...at, "database", "copyRegion"], `must name a region other than the plane's own (${config.region}): the dumps' copy must survive a region failure`);
    }
    for (const name of [dumpBucketName(env.name, env.accountId, ref), dumpReplicaBucketName(env.name, env.accountId, ref)]) {
      if (name.length > MAX_BUCKET_NAME) {
        issue(ref.kind === "global" ? ["name"] : [...at, "key"], `makes the derived bucket name ${name} ${name.length} characters long; S3 allows ${MAX_BUCKET_NAME}: shorten it`);
      }
    }
  }
  if (stateReplicaRegion(env) === env.state.region) {
    issue(["state", "replicaRegion"], `must name a region other than the state bucket's (${env.state.region}); no plane region differs from it to default to`);
  }
  if (stateReplicaBucketName(env).length > MAX_BUCKET_NAME) issue(["state", "bucket"], `is too long for its replica's name ${stateReplicaBucketName(env)} (at most ${MAX_BUCKET_NAME} characters)`);
  if (bundleReplicaRegion(env) === env.global.region) {
    issue(["bundleReplicaRegion"], `must name a region other than the global plane's (${env.global.region}); no regional plane is elsewhere to default to`);
  }
  if (bundleReplicaBucketName(env).length > MAX_BUCKET_NAME) issue(["bundleBucketName"], `is too long for its replica's name ${bundleReplicaBucketName(env)} (at most ${MAX_BUCKET_NAME} characters)`);
  if (env.name === "prod") {
    if (env.backups.vaultLock === "off") issue(["backups", "vaultLock"], 'must be "governance" or "compliance" in prod (backups that an admin can delete are not backups)');
    if (env.backups.dumpLock === "off") issue(["backups", "dumpLock"], 'must be "governance" or "compliance" in prod (the cross-region copies must be write-once)');
    if (env.backups.dumpRetentionDays < 30) issue(["backups", "dumpRetentionDays"], "must be at least 30 days in prod");
    if (env.backups.snapshotRetentionDays < 30) issue(["backups", "snapshotRetentionDays"], "must be at least 30 days in prod");
  }
}

/** What an environment file declares (defaults may be omitted). */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** A validated environment, with every default filled in. */
export type EnvironmentConfig = z.output<typeof environmentSchema>;
/** A validated plane (global or regional). */
export type PlaneConfig = z.output<typeof plane>;
/** A validated regional plane. */
export type RegionalPlaneConfig = z.output<typeof regionalPlane>;
/** A validated cluster section. */
export type ClusterConfig = z.output<typeof cluster>;
/** A validated database section. */
export type DatabaseConfig = z.output<typeof database>;
/** A validated access section. */
export type AccessConfig = z.output<typeof access>;
/** A validated node group. */
export type NodeGroupConfig = z.output<typeof nodeGroup>;
