/**
 * How far V8 lets the old generation grow past what a full collection left live. V8's own rule
 * under steady allocation is up to four times (about 50 MB live in the server under load, so about
 * 200 MB of heap before the next collection); a request's objects live as long as it waits, so
 * under load they are promoted and the heap climbs to that limit every second or so. Three times
 * holds the reads benchmark's peak RSS under 300 MB (issue 14; 239–282 MB measured against 292–397
 * MB) for a cost in CPU that the benchmark could not tell from its noise. Set at start by main.ts
 * (and by the benchmarks' API process, which measures what `npm start` runs); a
 * `--heap-growing-percent` given in NODE_OPTIONS or on node's command line wins.
 */
import { setFlagsFromString } from 'node:v8';

/** The old generation may grow to (1 + this / 100) times what was live after a full collection. */
export const HEAP_GROWING_PERCENT = 200;

/** Applies HEAP_GROWING_PERCENT unless the command line or NODE_OPTIONS set the flag. */
export function limitHeapGrowth(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => /^--heap[-_]growing[-_]percent/.test(a));
  // V8 reads this flag each time it sets the next collection's limit, so setting it now applies.
  if (!given) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
