/** The dev environment: one account, smallest sizes, single NAT, local Terraform state. */
import type { EnvironmentInput } from "../src/config/schema";
import { EKS_1_35_ADDONS } from "./shared";

export const dev: EnvironmentInput = {
  name: "dev",
  accountId: "111111111111",
  tags: { Environment: "dev", Service: "cdn-control-plane", Team: "platform", CostCenter: "cc-4100" },
  state: { backend: "local", bucket: "cdn-tfstate-dev-111111111111", region: "us-east-1" },
  bundleBucketName: "cdn-config-bundles-dev",
  breakGlassRoleArn: "arn:aws:iam::111111111111:role/BreakGlassAdmin",
  smokeTestApp: true,
  global: {
    region: "us-east-1",
    vpcCidr: "10.10.0.0/16",
    availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
    natGateways: "single",
    flowLogRetentionDays: 30,
    cluster: {
      kubernetesVersion: "1.35",
      adminRoleArns: ["arn:aws:iam::111111111111:role/PlatformAdmin"],
      viewerRoleArns: ["arn:aws:iam::111111111111:role/PlatformReadOnly"],
      nodeGroups: [{ name: "system", instanceTypes: ["t3.large", "t3a.large"], minSize: 3, maxSize: 5 }],
      addons: EKS_1_35_ADDONS,
      logRetentionDays: 30,
    },
    database: {
      engineVersion: "16.8",
      instanceClass: "db.m6gd.large",
      storageType: "io1",
      allocatedStorageGiB: 100,
      iops: 1000,
      availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
      backupRetentionDays: 30,
      deletionProtection: false,
      logRetentionDays: 30,
    },
  },
  regions: [
    {
      key: "uswest",
      region: "us-west-2",
      vpcCidr: "10.11.0.0/16",
      availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
      natGateways: "single",
      flowLogRetentionDays: 30,
      cluster: {
        kubernetesVersion: "1.35",
        adminRoleArns: ["arn:aws:iam::111111111111:role/PlatformAdmin"],
        viewerRoleArns: ["arn:aws:iam::111111111111:role/PlatformReadOnly"],
        nodeGroups: [{ name: "system", instanceTypes: ["t3.large", "t3a.large"], minSize: 3, maxSize: 5 }],
        addons: EKS_1_35_ADDONS,
        logRetentionDays: 30,
      },
      database: {
        engineVersion: "16.8",
        instanceClass: "db.m6gd.large",
        storageType: "io1",
        allocatedStorageGiB: 100,
        iops: 1000,
        availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"],
        backupRetentionDays: 30,
        deletionProtection: false,
        logRetentionDays: 30,
      },
    },
  ],
};
