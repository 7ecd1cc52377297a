/**
 * The smoke-test app as Kubernetes manifests, for environments that do not deploy it through Terraform
 * (`smokeTestApp: false`): `verify --deploy-smoke-app` creates these for one run and deletes them
 * afterwards. Every value that matters (image, port, replicas, the Ingress annotations with the
 * certificate and the load balancer security group, the ingress class) is copied from the synthesized
 * `constructs/smoke-test` resources (targets.ts); a test compares the two.
 */
import { runLabels, type KubeObject } from "./probes/manifests";
import type { SmokeTestTarget } from "./targets";

/** Namespace, Deployment, Service and Ingress of the on-demand smoke-test app. */
export function smokeTestManifests(app: SmokeTestTarget, runId: string): KubeObject[] {
  const labels = { ...runLabels(runId, "smoke-test"), app: "smoke-test" };
  const meta = (name: string) => ({ name, namespace: app.namespace, labels });
  return [
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: app.namespace, labels: { ...runLabels(runId, "smoke-test"), "pod-security.kubernetes.io/enforce": "restricted" } },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta(app.name),
      spec: {
        replicas: app.replicas,
        selector: { matchLabels: { app: "smoke-test" } },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 101, seccompProfile: { type: "RuntimeDefault" } },
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { app: "smoke-test" } } }],
            containers: [
              {
                name: "nginx",
                image: app.image,
                imagePullPolicy: "Always",
                ports: [{ containerPort: app.port, name: "http" }],
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
                readinessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 5 },
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
              },
            ],
            volumes: [{ name: "tmp", emptyDir: {} }],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(app.name),
      spec: { type: "ClusterIP", selector: { app: "smoke-test" }, ports: [{ name: "http", port: app.servicePort, targetPort: "http" }] },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { ...meta(app.name), annotations: { ...app.ingressAnnotations } },
      spec: {
        ingressClassName: app.ingressClassName,
        rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: app.name, port: { number: app.servicePort } } } }] } }],
      },
    },
  ];
}
