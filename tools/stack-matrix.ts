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
    include.push({
      stack: name,
      environment,
      level: levelOf.get(name)!,
      region: regionOf(doc) ?? "us-east-1",
      backend,
      directory: `${outdirName}/${output.manifest.get(name)!.workingDirectory}`,
      roleVariable: `${rolePrefix}_${environment.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`,
      dependencies: output.manifest.get(name)!.dependencies,
    });
  }
  const selected = new Set(include.map((e) => e.stack));
  const selectedLevels = levels.map((names) => names.filter((n) => selected.has(n))).filter((names) => names.length > 0);
  return { include, levels: selectedLevels, skipped };
}
