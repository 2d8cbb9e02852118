/**
 * `@reqcache/axios`: an HTTP response cache for axios, a port of Python's requests-cache.
 *
 * @example
 * import axios from 'axios';
 * import { setupCache } from '@reqcache/axios';
 * const client = setupCache(axios.create(), { backend: 'memory', expireAfter: '1h' });
 * @module @reqcache/axios
 */
export * from '@reqcache/core/common';
export { ejectCache, setupCache } from './setup.js';
export type {
  AxiosCacheProperties,
  CachedAxiosInstance,
  CachedAxiosResponse,
  CachedRequest,
  CacheResponseFields,
} from './types.js';
