/**
 * Per-request cost of a cache hit against an uncached axios request to the loopback test server.
 * Run: node --import tsx scripts/measure.ts [requests]   (default 2000 sequential requests each)
 * Prints medians (and p90) in microseconds. A measurement, not a test: nothing is asserted.
 */
import { startTestServer } from '@reqcache/test-server';
import axios, { type AxiosInstance } from 'axios';
import { setupCache } from '../src/index.js';

const count = Number(process.argv[2] ?? 2000);
const warmup = 200;

async function timeRequests(client: AxiosInstance, url: string): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await client.get(url);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await client.get(url);
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return samples.sort((a, b) => a - b);
}

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const format = (sorted: number[]): string =>
  `median ${quantile(sorted, 0.5).toFixed(1)} µs, p90 ${quantile(sorted, 0.9).toFixed(1)} µs`;

const server = await startTestServer();
try {
  const url = `${server.url}/json`;
  const uncached = await timeRequests(axios.create(), url);
  const memory = setupCache(axios.create(), { backend: 'memory' });
  const hits = await timeRequests(memory, url);
  await memory.cache.close();
  console.log(`${count} sequential GET ${new URL(url).pathname} each`);
  console.log(`uncached axios:          ${format(uncached)}`);
  console.log(`cache hit (memory):      ${format(hits)}`);
  console.log(`speed-up (medians):      ${(quantile(uncached, 0.5) / quantile(hits, 0.5)).toFixed(1)}x`);
  console.log(`origin hits: ${server.hits('/json')} (the cached client sent 1)`);
} finally {
  await server.close();
}
