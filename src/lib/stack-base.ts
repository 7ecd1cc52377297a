/**
 * What every stack of an environment shares: the Terraform version constraint, the state backend
 * (local for dev, S3 with native locking and the state key for staging/prod), AWS providers guarded by
 * the account id and carrying the mandatory tags, and the Terraform roles recorded for the policy pack.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { stateKeyAliasArn } from "../config/naming";
import type { EnvironmentConfig } from "../config/schema";
import { declareTerraformPrincipals } from "../policy/principals";

/** Minimum Terraform version: S3 native locking (`use_lockfile`) and write-only attributes need 1.11. */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.11";

/** Directory (relative to the repository root) where local-backend state files live. */
export const LOCAL_STATE_DIR = "state";

/** A stack of one environment, with its backend and version constraint configured. */
export class EnvironmentStack extends TerraformStack {
  /** The validated environment this stack belongs to. */
  readonly env: EnvironmentConfig;

  /**
   * `backend` defaults to the environment's `state.backend`; the bootstrap stack passes its own
   * `state.bootstrapBackend`.
   */
  constructor(scope: Construct, name: string, env: EnvironmentConfig, backend: "local" | "s3" = env.state.backend) {
    super(scope, name);
    this.env = env;
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);
    declareTerraformPrincipals(this, [env.terraform.deployRoleArn, env.terraform.planRoleArn]);
    if (backend === "local") {
      // A relative path keeps synth output free of machine paths; Terraform runs in
      // cdktf.out/stacks/<stack>, so this lands in <repo>/state/.
      new LocalBackend(this, { path: `../../../${LOCAL_STATE_DIR}/${name}.tfstate` });
    } else {
      new S3Backend(this, {
        bucket: env.state.bucket,
        key: `${env.state.keyPrefix}/${name}.tfstate`,
        region: env.state.region,
        // Without kms_key_id, `encrypt` makes Terraform send `x-amz-server-side-encryption: AES256` on every
        // write, overriding the bucket's KMS default; naming the state key keeps state and lock files
        // under it. cdktf copies this block into every terraform_remote_state that reads the stack.
        encrypt: true,
        kmsKeyId: stateKeyAliasArn(env),
        allowedAccountIds: [env.accountId],
      });
      // cdktf 0.21's S3Backend has no field for S3 native locking (Terraform >= 1.10).
      this.addOverride("terraform.backend.s3.use_lockfile", true);
    }
  }

  /**
   * cdktf checks the Terraform version for stacks with `moved` blocks by running `terraform version`
   * in a shell once per stack at every synth (a quarter of a second each, and synth fails on a machine
   * without Terraform). Every stack already requires Terraform >= 1.11 (above the 1.5 that `moved`
   * needs), which Terraform itself enforces at init, so the check is redundant. This only controls that
   * check: the `moved` blocks are written the same.
   */
  override hasResourceMove(): boolean {
    return false;
  }

  /** An AWS provider for `region` (aliased when `alias` is given) with the account guard and default tags. */
  awsProvider(id: string, region: string, alias?: string, extraTags: Record<string, string> = {}): AwsProvider {
    return new AwsProvider(this, id, {
      region,
      alias,
      allowedAccountIds: [this.env.accountId],
      defaultTags: [{ tags: { ...this.env.tags, ManagedBy: "cdktf", Repository: "cdn-control-plane-infra", ...extraTags } }],
    });
  }
}
