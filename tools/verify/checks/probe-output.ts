/**
 * The probes (tools/verify/probes/*.sh) report on stdout as `VERIFY key=value` lines among human
 * progress lines. This parses them; evaluators then judge the values, never a probe's own verdict alone.
 */

/** Parsed probe output. */
export interface ProbeOutput {
  /** Every value per key, in output order (drills repeat some keys). */
  readonly values: ReadonlyMap<string, readonly string[]>;
  /** The raw text (for evidence when something is missing). */
  readonly raw: string;
}

/** Parses `VERIFY key=value` lines; other lines are ignored. */
export function parseProbeOutput(text: string): ProbeOutput {
  const values = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^VERIFY ([a-z0-9_.-]+)=(.*)$/i.exec(line.trim());
    if (!match) continue;
    const list = values.get(match[1]) ?? [];
    list.push(match[2]);
    values.set(match[1], list);
  }
  return { values, raw: text };
}

/** The last value of `key`, or undefined. */
export function value(output: ProbeOutput, key: string): string | undefined {
  const list = output.values.get(key);
  return list?.[list.length - 1];
}

/** The first token of the last value of `key` (values may carry `error=...` after a space). */
export function token(output: ProbeOutput, key: string): string | undefined {
  return value(output, key)?.split(" ")[0];
}

/** The probe's own failure reason (`result=fail reason=...`), if it reported one. */
export function probeReason(output: ProbeOutput): string | undefined {
  const result = value(output, "result");
  if (!result || result === "ok") return undefined;
  return result.replace(/^fail reason=/, "");
}

/** The last `n` non-empty lines of the raw output (evidence when the probe printed no verdict). */
export function tail(output: ProbeOutput, n = 3): string {
  return output.raw.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(-n).join(" | ");
}
