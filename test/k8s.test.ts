/** In-cluster stacks: provider wiring, dependencies, monitoring, ingress controller, workloads, smoke test. */
import { describe, expect, it } from "vitest";
import { apiServerVariableName, clusterName } from "../src/config/naming";
import { inClusterStacks } from "./helpers/coverage";
import { allEnvironments, configsOf, stack, synthesizeAll } from "./helpers/synth";

const synth = synthesizeAll();
const planes = inClusterStacks(allEnvironments());

const releaseNamed = (tf: any, name: string) => configsOf(tf, "helm_release").find((r) => r.name === name);

describe.each(planes)("in-cluster stack $name", ({ env, ref, config, name, planeStack }) => {
  const tf = stack(synth, name);
  const cluster = clusterName(ref);

  it("depends explicitly on its plane stack", () => {
    expect(synth.manifest.stacks[name].dependencies).toEqual([planeStack]);
  });

  it("looks the cluster up by name (a data source, not a resource of this state)", () => {
    const lookups = Object.values(tf.data!.aws_eks_cluster);
    expect(lookups).toHaveLength(1);
    expect(lookups[0]).toMatchObject({ name: cluster });
    expect(tf.resource?.aws_eks_cluster).toBeUndefined();
    expect(tf.data?.terraform_remote_state).toBeUndefined();
  });

  it("configures kubernetes and helm with exec auth (aws eks get-token)", () => {
    const exec = { api_version: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", cluster, "--region", config.region] };
    const [k8s] = tf.provider!.kubernetes;
    const [helm] = tf.provider!.helm;
    expect(k8s.exec).toEqual([exec]);
    // The endpoint, unless a laptop run points the variable at the SSM tunnel; TLS checks the endpoint's name.
    const variable = apiServerVariableName(ref);
    expect(k8s.host).toBe(`\${coalesce(var.${variable}, data.aws_eks_cluster.cluster.endpoint)}`);
    expect(k8s.tls_server_name).toBe('${replace(data.aws_eks_cluster.cluster.endpoint, "https://", "")}');
    expect(helm.kubernetes.tls_server_name).toBe(k8s.tls_server_name);
    expect(tf.variable?.[variable]).toMatchObject({ type: "string", default: "", nullable: false });
    expect(k8s.cluster_ca_certificate).toBe("${base64decode(data.aws_eks_cluster.cluster.certificate_authority[0].data)}");
    expect(helm.kubernetes.exec).toEqual(exec);
    expect(helm.kubernetes.host).toBe(k8s.host);
    expect(k8s.token).toBeUndefined();
  });

  it("installs kube-prometheus-stack, pinned, in the monitoring namespace", () => {
    const release = releaseNamed(tf, "kube-prometheus-stack");
    expect(release).toMatchObject({
      repository: "https://prometheus-community.github.io/helm-charts",
      chart: "kube-prometheus-stack",
      version: env.kubernetes.charts.kubePrometheusStack,
      namespace: "monitoring",
      skip_crds: false,
      wait: true,
    });
    expect(release.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(release.timeout).toBeGreaterThanOrEqual(900);
    const values = JSON.parse(release.values[0]);
    expect(values.crds.enabled).toBe(true);
    expect(values.alertmanager.enabled).toBe(true);
    expect(values.grafana.enabled).toBe(true);
    expect(values.nodeExporter.enabled).toBe(true);
    expect(values.kubeStateMetrics.enabled).toBe(true);
    const spec = values.prometheus.prometheusSpec;
    expect(spec.retention).toBe(`${env.kubernetes.monitoring.prometheusRetentionDays}d`);
    expect(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe(`${env.kubernetes.monitoring.prometheusStorageGiB}Gi`);
    expect(spec.externalLabels).toEqual({ cluster, region: config.region, environment: env.name });
    expect(spec.serviceMonitorSelectorNilUsesHelmValues).toBe(false);
  });

  it("keeps Grafana's admin password out of Terraform: the chart generates it in the cluster", () => {
    const release = releaseNamed(tf, "kube-prometheus-stack");
    const values = JSON.parse(release.values[0]);
    // Empty overrides kube-prometheus-stack's well-known default, so the Grafana chart generates one.
    expect(values.grafana.adminPassword).toBe("");
    expect(values.grafana.admin?.existingSecret).toBeUndefined();
    expect(configsOf(tf, "random_password")).toEqual([]);
    expect(configsOf(tf, "kubernetes_secret_v1")).toEqual([]);
    expect(Object.keys(tf.terraform.required_providers)).not.toContain("random");
  });

  it("makes an encrypted gp3 storage class the default", () => {
    const [sc] = configsOf(tf, "kubernetes_storage_class_v1");
    expect(sc.metadata.annotations["storageclass.kubernetes.io/is-default-class"]).toBe("true");
    expect(sc).toMatchObject({ storage_provisioner: "ebs.csi.aws.com", volume_binding_mode: "WaitForFirstConsumer" });
    expect(sc.parameters).toMatchObject({ type: "gp3", encrypted: "true" });
    expect(sc.parameters.kmsKeyId).toMatch(/data\.aws_kms_alias/);
  });

  it("installs the AWS Load Balancer Controller, pinned, with explicit region and VPC", () => {
    const release = releaseNamed(tf, "aws-load-balancer-controller");
    expect(release).toMatchObject({ repository: "https://aws.github.io/eks-charts", chart: "aws-load-balancer-controller", version: env.kubernetes.charts.awsLoadBalancerController, namespace: "kube-system" });
    const values = JSON.parse(release.values[0]);
    expect(values).toMatchObject({ clusterName: cluster, region: config.region, serviceAccount: { create: true, name: "aws-load-balancer-controller" } });
    expect(values.vpcId).toBe("${data.aws_eks_cluster.cluster.vpc_config[0].vpc_id}");
  });

  it("creates the workload namespace and service account", () => {
    const namespaces = configsOf(tf, "kubernetes_namespace_v1").map((n) => n.metadata.name);
    expect(namespaces).toEqual(expect.arrayContaining(["monitoring", "cdn-control-plane"]));
    const accounts = configsOf(tf, "kubernetes_service_account_v1").filter((a) => a.metadata.name === "control-plane");
    expect(accounts).toHaveLength(1);
    const [sa] = accounts;
    expect(sa.metadata.namespace).toMatch(/^\$\{kubernetes_namespace_v1\.workloads_namespace_/);
    expect(sa.automount_service_account_token).toBe(false);
  });

  it(`${env.smokeTestApp ? "deploys" : "does not deploy"} the smoke-test app`, () => {
    const ingresses = configsOf(tf, "kubernetes_ingress_v1");
    if (!env.smokeTestApp) {
      expect(ingresses).toEqual([]);
      return;
    }
    const [ingress] = ingresses;
    const annotations = ingress.metadata.annotations;
    expect(ingress.spec.ingress_class_name).toBe("alb");
    expect(annotations["alb.ingress.kubernetes.io/scheme"]).toBe("internet-facing");
    expect(JSON.parse(annotations["alb.ingress.kubernetes.io/listen-ports"])).toEqual([{ HTTPS: 443 }]);
    expect(annotations["alb.ingress.kubernetes.io/certificate-arn"]).toBe(config.ingress.certificateArn);
    expect(annotations["alb.ingress.kubernetes.io/security-groups"]).toMatch(/-ingress-lb$/);
    expect(configsOf(tf, "kubernetes_deployment_v1")).toHaveLength(1);
    expect(Object.keys(tf.output ?? {}).some((o) => o.includes("url"))).toBe(true);
  });
});

it("turns the smoke-test app on in dev and off in prod by default", () => {
  const [dev, , prod] = allEnvironments();
  expect(dev.smokeTestApp).toBe(true);
  expect(prod.smokeTestApp).toBe(false);
});
