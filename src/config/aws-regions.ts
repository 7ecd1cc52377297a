/**
 * AWS region codes, for validating environment files: a plane or state bucket in a region that does not
 * exist is reported as such, not as a follow-on error about its availability zones.
 *
 * Sources: the AWS Region list (docs.aws.amazon.com, "AWS Region billing codes", Global Infrastructure
 * guide) and the endpoint data compiled into the pinned AWS provider 5.100.0 (which predates
 * ap-east-2 and ap-southeast-6). Add a region here when AWS opens one.
 */
import { closest } from "./suggest";

/** Regions the pinned AWS provider (5.100.0) knows: commercial, AWS GovCloud (US) and China. */
export const AWS_REGIONS = [
  "af-south-1",
  "ap-east-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-7",
  "ca-central-1",
  "ca-west-1",
  "cn-north-1",
  "cn-northwest-1",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
  "sa-east-1",
  "us-east-1",
  "us-east-2",
  "us-gov-east-1",
  "us-gov-west-1",
  "us-west-1",
  "us-west-2",
] as const;

/** Regions AWS opened after the pinned provider was released: real, but it rejects them until upgraded. */
export const AWS_REGIONS_NEWER_THAN_PROVIDER = ["ap-east-2", "ap-southeast-6"] as const;

/** Why `region` is not usable, or undefined when it is a region the pinned provider knows. */
export function regionProblem(region: string): string | undefined {
  if ((AWS_REGIONS as readonly string[]).includes(region)) return undefined;
  if ((AWS_REGIONS_NEWER_THAN_PROVIDER as readonly string[]).includes(region)) {
    return `is an AWS region newer than the pinned AWS provider (5.100.0), which rejects it: upgrade @cdktf/provider-aws first`;
  }
  const suggestion = closest(region, AWS_REGIONS);
  return `is not an AWS region${suggestion ? ` (did you mean "${suggestion}"?)` : ""}; regions: ${AWS_REGIONS.join(", ")}`;
}
