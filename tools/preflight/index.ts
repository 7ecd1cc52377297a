/**
 * `npm run preflight -- <env>`: read-only checks against the real account with the operator's
 * credentials, for what offline checks cannot know. One table: check, region, result, what to do.
 * Exit 0 when nothing failed, 1 when something did, 2 (one line) when there are no usable credentials.
 *
 * The checks use the environment exactly as synth validated it (src/config/environments.ts) and
 * injected AWS clients and HTTP, so the tests run them offline against recorded responses.
 */
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { EnvironmentConfig } from "../../src/config/schema";
import type { AwsClients } from "../aws/clients";
import { classifyAwsError } from "../aws/errors";
import { amis } from "./checks/amis";
import { bucketNames } from "./checks/buckets";
import { certificates } from "./checks/certificates";
import { databaseOfferings } from "./checks/database";
import { addonVersions, kubernetesVersions } from "./checks/eks";
import { helmCharts } from "./checks/helm";
import { quotas } from "./checks/quotas";
import { serviceLinkedRoles } from "./checks/service-linked-roles";
import { failedCall, row, type Check, type CheckResult, type HttpGet, type Status } from "./types";

/** Every check after the identity check, in the order of the table. */
export const CHECKS: readonly { name: string; run: Check }[] = [
  { name: "service-linked roles", run: serviceLinkedRoles },
  { name: "database offerings", run: databaseOfferings },
  { name: "Kubernetes version", run: kubernetesVersions },
  { name: "EKS add-ons", run: addonVersions },
  { name: "AMIs", run: amis },
  { name: "Helm charts", run: helmCharts },
  { name: "bucket names", run: bucketNames },
  { name: "certificates", run: certificates },
  { name: "quotas", run: quotas },
];

/** Inputs of {@link runPreflight}. */
export interface PreflightInput {
  /** The validated environment. */
  readonly env: EnvironmentConfig;
  /** AWS clients (real, or over recorded responses in tests). */
  readonly clients: AwsClients;
  /** HTTPS GET for the Helm indexes. */
  readonly httpGet: HttpGet;
  /** The current time. */
  readonly now: Date;
}

/** The outcome of a run. */
export type PreflightOutcome = { readonly kind: "no-credentials"; readonly message: string } | { readonly kind: "results"; readonly results: CheckResult[] };

/** Runs the identity check, then (in the right account) every check. */
export async function runPreflight(input: PreflightInput): Promise<PreflightOutcome> {
  const { env } = input;
  const identityCheck = `caller account is ${env.name}'s ${env.accountId}`;
  let callerArn: string;
  try {
    const me = await input.clients.sts(env.state.region).send(new GetCallerIdentityCommand({}));
    callerArn = me.Arn ?? "";
    if (me.Account !== env.accountId) {
      return {
        kind: "results",
        results: [
          row(identityCheck, "global", "FAIL", `signed in to ${me.Account} as ${me.Arn}`, `select the ${env.name} account's profile (aws sso login --profile ${env.name}; export AWS_PROFILE=${env.name})`),
          row("every other check", "global", "FAIL", "not run: they would describe the wrong account", "rerun in the right account"),
        ],
      };
    }
  } catch (error) {
    const f = classifyAwsError(error);
    if (f.kind === "no-credentials") {
      return { kind: "no-credentials", message: `preflight: no usable AWS credentials (${f.code}): sign in first, e.g. aws sso login --profile ${env.name} && export AWS_PROFILE=${env.name}` };
    }
    return { kind: "results", results: [failedCall(identityCheck, "global", "sts:GetCallerIdentity", error)] };
  }
  const results: CheckResult[] = [row(identityCheck, "global", "PASS", callerArn)];
  const ctx = { env, clients: input.clients, httpGet: input.httpGet, now: input.now, callerArn };
  for (const check of CHECKS) {
    try {
      results.push(...(await check.run(ctx)));
    } catch (error) {
      // A check that throws (a bug or an unexpected answer) is a failure, never silence.
      results.push(row(check.name, "global", "ERROR", `the check crashed: ${(error as Error).message.split("\n")[0]}`, "report it; the other checks still ran"));
    }
  }
  return { kind: "results", results };
}

/** Statuses that make the run fail. */
export const FAILING: ReadonlySet<Status> = new Set<Status>(["FAIL", "DENIED", "ERROR"]);

/** 0 when nothing failed, 1 otherwise (2 is for no credentials, decided by the caller). */
export function exitCode(results: readonly CheckResult[]): 0 | 1 {
  return results.some((r) => FAILING.has(r.status)) ? 1 : 0;
}

/** A fixed-width text table: check, region, result, what to do. */
export function formatTable(results: readonly CheckResult[]): string {
  const rows = results.map((r) => [r.check, r.region, `${r.status}: ${r.detail}`, r.action]);
  const header = ["check", "region", "result", "what to do"];
  const widths = header.map((h, i) => Math.min(90, Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const failed = results.filter((r) => FAILING.has(r.status)).length;
  const summary = `${results.length} checks: ${results.length - failed} passed or warned, ${failed} failed`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line), "", summary].join("\n");
}

/** The same table in Markdown (for the scheduled workflow's issue). */
export function formatMarkdown(env: string, results: readonly CheckResult[]): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [
    `| check (${env}) | region | result | what to do |`,
    "|---|---|---|---|",
    ...results.map((r) => `| ${cell(r.check)} | ${r.region} | **${r.status}**: ${cell(r.detail)} | ${cell(r.action)} |`),
  ].join("\n");
}
