/**
 * The Kubernetes API calls verify makes, as a thin REST layer over the operator's kubeconfig
 * (`@kubernetes/client-node` loads it, picks the context and applies its credentials, including the
 * `aws eks get-token` exec plugin). Objects travel as plain API JSON, the same shape the tests'
 * recorded responses have; the transport is the one seam tests replace.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import { KubeConfig } from "@kubernetes/client-node";

type Json = Record<string, any>;

/** One HTTP exchange with the API server. */
export type KubeTransport = (req: { method: "GET" | "POST" | "DELETE"; path: string; body?: unknown }) => Promise<{ status: number; body: string }>;

/** A non-2xx answer of the API server (its Status reason and message). */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = `Kubernetes ${status}${reason ? ` ${reason}` : ""}`;
  }
}

/** Kinds verify creates or reads, with their API paths. */
const KINDS: Record<string, { group: string; plural: string; namespaced: boolean }> = {
  ConfigMap: { group: "/api/v1", plural: "configmaps", namespaced: true },
  Job: { group: "/apis/batch/v1", plural: "jobs", namespaced: true },
  Pod: { group: "/api/v1", plural: "pods", namespaced: true },
  Namespace: { group: "/api/v1", plural: "namespaces", namespaced: false },
  Deployment: { group: "/apis/apps/v1", plural: "deployments", namespaced: true },
  Service: { group: "/api/v1", plural: "services", namespaced: true },
  Ingress: { group: "/apis/networking.k8s.io/v1", plural: "ingresses", namespaced: true },
  Event: { group: "/api/v1", plural: "events", namespaced: true },
  Node: { group: "/api/v1", plural: "nodes", namespaced: false },
};

/** The kinds verify knows. */
export type Kind = keyof typeof KINDS & string;

function collection(kind: string, namespace?: string): string {
  const k = KINDS[kind];
  if (!k) throw new Error(`unknown kind ${kind}`);
  return k.namespaced ? `${k.group}/namespaces/${encodeURIComponent(namespace ?? "")}/${k.plural}` : `${k.group}/${k.plural}`;
}

const query = (params: Record<string, string | number | undefined>) => {
  const q = Object.entries(params).filter(([, v]) => v !== undefined && v !== "");
  return q.length ? `?${q.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join("&")}` : "";
};

/** What verify does with a cluster. */
export interface KubePort {
  /** The kubeconfig context in use, and why it was chosen. */
  readonly context: string;
  /** List objects of a kind (optionally by label or field selector). */
  list(kind: Kind, namespace?: string, selectors?: { label?: string; field?: string }): Promise<Json[]>;
  /** Read one object; undefined when it does not exist. */
  read(kind: Kind, namespace: string | undefined, name: string): Promise<Json | undefined>;
  /** Create an object. */
  create(object: Json): Promise<Json>;
  /** Delete an object (background propagation); false when it did not exist. */
  remove(kind: Kind, namespace: string | undefined, name: string, gracePeriodSeconds?: number): Promise<boolean>;
  /** A container's log (text). */
  log(namespace: string, pod: string, container: string): Promise<string>;
  /** GET through the API server's service proxy; returns the parsed JSON body. */
  proxyGet(namespace: string, service: string, port: number, path: string): Promise<unknown>;
}

/** The port over a transport. */
export function kubePort(transport: KubeTransport, context: string): KubePort {
  async function call(method: "GET" | "POST" | "DELETE", path: string, body?: unknown, notFoundOk = false): Promise<{ status: number; text: string } | undefined> {
    const res = await transport({ method, path, body });
    if (res.status === 404 && notFoundOk) return undefined;
    if (res.status < 200 || res.status >= 300) {
      let reason = "";
      let message = res.body.slice(0, 300);
      try {
        const status = JSON.parse(res.body);
        reason = status.reason ?? "";
        message = status.message ?? message;
      } catch {
        /* not a Status object */
      }
      throw new KubeApiError(res.status, reason, `${method} ${path.split("?")[0]}: ${message}`);
    }
    return { status: res.status, text: res.body };
  }
  const json = (text: string, path: string) => {
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`GET ${path.split("?")[0]}: not JSON: ${text.slice(0, 200)}`);
    }
  };
  return {
    context,
    async list(kind, namespace, selectors = {}) {
      const path = `${collection(kind, namespace)}${query({ labelSelector: selectors.label, fieldSelector: selectors.field })}`;
      const res = await call("GET", path);
      const items = json(res!.text, path).items;
      if (!Array.isArray(items)) throw new Error(`GET ${path}: no items`);
      return items;
    },
    async read(kind, namespace, name) {
      const path = `${collection(kind, namespace)}/${encodeURIComponent(name)}`;
      const res = await call("GET", path, undefined, true);
      return res ? json(res.text, path) : undefined;
    },
    async create(object) {
      const path = collection(object.kind, object.metadata?.namespace);
      const res = await call("POST", path, object);
      return json(res!.text, path);
    },
    async remove(kind, namespace, name, gracePeriodSeconds) {
      const path = `${collection(kind, namespace)}/${encodeURIComponent(name)}`;
      const res = await call("DELETE", path, { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background", ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}) }, true);
      return res !== undefined;
    },
    async log(namespace, pod, container) {
      const res = await call("GET", `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log${query({ container })}`);
      return res!.text;
    },
    async proxyGet(namespace, service, port, path) {
      // `scheme:name:port` as kubectl writes it (the colons unescaped; names are DNS labels).
      const full = `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/http:${encodeURIComponent(service)}:${port}/proxy${path}`;
      const res = await call("GET", full);
      return json(res!.text, full);
    },
  };
}

/** Normalized API server URL (for comparing kubeconfig clusters with the EKS endpoint). */
const normalize = (url: string) => url.trim().toLowerCase().replace(/\/+$/, "");

/**
 * Picks the kubeconfig context for a cluster: the one asked for, else the first whose cluster server is
 * the EKS endpoint, else the current context. Returns the name and how it was chosen.
 */
export function selectContext(kc: KubeConfig, endpoint: string, preferred?: string): { context: string; how: string } {
  if (preferred) {
    if (!kc.getContextObject(preferred)) throw new Error(`kube context ${preferred} not found in the kubeconfig (contexts: ${kc.getContexts().map((c) => c.name).join(", ") || "none"})`);
    return { context: preferred, how: "--kube-context" };
  }
  const match = kc.getContexts().find((c) => {
    const server = kc.getCluster(c.cluster)?.server;
    return !!server && normalize(server) === normalize(endpoint);
  });
  if (match) return { context: match.name, how: "server matches the EKS endpoint" };
  const current = kc.getCurrentContext();
  if (!current) throw new Error(`no kube context for ${endpoint} and no current context: run aws eks update-kubeconfig (docs/verify.md)`);
  return { context: current, how: `current context (no context has server ${endpoint})` };
}

/** An HTTPS transport using a kubeconfig context's server, CA and credentials. */
export function kubeconfigTransport(kc: KubeConfig, context: string, timeoutMs = 30_000): KubeTransport {
  const scoped = new KubeConfig();
  scoped.loadFromString(kc.exportConfig());
  scoped.setCurrentContext(context);
  const server = scoped.getCurrentCluster()?.server;
  if (!server) throw new Error(`kube context ${context} has no cluster server`);
  return async ({ method, path, body }) => {
    const url = new URL(`${server.replace(/\/+$/, "")}${path}`);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const options: RequestOptions = {
      method,
      headers: { Accept: "application/json, */*", ...(payload ? { "Content-Type": "application/json", "Content-Length": payload.length } : {}) },
    };
    await scoped.applyToHTTPSOptions(options);
    // A plain-HTTP server (a local proxy or test server) takes the credentials but not the TLS agent.
    if (url.protocol === "http:") delete options.agent;
    return new Promise((resolve, reject) => {
      const req = (url.protocol === "http:" ? httpRequest : httpsRequest)(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path.split("?")[0]} timed out after ${Math.round(timeoutMs / 1000)}s`)));
      req.on("error", reject);
      if (payload) req.write(payload);
      req.end();
    });
  };
}

/** Loads the operator's kubeconfig (KUBECONFIG or ~/.kube/config). */
export function loadKubeconfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}
