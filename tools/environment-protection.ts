/**
 * Checks, through the GitHub REST API, that a deployment environment carries the protection the deploy
 * workflow relies on: it exists, only the `main` branch may deploy to it (the deploy role's OIDC trust
 * names the environment, so this is what restricts it to main), and, where asked, required reviewers.
 * The deploy job fails instead of deploying when any of it is missing. Needs a token with
 * `actions: read` (GITHUB_TOKEN in the job).
 */

/** The fields of `GET /repos/{owner}/{repo}/environments/{name}` read here. */
export interface EnvironmentResponse {
  readonly name?: string;
  readonly can_admins_bypass?: boolean;
  readonly protection_rules?: readonly { readonly type: string; readonly prevent_self_review?: boolean; readonly reviewers?: readonly unknown[]; readonly wait_timer?: number }[];
  readonly deployment_branch_policy?: { readonly protected_branches: boolean; readonly custom_branch_policies: boolean } | null;
}

/** The fields of `GET /repos/{owner}/{repo}/environments/{name}/deployment-branch-policies` read here. */
export interface BranchPoliciesResponse {
  readonly total_count?: number;
  readonly branch_policies?: readonly { readonly name: string; readonly type?: string }[];
}

/** What is expected of one environment. */
export interface ProtectionExpectation {
  /** `owner/name`. */
  readonly repository: string;
  /** Environment name. */
  readonly environment: string;
  /** Required reviewers must be configured (staging, prod). */
  readonly requireReviewers: boolean;
}

/** The verdict. */
export interface ProtectionResult {
  /** Problems that stop the deploy. */
  readonly problems: string[];
  /** Worth knowing, not blocking. */
  readonly warnings: string[];
}

/** Pure check of recorded API responses. */
export function evaluateProtection(expect: ProtectionExpectation, env: EnvironmentResponse, branches: BranchPoliciesResponse | undefined): ProtectionResult {
  const problems: string[] = [];
  const warnings: string[] = [];
  const policy = env.deployment_branch_policy;
  if (!policy) problems.push(`environment ${expect.environment}: any branch may deploy to it; set "Deployment branches and tags" to selected branches: main`);
  else if (policy.protected_branches) problems.push(`environment ${expect.environment}: every protected branch may deploy to it; allow only main (selected branches)`);
  else if (policy.custom_branch_policies) {
    const names = (branches?.branch_policies ?? []).map((b) => `${b.type ?? "branch"}:${b.name}`);
    if (names.length !== 1 || names[0] !== "branch:main") {
      problems.push(`environment ${expect.environment}: deployment branch policies are ${JSON.stringify(names)}; they must be exactly the branch main`);
    }
  }
  const reviewers = (env.protection_rules ?? []).filter((r) => r.type === "required_reviewers");
  if (expect.requireReviewers) {
    if (reviewers.length === 0 || reviewers.every((r) => (r.reviewers ?? []).length === 0)) {
      problems.push(
        `environment ${expect.environment}: no required reviewers; add them (a private repository needs GitHub Team or Enterprise for required reviewers, a public one any plan)`,
      );
    } else if (!reviewers.some((r) => r.prevent_self_review)) warnings.push(`environment ${expect.environment}: the person who pushed can approve their own deploy (enable "Prevent self-review")`);
    if (env.can_admins_bypass !== false) warnings.push(`environment ${expect.environment}: administrators can bypass the protection rules`);
  }
  return { problems, warnings };
}

/** How the check reaches the API (injectable for recorded responses). */
export interface ApiOptions {
  /** Token with `actions: read`. */
  readonly token: string;
  /** API base URL (GITHUB_API_URL). @default https://api.github.com */
  readonly apiUrl?: string;
  /** fetch implementation. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Per-request timeout. @default 15000 */
  readonly timeoutMs?: number;
}

async function getJson(url: string, options: ApiOptions): Promise<{ status: number; body: unknown }> {
  const doFetch = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      headers: { accept: "application/vnd.github+json", authorization: `Bearer ${options.token}`, "x-github-api-version": "2022-11-28" },
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (error) {
    const name = (error as Error).name;
    throw new Error(name === "TimeoutError" || name === "AbortError" ? `GitHub API timed out: GET ${url}` : `GitHub API unreachable: GET ${url}: ${(error as Error).message}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { message: text.slice(0, 200) };
  }
  return { status: response.status, body };
}

/** Fetches the environment (and its branch policies) and evaluates them; any API failure is a problem, never a pass. */
export async function checkEnvironmentProtection(expect: ProtectionExpectation, options: ApiOptions): Promise<ProtectionResult> {
  const base = `${(options.apiUrl ?? "https://api.github.com").replace(/\/+$/, "")}/repos/${expect.repository}/environments/${encodeURIComponent(expect.environment)}`;
  const failure = (what: string, status: number, body: unknown): ProtectionResult => {
    const message = (body as { message?: string }).message ?? "";
    const hint =
      status === 404
        ? `environment ${expect.environment} does not exist (a job naming it would create it unprotected): create it with its protection rules`
        : status === 401 || status === 403
          ? message.toLowerCase().includes("rate limit")
            ? "rate limited by the GitHub API: re-run the job later"
            : "the token cannot read environments: give the job `permissions: actions: read`"
          : status === 429
            ? "rate limited by the GitHub API: re-run the job later"
            : "unexpected answer";
    return { problems: [`${what}: HTTP ${status}${message ? ` (${message})` : ""}: ${hint}`], warnings: [] };
  };
  const env = await getJson(base, options);
  if (env.status !== 200) return failure(`GET environment ${expect.environment}`, env.status, env.body);
  const environment = env.body as EnvironmentResponse;
  let branches: BranchPoliciesResponse | undefined;
  if (environment.deployment_branch_policy?.custom_branch_policies) {
    const listed = await getJson(`${base}/deployment-branch-policies?per_page=100`, options);
    if (listed.status !== 200) return failure(`GET deployment branch policies of ${expect.environment}`, listed.status, listed.body);
    branches = listed.body as BranchPoliciesResponse;
  }
  return evaluateProtection(expect, environment, branches);
}

/**
 * Whether `sha` is still the head of `branch` (`GET /repos/{owner}/{repo}/git/ref/heads/{branch}`):
 * a deploy of an older commit (a late approval, a re-run of an old deploy) must not roll the
 * environment back. Any API failure is a problem, never a pass.
 */
export async function checkHeadOfBranch(repository: string, branch: string, sha: string, options: ApiOptions): Promise<ProtectionResult> {
  const url = `${(options.apiUrl ?? "https://api.github.com").replace(/\/+$/, "")}/repos/${repository}/git/ref/heads/${branch}`;
  const { status, body } = await getJson(url, options);
  if (status !== 200) {
    const message = (body as { message?: string }).message ?? "";
    return { problems: [`GET the head of ${branch}: HTTP ${status}${message ? ` (${message})` : ""}: the job needs \`permissions: contents: read\`; not deploying without knowing the head`], warnings: [] };
  }
  const head = (body as { object?: { sha?: string } }).object?.sha;
  if (head === sha) return { problems: [], warnings: [] };
  return {
    problems: [`${sha.slice(0, 12)} is no longer the head of ${branch} (now ${String(head).slice(0, 12)}): not deploying an older commit; the run for the newer commit deploys it`],
    warnings: [],
  };
}
