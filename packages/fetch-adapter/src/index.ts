/**
 * `@reqcache/fetch`: an HTTP response cache for any fetch function (requests-cache for Node).
 *
 * - {@link withCache} wraps a fetch (`globalThis.fetch`, undici's `fetch`, another middleware);
 * - {@link installCache} / {@link uninstallCache} patch `globalThis.fetch` for the whole process.
 * @module @reqcache/fetch
 */
export type {
  CacheAttributes,
  CachedFetchResponse,
  CacheEvents,
  CacheInfo,
  CacheOptions,
  CacheSettings,
  ExpireAfter,
  FetchCacheMode,
  FetchResponseLike,
  HttpCache,
  RequestCacheOptions,
} from '@reqcache/core';
export {
  ALL_METHODS,
  CACHE_MODES,
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
export { clear, disabled, enabled, getCache, installCache, isInstalled, uninstallCache } from './install.js';
export type { CachedFetch, CachedRequestInit, FetchLike } from './types.js';
export { withCache } from './with-cache.js';
