/**
 * The application-user setup, against a real PostgreSQL (Debian's `postgresql` package) on loopback:
 *
 * - the SQL script, run as a stand-in for the RDS master user (CREATEDB CREATEROLE, member of a fake
 *   `rds_superuser`, ADMIN OPTION on a fake `rds_iam`, owner of the database; not a superuser): creates
 *   the user, is idempotent, repairs drift, and refuses an unsafe pre-existing role;
 * - the job's two containers exactly as synthesized (the init script with stubbed `aws` and `curl`
 *   replaying recorded responses, then psql with the job's arguments and environment over TLS with
 *   `sslmode=verify-full`), including denials, throttling, timeouts and a wrong CA, which must all fail.
 *
 * No IAM locally: the user's privileges are checked by logging in over the local socket (trust) and with
 * SET ROLE. When a binary is missing the suite prints one loud skip line, unless
 * CDN_REQUIRE_REAL_SERVERS=1, which turns the absence into a failure.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SETUP_APP_USER_SQL, SETUP_BACKUP_USER_SQL } from "../constructs/database-user";
import { configsOf, stack, synthesizeAll } from "./helpers/synth";

// ---------------------------------------------------------------------------------------------------
// Minimal real-server helpers (binaries, free port, unprivileged user, processes).

const BINARIES = ["initdb", "postgres", "psql", "openssl", "bash", "jq"] as const;
type Binary = (typeof BINARIES)[number];

function findBinary(name: Binary): string | undefined {
  const pg = existsSync("/usr/lib/postgresql")
    ? readdirSync("/usr/lib/postgresql").filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)).map((v) => `/usr/lib/postgresql/${v}/bin`)
    : [];
  for (const dir of [...pg, ...(process.env.PATH ?? "").split(delimiter).filter(Boolean), "/usr/bin", "/usr/sbin"]) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function requiredBinaries(): Record<Binary, string> | undefined {
  const found = Object.fromEntries(BINARIES.map((b) => [b, findBinary(b)])) as Record<Binary, string | undefined>;
  const missing = BINARIES.filter((b) => !found[b]);
  if (missing.length === 0) return found as Record<Binary, string>;
  const message = `database user setup against a real PostgreSQL: ${missing.join(", ")} not found (apt-get install -y postgresql openssl jq)`;
  if (process.env.CDN_REQUIRE_REAL_SERVERS === "1") throw new Error(`CDN_REQUIRE_REAL_SERVERS=1 but ${message}`);
  process.stderr.write(`\n!!!!! REAL-SERVER TESTS SKIPPED: ${message} !!!!!\n\n`);
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

/** PostgreSQL refuses to run as root: use the `postgres` (else `nobody`) system user then. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ["postgres", "nobody"]) {
    const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${name}:`));
    if (line) {
      const [, , uid, gid] = line.split(":");
      return { uid: Number(uid), gid: Number(gid) };
    }
  }
  throw new Error("running as root without a postgres or nobody user to run the server as");
}

interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function exec(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; user?: { uid: number; gid: number }; input?: string } = {}): Result {
  const r = spawnSync(command, args, { encoding: "utf8", env: options.env ?? process.env, uid: options.user?.uid, gid: options.user?.gid, input: options.input, timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function mustExec(command: string, args: readonly string[], options: Parameters<typeof exec>[2] = {}): string {
  const r = exec(command, args, options);
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

// ---------------------------------------------------------------------------------------------------
// The job as synthesized (dev-global-k8s): scripts, arguments and environment.

const synth = synthesizeAll();
const [job] = configsOf(stack(synth, "dev-global-k8s"), "kubernetes_job_v1");
const podSpec = job.spec.template.spec;
const fetchScript: string = podSpec.init_container[0].command[2];
const envOf = (c: any): Record<string, string> => Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
const fetchEnv = envOf(podSpec.init_container[0]);
const psqlEnv = envOf(podSpec.container[0]);
const psqlCommand: string[] = [...podSpec.container[0].command, ...podSpec.container[0].args];

/** The SecretString of an RDS-managed master secret, as GetSecretValue returns it (recorded shape). */
const MASTER_PASSWORD = String.raw`Zq:8\x"w]7;c%L!p` + "`";
function recordedGetSecretValue(password: string): string {
  return JSON.stringify({
    ARN: "arn:aws:secretsmanager:us-east-1:111111111111:secret:rds!cluster-4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d-AbCdEf",
    Name: "rds!cluster-4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    VersionId: "2f3e4d5c-6b7a-4980-9a1b-2c3d4e5f6a7b",
    SecretString: JSON.stringify({ username: "cdn_admin", password }),
    VersionStages: ["AWSCURRENT", "AWSPENDING"],
    CreatedDate: "2026-11-30T09:15:42.123000+00:00",
  });
}

/** Recorded AWS CLI failures (stderr and exit status exactly as the CLI v2 prints them). */
const AWS_FAILURES = {
  denied: {
    status: 254,
    stderr:
      "\nAn error occurred (AccessDeniedException) when calling the GetSecretValue operation: User: arn:aws:sts::111111111111:assumed-role/cdn-dev-global-db-setup/eks-cdn-global-c-db-app-use-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:111111111111:secret:rds!cluster-4a1c2b3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d-AbCdEf because no identity-based policy allows the secretsmanager:GetSecretValue action\n",
  },
  throttled: {
    status: 254,
    stderr: "\nAn error occurred (ThrottlingException) when calling the GetSecretValue operation (reached max retries: 4): Rate exceeded\n",
  },
  timeout: {
    status: 255,
    stderr: '\nConnect timeout on endpoint URL: "https://secretsmanager.us-east-1.amazonaws.com/"\n',
  },
} as const;

/** Stub `aws` and `curl` in `dir`, replaying the mode files next to them. */
function writeStubs(dir: string, jq: string): void {
  writeFileSync(
    join(dir, "aws"),
    `#!/usr/bin/env bash
set -euo pipefail
expected="secretsmanager get-secret-value --secret-id $MASTER_SECRET_ARN --query SecretString --output text"
if [[ "$*" != "$expected" ]]; then echo "unexpected aws call: $*" >&2; exit 252; fi
mode=$(cat "${dir}/aws.mode")
if [[ "$mode" == ok ]]; then
  # --query SecretString --output text prints the SecretString as is.
  "${jq}" --raw-output .SecretString "${dir}/aws.response"
else
  cat "${dir}/aws.stderr" >&2
  exit "$(cat "${dir}/aws.status")"
fi
`,
  );
  writeFileSync(
    join(dir, "curl"),
    `#!/usr/bin/env bash
set -euo pipefail
out=""; url=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --output) out="$2"; shift 2 ;;
    --proto|--retry|--connect-timeout|--max-time) shift 2 ;;
    -*) shift ;;
    *) url="$1"; shift ;;
  esac
done
[[ "$url" == "$RDS_CA_BUNDLE_URL" ]] || { echo "unexpected url $url" >&2; exit 3; }
case "$(cat "${dir}/curl.mode")" in
  ok) cp "${dir}/bundle.pem" "$out" ;;
  html) printf '<html><body>Access Denied</body></html>\\n' > "$out" ;;
  *) echo "curl: (22) The requested URL returned error: 403" >&2; exit 22 ;;
esac
`,
  );
  chmodSync(join(dir, "aws"), 0o755);
  chmodSync(join(dir, "curl"), 0o755);
}

const bins = requiredBinaries();

describe.skipIf(!bins)("application user setup against a real PostgreSQL", () => {
  const b = bins!;
  // Only when the suite runs (describe bodies are collected even when skipped).
  const user = bins ? serverUser() : undefined;
  const root = bins ? mkdtempSync(join(tmpdir(), "cdn-db-user-")) : "";
  const data = join(root, "data");
  const tls = join(root, "tls");
  const stubs = join(root, "stubs");
  let port = 0;
  let server: ChildProcess | undefined;
  let serverLog = "";
  const socket = () => ["-h", root, "-p", String(port), "-X", "-q", "-v", "ON_ERROR_STOP=1"];
  /** A superuser query over the local socket; returns unaligned, tuples-only output. */
  const asSuperuser = (db: string, sql: string) => mustExec(b.psql, [...socket(), "-U", "postgres", "-d", db, "-A", "-t", "-c", sql]).trim();
  /** The setup script as the stand-in master user, in one transaction (like the job). */
  const runScript = (db: string, appUser: string): Result =>
    exec(b.psql, [...socket(), "-U", "cdn_admin", "-d", db, "--single-transaction", `--set=app_user=${appUser}`, "-f", join(root, "setup-app-user.sql")]);

  beforeAll(async () => {
    if (user) chownSync(root, user.uid, user.gid);
    for (const dir of [tls, stubs]) mkdirSync(dir);
    writeFileSync(join(root, "setup-app-user.sql"), SETUP_APP_USER_SQL);
    mustExec(b.initdb, ["-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=reject", "--no-sync", "-E", "UTF8", "--locale=C"], { user });
    // TLS like RDS: a private CA ("the RDS bundle") signs a certificate for the host name clients use.
    const ssl = (args: string[]) => mustExec(b.openssl, args);
    ssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Test RDS Root CA", "-keyout", join(tls, "ca.key"), "-out", join(tls, "ca.pem")]);
    ssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Some Other CA", "-keyout", join(tls, "other.key"), "-out", join(tls, "other.pem")]);
    ssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", join(tls, "server.key"), "-out", join(tls, "server.csr")]);
    writeFileSync(join(tls, "san.ext"), "subjectAltName=DNS:localhost\n");
    ssl(["x509", "-req", "-in", join(tls, "server.csr"), "-CA", join(tls, "ca.pem"), "-CAkey", join(tls, "ca.key"), "-CAcreateserial", "-days", "2", "-extfile", join(tls, "san.ext"), "-out", join(tls, "server.pem")]);
    for (const f of ["server.key", "server.pem"]) {
      if (user) chownSync(join(tls, f), user.uid, user.gid);
      chmodSync(join(tls, f), 0o600);
    }
    // The job's connection: TLS only, password (scram) for the master user; local socket for the test.
    writeFileSync(join(data, "pg_hba.conf"), "local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\nhostssl all all ::1/128 scram-sha-256\n");
    port = await freePort();
    server = spawn(
      b.postgres,
      ["-D", data, "-c", `port=${port}`, "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${root}`, "-c", "ssl=on", "-c", `ssl_cert_file=${join(tls, "server.pem")}`, "-c", `ssl_key_file=${join(tls, "server.key")}`, "-c", "fsync=off"],
      { uid: user?.uid, gid: user?.gid, stdio: ["ignore", "pipe", "pipe"] },
    );
    server.stdout?.on("data", (d) => (serverLog += String(d)));
    server.stderr?.on("data", (d) => (serverLog += String(d)));
    const deadline = Date.now() + 30_000;
    while (exec(b.psql, [...socket(), "-U", "postgres", "-d", "postgres", "-c", "select 1"]).status !== 0) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`PostgreSQL did not start:\n${serverLog}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // What RDS provides: rds_iam, rds_superuser, and a master user that is not a superuser.
    asSuperuser(
      "postgres",
      [
        "CREATE ROLE rds_iam",
        "CREATE ROLE rds_superuser",
        `CREATE ROLE cdn_admin LOGIN CREATEDB CREATEROLE IN ROLE rds_superuser PASSWORD '${MASTER_PASSWORD.replaceAll("'", "''")}'`,
        "GRANT rds_iam TO cdn_admin WITH ADMIN OPTION",
      ].join("; "),
    );
    for (const db of ["cdn_global", "case_repair", "case_unsafe", "case_names"]) asSuperuser("postgres", `CREATE DATABASE ${db} OWNER cdn_admin`);
  }, 120_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once("exit", r));
      server.kill("SIGINT");
      await exited;
    }
    rmSync(root, { recursive: true, force: true });
  });

  /** Everything about `app` that the script decides, as one comparable string. */
  const stateOf = (db: string, app: string) =>
    asSuperuser(
      db,
      `SELECT concat_ws(' | ',
         'login=' || a.rolcanlogin, 'super=' || a.rolsuper, 'createdb=' || a.rolcreatedb, 'createrole=' || a.rolcreaterole,
         'replication=' || a.rolreplication, 'bypassrls=' || a.rolbypassrls, 'password=' || (a.rolpassword IS NOT NULL),
         'rds_iam=' || pg_has_role(a.rolname, 'rds_iam', 'MEMBER'),
         'connect=' || has_database_privilege(a.rolname, current_database(), 'CONNECT'),
         'schema_owner=' || (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = a.rolname),
         'schema_usage_create=' || has_schema_privilege(a.rolname, a.rolname, 'USAGE,CREATE'),
         'settings=' || (SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE s.setrole = a.oid AND d.datname = current_database()))
       FROM pg_authid a WHERE a.rolname = '${app}'`,
    );

  const EXPECTED = (app: string) =>
    [
      "login=true", "super=false", "createdb=false", "createrole=false", "replication=false", "bypassrls=false", "password=false",
      "rds_iam=true", "connect=true", "schema_owner=cdn_admin", "schema_usage_create=true", `settings=search_path=${app}`,
    ].join(" | ");

  it("runs as the (non-superuser) master user, twice, with the same result", () => {
    expect(asSuperuser("postgres", "SELECT rolsuper FROM pg_roles WHERE rolname = 'cdn_admin'")).toBe("f");
    const first = runScript("cdn_global", "cdn_app");
    expect(first.status, first.stderr).toBe(0);
    const after1 = stateOf("cdn_global", "cdn_app");
    const second = runScript("cdn_global", "cdn_app");
    expect(second.status, second.stderr).toBe(0);
    expect(stateOf("cdn_global", "cdn_app")).toBe(after1);
    expect(after1).toBe(EXPECTED("cdn_app"));
    // The log line the job prints.
    expect(second.stdout).toMatch(/cdn_app\s*\|\s*t\s*\|\s*t\s*\|\s*f\s*\|\s*t\s*\|\s*t/);
  });

  it("the user can log in, work in its schema, and nothing more", () => {
    const asApp = (sql: string) => exec(b.psql, [...socket(), "-U", "cdn_app", "-d", "cdn_global", "-A", "-t", "-c", sql]);
    const work = asApp("SELECT current_user, current_schema(); CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY); INSERT INTO items VALUES (1) ON CONFLICT DO NOTHING; SELECT count(*) FROM cdn_app.items;");
    expect(work.status, work.stderr).toBe(0);
    expect(work.stdout.trim().split("\n")).toEqual(["cdn_app|cdn_app", "1"]);
    expect(asSuperuser("cdn_global", "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'cdn_app.items'::regclass")).toBe("cdn_app");
    for (const [sql, error] of [
      ["CREATE DATABASE other", /permission denied to create database/],
      ["CREATE ROLE other", /permission denied to create role/],
      ["CREATE TABLE public.other (id int)", /permission denied for schema public/],
      ["ALTER ROLE cdn_app CREATEDB", /permission denied/],
      ["DROP SCHEMA cdn_app CASCADE", /must be owner of schema cdn_app/],
    ] as const) {
      const r = asApp(sql);
      expect(r.status, sql).not.toBe(0);
      expect(r.stderr, sql).toMatch(error);
    }
  });

  it("the same privileges under SET ROLE (how they would apply to an IAM login)", () => {
    const asRole = (sql: string) => exec(b.psql, [...socket(), "-U", "postgres", "-d", "cdn_global", "-A", "-t", "-c", "SET ROLE cdn_app", "-c", sql]);
    expect(asRole("SELECT count(*) FROM cdn_app.items").stdout.trim()).toBe("1");
    expect(asRole("CREATE DATABASE other").stderr).toMatch(/permission denied to create database/);
    expect(asRole("CREATE ROLE other").stderr).toMatch(/permission denied to create role/);
    expect(asRole("SELECT * FROM pg_authid").stderr).toMatch(/permission denied for table pg_authid/);
  });

  it("repairs a pre-existing user that drifted (CREATEDB, a password)", () => {
    asSuperuser("postgres", "CREATE ROLE app_drifted LOGIN CREATEDB PASSWORD 'hunter2hunter2'");
    const r = runScript("case_repair", "app_drifted");
    expect(r.status, r.stderr).toBe(0);
    expect(stateOf("case_repair", "app_drifted")).toBe(EXPECTED("app_drifted"));
  });

  it("refuses a pre-existing superuser loudly and changes nothing", () => {
    asSuperuser("postgres", "CREATE ROLE app_unsafe LOGIN SUPERUSER");
    const r = runScript("case_unsafe", "app_unsafe");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/role app_unsafe is a superuser, replication or bypassrls role/);
    expect(asSuperuser("case_unsafe", "SELECT count(*) FROM pg_namespace WHERE nspname = 'app_unsafe'")).toBe("0");
    expect(asSuperuser("postgres", "SELECT count(*) FROM pg_auth_members WHERE member = 'app_unsafe'::regrole AND roleid = 'rds_iam'::regrole")).toBe("0");
  });

  it("refuses a user name that is not a plain identifier (no injection through the variable)", () => {
    const r = runScript("case_names", `x'); DROP DATABASE case_names; --`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/is not a lowercase PostgreSQL identifier/);
    expect(asSuperuser("postgres", "SELECT count(*) FROM pg_database WHERE datname = 'case_names'")).toBe("1");
  });

  it("the backup user (second script, same transaction): IAM only, reads every table, writes nothing", () => {
    writeFileSync(join(root, "setup-backup-user.sql"), SETUP_BACKUP_USER_SQL);
    const both = () =>
      exec(b.psql, [...socket(), "-U", "cdn_admin", "-d", "cdn_global", "--single-transaction", "--set=app_user=cdn_app", "--set=backup_user=cdn_backup", "-f", join(root, "setup-app-user.sql"), "-f", join(root, "setup-backup-user.sql")]);
    for (let i = 0; i < 2; i++) expect(both().status).toBe(0);
    expect(asSuperuser("cdn_global", "SELECT rolcanlogin, rolpassword IS NULL, rolsuper OR rolcreatedb OR rolcreaterole FROM pg_authid WHERE rolname = 'cdn_backup'")).toBe("t|t|f");
    expect(asSuperuser("cdn_global", "SELECT pg_has_role('cdn_backup', 'rds_iam', 'MEMBER'), pg_has_role('cdn_backup', 'pg_read_all_data', 'MEMBER')")).toBe("t|t");
    // Data the application owns, in its own schema.
    asSuperuser("cdn_global", "SET ROLE cdn_app; CREATE TABLE IF NOT EXISTS cdn_app.bundles_seen (id int); INSERT INTO cdn_app.bundles_seen VALUES (1)");
    const asBackup = (sql: string) => exec(b.psql, [...socket(), "-U", "postgres", "-d", "cdn_global", "-A", "-t", "-c", `SET ROLE cdn_backup; ${sql}`]);
    expect(asBackup("SELECT count(*) FROM cdn_app.bundles_seen").stdout.trim()).toMatch(/^[1-9]\d*$/);
    expect(asBackup("INSERT INTO cdn_app.bundles_seen VALUES (2)").status).not.toBe(0);
    expect(asBackup("CREATE TABLE cdn_app.nope (id int)").status).not.toBe(0);
    // Its own role, never the application's or the master's.
    expect(exec(b.psql, [...socket(), "-U", "cdn_admin", "-d", "cdn_global", "--set=app_user=cdn_app", "--set=backup_user=cdn_app", "-f", join(root, "setup-app-user.sql"), "-f", join(root, "setup-backup-user.sql")]).status).not.toBe(0);
  });

  describe("the job's containers, as synthesized", () => {
    const work = join(root, "work");
    const sqlDir = join(root, "sql");
    const home = join(root, "home");

    /** Runs the init container's script with the stubs; returns its result and what it left in /setup. */
    const runFetch = (aws: "ok" | keyof typeof AWS_FAILURES, curl: "ok" | "html" | "fail", response = recordedGetSecretValue(MASTER_PASSWORD)) => {
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work);
      writeFileSync(join(stubs, "aws.mode"), aws);
      writeFileSync(join(stubs, "curl.mode"), curl);
      writeFileSync(join(stubs, "aws.response"), response);
      if (aws !== "ok") {
        writeFileSync(join(stubs, "aws.stderr"), AWS_FAILURES[aws].stderr);
        writeFileSync(join(stubs, "aws.status"), String(AWS_FAILURES[aws].status));
      }
      const script = fetchScript.replaceAll("/setup/", `${work}/`);
      const env = { ...fetchEnv, MASTER_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:111111111111:secret:rds!cluster-4a1c2b3d", HOME: home, PATH: `${stubs}${delimiter}${process.env.PATH}` };
      const result = exec(b.bash, ["-c", script], { env });
      const pgpass = join(work, "pgpass");
      return { ...result, pgpass: existsSync(pgpass) ? readFileSync(pgpass, "utf8") : undefined };
    };

    /** Runs the psql container's command with its environment, pointed at the local server. */
    const runPsql = (overrides: Record<string, string> = {}) => {
      const env = {
        ...psqlEnv,
        PGHOST: "localhost",
        PGPORT: String(port),
        PGUSER: "cdn_admin",
        PGPASSFILE: psqlEnv.PGPASSFILE.replace("/setup/", `${work}/`),
        PGSSLROOTCERT: psqlEnv.PGSSLROOTCERT.replace("/setup/", `${work}/`),
        HOME: home,
        PATH: process.env.PATH,
        ...overrides,
      };
      const [command, ...args] = psqlCommand;
      expect(command).toBe("psql");
      return exec(b.psql, args.map((a) => a.replace("=/sql/", `=${sqlDir}/`)), { env });
    };

    beforeAll(() => {
      mkdirSync(sqlDir);
      mkdirSync(home);
      writeFileSync(join(sqlDir, "setup-app-user.sql"), SETUP_APP_USER_SQL);
      writeFileSync(join(sqlDir, "setup-backup-user.sql"), SETUP_BACKUP_USER_SQL);
      writeFileSync(join(stubs, "bundle.pem"), readFileSync(join(tls, "ca.pem")));
      writeStubs(stubs, b.jq);
    });

    it("the environment is the one the job ships with", () => {
      expect(psqlEnv.PGSSLMODE).toBe("verify-full");
      expect(psqlEnv.PGDATABASE).toBe("cdn_global");
      expect(psqlCommand).toContain("--set=app_user=cdn_app");
      expect(fetchScript).toContain("/setup/pgpass");
    });

    it("fetch, then psql over verify-full TLS as the master user: creates cdn_app, twice in a row", () => {
      for (let i = 0; i < 2; i++) {
        const fetch = runFetch("ok", "ok");
        expect(fetch.status, fetch.stderr).toBe(0);
        // Nothing secret on stdout (it ends up in the pod log).
        expect(fetch.stdout).not.toContain(MASTER_PASSWORD);
        expect(fetch.stdout).toMatch(/ready/);
        // libpq ignores a password file that others can read.
        expect(existsSync(join(work, "pgpass"))).toBe(true);
        const mode = spawnSync("stat", ["-c", "%a", join(work, "pgpass")], { encoding: "utf8" }).stdout.trim();
        expect(mode).toBe("600");
        const psql = runPsql();
        expect(psql.status, `${psql.stdout}${psql.stderr}`).toBe(0);
        expect(psql.stderr).not.toMatch(/WARNING|ERROR/);
        expect(psql.stdout).toMatch(/cdn_app\s*\|\s*t\s*\|\s*t\s*\|\s*f\s*\|\s*t\s*\|\s*t/);
        // backup_user | can_login | iam_auth_only | reads_all_data | privileged
        expect(psql.stdout).toMatch(/cdn_backup\s*\|\s*t\s*\|\s*t\s*\|\s*t\s*\|\s*f/);
      }
      expect(stateOf("cdn_global", "cdn_app")).toBe(EXPECTED("cdn_app"));
    });

    it("really used TLS: the server accepts TCP connections only over TLS", () => {
      expect(runFetch("ok", "ok").status).toBe(0);
      const plain = runPsql({ PGSSLMODE: "disable" });
      expect(plain.status).not.toBe(0);
      expect(plain.stderr).toMatch(/no pg_hba\.conf entry for host .* no encryption/);
    });

    it("escapes ':' and '\\' so libpq reads the exact password", () => {
      const fetch = runFetch("ok", "ok");
      expect(fetch.pgpass).toBe(`*:*:*:*:${MASTER_PASSWORD.replaceAll("\\", "\\\\").replaceAll(":", "\\:")}\n`);
    });

    it("psql refuses a server whose certificate the bundle does not vouch for", () => {
      const fetch = runFetch("ok", "ok");
      expect(fetch.status).toBe(0);
      writeFileSync(join(work, "rds-ca.pem"), readFileSync(join(tls, "other.pem")));
      const psql = runPsql();
      expect(psql.status).not.toBe(0);
      expect(psql.stderr).toMatch(/certificate verify failed/);
    });

    it("psql refuses a host name the certificate does not carry (verify-full)", () => {
      expect(runFetch("ok", "ok").status).toBe(0);
      // Same server, reached by its address: the certificate names only "localhost".
      const psql = runPsql({ PGHOST: "127.0.0.1" });
      expect(psql.status).not.toBe(0);
      expect(psql.stderr).toMatch(/server certificate for "localhost".* does not match host name "127\.0\.0\.1"/);
    });

    it("a rotated password fails authentication instead of passing", () => {
      expect(runFetch("ok", "ok", recordedGetSecretValue("not-the-password")).status).toBe(0);
      const psql = runPsql();
      expect(psql.status).not.toBe(0);
      expect(psql.stderr).toMatch(/password authentication failed for user "cdn_admin"/);
    });

    it.each(Object.keys(AWS_FAILURES) as (keyof typeof AWS_FAILURES)[])("fails when Secrets Manager answers %s", (mode) => {
      const fetch = runFetch(mode, "ok");
      expect(fetch.status).not.toBe(0);
      expect(fetch.stderr).toContain(AWS_FAILURES[mode].stderr.trim());
      expect(fetch.pgpass ?? "").toBe("");
    });

    it.each(["fail", "html"] as const)("fails when the CA bundle download %s", (mode) => {
      const fetch = runFetch("ok", mode);
      expect(fetch.status).not.toBe(0);
      expect(fetch.stderr).toMatch(mode === "fail" ? /returned error: 403/ : /not a PEM certificate bundle/);
      expect(fetch.pgpass).toBeUndefined();
    });

    it("fails when the secret has no password field", () => {
      const fetch = runFetch("ok", "ok", JSON.stringify({ ARN: "x", Name: "x", SecretString: JSON.stringify({ username: "cdn_admin" }) }));
      expect(fetch.status).not.toBe(0);
      expect(fetch.stderr).toMatch(/null \(null\) cannot be matched/);
    });
  });
});
