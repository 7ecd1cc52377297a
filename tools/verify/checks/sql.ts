/**
 * Judges the SQL probe's output (tools/verify/probes/sql-probe.sh): the connect/create/insert/read/drop
 * cycle on the writer and the reader check, and the failover drill.
 */
import { judge, type Finding } from "../model";
import { probeReason, tail, token, value, type ProbeOutput } from "./probe-output";

/** What the cycle must show. */
export interface SqlExpectation {
  /** The plane's database name (e.g. `cdn_global`): connecting anywhere else is a FAIL. */
  readonly database: string;
  /** The application role the probe logs in as. */
  readonly user: string;
  /** The run id the probe wrote and must read back. */
  readonly runId: string;
  /** Whether the reader must be a readable standby (true on RDS; a test may use the primary). */
  readonly readerIsStandby: boolean;
  /** Whether the reader endpoint is checked at all. */
  readonly checkReader: boolean;
}

/** The writer cycle and the reader endpoint, from one probe run. */
export function evaluateSqlCycle(out: ProbeOutput, expect: SqlExpectation): Finding {
  const problems: string[] = [];
  const v = (k: string) => value(out, k);
  const reason = probeReason(out);
  if (reason) problems.push(`probe failed: ${reason}`);
  if (v("writer.database") === undefined) {
    if (!reason) problems.push(`probe reported nothing (${tail(out) || "no output"})`);
    return judge(problems, "");
  }
  if (v("writer.ssl") !== "t") problems.push(`writer session not encrypted (ssl=${v("writer.ssl")})`);
  if (v("writer.database") !== expect.database) problems.push(`connected to database ${v("writer.database")}, expected ${expect.database}`);
  if (v("writer.user") !== expect.user) problems.push(`logged in as ${v("writer.user")}, expected ${expect.user}`);
  if (v("writer.recovery") !== "f") problems.push(`the writer endpoint reached a server in recovery (${v("writer.recovery")})`);
  if (v("created") !== "ok") problems.push("table not created");
  if (v("inserted") !== "1") problems.push(`insert returned ${v("inserted") ?? "nothing"}`);
  if (v("readback") !== expect.runId) problems.push(`read back ${v("readback") ?? "nothing"}, expected ${expect.runId}`);
  if (token(out, "dropped") !== "ok") problems.push(`table not dropped (${v("dropped") ?? "no report"})`);
  if (expect.checkReader) {
    if (v("reader.readback") !== expect.runId) problems.push(`reader did not return the row (${v("reader.error") ?? v("reader.readback") ?? "no report"})`);
    if (v("reader.ssl") !== "t") problems.push(`reader session not encrypted (ssl=${v("reader.ssl")})`);
    if (expect.readerIsStandby) {
      if (v("reader.recovery") !== "t") problems.push(`reader endpoint reached a server not in recovery (${v("reader.recovery")})`);
      if (token(out, "reader.write") !== "refused") problems.push(`reader accepted a write (${v("reader.write") ?? "no report"})`);
    }
  }
  if (!reason && value(out, "result") !== "ok") problems.push("probe did not finish (no result line)");
  const reader = expect.checkReader
    ? `; reader ${v("reader.address")}${v("reader.recovery") === "t" ? " (standby)" : ""}: row replicated${token(out, "reader.write") === "refused" ? ", write refused" : ""}`
    : "";
  return judge(
    problems,
    `${v("writer.tls")} verify-full as ${v("writer.user")}@${v("writer.database")} on writer ${v("writer.address")}; ${v("table")} created, row inserted and read back, dropped${reader}`,
  );
}

/** What the failover drill must show. */
export interface DrillExpectation {
  /** Recovery time objective: the longest tolerated gap between acknowledged writes, in seconds. */
  readonly rtoSeconds: number;
  /** Whether the writer's address must have changed (a real failover; a restart in tests keeps it). */
  readonly requireWriterChange: boolean;
  /** Whether at least one outage must have been observed (true when a failover was triggered). */
  readonly requireOutage: boolean;
}

/** Numbers of a drill, for the report. */
export interface DrillNumbers {
  readonly acked: number;
  readonly lost: number;
  readonly outages: number;
  readonly maxWriteGapSeconds: number;
  readonly reconnectSeconds: number;
  readonly writerChanges: readonly string[];
}

/** Reads the drill's numbers (NaN where missing). */
export function drillNumbers(out: ProbeOutput): DrillNumbers {
  const n = (k: string) => Number(value(out, k) ?? NaN);
  return {
    acked: n("drill.acked"),
    lost: Number((value(out, "drill.lost") ?? "NaN").split(" ")[0]),
    outages: n("drill.outages"),
    maxWriteGapSeconds: n("drill.max-write-gap"),
    reconnectSeconds: n("drill.reconnect"),
    writerChanges: out.values.get("drill.writer-changed") ?? [],
  };
}

/** The drill: zero acknowledged writes lost, the write outage within the RTO, writes flowing at the end. */
export function evaluateDrill(out: ProbeOutput, expect: DrillExpectation): Finding {
  const problems: string[] = [];
  const d = drillNumbers(out);
  const reason = probeReason(out);
  if (reason) problems.push(`probe failed: ${reason}`);
  if (Number.isNaN(d.acked) || Number.isNaN(d.lost)) {
    if (!reason) problems.push(`drill reported no totals (${tail(out) || "no output"})`);
    return judge(problems, "");
  }
  if (d.acked === 0) problems.push("no write was ever acknowledged");
  if (d.lost !== 0) problems.push(`${value(out, "drill.lost")} acknowledged writes missing afterwards`);
  if (value(out, "drill.still-down") !== "0") problems.push(`writes had not recovered when the drill ended (last error: ${value(out, "drill.last-error") ?? "?"})`);
  if (!(d.maxWriteGapSeconds <= expect.rtoSeconds)) problems.push(`write outage ${d.maxWriteGapSeconds} s exceeds the RTO of ${expect.rtoSeconds} s`);
  if (expect.requireOutage && !(d.outages >= 1)) problems.push("no write outage observed: the probe may not have written through the failed-over writer");
  if (expect.requireWriterChange && d.writerChanges.length === 0) problems.push("the writer's address never changed during the drill");
  const moved = d.writerChanges.length > 0 ? `, writer moved ${d.writerChanges.join(", ")}` : "";
  return judge(
    problems,
    `write outage ${d.maxWriteGapSeconds.toFixed(1)} s (longest gap between acknowledged writes; RTO ${expect.rtoSeconds} s), reconnect ${d.reconnectSeconds.toFixed(1)} s, ${d.outages} outage(s), ${d.acked} acknowledged writes, 0 lost${moved}`,
  );
}
