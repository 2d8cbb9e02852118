/**
 * The Fetch standard's `cache` modes, mapped onto reqcache's per-request options.
 * @module
 */
import {
  type CacheRequest,
  InvalidOptionError,
  type LookupOptions,
  normalizeRequestOptions,
  type RequestCacheOptions,
} from '@reqcache/core';

/** The modes `init.cache` accepts. */
export const CACHE_MODES: readonly string[] = Object.freeze([
  'default',
  'no-store',
  'reload',
  'no-cache',
  'force-cache',
  'only-if-cached',
]);

/** Throws `InvalidOptionError` for anything but a Fetch standard cache mode (or undefined). @internal */
export function checkCacheMode(mode: unknown): void {
  if (mode === undefined || (typeof mode === 'string' && CACHE_MODES.includes(mode))) return;
  throw new InvalidOptionError('init.cache', mode, `one of ${CACHE_MODES.map((m) => `"${m}"`).join(', ')}`);
}

/**
 * The per-request options a cache mode stands for, merged under the explicit `cacheOptions` (which win):
 * - `no-store` → `disabled` (no read, no write);
 * - `reload` → `forceRefresh` (no read; the response is stored);
 * - `no-cache` → `revalidate`: core validates any stored response before use (a conditional request
 *   when it has a validator, else a plain one), as the standard wants;
 * - `force-cache` → any stored response, however stale (request `max-stale`, seen by the cache only);
 * - `only-if-cached` → `onlyIfCached`, also accepting stale responses; a miss is the synthetic 504.
 *
 * May add `max-stale` to `request.headers`, the cache's view of the request (never sent to the server).
 * @internal
 */
export function optionsForMode(
  request: CacheRequest,
  mode: string | undefined,
  cacheOptions: RequestCacheOptions | undefined,
): RequestCacheOptions | LookupOptions | undefined {
  switch (mode) {
    case undefined:
    case 'default':
      return cacheOptions;
    case 'no-store':
      return { disabled: true, ...cacheOptions };
    case 'reload':
      return { forceRefresh: true, ...cacheOptions };
    case 'no-cache':
      return Object.freeze({
        ...normalizeRequestOptions(cacheOptions, 'init.cacheOptions'),
        revalidate: true,
      });
    case 'force-cache':
      acceptStale(request);
      return cacheOptions;
    case 'only-if-cached':
      acceptStale(request);
      return { onlyIfCached: true, ...cacheOptions };
    default:
      checkCacheMode(mode);
      return cacheOptions;
  }
}

function acceptStale(request: CacheRequest): void {
  const existing = request.headers['cache-control'];
  request.headers = {
    ...request.headers,
    'cache-control': existing === undefined ? 'max-stale' : `${existing}, max-stale`,
  };
}
