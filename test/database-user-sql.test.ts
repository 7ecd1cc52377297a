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
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SETUP_APP_USER_SQL, SETUP_BACKUP_USER_SQL } from "../constructs/database-user";
import { exec, freePort, makePki, realServers, run, ServerProcess, tempDir, unprivilegedUser, waitFor, type TestPki } from "./helpers/real-servers";
import { configsOf, stack, synthesizeAll } from "./helpers/synth";

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

const bins = realServers("database user setup against a real PostgreSQL (test/database-user-sql.test.ts)", ["initdb", "postgres", "psql", "openssl", "bash", "jq"]);

describe.skipIf(!bins)("application user setup against a real PostgreSQL", () => {
  const b = bins!;
  // Only when the suite runs (describe bodies are collected even when skipped).
  const user = bins ? unprivilegedUser() : undefined;
  const root = bins ? tempDir("cdn-db-user", user) : "";
  const data = join(root, "data");
  const stubs = join(root, "stubs");
  let pki: TestPki;
  let port = 0;
  let server: ServerProcess | undefined;
  const socket = () => ["-h", root, "-p", String(port), "-X", "-q", "-v", "ON_ERROR_STOP=1"];
  /** A superuser query over the local socket; returns unaligned, tuples-only output. */
  const asSuperuser = (db: string, sql: string) => run(b.psql, [...socket(), "-U", "postgres", "-d", db, "-A", "-t", "-c", sql]).trim();
  /** The setup script as the stand-in master user, in one transaction (like the job). */
  const runScript = (db: string, appUser: string) =>
    exec(b.psql, [...socket(), "-U", "cdn_admin", "-d", db, "--single-transaction", `--set=app_user=${appUser}`, "-f", join(root, "setup-app-user.sql")]);

  beforeAll(async () => {
    mkdirSync(stubs);
    writeFileSync(join(root, "setup-app-user.sql"), SETUP_APP_USER_SQL);
    run(b.initdb, ["-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=reject", "--no-sync", "-E", "UTF8", "--locale=C"], { user });
    // TLS like RDS: a private CA ("the RDS bundle") signs a certificate for the host name clients use.
    pki = makePki(b.openssl, root, user);
    // The job's connection: TLS only, password (scram) for the master user; local socket for the test.
    writeFileSync(join(data, "pg_hba.conf"), "local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\nhostssl all all ::1/128 scram-sha-256\n");
    port = await freePort();
    const postgres = new ServerProcess(
      b.postgres,
      ["-D", data, "-c", `port=${port}`, "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${root}`, "-c", "ssl=on", "-c", `ssl_cert_file=${pki.certFile}`, "-c", `ssl_key_file=${pki.keyFile}`, "-c", "fsync=off"],
      { user },
    ).start();
    server = postgres;
    await waitFor(
      () => `PostgreSQL to start:\n${postgres.output}`,
      () => postgres.running && exec(b.psql, [...socket(), "-U", "postgres", "-d", "postgres", "-c", "select 1"]).status === 0,
      30_000,
    );
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
    await server?.stop("SIGINT");
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
      writeFileSync(join(stubs, "bundle.pem"), readFileSync(pki.caFile));
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
        expect((statSync(join(work, "pgpass")).mode & 0o777).toString(8)).toBe("600");
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
      writeFileSync(join(work, "rds-ca.pem"), readFileSync(pki.otherCaFile));
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
