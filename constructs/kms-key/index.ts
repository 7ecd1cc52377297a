/**
 * A customer-managed KMS key with rotation on, an alias, and a key policy that lets the account
 * administer it through IAM and, when asked, lets CloudWatch Logs of this account and region use it.
 */
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { policyDocument, type Statement } from "../../src/lib/iam";

/** Defaults of {@link EncryptionKeyProps}. */
export const ENCRYPTION_KEY_DEFAULTS = { deletionWindowInDays: 30 } as const;

/** Props of {@link EncryptionKey}. */
export interface EncryptionKeyProps {
  /** What the key protects, shown in the console. */
  readonly description: string;
  /** Alias name without the `alias/` prefix. */
  readonly alias: string;
  /** Account that owns the key; its IAM principals are governed by IAM policies. */
  readonly accountId: string;
  /** Region of the key, used in service conditions. */
  readonly region: string;
  /** Let CloudWatch Logs use the key for this account's log groups in this region. */
  readonly allowCloudWatchLogs?: boolean;
  /** Extra key policy statements (service principals with conditions). */
  readonly additionalStatements?: readonly Statement[];
  /** Days a scheduled deletion waits (7-30). @default 30 */
  readonly deletionWindowInDays?: number;
  /** Provider of the key and alias (an aliased provider for a key in another region). @default the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** A rotating customer-managed KMS key and its alias. */
export class EncryptionKey extends Construct {
  /** The key resource. */
  readonly key: KmsKey;
  /** ARN of the key. */
  readonly arn: string;
  /** Full alias name (`alias/<alias>`), a literal other stacks can look the key up by. */
  readonly aliasName: string;
  /** The alias resource. */
  readonly alias: KmsAlias;
  /**
   * Every way a request can name this key: key ARN, key id, alias name and alias ARN (S3 compares the
   * encryption header as sent, so a condition on it must accept all four).
   */
  readonly identifiers: readonly string[];

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const statements: Statement[] = [
      {
        sid: "AccountAdministersKeyThroughIam",
        actions: ["kms:*"],
        resources: ["*"],
        principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${props.accountId}:root`] }],
      },
    ];
    if (props.allowCloudWatchLogs) {
      statements.push({
        sid: "CloudWatchLogsUsesKey",
        actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        resources: ["*"],
        principals: [{ type: "Service", identifiers: [`logs.${props.region}.amazonaws.com`] }],
        conditions: [
          {
            test: "ArnLike",
            variable: "kms:EncryptionContext:aws:logs:arn",
            values: [`arn:aws:logs:${props.region}:${props.accountId}:log-group:*`],
          },
        ],
      });
    }
    statements.push(...(props.additionalStatements ?? []));
    this.key = new KmsKey(this, "key", {
      provider: props.provider,
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowInDays ?? ENCRYPTION_KEY_DEFAULTS.deletionWindowInDays,
      policy: policyDocument(statements),
      tags: { Name: props.alias },
    });
    this.aliasName = `alias/${props.alias}`;
    this.alias = new KmsAlias(this, "alias", { provider: props.provider, name: this.aliasName, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
    this.identifiers = [this.key.arn, this.key.keyId, this.aliasName, this.alias.arn];
  }
}
