export type { OpenedBackend } from './backends.js';
export {
  BACKEND_DEFAULTS,
  loadStore,
  mongoDatabase,
  openBackend,
  postgresTable,
  redisNamespace,
  sqlitePath,
} from './backends.js';
export type { CacheDirectives } from './cache-control.js';
export { formatCacheControl, MAX_DELTA_SECONDS, parseCacheControl } from './cache-control.js';
export type { InvalidCachedResponse } from './cached-response.js';
export { CachedResponse } from './cached-response.js';
export type {
  CacheEvents,
  CacheInfo,
  CacheRequest,
  Lookup,
  NetworkResponse,
  Outcome,
  RequestContext,
} from './engine.js';
export { CacheEngine } from './engine.js';
export type { CacheEntry, RedirectHop, StoredRequest } from './entry.js';
export {
  contentTypeOf,
  describeResponse,
  ENTRY_VERSION,
  formatFileSize,
  hasValidator,
  isEntryExpired,
} from './entry.js';
export type { ReqcacheErrorCode, ReqcacheErrorOptions } from './errors.js';
export {
  describeValue,
  InvalidOptionError,
  isReqcacheError,
  ReqcacheError,
  UnknownOptionError,
} from './errors.js';
export type {
  ExpirationDecision,
  ExpirationSource,
  RequestExpiration,
  RequestExpirationSource,
} from './expiration.js';
export { ageMs, computeExpiration, requestExpiration } from './expiration.js';
export type { DurationObject, ExpireAfter, ParsedExpireAfter } from './expire-after.js';
export {
  DO_NOT_CACHE,
  EXPIRE_IMMEDIATELY,
  expiresInSeconds,
  NEVER_EXPIRE,
  parseDurationMs,
  parseExpireAfter,
  resolveExpiresAt,
} from './expire-after.js';
export type { RequestHeaders, ResponseHeaders } from './headers.js';
export { getHeader, headerPairs, toRequestHeaders, toResponseHeaders } from './headers.js';
export { formatHttpDate, parseHttpDate } from './http-date.js';
export type { KeyOptions, KeyRequest } from './key.js';
export { createKey, normalizeBody, normalizeHeaders, normalizeUrl } from './key.js';
export type {
  BackendName,
  CacheOptions,
  FilterResponse,
  KeyFunction,
  NormalizedOptions,
  ParsedRequestOptions,
  ParsedSettings,
  RequestCacheOptions,
  SerializerName,
  SettingsOptions,
} from './options.js';
export {
  ALL_METHODS,
  BACKEND_NAMES,
  CacheSettings,
  DEFAULT_IGNORED_PARAMETERS,
  normalizeOptions,
  normalizeRequestOptions,
} from './options.js';
export { REDACTED, redactBody, redactHeaders, redactUrl } from './redact.js';
export { conditionalHeaders, mergeNotModified, notModifiedChangesEntry } from './revalidation.js';
export type { EntryDocument, Serializer, Stage } from './serializer.js';
export { entryStage, jsonSerializer, jsonStage, SerializerPipeline } from './serializer.js';
export type { NotStorableReason, Storability } from './storability.js';
export { checkStorable, isMethodAllowed } from './storability.js';
export type { DeleteOptions, FilterOptions, StoreView } from './store.js';
export { HttpCache } from './store.js';
export type { CompiledUrlPattern, UrlPatternMatch, UrlsExpireAfter } from './url-patterns.js';
export { compileUrlPatterns, matchUrlPattern } from './url-patterns.js';
export type { VaryCheck } from './vary.js';
export { checkVary, varyNames } from './vary.js';
