/**
 * Caching got in one line: run with `node --import tsx examples/basic.ts`.
 * Starts a local origin, fetches the same URL twice, revalidates with an ETag, and shows the cache.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import got from 'got';
// In your project: import { type CachedGotResponse, gotCache } from '@reqcache/got';
import { type CachedGotResponse, gotCache } from '../src/index.js';

let hits = 0;
const origin = createServer((req, res) => {
  hits++;
  if (req.headers['if-none-match'] === '"v1"') {
    res.writeHead(304, { etag: '"v1"' }).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', etag: '"v1"' });
  res.end(JSON.stringify({ path: req.url, hello: 'world' }));
});
await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;

const cache = gotCache({ backend: 'memory', expireAfter: '1h' });
const client = got.extend(cache);

const first = (await client(`${base}/data`)) as CachedGotResponse;
const second = (await client(`${base}/data`)) as CachedGotResponse;
console.log(`first:  fromCache=${first.fromCache} status=${first.statusCode}`);
console.log(`second: fromCache=${second.fromCache} isFromCache=${second.isFromCache}`);
console.log(`json:   ${JSON.stringify(await client(`${base}/data`).json())}`);

// Per-request options travel in context.cache: revalidate with the stored ETag (the origin answers 304).
const refreshed = (await client(`${base}/data`, {
  context: { cache: { refresh: true } },
})) as CachedGotResponse;
console.log(`refresh: status=${refreshed.statusCode} revalidated=${refreshed.revalidated}`);

console.log(`origin hits: ${hits}`);
console.log(`cached urls: ${(await cache.cache.urls()).join(', ')}`);
console.log(second.cacheDescription);

await cache.close();
origin.close();
