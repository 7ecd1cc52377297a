/** `npm run tunnel`: plane selection, the AWS lookups (recorded responses), the session command, the kubeconfig. */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadEnvironments } from "../src/config/environments";
import { apiServerVariableName, k8sStackName, tunnelDocumentName } from "../src/config/naming";
import { findTunnelTarget, kubeconfigEntry, kubeContextName, selectPlane, startSessionArgs, terraformVariable, upsertKubeconfig } from "../tools/tunnel";
import { fakeClients, type FakeRequest } from "./helpers/aws-fake";
import { stack, synthesizeAll } from "./helpers/synth";

const [DEV] = loadEnvironments(["dev"]);
const ENDPOINT_HOST = "0A1B2C3D4E5F60718293A4B5C6D7E8F9.gr7.us-east-1.eks.amazonaws.com";

describe("plane selection", () => {
  it("knows global and the regional keys, each with its own local port", () => {
    expect(selectPlane(DEV)).toMatchObject({ ref: { kind: "global" }, region: "us-east-1", defaultPort: 8443 });
    expect(selectPlane(DEV, "uswest")).toMatchObject({ ref: { kind: "regional", key: "uswest" }, region: "us-west-2", defaultPort: 8444 });
    expect(selectPlane(DEV, "regional-uswest").defaultPort).toBe(8444);
    expect(() => selectPlane(DEV, "euwest")).toThrow('unknown plane "euwest" in dev; use one of: global, uswest');
  });
});

describe("finding the tunnel's ends", () => {
  const plane = selectPlane(DEV);

  it("takes the endpoint from EKS and the running access host from its Auto Scaling group tag", async () => {
    const log: FakeRequest[] = [];
    const clients = fakeClients((r) => ({ DescribeCluster: "eks/DescribeCluster.cdn-global-control.json", DescribeInstances: "ec2/DescribeInstances.access-host.xml" })[r.operation], log);
    const target = await findTunnelTarget(clients, DEV, plane);
    expect(target).toMatchObject({ endpoint: `https://${ENDPOINT_HOST}`, instanceId: "i-0a1b2c3d4e5f60718" });
    expect(target.certificateAuthority).toMatch(/^LS0tLS1CRUdJTi/);
    expect(log.map((r) => [r.operation, r.region])).toEqual([
      ["DescribeCluster", "us-east-1"],
      ["DescribeInstances", "us-east-1"],
    ]);
    expect(log[0].params.path).toBe("/clusters/cdn-global-control");
    expect(log[1].params).toMatchObject({
      "Filter.1.Name": "tag:aws:autoscaling:groupName",
      "Filter.1.Value.1": "cdn-dev-global-eks-access",
      "Filter.2.Name": "instance-state-name",
      "Filter.2.Value.1": "running",
    });
  });

  it("says so when no access host runs", async () => {
    const clients = fakeClients((r) => ({ DescribeCluster: "eks/DescribeCluster.cdn-global-control.json", DescribeInstances: "ec2/DescribeInstances.none.xml" })[r.operation]);
    await expect(findTunnelTarget(clients, DEV, plane)).rejects.toThrow("no running access host cdn-dev-global-eks-access in us-east-1");
  });

  it("a denied lookup is an error, not an empty answer", async () => {
    const clients = fakeClients((r) => ({ DescribeCluster: "eks/AccessDeniedException.json" })[r.operation]);
    await expect(findTunnelTarget(clients, DEV, plane)).rejects.toMatchObject({ name: "AccessDeniedException" });
  });
});

describe("the session and the clients", () => {
  const plane = selectPlane(DEV, "uswest");
  const target = { endpoint: `https://${ENDPOINT_HOST}`, certificateAuthority: "Q0EtREFUQQ==", instanceId: "i-0123456789abcdef0" };

  it("opens the plane's port-forwarding document to the chosen local port", () => {
    expect(startSessionArgs("dev", plane, target.instanceId, 8444)).toEqual([
      "ssm",
      "start-session",
      "--region",
      "us-west-2",
      "--target",
      "i-0123456789abcdef0",
      "--document-name",
      tunnelDocumentName("dev", plane.ref),
      "--parameters",
      '{"localPortNumber":["8444"]}',
    ]);
  });

  it("points Terraform at the tunnel through the variable the in-cluster stack declares", () => {
    const tfVar = terraformVariable(plane.ref, 8444);
    expect(tfVar).toEqual({ name: `TF_VAR_${apiServerVariableName(plane.ref)}`, value: "https://127.0.0.1:8444" });
    const declared = stack(synthesizeAll(), k8sStackName("dev", plane.ref)).variable ?? {};
    expect(Object.keys(declared)).toEqual([tfVar.name.replace(/^TF_VAR_/, "")]);
  });

  it("writes a kubeconfig context that talks to localhost and verifies the endpoint's name", () => {
    const text = upsertKubeconfig(undefined, kubeconfigEntry("dev", plane, target, 8444, "dev"));
    const config = parse(text);
    expect(config["current-context"]).toBe(kubeContextName("dev", plane.ref));
    expect(config["current-context"]).toBe("dev-uswest");
    expect(config.clusters).toEqual([
      { name: "dev-uswest", cluster: { server: "https://127.0.0.1:8444", "tls-server-name": ENDPOINT_HOST, "certificate-authority-data": "Q0EtREFUQQ==" } },
    ]);
    expect(config.users[0].user.exec).toMatchObject({
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", "cdn-regional-uswest", "--region", "us-west-2", "--output", "json"],
      env: [{ name: "AWS_PROFILE", value: "dev" }],
    });
    expect(config.clusters[0].cluster["insecure-skip-tls-verify"]).toBeUndefined();
  });

  it("keeps everything else in an existing kubeconfig and replaces only its own entries", () => {
    const existing = [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "  - name: other",
      "    cluster: { server: https://other.example.com }",
      "  - name: dev-uswest",
      "    cluster: { server: https://stale.example.com }",
      "users:",
      "  - name: other",
      "    user: { token: abc }",
      "contexts:",
      "  - name: other",
      "    context: { cluster: other, user: other }",
      "current-context: other",
      "",
    ].join("\n");
    const config = parse(upsertKubeconfig(existing, kubeconfigEntry("dev", plane, target, 8444)));
    expect(config.clusters.map((c: { name: string }) => c.name)).toEqual(["other", "dev-uswest"]);
    expect(config.clusters[1].cluster.server).toBe("https://127.0.0.1:8444");
    expect(config.users.map((u: { name: string }) => u.name)).toEqual(["other", "dev-uswest"]);
    expect(config.users[1].user.exec.env).toBeUndefined();
    expect(config.contexts).toHaveLength(2);
    expect(config["current-context"]).toBe("dev-uswest");
  });
});
