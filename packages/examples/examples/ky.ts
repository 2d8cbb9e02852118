/**
 * ky: pass a cached fetch as ky's `fetch` option. ky's retries, hooks and JSON helpers work as usual;
 * per-request cache options go in `cacheOptions`, which ky hands through to fetch untouched.
 */
import { type CachedFetchResponse, withCache } from '@reqcache/fetch';
import ky from 'ky';
import { startOrigin } from './origin.js';

const origin = await startOrigin();
const cachedFetch = withCache(fetch, { backend: 'memory', expireAfter: '10m' });
const api = ky.create({ baseUrl: origin.url, fetch: cachedFetch });

for (let i = 1; i <= 2; i++) {
  const response = await api.get('/users/1');
  const user = await response.json<{ id: number }>();
  console.log(`ky #${i}: user ${user.id}, fromCache=${(response as CachedFetchResponse).fromCache}`);
}

// Per-request options: skip the cache read and refresh the stored response.
const refreshed = await api.get('/users/1', { cacheOptions: { forceRefresh: true } } as object);
console.log(`ky forceRefresh: fromCache=${(refreshed as CachedFetchResponse).fromCache}`);

console.log(`requests that reached the server: ${origin.hits}`);
await cachedFetch.close();
await origin.close();
