/**
 * verify's Kubernetes layer over a kubeconfig: context selection (the one asked for, the one whose
 * server is the EKS endpoint, else the current one), and the REST calls as they reach an API server
 * (a loopback HTTP server here): paths, selectors, credentials, bodies, and error Status objects.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubeApiError, kubeconfigTransport, kubePort, selectContext } from "../../tools/verify/io/kube";

const kubeconfig = (server: string) => {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      // skipTLSVerify only because the test's API server speaks plain HTTP on loopback.
      { name: "global", server, skipTLSVerify: server.startsWith("http:") },
      { name: "uswest", server: "https://ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com" },
    ],
    users: [{ name: "operator", token: "k8s-aws-v1.test-token" }],
    contexts: [
      { name: "dev-global", cluster: "global", user: "operator" },
      { name: "dev-uswest", cluster: "uswest", user: "operator" },
    ],
    currentContext: "dev-uswest",
  });
  return kc;
};

describe("kube context selection", () => {
  const kc = kubeconfig("https://0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com");

  it("prefers --kube-context, then the context whose server is the EKS endpoint, then the current context", () => {
    expect(selectContext(kc, "https://0123456789abcdef.gr7.us-east-1.eks.amazonaws.com/", "dev-uswest")).toEqual({ context: "dev-uswest", how: "--kube-context" });
    expect(selectContext(kc, "https://0123456789abcdef.gr7.us-east-1.eks.amazonaws.com/")).toEqual({ context: "dev-global", how: "server matches the EKS endpoint" });
    expect(selectContext(kc, "https://FFFF.gr7.eu-west-1.eks.amazonaws.com")).toEqual({ context: "dev-uswest", how: "current context (no context has server https://FFFF.gr7.eu-west-1.eks.amazonaws.com)" });
    expect(() => selectContext(kc, "x", "nope")).toThrow("kube context nope not found in the kubeconfig (contexts: dev-global, dev-uswest)");
  });
});

describe("the REST layer against an API server", () => {
  let server: Server;
  const seen: { method: string; url: string; auth?: string; body: string }[] = [];
  let port: ReturnType<typeof kubePort>;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
        const send = (status: number, value: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(typeof value === "string" ? value : JSON.stringify(value));
        };
        if (req.url!.startsWith("/api/v1/namespaces/cdn-control-plane/configmaps/missing")) return send(404, { kind: "Status", status: "Failure", reason: "NotFound", message: 'configmaps "missing" not found', code: 404 });
        if (req.url!.startsWith("/api/v1/nodes")) return send(403, { kind: "Status", status: "Failure", reason: "Forbidden", message: 'nodes is forbidden: User "alice" cannot list resource "nodes"', code: 403 });
        if (req.url!.includes("/log")) return send(200, "VERIFY result=ok\n");
        if (req.url!.includes("/proxy/")) return send(200, { status: "success", data: { activeTargets: [] } });
        if (req.method === "POST") return send(201, JSON.parse(body));
        if (req.method === "DELETE") return send(200, { kind: "Status", status: "Success" });
        return send(200, { kind: "PodList", items: [{ metadata: { name: "p" } }] });
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const kc = kubeconfig(url);
    port = kubePort(kubeconfigTransport(kc, "dev-global", 5000), "dev-global");
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("sends the context's credentials, encodes selectors, and parses lists", async () => {
    expect(await port.list("Pod", "cdn-control-plane", { label: "app.kubernetes.io/managed-by=cdn-verify,cdn-verify/run=r1", field: "involvedObject.name=j" })).toEqual([{ metadata: { name: "p" } }]);
    expect(seen.at(-1)).toMatchObject({
      method: "GET",
      url: "/api/v1/namespaces/cdn-control-plane/pods?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dcdn-verify%2Ccdn-verify%2Frun%3Dr1&fieldSelector=involvedObject.name%3Dj",
      auth: "Bearer k8s-aws-v1.test-token",
    });
  });

  it("read returns undefined on 404; other errors carry the API server's reason and message", async () => {
    expect(await port.read("ConfigMap", "cdn-control-plane", "missing")).toBeUndefined();
    const error = await port.list("Node").catch((e) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect(`${error.name}: ${error.message}`).toBe('Kubernetes 403 Forbidden: GET /api/v1/nodes: nodes is forbidden: User "alice" cannot list resource "nodes"');
  });

  it("creates in the kind's collection, deletes with background propagation, reads logs and proxies to services", async () => {
    await port.create({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "j", namespace: "cdn-control-plane" } });
    expect(seen.at(-1)).toMatchObject({ method: "POST", url: "/apis/batch/v1/namespaces/cdn-control-plane/jobs" });
    expect(JSON.parse(seen.at(-1)!.body).metadata.name).toBe("j");
    expect(await port.remove("Job", "cdn-control-plane", "j", 30)).toBe(true);
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({ kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background", gracePeriodSeconds: 30 });
    expect(await port.log("cdn-control-plane", "p", "probe")).toBe("VERIFY result=ok\n");
    expect(seen.at(-1)!.url).toBe("/api/v1/namespaces/cdn-control-plane/pods/p/log?container=probe");
    await port.proxyGet("monitoring", "kps-prometheus", 9090, "/api/v1/targets?state=active");
    expect(seen.at(-1)!.url).toBe("/api/v1/namespaces/monitoring/services/http:kps-prometheus:9090/proxy/api/v1/targets?state=active");
  });
});
