import type {
  CacheEngine,
  CacheInfo,
  CacheSettings,
  Explanation,
  HttpCache,
  RequestCacheOptions,
} from '@reqcache/core';

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

/** The cache attributes every response of a cached fetch carries, as own properties. */
export interface CacheAttributes extends Readonly<CacheInfo> {
  /**
   * One line describing the response, like requests-cache's `str(response)`:
   * `request: GET <url>, response: 200 (308 bytes), created: …, expires: … (fresh), from cache`.
   * `String(response)` gives the same text.
   */
  readonly cacheDescription: string;
  /** The same as {@link CacheAttributes.cacheDescription}. */
  toString(): string;
}

/** A `Response` with the cache attributes. */
export interface CachedFetchResponse extends Response, CacheAttributes {
  /** `Response.clone()`, keeping the cache attributes. */
  clone(): CachedFetchResponse;
}

/** A fetch function with a cache: what `withCache` and `installCache` return. */
export interface CachedFetch {
  (input: RequestInfo | URL, init?: CachedRequestInit): Promise<CachedFetchResponse>;
  /** The cache's inspection and maintenance API (`contains`, `delete`, `filter`, `urls`, `clear`, …). */
  readonly cache: HttpCache;
  /** The settings, changeable at run time (`fetch.settings.expireAfter = '10m'`). */
  readonly settings: CacheSettings;
  /** The engine behind the cache: events (`hit`, `miss`, `stored`, `error`, …) and `settled()`. */
  readonly engine: CacheEngine;
  /** Waits for background revalidations, then closes the store (when `autoclose` is on). */
  close(): Promise<void>;
  /**
   * What the cache would do with this request now, and why (`serve`, `revalidate`, `fetch`, … with a
   * reason code), without a network request.
   * @example (await cachedFetch.explain('https://api.example.com/items')).reason // 'fresh'
   */
  explain(input: RequestInfo | URL, init?: CachedRequestInit): Promise<Explanation>;
  /**
   * Runs `fn` with this cache bypassed (requests-cache's `cache_disabled()`): its requests neither read
   * nor write the cache; concurrent requests outside `fn` still do.
   * @example await cachedFetch.disabled(() => cachedFetch('https://example.com/live'))
   */
  disabled<T>(fn: () => T): T;
}
