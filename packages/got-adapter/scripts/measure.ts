/**
 * Per-request cost of a cache hit through the got plugin vs an uncached got request, both against the
 * loopback test server: `node --import tsx scripts/measure.ts [count]`. Prints medians in µs.
 * A measurement, not a test: nothing is asserted.
 */
import { startTestServer } from '@reqcache/test-server';
import got from 'got';
import { gotCache } from '../src/index.js';

const count = Number(process.argv[2] ?? 2000);
const warmup = 200;

async function medianMicros(send: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < warmup; i++) await send();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await send();
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const server = await startTestServer();
const url = `${server.url}/json`;
const plugin = gotCache({ backend: 'memory' });
const cached = got.extend(plugin);
const plain = got.extend({});

try {
  const uncached = await medianMicros(() => plain(url));
  await cached(url);
  const before = server.hits('/json');
  const hit = await medianMicros(() => cached(url));
  const reached = server.hits('/json') - before;
  console.log(
    `requests: ${count} sequential each (after ${warmup} warm-up), GET /json (${JSON.stringify(await plain(url).json()).length} bytes)`,
  );
  console.log(`uncached got: median ${uncached.toFixed(1)} µs`);
  console.log(
    `cached hit:   median ${hit.toFixed(1)} µs (${((hit / uncached) * 100).toFixed(0)}% of uncached)`,
  );
  console.log(`requests that reached the origin during the cached run: ${reached}`);
} finally {
  await plugin.close();
  await server.close();
}
