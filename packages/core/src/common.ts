/**
 * What every adapter (`@reqcache/got`, `@reqcache/axios`, `@reqcache/fetch`) re-exports to its users,
 * so that they need not depend on `@reqcache/core` to write their options and handle the cache's
 * errors: `ignoredParameters: [...DEFAULT_IGNORED_PARAMETERS, 'token']`, `expireAfter: NEVER_EXPIRE`,
 * `error instanceof InvalidOptionError`, a `Reason` to switch on. One list, so the three agree.
 * @module @reqcache/core/common
 */
export type { CacheFields } from './cache-fields.js';
export { cacheFields } from './cache-fields.js';
export type { CacheEvents, CacheInfo, Explanation } from './contract.js';
export type { ReqcacheErrorCode } from './errors.js';
export {
  ConstructionOnlyOptionError,
  InvalidOptionError,
  isReqcacheError,
  ReqcacheError,
  UnknownOptionError,
} from './errors.js';
export type { ExpireAfter } from './expire-after.js';
export { DO_NOT_CACHE, EXPIRE_IMMEDIATELY, NEVER_EXPIRE } from './expire-after.js';
export type { CacheOptions, CacheSettings, RequestCacheOptions } from './options.js';
export { ALL_METHODS, DEFAULT_IGNORED_PARAMETERS } from './options.js';
export type { BypassReason, ForwardReason, NotStoredReason, Reason, ServedReason } from './reason.js';
export type { HttpCache } from './store.js';
