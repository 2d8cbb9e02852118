/**
 * `@reqcache/axios`: an HTTP response cache for axios, a port of Python's requests-cache.
 *
 * @example
 * import axios from 'axios';
 * import { setupCache } from '@reqcache/axios';
 * const client = setupCache(axios.create(), { backend: 'memory', expireAfter: '1h' });
 * @module @reqcache/axios
 */
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
export { ejectCache, setupCache } from './setup.js';
export type {
  AxiosCacheProperties,
  CachedAxiosInstance,
  CachedAxiosResponse,
  CachedRequest,
  CacheResponseFields,
} from './types.js';
