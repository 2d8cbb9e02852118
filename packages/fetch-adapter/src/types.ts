import type {
  CachedFetchResponse,
  CacheHandle,
  Explanation,
  FetchResponseLike,
  RequestCacheOptions,
} from '@reqcache/core';

/**
 * Any fetch-compatible function: the global `fetch`, undici's `fetch`, or another middleware.
 * `withCache` always calls it with a URL (string or `URL`) and an init object, never with a `Request`,
 * so a `Request` of one fetch implementation can be sent through another.
 */
// biome-ignore lint/suspicious/noExplicitAny: each fetch implementation types its own init object.
export type FetchLike = (input: string | URL, init?: any) => Promise<FetchResponseLike>;

/** `RequestInit` plus reqcache's per-request options. Neither `cache` nor `cacheOptions` reaches the server. */
export interface CachedRequestInit extends RequestInit {
  /**
   * Per-request cache options: `expireAfter`, `onlyIfCached`, `refresh`, `forceRefresh`, `disabled`.
   * They win over what `cache` implies.
   * @example fetch(url, { cacheOptions: { expireAfter: '5m' } })
   */
  cacheOptions?: RequestCacheOptions | undefined;
  /**
   * A Fetch standard cache mode, applied by reqcache (and not passed to the wrapped fetch): `no-store`
   * skips the cache, `reload` fetches anew and stores, `no-cache` revalidates, `force-cache` uses a
   * stored response however stale, `only-if-cached` never uses the network (core's `applyCacheMode`).
   * @default 'default'
   */
  cache?: RequestCache;
  /** undici's dispatcher (Node's fetch and undici's `fetch`), passed to the wrapped fetch untouched. */
  dispatcher?: unknown;
}

/** A fetch function with a cache: what `withCache` and `installCache` return; see core's `CacheHandle`. */
export interface CachedFetch extends CacheHandle {
  (input: RequestInfo | URL, init?: CachedRequestInit): Promise<CachedFetchResponse>;
  /**
   * What the cache would do with this request now, and why (`serve`, `revalidate`, `fetch`, … with a
   * reason code), without a network request. What it is given stays usable: a `Request`'s body is read
   * from a clone, so the same `Request` can be sent afterwards.
   * @throws {InvalidOptionError} For a one-shot stream in `init.body` (`ReadableStream`, async iterable),
   * which cannot be read without consuming it: pass the bytes or string instead.
   * @example (await cachedFetch.explain('https://api.example.com/items')).reason // 'fresh'
   */
  explain(input: RequestInfo | URL, init?: CachedRequestInit): Promise<Explanation>;
}
