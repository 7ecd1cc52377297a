/**
 * Synthesis speed-ups that change no output.
 *
 * cdktf captures a full stack trace (with an unlimited frame count) for every token it creates, into a
 * plain object rather than an Error, and keeps it only for error messages about that token. Formatting
 * those traces (and mapping them through source maps under tsx) was a third of synthesis time. Real
 * Errors keep their formatted stack traces; the token capture objects get an empty one.
 */

let installed = false;

/** Installs the speed-ups once per process. */
export function installSynthSpeedups(): void {
  if (installed) return;
  installed = true;
  process.setSourceMapsEnabled(false);
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
    if (!(error instanceof Error)) return "";
    if (previous) return previous(error, frames);
    const header = error.message ? `${error.name}: ${error.message}` : error.name;
    return [header, ...frames.map((frame) => `    at ${frame.toString()}`)].join("\n");
  };
}
