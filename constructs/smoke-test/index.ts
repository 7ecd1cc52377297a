/**
 * An nginx smoke-test app reachable from the internet over HTTPS through the plane's AWS load balancer:
 * Deployment (unprivileged nginx, non-root, read-only root filesystem), ClusterIP Service and an
 * `alb` Ingress on 443 with the plane's certificate and public load balancer security group. One flag
 * (`smokeTestApp` in the environment file) turns it on; its URL is a stack output.
 */
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { IngressV1 } from "@cdktf/provider-kubernetes/lib/ingress-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { type ITerraformDependable, TerraformOutput } from "cdktf";
import { Construct } from "constructs";

/** Defaults of {@link SmokeTestAppProps}. */
export const SMOKE_TEST_DEFAULTS = {
  port: 8080,
  // renovate: datasource=docker
  image: "nginxinc/nginx-unprivileged:1.27-alpine",
} as const;

/** Props of {@link SmokeTestApp}. */
export interface SmokeTestAppProps {
  /** Namespace to create for the app. */
  readonly namespace: string;
  /** ACM certificate ARN for the HTTPS listener. */
  readonly certificateArn: string;
  /** Name tag of the public load balancer security group (443 from the internet only). */
  readonly loadBalancerSecurityGroup: string;
  /** Port the container listens on (the plane's ingress target port). @default 8080 */
  readonly port?: number;
  /** Container image, pinned; must listen on `port`. @default "nginxinc/nginx-unprivileged:1.27-alpine" (listens on 8080) */
  readonly image?: string;
  /** Resources to wait for (the load balancer controller). */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** nginx behind an internet-facing ALB on 443. */
export class SmokeTestApp extends Construct {
  /** The Ingress (its status carries the load balancer hostname). */
  readonly ingress: IngressV1;

  constructor(scope: Construct, id: string, props: SmokeTestAppProps) {
    super(scope, id);
    const labels = { app: "smoke-test", "app.kubernetes.io/managed-by": "terraform" };
    const namespace = new NamespaceV1(this, "namespace", {
      metadata: { name: props.namespace, labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
    });
    new DeploymentV1(this, "deployment", {
      metadata: { name: "nginx", namespace: namespace.metadata.name, labels },
      spec: {
        replicas: "2",
        selector: { matchLabels: { app: "smoke-test" } },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: "101", seccompProfile: { type: "RuntimeDefault" } },
            topologySpreadConstraint: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: [{ matchLabels: { app: "smoke-test" } }] }],
            container: [
              {
                name: "nginx",
                image: props.image ?? SMOKE_TEST_DEFAULTS.image,
                imagePullPolicy: "Always",
                port: [{ containerPort: props.port ?? SMOKE_TEST_DEFAULTS.port, name: "http" }],
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
                readinessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 5 },
                livenessProbe: { httpGet: { path: "/", port: "http" }, initialDelaySeconds: 5, periodSeconds: 10 },
                volumeMount: [{ name: "tmp", mountPath: "/tmp" }],
              },
            ],
            volume: [{ name: "tmp", emptyDir: {} }],
          },
        },
      },
    });
    const service = new ServiceV1(this, "service", {
      metadata: { name: "nginx", namespace: namespace.metadata.name, labels },
      spec: { type: "ClusterIP", selector: { app: "smoke-test" }, port: [{ name: "http", port: 80, targetPort: "http" }] },
    });
    this.ingress = new IngressV1(this, "ingress", {
      metadata: {
        name: "nginx",
        namespace: namespace.metadata.name,
        annotations: {
          "alb.ingress.kubernetes.io/scheme": "internet-facing",
          "alb.ingress.kubernetes.io/target-type": "ip",
          "alb.ingress.kubernetes.io/listen-ports": '[{"HTTPS":443}]',
          "alb.ingress.kubernetes.io/certificate-arn": props.certificateArn,
          "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
          "alb.ingress.kubernetes.io/security-groups": props.loadBalancerSecurityGroup,
          // The plane stack already admits the load balancer group into the cluster security group.
          "alb.ingress.kubernetes.io/manage-backend-security-group-rules": "false",
          "alb.ingress.kubernetes.io/healthcheck-path": "/",
        },
      },
      spec: {
        ingressClassName: "alb",
        rule: [{ http: { path: [{ path: "/", pathType: "Prefix", backend: { service: { name: service.metadata.name, port: { number: 80 } } } }] } }],
      },
      waitForLoadBalancer: true,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
    new TerraformOutput(this, "url", {
      value: `https://${this.ingress.status.get(0).loadBalancer.get(0).ingress.get(0).hostname}/`,
      description: "URL of the smoke-test app (through the public load balancer)",
    });
  }
}
