/**
 * Test helpers for the policy pack: an App writing to a temporary directory, fixture stacks with an AWS
 * provider carrying (or not) the mandatory default tags, a customer-managed key, and accessors over a
 * PolicyResult.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { checkApp, type PolicyResult, type Violation } from "../../src/policy";

/** Mandatory tags for a fixture environment. */
export function envTags(env: string): Record<string, string> {
  return { Environment: env, Service: "cdn-control-plane", Team: "platform", CostCenter: "cc-test" };
}

const outdirs: string[] = [];

/** A fresh App in a temporary directory (removed at process exit). */
export function policyApp(): App {
  const outdir = mkdtempSync(join(tmpdir(), "cdn-policy-"));
  if (outdirs.length === 0) process.once("exit", () => outdirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  outdirs.push(outdir);
  return new App({ outdir, skipValidation: false });
}

/** Options of {@link fixtureStack}. */
export interface FixtureOptions {
  /** Environment tag of the provider's default tags; defaults to dev. */
  readonly env?: string;
  /** Default tags of the provider; false for none. Defaults to the mandatory tags of `env`. */
  readonly defaultTags?: Record<string, string> | false;
  /** Region of the provider. Defaults to us-east-1. */
  readonly region?: string;
}

/** A stack with an AWS provider, like the real stacks (default tags unless told otherwise). */
export function fixtureStack(app: App, name: string, options: FixtureOptions = {}): TerraformStack {
  const stack = new TerraformStack(app, name);
  const tags = options.defaultTags === false ? undefined : (options.defaultTags ?? envTags(options.env ?? "dev"));
  new AwsProvider(stack, "aws", { region: options.region ?? "us-east-1", ...(tags ? { defaultTags: [{ tags }] } : {}) });
  return stack;
}

/** A rotating customer-managed key (id `key`, `key-2` ... unless given); returns its ARN token. */
export function cmk(scope: Construct, id?: string): string {
  let name = id ?? "key";
  for (let i = 2; !id && scope.node.tryFindChild(name); i++) name = `key-${i}`;
  return new KmsKey(scope, name, { description: "fixture key", enableKeyRotation: true }).arn;
}

/** Synthesizes `app` with the pack and returns the result. */
export function check(app: App): PolicyResult {
  return checkApp(app);
}

/** Violations of one rule (optionally in one stack). */
export function hits(result: PolicyResult, rule: string, stack?: string): Violation[] {
  return result.violations.filter((v) => v.rule === rule && (stack === undefined || v.stack === stack));
}

/** Rule ids violated in one stack. */
export function rulesIn(result: PolicyResult, stack: string): string[] {
  return [...new Set(result.violations.filter((v) => v.stack === stack).map((v) => v.rule))].sort();
}
