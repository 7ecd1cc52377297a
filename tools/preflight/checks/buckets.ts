/**
 * The state bucket and the bundle bucket names: free (HeadBucket 404), or already this account's
 * (200 with ExpectedBucketOwner = the account, in the expected region). A 403 means another account
 * owns the name, or the caller may not s3:ListBucket it: either way not a pass.
 */
import { HeadBucketCommand } from "@aws-sdk/client-s3";
import { classifyAwsError } from "../../aws/errors";
import { failedCall, row, type Check, type CheckResult } from "../types";

export const bucketNames: Check = async (ctx) => {
  const { env } = ctx;
  const buckets = [
    { name: env.state.bucket, region: env.state.region, field: "state.bucket" },
    { name: env.bundleBucketName, region: env.global.region, field: "bundleBucketName" },
  ];
  const results: CheckResult[] = [];
  for (const bucket of buckets) {
    const check = `S3 bucket name ${bucket.name}`;
    try {
      const out = await ctx.clients.s3(bucket.region).send(new HeadBucketCommand({ Bucket: bucket.name, ExpectedBucketOwner: env.accountId }));
      const where = out.BucketRegion;
      if (where && where !== bucket.region) {
        results.push(row(check, bucket.region, "FAIL", `exists in this account but in ${where}`, `use another name in ${bucket.field} (a bucket cannot move regions)`));
      } else {
        results.push(row(check, bucket.region, "PASS", "exists and belongs to this account (already deployed, or import it)"));
      }
    } catch (error) {
      const f = classifyAwsError(error);
      if (f.status === 404 || f.code === "NotFound" || f.code === "NoSuchBucket") {
        results.push(row(check, bucket.region, "PASS", "free"));
      } else if (f.status === 403) {
        results.push(
          row(check, bucket.region, "FAIL", "HTTP 403: another account owns this name, or you may not s3:ListBucket it", `if it is not yours, choose another name in ${bucket.field} (e.g. ${bucket.name.includes(env.accountId) ? `${bucket.name}-${env.name}` : `${bucket.name}-${env.accountId}`})`),
        );
      } else {
        results.push(failedCall(check, bucket.region, "s3:ListBucket (HeadBucket)", error));
      }
    }
  }
  return results;
};
