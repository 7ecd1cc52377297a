/**
 * Judges the S3 probe (tools/verify/probes/s3-probe.sh): the global plane's workload role writes, reads
 * back with an equal SHA-256 and deletes; a regional plane's role reads the same object and is denied a
 * write. The identity must be the plane's workload role.
 */
import { judge, type Finding } from "../model";
import { probeReason, tail, token, value, type ProbeOutput } from "./probe-output";

/** What the S3 probe must show. */
export interface S3Expectation {
  /** read-write (global) or read (regional). */
  readonly access: "read-write" | "read";
  /** The plane's workload role name: the probe's identity must be this role. */
  readonly roleName: string;
  /** The bucket. */
  readonly bucket: string;
  /** For read: the SHA-256 the writer reported. */
  readonly expectedSha256?: string;
  /** For read-write with a hold: the object stays for readers; its deletion is reported later. */
  readonly held?: boolean;
}

/** The identity's role name from an assumed-role ARN. */
export function roleOf(arn: string | undefined): string | undefined {
  return /:assumed-role\/([^/]+)\//.exec(arn ?? "")?.[1];
}

/** Judges one S3 probe run. */
export function evaluateS3(out: ProbeOutput, expect: S3Expectation): Finding {
  const problems: string[] = [];
  const v = (k: string) => value(out, k);
  const reason = probeReason(out);
  if (reason) problems.push(`probe failed: ${reason}`);
  if (!v("identity")) {
    if (!reason) problems.push(`probe reported nothing (${tail(out) || "no output"})`);
    return judge(problems, "");
  }
  const role = roleOf(v("identity"));
  if (role !== expect.roleName) problems.push(`ran as ${v("identity")}, expected the role ${expect.roleName}`);
  if (expect.access === "read-write") {
    if (v("put") !== "ok") problems.push("put not confirmed");
    if (v("get") !== "ok") problems.push("get not confirmed");
    if (!v("sha256.put") || v("sha256.put") !== v("sha256.get")) problems.push(`checksums differ: put ${v("sha256.put")}, get ${v("sha256.get")}`);
    if (expect.held ? v("hold") !== "ready" : token(out, "deleted") !== "ok") problems.push(expect.held ? "object not held for readers" : `object not deleted (${v("deleted") ?? "no report"})`);
  } else {
    if (v("get") !== "ok") problems.push("read not confirmed");
    if (!expect.expectedSha256 || v("sha256.get") !== expect.expectedSha256) problems.push(`read ${v("sha256.get")}, writer put ${expect.expectedSha256 ?? "nothing"}`);
    const write = v("write");
    if (write?.startsWith("allowed") || v("write-cleanup")) problems.push(`a write was ALLOWED to a read-only plane${v("write-cleanup") ? ` (cleanup: ${v("write-cleanup")})` : ""}`);
    else if (!write?.startsWith("denied")) problems.push("write attempt not reported");
    else if (!/AccessDenied/.test(write)) problems.push(`write failed, but not with AccessDenied: ${write}`);
  }
  if (!reason && v("result") !== "ok" && !expect.held) problems.push("probe did not finish (no result line)");
  const sha = (v("sha256.get") ?? "").slice(0, 12);
  return judge(
    problems,
    expect.access === "read-write"
      ? `as ${role}: put, get (sha256 ${sha}... equal)${expect.held ? ", held for regional readers" : ", delete"} on s3://${expect.bucket}`
      : `as ${role}: read the global plane's object (sha256 ${sha}... equal); write denied (AccessDenied)`,
  );
}
