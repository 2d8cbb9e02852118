/**
 * `@reqcache/core`: the HTTP caching engine behind every reqcache adapter — keys, expiration,
 * revalidation, serializers and storage — for reuse in custom clients.
 * @module @reqcache/core
 */
export { bodyBytes, requestBody, UNKEYABLE } from './body-bytes.js';
export { sendTeed, teeBody } from './body-tee.js';
export { bodyText } from './body-text.js';
export type { CacheDirectives } from './cache-control.js';
export { parseCacheControl } from './cache-control.js';
export type { CacheFields } from './cache-fields.js';
export { attachCacheFields, cacheFields, DescribedResponse } from './cache-fields.js';
export type { CacheHandle } from './cache-handle.js';
export { CACHE_HANDLE_NAMES, cacheHandle } from './cache-handle.js';
export type { CacheModeEffect, FetchCacheMode } from './cache-mode.js';
export { applyCacheMode, CACHE_MODES } from './cache-mode.js';
export type { CacheStatusForward, CacheStatusParams } from './cache-status.js';
export type { InvalidCachedResponse } from './cached-response.js';
export { CachedResponse } from './cached-response.js';
export type { DriveOptions } from './client-request.js';
export { deadlineBeforeMs, driveClientRequest } from './client-request.js';
export { decodeContentCoding } from './content-coding.js';
export type {
  CacheEvents,
  CacheInfo,
  CacheRequest,
  CacheStats,
  Explanation,
  ForwardLookup,
  KeyedRequest,
  Lookup,
  LookupOptions,
  NetworkResponse,
  Outcome,
  RequestContext,
  Send,
} from './contract.js';
export { assignCacheInfo, BodyUnavailable, generatedStatus } from './contract.js';
export type { AnswerDecision, LookupDecision, StoreDecision } from './decision.js';
export {
  decideAnswer,
  decideBypass,
  decideEntry,
  decideHeadUpdate,
  decideLookup,
  decideOnNetworkError,
  decideStore,
  invalidates,
  skipsRead,
} from './decision.js';
export { CacheEngine } from './engine.js';
export type { CacheEntry, RedirectHop, StoredRequest } from './entry.js';
export { describeResponse, ENTRY_VERSION, hasValidator, isEntryExpired } from './entry.js';
export { buildEntry, storedHeaders } from './entry-builder.js';
export type { EntryLocation } from './entry-location.js';
export { entryLocation } from './entry-location.js';
export type { ReqcacheErrorCode, ReqcacheErrorOptions } from './errors.js';
export {
  ConstructionOnlyOptionError,
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
export { DO_NOT_CACHE, EXPIRE_IMMEDIATELY, NEVER_EXPIRE, parseExpireAfter } from './expire-after.js';
export type {
  CacheAttributes,
  CachedFetchResponse,
  FetchResponseLike,
  FetchResponseParts,
  ResponseDecoration,
} from './fetch-response.js';
export {
  buildFetchResponse,
  decorateResponse,
  fetchNetworkResponse,
  withCacheStatus,
} from './fetch-response.js';
export type { FreshnessContext, ValidationReason } from './freshness.js';
export {
  forbidsUnvalidatedUse,
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
export { heuristicLifetimeMs, rfcNotStorable } from './heuristic.js';
export type { HookEngine, HookPlan, HookRequest, SettleFlight } from './hook-plan.js';
export { planHookRequest } from './hook-plan.js';
export type { HookAnswer, HookSending, ServedLocation } from './hooked-request.js';
export { HookedRequest } from './hooked-request.js';
export { formatHttpDate, parseHttpDate } from './http-date.js';
export type { IncomingAt } from './incoming-response.js';
export { incomingResponse } from './incoming-response.js';
export type { KeyRequest } from './key.js';
export { createKey, normalizeUrl } from './key.js';
export type { LeaseStore, StoreFlight } from './lease.js';
export { waitLimitMs } from './lease.js';
export { explainLookup, requestContext, unhandledLookup } from './lookup.js';
export { hasNullBody } from './null-body.js';
export type {
  BackendName,
  CacheOptions,
  CoalesceMode,
  FilterResponse,
  KeyFunction,
  ParsedRequestOptions,
  RequestCacheOptions,
  SerializerName,
} from './options.js';
export {
  ALL_METHODS,
  BACKEND_NAMES,
  CacheSettings,
  DEFAULT_CACHE_STATUS_NAME,
  DEFAULT_IGNORED_PARAMETERS,
  DEFAULT_MAX_ENTRY_BYTES,
  normalizeRequestOptions,
} from './options.js';
export type { ByteRange } from './range.js';
export { ifRangeMatches, parseByteRange, rangeAnswer, sliceBody } from './range.js';
export type {
  BypassReason,
  ForwardReason,
  GeneratedReason,
  NotStoredReason,
  Reason,
  ServedReason,
} from './reason.js';
export { ResponseStream, setCacheFields } from './response-stream.js';
export { conditionalHeaders } from './revalidation.js';
export type { EntryDocument, Serializer, Stage } from './serializer.js';
export { jsonSerializer, SerializerPipeline } from './serializer.js';
export type { CompressionName, CompressionOptions } from './serializers.js';
export {
  brotliStage,
  bsonStage,
  gzipStage,
  msgpackStage,
  serializerByName,
  yamlStage,
  zstdStage,
} from './serializers.js';
export type { ServedResponse } from './served-response.js';
export { servedResponse } from './served-response.js';
export type { SigningKey, SigningOptions } from './signing.js';
export { signedSerializer, signingStage } from './signing.js';
export type { NotStorableReason, Storability } from './storability.js';
export { checkStorable, isMethodAllowed, statusAllowed } from './storability.js';
export type { DeleteOptions, FilterOptions, StoreRecovery } from './store.js';
export { HttpCache } from './store.js';
export type { StoreBounds } from './stores/bounded.js';
export { BoundedStore } from './stores/bounded.js';
export type { UrlsExpireAfter } from './url-patterns.js';
