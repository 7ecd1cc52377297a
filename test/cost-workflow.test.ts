/**
 * The Infracost step of the plan workflow: pinned by SHA, prices the full plan only inside the plan job
 * (never uploads it), posts one updated comment, and says clearly when it is skipped.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const plan = readFileSync(join(__dirname, "..", ".github", "workflows", "plan.yml"), "utf8");
const SETUP = "infracost/actions/setup@fb736a8f219195d6efdca58682069b16fe1bc280 # v4.2.0";

/** The text of one top-level job. */
function job(name: string): string {
  const start = plan.indexOf(`\n  ${name}:\n`);
  expect(start, `job ${name}`).toBeGreaterThan(0);
  const next = plan.slice(start + 1).search(/\n {2}[a-z][\w-]*:\n/);
  return next < 0 ? plan.slice(start) : plan.slice(start, start + 1 + next);
}

describe("Infracost in plan.yml", () => {
  it("uses the setup action pinned to the v4.2.0 commit", () => {
    expect(plan.split(SETUP).length - 1).toBe(2);
    expect(plan).not.toMatch(/infracost\/actions\/[a-z]+@(?![0-9a-f]{40})/);
  });

  it("prices each stack's full plan inside its plan job and uploads only the breakdown", () => {
    const p = job("plan");
    expect(p).toContain('terraform show -json tfplan > "$RUNNER_TEMP/tfplan-full.json"');
    expect(p).toContain('infracost breakdown --path "$RUNNER_TEMP/tfplan-full.json" --format json');
    expect(p).toContain('rm -f "$RUNNER_TEMP/tfplan-full.json"');
    expect(p).toMatch(/name: infracost-\$\{\{ matrix\.stack \}\}\n\s+path: \$\{\{ runner\.temp \}\}\/infracost\n/);
  });

  it("comments once per pull request, updated in place, with least privilege", () => {
    const c = job("cost");
    expect(c).toContain("--behavior update");
    expect(c).toMatch(/permissions:\n\s+contents: read\n\s+pull-requests: write\n/);
    expect(c).toContain("needs: [build, plan]");
  });

  it("says in one line when the API key is absent, and gates every Infracost step on it", () => {
    const c = job("cost");
    expect(c).toContain('echo "Infracost skipped: the INFRACOST_API_KEY secret is not set');
    const gated = [...plan.matchAll(/- (?:name: [^\n]+|uses: infracost[^\n]+)\n\s+if: steps\.infracost\.outputs\.enabled == 'true'/g)];
    expect(gated.length).toBeGreaterThanOrEqual(5);
  });
});
