/**
 * Builds the one cdktf App for a set of validated environments: per environment a bootstrap stack and
 * one stack per plane, with their dependencies declared so `cdktf deploy '<env>-*'` runs in order.
 */
import { App } from "cdktf";
import { BootstrapStack } from "../stacks/bootstrap-stack";
import { PlaneStack } from "../stacks/plane-stack";
import type { EnvironmentConfig } from "./config/schema";
import { planesOf } from "./naming";
import { applyPolicies } from "./policy";

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
}

/** Adds one environment's stacks to `app`. */
export function addEnvironment(app: App, env: EnvironmentConfig): EnvironmentStacks {
  const bootstrap = new BootstrapStack(app, env);
  const [globalPlane, ...regionalPlanes] = planesOf(env);
  const global = new PlaneStack(app, { env, plane: globalPlane.ref, config: globalPlane.config });
  const regional = new Map<string, PlaneStack>();
  for (const { ref, config } of regionalPlanes) {
    if (ref.kind !== "regional") continue;
    const stack = new PlaneStack(app, { env, plane: ref, config });
    stack.addDependency(global);
    regional.set(ref.key, stack);
  }
  return { bootstrap, global, regional };
}

/**
 * Builds the App holding every stack of the given environments, with the policy pack applied: its
 * `synth()` throws a PolicyViolationError listing every violation (src/policy, docs/policy.md).
 */
export function buildApp(environments: readonly EnvironmentConfig[], options: BuildAppOptions = {}): App {
  // skipValidation must stay false: the policy pack runs as an app-level validation.
  const app = new App({ outdir: options.outdir, skipValidation: false });
  for (const env of environments) addEnvironment(app, env);
  return applyPolicies(app);
}
