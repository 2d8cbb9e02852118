/**
 * Fetches the same URL twice through a cache: the second answer comes from the cache.
 * Run: node --import tsx examples/basic.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
// In your project: import { withCache } from '@reqcache/fetch';
import { withCache } from '../src/index.js';

// A tiny origin that counts its requests.
let served = 0;
const server = createServer((_req, res) => {
  served++;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ served }));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data`;

const cachedFetch = withCache(fetch, { backend: 'memory', expireAfter: '5m' });
for (const attempt of [1, 2]) {
  const response = await cachedFetch(url);
  console.log(`fetch #${attempt}: fromCache=${response.fromCache} body=${await response.text()}`);
  console.log(`  ${response}`);
}
console.log(`requests that reached the server: ${served}`);

await cachedFetch.close();
server.close();
