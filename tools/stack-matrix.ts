/**
 * The CI stack matrix: every synthesized stack with what a job needs to plan or deploy it (its
 * environment, region, backend, dependency level and the repository variable holding the role to
 * assume), in dependency order, built generically from `manifest.json`.
 */
import {
  backendOf,
  dependencyLevels,
  environmentOf,
  regionOf,
  type SynthOutput,
  type TfDocument,
} from "../src/app/synth-output";
import { bootstrapStackName, ciRunnerLabel, ciRunnerProjectName, planeRefOf } from "../src/config/naming";

/** The GitHub-hosted runner of every job that reaches only AWS APIs. */
export const HOSTED_RUNNER = "ubuntu-24.04";

/** Why an in-cluster stack is not planned before its plane has runners in its VPC. */
export const NO_RUNNER_REASON = "no runner in the VPC yet";

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
  /**
   * The `runs-on` label of its jobs (with {@link MatrixOptions.runners}): {@link HOSTED_RUNNER}, or,
   * for a stack that talks to a private cluster API, the CodeBuild runner label of its plane's VPC.
   */
  readonly runner?: string;
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

/** Why deploys leave the bootstrap stacks out. */
export const BOOTSTRAP_REASON = "bootstrap stack: applied from a laptop with administrator credentials (the deploy role may not change the CI roles, the state bucket or its key)";

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
  /**
   * Leave out the `<env>-bootstrap` stacks even when their state is in S3 (deploys): they hold the CI
   * roles, the state bucket and its key, which the deploy role may not change, so they are applied from
   * a laptop with administrator credentials. Plans still include them (read-only).
   */
  readonly withoutBootstrap?: boolean;
  /** Prefix of the role variable; the upper-cased environment is appended (`AWS_PLAN_ROLE_ARN_DEV`). */
  readonly rolePrefix?: string;
  /** Directory of the synthesized output relative to the repository root (default `cdktf.out`). */
  readonly outdirName?: string;
  /**
   * Assign runners: stacks with a `kubernetes` or `helm` provider run on the CodeBuild-hosted runner
   * of their plane's VPC (the `aws_codebuild_project` named {@link runnerProjectFor} that a stack of
   * the same environment declares), everything else on {@link HOSTED_RUNNER}. An in-cluster stack
   * whose plane declares no runner yet is skipped with {@link NO_RUNNER_REASON}.
   */
  readonly runners?: { readonly runId: string; readonly runAttempt: string };
}

/** Whether a stack's providers reach a Kubernetes API (private: only a runner inside the VPC can). */
export function needsClusterAccess(doc: TfDocument): boolean {
  return Object.keys(doc.provider ?? {}).some((p) => p === "kubernetes" || p === "helm");
}

/** The runner project of the plane an in-cluster stack `<env>-<planeId>-k8s` belongs to. */
export function runnerProjectFor(stack: string): string {
  const env = environmentOf(stack);
  return ciRunnerProjectName(env, planeRefOf(stack.slice(env.length + 1).replace(/-k8s$/, "")));
}

/** Whether any of `stacks` declares an `aws_codebuild_project` with that name. */
export function declaresRunnerProject(output: SynthOutput, stacks: readonly string[], project: string): boolean {
  return stacks.some((name) => Object.values(output.stacks.get(name)?.resource?.aws_codebuild_project ?? {}).some((p) => p.name === project));
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
    if (options.withoutBootstrap && name === bootstrapStackName(environment)) {
      skipped.push({ stack: name, reason: BOOTSTRAP_REASON });
      continue;
    }
    const dependencies = output.manifest.get(name)!.dependencies;
    let runner: string | undefined;
    if (options.runners) {
      runner = HOSTED_RUNNER;
      if (needsClusterAccess(doc)) {
        const project = runnerProjectFor(name);
        const sameEnvironment = [...output.stacks.keys()].filter((s) => environmentOf(s) === environment && s !== name);
        if (!declaresRunnerProject(output, sameEnvironment, project)) {
          skipped.push({ stack: name, reason: `${NO_RUNNER_REASON} (no stack of ${environment} declares the CodeBuild runner project ${project}; the cluster API is private)` });
          continue;
        }
        runner = ciRunnerLabel(project, options.runners.runId, options.runners.runAttempt);
      }
    }
    include.push({
      stack: name,
      environment,
      level: levelOf.get(name)!,
      region: regionOf(doc) ?? "us-east-1",
      backend,
      directory: `${outdirName}/${output.manifest.get(name)!.workingDirectory}`,
      roleVariable: `${rolePrefix}_${environment.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`,
      dependencies,
      ...(runner ? { runner } : {}),
    });
  }
  const selected = new Set(include.map((e) => e.stack));
  const selectedLevels = levels.map((names) => names.filter((n) => selected.has(n))).filter((names) => names.length > 0);
  return { include, levels: selectedLevels, skipped };
}

/** Where one environment's remote states live (for the state listing job). */
export interface StateLocation {
  /** Environment name. */
  readonly environment: string;
  /** State bucket. */
  readonly bucket: string;
  /** Key prefix (`<prefix>/<stack>.tfstate`). */
  readonly prefix: string;
  /** Region of the bucket. */
  readonly region: string;
  /** Repository variable holding the role that may read it. */
  readonly roleVariable: string;
}

/** The S3 state location of every environment with a selected remote-state stack, read from the backends. */
export function stateLocations(output: SynthOutput, matrix: StackMatrix): StateLocation[] {
  const byEnv = new Map<string, StateLocation>();
  for (const entry of matrix.include) {
    if (entry.backend !== "s3" || byEnv.has(entry.environment)) continue;
    const s3 = output.stacks.get(entry.stack)!.terraform!.backend!.s3 as { bucket: string; key: string; region: string };
    const suffix = `/${entry.stack}.tfstate`;
    if (!s3.key.endsWith(suffix)) throw new Error(`${entry.stack}: state key ${s3.key} does not end with ${suffix}`);
    byEnv.set(entry.environment, { environment: entry.environment, bucket: s3.bucket, prefix: s3.key.slice(0, -suffix.length), region: s3.region, roleVariable: entry.roleVariable });
  }
  return [...byEnv.values()];
}
