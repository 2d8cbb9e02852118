/**
 * `@reqcache/fetch`: an HTTP response cache for any fetch function (requests-cache for Node).
 *
 * - {@link withCache} wraps a fetch (`globalThis.fetch`, undici's `fetch`, another middleware);
 * - {@link installCache} / {@link uninstallCache} patch `globalThis.fetch` for the whole process.
 * @module @reqcache/fetch
 */

export type { CacheAttributes, CachedFetchResponse, FetchCacheMode, FetchResponseLike } from '@reqcache/core';
export { CACHE_MODES } from '@reqcache/core';
export * from '@reqcache/core/common';
export { clear, disabled, enabled, getCache, installCache, isInstalled, uninstallCache } from './install.js';
export type { CachedFetch, CachedRequestInit, FetchLike } from './types.js';
export { withCache } from './with-cache.js';
