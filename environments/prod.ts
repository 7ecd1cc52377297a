/** The prod environment: NAT per AZ, 4 vCPU / 16 GiB databases, deletion protection, S3 state. */
import type { EnvironmentInput } from "../src/config/schema";
import { CLUSTER_AUTOSCALER_IMAGES, EKS_1_35_ADDONS, GITHUB_REPOSITORY, HELM_CHARTS, KUBERNETES_VERSION, POSTGRES_ENGINE_VERSION } from "./shared";

export const prod: EnvironmentInput = {
  name: "prod",
  accountId: "333333333333",
  tags: { Environment: "prod", Service: "cdn-control-plane", Team: "platform", CostCenter: "cc-4300" },
  // The bootstrap stack's own state stays local until its bucket exists; then set bootstrapBackend: "s3"
  // and run `terraform init -migrate-state` (docs/state.md#move-the-bootstrap-state-into-its-bucket).
  state: { backend: "s3", bootstrapBackend: "local", bucket: "cdn-tfstate-prod-333333333333", region: "us-east-1" },
  // GitHub Actions: the bootstrap stack creates the OIDC roles cdn-prod-terraform-plan / -deploy, which are
  // also the roles that run Terraform (the schema's default for `terraform`); docs/ci.md.
  ci: { repository: GITHUB_REPOSITORY },
  bundleBucketName: "cdn-config-bundles",
  breakGlassRoleArn: "arn:aws:iam::333333333333:role/BreakGlassAdmin",
  kubernetes: { charts: HELM_CHARTS, clusterAutoscalerImages: CLUSTER_AUTOSCALER_IMAGES, monitoring: { prometheusRetentionDays: 30, prometheusStorageGiB: 200, alertmanagerStorageGiB: 20, grafanaStorageGiB: 20 } },
  access: {
    ciRunners: { enabled: true, connectionArn: "arn:aws:codeconnections:us-east-1:333333333333:connection/9e3a4f5b-6c7d-4e8f-a091-bc2d3e4f5a61" },
    bastion: { enabled: true },
  },
  alerting: { subscriptions: [{ protocol: "email", endpoint: "platform-alerts@example.com" }, { protocol: "email", endpoint: "cdn-oncall@example.com" }] },
  // Governance locks until the first restore drill has passed; then switch to "compliance" (docs/decisions/0010).
  backups: { vaultLock: "governance", dumpLock: "governance", snapshotRetentionDays: 30, dumpRetentionDays: 30 },
  cost: { monthlyBudgetUsd: 6000 },
  smokeTestApp: false,
  global: {
    region: "us-east-1",
    vpcCidr: "10.30.0.0/16",
    availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
    natGateways: "per-az",
    flowLogRetentionDays: 365,
    cluster: {
      kubernetesVersion: KUBERNETES_VERSION,
      adminRoleArns: ["arn:aws:iam::333333333333:role/PlatformAdmin"],
      viewerRoleArns: ["arn:aws:iam::333333333333:role/PlatformReadOnly"],
      nodeGroups: [{ name: "system", instanceTypes: ["m6i.xlarge", "m5.xlarge"], minSize: 3, maxSize: 5 }],
      addons: EKS_1_35_ADDONS,
      logRetentionDays: 365,
    },
    ingress: { hostname: "global.cdn-control.example.com", certificateArn: "arn:aws:acm:us-east-1:333333333333:certificate/2a3b4c5d-6e7f-4e5f-8a9b-0c1d2e3f4a5b" },
    database: {
      engineVersion: POSTGRES_ENGINE_VERSION,
      instanceClass: "db.m6gd.xlarge",
      storageType: "io1",
      allocatedStorageGiB: 400,
      iops: 3000,
      availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
      backupRetentionDays: 30,
      deletionProtection: true,
      logRetentionDays: 365,
    },
  },
  regions: [
    {
      key: "uswest",
      region: "us-west-2",
      vpcCidr: "10.31.0.0/16",
      availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
      natGateways: "per-az",
      flowLogRetentionDays: 365,
      cluster: {
        kubernetesVersion: KUBERNETES_VERSION,
        adminRoleArns: ["arn:aws:iam::333333333333:role/PlatformAdmin"],
        viewerRoleArns: ["arn:aws:iam::333333333333:role/PlatformReadOnly"],
        nodeGroups: [{ name: "system", instanceTypes: ["m6i.xlarge", "m5.xlarge"], minSize: 3, maxSize: 5 }],
        addons: EKS_1_35_ADDONS,
        logRetentionDays: 365,
      },
      ingress: { hostname: "uswest.cdn-control.example.com", certificateArn: "arn:aws:acm:us-west-2:333333333333:certificate/2a3b4c5d-6e7f-4e5f-8a9b-1c2d3e4f5a6b" },
      database: {
        engineVersion: POSTGRES_ENGINE_VERSION,
        instanceClass: "db.m6gd.xlarge",
        storageType: "io1",
        allocatedStorageGiB: 400,
        iops: 3000,
        availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
        backupRetentionDays: 30,
        deletionProtection: true,
        logRetentionDays: 365,
      },
    },
  ],
};
