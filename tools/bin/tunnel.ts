/**
 * `npm run tunnel -- <env> [--plane global|<key>] [--port N] [--kubeconfig FILE] [--print]`
 *
 * Opens an SSM port-forwarding session from localhost to the plane's private EKS API through its access
 * host, after writing the kubeconfig context `<env>-<plane>` (server https://127.0.0.1:<port>,
 * tls-server-name = the endpoint's host, token from `aws eks get-token`). Prints the variable that
 * points Terraform (`cdktf diff/deploy` of the `-k8s` stack) at the tunnel. `--print` writes the
 * kubeconfig and prints the command instead of running it. Needs the AWS CLI v2 and the Session
 * Manager plugin. Exit 2 without credentials.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { loadEnvironments } from "../../src/config/environments";
import { k8sStackName } from "../../src/config/naming";
import { awsClients } from "../aws/clients";
import { classifyAwsError } from "../aws/errors";
import { findTunnelTarget, kubeconfigEntry, selectPlane, startSessionArgs, terraformVariable, upsertKubeconfig } from "../tunnel";
import { arg } from "../cli-args";

function quote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

async function main(): Promise<number> {
  const envName = process.argv.slice(2).find((a, i, all) => !a.startsWith("--") && !(i > 0 && all[i - 1].startsWith("--")));
  if (!envName) {
    process.stderr.write("usage: npm run tunnel -- <env> [--plane global|<key>] [--port N] [--kubeconfig FILE] [--print]\n");
    return 2;
  }
  const [env] = loadEnvironments([envName]);
  if (!env.access.bastion.enabled) throw new Error(`${env.name} has no access host (access.bastion.enabled is false): see docs/decisions/0009 for the other ways in`);
  const plane = selectPlane(env, arg("plane"));
  const port = Number(arg("port") ?? plane.defaultPort);
  if (!Number.isInteger(port) || port < 1024 || port > 65535) throw new Error(`--port must be a port from 1024 to 65535, got ${arg("port")}`);
  const clients = awsClients();

  try {
    const me = await clients.sts(plane.region).send(new GetCallerIdentityCommand({}));
    if (me.Account !== env.accountId) throw new Error(`signed in to account ${me.Account}, but ${env.name} is ${env.accountId}: select the ${env.name} profile`);
  } catch (error) {
    const failure = classifyAwsError(error);
    if (failure.kind === "no-credentials") {
      process.stderr.write(`tunnel: no usable AWS credentials (${failure.code}): sign in first, e.g. aws sso login --profile ${env.name} && export AWS_PROFILE=${env.name}\n`);
      return 2;
    }
    throw error;
  }

  const target = await findTunnelTarget(clients, env, plane);
  const kubeconfig = arg("kubeconfig") ?? process.env.KUBECONFIG?.split(delimiter)[0] ?? join(homedir(), ".kube", "config");
  const entry = kubeconfigEntry(env.name, plane, target, port, process.env.AWS_PROFILE);
  mkdirSync(dirname(kubeconfig), { recursive: true });
  writeFileSync(kubeconfig, upsertKubeconfig(existsSync(kubeconfig) ? readFileSync(kubeconfig, "utf8") : undefined, entry), { mode: 0o600 });

  const args = startSessionArgs(env.name, plane, target.instanceId, port);
  const tfVar = terraformVariable(plane.ref, port);
  process.stdout.write(
    [
      `kubeconfig: context ${entry.context} in ${kubeconfig} -> https://127.0.0.1:${port} (TLS checked against ${entry.tlsServerName})`,
      `terraform:  export ${tfVar.name}=${tfVar.value}   # then: npx cdktf diff ${k8sStackName(env.name, plane.ref)}`,
      `tunnel:     aws ${args.map(quote).join(" ")}`,
      "",
    ].join("\n"),
  );
  if (process.argv.includes("--print")) return 0;
  process.stdout.write(`opening the tunnel through ${target.instanceId} (Ctrl-C closes it) ...\n`);
  return await new Promise<number>((resolveExit) => {
    const child = spawn("aws", args, { stdio: "inherit" });
    child.on("error", (error) => {
      process.stderr.write(`tunnel: cannot run the AWS CLI (${error.message}); install AWS CLI v2 and the Session Manager plugin\n`);
      resolveExit(1);
    });
    child.on("exit", (code) => resolveExit(code ?? 1));
  });
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`tunnel: ${error.message}\n`);
    process.exit(1);
  },
);
