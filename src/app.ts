/**
 * Builds the one cdktf App for a set of validated environments: per environment a bootstrap stack and
 * one stack per plane, with their dependencies declared so `cdktf deploy '<env>-*'` runs in order.
 */
import { App } from "cdktf";
import { BootstrapStack } from "../stacks/bootstrap-stack";
import { ClusterK8sStack } from "../stacks/cluster-k8s-stack";
import { PlaneStack } from "../stacks/plane-stack";
import type { EnvironmentConfig } from "./config/schema";
import { planesOf } from "./naming";

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** Output directory; defaults to the cdktf CLI's (CDKTF_OUTDIR) or `cdktf.out`. */
  readonly outdir?: string;
}

/** Every stack the app holds for one environment. */
export interface EnvironmentStacks {
  /** The state bucket stack. */
  readonly bootstrap: BootstrapStack;
  /** The global plane's stack. */
  readonly global: PlaneStack;
  /** Regional plane stacks, by key. */
  readonly regional: ReadonlyMap<string, PlaneStack>;
  /** In-cluster stacks, by plane stack name. */
  readonly k8s: ReadonlyMap<string, ClusterK8sStack>;
}

/** Adds one environment's stacks to `app`. */
export function addEnvironment(app: App, env: EnvironmentConfig): EnvironmentStacks {
  const bootstrap = new BootstrapStack(app, env);
  const [globalPlane, ...regionalPlanes] = planesOf(env);
  const global = new PlaneStack(app, { env, plane: globalPlane.ref, config: globalPlane.config });
  const regional = new Map<string, PlaneStack>();
  for (const { ref, config } of regionalPlanes) {
    if (ref.kind !== "regional") continue;
    const stack = new PlaneStack(app, { env, plane: ref, config, global });
    stack.addDependency(global);
    regional.set(ref.key, stack);
  }
  const k8s = new Map<string, ClusterK8sStack>();
  for (const { ref, config } of planesOf(env)) {
    const planeStack = ref.kind === "global" ? global : regional.get(ref.key)!;
    k8s.set(planeStack.node.id, new ClusterK8sStack(app, { env, plane: ref, config, planeStack }));
  }
  return { bootstrap, global, regional, k8s };
}

/** Builds the App holding every stack of the given environments. */
export function buildApp(environments: readonly EnvironmentConfig[], options: BuildAppOptions = {}): App {
  const app = new App({ outdir: options.outdir, skipValidation: false });
  for (const env of environments) addEnvironment(app, env);
  return app;
}
