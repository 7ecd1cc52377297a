/** Encryption at rest with customer-managed KMS keys, and key rotation. */
import { customerManagedKey } from "../checks";
import { blocks, isTrue, type ResourceNode, type StackModel } from "../model";
import type { Finding, Rule } from "../types";
import { at } from "./util";

function keyFinding(stack: StackModel, node: ResourceNode, attribute: string, what: string): Finding[] {
  const key = customerManagedKey(stack, node.config[attribute]);
  return key.ok ? [] : [at(node, `${what}: ${attribute} — ${key.why}`)];
}

/** The S3 default-encryption configurations that apply to a bucket (companion resources or inline). */
function bucketEncryption(stack: StackModel, bucket: ResourceNode): { source: string; rules: Record<string, unknown>[] }[] {
  const companions = stack
    .referencing("aws_s3_bucket_server_side_encryption_configuration", "bucket", bucket, ["bucket"])
    .map((c) => ({ source: c.address, rules: blocks(c.config.rule) }));
  const inline = blocks(bucket.config.server_side_encryption_configuration).map((c) => ({ source: `${bucket.address} (inline)`, rules: blocks(c.rule) }));
  return [...companions, ...inline];
}

function checkSseRules(stack: StackModel, node: ResourceNode, source: string, rules: Record<string, unknown>[]): Finding[] {
  if (rules.length === 0) return [at(node, `${source} has no rule`)];
  return rules.flatMap((rule) => {
    const byDefault = blocks(rule.apply_server_side_encryption_by_default)[0] ?? {};
    const algorithm = byDefault.sse_algorithm;
    if (algorithm !== "aws:kms" && algorithm !== "aws:kms:dsse") {
      return [at(node, `default encryption in ${source} is ${JSON.stringify(algorithm ?? null)} (${algorithm === "AES256" ? "SSE-S3, an AWS-owned key" : "not KMS"}), not aws:kms with a customer-managed key`)];
    }
    const key = customerManagedKey(stack, byDefault.kms_master_key_id);
    return key.ok ? [] : [at(node, `default encryption in ${source}: kms_master_key_id — ${key.why}`)];
  });
}

const RDS_TYPES = ["aws_db_instance", "aws_rds_cluster", "aws_rds_cluster_instance"];

/** The encryption and key-rotation rules. */
export const encryptionRules: readonly Rule[] = [
  {
    id: "CDN-ENC-001",
    title: "RDS storage and Performance Insights are encrypted with a customer-managed KMS key",
    severity: "high",
    category: "encryption",
    resourceTypes: RDS_TYPES,
    checks:
      "aws_db_instance and aws_rds_cluster have storage_encrypted = true and kms_key_id naming a customer-managed key (read replicas inherit theirs); where Performance Insights is on (also on aws_rds_cluster_instance), performance_insights_kms_key_id names one too.",
    rationale:
      "Database volumes, snapshots and backups hold the platform's data; a customer-managed key keeps access to them under our key policy, auditable in CloudTrail and revocable, which the AWS-managed aws/rds key is not.",
    fix: "Set storage_encrypted = true and kms_key_id to an EncryptionKey's ARN (constructs/kms-key); set performance_insights_kms_key_id likewise when Performance Insights is enabled. Encryption cannot be added to an existing instance in place: restore from an encrypted snapshot copy.",
    check: (stack) =>
      stack.resources(...RDS_TYPES).flatMap((node) => {
        const c = node.config;
        const out: Finding[] = [];
        const replica = node.type === "aws_db_instance" && c.replicate_source_db !== undefined && c.replicate_source_db !== null;
        if (node.type !== "aws_rds_cluster_instance" && !replica) {
          if (!isTrue(c.storage_encrypted)) out.push(at(node, `storage_encrypted is ${JSON.stringify(c.storage_encrypted ?? null)}, not true: storage, backups and snapshots are unencrypted`));
          out.push(...keyFinding(stack, node, "kms_key_id", "storage key"));
        }
        if (isTrue(c.performance_insights_enabled)) out.push(...keyFinding(stack, node, "performance_insights_kms_key_id", "Performance Insights key"));
        return out;
      }),
  },
  {
    id: "CDN-ENC-002",
    title: "S3 buckets are encrypted by default with a customer-managed KMS key",
    severity: "high",
    category: "encryption",
    resourceTypes: ["aws_s3_bucket", "aws_s3_bucket_server_side_encryption_configuration"],
    checks:
      "Every aws_s3_bucket has a default-encryption configuration (an aws_s3_bucket_server_side_encryption_configuration pointing at it, by reference or bucket name, or the legacy inline block) whose rules use aws:kms or aws:kms:dsse with kms_master_key_id naming a customer-managed key.",
    rationale:
      "Without a customer-managed key, S3 encrypts with an AWS-owned key (SSE-S3): anyone the bucket policy lets in can read the objects, and there is no key policy to audit or revoke.",
    fix: "Use constructs/secure-bucket with kmsKeyArn set to an EncryptionKey's ARN (it adds the configuration with a bucket key). Buckets that AWS requires to be SSE-S3 (server access log targets) need a suppression saying so.",
    check: (stack) => {
      const out: Finding[] = [];
      const covered = new Set<string>();
      for (const bucket of stack.resources("aws_s3_bucket")) {
        const configs = bucketEncryption(stack, bucket);
        for (const cfg of stack.referencing("aws_s3_bucket_server_side_encryption_configuration", "bucket", bucket, ["bucket"])) covered.add(cfg.address);
        if (configs.length === 0) {
          out.push(at(bucket, "has no default-encryption configuration (aws_s3_bucket_server_side_encryption_configuration), so objects get SSE-S3 with an AWS-owned key"));
          continue;
        }
        for (const cfg of configs) out.push(...checkSseRules(stack, bucket, cfg.source, cfg.rules));
      }
      for (const cfg of stack.resources("aws_s3_bucket_server_side_encryption_configuration")) {
        if (!covered.has(cfg.address)) out.push(...checkSseRules(stack, cfg, cfg.address, blocks(cfg.config.rule)));
      }
      return out;
    },
  },
  {
    id: "CDN-ENC-003",
    title: "EBS volumes (instances, launch templates, node groups) are encrypted with a customer-managed KMS key",
    severity: "high",
    category: "encryption",
    resourceTypes: ["aws_ebs_volume", "aws_instance", "aws_launch_template", "aws_eks_node_group"],
    checks:
      "aws_ebs_volume and every root/EBS block device of aws_instance have encrypted = true and a customer-managed kms_key_id; every aws_launch_template declares its block_device_mappings and each EBS mapping is encrypted with a customer-managed key; an aws_eks_node_group uses a launch template (without one EKS picks the disk settings).",
    rationale:
      "Node and instance disks hold container images, logs, secrets mounted into pods and swap; without an explicit mapping their encryption depends on the AMI and on an account-level default nobody reviews here.",
    fix: "Give launch templates a block_device_mappings entry for the root device with ebs { encrypted = \"true\", kms_key_id = <key ARN>, volume_type = \"gp3\" }; set encrypted and kms_key_id on instances' root_block_device/ebs_block_device and on aws_ebs_volume; give every EKS node group a launch_template.",
    check: (stack) => {
      const out: Finding[] = [];
      const checkDevice = (node: ResourceNode, where: string, dev: Record<string, unknown>) => {
        if (!isTrue(dev.encrypted)) out.push(at(node, `${where}: encrypted is ${JSON.stringify(dev.encrypted ?? null)}, not true`));
        const key = customerManagedKey(stack, dev.kms_key_id);
        if (!key.ok) out.push(at(node, `${where}: kms_key_id — ${key.why}`));
      };
      for (const node of stack.resources("aws_ebs_volume")) checkDevice(node, "volume", node.config);
      for (const node of stack.resources("aws_instance")) {
        const roots = blocks(node.config.root_block_device);
        if (roots.length === 0) out.push(at(node, "has no root_block_device, so root volume encryption is left to the AMI and the account default"));
        roots.forEach((d) => checkDevice(node, "root_block_device", d));
        blocks(node.config.ebs_block_device).forEach((d, i) => checkDevice(node, `ebs_block_device[${i}]`, d));
      }
      for (const node of stack.resources("aws_launch_template")) {
        const mappings = blocks(node.config.block_device_mappings);
        if (mappings.length === 0) {
          out.push(at(node, "declares no block_device_mappings, so the root volume's encryption is left to the AMI and the account default"));
          continue;
        }
        mappings.forEach((m, i) => {
          if (m.no_device !== undefined && m.no_device !== null && m.no_device !== "") return;
          if (typeof m.virtual_name === "string" && m.virtual_name) return; // instance store
          const ebs = blocks(m.ebs)[0];
          if (!ebs) out.push(at(node, `block_device_mappings[${i}] (${String(m.device_name)}) has no ebs block, so it is not encrypted`));
          else checkDevice(node, `block_device_mappings[${i}] (${String(m.device_name)})`, ebs);
        });
      }
      for (const node of stack.resources("aws_eks_node_group")) {
        if (blocks(node.config.launch_template).length === 0) out.push(at(node, "has no launch_template, so EKS chooses the node disks and their encryption"));
      }
      return out;
    },
  },
  {
    id: "CDN-ENC-004",
    title: "CloudWatch log groups are encrypted with a customer-managed KMS key",
    severity: "medium",
    category: "encryption",
    resourceTypes: ["aws_cloudwatch_log_group"],
    checks: "Every aws_cloudwatch_log_group has kms_key_id naming a customer-managed key.",
    rationale: "Logs carry request data, IP addresses and occasionally secrets; a customer-managed key limits who can read them beyond IAM on the log group.",
    fix: "Set kms_key_id to an EncryptionKey created with allowCloudWatchLogs: true (its key policy lets CloudWatch Logs of this account and region use it).",
    check: (stack) => stack.resources("aws_cloudwatch_log_group").flatMap((node) => keyFinding(stack, node, "kms_key_id", "log group key")),
  },
  {
    id: "CDN-ENC-005",
    title: "Secrets Manager secrets (including RDS-managed master passwords) use a customer-managed KMS key",
    severity: "high",
    category: "encryption",
    resourceTypes: ["aws_secretsmanager_secret", "aws_db_instance", "aws_rds_cluster"],
    checks:
      "Every aws_secretsmanager_secret has kms_key_id naming a customer-managed key; an aws_db_instance or aws_rds_cluster with manage_master_user_password = true sets master_user_secret_kms_key_id to one.",
    rationale:
      "With the default aws/secretsmanager key, any principal allowed secretsmanager:GetSecretValue can decrypt; a customer-managed key adds a second, auditable gate (the key policy) in front of database credentials.",
    fix: "Set kms_key_id (secrets) or master_user_secret_kms_key_id (RDS) to an EncryptionKey's ARN and grant kms:Decrypt on it only to the roles that read the secret.",
    check: (stack) => [
      ...stack.resources("aws_secretsmanager_secret").flatMap((node) => keyFinding(stack, node, "kms_key_id", "secret key")),
      ...stack
        .resources("aws_db_instance", "aws_rds_cluster")
        .filter((node) => isTrue(node.config.manage_master_user_password))
        .flatMap((node) => keyFinding(stack, node, "master_user_secret_kms_key_id", "managed master password secret key")),
    ],
  },
  {
    id: "CDN-ENC-006",
    title: "EKS clusters envelope-encrypt Kubernetes secrets with a customer-managed KMS key",
    severity: "high",
    category: "encryption",
    resourceTypes: ["aws_eks_cluster"],
    checks: "Every aws_eks_cluster has an encryption_config whose resources include \"secrets\" and whose provider.key_arn names a customer-managed key.",
    rationale: "Without envelope encryption, Kubernetes Secrets (service-account tokens, database connection details) sit in etcd protected only by EKS's own encryption, outside our key policy.",
    fix: "Add encryption_config { resources = [\"secrets\"], provider { key_arn = <EncryptionKey ARN> } } to the cluster. It can be enabled on an existing cluster but never disabled.",
    check: (stack) =>
      stack.resources("aws_eks_cluster").flatMap((node) => {
        const configs = blocks(node.config.encryption_config).filter((e) => (e.resources as unknown[] | undefined)?.includes?.("secrets"));
        if (configs.length === 0) return [at(node, "has no encryption_config for \"secrets\"")];
        return configs.flatMap((e) => {
          const key = customerManagedKey(stack, blocks(e.provider)[0]?.key_arn);
          return key.ok ? [] : [at(node, `encryption_config provider.key_arn — ${key.why}`)];
        });
      }),
  },
  {
    id: "CDN-ENC-007",
    title: "Symmetric KMS keys rotate automatically",
    severity: "medium",
    category: "encryption",
    resourceTypes: ["aws_kms_key"],
    checks: "Every symmetric aws_kms_key (customer_master_key_spec unset or SYMMETRIC_DEFAULT) has enable_key_rotation = true. Asymmetric and HMAC keys cannot rotate and are exempt.",
    rationale: "Rotation limits how much data one key version protects and is expected by every compliance baseline; it is free and transparent to users of the key.",
    fix: "Set enable_key_rotation = true (constructs/kms-key does).",
    check: (stack) =>
      stack.resources("aws_kms_key").flatMap((node) => {
        const spec = node.config.customer_master_key_spec ?? node.config.key_spec;
        if (spec !== undefined && spec !== null && spec !== "SYMMETRIC_DEFAULT") return [];
        return isTrue(node.config.enable_key_rotation) ? [] : [at(node, `enable_key_rotation is ${JSON.stringify(node.config.enable_key_rotation ?? null)}, not true`)];
      }),
  },
];
