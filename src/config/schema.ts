/**
 * The schema every environment file is validated against before anything is synthesized.
 *
 * Single-field rules live on the fields; rules that relate fields (AZs in the plane's region, CIDRs that
 * must not overlap, unique region keys, ...) live in `superRefine` blocks. Every message says what is
 * allowed; `load.ts` adds the environment file, the field path and the bad value.
 */
import { z } from "zod";
import { MANDATORY_TAG_KEYS } from "../policy/checks";
import { allocateSubnets, cidrContains, firstOverlap, parseCidr } from "../lib/cidr";
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
    publicPrefix: z.number().int().min(16).max(28).default(24),
    /** Prefix length of each private subnet (nodes and, with the VPC CNI, every pod). */
    privatePrefix: z.number().int().min(16).max(28).default(19),
    /** Prefix length of each isolated database subnet. */
    databasePrefix: z.number().int().min(16).max(28).default(24),
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
    capacityType: z.enum(["ON_DEMAND", "SPOT"]).default("ON_DEMAND"),
    /** Minimum number of nodes. */
    minSize: z.number().int().min(1, "must be at least 1").default(3),
    /** Maximum number of nodes. */
    maxSize: z.number().int().max(100, "must be at most 100").default(5),
    /** Desired number of nodes at creation (the autoscaler owns it afterwards). */
    desiredSize: z.number().int().optional(),
    /** Root volume size in GiB (encrypted gp3). */
    diskSizeGiB: z.number().int().min(20, "must be at least 20 GiB").max(16384).default(50),
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
    /** CIDRs allowed to reach the public API endpoint; empty keeps the endpoint private-only. */
    publicAccessCidrs: z.array(cidrString).default([]),
    /** IAM role ARNs that get cluster-admin through EKS access entries. */
    adminRoleArns: z.array(z.string().regex(ARN_ROLE_PATTERN, "must be an IAM role ARN like arn:aws:iam::123456789012:role/Name")).default([]),
    /** IAM role ARNs that get cluster-wide read-only access. */
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
    logRetentionDays: retentionDays.default(365),
  })
  .strict();

const database = z
  .object({
    /** PostgreSQL engine version (major >= 14), e.g. "16.8". */
    engineVersion: z.string().superRefine((value, ctx) => {
      const match = /^(\d+)\.(\d+)$/.exec(value);
      if (!match) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "must be a PostgreSQL version like 16.8" });
      else if (Number(match[1]) < 14) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "must have a major version of at least 14 (e.g. 16.8); older majors are out of RDS standard support" });
    }),
    /** Instance class of the writer and both readable standbys. */
    instanceClass: z.string().refine((v) => (DB_CLUSTER_INSTANCE_CLASSES as readonly string[]).includes(v), {
      message: "must be an instance class that RDS Multi-AZ DB clusters support (db.m5d, db.m6gd, db.m6id, db.r5d, db.r6gd, db.r6id or db.c6gd; large to 16xlarge)",
    }),
    /** Storage type of the cluster volume (Multi-AZ DB clusters support io1, io2 and gp3). */
    storageType: z.enum(["io1", "io2", "gp3"]).default("io1"),
    /** Allocated storage in GiB. */
    allocatedStorageGiB: z.number().int().min(20, "must be at least 20 GiB").max(65536).default(100),
    /** Provisioned IOPS; a Multi-AZ DB cluster always needs it, 0.5 to 50 per GiB of storage. */
    iops: z.number().int().min(1000, "must be at least 1000").max(256000, "must be at most 256000"),
    /** The three distinct availability zones of the writer and two readable standbys. */
    availabilityZones: z.array(z.string()),
    /** Days automated backups are kept (7 minimum; 30 is the platform standard). */
    backupRetentionDays: z.number().int().min(7, "must be at least 7 days").max(35, "must be at most 35 days (the RDS maximum)").default(30),
    /** Daily backup window (UTC), hh24:mi-hh24:mi. */
    backupWindow: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, "must be a UTC window like 03:00-04:00").default("03:00-04:00"),
    /** Weekly maintenance window (UTC), ddd:hh24:mi-ddd:hh24:mi. */
    maintenanceWindow: z.string().regex(/^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/, "must be a UTC window like sun:05:00-sun:06:00").default("sun:05:00-sun:06:00"),
    /** Whether deletion protection is on (forced on in staging and prod). */
    deletionProtection: z.boolean().default(true),
    /** Days Performance Insights keeps its data: 7 (free), 31 * months (1-23) or 731. */
    performanceInsightsRetentionDays: z
      .number()
      .refine((v) => (PERFORMANCE_INSIGHTS_RETENTION_DAYS as readonly number[]).includes(v), {
        message: "must be a Performance Insights retention period: 7, a multiple of 31 up to 713 (31 * months), or 731",
      })
      .default(7),
    /** Statements running at least this long (milliseconds) are logged (`log_min_duration_statement`). */
    slowStatementThresholdMs: z
      .number()
      .int("must be a whole number of milliseconds")
      .min(100, "must be at least 100 ms (lower values log nearly every statement, with its text)")
      .max(3_600_000, "must be at most 3600000 ms (one hour)")
      .default(1000),
    /** Enhanced monitoring interval in seconds. */
    monitoringIntervalSeconds: z
      .number()
      .refine((v) => (MONITORING_INTERVALS as readonly number[]).includes(v), {
        message: `must be an enhanced monitoring interval in seconds: one of ${MONITORING_INTERVALS.join(", ")}`,
      })
      .default(60),
    /** Whether IAM database authentication is enabled besides password authentication. */
    iamDatabaseAuthentication: z.boolean().default(true),
    /** Retention of the exported PostgreSQL log group. */
    logRetentionDays: retentionDays.default(365),
  })
  .strict();

const ingress = z
  .object({
    /** ACM certificate (in the plane's region) the public load balancer serves on 443. */
    certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, "must be an ACM certificate ARN like arn:aws:acm:us-east-1:123456789012:certificate/<uuid>"),
    /** Source CIDRs allowed to reach the public load balancer on 443. */
    allowedCidrs: z.array(cidrString).min(1, "must list at least one CIDR (0.0.0.0/0 for the whole internet)").default(["0.0.0.0/0"]),
    /** The port services behind the public load balancer listen on (the only port it may reach). */
    targetPort: z.number().int().min(1024, "must be an unprivileged port (1024 or above): pods run as non-root").max(65535).refine((p) => p !== 3389, "must not be 3389 (RDP)").default(8080),
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
    flowLogRetentionDays: retentionDays.default(365),
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
      })
      .strict(),
    /** Monitoring sizes. */
    monitoring: z
      .object({
        /** Days Prometheus keeps samples. */
        prometheusRetentionDays: z.number().int().min(1, "must be at least 1 day").max(365, "must be at most 365 days").default(15),
        /** Prometheus volume size in GiB. */
        prometheusStorageGiB: z.number().int().min(10, "must be at least 10 GiB").max(16384).default(50),
        /** Alertmanager volume size in GiB. */
        alertmanagerStorageGiB: z.number().int().min(1, "must be at least 1 GiB").max(1024).default(10),
        /** Grafana volume size in GiB. */
        grafanaStorageGiB: z.number().int().min(1, "must be at least 1 GiB").max(1024).default(10),
      })
      .strict()
      .default({}),
  })
  .strict();

const stateConfig = z
  .object({
    /** `local` (state files under `state/` in the checkout) or `s3` (the bootstrap stack's bucket). */
    backend: z.enum(["local", "s3"]),
    /** Name of the state bucket the bootstrap stack creates. */
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, dashes)"),
    /** Region of the state bucket. */
    region: awsRegion,
    /** Prefix of every stack's state key (`<prefix>/<stack>.tfstate`). */
    keyPrefix: z.string().regex(/^[a-z0-9][a-z0-9/_-]*[a-z0-9]$/, "must be a key prefix of lowercase letters, digits, '/', '_' and '-'").default("cdn-control-plane"),
  })
  .strict();

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
    /** The global plane. */
    global: plane,
    /** The regional planes (at least one), each keyed by a short name. */
    regions: z.array(regionalPlane).min(1, "must define at least one regional plane"),
    /** In-cluster settings shared by every plane: chart pins and monitoring sizes. */
    kubernetes,
    /** Whether the in-cluster stacks deploy the nginx smoke-test app. */
    smokeTestApp: z.boolean().default(false),
    /** Bucket name for configuration bundles (globally unique; `cdn-config-bundles` in prod). */
    bundleBucketName: z.string().regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name (3-63 lowercase letters, digits, dashes)"),
    /** A break-glass admin role allowed into the bundle bucket besides the workload roles. */
    breakGlassRoleArn: z.string().regex(ARN_ROLE_PATTERN, "must be an IAM role ARN like arn:aws:iam::123456789012:role/Name"),
  })
  .strict()
  .superRefine((env, ctx) => {
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
    const planes = [{ p: env.global, at: ["global"] as (string | number)[] }, ...env.regions.map((r, i) => ({ p: r as PlaneConfig, at: ["regions", i] }))];
    for (const { p, at } of planes) {
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
  });

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
/** A validated node group. */
export type NodeGroupConfig = z.output<typeof nodeGroup>;
