/**
 * `@reqcache/core`: the HTTP caching engine behind every reqcache adapter — keys, expiration,
 * revalidation, serializers and storage — for reuse in custom clients.
 * @module @reqcache/core
 */
export type { OpenedBackend } from './backends.js';
export {
  BACKEND_DEFAULTS,
  dynamoTable,
  loadStore,
  mongoDatabase,
  openBackend,
  postgresTable,
  redisNamespace,
  sqlitePath,
} from './backends.js';
export type { CacheDirectives } from './cache-control.js';
export { formatCacheControl, MAX_DELTA_SECONDS, parseCacheControl } from './cache-control.js';
export type { CacheStatusForward, CacheStatusParams } from './cache-status.js';
export { formatCacheStatus, ttlSeconds } from './cache-status.js';
export type { InvalidCachedResponse } from './cached-response.js';
export { CachedResponse } from './cached-response.js';
export { closeCache } from './close.js';
export type {
  CacheEvents,
  CacheInfo,
  CacheRequest,
  CacheStats,
  Explanation,
  ForwardLookup,
  Lookup,
  LookupOptions,
  NetworkResponse,
  Outcome,
  RequestContext,
  Send,
} from './contract.js';
export { assignCacheInfo, cacheInfo, generatedStatus, storedInfo } from './contract.js';
export type { DebugLog } from './debug.js';
export { createDebugLog, DEBUG_SECTION, debugEnvMatches } from './debug.js';
export type { AnswerDecision, LookupDecision, StoreDecision } from './decision.js';
export {
  decideAnswer,
  decideBypass,
  decideEntry,
  decideHeadUpdate,
  decideLookup,
  decideOnNetworkError,
  decideStore,
  explainLookup,
  invalidates,
  requestContext,
  skipsRead,
} from './decision.js';
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
export { buildEntry, storedHeaders } from './entry-builder.js';
export type { ReqcacheErrorCode, ReqcacheErrorOptions } from './errors.js';
export {
  ConstructionOnlyOptionError,
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
export { ageMs, computeExpiration, currentAgeMs, requestExpiration } from './expiration.js';
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
export type { FreshnessContext, ValidationReason } from './freshness.js';
export {
  isFreshImmutable,
  isTooOld,
  isUsable,
  mustRevalidateWhenStale,
  retentionMs,
  staleIfErrorMs,
  staleWhileRevalidateMs,
  validationReason,
  withAge,
} from './freshness.js';
export type { RequestHeaders, ResponseHeaders } from './headers.js';
export { getHeader, headerPairs, toRequestHeaders, toResponseHeaders } from './headers.js';
export type { RfcNotStorableReason } from './heuristic.js';
export {
  HEURISTIC_FRACTION,
  HEURISTICALLY_CACHEABLE_STATUSES,
  heuristicLifetimeMs,
  rfcNotStorable,
} from './heuristic.js';
export { formatHttpDate, parseHttpDate } from './http-date.js';
export type { KeyOptions, KeyRequest } from './key.js';
export { CREDENTIAL_HEADERS, createKey, normalizeBody, normalizeHeaders, normalizeUrl } from './key.js';
export type { LeaseStore, StoreFlight } from './lease.js';
export { waitLimitMs } from './lease.js';
export type {
  BackendName,
  CacheOptions,
  CoalesceMode,
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
  DEFAULT_CACHE_STATUS_NAME,
  DEFAULT_IGNORED_PARAMETERS,
  DEFAULT_MAX_ENTRY_BYTES,
  normalizeOptions,
  normalizeRequestOptions,
} from './options.js';
export type {
  BypassReason,
  ForwardReason,
  GeneratedReason,
  NotStoredReason,
  Reason,
  ServedReason,
} from './reason.js';
export { REDACTED, redactBody, redactHeaders, redactUrl } from './redact.js';
export {
  conditionalHeaders,
  headMatchesStored,
  mergeNotModified,
  notModifiedChangesEntry,
  notModifiedMatches,
} from './revalidation.js';
export type { EntryDocument, Serializer, Stage } from './serializer.js';
export { entryStage, jsonSerializer, jsonStage, SerializerPipeline } from './serializer.js';
export type {
  BytesEntryDocument,
  CompressionName,
  CompressionOptions,
  SerializerFormat,
} from './serializers.js';
export {
  brotliStage,
  bsonStage,
  bytesEntryStage,
  COMPRESSION_NAMES,
  gzipStage,
  hasZstd,
  isSerializerName,
  msgpackStage,
  SERIALIZER_FORMATS,
  SERIALIZER_PACKAGES,
  serializerByName,
  utf8Stage,
  yamlStage,
  zstdStage,
} from './serializers.js';
export type { SigningKey, SigningOptions } from './signing.js';
export { signedSerializer, signingStage } from './signing.js';
export type { NotStorableReason, Storability } from './storability.js';
export { checkStorable, isMethodAllowed } from './storability.js';
export type { DeleteOptions, FilterOptions, StoreRecovery, StoreTicket, StoreView } from './store.js';
export { HttpCache, STORE_RETRY_INITIAL_MS, STORE_RETRY_MAX_MS, StoreHealth } from './store.js';
export type { StoreBounds } from './stores/bounded.js';
export { BoundedStore } from './stores/bounded.js';
export type { CompiledUrlPattern, UrlPatternMatch, UrlsExpireAfter } from './url-patterns.js';
export { compileUrlPatterns, matchUrlPattern } from './url-patterns.js';
export type { VaryCheck } from './vary.js';
export { checkVary, varyNames } from './vary.js';
