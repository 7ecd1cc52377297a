/**
 * Imported first by the synthesizing child (synth-library.ts), before anything it synthesizes: from
 * here on, every file the process reads is recorded as an input of its cache entries (synth-cache.ts).
 * Modules read files as they load (the SQL the database user construct embeds), hence first.
 */
import { recordReads } from "./synth-cache";

/** When the child started: an input modified after this may be newer than the output. */
export const STARTED_AT = Date.now();

/** Every path read with fs.readFileSync since. */
export const READS = recordReads();
