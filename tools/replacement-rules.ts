/**
 * Attributes whose change makes Terraform destroy and re-create the resource (ForceNew in the
 * provider schema), per resource type, for the offline diff's REPLACEMENT RISK flags. Conservative
 * and incomplete on purpose: a real `terraform plan` is the authority. Paths are attribute paths
 * without list indices; a change under a listed path (a nested block) counts too.
 *
 * Extend the table when a construct adds a resource type whose identity attributes matter.
 */

/** Known replacement-forcing attributes (AWS provider 5.x, kubernetes 2.x, helm 3.x). */
export const REPLACEMENT_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  // Network
  aws_vpc: ["cidr_block", "ipv4_ipam_pool_id", "ipv4_netmask_length"],
  aws_subnet: ["cidr_block", "availability_zone", "availability_zone_id", "vpc_id", "outpost_arn"],
  aws_nat_gateway: ["subnet_id", "allocation_id", "connectivity_type", "private_ip"],
  aws_eip: ["domain", "network_border_group", "public_ipv4_pool"],
  aws_route_table: ["vpc_id"],
  aws_route: ["route_table_id", "destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id"],
  aws_route_table_association: ["subnet_id", "gateway_id"],
  aws_default_security_group: ["vpc_id"],
  aws_security_group: ["name", "name_prefix", "vpc_id", "description"],
  aws_vpc_endpoint: ["vpc_id", "service_name", "vpc_endpoint_type"],
  aws_flow_log: ["vpc_id", "subnet_id", "log_destination", "log_destination_type", "traffic_type", "iam_role_arn", "log_format", "max_aggregation_interval", "destination_options"],
  aws_vpc_peering_connection: ["vpc_id", "peer_vpc_id", "peer_owner_id", "peer_region"],
  aws_vpc_peering_connection_accepter: ["vpc_peering_connection_id"],
  aws_route53_zone: ["name", "delegation_set_id"],
  aws_route53_record: ["zone_id", "name", "set_identifier"],
  aws_route53_zone_association: ["zone_id", "vpc_id", "vpc_region"],
  // EKS
  // access_config.bootstrap_cluster_creator_admin_permissions: ForceNew in provider 5.100.0 (probed).
  aws_eks_cluster: [
    "name",
    "role_arn",
    "access_config.bootstrap_cluster_creator_admin_permissions",
    "kubernetes_network_config.service_ipv4_cidr",
    "kubernetes_network_config.ip_family",
    "outpost_config",
  ],
  aws_eks_node_group: ["cluster_name", "node_group_name", "node_group_name_prefix", "node_role_arn", "subnet_ids", "instance_types", "capacity_type", "ami_type", "disk_size", "remote_access"],
  aws_eks_addon: ["cluster_name", "addon_name"],
  aws_eks_access_entry: ["cluster_name", "principal_arn", "type"],
  aws_eks_access_policy_association: ["cluster_name", "principal_arn", "policy_arn", "access_scope"],
  aws_eks_pod_identity_association: ["cluster_name", "namespace", "service_account"],
  aws_launch_template: ["name", "name_prefix"],
  // Databases
  aws_rds_cluster: [
    "cluster_identifier",
    "cluster_identifier_prefix",
    "engine",
    "engine_mode",
    "db_subnet_group_name",
    "availability_zones",
    "storage_type",
    "database_name",
    "master_username",
    "kms_key_id",
    "storage_encrypted",
    "snapshot_identifier",
  ],
  aws_rds_cluster_instance: ["identifier", "identifier_prefix", "cluster_identifier", "engine", "db_subnet_group_name", "availability_zone"],
  aws_db_instance: ["identifier", "identifier_prefix", "engine", "db_name", "username", "availability_zone", "kms_key_id", "storage_encrypted", "character_set_name"],
  aws_db_subnet_group: ["name", "name_prefix"],
  aws_db_parameter_group: ["name", "name_prefix", "family"],
  aws_rds_cluster_parameter_group: ["name", "name_prefix", "family"],
  // Storage, keys, secrets, logs
  aws_s3_bucket: ["bucket", "bucket_prefix", "object_lock_enabled"],
  aws_kms_key: ["key_usage", "customer_master_key_spec", "multi_region", "xks_key_id", "custom_key_store_id"],
  aws_kms_alias: ["name", "name_prefix"],
  aws_secretsmanager_secret: ["name", "name_prefix"],
  aws_cloudwatch_log_group: ["name", "name_prefix"],
  // IAM
  aws_iam_role: ["name", "name_prefix", "path"],
  aws_iam_policy: ["name", "name_prefix", "path"],
  aws_iam_role_policy: ["name", "name_prefix", "role"],
  aws_iam_role_policy_attachment: ["role", "policy_arn"],
  aws_iam_openid_connect_provider: ["url"],
  aws_iam_instance_profile: ["name", "name_prefix", "path"],
  // In-cluster
  helm_release: ["name", "namespace"],
};

/** Attributes that usually force replacement on any type not in the table (identity attributes). */
const LIKELY = new Set(["name", "name_prefix", "identifier", "identifier_prefix", "metadata.name", "metadata.namespace"]);

/** Removes list indices and JSON-in-string suffixes: `scaling_config[0].max_size` -> `scaling_config.max_size`. */
export function attributeKey(path: string): string {
  return path.replace(/::.*$/, "").replace(/\[\d+\]/g, "");
}

/**
 * Whether changing `path` of a resource of `type` forces a new resource: `known` (in the table),
 * `likely` (an identity attribute of a type not in the table; kubernetes metadata name/namespace),
 * or undefined.
 */
export function replacementRisk(type: string, path: string): "known" | "likely" | undefined {
  const key = attributeKey(path);
  const rules = REPLACEMENT_ATTRIBUTES[type];
  if (rules?.some((r) => key === r || key.startsWith(`${r}.`))) return "known";
  if (type.startsWith("kubernetes_") && (key === "metadata.name" || key === "metadata.namespace")) return "known";
  if (!rules && LIKELY.has(key)) return "likely";
  return undefined;
}
