/**
 * `npm run drill:restore -- <env> [options]`: the cross-region restore drill (tools/restore-drill.ts;
 * procedure and prerequisites in runbooks/cross-region-restore.md). Creates and deletes a temporary
 * DB instance in the copy region: run it with the environment's operator credentials, from where the
 * copy region's database subnets are reachable (the in-VPC runner, or an SSM tunnel with --tunnel).
 *
 *   --plane global|regional-<key>   whose copy to restore (default: global)
 *   --instance-class <class>        temporary instance class (default: db.m6gd.large)
 *   --tunnel <host:port>            dial a tunnel (a relay pod + port-forward) instead of the endpoint; TLS still verifies the endpoint name
 *   --ca-file <pem>                 RDS CA bundle: verify the server certificate (sslmode=verify-full)
 *   --subnet-group, --security-group <id>[,<id>], --kms-key <id>
 *                                   network and key when no plane lives in the copy region
 *   --json <file>                   also write the report as JSON
 *
 * Exit status: 0 passed, 1 failed (the report says why, and whether the instance is gone), 2 usage.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RDSClient } from "@aws-sdk/client-rds";
import { S3Client } from "@aws-sdk/client-s3";
import { loadEnvironments } from "../../src/config/environments";
import "../aws/node-notice";
import { DRILL_USAGE, DrillError, formatReport, parseDrillArgs, pgTools, randomPassword, runRestoreDrill, targetFromConfig, type DrillArgs } from "../restore-drill";

async function main(): Promise<number> {
  let parsed: DrillArgs;
  try {
    parsed = parseDrillArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${DRILL_USAGE}\n`);
    return 2;
  }
  const { env: name, plane, flags } = parsed;
  const [env] = loadEnvironments([name]);
  const target = targetFromConfig(env, plane, {
    instanceClass: flags["instance-class"],
    subnetGroup: flags["subnet-group"],
    securityGroupIds: flags["security-group"]?.split(",").filter(Boolean),
    kmsKeyId: flags["kms-key"],
  });
  const tunnel = flags.tunnel ? /^(?<host>[^:]+):(?<port>\d+)$/.exec(flags.tunnel)?.groups : undefined;
  if (flags.tunnel && !tunnel) throw new DrillError(`--tunnel must be host:port, got ${flags.tunnel}`);
  const sslMode = flags["ca-file"] ? "verify-full" : "require";
  if (sslMode === "require") process.stderr.write("[drill] no --ca-file: TLS is required but the server certificate is not verified\n");

  const workDir = mkdtempSync(join(tmpdir(), "cdn-restore-drill-"));
  try {
    const report = await runRestoreDrill(target, {
      rds: new RDSClient({ region: target.region, maxAttempts: 5 }),
      s3: new S3Client({ region: target.region, maxAttempts: 5 }),
      now: () => new Date(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...pgTools({ sslMode, caFile: flags["ca-file"] }),
      workDir,
      password: randomPassword,
      connectVia: tunnel ? (endpoint) => ({ host: endpoint.host, hostaddr: tunnel.host, port: Number(tunnel.port) }) : undefined,
      beforeConnect: tunnel ? (endpoint) => waitForTunnel(endpoint, tunnel.host, Number(tunnel.port)) : undefined,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(formatReport(report));
    if (flags.json) writeFileSync(flags.json, `${JSON.stringify(report, null, 2)}\n`);
    return report.passed ? 0 : 1;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Prints how to open the tunnel to the new instance and waits (up to 15 minutes) until it accepts connections. */
async function waitForTunnel(endpoint: { host: string; port: number }, host: string, port: number): Promise<void> {
  process.stderr.write(
    [
      `[drill] the instance is available at ${endpoint.host}:${endpoint.port}; open the tunnel now (runbooks/cross-region-restore.md), e.g.:`,
      `  kubectl create namespace db-access   # if it does not exist`,
      `  kubectl -n db-access run drill-relay --image=alpine/socat --restart=Never -- tcp-listen:5432,fork,reuseaddr tcp-connect:${endpoint.host}:${endpoint.port}`,
      `  kubectl -n db-access wait --for=condition=Ready pod/drill-relay --timeout=180s`,
      `  kubectl -n db-access port-forward pod/drill-relay ${port}:5432`,
      `[drill] waiting for ${host}:${port} ...`,
      "",
    ].join("\n"),
  );
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port, timeout: 2000 }, () => (socket.end(), resolve(true)));
      socket.on("error", () => resolve(false));
      socket.on("timeout", () => (socket.destroy(), resolve(false)));
    });
    if (open) return;
    if (Date.now() > deadline) throw new DrillError(`the tunnel ${host}:${port} did not open within 15 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`restore drill: ${error instanceof DrillError || (error as Error).name === "ConfigError" ? (error as Error).message : `unexpected error: ${(error as Error).message}`}\n`);
    process.exit(error instanceof DrillError ? 2 : 1);
  },
);
