/**
 * Real servers for tests: finds the binaries of Debian's packages (postgresql, prometheus + promtool,
 * prometheus-alertmanager + amtool, prometheus-node-exporter), starts them on loopback with free ports
 * and temporary directories, and stops them again.
 *
 * When a binary is missing, {@link realServers} prints ONE loud skip line per suite and returns
 * undefined (use it with `describe.skipIf`), unless `CDN_REQUIRE_REAL_SERVERS=1` (set by `.ci/run`):
 * then a missing binary throws, so the suite fails instead of silently skipping.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** The binaries tests may ask for. */
export type RealBinary =
  | "postgres"
  | "initdb"
  | "pg_basebackup"
  | "pg_dump"
  | "pg_restore"
  | "psql"
  | "bash"
  | "jq"
  | "openssl"
  | "prometheus"
  | "promtool"
  | "alertmanager"
  | "amtool"
  | "node-exporter";

/** Candidate executable names per binary (Debian names first, upstream names second). */
const NAMES: Record<RealBinary, readonly string[]> = {
  postgres: ["postgres"],
  initdb: ["initdb"],
  pg_basebackup: ["pg_basebackup"],
  pg_dump: ["pg_dump"],
  pg_restore: ["pg_restore"],
  psql: ["psql"],
  bash: ["bash"],
  jq: ["jq"],
  openssl: ["openssl"],
  prometheus: ["prometheus"],
  promtool: ["promtool"],
  alertmanager: ["prometheus-alertmanager", "alertmanager"],
  amtool: ["amtool"],
  "node-exporter": ["prometheus-node-exporter", "node_exporter"],
};

/** Debian installs the PostgreSQL server binaries outside PATH: /usr/lib/postgresql/<major>/bin. */
function postgresBinDirs(): string[] {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, "bin"));
}

/** Absolute path of a binary, or undefined. */
export function findBinary(binary: RealBinary): string | undefined {
  const dirs = [...postgresBinDirs(), ...(process.env.PATH ?? "").split(delimiter).filter(Boolean), "/usr/sbin", "/usr/bin"];
  for (const name of NAMES[binary]) {
    for (const dir of dirs) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
  }
  return undefined;
}

/** True when CI demands the real servers (`CDN_REQUIRE_REAL_SERVERS=1`). */
export const REAL_SERVERS_REQUIRED = process.env.CDN_REQUIRE_REAL_SERVERS === "1";

/**
 * Paths of `binaries`, or undefined after one loud skip line (throws instead when CI requires real
 * servers). `suite` names what is skipped.
 */
export function realServers<B extends RealBinary>(suite: string, binaries: readonly B[]): Record<B, string> | undefined {
  const found = {} as Record<B, string>;
  const missing: string[] = [];
  for (const b of binaries) {
    const path = findBinary(b);
    if (path) found[b] = path;
    else missing.push(b);
  }
  if (missing.length === 0) return found;
  const hint = "install with: apt-get install -y --no-install-recommends postgresql prometheus prometheus-alertmanager prometheus-node-exporter openssl jq";
  if (REAL_SERVERS_REQUIRED) {
    throw new Error(`${suite}: CDN_REQUIRE_REAL_SERVERS=1 but ${missing.join(", ")} not found; ${hint}`);
  }
  process.stderr.write(`\n!!!!! REAL-SERVER TESTS SKIPPED: ${suite}: ${missing.join(", ")} not found (${hint}) !!!!!\n\n`);
  return undefined;
}

/** A free TCP port on 127.0.0.1 (released before returning; bind it soon). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** A system user's uid/gid from /etc/passwd, or undefined. */
export function systemUser(name: string): { uid: number; gid: number } | undefined {
  if (!existsSync("/etc/passwd")) return undefined;
  const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${name}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * The identity servers that refuse root (PostgreSQL) run as: the `postgres` system user when the tests
 * run as root (CI), else the current user (undefined).
 */
export function unprivilegedUser(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
  const user = systemUser("postgres") ?? systemUser("nobody");
  if (!user) throw new Error("running as root and neither a postgres nor a nobody user exists to run servers as");
  return user;
}

/** A temporary directory removed at process exit; owned by `owner` when given. */
export function tempDir(prefix: string, owner?: { uid: number; gid: number }): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Polls `condition` every 100 ms until it returns true; throws naming `what` (evaluated then) after `timeoutMs`. */
export async function waitFor(what: string | (() => string), condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await condition()) return;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const label = typeof what === "function" ? what() : what;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}${last ? `: ${String(last)}` : ""}`);
}

/** How to run a command: as whom, where, with which environment and standard input. */
export interface RunOptions {
  readonly user?: { uid: number; gid: number };
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
}

/** How a command ended. */
export interface Executed {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (at most a minute) and returns how it ended; throws only when it cannot start. */
export function exec(command: string, args: readonly string[], options: RunOptions = {}): Executed {
  const result = spawnSync(command, args, { encoding: "utf8", cwd: options.cwd, uid: options.user?.uid, gid: options.user?.gid, env: options.env ?? process.env, input: options.input, timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a command to completion; throws with its output when it fails. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): string {
  const result = exec(command, args, options);
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** A certificate authority and a server certificate for `localhost` it signed. */
export interface TestPki {
  /** CA certificate (PEM file): what the probe trusts. */
  readonly caFile: string;
  /** A second, unrelated CA: verification against it must fail. */
  readonly otherCaFile: string;
  /** Server certificate and key (readable by the server's user). */
  readonly certFile: string;
  readonly keyFile: string;
}

/** Generates a CA, an unrelated CA and a server certificate with SAN DNS:localhost only. */
export function makePki(openssl: string, dir: string, owner?: { uid: number; gid: number }): TestPki {
  const p = (f: string) => join(dir, f);
  const subj = (cn: string) => ["-subj", `/CN=${cn}`];
  for (const ca of ["ca", "other-ca"]) {
    run(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", p(`${ca}.key`), "-out", p(`${ca}.pem`), "-days", "2", ...subj(`cdn-verify test ${ca}`), "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  }
  run(openssl, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", p("server.key"), "-out", p("server.csr"), ...subj("localhost")]);
  writeFileSync(p("server.ext"), "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
  run(openssl, ["x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-CAcreateserial", "-out", p("server.crt"), "-days", "2", "-extfile", p("server.ext")]);
  chmodSync(p("server.key"), 0o600);
  if (owner) for (const f of ["server.key", "server.crt"]) chownSync(p(f), owner.uid, owner.gid);
  return { caFile: p("ca.pem"), otherCaFile: p("other-ca.pem"), certFile: p("server.crt"), keyFile: p("server.key") };
}


/** A long-running server process with its output captured; stop it with {@link ServerProcess.stop}. */
export class ServerProcess {
  private child?: ChildProcess;
  /** Everything the process wrote to stdout and stderr. */
  output = "";

  constructor(
    readonly command: string,
    readonly args: readonly string[],
    private readonly options: { user?: { uid: number; gid: number }; env?: NodeJS.ProcessEnv; cwd?: string } = {},
  ) {}

  /** Starts the process (again, after a stop). */
  start(): this {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) throw new Error(`${this.command} is already running`);
    const child = spawn(this.command, [...this.args], {
      uid: this.options.user?.uid,
      gid: this.options.user?.gid,
      env: this.options.env ?? process.env,
      cwd: this.options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d) => (this.output += String(d)));
    child.stderr?.on("data", (d) => (this.output += String(d)));
    this.child = child;
    const kill = () => child.kill("SIGKILL");
    process.once("exit", kill);
    child.once("exit", () => process.removeListener("exit", kill));
    return this;
  }

  /** True while the process runs. */
  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` (default SIGTERM) and waits for the exit (SIGKILL after `timeoutMs`). */
  async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}
