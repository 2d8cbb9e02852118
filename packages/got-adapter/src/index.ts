/**
 * `@reqcache/got`: an HTTP response cache for got, as a hooks plugin.
 *
 * ```ts
 * import got from 'got';
 * import { gotCache } from '@reqcache/got';
 *
 * const client = got.extend(gotCache({ expireAfter: '1h' }));
 * ```
 * @module @reqcache/got
 */
import { CacheEngine, type CacheOptions } from '@reqcache/core';
import { createPlugin, type GotCachePlugin } from './plugin.js';

// What users of every adapter import with their options, so `@reqcache/core` need not be a dependency:
// `ignoredParameters: [...DEFAULT_IGNORED_PARAMETERS, 'token']`, `expireAfter: NEVER_EXPIRE`, typed errors.
export type {
  CacheOptions,
  CacheSettings,
  ExpireAfter,
  HttpCache,
  ReqcacheErrorCode,
  RequestCacheOptions,
} from '@reqcache/core';
export {
  ALL_METHODS,
  ConstructionOnlyOptionError,
  DEFAULT_IGNORED_PARAMETERS,
  DO_NOT_CACHE,
  EXPIRE_IMMEDIATELY,
  InvalidOptionError,
  isReqcacheError,
  NEVER_EXPIRE,
  ReqcacheError,
  UnknownOptionError,
} from '@reqcache/core';
export type { GotCacheHandles, GotCacheHooks, GotCachePlugin } from './plugin.js';
export type { CachedGotResponse, CacheFields } from './response.js';
export { cacheFields } from './response.js';

/**
 * Creates the cache plugin for got: pass it to `got.extend()`.
 *
 * Hits are answered from got's request function (after every `beforeRequest` hook) without touching the
 * network; misses and revalidations go out as usual and are stored from an `afterResponse` hook. Per-request options travel in
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
