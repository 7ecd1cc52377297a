/**
 * The CI stack matrix: every synthesized stack with what a job needs to plan or deploy it (its
 * environment, region, backend, dependency level, the repository variable holding the role to
 * assume, and the runner it needs), in dependency order, built generically from `manifest.json`.
 *
 * In-cluster (`-k8s`) stacks reach a private EKS API, so they run on the plane's in-VPC CodeBuild
 * runner (`runs-on: codebuild-<runner>-<run_id>-<run_attempt>`, docs/decisions/0007); without one
 * they are left out with the reason.
 */
import type { EnvironmentConfig } from "../src/config/schema";
import { ciRunnerProjectName, k8sStackName, planesOf } from "../src/config/naming";
import {
  backendOf,
  dependencyLevels,
  environmentOf,
  regionOf,
  type SynthOutput,
} from "../src/app/synth-output";

/** One stack of the matrix. */
export interface MatrixEntry {
  /** Stack name. */
  readonly stack: string;
  /** Environment (the stack name up to the first dash). */
  readonly environment: string;
  /** Dependency level (0 = no dependencies); stacks of one level can run together. */
  readonly level: number;
  /** Region of the stack's default provider (for the credentials action); `us-east-1` when none. */
  readonly region: string;
  /** Backend type (`s3`, `local`, ...). */
  readonly backend: string;
  /** The stack's Terraform working directory, relative to the repository root. */
  readonly directory: string;
  /** Name of the repository variable holding the role ARN for this stack's environment. */
  readonly roleVariable: string;
  /** Stacks this one depends on. */
  readonly dependencies: readonly string[];
  /** CodeBuild runner project for in-VPC stacks; empty for GitHub-hosted runners. */
  readonly runner: string;
}

/** The whole matrix. */
export interface StackMatrix {
  /** Selected stacks in dependency order (level by level, by name within a level). */
  readonly include: MatrixEntry[];
  /** Selected stack names per dependency level. */
  readonly levels: string[][];
  /** Stacks left out, with the reason. */
  readonly skipped: { stack: string; reason: string }[];
}

/** Options of {@link buildMatrix}. */
export interface MatrixOptions {
  /** Only these environments (all when empty or omitted). */
  readonly environments?: readonly string[];
  /**
   * Leave out stacks whose state is local (the bootstrap stacks, and every stack of an environment
   * configured with the local backend): a CI runner's disk is thrown away, so applying them there
   * would lose the state.
   */
  readonly remoteStateOnly?: boolean;
  /** Prefix of the role variable; the upper-cased environment is appended (`AWS_PLAN_ROLE_ARN_DEV`). */
  readonly rolePrefix?: string;
  /** Directory of the synthesized output relative to the repository root (default `cdktf.out`). */
  readonly outdirName?: string;
  /**
   * Stacks that must run inside a VPC, with their runner project (`undefined`: the environment has no
   * runners, so the stack is left out). Stacks not listed run on GitHub-hosted runners.
   */
  readonly inVpcStacks?: ReadonlyMap<string, string | undefined>;
  /** Only GitHub-hosted stacks, or only in-VPC ones (both when omitted). */
  readonly runner?: "hosted" | "in-vpc";
}

/** The in-cluster stacks of `envs` with their plane's runner project (undefined when runners are off). */
export function inVpcStacks(envs: readonly EnvironmentConfig[]): Map<string, string | undefined> {
  return new Map(
    envs.flatMap((env) => planesOf(env).map(({ ref }) => [k8sStackName(env.name, ref), env.access.ciRunners.enabled ? ciRunnerProjectName(env.name, ref) : undefined] as const)),
  );
}

/** Builds the matrix from a synthesized output. */
export function buildMatrix(output: SynthOutput, options: MatrixOptions = {}): StackMatrix {
  const rolePrefix = options.rolePrefix ?? "AWS_PLAN_ROLE_ARN";
  const outdirName = (options.outdirName ?? "cdktf.out").replace(/\/+$/, "");
  const graph = new Map([...output.manifest].map(([name, m]) => [name, m.dependencies]));
  const levels = dependencyLevels(graph);
  const levelOf = new Map(levels.flatMap((names, level) => names.map((name) => [name, level] as const)));
  const wanted = new Set(options.environments?.filter(Boolean) ?? []);

  const include: MatrixEntry[] = [];
  const skipped: { stack: string; reason: string }[] = [];
  for (const name of levels.flat()) {
    const doc = output.stacks.get(name)!;
    const environment = environmentOf(name);
    if (wanted.size > 0 && !wanted.has(environment)) continue;
    const backend = backendOf(doc);
    if (options.remoteStateOnly && backend === "local") {
      skipped.push({ stack: name, reason: "local backend: its state would be lost on a CI runner; deploy it from a laptop" });
      continue;
    }
    const inVpc = options.inVpcStacks?.has(name) ?? false;
    const runner = options.inVpcStacks?.get(name) ?? "";
    if ((options.runner === "hosted" && inVpc) || (options.runner === "in-vpc" && !inVpc)) continue;
    if (inVpc && !runner) {
      skipped.push({ stack: name, reason: "private cluster API and no in-VPC runner (access.ciRunners.enabled is false): plan and deploy it from a laptop through npm run tunnel" });
      continue;
    }
    include.push({
      stack: name,
      environment,
      level: levelOf.get(name)!,
      region: regionOf(doc) ?? "us-east-1",
      backend,
      directory: `${outdirName}/${output.manifest.get(name)!.workingDirectory}`,
      roleVariable: `${rolePrefix}_${environment.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`,
      dependencies: output.manifest.get(name)!.dependencies,
      runner,
    });
  }
  const selected = new Set(include.map((e) => e.stack));
  const selectedLevels = levels.map((names) => names.filter((n) => selected.has(n))).filter((names) => names.length > 0);
  return { include, levels: selectedLevels, skipped };
}
