/**
 * Synthesis speed-ups that change no output.
 *
 * cdktf captures a full stack trace (with an unlimited frame count) for every token it creates, into a
 * plain object rather than an Error, and keeps it only for error messages about that token. Capturing
 * and formatting those traces (and mapping them through source maps under tsx) was a third of synthesis
 * time. In the synth process, captures into plain objects are skipped (cdktf then records an empty
 * creation stack); real Errors keep their stack traces. The test run's shared synth uses it (as `npm run synth`
 * and the cdktf CLI do); tests that synthesize in-process do not, and test/infra-diff.test.ts checks that
 * both write the same bytes.
 */

let installed = false;

/** Installs the speed-ups once per process. */
export function installSynthSpeedups(): void {
  if (installed) return;
  installed = true;
  process.setSourceMapsEnabled(false);
  const capture = Error.captureStackTrace.bind(Error);
  Error.captureStackTrace = (target: object, constructorOpt?: Function) => {
    if (target instanceof Error) capture(target, constructorOpt);
  };
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
    if (!(error instanceof Error)) return "";
    if (previous) return previous(error, frames);
    const header = error.message ? `${error.name}: ${error.message}` : error.name;
    return [header, ...frames.map((frame) => `    at ${frame.toString()}`)].join("\n");
  };
}

let tokenTracesSkipped = false;

/**
 * The narrow form for processes that keep every other stack trace as it is (the test workers, where
 * failures must show mapped source lines): skips only cdktf's token-creation captures, recognized by
 * their plain-object target and the unlimited frame count cdktf sets around them. Real Errors, and
 * other libraries' captures, are untouched. Tokens then carry an empty creation stack.
 */
export function skipCdktfTokenTraces(): void {
  if (tokenTracesSkipped) return;
  tokenTracesSkipped = true;
  const capture = Error.captureStackTrace.bind(Error);
  Error.captureStackTrace = (target: object, constructorOpt?: Function) => {
    if (!(target instanceof Error) && Error.stackTraceLimit === Number.MAX_SAFE_INTEGER) return;
    capture(target, constructorOpt);
  };
}
