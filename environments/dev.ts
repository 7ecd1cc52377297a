/** The dev environment: one account, smallest sizes, single NAT; S3 state like every shared environment (docs/state.md). */
import type { EnvironmentInput } from "../src/config/schema";
import { CLUSTER_AUTOSCALER_IMAGES, EKS_1_35_ADDONS, GITHUB_REPOSITORY, HELM_CHARTS, KUBERNETES_VERSION, POSTGRES_ENGINE_VERSION } from "./shared";

export const dev: EnvironmentInput = {
  name: "dev",
  accountId: "111111111111",
  tags: { Environment: "dev", Service: "cdn-control-plane", Team: "platform", CostCenter: "cc-4100" },
  // The bootstrap stack's own state stays local until its bucket exists; then set bootstrapBackend: "s3"
  // and run `terraform init -migrate-state` (docs/state.md#move-the-bootstrap-state-into-its-bucket).
  state: { backend: "s3", bootstrapBackend: "local", bucket: "cdn-tfstate-dev-111111111111", region: "us-east-1" },
  // GitHub Actions: the bootstrap stack creates the OIDC roles cdn-dev-terraform-plan / -deploy, which are
  // also the roles that run Terraform (the schema's default for `terraform`); docs/ci.md.
  ci: { repository: GITHUB_REPOSITORY },
  bundleBucketName: "cdn-config-bundles-dev",
  breakGlassRoleArn: "arn:aws:iam::111111111111:role/BreakGlassAdmin",
  kubernetes: { charts: HELM_CHARTS, clusterAutoscalerImages: CLUSTER_AUTOSCALER_IMAGES, monitoring: { prometheusRetentionDays: 7, prometheusStorageGiB: 20, alertmanagerStorageGiB: 5, grafanaStorageGiB: 5 } },
  access: {
    ciRunners: { enabled: true, connectionArn: "arn:aws:codeconnections:us-east-1:111111111111:connection/7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f" },
    bastion: { enabled: true },
  },
  alerting: { subscriptions: [{ protocol: "email", endpoint: "platform-dev-alerts@example.com" }] },
  // dev is rebuilt freely: no locks (a locked vault or bucket blocks `terraform destroy` until its retention ends), a week of copies.
  backups: { vaultLock: "off", dumpLock: "off", snapshotRetentionDays: 7, dumpRetentionDays: 7 },
  cost: { monthlyBudgetUsd: 2500 },
  smokeTestApp: true,
  global: {
    region: "us-east-1",
    vpcCidr: "10.10.0.0/16",
    availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
    natGateways: "single",
    flowLogRetentionDays: 365,
    cluster: {
      kubernetesVersion: KUBERNETES_VERSION,
      adminRoleArns: ["arn:aws:iam::111111111111:role/PlatformAdmin"],
      viewerRoleArns: ["arn:aws:iam::111111111111:role/PlatformReadOnly"],
      nodeGroups: [{ name: "system", instanceTypes: ["t3.large", "t3a.large"], minSize: 3, maxSize: 5 }],
      addons: EKS_1_35_ADDONS,
      logRetentionDays: 365,
    },
    ingress: { hostname: "global.dev.cdn-control.example.com", certificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/0e1f2a3b-4c5d-4e5f-8a9b-0c1d2e3f4a5b" },
    database: {
      engineVersion: POSTGRES_ENGINE_VERSION,
      instanceClass: "db.m6gd.large",
      storageType: "io1",
      allocatedStorageGiB: 100,
      iops: 1000,
      availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
      backupRetentionDays: 30,
      deletionProtection: false,
      logRetentionDays: 365,
    },
  },
  regions: [
    {
      key: "uswest",
      region: "us-west-2",
      vpcCidr: "10.11.0.0/16",
      availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
      natGateways: "single",
      flowLogRetentionDays: 365,
      cluster: {
        kubernetesVersion: KUBERNETES_VERSION,
        adminRoleArns: ["arn:aws:iam::111111111111:role/PlatformAdmin"],
        viewerRoleArns: ["arn:aws:iam::111111111111:role/PlatformReadOnly"],
        nodeGroups: [{ name: "system", instanceTypes: ["t3.large", "t3a.large"], minSize: 3, maxSize: 5 }],
        addons: EKS_1_35_ADDONS,
        logRetentionDays: 365,
      },
      ingress: { hostname: "uswest.dev.cdn-control.example.com", certificateArn: "arn:aws:acm:us-west-2:111111111111:certificate/0e1f2a3b-4c5d-4e5f-8a9b-1c2d3e4f5a6b" },
      database: {
        engineVersion: POSTGRES_ENGINE_VERSION,
        instanceClass: "db.m6gd.large",
        storageType: "io1",
        allocatedStorageGiB: 100,
        iops: 1000,
        availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
        backupRetentionDays: 30,
        deletionProtection: false,
        logRetentionDays: 365,
      },
    },
  ],
};
