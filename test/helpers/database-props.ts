/** Props of a compliant Database construct for construct-level tests (override what a test is about). */
import type { DatabaseProps } from "../../constructs/database";

/** A global-plane Postgres in us-east-1 with literal ids (no VPC or cluster of its own). */
export const DATABASE_TEST_PROPS: DatabaseProps = {
  identifier: "cdn-test-global-postgres",
  databaseName: "cdn_global",
  engineVersion: "16.11",
  instanceClass: "db.m6gd.large",
  allocatedStorageGiB: 100,
  iops: 1000,
  availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  accountId: "123456789012",
  region: "us-east-1",
  connectionSecretName: "cdn-test-global/postgres/connection",
  applicationUser: "cdn_app",
};
