/**
 * `@reqcache/core/internal`: what reqcache's own packages (adapters, stores, CLI, tests) share beyond
 * the public API — backend loading, redaction, formatting, serializer stages, store health. No
 * stability promise: custom clients should need only `@reqcache/core`.
 * @internal
 * @module @reqcache/core/internal
 */
export type { OpenedBackend } from './backend-names.js';
export {
  BACKEND_DEFAULTS,
  dynamoTable,
  loadStore,
  mongoDatabase,
  postgresTable,
  redisNamespace,
  sqlitePath,
} from './backend-names.js';
export { openBackend } from './backends.js';
export { knownSize } from './body-bytes.js';
export { formatCacheControl, MAX_DELTA_SECONDS } from './cache-control.js';
export { checkCacheMode } from './cache-mode.js';
export { formatCacheStatus, ttlSeconds } from './cache-status.js';
export { closeCache } from './close.js';
export { cacheInfo, storedInfo } from './contract.js';
export type { DebugLog } from './debug.js';
export { createDebugLog, DEBUG_SECTION, debugEnvMatches } from './debug.js';
export { contentTypeOf, formatFileSize } from './entry.js';
export { connectionFields, isBodyDecoded } from './entry-builder.js';
export { describeValue } from './errors.js';
export { expiresInSeconds, parseDurationMs, resolveExpiresAt } from './expire-after.js';
export { headersInit } from './fetch-response.js';
export type { FormDataLike } from './form-data.js';
export { formDataText, isSpecFormData } from './form-data.js';
export type { RfcNotStorableReason } from './heuristic.js';
export { HEURISTIC_FRACTION, HEURISTICALLY_CACHEABLE_STATUSES } from './heuristic.js';
export { parseHttpDateStrict } from './http-date.js';
export type { GlobalSlot, Installation } from './installation.js';
export { createInstallation, globalSlot } from './installation.js';
export type { KeyOptions } from './key.js';
export { CREDENTIAL_HEADERS, normalizeBody, normalizeHeaders } from './key.js';
export { NULL_BODY_STATUSES } from './null-body.js';
export type { NormalizedOptions, ParsedSettings, SettingsOptions } from './options.js';
export { normalizeOptions } from './options.js';
export { REDACTED, redactBody, redactHeaders, redactUrl } from './redact.js';
export type { RequestLike } from './request-init.js';
export {
  checkBodyAllowed,
  extractBody,
  headersOf,
  isOneShotBody,
  isRequestLike,
  parseRequestUrl,
  refuseOneShotBody,
  requestBytes,
  requestFields,
  withoutFragment,
} from './request-init.js';
export { bufferOf, messageFields, rawHeaderList } from './response-stream.js';
export {
  headMatchesStored,
  mergeNotModified,
  notModifiedChangesEntry,
  notModifiedMatches,
} from './revalidation.js';
export { entryStage, jsonStage } from './serializer.js';
export type { BytesEntryDocument, SerializerFormat } from './serializers.js';
export {
  bytesEntryStage,
  COMPRESSION_NAMES,
  hasZstd,
  isSerializerName,
  SERIALIZER_FORMATS,
  SERIALIZER_PACKAGES,
  utf8Stage,
} from './serializers.js';
export type { StoreTicket, StoreView } from './store.js';
export { STORE_RETRY_INITIAL_MS, STORE_RETRY_MAX_MS, StoreHealth } from './store.js';
export type { CompiledUrlPattern, UrlPatternMatch } from './url-patterns.js';
export { compileUrlPatterns, matchUrlPattern } from './url-patterns.js';
export type { VaryCheck } from './vary.js';
export { checkVary, varyNames } from './vary.js';
