/**
 * The namespace and service account the control-plane services run under, plus the non-secret
 * configuration they read: a ConfigMap with the plane's database endpoints and the names of the
 * secrets to fetch. The service account's AWS access is the plane's Pod Identity role (bound by
 * namespace and service account name in the plane stack), so no credentials live here.
 */
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { Construct } from "constructs";

/** Props of {@link WorkloadNamespace}. */
export interface WorkloadNamespaceProps {
  /** Namespace name. */
  readonly namespace: string;
  /** Service account name. */
  readonly serviceAccount: string;
  /** Non-secret settings for the services (ConfigMap `platform-config`). */
  readonly config: Readonly<Record<string, string>>;
}

/** Workload namespace, service account and configuration. */
export class WorkloadNamespace extends Construct {
  /** The namespace. */
  readonly namespace: NamespaceV1;
  /** The service account. */
  readonly serviceAccount: ServiceAccountV1;
  /** The ConfigMap. */
  readonly configMap: ConfigMapV1;

  constructor(scope: Construct, id: string, props: WorkloadNamespaceProps) {
    super(scope, id);
    this.namespace = new NamespaceV1(this, "namespace", {
      metadata: { name: props.namespace, labels: { "pod-security.kubernetes.io/enforce": "restricted", "app.kubernetes.io/managed-by": "terraform" } },
    });
    this.serviceAccount = new ServiceAccountV1(this, "service-account", {
      metadata: { name: props.serviceAccount, namespace: this.namespace.metadata.name },
      automountServiceAccountToken: false,
    });
    this.configMap = new ConfigMapV1(this, "config", {
      metadata: { name: "platform-config", namespace: this.namespace.metadata.name },
      data: { ...props.config },
    });
  }
}
