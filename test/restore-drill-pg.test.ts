/**
 * A real restore: pg_dump of a real database, replayed through the recorded S3 GetObject, restored with
 * the real pg_restore into a real PostgreSQL on loopback, probed with the real psql (the drill's AWS
 * side is the recorded one of test/restore-drill.test.ts).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgTools } from "../tools/restore-drill";
import { freePort, realServers, run, ServerProcess, tempDir, unprivilegedUser, waitFor } from "./helpers/real-servers";
import { GOT, PASSWORD, drill, healthy } from "./helpers/restore-drill-aws";

const bin = realServers("restore drill into a real PostgreSQL (test/restore-drill-pg.test.ts)", ["initdb", "postgres", "psql", "pg_dump", "pg_restore"]);

describe.skipIf(!bin)("a drill that restores a real dump into a real PostgreSQL", () => {
  const user = bin ? unprivilegedUser() : undefined;
  const dir = bin ? tempDir("cdn-drill-pg", user) : "";
  let port = 0;
  let server: ServerProcess | undefined;
  const psql = (sql: string, db = "postgres", extra: string[] = []) => run(bin!.psql, ["-X", "-v", "ON_ERROR_STOP=1", ...extra, "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", db, "-c", sql]);

  beforeAll(async () => {
    port = await freePort();
    run(bin!.initdb, ["-D", join(dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], { user });
    server = new ServerProcess(bin!.postgres, ["-D", join(dir, "data"), "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"], { user }).start();
    await waitFor(() => `PostgreSQL on ${port}\n${server?.output}`, () => (psql("select 1"), true));
    // The source: a database with the platform's kind of data.
    psql("create database source_db");
    psql("create table bundles (id int primary key, name text not null); insert into bundles values (1, 'edge-config'), (2, 'routing'); create table regions (key text primary key)", "source_db");
    run(bin!.pg_dump, ["--format=custom", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", `--file=${join(dir, "source.dump")}`, "source_db"], { user });
    // The "temporary instance": an empty database owned by the drill's master user, as RDS creates it.
    psql(`create role drill_admin login password '${PASSWORD}'`);
    psql("create database cdn_global owner drill_admin");
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  it("restores every table and the probe counts them", async () => {
    const dumpBytes = readFileSync(join(dir, "source.dump"));
    // Dialled like a tunnel: the RDS endpoint name as host (never resolved), the loopback as hostaddr.
    const { report } = await drill((a) => ({ ...healthy(a), "s3:GetObject": [{ ...GOT, body: dumpBytes }] }), {
      ...pgTools({ sslMode: "disable", binDir: dirname(bin!.pg_restore) }),
      connectVia: (endpoint) => ({ host: endpoint.host, hostaddr: "127.0.0.1", port }),
    });
    expect(report.problems).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.probe?.tables).toBe(2);
    expect(report.probe?.detail).toMatch(/^cdn_global on PostgreSQL \d+/);
    expect(psql("select string_agg(name, ',' order by id) from bundles", "cdn_global", ["-A", "-t"]).trim()).toBe("edge-config,routing");
  }, 60_000);

  it("a corrupt archive fails the restore with pg_restore's reason", async () => {
    const { report } = await drill((a) => ({ ...healthy(a), "s3:GetObject": [{ ...GOT, body: Buffer.from("not a dump") }] }), {
      ...pgTools({ sslMode: "disable", binDir: dirname(bin!.pg_restore) }),
      connectVia: () => ({ host: "127.0.0.1", port }),
    });
    expect(report.passed).toBe(false);
    expect(report.problems[0]).toMatch(/^restore: pg_restore exited 1: .*(input file|archive)/);
    expect(report.cleanup).toBe("deleted");
  }, 60_000);
});
