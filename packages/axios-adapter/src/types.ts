/**
 * Public types of `@reqcache/axios`, and the module augmentation that teaches axios's own types about
 * `config.cache` and the cache fields of a response.
 * @module
 */
import type { CacheFields, CacheHandle, Explanation, RequestCacheOptions } from '@reqcache/core';
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';

declare module 'axios' {
  // biome-ignore lint/suspicious/noExplicitAny: the type parameters must repeat axios's own declaration.
  interface AxiosRequestConfig<D = any, P = any> {
    /**
     * Cache options for this request on an instance set up with `setupCache`: `expireAfter`, `onlyIfCached`,
     * `refresh`, `forceRefresh`, `disabled`; or `false` to bypass the cache (no read, no write). They never
     * reach the server. A bad value rejects the request with a `ReqcacheError` (`ERR_INVALID_OPTION` or
     * `ERR_UNKNOWN_OPTION`). Set it in `axios.create({ cache })` to apply it to every request.
     * @example await client.get('/users', { cache: { expireAfter: '5m' } })
     * @example await client.get('/live', { cache: false })
     */
    cache?: RequestCacheOptions | false;
  }

  /** The cache fields `@reqcache/axios` sets on every response of a cached instance: see core's `CacheFields`. */
  // biome-ignore lint/suspicious/noExplicitAny: the type parameters must repeat axios's own declaration.
  // biome-ignore lint/complexity/noBannedTypes: the type parameters must repeat axios's own declaration.
  interface AxiosResponse<T = any, D = any, H = {}, P = any>
    extends Partial<Omit<CacheFields, 'cacheStatus'>> {}
}

/** The cache fields every response of a cached instance carries (on `error.response` too). */
export type CacheResponseFields = CacheFields;

/** A response of a cached instance, with the cache fields known to be present. */
// biome-ignore lint/suspicious/noExplicitAny: mirrors axios's own defaults.
export type CachedAxiosResponse<T = any, D = any> = AxiosResponse<T, D> & CacheResponseFields;

/** What `setupCache` adds to an axios instance: core's `CacheHandle` (`cache`, `settings`, `engine`, `disabled`, `close`) and `explain`. */
export interface AxiosCacheProperties extends CacheHandle {
  /**
   * What the cache would do with this request now, and why (`serve`, `fetch`, … with a reason code): the
   * config goes through the instance's defaults and request interceptors, and no request is sent (rejects
   * with `ERR_INVALID_OPTION` if an interceptor's new config object sent it past the cache to its adapter).
   * @example (await api.explain({ url: '/users' })).reason // 'fresh'
   */
  explain(config?: AxiosRequestConfig): Promise<Explanation>;
}

/** An axios instance set up with `setupCache`. */
export type CachedAxiosInstance<I extends AxiosInstance = AxiosInstance> = I & AxiosCacheProperties;

/**
 * `response.request` of a response that did not come from the network (a cache hit, or a synthetic 504):
 * there is no `ClientRequest`, so this stands in for it. `res.responseUrl` is the final URL after
 * redirects, where Node's adapter keeps it.
 */
export interface CachedRequest {
  readonly fromCache: true;
  /** Upper-case method. */
  readonly method: string;
  /** The URL that was requested. */
  readonly url: string;
  readonly res: { readonly responseUrl: string };
}
