import {
  type CacheOptions,
  cacheHandle,
  CacheEngine as Engine,
  fetchNetworkResponse,
  InvalidOptionError,
} from '@reqcache/core';
import { translateRequest } from './request.js';
import { toFetchResponse } from './response.js';
import type { CachedFetch, CachedRequestInit, FetchLike } from './types.js';

/**
 * Wraps a fetch function with a cache. The result is a drop-in `fetch` (it also works as ky's `fetch`
 * option) whose responses carry `fromCache`, `createdAt`, `expires`, `isExpired`, `revalidated`,
 * `cacheKey` and `cacheDescription`, and which exposes `.cache`, `.settings`, `.engine` and `close()`.
 *
 * Hits are answered without calling `fetchImpl`. Per-request control goes through `init.cacheOptions`
 * and the standard `init.cache` modes; neither reaches `fetchImpl` nor the server.
 *
 * @param fetchImpl The fetch to wrap: `globalThis.fetch`, undici's `fetch`, or another middleware.
 * @param options Cache options (the same names in every reqcache adapter); validated at once.
 * @throws {InvalidOptionError | UnknownOptionError} For a bad option.
 *
 * @example
 * const cachedFetch = withCache(fetch, { backend: 'memory', expireAfter: '5m' });
 * const response = await cachedFetch('https://api.example.com/items');
 * response.fromCache; // false, then true on the next call
 */
export function withCache(fetchImpl: FetchLike, options: CacheOptions = {}): CachedFetch {
  if (typeof fetchImpl !== 'function') {
    throw new InvalidOptionError('fetchImpl', fetchImpl, 'a fetch function');
  }
  const engine = new Engine(options);

  const cachedFetch = async (input: RequestInfo | URL, init?: CachedRequestInit) => {
    const translated = await translateRequest(input, init);
    const { request } = translated;
    // An aborted request is rejected, even when the cache could answer it.
    request.signal?.throwIfAborted();
    const outcome = await engine.request(request, translated.options, async (extraHeaders) =>
      fetchNetworkResponse(await translated.send(fetchImpl, extraHeaders), request.url),
    );
    return toFetchResponse(engine, outcome, request.method, request.url);
  };

  const members: PropertyDescriptorMap = {
    ...cacheHandle(engine),
    explain: {
      value: async (input: RequestInfo | URL, init?: CachedRequestInit) => {
        // Never touches the caller's objects: a Request is read from a clone, a stream body is refused.
        const { request, options } = await translateRequest(input, init, true);
        return engine.explain(request, options);
      },
    },
  };
  // Enumerable, unlike core's default: spreading or listing a cached fetch shows its members.
  for (const member of Object.values(members)) member.enumerable = true;
  Object.defineProperties(cachedFetch, members);
  return cachedFetch as CachedFetch;
}
