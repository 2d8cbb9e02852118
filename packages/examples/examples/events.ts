/**
 * Observability: decision events with the key and URL, per-engine counters, and debug logging.
 * Run with `NODE_DEBUG=reqcache` (or `DEBUG=reqcache`) to also see one stderr line per decision.
 */
import { withCache } from '@reqcache/fetch';
import { startOrigin } from './origin.js';

const origin = await startOrigin();
const cachedFetch = withCache(fetch, { backend: 'memory', expireAfter: '1h' });
const { engine } = cachedFetch;

const log = (event: string) => (payload: { key: string; url: string }) =>
  console.log(`${event.padEnd(11)} ${payload.key.slice(0, 8)} ${payload.url.replace(origin.url, '')}`);
for (const event of ['hit', 'miss', 'stale', 'revalidated', 'stored'] as const) engine.on(event, log(event));
engine.on('error', (error) => console.error(`cache error ${error.code}: ${error.message}`));

for (const path of ['/items', '/items', '/users/1', '/users/1', '/users/2']) {
  const response = await cachedFetch(origin.url + path);
  await response.arrayBuffer();
}
const stats = engine.stats();
console.log(`stats: ${JSON.stringify(stats)}`);
console.log(`hit ratio: ${(stats.hitRatio * 100).toFixed(0)}%`);
await cachedFetch.close();
await origin.close();
