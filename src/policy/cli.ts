/**
 * The entry points' error handling: a policy violation or an invalid suppression is a finding about the
 * infrastructure, not a crash, so it prints one report (no stack trace) and exits 1. Anything else is
 * a bug and propagates with its stack trace.
 */
import type { App } from "cdktf";
import { PolicyViolationError } from "./report";
import { PolicySuppressionError } from "./suppress";

/** Builds and synthesizes the app; on a policy finding prints the report to stderr and exits 1. */
export function synthOrExit(build: () => App): void {
  try {
    build().synth();
  } catch (error) {
    if (error instanceof PolicyViolationError || error instanceof PolicySuppressionError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
