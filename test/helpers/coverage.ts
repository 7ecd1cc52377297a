/**
 * The stacks each stack-level suite asserts on, by kind, derived from the environments with the same
 * naming functions the app uses. The suites take their stack lists from here, and test/coverage.test.ts
 * checks that together they cover every stack of every environment that is synthesized: a stack of a
 * new kind fails there until suites assert on it.
 */
import type { EnvironmentConfig, PlaneConfig } from "../../src/config/schema";
import { bootstrapStackName, k8sStackName, planeStackName, planesOf, type PlaneRef } from "../../src/config/naming";

/** A plane stack (global or regional) with its environment and plane. */
export interface PlaneStack {
  readonly env: EnvironmentConfig;
  readonly ref: PlaneRef;
  readonly config: PlaneConfig;
  readonly name: string;
}

/** Every plane stack of the environments: network, cluster and database suites. */
export function planeStacks(envs: readonly EnvironmentConfig[]): PlaneStack[] {
  return envs.flatMap((env) => planesOf(env).map(({ ref, config }) => ({ env, ref, config, name: planeStackName(env.name, ref) })));
}

/** Every in-cluster stack, with the plane stack it deploys into: the k8s suite. */
export function inClusterStacks(envs: readonly EnvironmentConfig[]): (PlaneStack & { readonly planeStack: string })[] {
  return envs.flatMap((env) => planesOf(env).map(({ ref, config }) => ({ env, ref, config, name: k8sStackName(env.name, ref), planeStack: planeStackName(env.name, ref) })));
}

/** Every bootstrap (state bucket) stack: the bootstrap assertions of the stacks suite. */
export function bootstrapStacks(envs: readonly EnvironmentConfig[]): { readonly env: EnvironmentConfig; readonly name: string }[] {
  return envs.map((env) => ({ env, name: bootstrapStackName(env.name) }));
}

/** Which suite asserts on which kind of stack (the suites that run over every synthesized stack are listed in coverage.test.ts). */
export const KIND_SUITES = {
  plane: ["network.test.ts", "cluster.test.ts", "database.test.ts"],
  inCluster: ["k8s.test.ts"],
  bootstrap: ["stacks.test.ts"],
} as const;
