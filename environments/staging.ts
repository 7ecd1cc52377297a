/** The staging environment: production-shaped (NAT per AZ, deletion protection), S3 state, smaller nodes. */
import type { EnvironmentInput } from "../src/config/schema";
import { CLUSTER_AUTOSCALER_IMAGES, EKS_1_35_ADDONS, GITHUB_REPOSITORY, HELM_CHARTS, KUBERNETES_VERSION, POSTGRES_ENGINE_VERSION } from "./shared";

export const staging: EnvironmentInput = {
  name: "staging",
  accountId: "222222222222",
  tags: { Environment: "staging", Service: "cdn-control-plane", Team: "platform", CostCenter: "cc-4200" },
  // The bootstrap stack's own state stays local until its bucket exists; then set bootstrapBackend: "s3"
  // and run `terraform init -migrate-state` (docs/state.md#move-the-bootstrap-state-into-its-bucket).
  state: { backend: "s3", bootstrapBackend: "local", bucket: "cdn-tfstate-staging-222222222222", region: "us-east-1" },
  // GitHub Actions: the bootstrap stack creates the OIDC roles cdn-staging-terraform-plan / -deploy, which are
  // also the roles that run Terraform (the schema's default for `terraform`); docs/ci.md.
  ci: { repository: GITHUB_REPOSITORY },
  bundleBucketName: "cdn-config-bundles-staging",
  breakGlassRoleArn: "arn:aws:iam::222222222222:role/BreakGlassAdmin",
  kubernetes: { charts: HELM_CHARTS, clusterAutoscalerImages: CLUSTER_AUTOSCALER_IMAGES, monitoring: { prometheusRetentionDays: 15, prometheusStorageGiB: 50, alertmanagerStorageGiB: 10, grafanaStorageGiB: 10 } },
  access: {
    ciRunners: { enabled: true, connectionArn: "arn:aws:codeconnections:us-east-1:222222222222:connection/8d2f3e4a-5b6c-4d7e-9f80-ab1c2d3e4f50" },
    bastion: { enabled: true },
  },
  alerting: { subscriptions: [{ protocol: "email", endpoint: "platform-alerts@example.com" }] },
  backups: { vaultLock: "governance", dumpLock: "governance", snapshotRetentionDays: 14, dumpRetentionDays: 14 },
  cost: { monthlyBudgetUsd: 2800 },
  smokeTestApp: false,
  global: {
    region: "us-east-1",
    vpcCidr: "10.20.0.0/16",
    availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
    natGateways: "per-az",
    flowLogRetentionDays: 365,
    cluster: {
      kubernetesVersion: KUBERNETES_VERSION,
      adminRoleArns: ["arn:aws:iam::222222222222:role/PlatformAdmin"],
      viewerRoleArns: ["arn:aws:iam::222222222222:role/PlatformReadOnly"],
      nodeGroups: [{ name: "system", instanceTypes: ["m6i.large", "m5.large"], minSize: 3, maxSize: 5 }],
      addons: EKS_1_35_ADDONS,
      logRetentionDays: 365,
    },
    ingress: { hostname: "global.staging.cdn-control.example.com", certificateArn: "arn:aws:acm:us-east-1:222222222222:certificate/1f2a3b4c-5d6e-4e5f-8a9b-0c1d2e3f4a5b" },
    database: {
      engineVersion: POSTGRES_ENGINE_VERSION,
      instanceClass: "db.m6gd.large",
      storageType: "io1",
      allocatedStorageGiB: 100,
      iops: 1000,
      availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
      backupRetentionDays: 30,
      deletionProtection: true,
    },
  },
  regions: [
    {
      key: "uswest",
      region: "us-west-2",
      vpcCidr: "10.21.0.0/16",
      availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
      natGateways: "per-az",
      flowLogRetentionDays: 365,
      cluster: {
        kubernetesVersion: KUBERNETES_VERSION,
        adminRoleArns: ["arn:aws:iam::222222222222:role/PlatformAdmin"],
        viewerRoleArns: ["arn:aws:iam::222222222222:role/PlatformReadOnly"],
        nodeGroups: [{ name: "system", instanceTypes: ["m6i.large", "m5.large"], minSize: 3, maxSize: 5 }],
        addons: EKS_1_35_ADDONS,
        logRetentionDays: 365,
      },
      ingress: { hostname: "uswest.staging.cdn-control.example.com", certificateArn: "arn:aws:acm:us-west-2:222222222222:certificate/1f2a3b4c-5d6e-4e5f-8a9b-1c2d3e4f5a6b" },
      database: {
        engineVersion: POSTGRES_ENGINE_VERSION,
        instanceClass: "db.m6gd.large",
        storageType: "io1",
        allocatedStorageGiB: 100,
        iops: 1000,
        availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
        backupRetentionDays: 30,
        deletionProtection: true,
      },
    },
  ],
};
