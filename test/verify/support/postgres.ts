/**
 * A real PostgreSQL primary plus a streaming hot standby on loopback, TLS-only with a server
 * certificate signed by a CA generated here (openssl), for the SQL probe's tests. The standby plays
 * the RDS reader endpoint: `pg_is_in_recovery()` is true there and it refuses writes.
 */
import { appendFileSync, chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, makePki, run, ServerProcess, tempDir, unprivilegedUser, waitFor, type RealBinary, type TestPki } from "../../helpers/real-servers";

/** The binaries this support module needs. */
export const POSTGRES_BINARIES = ["postgres", "initdb", "pg_basebackup", "psql", "openssl"] as const satisfies readonly RealBinary[];

/** Paths of those binaries. */
export type PostgresBinaries = Record<(typeof POSTGRES_BINARIES)[number], string>;

/** The running pair. */
export interface PostgresPair {
  readonly pki: TestPki;
  /** Writer port (host `localhost`). */
  readonly port: number;
  /** Standby port (host `localhost`). */
  readonly readerPort: number;
  readonly database: string;
  readonly appUser: string;
  readonly appPassword: string;
  readonly primary: ServerProcess;
  readonly standby: ServerProcess;
  /** Runs SQL on the primary as the superuser over the Unix socket (for test set-up and tampering). */
  admin(sql: string): string;
  /** Waits until the primary accepts connections. */
  waitReady(): Promise<void>;
  /** Stops both servers. */
  stop(): Promise<void>;
}

/** initdb, TLS-only pg_hba, an application role owning the database, a streaming standby; both started. */
export async function startPostgresPair(bin: PostgresBinaries): Promise<PostgresPair> {
  const user = unprivilegedUser();
  const root = tempDir("cdn-verify-pg", user);
  const pki = makePki(bin.openssl, root, user);
  const [port, readerPort] = [await freePort(), await freePort()];
  const data = join(root, "primary");
  const replica = join(root, "standby");
  const socketDir = root;
  const database = "cdn_verify_test";
  const appUser = "cdn_app";
  const appPassword = "probe-test-password";

  run(bin.initdb, ["-D", data, "-U", "admin", "--auth-local=trust", "--auth-host=reject", "-E", "UTF8", "--locale=C"], { user });
  appendFileSync(
    join(data, "postgresql.conf"),
    [
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${socketDir}'`,
      "ssl = on",
      `ssl_cert_file = '${pki.certFile}'`,
      `ssl_key_file = '${pki.keyFile}'`,
      "ssl_min_protocol_version = 'TLSv1.2'",
      "wal_level = replica",
      "max_wal_senders = 4",
      "hot_standby = on",
      "fsync = on",
      "",
    ].join("\n"),
  );
  // TLS only, like rds.force_ssl=1: no plaintext host connections at all.
  writeFileSync(
    join(data, "pg_hba.conf"),
    ["local all all trust", "local replication all trust", "hostssl all all 127.0.0.1/32 scram-sha-256", "hostnossl all all 0.0.0.0/0 reject", ""].join("\n"),
  );
  const env = { ...process.env, LC_ALL: "C" };
  const primary = new ServerProcess(bin.postgres, ["-D", data, "-p", String(port)], { user, env }).start();
  const psqlAdmin = (p: number, sql: string) => run(bin.psql, ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socketDir, "-p", String(p), "-U", "admin", "-d", database, "-c", sql], { env });
  const ready = (p: number) => async () => {
    try {
      run(bin.psql, ["-X", "-A", "-t", "-h", socketDir, "-p", String(p), "-U", "admin", "-d", "postgres", "-c", "select 1"], { env });
      return true;
    } catch {
      return false;
    }
  };
  await waitFor(`PostgreSQL on ${port}\n${primary.output}`, ready(port));
  run(bin.psql, ["-X", "-v", "ON_ERROR_STOP=1", "-h", socketDir, "-p", String(port), "-U", "admin", "-d", "postgres", "-c", `CREATE ROLE ${appUser} LOGIN PASSWORD '${appPassword}'`, "-c", `CREATE DATABASE ${database} OWNER ${appUser}`], { env });

  run(bin.pg_basebackup, ["-D", replica, "-h", socketDir, "-p", String(port), "-U", "admin", "-R", "-X", "stream", "-c", "fast"], { user, env });
  chmodSync(replica, 0o700);
  const standby = new ServerProcess(bin.postgres, ["-D", replica, "-p", String(readerPort)], { user, env }).start();
  await waitFor(`standby on ${readerPort}\n${standby.output}`, ready(readerPort));

  return {
    pki,
    port,
    readerPort,
    database,
    appUser,
    appPassword,
    primary,
    standby,
    admin: (sql) => psqlAdmin(port, sql),
    waitReady: () => waitFor(`PostgreSQL on ${port}`, ready(port)),
    stop: async () => {
      await standby.stop("SIGINT");
      await primary.stop("SIGINT");
    },
  };
}
