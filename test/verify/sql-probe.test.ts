/**
 * The SQL probe script that runs in the cluster, run unchanged against a real PostgreSQL primary and
 * hot standby on loopback: TLS verify-full with a CA generated here, the create/insert/read/drop
 * cycle, and the failover measurement with the server stopped and restarted mid-loop.
 * Passwords stand in for IAM tokens (PGPASSWORD, and PROBE_TOKEN_DIR for the token-file path).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseProbeOutput } from "../../tools/verify/checks/probe-output";
import { drillNumbers, evaluateDrill, evaluateSqlCycle } from "../../tools/verify/checks/sql";
import { realServers } from "../helpers/real-servers";
import { POSTGRES_BINARIES, startPostgresPair, type PostgresPair } from "./support/postgres";
import { binDir, runProbe, startProbe } from "./support/probe-runner";

const bin = realServers("SQL probe against a real PostgreSQL (test/verify/sql-probe.test.ts)", POSTGRES_BINARIES);

describe.skipIf(!bin)("SQL probe against a real PostgreSQL with TLS", () => {
  let pg: PostgresPair;
  let runs = 0;
  beforeAll(async () => {
    pg = await startPostgresPair(bin!);
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
  });

  const env = (extra: Record<string, string> = {}) => {
    runs += 1;
    return {
      DB_HOST: "localhost",
      DB_READER_HOST: "localhost",
      DB_PORT: String(pg.port),
      PROBE_READER_PORT: String(pg.readerPort),
      DB_NAME: pg.database,
      DB_APP_USER: pg.appUser,
      PGPASSWORD: pg.appPassword,
      PROBE_CA_FILE: pg.pki.caFile,
      PROBE_RUN_ID: `t${runs}_run`,
      ...extra,
    };
  };
  const expectation = (runId: string) => ({ database: pg.database, user: pg.appUser, runId, readerIsStandby: true, checkReader: true });
  const psqlDir = () => [binDir(bin!.psql)];

  it("connects with verify-full, creates/inserts/reads/drops, reads the row from the standby, which refuses writes", async () => {
    const e = env();
    const { code, output } = await runProbe("sql-probe.sh", e, psqlDir());
    const out = parseProbeOutput(output);
    const finding = evaluateSqlCycle(out, expectation(e.PROBE_RUN_ID));
    expect(finding, output).toMatchObject({ result: "PASS" });
    expect(code).toBe(0);
    expect(finding.evidence).toMatch(/^TLSv1\.[23] verify-full as cdn_app@cdn_verify_test on writer 127\.0\.0\.1; cdn_verify_t\d+_run created/);
    expect(finding.evidence).toContain("(standby): row replicated, write refused");
    // The table is gone afterwards.
    expect(pg.admin(`SELECT count(*) FROM pg_tables WHERE tablename = 'cdn_verify_${e.PROBE_RUN_ID}'`).trim()).toBe("0");
  });

  it("reads the password for each host from PROBE_TOKEN_DIR (the IAM token sidecar's files) before every connection", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cdn-verify-tokens-"));
    writeFileSync(join(dir, "localhost"), pg.appPassword);
    const e = env({ PROBE_TOKEN_DIR: dir });
    delete (e as Record<string, string>).PGPASSWORD;
    const { output } = await runProbe("sql-probe.sh", e, psqlDir());
    expect(evaluateSqlCycle(parseProbeOutput(output), expectation(e.PROBE_RUN_ID)), output).toMatchObject({ result: "PASS" });
  });

  it("FAILs when the server certificate is not signed by the trusted CA", async () => {
    const e = env({ PROBE_CA_FILE: pg.pki.otherCaFile });
    const { code, output } = await runProbe("sql-probe.sh", e, psqlDir());
    const finding = evaluateSqlCycle(parseProbeOutput(output), expectation(e.PROBE_RUN_ID));
    expect(code).not.toBe(0);
    expect(finding.result).toBe("FAIL");
    expect(finding.evidence).toMatch(/writer connection: .*certificate verify failed/);
  });

  it("FAILs when the host name is not the one the certificate names (verify-full, not just verify-ca)", async () => {
    const e = env({ DB_HOST: "127.0.0.1" });
    const { output } = await runProbe("sql-probe.sh", e, psqlDir());
    const finding = evaluateSqlCycle(parseProbeOutput(output), expectation(e.PROBE_RUN_ID));
    expect(finding.result).toBe("FAIL");
    expect(finding.evidence).toMatch(/does not match host name "127\.0\.0\.1"|server certificate for "localhost" does not match/);
  });

  it("FAILs with the server's reason when authentication fails", async () => {
    const e = env({ PGPASSWORD: "wrong" });
    const { output } = await runProbe("sql-probe.sh", e, psqlDir());
    const finding = evaluateSqlCycle(parseProbeOutput(output), expectation(e.PROBE_RUN_ID));
    expect(finding.result).toBe("FAIL");
    expect(finding.evidence).toContain('password authentication failed for user "cdn_app"');
  });

  it("FAILs when the reader endpoint is not a standby (e.g. the writer answers on the reader name)", async () => {
    const e = env({ PROBE_READER_PORT: "" });
    e.PROBE_READER_PORT = String(pg.port);
    const { output } = await runProbe("sql-probe.sh", e, psqlDir());
    const finding = evaluateSqlCycle(parseProbeOutput(output), expectation(e.PROBE_RUN_ID));
    expect(finding.result).toBe("FAIL");
    expect(finding.evidence).toContain("reader endpoint reached a server not in recovery (f)");
    expect(finding.evidence).toContain("reader accepted a write");
  });

  it("drill: the server stops and restarts mid-loop; the probe measures the outage, reconnects and loses no acknowledged write", async () => {
    const e = env({ PROBE_MODE: "drill", PROBE_DRILL_SECONDS: "40", PROBE_DRILL_SETTLE: "1", PROBE_DRILL_INTERVAL: "0.1" });
    const probe = startProbe("sql-probe.sh", e, psqlDir());
    await probe.waitFor("VERIFY drill.ready=1");
    await new Promise((r) => setTimeout(r, 500));
    await pg.primary.stop("SIGINT"); // fast shutdown: every session is cut, like a failover
    await probe.waitFor("VERIFY drill.outage-started-at-seq=");
    // Down for 1.5 s from the moment the probe saw it (on a loaded machine it may see it late).
    await new Promise((r) => setTimeout(r, 1500));
    pg.primary.start();
    await pg.waitReady();
    const { code, output } = await probe.done;
    const out = parseProbeOutput(output);
    const numbers = drillNumbers(out);
    expect(numbers.outages, output).toBe(1);
    expect(numbers.lost).toBe(0);
    // Acknowledged writes before the outage (the probe marks itself ready after five) and again after
    // it (how many depends on the machine's speed during the one-second settle).
    expect(numbers.acked).toBeGreaterThanOrEqual(6);
    expect(out.values.get("drill.recovered-after"), output).toHaveLength(1);
    // The outage lasted at least the 1.5 s the server was down after the probe saw it, and not absurdly longer.
    expect(numbers.maxWriteGapSeconds).toBeGreaterThanOrEqual(1.2);
    expect(numbers.maxWriteGapSeconds).toBeLessThan(15);
    expect(numbers.reconnectSeconds).toBeGreaterThanOrEqual(1);
    expect(numbers.reconnectSeconds).toBeLessThanOrEqual(numbers.maxWriteGapSeconds);
    expect(code).toBe(0);
    const finding = evaluateDrill(out, { rtoSeconds: 300, requireOutage: true, requireWriterChange: false });
    expect(finding.result).toBe("PASS");
    expect(finding.evidence).toMatch(/^write outage \d+\.\d s .* 0 lost$/);
    // Against a 1 s RTO the same run is a FAIL.
    expect(evaluateDrill(out, { rtoSeconds: 1, requireOutage: true, requireWriterChange: false }).evidence).toMatch(/exceeds the RTO of 1 s/);
    // And a real failover must move the writer, which a restart does not.
    expect(evaluateDrill(out, { rtoSeconds: 300, requireOutage: true, requireWriterChange: true }).result).toBe("FAIL");
  }, 90_000);

  it("drill: an acknowledged write that disappears is reported lost and FAILs", async () => {
    const e = env({ PROBE_MODE: "drill", PROBE_DRILL_SECONDS: "2", PROBE_DRILL_INTERVAL: "0.1" });
    const probe = startProbe("sql-probe.sh", e, psqlDir());
    await probe.waitFor("VERIFY drill.ready=1");
    pg.admin(`DELETE FROM cdn_verify_${e.PROBE_RUN_ID} WHERE seq = 2`);
    const { code, output } = await probe.done;
    const out = parseProbeOutput(output);
    expect(code).not.toBe(0);
    expect(drillNumbers(out).lost).toBe(1);
    const finding = evaluateDrill(out, { rtoSeconds: 300, requireOutage: false, requireWriterChange: false });
    expect(finding.result).toBe("FAIL");
    expect(finding.evidence).toContain("1 ids: 2 acknowledged writes missing afterwards");
  }, 60_000);

  it("drill: writes still failing when the drill ends are a FAIL, not a pass", async () => {
    const e = env({ PROBE_MODE: "drill", PROBE_DRILL_SECONDS: "2", PROBE_DRILL_INTERVAL: "0.1" });
    const probe = startProbe("sql-probe.sh", e, psqlDir());
    await probe.waitFor("VERIFY drill.ready=1");
    await pg.primary.stop("SIGINT");
    await new Promise((r) => setTimeout(r, 3000));
    pg.primary.start();
    await pg.waitReady();
    const { output } = await probe.done;
    const finding = evaluateDrill(parseProbeOutput(output), { rtoSeconds: 300, requireOutage: true, requireWriterChange: false });
    expect(finding.result, output).toBe("FAIL");
    expect(finding.evidence).toContain("writes had not recovered when the drill ended");
  }, 60_000);

  it("SIGTERM (Job deleted, deadline reached) still drops the probe's table", async () => {
    const e = env({ PROBE_MODE: "drill", PROBE_DRILL_SECONDS: "60", PROBE_DRILL_INTERVAL: "0.1" });
    const probe = startProbe("sql-probe.sh", e, psqlDir());
    await probe.waitFor("VERIFY drill.ready=1");
    probe.kill("SIGTERM");
    const { code, output } = await probe.done;
    expect(code).toBe(143);
    expect(output).toContain("VERIFY dropped=ok");
    expect(pg.admin(`SELECT count(*) FROM pg_tables WHERE tablename = 'cdn_verify_${e.PROBE_RUN_ID}'`).trim()).toBe("0");
  }, 60_000);
});
