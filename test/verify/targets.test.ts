/**
 * What verify expects comes from the synthesized stacks and the naming module: the targets of every
 * environment match both; the on-demand smoke-test manifests carry the synthesized construct's values;
 * the probe manifests satisfy Pod Security `restricted`, and the checker fires on each violation.
 */
import { describe, expect, it } from "vitest";
import { GLOBAL_PLANE, clusterName, databaseClusterIdentifier, databaseName, regionalPlane, workloadRoleName } from "../../src/config/naming";
import { restrictedViolations } from "../../tools/verify/pod-security";
import { IMAGES, PROBE_SCRIPTS, jobName, newRunId, probeJob, runSelector, scriptsConfigMap } from "../../tools/verify/probes/manifests";
import { smokeTestManifests } from "../../tools/verify/smoke-app";
import { defaultScrapeJobs, planeTargets, resolveName, synthesizeTargets } from "../../tools/verify/targets";
import { allEnvironments, resourcesOf, stack, synthesizeAll } from "../helpers/synth";
import { environment } from "./support/world";

describe("targets from the synthesized stacks", () => {
  it("every plane of every environment: names agree with src/naming and the stacks", () => {
    for (const name of ["dev", "staging", "prod"]) {
      const { env, targets } = environment(name);
      expect(targets.map((t) => t.id)).toEqual(["global", ...env.regions.map((r) => `regional-${r.key}`)]);
      for (const t of targets) {
        const ref = t.plane.kind === "global" ? GLOBAL_PLANE : regionalPlane(t.plane.key);
        expect(t.clusterName).toBe(clusterName(ref));
        expect(t.database.identifier).toBe(databaseClusterIdentifier(env.name, ref));
        expect(t.database.name).toBe(databaseName(ref));
        expect(t.workload).toEqual({ namespace: "cdn-control-plane", serviceAccount: "control-plane", configMap: "platform-config", roleName: workloadRoleName(env.name, ref) });
        expect(t.addons.map((a) => a.name)).toEqual(["aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]);
        expect(t.minNodes).toBe(3);
        expect(t.monitoring).toMatchObject({ namespace: "monitoring", prometheusService: "kps-prometheus", alertmanagerService: "kps-alertmanager" });
        expect(t.bucket.access).toBe(t.plane.kind === "global" ? "read-write" : "read");
        expect(t.peering).toEqual(t.plane.kind === "global" ? undefined : { port: 443, globalCidr: env.global.vpcCidr });
        expect(t.smokeTest.enabled).toBe(env.smokeTestApp);
      }
    }
  });

  it("verify's own synthesis (one environment, smoke-test app forced on) gives the same targets as the run's shared one", () => {
    const { env, targets } = environment("staging");
    expect(env.smokeTestApp).toBe(false);
    expect(synthesizeTargets(env)).toEqual(targets);
  });

  it("follows the stacks: node group minimums, add-on pins and the peering port come from the synthesized JSON", () => {
    const s = synthesizeAll();
    const [dev] = allEnvironments().filter((e) => e.name === "dev");
    const doc = structuredClone(stack(s, "dev-regional-uswest")) as any;
    const [[groupId]] = resourcesOf(doc, "aws_eks_node_group");
    doc.resource.aws_eks_node_group[groupId].scaling_config.min_size = 4;
    const rule = resourcesOf(doc, "aws_vpc_security_group_ingress_rule").find(([, r]) => r.cidr_ipv4 === dev.global.vpcCidr && !r.provider)!;
    doc.resource.aws_vpc_security_group_ingress_rule[rule[0]].from_port = 8443;
    const stacks = new Map([...s.stacks].map(([k, v]) => [k, v as any]));
    stacks.set("dev-regional-uswest", doc);
    const regional = planeTargets(dev, stacks).find((t) => t.id === "regional-uswest")!;
    expect(regional.minNodes).toBe(4);
    expect(regional.peering?.port).toBe(8443);
    // A renamed cluster in the stacks that src/naming does not know is an error, not a silent mismatch.
    const renamed = structuredClone(stack(s, "dev-global")) as any;
    const [[clusterId]] = resourcesOf(renamed, "aws_eks_cluster");
    renamed.resource.aws_eks_cluster[clusterId].name = "cdn-global-renamed";
    stacks.set("dev-global", renamed);
    expect(() => planeTargets(dev, stacks)).toThrow('global: EKS cluster name is "cdn-global-renamed" in the synthesized stacks but "cdn-global-control" in src/naming');
  });

  it("resolves namespace references, and names the default scrape jobs of the release", () => {
    const doc = { resource: { kubernetes_namespace_v1: { ns: { metadata: { name: "cdn-control-plane" } } } } };
    expect(resolveName(doc, "${kubernetes_namespace_v1.ns.metadata[0].name}")).toBe("cdn-control-plane");
    expect(resolveName(doc, "literal")).toBe("literal");
    expect(() => resolveName(doc, "${kubernetes_namespace_v1.missing.metadata[0].name}")).toThrow("cannot resolve");
    expect(defaultScrapeJobs({ fullnameOverride: "kps", kubeStateMetrics: { enabled: false }, alertmanager: { enabled: false } }).jobs).toEqual([
      "apiserver",
      "kubelet",
      "coredns",
      "node-exporter",
      "kps-operator",
      "kps-prometheus",
    ]);
  });
});

describe("the on-demand smoke-test app", () => {
  it("carries the synthesized construct's image, port, replicas, Ingress annotations and class", () => {
    const s = synthesizeAll();
    const { targets } = environment("dev");
    const k8s = stack(s, "dev-global-k8s") as any;
    const [, deployment] = resourcesOf(k8s, "kubernetes_deployment_v1")[0];
    const [, ingress] = resourcesOf(k8s, "kubernetes_ingress_v1")[0];
    const manifests = smokeTestManifests(targets[0].smokeTest, "r1") as any[];
    const byKind = Object.fromEntries(manifests.map((m) => [m.kind, m]));
    expect(Object.keys(byKind)).toEqual(["Namespace", "Deployment", "Service", "Ingress"]);
    const container = deployment.spec.template.spec.container[0];
    expect(byKind.Deployment.spec.template.spec.containers[0]).toMatchObject({ image: container.image, ports: [{ containerPort: container.port[0].container_port }] });
    expect(byKind.Deployment.spec.replicas).toBe(Number(deployment.spec.replicas));
    expect(byKind.Ingress.metadata.annotations).toEqual(ingress.metadata.annotations);
    expect(byKind.Ingress.spec.ingressClassName).toBe(ingress.spec.ingress_class_name);
    expect(byKind.Namespace.metadata.labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "restricted", "cdn-verify/run": "r1" });
    expect(restrictedViolations(byKind.Deployment.spec.template.spec)).toEqual([]);
  });
});

describe("probe manifests", () => {
  const spec = { runId: "20260501t101200-ab12", namespace: "cdn-control-plane", serviceAccount: "control-plane", workloadConfigMap: "platform-config", deadlineSeconds: 660 };

  it("run ids are lowercase, time-based and name valid objects", () => {
    const id = newRunId(new Date("2026-05-01T10:12:00.123Z"), "AB12");
    expect(id).toBe("20260501t101200-ab12");
    expect(jobName(id, "sql-drill")).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(jobName(id, "sql-drill").length).toBeLessThanOrEqual(63);
    expect(runSelector(id)).toBe("app.kubernetes.io/managed-by=cdn-verify,cdn-verify/run=20260501t101200-ab12");
    expect(runSelector()).toBe("app.kubernetes.io/managed-by=cdn-verify");
  });

  it("every probe Job is restricted-compliant, pinned, limited, labelled; the SQL probe has the IAM token sidecar", () => {
    const sql = probeJob({ ...spec, probe: "sql", image: "postgres", script: "sql-probe.sh", iamTokenSidecar: true, env: {} }) as any;
    const s3 = probeJob({ ...spec, probe: "s3", image: "awsCli", script: "s3-probe.sh", env: { PROBE_MODE: "rw" } }) as any;
    for (const job of [sql, s3]) {
      const pod = job.spec.template.spec;
      expect(restrictedViolations(pod)).toEqual([]);
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        expect(Object.values(IMAGES)).toContain(c.image);
        expect(c.image).toMatch(/:[0-9][\w.-]*$/);
        expect(c.resources.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      }
      expect(job.spec.template.metadata.labels).toEqual(job.metadata.labels);
    }
    const sidecar = sql.spec.template.spec.initContainers[0];
    expect(sidecar).toMatchObject({ name: "iam-token", restartPolicy: "Always", command: ["bash", "/verify/iam-token.sh"] });
    expect(sql.spec.template.spec.containers[0].command).toEqual(["sh", "/verify/sql-probe.sh"]);
    expect(sql.spec.template.spec.containers[0].env).toContainEqual({ name: "PROBE_TOKEN_DIR", value: "/run/cdn-verify/token" });
    expect(s3.spec.template.spec.initContainers).toBeUndefined();
  });

  it("the run's ConfigMap ships every probe script and the CA bundle", () => {
    const cm = scriptsConfigMap("r1", "cdn-control-plane", { "rds-ca.pem": "PEM" }) as any;
    expect(Object.keys(cm.data).sort()).toEqual([...PROBE_SCRIPTS, "rds-ca.pem"].sort());
    expect(cm.data["sql-probe.sh"]).toMatch(/^#!\/bin\/sh\n/);
  });

  it("the restricted checker fires on each kind of violation", () => {
    const good = (probeJob({ ...spec, probe: "net", image: "awsCli", script: "net-probe.sh", env: {} }) as any).spec.template.spec;
    const mutate = (f: (s: any) => void) => {
      const s = structuredClone(good);
      f(s);
      return restrictedViolations(s);
    };
    expect(mutate((s) => (s.hostNetwork = true))).toEqual(["hostNetwork must not be true"]);
    expect(mutate((s) => s.volumes.push({ name: "host", hostPath: { path: "/" } }))).toEqual(["volume host: type hostPath is not allowed"]);
    expect(mutate((s) => delete s.containers[0].securityContext.allowPrivilegeEscalation)).toEqual(["container probe: securityContext.allowPrivilegeEscalation must be false"]);
    expect(mutate((s) => (delete s.securityContext.runAsNonRoot, delete s.containers[0].securityContext.runAsNonRoot))).toEqual(["container probe: runAsNonRoot must be true (pod or container)"]);
    expect(mutate((s) => (s.containers[0].securityContext.runAsUser = 0))).toEqual(["container probe: runAsUser must not be 0"]);
    expect(mutate((s) => (delete s.securityContext.seccompProfile, delete s.containers[0].securityContext.seccompProfile))).toEqual([
      "container probe: seccompProfile.type must be RuntimeDefault or Localhost (pod or container)",
    ]);
    expect(mutate((s) => (s.containers[0].securityContext.capabilities = { drop: ["NET_RAW"], add: ["SYS_ADMIN"] }))).toEqual([
      "container probe: securityContext.capabilities.drop must include ALL",
      "container probe: capability SYS_ADMIN must not be added",
    ]);
    expect(mutate((s) => (s.containers[0].securityContext.privileged = true))).toEqual(["container probe: privileged must not be true"]);
    expect(mutate((s) => (s.containers[0].ports = [{ containerPort: 80, hostPort: 80 }]))).toEqual(["container probe: hostPort must not be set"]);
  });
});
