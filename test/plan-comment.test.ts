/**
 * The pull-request plan comment, on fixture plans produced by real Terraform 1.11.4 + AWS provider
 * 5.100.0 offline (`terraform show -json` of a plan against a hand-made state: one update, one delete,
 * one create, one replacement; a no-change plan; a failed plan's log).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commentSize, countPlan, MAX_COMMENT_CHARS, missingPlans, PLAN_COMMENT_MARKER, readPlans, renderComment, toDiffHighlight, type PlanJson, type StackPlan } from "../tools/plan-comment";

const FIXTURES = join(__dirname, "fixtures", "plans");

describe("countPlan", () => {
  it("counts like Terraform's summary line (replacements in add and destroy)", () => {
    const plan = JSON.parse(readFileSync(join(FIXTURES, "plan-prod-global", "plan.json"), "utf8")) as PlanJson;
    const counts = countPlan(plan);
    // The fixture's own text says: "Plan: 2 to add, 1 to change, 2 to destroy."
    expect(readFileSync(join(FIXTURES, "plan-prod-global", "plan.txt"), "utf8")).toContain("Plan: 2 to add, 1 to change, 2 to destroy.");
    expect(counts).toMatchObject({ add: 2, change: 1, destroy: 2, replace: 1, import: 0 });
    expect(counts.destroyed).toEqual(["aws_iam_role.old", "aws_vpc.main"]);
    expect(counts.replaced).toEqual(["aws_vpc.main"]);
  });

  it("ignores data sources and no-ops, and counts imports, forgets and moves", () => {
    const counts = countPlan({
      resource_changes: [
        { address: "data.aws_region.current", mode: "data", change: { actions: ["read"] } },
        { address: "aws_vpc.a", mode: "managed", change: { actions: ["no-op"] } },
        { address: "aws_vpc.b", mode: "managed", change: { actions: ["create", "delete"] } },
        { address: "aws_s3_bucket.c", mode: "managed", change: { actions: ["no-op"], importing: { id: "c" } } },
        { address: "aws_iam_role.d", mode: "managed", change: { actions: ["forget"] } },
        { address: "aws_iam_role.e", mode: "managed", previous_address: "aws_iam_role.old_e", change: { actions: ["no-op"] } },
      ],
    });
    expect(counts).toMatchObject({ add: 1, change: 0, destroy: 1, replace: 1, import: 1, forget: 1, move: 1 });
  });
});

describe("renderComment", () => {
  const plans = readPlans(FIXTURES);

  it("reads every stack directory, its status and counts", () => {
    expect(plans.map((p) => [p.stack, p.status])).toEqual([
      ["dev-global", "planned"],
      ["dev-regional-uswest", "failed"],
      ["prod-global", "planned"],
    ]);
    expect(plans[0].counts).toMatchObject({ add: 0, change: 0, destroy: 0 });
  });

  it("starts with the marker and has one summary row per stack plus a total", () => {
    const body = renderComment(plans, { sha: "0123456789abcdef", runUrl: "https://example.invalid/run/1" });
    expect(body.startsWith(`${PLAN_COMMENT_MARKER}\n`)).toBe(true);
    expect(body).toContain("| stack | to add | to change | to destroy | |");
    expect(body).toContain("| `prod-global` | 2 | 1 | **2** :warning: | 1 replaced |");
    expect(body).toMatch(/\| `dev-global` \| 0 \| 0 \| 0 \| no changes; local backend/);
    expect(body).toMatch(/\| `dev-regional-uswest` \| - \| - \| - \| :x: plan failed/);
    expect(body).toContain("| **total** | **2** | **1** | **2** | |");
    expect(body).toContain("Planned at 0123456789ab");
  });

  it("flags destroys loudly, naming every destroyed and replaced address", () => {
    const body = renderComment(plans);
    const banner = body.slice(0, body.indexOf("| stack |"));
    expect(banner).toContain("[!CAUTION]");
    expect(banner).toContain("2 resource(s) will be DESTROYED (1 of them replaced");
    expect(banner).toContain("`prod-global`: `aws_iam_role.old`");
    expect(banner).toContain("`prod-global`: `aws_vpc.main` (replace)");
    expect(banner).toContain("Plan failed for `dev-regional-uswest`");
  });

  it("points a destroying plan at the upgrade notes, at the planned commit", () => {
    const banner = (body: string) => body.slice(0, body.indexOf("| stack |"));
    expect(banner(renderComment(plans))).toContain("upgrade note in `docs/upgrades/README.md`");
    const linked = renderComment(plans, { sha: "0123456789abcdef", runUrl: "https://github.com/acme/cdn-infra/actions/runs/42" });
    expect(banner(linked)).toContain("[docs/upgrades/README.md](https://github.com/acme/cdn-infra/blob/0123456789abcdef/docs/upgrades/README.md)");
    expect(existsSync(join(__dirname, "..", "docs", "upgrades", "README.md"))).toBe(true);
  });

  it("has no destroy banner when nothing is destroyed", () => {
    const body = renderComment(plans.filter((p) => p.stack === "dev-global"));
    expect(body).not.toContain("docs/upgrades");
    expect(body).not.toContain("DESTROYED");
    expect(body).not.toContain("<details>");
  });

  it("folds each changed or failed plan in <details>, with diff highlighting", () => {
    const body = renderComment(plans);
    expect(body.match(/<details>/g)).toHaveLength(2);
    expect(body).toContain("<summary>:rotating_light: <code>prod-global</code>: 2 to add, 1 to change, 2 to destroy, 1 replaced</summary>");
    expect(body).toContain("<summary>:x: <code>dev-regional-uswest</code>: plan FAILED</summary>");
    expect(body).toContain("expected cidr_block to contain a valid Value");
    expect(body).toContain('!      ~ cidr_block                           = "10.0.0.0/16" -> "10.1.0.0/16" # forces replacement');
    expect(body).toContain("!-/+ resource \"aws_vpc\" \"main\" {");
  });

  it("is deterministic", () => {
    expect(renderComment(readPlans(FIXTURES), { sha: "abc" })).toBe(renderComment(plans, { sha: "abc" }));
  });

  it("stays under GitHub's comment size by truncating the folded plans", () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-comment-"));
    try {
      for (let i = 0; i < 8; i++) {
        cpSync(join(FIXTURES, "plan-prod-global"), join(dir, `plan-s${i}`), { recursive: true });
        writeFileSync(join(dir, `plan-s${i}`, "result.json"), JSON.stringify({ stack: `s${i}`, exitCode: 2 }));
        writeFileSync(join(dir, `plan-s${i}`, "plan.txt"), "  + resource line\n".repeat(3000));
      }
      const body = renderComment(readPlans(dir));
      expect(commentSize(body)).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
      expect(body).toContain("truncated");
      expect(body.match(/<details>/g)).toHaveLength(8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("toDiffHighlight", () => {
  it("moves action markers to the first column", () => {
    expect(toDiffHighlight("  + resource\n      ~ a = 1 -> 2\n  - x\n-/+ y\nplain")).toBe("+  + resource\n!      ~ a = 1 -> 2\n-  - x\n!-/+ y\n plain");
  });
});

describe("renderComment extras", () => {
  it("lists skipped stacks and folds the offline diff", () => {
    const body = renderComment([], { skipped: [{ stack: "dev-global", reason: "local backend" }], infraDiff: "prod-global: 1 changed" });
    expect(body).toContain("No stack was planned.");
    expect(body).toContain("- `dev-global` not planned: local backend");
    expect(body).toContain("<summary>Offline infrastructure diff (synthesized configuration vs. the base branch)</summary>");
    expect(body).toContain("prod-global: 1 changed");
  });
});

describe("missingPlans", () => {
  it("reports expected stacks without a plan as failed", () => {
    const plans = readPlans(FIXTURES);
    const missing = missingPlans(plans, ["prod-global", "prod-regional-uswest", "dev-global"]);
    expect(missing.map((p) => [p.stack, p.status])).toEqual([["prod-regional-uswest", "failed"]]);
    expect(renderComment([...plans, ...missing])).toContain("Plan failed for `dev-regional-uswest`, `prod-regional-uswest`");
  });
});

describe("GitHub's 65,536-character limit", () => {
  /** A plan replacing `n` resources (the ~700-resource case that rendered ~67k characters before). */
  function replacingPlan(stack: string, n: number): StackPlan {
    const addresses = Array.from({ length: n }, (_, i) => `module.network.aws_vpc_security_group_ingress_rule.cluster_allows_peered_planes_on_443_${String(i).padStart(4, "0")}`).sort();
    const text = addresses.map((a) => `  # ${a} must be replaced\n-/+ resource "x" "y" {\n      ~ id = "sgr-0123456789abcdef0" -> (known after apply) # forces replacement\n    }`).join("\n");
    return {
      stack,
      status: "planned",
      counts: { add: n, change: 0, destroy: n, replace: n, import: 0, forget: 0, move: 0, outputs: 0 },
      destroyed: addresses,
      replaced: addresses,
      text,
    };
  }

  it("keeps a 700-resource replacement under the limit, every section pointing at the artifacts", () => {
    const runUrl = "https://github.com/acme/cdn-infra/actions/runs/42";
    const body = renderComment([replacingPlan("prod-global", 700)], { runUrl, sha: "0123456789abcdef", infraDiff: "x ".repeat(40_000) });
    expect(MAX_COMMENT_CHARS).toBe(65_536);
    expect(commentSize(body)).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(commentSize(body)).toBeGreaterThan(MAX_COMMENT_CHARS * 0.5); // the space is used, not thrown away
    expect(body).toContain("700 resource(s) will be DESTROYED (700 of them replaced");
    expect(body).toMatch(/> - \.\.\. and \d+ more: see each stack's plan below and \[workflow run and plan artifacts\]\(https:\/\/github\.com\/acme\/cdn-infra\/actions\/runs\/42\)/);
    expect(body).toContain(`full plan: artifact \`plan-prod-global\` of [the workflow run](${runUrl})`);
    expect(body).toContain("artifact `infra-diff` of the workflow run");
    expect(body.endsWith("</sub>\n")).toBe(true);
  });

  it("cuts at a line, counting multi-byte characters, when even the summary is too long", () => {
    const many = Array.from({ length: 400 }, (_, i) => ({
      ...replacingPlan(`prod-regional-r${String(i).padStart(3, "0")}`, 3),
      text: "╷\n│ Error: ─── box drawing is 3 bytes per character ───\n╵\n".repeat(50),
      status: "failed" as const,
    }));
    const body = renderComment(many, { maxChars: 20_000, runUrl: "https://example.invalid/run/7" });
    expect(commentSize(body)).toBeLessThanOrEqual(20_000);
    expect(body).toMatch(/cut to fit GitHub's comment limit; everything is in \[workflow run and plan artifacts\]\(https:\/\/example\.invalid\/run\/7\)\)\n$/);
    expect(body.startsWith(PLAN_COMMENT_MARKER)).toBe(true);
  });
});

describe("deferred and removed stacks", () => {
  it("shows deferred stacks with what they wait for and what is known offline, never as failed", () => {
    const body = renderComment([], {
      deferred: [{ stack: "prod-regional-uswest", waitsFor: ["prod-global"], reason: "prod-global is not applied yet (no state object)", offline: "151 resource(s) in the synthesized configuration; the offline diff below shows them" }],
      skipped: [{ stack: "prod-global-k8s", reason: "no runner in the VPC yet" }],
    });
    expect(body).toContain("- `prod-regional-uswest` deferred: waits for `prod-global` (prod-global is not applied yet (no state object)); offline: 151 resource(s)");
    expect(body).toContain("- `prod-global-k8s` not planned: no runner in the VPC yet");
    expect(body).not.toMatch(/fail/i);
  });

  it("flags removed stacks as to destroy (manual step) and says the plan fails until acknowledged", () => {
    const body = renderComment([], {
      removed: [
        { stack: "prod-regional-useast", key: "cdn-control-plane/prod-regional-useast.tfstate", resources: 96, acknowledged: false },
        { stack: "prod-regional-euwest", key: "cdn-control-plane/prod-regional-euwest.tfstate", resources: 90, acknowledged: true },
      ],
    });
    expect(body).toContain("2 stack(s) are in state but no longer synthesized: to destroy (manual step)");
    expect(body).toContain("`prod-regional-useast` (`cdn-control-plane/prod-regional-useast.tfstate`, 96 resource(s)): **not acknowledged: the plan fails** until it is listed in `.github/removed-stacks.json`");
    expect(body).toContain("`prod-regional-euwest` (`cdn-control-plane/prod-regional-euwest.tfstate`, 90 resource(s)): acknowledged");
    expect(body).toContain("**This plan fails** until the removal of `prod-regional-useast` is acknowledged");
  });
});
