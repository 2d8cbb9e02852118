/**
 * Measures the cost of a cache hit against an uncached fetch of the same URL on the loopback test server.
 * Not a test: it asserts nothing. Run: node --import tsx scripts/measure.ts [requests]
 */
import { startTestServer } from '@reqcache/test-server';
import { withCache } from '../src/index.js';

const requests = Number(process.argv[2] ?? 2000);
const warmup = 200;

function stats(samplesNs: bigint[]): { medianUs: number; p90Us: number; meanUs: number } {
  const us = samplesNs.map((ns) => Number(ns) / 1000).sort((a, b) => a - b);
  const at = (q: number) => us[Math.min(us.length - 1, Math.floor(q * us.length))] ?? Number.NaN;
  return { medianUs: at(0.5), p90Us: at(0.9), meanUs: us.reduce((a, b) => a + b, 0) / us.length };
}

async function time(run: () => Promise<unknown>): Promise<bigint[]> {
  for (let i = 0; i < warmup; i++) await run();
  const samples: bigint[] = [];
  for (let i = 0; i < requests; i++) {
    const start = process.hrtime.bigint();
    await run();
    samples.push(process.hrtime.bigint() - start);
  }
  return samples;
}

const server = await startTestServer();
const url = `${server.url}/json`;
const cachedFetch = withCache(fetch, { backend: 'memory' });
try {
  const uncached = stats(await time(async () => (await fetch(url)).arrayBuffer()));
  await (await cachedFetch(url)).arrayBuffer();
  server.resetHits();
  const hits = stats(await time(async () => (await cachedFetch(url)).arrayBuffer()));
  const origin = server.hits('/json');
  const fmt = (s: ReturnType<typeof stats>) =>
    `median ${s.medianUs.toFixed(1)} µs, p90 ${s.p90Us.toFixed(1)} µs, mean ${s.meanUs.toFixed(1)} µs`;
  console.log(
    `${requests} sequential GET ${url.replace(server.url, '')} (body read), Node ${process.version}`,
  );
  console.log(`  fetch, uncached:              ${fmt(uncached)}`);
  console.log(`  withCache(fetch), memory hit: ${fmt(hits)}  (origin requests: ${origin})`);
  console.log(`  speed-up (median): ${(uncached.medianUs / hits.medianUs).toFixed(1)}×`);
} finally {
  await cachedFetch.close();
  await server.close();
}
