/** The scheduled drift run's one issue: failures, drift and missing results are problems; clean runs are not. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DRIFT_ISSUE_MARKER, readDriftArtifacts, renderDriftReport } from "../tools/drift-report";

const META = { runUrl: "https://github.com/acme-cdn/cdn-control-plane-infra/actions/runs/1", sha: "0123456789abcdef0123", date: "2026-12-04" };

function artifacts(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "drift-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), JSON.stringify(content));
  }
  return dir;
}

const pass = (check: string) => ({ check, region: "us-east-1", status: "PASS", detail: "ok", action: "" });

describe("drift report", () => {
  it("a clean run has no problems (the workflow closes the issue)", () => {
    const dir = artifacts({
      "preflight-dev/result.json": { environment: "dev", exitCode: 0 },
      "preflight-dev/preflight.json": { results: [pass("a"), pass("b")] },
      "drift-dev-global/result.json": { stack: "dev-global", exitCode: 0 },
      "cdktf-out-drift/manifest.json": {},
    });
    const { preflight, drift } = readDriftArtifacts(dir);
    const { body, problems } = renderDriftReport({ preflight, drift, expectedEnvironments: ["dev"], expectedStacks: ["dev-global"], skipped: [] }, META);
    expect(problems).toBe(0);
    expect(body.startsWith(DRIFT_ISSUE_MARKER)).toBe(true);
    expect(body).toContain("## Scheduled check: all clear");
    expect(body).toContain("- **dev**: all 2 checks passed");
    expect(body).toContain("| `dev-global` | no drift |");
  });

  it("lists failing preflight rows, drifted resources, failed plans and results that never arrived", () => {
    const dir = artifacts({
      "preflight-dev/result.json": { environment: "dev", exitCode: 1 },
      "preflight-dev/preflight.json": {
        results: [pass("a"), { check: "EKS add-on vpc-cni v1.22.4-eksbuild.3 (Kubernetes 1.35)", region: "us-east-1", status: "FAIL", detail: "not offered for Kubernetes 1.35", action: "pin an offered version" }, { check: "quota | x", region: "us-west-2", status: "DENIED", detail: "denied", action: "allow it" }],
      },
      "preflight-prod/result.json": { environment: "prod", exitCode: 2, note: "no role: set the repository variable AWS_PLAN_ROLE_ARN_PROD (docs/ci.md)" },
      "drift-dev-global/result.json": { stack: "dev-global", exitCode: 2 },
      "drift-dev-global/changes.json": {
        resource_changes: [
          { address: "aws_security_group.sg", change: { actions: ["update"] } },
          { address: "aws_s3_bucket.b", change: { actions: ["no-op"] } },
          { address: "aws_instance.i", change: { actions: ["delete", "create"] } },
        ],
      },
      "drift-dev-global-k8s/result.json": { stack: "dev-global-k8s", exitCode: 1 },
    });
    const { preflight, drift } = readDriftArtifacts(dir);
    const { body, problems } = renderDriftReport(
      { preflight, drift, expectedEnvironments: ["dev", "staging", "prod"], expectedStacks: ["dev-global", "dev-global-k8s", "dev-regional-uswest"], skipped: [{ stack: "dev-bootstrap", reason: "local backend" }] },
      META,
    );
    expect(problems).toBe(6);
    expect(body).toContain("## Scheduled check: 6 problem(s) need attention");
    expect(body).toContain("- **dev**: 2 of 3 checks failed");
    expect(body).toContain("| EKS add-on vpc-cni v1.22.4-eksbuild.3 (Kubernetes 1.35) | us-east-1 | **FAIL**: not offered for Kubernetes 1.35 | pin an offered version |");
    expect(body).toContain("| quota \\| x | us-west-2 | **DENIED**: denied | allow it |");
    expect(body).toContain("- **staging**: no result (the job failed before reporting; see the run)");
    expect(body).toContain("- **prod**: did not run (exit 2): no role: set the repository variable AWS_PLAN_ROLE_ARN_PROD (docs/ci.md)");
    expect(body).toContain("| `dev-global` | :warning: **drift**: 2 resource(s) differ: `aws_security_group.sg` (update); `aws_instance.i` (delete, create) |");
    expect(body).toContain("| `dev-global-k8s` | :x: plan failed (exit 1) |");
    expect(body).toContain("| `dev-regional-uswest` | :x: no result (the job failed before reporting) |");
    expect(body).toContain("- `dev-bootstrap`: local backend");
  });
});
