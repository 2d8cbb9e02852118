/**
 * The core in a client of your own: a cached GET over `node:http` in under 60 lines. The engine makes
 * every decision (key, freshness, revalidation, storage); the client only translates its request into a
 * `CacheRequest`, sends when asked (adding the conditional headers it is given), and builds its answer
 * from the `Outcome`.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { CacheEngine, type CacheInfo, type NetworkResponse, toResponseHeaders } from '@reqcache/core';
import { startOrigin } from './origin.js';

const engine = new CacheEngine({ backend: 'memory', expireAfter: 0 }); // 0: revalidate on every use

/** GET a URL through the cache: status, body text and the cache attributes (`fromCache`, …). */
async function cachedGet(url: string): Promise<{ status: number; body: string; info: CacheInfo }> {
  const cacheRequest = { method: 'GET', url, headers: { accept: 'application/json' } };
  const outcome = await engine.request(cacheRequest, undefined, (extraHeaders) => send(url, extraHeaders));
  const info = outcome.info;
  // From the cache: a fresh hit, or a 304 that reused the stored body. Not cached: onlyIfCached and no entry.
  if (outcome.source === 'cache')
    return { status: outcome.entry.status, body: text(outcome.entry.body), info };
  if (outcome.source === 'not-cached') return { status: 504, body: '', info };
  const body = outcome.body ?? (await outcome.response.readBody()); // the engine may have read it (to store it)
  return { status: outcome.response.status, body: text(body), info };
}

/** The real request, as the engine wants it: a NetworkResponse whose body is read only on demand. */
function send(
  url: string,
  extraHeaders: Record<string, string> = {},
): Promise<NetworkResponse<IncomingMessage>> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { accept: 'application/json', ...extraHeaders } }, (res) => {
      resolve({
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        headers: toResponseHeaders(res.headers),
        url,
        readBody: async () => {
          const chunks: Buffer[] = [];
          for await (const chunk of res) chunks.push(chunk as Buffer);
          return new Uint8Array(Buffer.concat(chunks));
        },
        discard: () => res.resume(),
        raw: res,
      });
    });
    req.on('error', reject).end();
  });
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const origin = await startOrigin();
for (let i = 1; i <= 3; i++) {
  const { status, body, info } = await cachedGet(`${origin.url}/items`);
  const from = info.revalidated ? 'cache (revalidated by a 304)' : info.fromCache ? 'cache' : 'network';
  console.log(`GET /items #${i}: ${status} from ${from}: ${body}`);
}
console.log(`requests that reached the server: ${origin.hits}`);
await engine.cache.close();
await origin.close();
