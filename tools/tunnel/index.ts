/**
 * `npm run tunnel`: the operator's way to a plane's private EKS API (docs/decisions/0009). It finds the
 * plane's SSM access host and the cluster's endpoint, writes a kubeconfig context that talks to the
 * local end of the tunnel while verifying the API server certificate against the endpoint's own name
 * (`tls-server-name`), and builds the `aws ssm start-session` command that opens the tunnel.
 */
import { DescribeClusterCommand } from "@aws-sdk/client-eks";
import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { parseDocument, stringify } from "yaml";
import type { EnvironmentConfig } from "../../src/config/schema";
import { accessHostName, apiServerVariableName, clusterName, planeLabel, planesOf, tunnelDocumentName, type PlaneRef } from "../../src/config/naming";
import type { AwsClients } from "../aws/clients";

/** The first local port; plane i of an environment gets 8443 + i, so several tunnels can run at once. */
export const FIRST_LOCAL_PORT = 8443;

/** One plane selected on the command line. */
export interface SelectedPlane {
  /** The plane. */
  readonly ref: PlaneRef;
  /** Its region. */
  readonly region: string;
  /** Its default local port. */
  readonly defaultPort: number;
}

/** Finds a plane by `global`, a regional key, or `regional-<key>`; lists the valid names otherwise. */
export function selectPlane(env: EnvironmentConfig, name = "global"): SelectedPlane {
  const planes = planesOf(env);
  const index = planes.findIndex(({ ref }) => planeLabel(ref) === name || (ref.kind === "regional" && `regional-${ref.key}` === name));
  if (index < 0) throw new Error(`unknown plane "${name}" in ${env.name}; use one of: ${planes.map(({ ref }) => planeLabel(ref)).join(", ")}`);
  return { ref: planes[index].ref, region: planes[index].config.region, defaultPort: FIRST_LOCAL_PORT + index };
}

/** Name of the kubeconfig context for a plane through the tunnel: `<env>-global`, `<env>-<key>` (the runbooks' names). */
export function kubeContextName(env: string, plane: PlaneRef): string {
  return `${env}-${planeLabel(plane)}`;
}

/** What the tunnel needs from AWS. */
export interface TunnelTarget {
  /** The cluster's endpoint URL (`https://<host>`). */
  readonly endpoint: string;
  /** The cluster's CA bundle, base64 (as EKS returns it). */
  readonly certificateAuthority: string;
  /** The running access host's instance id. */
  readonly instanceId: string;
}

/** Looks up the cluster endpoint and the running access host of a plane. */
export async function findTunnelTarget(clients: AwsClients, env: EnvironmentConfig, plane: SelectedPlane): Promise<TunnelTarget> {
  const name = clusterName(plane.ref);
  const { cluster } = await clients.eks(plane.region).send(new DescribeClusterCommand({ name }));
  if (!cluster?.endpoint || !cluster.certificateAuthority?.data) throw new Error(`cluster ${name} in ${plane.region} has no endpoint yet (status ${cluster?.status ?? "unknown"})`);
  const host = accessHostName(env.name, plane.ref);
  const found = await clients.ec2(plane.region).send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: "tag:aws:autoscaling:groupName", Values: [host] },
        { Name: "instance-state-name", Values: ["running"] },
      ],
    }),
  );
  const instances = (found.Reservations ?? []).flatMap((r) => r.Instances ?? []).filter((i) => i.InstanceId);
  if (instances.length === 0) {
    throw new Error(`no running access host ${host} in ${plane.region}: is access.bastion enabled and the plane stack deployed? (the group replaces a host within minutes)`);
  }
  // Newest first: during a replacement two may run briefly.
  instances.sort((a, b) => String(b.LaunchTime ?? "").localeCompare(String(a.LaunchTime ?? "")));
  return { endpoint: cluster.endpoint, certificateAuthority: cluster.certificateAuthority.data, instanceId: instances[0].InstanceId! };
}

/** The `aws` arguments that open the tunnel (Session Manager plugin required). */
export function startSessionArgs(env: string, plane: SelectedPlane, instanceId: string, localPort: number): string[] {
  return [
    "ssm",
    "start-session",
    "--region",
    plane.region,
    "--target",
    instanceId,
    "--document-name",
    tunnelDocumentName(env, plane.ref),
    "--parameters",
    JSON.stringify({ localPortNumber: [String(localPort)] }),
  ];
}

/** The environment variable that points the in-cluster stack's providers at the tunnel. */
export function terraformVariable(plane: PlaneRef, localPort: number): { name: string; value: string } {
  return { name: `TF_VAR_${apiServerVariableName(plane)}`, value: `https://127.0.0.1:${localPort}` };
}

/** One context (with its cluster and user) to write into a kubeconfig. */
export interface KubeconfigEntry {
  /** Context name, also used for the cluster and user entries. */
  readonly context: string;
  /** Server URL (the local end of the tunnel). */
  readonly server: string;
  /** Name the API server certificate is checked against (the endpoint's host). */
  readonly tlsServerName: string;
  /** CA bundle, base64. */
  readonly certificateAuthorityData: string;
  /** EKS cluster name (for the token). */
  readonly clusterName: string;
  /** Region of the cluster. */
  readonly region: string;
  /** AWS profile the token command uses, when one is selected. */
  readonly profile?: string;
}

/** The kubeconfig entry for a plane's tunnel. */
export function kubeconfigEntry(env: string, plane: SelectedPlane, target: TunnelTarget, localPort: number, profile?: string): KubeconfigEntry {
  return {
    context: kubeContextName(env, plane.ref),
    server: `https://127.0.0.1:${localPort}`,
    // As Terraform does (replace "https://"): the endpoint host exactly as EKS reports it.
    tlsServerName: target.endpoint.replace(/^https:\/\//, "").replace(/\/.*$/, ""),
    certificateAuthorityData: target.certificateAuthority,
    clusterName: clusterName(plane.ref),
    region: plane.region,
    profile,
  };
}

type Named = { name: string; [key: string]: unknown };

/**
 * Adds or replaces `entry`'s cluster, user and context in a kubeconfig (YAML text, or nothing for a new
 * file), keeps everything else, and makes it the current context.
 */
export function upsertKubeconfig(existing: string | undefined, entry: KubeconfigEntry): string {
  const doc = existing && existing.trim() ? (parseDocument(existing).toJS() as Record<string, unknown>) : {};
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new Error("the kubeconfig is not a YAML mapping");
  const cluster: Named = {
    name: entry.context,
    cluster: { server: entry.server, "tls-server-name": entry.tlsServerName, "certificate-authority-data": entry.certificateAuthorityData },
  };
  const user: Named = {
    name: entry.context,
    user: {
      exec: {
        apiVersion: "client.authentication.k8s.io/v1beta1",
        command: "aws",
        args: ["eks", "get-token", "--cluster-name", entry.clusterName, "--region", entry.region, "--output", "json"],
        ...(entry.profile ? { env: [{ name: "AWS_PROFILE", value: entry.profile }] } : {}),
        interactiveMode: "IfAvailable",
      },
    },
  };
  const context: Named = { name: entry.context, context: { cluster: entry.context, user: entry.context } };
  const upsert = (key: string, item: Named) => {
    const list = Array.isArray(doc[key]) ? (doc[key] as Named[]).filter((x) => x?.name !== item.name) : [];
    doc[key] = [...list, item];
  };
  doc.apiVersion ??= "v1";
  doc.kind ??= "Config";
  doc.preferences ??= {};
  upsert("clusters", cluster);
  upsert("users", user);
  upsert("contexts", context);
  doc["current-context"] = entry.context;
  return stringify(doc);
}
