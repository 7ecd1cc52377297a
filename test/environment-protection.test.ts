/**
 * The deploy workflow's environment-protection check, against recorded GitHub REST responses (real
 * shapes: environment, deployment branch policies, 404, 403 denial, rate limit) and a timeout. A
 * failure must never read as a pass.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkEnvironmentProtection, checkHeadOfBranch, evaluateProtection, type EnvironmentResponse } from "../tools/environment-protection";

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", "github", name), "utf8");
const PROD = { repository: "acme/cdn-control-plane-infra", environment: "prod", requireReviewers: true };

/** A fetch that answers from a table of URL suffix -> [status, body], and records what was asked. */
function recorded(table: Record<string, [number, string]>) {
  const asked: string[] = [];
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    asked.push(String(url));
    expect((init?.headers as Record<string, string>).authorization).toBe("Bearer t0ken");
    const hit = Object.entries(table).find(([suffix]) => String(url).endsWith(suffix));
    if (!hit) throw new Error(`unexpected request ${String(url)}`);
    return new Response(hit[1][1], { status: hit[1][0], headers: { "content-type": "application/json" } });
  }) as typeof fetch;
  return { fetchImpl, asked };
}

describe("checkEnvironmentProtection", () => {
  it("passes a prod environment limited to main with required reviewers", async () => {
    const { fetchImpl, asked } = recorded({
      "/environments/prod": [200, fixture("environment-prod.json")],
      "/environments/prod/deployment-branch-policies?per_page=100": [200, fixture("branch-policies-main.json")],
    });
    const result = await checkEnvironmentProtection(PROD, { token: "t0ken", fetch: fetchImpl });
    expect(result).toEqual({ problems: [], warnings: [] });
    expect(asked).toEqual([
      "https://api.github.com/repos/acme/cdn-control-plane-infra/environments/prod",
      "https://api.github.com/repos/acme/cdn-control-plane-infra/environments/prod/deployment-branch-policies?per_page=100",
    ]);
  });

  it("fails an environment any branch may deploy to, and one without reviewers where they are required", async () => {
    const { fetchImpl } = recorded({ "/environments/dev": [200, fixture("environment-dev-unprotected.json")] });
    const dev = await checkEnvironmentProtection({ ...PROD, environment: "dev", requireReviewers: false }, { token: "t0ken", fetch: fetchImpl });
    expect(dev.problems).toEqual(['environment dev: any branch may deploy to it; set "Deployment branches and tags" to selected branches: main']);
    const strict = await checkEnvironmentProtection({ ...PROD, environment: "dev" }, { token: "t0ken", fetch: fetchImpl });
    expect(strict.problems[1]).toMatch(/no required reviewers; add them \(a private repository needs GitHub Team or Enterprise/);
    expect(strict.warnings).toEqual(["environment dev: administrators can bypass the protection rules"]);
  });

  it("fails branch policies other than exactly main", () => {
    const env = JSON.parse(fixture("environment-prod.json")) as EnvironmentResponse;
    const two = evaluateProtection(PROD, env, { total_count: 2, branch_policies: [{ name: "main", type: "branch" }, { name: "release/*", type: "branch" }] });
    expect(two.problems).toEqual(['environment prod: deployment branch policies are ["branch:main","branch:release/*"]; they must be exactly the branch main']);
    const tag = evaluateProtection(PROD, env, { total_count: 1, branch_policies: [{ name: "main", type: "tag" }] });
    expect(tag.problems).toHaveLength(1);
    const protectedBranches = evaluateProtection(PROD, { ...env, deployment_branch_policy: { protected_branches: true, custom_branch_policies: false } }, undefined);
    expect(protectedBranches.problems[0]).toMatch(/every protected branch may deploy/);
  });

  it("turns a missing environment, a denial and a rate limit into problems with the fix", async () => {
    const cases: [number, string, RegExp][] = [
      [404, "not-found.json", /HTTP 404 \(Not Found\): environment prod does not exist \(a job naming it would create it unprotected\)/],
      [403, "forbidden.json", /HTTP 403 \(Resource not accessible by integration\): the token cannot read environments: give the job `permissions: actions: read`/],
      [403, "rate-limited.json", /HTTP 403 \(API rate limit exceeded for installation ID 51234567\.\): rate limited by the GitHub API: re-run the job later/],
    ];
    for (const [status, file, message] of cases) {
      const { fetchImpl } = recorded({ "/environments/prod": [status, fixture(file)] });
      const result = await checkEnvironmentProtection(PROD, { token: "t0ken", fetch: fetchImpl });
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toMatch(message);
    }
    const { fetchImpl } = recorded({ "/environments/prod": [200, fixture("environment-prod.json")], "/deployment-branch-policies?per_page=100": [403, fixture("forbidden.json")] });
    expect((await checkEnvironmentProtection(PROD, { token: "t0ken", fetch: fetchImpl })).problems[0]).toMatch(/^GET deployment branch policies of prod: HTTP 403/);
  });

  it("throws on a timeout instead of passing", async () => {
    const hang = ((_url: string, init?: RequestInit) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)))) as unknown as typeof fetch;
    await expect(checkEnvironmentProtection(PROD, { token: "t0ken", fetch: hang, timeoutMs: 20 })).rejects.toThrow(/GitHub API timed out: GET https:\/\/api\.github\.com\/repos\/acme\/cdn-control-plane-infra\/environments\/prod/);
  });
});

describe("checkHeadOfBranch", () => {
  const ref = (sha: string) => JSON.stringify({ ref: "refs/heads/main", node_id: "MDM6UmVmcmVmcy9oZWFkcy9tYWlu", url: "https://api.github.com/repos/acme/cdn-control-plane-infra/git/refs/heads/main", object: { sha, type: "commit", url: `https://api.github.com/repos/acme/cdn-control-plane-infra/git/commits/${sha}` } });
  const HEAD = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

  it("passes the head of main and refuses an older commit (a re-run of an old deploy)", async () => {
    const { fetchImpl } = recorded({ "/git/ref/heads/main": [200, ref(HEAD)] });
    expect(await checkHeadOfBranch("acme/cdn-control-plane-infra", "main", HEAD, { token: "t0ken", fetch: fetchImpl })).toEqual({ problems: [], warnings: [] });
    const old = await checkHeadOfBranch("acme/cdn-control-plane-infra", "main", "0123456789abcdef0123456789abcdef01234567", { token: "t0ken", fetch: fetchImpl });
    expect(old.problems).toEqual(["0123456789ab is no longer the head of main (now 6dcb09b5b578): not deploying an older commit; the run for the newer commit deploys it"]);
  });

  it("does not deploy when the head cannot be read", async () => {
    const { fetchImpl } = recorded({ "/git/ref/heads/main": [403, fixture("forbidden.json")] });
    const result = await checkHeadOfBranch("acme/cdn-control-plane-infra", "main", HEAD, { token: "t0ken", fetch: fetchImpl });
    expect(result.problems[0]).toMatch(/^GET the head of main: HTTP 403 \(Resource not accessible by integration\)/);
  });
});
