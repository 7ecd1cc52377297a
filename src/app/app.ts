/**
 * Builds the one cdktf App for a set of validated environments: per environment a bootstrap stack and
 * one stack per plane, with their dependencies declared so `cdktf deploy '<env>-*'` runs in order.
 */
import { performance } from "node:perf_hooks";
import { App } from "cdktf";
import { BootstrapStack } from "../../stacks/bootstrap-stack";
import { ClusterK8sStack } from "../../stacks/cluster-k8s-stack";
import { PlaneStack } from "../../stacks/plane-stack";
import type { EnvironmentConfig } from "../config/schema";
import { planesOf } from "../config/naming";
import { applyPolicies } from "../policy";

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** Output directory; defaults to the cdktf CLI's (CDKTF_OUTDIR) or `cdktf.out`. */
  readonly outdir?: string;
  /** Called after each environment's stacks are built, with their names and the time it took (progress output). */
  readonly onEnvironment?: (env: EnvironmentConfig, stackNames: readonly string[], ms: number) => void;
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
    const stack = new PlaneStack(app, { env, plane: ref, config, global: global.globalExports });
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

/**
 * Builds the App holding every stack of the given environments, with the policy pack applied: its
 * `synth()` throws a PolicyViolationError listing every violation (src/policy, docs/policy.md).
 */
export function buildApp(environments: readonly EnvironmentConfig[], options: BuildAppOptions = {}): App {
  // skipValidation must stay false: the policy pack runs as an app-level validation.
  const app = new App({ outdir: options.outdir, skipValidation: false });
  for (const env of environments) {
    const started = performance.now();
    const stacks = addEnvironment(app, env);
    const names = [stacks.bootstrap, stacks.global, ...stacks.regional.values(), ...stacks.k8s.values()].map((s) => s.node.id);
    options.onEnvironment?.(env, names, performance.now() - started);
  }
  return applyPolicies(app);
}
