/**
 * The Fetch standard's `cache` modes (`RequestInit.cache`) as reqcache's per-request options, for any
 * fetch-shaped client.
 * @see https://fetch.spec.whatwg.org/#concept-request-cache-mode
 * @module
 */
import type { LookupOptions } from './contract.js';
import { InvalidOptionError } from './errors.js';
import type { RequestHeaders } from './headers.js';
import type { ParsedRequestOptions, RequestCacheOptions } from './option-types.js';
import { normalizeRequestOptions } from './options.js';

/** The `cache` modes of the Fetch standard (`RequestInit.cache`). */
export type FetchCacheMode =
  | 'default'
  | 'no-store'
  | 'reload'
  | 'no-cache'
  | 'force-cache'
  | 'only-if-cached';

/** The modes `init.cache` accepts. */
export const CACHE_MODES: readonly string[] = Object.freeze([
  'default',
  'no-store',
  'reload',
  'no-cache',
  'force-cache',
  'only-if-cached',
] satisfies FetchCacheMode[]);

/** Throws `InvalidOptionError` naming `name` for anything but a Fetch standard cache mode (or undefined). */
export function checkCacheMode(mode: unknown, name = 'init.cache'): void {
  if (mode === undefined || (typeof mode === 'string' && CACHE_MODES.includes(mode))) return;
  throw new InvalidOptionError(name, mode, `one of ${CACHE_MODES.map((m) => `"${m}"`).join(', ')}`);
}

/** What a cache mode does to one request. */
export interface CacheModeEffect {
  /** The per-request options for the engine; the explicit `cacheOptions` win over what the mode implies. */
  options: RequestCacheOptions | LookupOptions;
  /** The cache's view of the request headers (a copy when the mode adds `max-stale`); never sent. */
  headers: RequestHeaders;
  /** Headers to add to whatever is sent to the origin, or undefined. */
  sendHeaders: Readonly<RequestHeaders> | undefined;
}

/**
 * What a cache mode stands for:
 * - `default` (or none) → `cacheOptions` alone (RFC 9111 as usual);
 * - `no-store` → `disabled`: no read, no write (Fetch §4.5 "HTTP-network-or-cache fetch");
 * - `reload` → `forceRefresh`: no read, the response is stored (ibid.);
 * - `no-cache` → `revalidate`: a stored response is validated before use (conditional when it has a
 *   validator, else a plain request; RFC 9111 §4.3.1), and the origin is sent `Cache-Control: no-cache`
 *   as browsers send it (not the standard's `max-age=0`), unless the request has its own `Cache-Control`;
 * - `force-cache` → any stored response however stale: request `max-stale` (RFC 9111 §5.2.1.2), seen by
 *   the cache only;
 * - `only-if-cached` → `onlyIfCached` plus `max-stale`; a miss is the synthetic 504 (RFC 9111 §5.2.1.7).
 *
 * `parsed` is `cacheOptions` already validated (by {@link normalizeRequestOptions}), returned as is for
 * the default mode. Throws `InvalidOptionError` for an unknown mode.
 */
export function applyCacheMode(
  mode: string | undefined,
  cacheOptions: RequestCacheOptions | undefined,
  headers: RequestHeaders,
  parsed: ParsedRequestOptions = normalizeRequestOptions(cacheOptions, 'init.cacheOptions'),
): CacheModeEffect {
  const effect = (options: RequestCacheOptions | LookupOptions, view = headers): CacheModeEffect => ({
    options,
    headers: view,
    sendHeaders: undefined,
  });
  switch (mode) {
    case undefined:
    case 'default':
      return effect(parsed);
    case 'no-store':
      return effect({ disabled: true, ...cacheOptions });
    case 'reload':
      return effect({ forceRefresh: true, ...cacheOptions });
    case 'no-cache':
      return {
        ...effect(Object.freeze({ ...parsed, revalidate: true })),
        sendHeaders: headers['cache-control'] === undefined ? NO_CACHE : undefined,
      };
    case 'force-cache':
      return effect(parsed, withMaxStale(headers));
    case 'only-if-cached':
      return effect({ onlyIfCached: true, ...cacheOptions }, withMaxStale(headers));
    default:
      checkCacheMode(mode);
      return effect(parsed);
  }
}

const NO_CACHE: Readonly<RequestHeaders> = Object.freeze({ 'cache-control': 'no-cache' });

/** A copy of `headers` whose `Cache-Control` also carries `max-stale` (any staleness accepted). */
function withMaxStale(headers: RequestHeaders): RequestHeaders {
  const existing = headers['cache-control'];
  return { ...headers, 'cache-control': existing === undefined ? 'max-stale' : `${existing}, max-stale` };
}
