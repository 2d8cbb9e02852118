/**
 * One process of the cross-process coalescing row: `node --import tsx coalesce-worker.ts <job JSON>`.
 * A fetch client on the shared Redis with `coalesce: job.mode`; prints `ready`, waits for `go` on stdin,
 * keeps `inFlight` requests going over the job's URLs (entries expiring every `expireAfter` seconds)
 * for `durationMs`, then prints `{"requests": n, "errors": n}`. Exits by itself after 120 s.
 * @module
 */
import { createInterface } from 'node:readline';
import type { CoalesceMode } from '@reqcache/core';
import { withCache } from '@reqcache/fetch';

/** What the parent asks of one worker. */
export interface CoalesceWorkerJob {
  urls: string[];
  mode: CoalesceMode;
  cacheName: string;
  inFlight: number;
  durationMs: number;
  /** Pause (ms) between two requests of one in-flight slot. */
  paceMs: number;
  expireAfter: number;
}

setTimeout(() => process.exit(2), 120_000).unref();
const job = JSON.parse(process.argv[2] ?? '{}') as CoalesceWorkerJob;
const cached = withCache(globalThis.fetch, {
  backend: 'redis',
  cacheName: job.cacheName,
  coalesce: job.mode,
  expireAfter: job.expireAfter,
});
cached.engine.on('error', () => {});
await cached.cache.contains({ url: job.urls[0] ?? '' });
process.stdout.write('ready\n');
await new Promise<void>((resolve) => {
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'go') resolve();
  });
});
const endAt = Date.now() + job.durationMs;
let requests = 0;
let errors = 0;
await Promise.all(
  Array.from({ length: job.inFlight }, async (_, slot) => {
    for (let n = slot; Date.now() < endAt; n += job.inFlight) {
      try {
        const response = await cached(job.urls[n % job.urls.length] as string);
        await response.arrayBuffer();
        requests++;
      } catch {
        errors++;
      }
      await new Promise((resolve) => setTimeout(resolve, job.paceMs));
    }
  }),
);
process.stdout.write(`${JSON.stringify({ requests, errors })}\n`);
await cached.close();
process.exit(0);
