/**
 * Wires the pack into an App: an aspect on every stack records suppressions into the JSON (cdktf only
 * invokes aspects of a stack and its children, never the App's), and an app-level
 * validation evaluates every stack's synthesized file (exactly what Terraform will read) after all
 * stacks are written and before the manifest is: with violations, `app.synth()` throws one
 * {@link PolicyViolationError} listing them all, and no manifest is written.
 */
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { Aspects, TerraformStack, type App } from "cdktf";
import { evaluatePolicies } from "./engine";
import { PolicyViolationError } from "./report";
import { SuppressionRecorder } from "./suppress";
import type { PolicyResult, StackDocument, TfJson } from "./types";

const applied = new WeakSet<App>();
const recorded = new WeakSet<TerraformStack>();
const results = new WeakMap<App, PolicyResult>();

/** Every stack of the app, in construct order. */
function stacksOf(app: App): TerraformStack[] {
  return app.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c));
}

/**
 * The synthesized documents of the app's stacks: the written `cdk.tf.json` when present (what
 * Terraform reads), else the stack's in-memory rendering.
 */
export function synthesizedStacks(app: App): StackDocument[] {
  return stacksOf(app).map((stack) => {
    const file = join(app.outdir, app.manifest.forStack(stack).synthesizedStackPath);
    const json: TfJson = file.endsWith(".json") && existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : (stack.toTerraform() as TfJson);
    return { name: stack.node.id, json, dependencies: stack.dependencies.map((d) => d.node.id) };
  });
}

/**
 * Applies the policy pack to `app` and its stacks; call it after creating the stacks (idempotent: call
 * it again after adding more). Every later `app.synth()` runs the pack.
 */
export function applyPolicies(app: App): App {
  for (const stack of stacksOf(app)) {
    if (recorded.has(stack)) continue;
    recorded.add(stack);
    Aspects.of(stack).add(new SuppressionRecorder());
  }
  if (applied.has(app)) return app;
  applied.add(app);
  app.node.addValidation({
    validate: () => {
      const late = stacksOf(app).filter((s) => !recorded.has(s));
      if (late.length) {
        throw new Error(`policy pack: stack(s) ${late.map((s) => s.node.id).join(", ")} were created after applyPolicies(app); call applyPolicies after creating every stack`);
      }
      const result = evaluatePolicies(synthesizedStacks(app));
      results.set(app, result);
      if (result.violations.length > 0) throw new PolicyViolationError(result);
      return [];
    },
  });
  return app;
}

/** The result of the last synth of `app` (undefined before the first synth or without the pack). */
export function policyResult(app: App): PolicyResult | undefined {
  return results.get(app);
}

/**
 * Applies the pack if needed, synthesizes `app` and returns the result instead of throwing on
 * violations (for tests and tools). Other synth errors propagate.
 */
export function checkApp(app: App): PolicyResult {
  applyPolicies(app);
  try {
    app.synth();
  } catch (error) {
    if (!(error instanceof PolicyViolationError)) throw error;
  }
  let result = results.get(app);
  if (!result) {
    // skipValidation apps never run validations: evaluate what was written.
    result = evaluatePolicies(synthesizedStacks(app));
    results.set(app, result);
  }
  return result;
}
