/**
 * The plan workflow's gate (tools/ci-gate.ts): reads `toJSON(needs)` from $NEEDS, prints every
 * problem as a workflow error and exits 1 unless the plan can be trusted.
 *
 *   NEEDS='${{ toJSON(needs) }}' node --import tsx tools/bin/ci-gate.ts
 */
import { gateProblems, type NeededJob } from "../ci-gate";

/** The plan workflow's jobs (.github/workflows/plan.yml). */
const PLAN_WORKFLOW_RULES = { required: ["build", "checkov"], beforeSchedule: ["state"], optional: ["comment", "cost"], schedule: "schedule", plan: "plan" };

const raw = process.env.NEEDS;
if (!raw) {
  process.stderr.write("ci-gate: NEEDS is empty (set it to ${{ toJSON(needs) }})\n");
  process.exit(1);
}
const needs = JSON.parse(raw) as Record<string, NeededJob>;
const problems = gateProblems(needs, PLAN_WORKFLOW_RULES);
for (const p of problems) process.stdout.write(`::error title=plan gate::${p}\n`);
process.stdout.write(problems.length === 0 ? "plan gate: every job ran and succeeded; deferred stacks are listed in the comment\n" : `plan gate: ${problems.length} problem(s)\n`);
process.exit(problems.length === 0 ? 0 : 1);
