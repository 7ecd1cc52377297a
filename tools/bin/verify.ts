/**
 * `npm run verify -- <env> [options]`: proves a deployed environment works (docs/verify.md).
 * Thin CLI over tools/verify: parses arguments, wires the real AWS, Kubernetes and HTTPS clients,
 * handles SIGINT/SIGTERM (clean up, then exit), prints the table or JSON, exits 1 on any FAIL.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseValueOverrides } from "../../src/config/overrides";
import type { EnvironmentConfig } from "../../src/config/schema";
import { loadEnvironments } from "../../src/config/environments";
import { createAwsPort } from "../verify/io/aws";
import { httpsGet } from "../verify/io/https";
import { kubeconfigTransport, kubePort, loadKubeconfig, selectContext } from "../verify/io/kube";
import { errorText } from "../verify/model";
import { newRunId } from "../verify/probes/manifests";
import { formatJson, formatTable, summarize } from "../verify/report";
import { AbortedError, runVerify, type VerifyDeps } from "../verify/run";
import { cleanupRuns } from "../verify/cleanup";
import { synthesizeTargets, type PlaneTarget } from "../verify/targets";

const HELP = `Usage: npm run verify -- <environment> [options]

Proves a deployed environment works: EKS, nodes, add-ons, pods, the database (from inside the cluster,
as the application's IAM user, TLS verified), the bundle bucket (per-plane access), Prometheus and
Alertmanager, the cross-plane network paths, the smoke-test app; optionally a database failover drill.
Prints one table (check, plane, result, evidence, seconds); exits 1 when any check FAILs.

Options:
  --plane <p>              global, <key> or regional-<key>; repeat for several (default: every plane)
  --json                   print the JSON document on stdout instead of the table (progress: stderr)
  --drill failover         also fail over each selected plane's DB cluster while writing, and report
                           the write outage, time to reconnect and lost writes (RTO 5 minutes, RPO 0)
  --rto <seconds>          recovery time objective of the drill (default 300)
  --deploy-smoke-app       deploy the smoke-test app for this run where the environment does not
                           (smokeTestApp: false), and remove it afterwards
  --kube-context [<p>=]<c> kubeconfig context for a plane (default: the context whose cluster server is
                           the EKS endpoint, else the current context); repeatable
  --rds-ca-file <pem>      RDS CA bundle to trust (default: downloaded from the AWS trust store)
  --cleanup <run-id|all>   only delete what an earlier (interrupted) run left in the clusters
  --help                   this text

Credentials: AWS from the default provider chain (AWS_PROFILE, SSO, environment); Kubernetes from your
kubeconfig (KUBECONFIG or ~/.kube/config; aws eks update-kubeconfig). The clusters' API endpoints are
private: reach them through the cluster access path in docs/verify.md (SSM port forwarding or an
in-VPC runner) before running this. CDN_CONFIG_OVERRIDES applies to the environment as in synth.`;

/** The RDS CA bundle the AWS trust store publishes (every region's root and intermediate CAs). */
const RDS_CA_BUNDLE_URL = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem";

function planeIdOf(value: string, targets: readonly PlaneTarget[]): string {
  const id = value === "global" || value.startsWith("regional-") ? value : `regional-${value}`;
  if (!targets.some((x) => x.id === id)) throw new Error(`--plane ${value}: no such plane; have ${targets.map((x) => x.id).join(", ")}`);
  return id;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      plane: { type: "string", multiple: true },
      json: { type: "boolean" },
      drill: { type: "string" },
      rto: { type: "string" },
      "deploy-smoke-app": { type: "boolean" },
      "kube-context": { type: "string", multiple: true },
      "rds-ca-file": { type: "string" },
      cleanup: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help || positionals.length !== 1) {
    process.stderr.write(`${HELP}\n`);
    return values.help ? 0 : 2;
  }
  if (values.drill !== undefined && values.drill !== "failover") throw new Error(`--drill ${values.drill}: the only drill is "failover"`);
  const rto = values.rto === undefined ? 300 : Number(values.rto);
  if (!Number.isFinite(rto) || rto <= 0) throw new Error(`--rto ${values.rto}: must be a positive number of seconds`);

  const [envName] = positionals;
  const [env] = loadEnvironments([envName], { values: parseValueOverrides(process.env.CDN_CONFIG_OVERRIDES) }) as [EnvironmentConfig];
  const progress = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  progress(`verify ${env.name}: synthesizing the stacks for the expected names and settings`);
  const targets = synthesizeTargets(env);
  const planes = (values.plane ?? []).map((p) => planeIdOf(p, targets));
  const selected = planes.length > 0 ? [...new Set(planes)] : targets.map((x) => x.id);

  const contexts = new Map<string, string>();
  let anyContext: string | undefined;
  for (const spec of values["kube-context"] ?? []) {
    const eq = spec.indexOf("=");
    if (eq < 0) anyContext = spec;
    else contexts.set(planeIdOf(spec.slice(0, eq), targets), spec.slice(eq + 1));
  }
  const kubeconfig = loadKubeconfig();
  const aws = createAwsPort();
  const kube: VerifyDeps["kube"] = async (target, endpoint) => {
    const { context, how } = selectContext(kubeconfig, endpoint, contexts.get(target.id) ?? anyContext);
    const port = kubePort(kubeconfigTransport(kubeconfig, context), `${context} (${how})`);
    // Fail early, with the API server's reason, when the context cannot reach or read the cluster.
    await port.read("Namespace", undefined, target.workload.namespace);
    return port;
  };

  if (values.cleanup) {
    const rows = await cleanupRuns({ env, targets: targets.filter((x) => selected.includes(x.id)), runId: values.cleanup === "all" ? undefined : values.cleanup }, { aws, kube, progress });
    process.stdout.write(`${values.json ? JSON.stringify(rows, null, 2) : formatTable(rows)}\n`);
    return summarize(rows).failed > 0 ? 1 : 0;
  }

  const controller = new AbortController();
  let interrupts = 0;
  const runId = newRunId(new Date(), randomBytes(2).toString("hex"));
  const onSignal = (signal: string) => {
    interrupts += 1;
    if (interrupts > 1) {
      process.stderr.write(`\n${signal} again: exiting without cleanup; run: npm run verify -- ${env.name} --cleanup ${runId}\n`);
      process.exit(130);
    }
    process.stderr.write(`\n${signal}: stopping and cleaning up run ${runId} (again to exit at once)\n`);
    controller.abort();
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));

  const startedAt = new Date().toISOString();
  progress(`verify ${env.name}: run ${runId}, planes ${selected.join(", ")}${values.drill ? ", failover drill" : ""}`);
  const deps: VerifyDeps = {
    aws,
    kube,
    https: (url) => httpsGet(url),
    caBundle: async () => {
      if (values["rds-ca-file"]) return readFileSync(values["rds-ca-file"], "utf8");
      const response = await fetch(RDS_CA_BUNDLE_URL, { signal: AbortSignal.timeout(30_000) });
      if (!response.ok) throw new Error(`${RDS_CA_BUNDLE_URL}: HTTP ${response.status}`);
      return response.text();
    },
    now: () => performance.now(),
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(new AbortedError());
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener("abort", () => (clearTimeout(timer), reject(new AbortedError())), { once: true });
      }),
    progress,
  };
  const results = await runVerify({ env, targets, planes: selected, runId, drill: values.drill as "failover" | undefined, deploySmokeApp: values["deploy-smoke-app"], rtoSeconds: rto, signal: controller.signal }, deps);
  const interrupted = controller.signal.aborted;
  if (values.json) {
    process.stdout.write(formatJson({ environment: env.name, runId, planes: selected, drill: values.drill, startedAt, finishedAt: new Date().toISOString(), interrupted }, results));
  } else {
    process.stdout.write(`${formatTable(results)}\n`);
  }
  if (interrupted) return 130;
  return summarize(results).ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`verify: ${errorText(error)}\n`);
    if (process.env.CDN_DEBUG === "1" && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exit(2);
  },
);
