/**
 * The S3 and network probe scripts, run unchanged with bash: the network probe against real loopback
 * sockets (a listener, a closed port, a name that does not resolve); the S3 probe against a stand-in
 * AWS CLI (test/fixtures/verify/bin/aws) that keeps objects in a directory and can deny writes the way
 * the bucket policy does. Their output goes through the same evaluators as in a cluster.
 */
import { createServer, type Server } from "node:net";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateNetwork, netProbeTargets, type NetTarget } from "../../tools/verify/checks/network";
import { parseProbeOutput, value } from "../../tools/verify/checks/probe-output";
import { evaluateS3 } from "../../tools/verify/checks/s3";
import { freePort } from "../helpers/real-servers";
import { runProbe, startProbe } from "./support/probe-runner";

const STUB_BIN = join(__dirname, "..", "fixtures", "verify", "bin");

describe("network probe (bash, real sockets on loopback)", () => {
  let server: Server;
  let open: number;
  let closed: number;
  beforeAll(async () => {
    closed = await freePort();
    server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    open = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const targets = (): NetTarget[] => [
    { name: "db-writer", host: "localhost", port: open, expect: "open", cidr: "127.0.0.0/8" },
    { name: "global-db", host: "127.0.0.1", port: closed, expect: "closed", cidr: "127.0.0.0/8" },
  ];

  it("reports open and closed ports with the resolved address; the evaluator passes what is expected", async () => {
    const { code, output } = await runProbe("net-probe.sh", { PROBE_TARGETS: netProbeTargets(targets()), PROBE_CONNECT_TIMEOUT: "3" });
    expect(code).toBe(0);
    const out = parseProbeOutput(output);
    expect(value(out, "net.db-writer")).toBe(`open ip=127.0.0.1 port=${open} host=localhost`);
    expect(value(out, "net.global-db")).toBe(`closed ip=127.0.0.1 port=${closed} host=127.0.0.1 reason=refused`);
    expect(evaluateNetwork(out, targets())).toEqual({ result: "PASS", evidence: `db-writer ${open} open, global-db ${closed} closed` });
  });

  it("FAILs when a port that must be closed is open, a port that must be open is closed, a name does not resolve, or an address is outside the CIDR", async () => {
    const wrong: NetTarget[] = [
      { name: "global-db", host: "127.0.0.1", port: open, expect: "closed", cidr: "127.0.0.0/8" },
      { name: "db-writer", host: "127.0.0.1", port: closed, expect: "open", cidr: "127.0.0.0/8" },
      { name: "db-reader", host: "no-such-host.invalid", port: 5432, expect: "open", cidr: "127.0.0.0/8" },
      { name: "global-api", host: "localhost", port: open, expect: "open", cidr: "10.10.0.0/16" },
    ];
    const { output } = await runProbe("net-probe.sh", { PROBE_TARGETS: netProbeTargets(wrong), PROBE_CONNECT_TIMEOUT: "3" });
    const finding = evaluateNetwork(parseProbeOutput(output), wrong);
    expect(finding.result).toBe("FAIL");
    expect(finding.evidence).toBe(
      [
        `global-db: 127.0.0.1:${open} (127.0.0.1) is REACHABLE but must not be`,
        `db-writer: 127.0.0.1:${closed} (127.0.0.1) not reachable (refused)`,
        "db-reader: no-such-host.invalid does not resolve",
        "global-api: localhost resolved to 127.0.0.1, outside 10.10.0.0/16",
      ].join("; "),
    );
  });

  it("a probe that printed nothing FAILs every target", () => {
    expect(evaluateNetwork(parseProbeOutput(""), targets()).evidence).toBe("db-writer: not reported (no output); global-db: not reported (no output)");
    expect(evaluateNetwork(parseProbeOutput(""), []).result).toBe("FAIL");
  });
});

describe("S3 probe (bash, stand-in AWS CLI)", () => {
  const base = () => {
    const dir = mkdtempSync(join(tmpdir(), "cdn-verify-s3-"));
    return { dir, env: { STUB_S3_DIR: dir, BUNDLE_BUCKET: "cdn-config-bundles-dev", BUNDLE_BUCKET_REGION: "us-east-1", PROBE_RUN_ID: "r1", PROBE_KEY: "verify/r1/bundle-probe.txt" } };
  };
  const writer = "arn:aws:sts::111111111111:assumed-role/cdn-dev-global-workload/eks-cdn-global-c-x";
  const reader = "arn:aws:sts::111111111111:assumed-role/cdn-dev-regional-uswest-workload/eks-cdn-regiona-y";

  it("read-write: put, get, equal checksums, delete; nothing left in the bucket", async () => {
    const { dir, env } = base();
    const { code, output } = await runProbe("s3-probe.sh", { ...env, PROBE_MODE: "rw", STUB_ARN: writer }, [STUB_BIN]);
    expect(code, output).toBe(0);
    const finding = evaluateS3(parseProbeOutput(output), { access: "read-write", roleName: "cdn-dev-global-workload", bucket: env.BUNDLE_BUCKET });
    expect(finding.result, finding.evidence).toBe("PASS");
    expect(readdirSync(join(dir, "cdn-config-bundles-dev", "verify", "r1"))).toEqual([]);
  });

  it("held for readers: the reader gets the same checksum and its write is denied; SIGTERM deletes the object", async () => {
    const { dir, env } = base();
    const held = startProbe("s3-probe.sh", { ...env, PROBE_MODE: "rw", PROBE_HOLD_SECONDS: "60", STUB_ARN: writer }, [STUB_BIN]);
    await held.waitFor("VERIFY hold=ready");
    const sha = value(parseProbeOutput(held.output()), "sha256.put")!;
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    const ro = await runProbe("s3-probe.sh", { ...env, PROBE_MODE: "ro", PROBE_EXPECT_SHA256: sha, PROBE_DENIED_KEY: "verify/r1/denied.txt", STUB_ARN: reader, STUB_DENY_WRITES: "1" }, [STUB_BIN]);
    const read = evaluateS3(parseProbeOutput(ro.output), { access: "read", roleName: "cdn-dev-regional-uswest-workload", bucket: env.BUNDLE_BUCKET, expectedSha256: sha });
    expect(read, ro.output).toEqual({ result: "PASS", evidence: `as cdn-dev-regional-uswest-workload: read the global plane's object (sha256 ${sha.slice(0, 12)}... equal); write denied (AccessDenied)` });
    expect(existsSync(join(dir, "cdn-config-bundles-dev", "verify/r1/bundle-probe.txt"))).toBe(true);
    held.kill("SIGTERM");
    const { code, output } = await held.done;
    expect(code).toBe(143);
    expect(value(parseProbeOutput(output), "deleted")).toBe("ok");
    expect(existsSync(join(dir, "cdn-config-bundles-dev", "verify/r1/bundle-probe.txt"))).toBe(false);
  });

  it("FAILs: a read-only plane that can write; a checksum mismatch; no credentials; the wrong role", async () => {
    const { env } = base();
    await runProbe("s3-probe.sh", { ...env, PROBE_MODE: "rw", PROBE_HOLD_SECONDS: "0", STUB_ARN: writer }, [STUB_BIN]);
    const { env: env2 } = base();
    const put = startProbe("s3-probe.sh", { ...env2, PROBE_MODE: "rw", PROBE_HOLD_SECONDS: "30", STUB_ARN: writer }, [STUB_BIN]);
    await put.waitFor("VERIFY hold=ready");
    const sha = value(parseProbeOutput(put.output()), "sha256.put")!;
    const expectRead = { access: "read" as const, roleName: "cdn-dev-regional-uswest-workload", bucket: env2.BUNDLE_BUCKET, expectedSha256: sha };

    const allowed = await runProbe("s3-probe.sh", { ...env2, PROBE_MODE: "ro", PROBE_EXPECT_SHA256: sha, PROBE_DENIED_KEY: "verify/r1/denied.txt", STUB_ARN: reader }, [STUB_BIN]);
    expect(allowed.code).not.toBe(0);
    expect(evaluateS3(parseProbeOutput(allowed.output), expectRead).evidence).toMatch(/^probe failed: a read-only plane could write .*; a write was ALLOWED to a read-only plane \(cleanup: ok\)$/);

    const mismatch = await runProbe("s3-probe.sh", { ...env2, PROBE_MODE: "ro", PROBE_EXPECT_SHA256: "0".repeat(64), PROBE_DENIED_KEY: "verify/r1/denied.txt", STUB_ARN: reader, STUB_DENY_WRITES: "1" }, [STUB_BIN]);
    expect(evaluateS3(parseProbeOutput(mismatch.output), { ...expectRead, expectedSha256: "0".repeat(64) }).evidence).toMatch(/^probe failed: checksum mismatch: expected 0{64}, got [0-9a-f]{64}/);

    const anonymous = await runProbe("s3-probe.sh", { ...env2, PROBE_MODE: "ro", PROBE_EXPECT_SHA256: sha, PROBE_DENIED_KEY: "x", STUB_ARN: "" }, [STUB_BIN]);
    expect(evaluateS3(parseProbeOutput(anonymous.output), expectRead)).toEqual({ result: "FAIL", evidence: 'probe failed: no AWS identity: Unable to locate credentials. You can configure credentials by running "aws configure".' });

    const asWriter = await runProbe("s3-probe.sh", { ...env2, PROBE_MODE: "ro", PROBE_EXPECT_SHA256: sha, PROBE_DENIED_KEY: "x", STUB_ARN: writer, STUB_DENY_WRITES: "1" }, [STUB_BIN]);
    expect(evaluateS3(parseProbeOutput(asWriter.output), expectRead).evidence).toBe(`ran as ${writer}, expected the role cdn-dev-regional-uswest-workload`);
    put.kill("SIGTERM");
    await put.done;
  });
});
