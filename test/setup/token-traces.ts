/**
 * Setup file of every test worker: cdktf's token-creation stack traces are not captured (a sixth of the
 * suite's CPU time, through the source-map support of vitest's module runner). Error stack traces in
 * failures are unchanged. See skipCdktfTokenTraces in src/app/perf.ts.
 */
import { skipCdktfTokenTraces } from "../../src/app/perf";

skipCdktfTokenTraces();
