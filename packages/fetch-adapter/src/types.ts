import type { CacheFields, CacheHandle, Explanation, RequestCacheOptions } from '@reqcache/core';

/**
 * What `withCache` needs from the response of the fetch it wraps: the global `Response`, undici's
 * `Response` and most fetch polyfills' responses all qualify.
 */
export interface FetchResponseLike {
  readonly status: number;
  readonly statusText: string;
  /** The final URL, after redirects. */
  readonly url: string;
  readonly redirected: boolean;
  readonly headers: {
    forEach(callback: (value: string, name: string) => void): void;
    get(name: string): string | null;
  };
  readonly body: { cancel(reason?: unknown): Promise<void> } | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

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
   * A Fetch standard cache mode, applied by reqcache (and not passed to the wrapped fetch):
   * `no-store` skips the cache, `reload` fetches anew and stores, `no-cache` revalidates,
   * `force-cache` uses a stored response however stale, `only-if-cached` never uses the network.
   * @default 'default'
   */
  cache?: RequestCache;
  /** undici's dispatcher (Node's fetch and undici's `fetch`), passed to the wrapped fetch untouched. */
  dispatcher?: unknown;
}

/** The cache attributes every response of a cached fetch carries, as own properties (see core's `CacheFields`). */
export interface CacheAttributes extends Readonly<CacheFields> {
  /** The same as `cacheDescription`, so `String(response)` gives the description. */
  toString(): string;
}

/** A `Response` with the cache attributes. */
export interface CachedFetchResponse extends Response, CacheAttributes {
  /** `Response.clone()`, keeping the cache attributes. */
  clone(): CachedFetchResponse;
}

/** A fetch function with a cache: what `withCache` and `installCache` return; see core's `CacheHandle`. */
export interface CachedFetch extends CacheHandle {
  (input: RequestInfo | URL, init?: CachedRequestInit): Promise<CachedFetchResponse>;
  /**
   * What the cache would do with this request now, and why (`serve`, `revalidate`, `fetch`, … with a
   * reason code), without a network request.
   * @example (await cachedFetch.explain('https://api.example.com/items')).reason // 'fresh'
   */
  explain(input: RequestInfo | URL, init?: CachedRequestInit): Promise<Explanation>;
}
