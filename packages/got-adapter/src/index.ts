/**
 * `@reqcache/got`: an HTTP response cache for got, as a hooks plugin:
 * `const client = got.extend(gotCache({ expireAfter: '1h' }))`.
 * @module @reqcache/got
 */
import { CacheEngine, type CacheOptions } from '@reqcache/core';
import { createPlugin, type GotCachePlugin } from './plugin.js';

export * from '@reqcache/core/common';
export type { GotCacheHandles, GotCacheHooks, GotCachePlugin } from './plugin.js';
export type { CachedGotResponse } from './response.js';

/**
 * Creates the cache plugin for got: pass it to `got.extend()`.
 *
 * Hits are answered from got's request function (after every `beforeRequest` hook) without the network;
 * misses and revalidations are stored from an `afterResponse` hook. Per-request options go in
 * `options.context.cache` (`expireAfter`, `onlyIfCached`, `refresh`, `forceRefresh`, `disabled`).
 *
 * @param options Cache options, the same in every reqcache adapter (`backend`, `expireAfter`, …).
 * @throws {InvalidOptionError | UnknownOptionError} for a bad option (from `@reqcache/core`).
 * @example
 * const cache = gotCache({ backend: 'memory', expireAfter: '15m' });
 * const client = got.extend(cache);
 * const response = await client('https://example.com/data');
 * response.fromCache; // false, then true (no cast: see CachedGotResponse)
 * await cache.cache.clear();
 */
export function gotCache(options: CacheOptions = {}): GotCachePlugin {
  return createPlugin(new CacheEngine(options));
}
