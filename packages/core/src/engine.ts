import { EventEmitter } from 'node:events';
import type { Keyv } from 'keyv';
import { openBackend } from './backends.js';
import { type CacheDirectives, parseCacheControlShared } from './cache-control.js';
import {
  type CacheStatusForward,
  type CacheStatusParams,
  formatCacheStatus,
  ttlSeconds,
} from './cache-status.js';
import { createDebugLog, type DebugLog } from './debug.js';
import {
  type CacheEntry,
  describeResponse,
  ENTRY_VERSION,
  hasValidator,
  isEntryExpired,
  type RedirectHop,
} from './entry.js';
import { ReqcacheError } from './errors.js';
import {
  ageMs,
  computeExpiration,
  currentAgeMs,
  type ExpirationDecision,
  type RequestExpiration,
  requestExpiration,
} from './expiration.js';
import { getHeader, type RequestHeaders, type ResponseHeaders } from './headers.js';
import {
  carriesCredentials,
  compileNames,
  createKey,
  type IgnoredNames,
  type KeyOptions,
  type KeyRequest,
  normalizeUrl,
} from './key.js';
import {
  type CacheOptions,
  type CacheSettings,
  type FilterResponse,
  normalizeOptions,
  normalizeRequestOptions,
  type ParsedRequestOptions,
  type ParsedSettings,
  type RequestCacheOptions,
} from './options.js';
import { redactBody, redactHeaders, redactUrl } from './redact.js';
import {
  conditionalHeaders,
  headMatchesStored,
  mergeNotModified,
  notModifiedChangesEntry,
  notModifiedMatches,
} from './revalidation.js';
import { type Serializer, withOwnMemo } from './serializer.js';
import { serializerByName } from './serializers.js';
import { checkStorable, isMethodAllowed } from './storability.js';
import { HttpCache, type StoreRecovery } from './store.js';
import { checkVary, varyNames } from './vary.js';

/** A request as the engine sees it; adapters translate their client's request into this. */
export interface CacheRequest {
  /** Any case; compared upper-cased. */
  method: string;
  /** Absolute URL. */
  url: string;
  /** Lower-case names, repeated fields joined with ", " (see `toRequestHeaders`). */
  headers: RequestHeaders;
  body?: Uint8Array | string | undefined;
}

/** What the network answered, as an adapter hands it to the engine (the body is read only if needed). */
export interface NetworkResponse<R = unknown> {
  status: number;
  statusText: string;
  headers: ResponseHeaders;
  /** The final URL (after redirects). */
  url: string;
  /** Redirect hops before the final response, when the adapter knows them. */
  redirects?: readonly RedirectHop[] | undefined;
  /** Reads the whole body (called at most once). */
  readBody(): Promise<Uint8Array>;
  /**
   * Whether `readBody()` returns the body after content decoding (gzip, br, …), as fetch, got and axios
   * do by default. Then the stored headers drop `Content-Encoding` and get the decoded `Content-Length`.
   * @default true
   */
  decoded?: boolean;
  /** Releases the body when the engine does not use the response (optional). */
  discard?(): void;
  /** The client's own response object, passed back untouched. */
  raw: R;
}

/** The cache attributes every adapter puts on its responses. */
export interface CacheInfo {
  /** True when the response was served from the cache (including a 304 revalidation and a synthetic 504). */
  fromCache: boolean;
  /** When the response was first received. */
  createdAt: Date;
  /** When it stops being fresh; null for never (or when it was not stored). */
  expires: Date | null;
  isExpired: boolean;
  /** True on the response of a request that revalidated a stored response with a 304. */
  revalidated: boolean;
  /** The key it is stored under, or undefined when it was not stored. */
  cacheKey: string | undefined;
  /**
   * The `Cache-Status` value (RFC 9211) adapters add to the response headers; set only when the
   * `cacheStatus` setting is on.
   */
  cacheStatus?: string | undefined;
}

/**
 * Puts the six cache fields of `info` on an adapter's response object as own, enumerable data
 * properties, always in the same order (so responses built the same way share one hidden class).
 * `cacheStatus` is not copied: adapters put it in the response headers.
 */
export function assignCacheInfo(target: object, info: CacheInfo): void {
  const fields = target as Record<keyof CacheInfo, unknown>;
  fields.fromCache = info.fromCache;
  fields.createdAt = info.createdAt;
  fields.expires = info.expires;
  fields.isExpired = info.isExpired;
  fields.revalidated = info.revalidated;
  fields.cacheKey = info.cacheKey;
}

/** Per-request state shared by the lookup and the response handling. */
export interface RequestContext {
  request: CacheRequest;
  method: string;
  key: string;
  options: ParsedRequestOptions;
  settings: Readonly<ParsedSettings>;
  requestDirectives: CacheDirectives;
  expiration: RequestExpiration;
  requestedAt: number;
  onlyIfCached: boolean;
  /** Variant headers for a secondary key, set when a stored response's Vary did not match. */
  varyNames?: readonly string[] | true;
  /** Why the request goes to the network, for `Cache-Status` (`fwd=`). */
  forward?: CacheStatusForward;
  /** When the lookup began, in the engine's sequence of lookups and flight ends. @internal */
  sequence?: number;
}

/** The result of looking a request up; adapters `switch` on `state`. */
export type Lookup =
  /** Not cacheable at all (disabled, method, DO_NOT_CACHE, request no-store): send, never store. */
  | {
      state: 'bypass';
      ctx: RequestContext | undefined;
      request: CacheRequest;
      /** Why, for `Cache-Status`: the method is not cacheable (`method`) or anything else (`bypass`). */
      forward?: 'bypass' | 'method';
      /** An unsafe request the cache is not disabled for: a success invalidates stored responses (RFC 9111 §4.4). */
      invalidate?: boolean;
    }
  /** Nothing usable stored: send, then offer the response to `handleResponse`. */
  | { state: 'miss'; ctx: RequestContext }
  /** A usable stored response: serve it without the network. */
  | { state: 'fresh'; ctx: RequestContext; entry: CacheEntry; key: string }
  /** Stale but inside `staleWhileRevalidate`: serve it now and revalidate in the background. */
  | { state: 'stale'; ctx: RequestContext; entry: CacheEntry; key: string; headers: Record<string, string> }
  /** Send with these (possibly empty) conditional headers; a 304 reuses the stored body. */
  | {
      state: 'revalidate';
      ctx: RequestContext;
      entry: CacheEntry;
      key: string;
      headers: Record<string, string>;
    }
  /** `onlyIfCached` and nothing usable: answer with a synthetic 504. */
  | { state: 'not-cached'; ctx: RequestContext };

/** What to answer the caller with. */
export type Outcome<R = unknown> =
  | { source: 'cache'; entry: CacheEntry; info: CacheInfo }
  | {
      source: 'network';
      response: NetworkResponse<R>;
      /** Set when the engine read the body (to store it): the raw response's body is consumed. */
      body: Uint8Array | undefined;
      info: CacheInfo;
    }
  | { source: 'not-cached'; info: CacheInfo };

/**
 * Events a cache emits. The decision events (`hit`, `miss`, `stale`, `revalidated`, `stored`) come one
 * per decision, each with the cache key and the request's URL (as the caller gave it; debug lines redact
 * `ignoredParameters`). Requests the cache does not handle (disabled, other methods, `DO_NOT_CACHE`)
 * emit none.
 */
export interface CacheEvents {
  /** A fresh stored response is served without the network. */
  hit: [{ key: string; url: string }];
  /** Nothing usable is stored (or a revalidation brought new content): the answer comes from the network. */
  miss: [{ key: string; url: string }];
  /** A stale stored response is served: inside `staleWhileRevalidate` (refreshed in the background) or `staleIfError`. */
  stale: [{ key: string; url: string; reason: 'stale-while-revalidate' | 'stale-if-error' }];
  /** A conditional request was answered `304 Not Modified`: the stored body is served. */
  revalidated: [{ key: string; url: string }];
  /**
   * A background (stale-while-revalidate) revalidation ended: `ok` with the origin's `status` (304:
   * the stored response was freshened; another storable status: replaced), or not `ok` with the
   * `error` (also reported on `error`).
   */
  background: [{ key: string; url: string; ok: boolean; status?: number; error?: ReqcacheError }];
  /** Stored responses removed after a successful unsafe request (RFC 9111 §4.4, `cacheControl` mode). */
  invalidated: [{ url: string; method: string; keys: string[] }];
  /** A response was written to the store. */
  stored: [{ key: string; url: string; expires: Date | null }];
  /** The store answered again after a failure (reported once on `error` when it went down). */
  storeRecovered: [StoreRecovery];
  error: [ReqcacheError];
}

/** The counters behind `engine.stats()`, kept in memory per engine since its creation (or `resetStats()`). */
export interface CacheStats {
  /** Fresh responses served from the cache. */
  hits: number;
  /** Lookups that found nothing usable, and revalidations answered with new content. */
  misses: number;
  /** Stale responses served (stale-while-revalidate, stale-if-error). */
  stale: number;
  /** Stored responses revalidated by a 304. */
  revalidated: number;
  /** Responses written. */
  stored: number;
  /** Failures reported (store, serializer, background revalidation). */
  errors: number;
  /** (hits + stale + revalidated) / (those + misses); 0 before the first lookup. */
  hitRatio: number;
}

const METHOD_NO_BODY = new Set(['GET', 'HEAD']);

/** One network request under way, shared by identical concurrent requests. */
interface Flight {
  followers: number;
  promise: Promise<Outcome<unknown>>;
}

/**
 * The engine adapters call: it owns the settings, the store and every decision. Adapters translate
 * their client's request into a {@link CacheRequest}, call {@link CacheEngine.request} (or
 * {@link CacheEngine.lookup} and {@link CacheEngine.handleResponse} when their client drives the
 * network itself), and translate the {@link Outcome} back.
 *
 * Store failures never fail a request: they fall through to the network and are reported through the
 * `error` event (or, with no listener, one process warning per error code).
 */
export class CacheEngine extends EventEmitter<CacheEvents> {
  readonly settings: CacheSettings;
  readonly cache: HttpCache;
  readonly serializer: Serializer;
  readonly clock: () => number;
  /** What the store is, for messages. */
  readonly backendName: string;
  readonly #inflight = new Map<string, Flight>();
  /**
   * Flights that ended with a shareable answer, by key, with the sequence number at which they ended:
   * a lookup that began before that (its store read may predate the write) follows it instead of
   * sending again. Bounded to {@link RECENT_FLIGHTS} keys.
   */
  readonly #landed = new Map<string, { sequence: number; outcome: Outcome<unknown> }>();
  /** Orders lookups and flight ends (not time: the clock may be a test's fake one). */
  #sequence = 0;
  /** `request()` calls under way. */
  #active = 0;
  readonly #revalidating = new Map<string, Promise<void>>();
  readonly #warned = new Set<string>();
  /** Failures already reported: Keyv both emits and throws the error of a failed call. */
  readonly #reported = new WeakSet<object>();
  readonly #counts = { ...COUNTS_ZERO };
  /** See {@link CacheEngine.createKey}. */
  #keys: KeyMemo | undefined;
  /** The debug logger, or undefined when `NODE_DEBUG` / `DEBUG` do not name reqcache. */
  readonly #debug: DebugLog | undefined = createDebugLog();

  constructor(options: CacheOptions = {}) {
    super();
    const normalized = normalizeOptions(options);
    this.settings = normalized.settings;
    this.clock = normalized.clock;
    this.serializer =
      typeof normalized.serializer === 'string'
        ? // A decode memo of this cache's own: caches in one process do not evict each other's entries.
          withOwnMemo(serializerByName(normalized.serializer))
        : normalized.serializer;
    const opened = openBackend(
      normalized.backend,
      normalized.cacheName,
      normalized.backendOptions,
      options.backend !== undefined,
      normalized.bounds,
    );
    const where = opened.path ?? opened.location;
    this.backendName = where === undefined ? opened.name : `${opened.name} (${where})`;
    // Through the store's health: reported once when the store goes down, not once per failed call.
    opened.keyv.on('error', (error: unknown) => this.cache.storeFailed(toStoreError(error)));
    // Entries a store refuses (too large for it) are reported, without taking the store down.
    opened.onRefused?.((error) => this.report(error));
    this.cache = new HttpCache({
      keyv: opened.keyv,
      serializer: this.serializer,
      clock: this.clock,
      createKey: (request) => this.createKey(request),
      report: (error) => this.report(error),
      ttlFor: (entry, nowMs) => this.#ttlFor(entry, nowMs),
      autoclose: () => this.settings.autoclose,
      recovered: (recovery) => this.emit('storeRecovered', recovery),
    });
  }

  /** The Keyv instance behind the cache. */
  get keyv(): Keyv {
    return this.cache.keyv;
  }

  /** The key of a request under the current settings (`keyFn` when set). */
  createKey(request: KeyRequest, matchHeaders?: boolean | readonly string[]): string {
    const settings = this.settings.parsed;
    // GET without a body whose headers are not part of the key (the usual request): keys by URL,
    // remembered while the settings that shape keys stay the same.
    const memo =
      request.body === undefined &&
      request.method === 'GET' &&
      (matchHeaders ?? settings.matchHeaders) === false &&
      settings.keyFn === undefined
        ? this.#keyMemo(settings)
        : undefined;
    if (
      memo !== undefined &&
      !(settings.separateCredentials && carriesCredentials(request.headers, settings.ignoredParameters))
    ) {
      const known = memo.keys.get(request.url);
      if (known !== undefined) return known;
      const key = this.#createKey(request, matchHeaders);
      if (memo.keys.size >= KEY_MEMO_SIZE) memo.keys.clear();
      memo.keys.set(request.url, key);
      return key;
    }
    return this.#createKey(request, matchHeaders);
  }

  /**
   * The URL → key memo of bodiless GET requests, emptied whenever `ignoredParameters` changed (the only
   * setting that shapes such keys: with credentials under `separateCredentials` they are not memoized).
   */
  #keyMemo(settings: Readonly<ParsedSettings>): KeyMemo {
    const ignored = compileNames(settings.ignoredParameters);
    if (this.#keys?.ignored !== ignored) this.#keys = { ignored, keys: new Map() };
    return this.#keys;
  }

  #createKey(request: KeyRequest, matchHeaders?: boolean | readonly string[]): string {
    const settings = this.settings.parsed;
    const options: KeyOptions = {
      ignoredParameters: settings.ignoredParameters,
      matchHeaders: matchHeaders ?? settings.matchHeaders,
      serializerName: this.serializer.name,
      separateCredentials: settings.separateCredentials,
    };
    return settings.keyFn ? settings.keyFn(request, options) : createKey(request, options);
  }

  /** Reports a failure: to `error` listeners, or once per code as a process warning. @internal */
  report(error: ReqcacheError): void {
    const cause = error.cause;
    if (typeof cause === 'object' && cause !== null) {
      if (this.#reported.has(cause)) return;
      this.#reported.add(cause);
    }
    this.#counts.errors++;
    this.#debug?.(
      'error %s%s %s',
      error.code,
      error.key === undefined ? '' : ` ${shortKey(error.key)}`,
      error.message,
    );
    if (this.listenerCount('error') > 0) {
      this.emit('error', error);
      return;
    }
    if (this.#warned.has(error.code)) return;
    this.#warned.add(error.code);
    process.emitWarning(`reqcache: ${error.message} (further ${error.code} errors are not shown)`, {
      code: error.code,
    });
  }

  /** The hit/miss counters of this engine (in memory, since creation or {@link CacheEngine.resetStats}). */
  stats(): CacheStats {
    const counts = this.#counts;
    const served = counts.hits + counts.stale + counts.revalidated;
    const lookups = served + counts.misses;
    return { ...counts, hitRatio: lookups === 0 ? 0 : served / lookups };
  }

  /** Sets every counter of {@link CacheEngine.stats} back to 0. */
  resetStats(): void {
    Object.assign(this.#counts, COUNTS_ZERO);
  }

  /** Counts and debug-logs every decision event before handing it to the listeners. */
  override emit<K extends keyof CacheEvents>(event: K, ...args: CacheEvents[K]): boolean {
    const counter = (COUNTERS as Partial<Record<keyof CacheEvents, keyof typeof COUNTS_ZERO>>)[event];
    if (counter !== undefined) {
      this.#counts[counter]++;
      if (this.#debug !== undefined) this.#debugEvent(event, args[0] as DecisionPayload);
    }
    return super.emit(event, ...(args as K extends keyof CacheEvents ? CacheEvents[K] : never));
  }

  /** A `hit`, counted; its payload is built only for listeners or the debug log (hits are the hot path). */
  #hit(key: string, url: string): void {
    if (this.#debug === undefined && this.listenerCount('hit') === 0) {
      this.#counts.hits++;
      return;
    }
    this.emit('hit', { key, url });
  }

  #debugEvent(event: string, payload: DecisionPayload): void {
    let extra = '';
    if (payload.reason !== undefined) extra = ` (${payload.reason})`;
    else if (payload.expires !== undefined) extra = ` expires=${payload.expires?.toISOString() ?? 'never'}`;
    this.#debug?.(
      '%s %s %s%s',
      event,
      shortKey(payload.key),
      redactUrl(payload.url, this.settings.parsed.ignoredParameters),
      extra,
    );
  }

  // ---- the decision -------------------------------------------------------------------------------

  /** Looks a request up: what to serve, send or revalidate. Never throws for store failures. */
  async lookup(
    request: CacheRequest,
    requestOptions?: RequestCacheOptions | ParsedRequestOptions,
  ): Promise<Lookup> {
    const options = isParsed(requestOptions) ? requestOptions : normalizeRequestOptions(requestOptions);
    const settings = this.settings.parsed;
    const method = request.method.toUpperCase();
    const requestDirectives = requestCacheDirectives(request.headers);
    const onlyIfCached =
      settings.onlyIfCached || options.onlyIfCached || requestDirectives.onlyIfCached === true;
    const expiration = requestExpiration(request.url, requestDirectives, options.expireAfter, settings);
    const methodAllowed = isMethodAllowed(method, request.headers, settings.allowableMethods);
    const ctx: RequestContext = {
      request,
      method,
      key: '',
      options,
      settings,
      requestDirectives,
      expiration,
      requestedAt: this.clock(),
      sequence: ++this.#sequence,
      onlyIfCached,
    };
    if (
      settings.disabled ||
      options.disabled ||
      !methodAllowed ||
      requestDirectives.noStore ||
      expiration.expireAfter.kind === 'do-not-cache' ||
      // A per-request DO_NOT_CACHE skips read and write even when a request max-age outranks it as expiration.
      options.expireAfter?.kind === 'do-not-cache'
    ) {
      this.#debug?.('bypass %s %s', method, redactUrl(request.url, settings.ignoredParameters));
      // onlyIfCached never touches the network, even for a request the cache does not handle (requests-cache: 504).
      if (onlyIfCached) return { state: 'not-cached', ctx };
      return {
        state: 'bypass',
        ctx: undefined,
        request,
        forward: methodAllowed ? 'bypass' : 'method',
        invalidate: !settings.disabled && !options.disabled && !SAFE_METHODS.has(method),
      };
    }
    ctx.key = this.createKey(request);
    // forceRefresh and (outside cacheControl mode) request no-cache skip the read, as in requests-cache.
    const skipRead =
      (options.forceRefresh || (requestDirectives.noCache !== undefined && !settings.cacheControl)) &&
      !ctx.onlyIfCached;
    if (skipRead) {
      ctx.forward = 'request';
      return { state: 'miss', ctx };
    }

    let stored = await this.cache.read(ctx.key);
    if (stored !== undefined) {
      const vary = checkVary(
        stored.entry.headers,
        stored.entry.request.headers,
        request.headers,
        settings.ignoredParameters,
      );
      if (!vary.match) {
        ctx.forward = 'vary-miss';
        if ('never' in vary) {
          stored = undefined;
        } else {
          ctx.varyNames = mergeNames(vary.names, settings.matchHeaders);
          ctx.key = this.createKey(request, ctx.varyNames);
          stored = await this.cache.read(ctx.key);
          // The variant must match as well: a request without any of the varied headers gets the
          // primary key back, where another user's variant may be stored.
          if (
            stored !== undefined &&
            !checkVary(
              stored.entry.headers,
              stored.entry.request.headers,
              request.headers,
              settings.ignoredParameters,
            ).match
          ) {
            stored = undefined;
          }
        }
      }
    }
    if (
      stored !== undefined &&
      settings.filter !== undefined &&
      !settings.filter(filterView(stored.entry, true))
    ) {
      await this.cache.remove(stored.key);
      stored = undefined;
    }
    if (stored === undefined) {
      this.emit('miss', { key: ctx.key, url: request.url });
      return ctx.onlyIfCached ? { state: 'not-cached', ctx } : { state: 'miss', ctx };
    }
    const { entry, key } = stored;
    const nowMs = ctx.requestedAt;
    // RFC 9111 §5.2.1.1 (cacheControl mode): a response older than the request's max-age is not used.
    const tooOld = this.#tooOld(ctx, entry, nowMs);
    const usable = !tooOld && this.#isUsable(ctx, entry, nowMs, 0);
    if (ctx.onlyIfCached) {
      // Never the network: a stale response is served only inside a stale-if-error window, and (RFC 9111
      // §5.2.1.7) not at all when the directives demand a validation the cache may not make.
      const mustValidate = this.#directivesForceValidation(ctx, entry, isFreshImmutable(ctx, entry, nowMs));
      if (
        !mustValidate &&
        (usable || (!tooOld && this.#isUsable(ctx, entry, nowMs, this.#staleIfErrorMs(ctx, entry))))
      ) {
        if (usable) this.emit('hit', { key, url: request.url });
        else this.emit('stale', { key, url: request.url, reason: 'stale-if-error' });
        return { state: 'fresh', ctx, entry: withAge(ctx, entry, nowMs), key };
      }
      this.emit('miss', { key, url: request.url });
      return { state: 'not-cached', ctx };
    }
    if (usable && !this.#mustRevalidate(ctx, entry, hasValidator(entry.headers))) {
      this.#hit(key, request.url);
      return { state: 'fresh', ctx, entry: withAge(ctx, entry, nowMs), key };
    }
    const validators = conditionalHeaders(entry.headers);
    if (!usable && !tooOld && this.#isUsable(ctx, entry, nowMs, this.#staleWhileRevalidateMs(ctx, entry))) {
      this.emit('stale', { key, url: request.url, reason: 'stale-while-revalidate' });
      return { state: 'stale', ctx, entry, key, headers: validators ?? {} };
    }
    ctx.forward = usable || tooOld ? 'request' : 'stale';
    return { state: 'revalidate', ctx, entry, key, headers: validators ?? {} };
  }

  /**
   * Offers what the network answered to the cache: merges a 304 into the stored response, serves a
   * stale response on an error status inside `staleIfError`, or stores the response when it may be
   * stored (reading its body). Never throws for store failures.
   */
  async handleResponse<R>(lookup: Lookup, response: NetworkResponse<R>): Promise<Outcome<R>> {
    const outcome = await this.#handleResponse(lookup, response);
    if (lookup.state === 'bypass') {
      if (lookup.invalidate === true) await this.invalidateAfter(lookup.request, response);
    } else if (lookup.state === 'miss' || lookup.state === 'revalidate') {
      if (!SAFE_METHODS.has(lookup.ctx.method)) await this.invalidateAfter(lookup.ctx.request, response);
      if (lookup.ctx.method === 'HEAD') await this.#updateFromHead(lookup.ctx, response);
    }
    return this.#withStatus(outcome, forwardStatus(lookup, outcome, response.status, this.clock()));
  }

  async #handleResponse<R>(lookup: Lookup, response: NetworkResponse<R>): Promise<Outcome<R>> {
    if (lookup.state === 'bypass' || lookup.state === 'fresh' || lookup.state === 'not-cached') {
      return { source: 'network', response, body: undefined, info: uncachedInfo(this.clock()) };
    }
    const { ctx } = lookup;
    const settings = this.settings.parsed;
    const nowMs = this.clock();
    const stored = lookup.state === 'miss' ? undefined : lookup;
    if (stored !== undefined && response.status === 304 && !settings.allowableCodes.has(304)) {
      // RFC 9111 §4.3.4 (cacheControl mode): a 304 whose validator contradicts the stored one updates
      // nothing; the 304 is passed on (request() sends again without conditions instead).
      if (settings.cacheControl && !notModifiedMatches(stored.entry, response.headers)) {
        return { source: 'network', response, body: undefined, info: uncachedInfo(nowMs) };
      }
      response.discard?.();
      return this.#revalidated(ctx, stored.key, stored.entry, response.headers, nowMs);
    }
    if (
      stored !== undefined &&
      response.status >= 400 &&
      !settings.allowableCodes.has(response.status) &&
      this.#isUsable(ctx, stored.entry, nowMs, this.#staleIfErrorMs(ctx, stored.entry))
    ) {
      response.discard?.();
      this.emit('stale', { key: stored.key, url: ctx.request.url, reason: 'stale-if-error' });
      return {
        source: 'cache',
        entry: withAge(ctx, stored.entry, nowMs),
        info: this.#info(stored.key, stored.entry, nowMs, false),
      };
    }
    // A revalidation answered with new content (or an error) is a miss: the stored body is not used.
    if (stored !== undefined) this.emit('miss', { key: stored.key, url: ctx.request.url });
    const responseDirectives = parseCacheControlShared(response.headers['cache-control']);
    const storable = checkStorable({
      method: ctx.method,
      requestHeaders: ctx.request.headers,
      status: response.status,
      requestDirectives: ctx.requestDirectives,
      responseDirectives,
      responseHeaders: response.headers,
      settings,
    });
    if (!storable.store) return { source: 'network', response, body: undefined, info: uncachedInfo(nowMs) };
    const expiration = computeExpiration({
      nowMs,
      cacheControl: settings.cacheControl,
      request: ctx.expiration,
      response: { headers: response.headers, directives: responseDirectives, status: response.status },
      requestedAt: ctx.requestedAt,
    });
    if (
      !expiration.store ||
      !this.#worthStoring(expiration, response.headers, nowMs, ctx, responseDirectives)
    ) {
      return { source: 'network', response, body: undefined, info: uncachedInfo(nowMs) };
    }
    // maxEntryBytes: a declared length over the limit is not even read; the real size is checked below.
    const declared = Number(getHeader(response.headers, 'content-length') ?? Number.NaN);
    if (ctx.method !== 'HEAD' && Number.isFinite(declared) && declared > settings.maxEntryBytes) {
      return { source: 'network', response, body: undefined, info: uncachedInfo(nowMs) };
    }
    const body = await response.readBody();
    if (entrySize(response.headers, body) > settings.maxEntryBytes) {
      return { source: 'network', response, body, info: uncachedInfo(nowMs) };
    }
    const entry = this.#createEntry(ctx, response, body, expiration.expiresAt, nowMs);
    if (settings.filter !== undefined && !settings.filter(filterView(entry, false))) {
      return { source: 'network', response, body, info: uncachedInfo(nowMs) };
    }
    const aliases = this.#aliases(ctx, response);
    const written = await this.cache.write(ctx.key, entry, aliases);
    if (!written) return { source: 'network', response, body, info: uncachedInfo(nowMs) };
    this.emit('stored', { key: ctx.key, url: ctx.request.url, expires: toDate(entry.expiresAt) });
    return { source: 'network', response, body, info: this.#info(ctx.key, entry, nowMs, false, false) };
  }

  /**
   * The whole flow for clients whose request can be wrapped (fetch, axios): look up, send with
   * `send(extraHeaders)` when needed, handle the answer. Concurrent identical misses and revalidations
   * share one network request; a stale-while-revalidate refresh runs in the background, one per key.
   */
  async request<R>(
    request: CacheRequest,
    requestOptions: RequestCacheOptions | ParsedRequestOptions | undefined,
    send: (extraHeaders: Record<string, string> | undefined) => Promise<NetworkResponse<R>>,
  ): Promise<Outcome<R>> {
    this.#active++;
    try {
      const lookup = await this.lookup(request, requestOptions);
      // A fresh hit, the usual answer, without another async step.
      if (lookup.state === 'fresh') {
        return { source: 'cache', entry: lookup.entry, info: this.lookupInfo(lookup) };
      }
      return await this.#afterLookup(lookup, send);
    } finally {
      // Remembered flights serve requests already under way: once none is, they are dropped.
      // (Map#clear allocates a new table even for an empty map: only when there is something to drop.)
      if (--this.#active === 0 && this.#landed.size > 0) this.#landed.clear();
    }
  }

  async #afterLookup<R>(
    lookup: Exclude<Lookup, { state: 'fresh' }>,
    send: (extraHeaders: Record<string, string> | undefined) => Promise<NetworkResponse<R>>,
  ): Promise<Outcome<R>> {
    switch (lookup.state) {
      case 'bypass':
        // Through handleResponse: an unsafe method may invalidate (RFC 9111 §4.4); the body is not read.
        return this.handleResponse(lookup, await send(undefined));
      case 'not-cached':
        return { source: 'not-cached', info: this.lookupInfo(lookup) };
      case 'stale':
        this.#revalidateInBackground(lookup, send);
        return {
          source: 'cache',
          entry: withAge(lookup.ctx, lookup.entry, this.clock()),
          info: this.lookupInfo(lookup),
        };
      case 'miss':
      case 'revalidate':
        return this.#coalesced(lookup, send);
    }
  }

  /**
   * The {@link CacheInfo} of a lookup answered without the network (`fresh`, `stale` or `not-cached`),
   * `Cache-Status` included, for adapters that serve such lookups themselves (got).
   */
  lookupInfo(lookup: Extract<Lookup, { state: 'fresh' | 'stale' | 'not-cached' }>): CacheInfo {
    const nowMs = this.clock();
    if (lookup.state === 'not-cached') {
      return this.#statusInfo({ ...uncachedInfo(nowMs), fromCache: true }, { detail: 'only-if-cached' });
    }
    const info = this.#info(lookup.key, lookup.entry, nowMs, false);
    if (this.settings.parsed.cacheStatus === undefined) return info;
    const ttl = ttlSeconds(lookup.entry.expiresAt, nowMs);
    const params: CacheStatusParams = { hit: true };
    if (ttl !== undefined) params.ttl = ttl;
    if (lookup.state === 'stale') params.detail = 'stale-while-revalidate';
    return this.#statusInfo(info, params);
  }

  /** The {@link CacheInfo} of a request the cache did not handle, for adapters that send such requests themselves (axios). */
  bypassInfo(forward: 'bypass' | 'method' = 'bypass'): CacheInfo {
    return this.#statusInfo(uncachedInfo(this.clock()), { fwd: forward });
  }

  /**
   * RFC 9111 §4.4, in `cacheControl` mode: after a successful (2xx/3xx) response to an unsafe request
   * (anything but GET, HEAD, OPTIONS, TRACE), removes the stored GET and HEAD responses for the target
   * URI and for the `Location` and `Content-Location` targets on the same origin (with the variant this
   * request's headers select when the stored response has `Vary`). `handleResponse` calls it; adapters
   * that send such requests without the engine call it themselves. Nothing when the cache is disabled
   * or read-only. Never throws for store failures.
   * @returns The keys removed.
   */
  async invalidateAfter(
    request: Pick<CacheRequest, 'method' | 'url' | 'headers'>,
    response: { status: number; headers: ResponseHeaders },
  ): Promise<string[]> {
    const settings = this.settings.parsed;
    const method = request.method.toUpperCase();
    if (!settings.cacheControl || settings.disabled || settings.readOnly || SAFE_METHODS.has(method))
      return [];
    if (response.status < 200 || response.status >= 400) return [];
    const targets = new Set<string>([request.url]);
    for (const name of ['location', 'content-location']) {
      const target = sameOriginTarget(getHeader(response.headers, name), request.url);
      if (target !== undefined) targets.add(target);
    }
    const keys = new Set<string>();
    let varied = false;
    for (const url of targets) {
      for (const keyMethod of ['GET', 'HEAD']) {
        const key = this.createKey({ method: keyMethod, url, headers: request.headers });
        const stored = await this.cache.read(key);
        if (stored === undefined) continue;
        keys.add(key);
        keys.add(stored.key);
        if (varyNames(stored.entry.headers) !== undefined) varied = true;
      }
    }
    if (varied) {
      // Variants live under secondary keys that depend on other requests' headers: find them by URL.
      // Only for URIs whose stored response has Vary, so most invalidations cost a few key reads.
      const ignored = settings.ignoredParameters;
      const wanted = new Set([...targets].map((url) => normalizeUrl(redactUrl(url, ignored), ignored)));
      for await (const [key, stored] of this.cache.responses.entries()) {
        const storedMethod = stored.request.method.toUpperCase();
        if (
          (storedMethod === 'GET' || storedMethod === 'HEAD') &&
          wanted.has(normalizeUrl(stored.request.url, ignored))
        ) {
          keys.add(key);
        }
      }
    }
    if (keys.size === 0) return [];
    await this.cache.delete({ keys: [...keys] });
    const removed = [...keys];
    this.emit('invalidated', { url: request.url, method, keys: removed });
    return removed;
  }

  /** Waits for the background revalidations under way (for tests and graceful shutdown). */
  async settled(): Promise<void> {
    while (this.#revalidating.size > 0 || this.#inflight.size > 0) {
      await Promise.allSettled([
        ...this.#revalidating.values(),
        ...[...this.#inflight.values()].map((flight) => flight.promise),
      ]);
    }
  }

  /** A one-line description of a response, like requests-cache's `str(response)`. */
  describe(info: CacheInfo, request: { method: string; url: string }, status: number, size: number): string {
    return describeResponse({ ...request, status, size, ...info });
  }

  // ---- internals ----------------------------------------------------------------------------------

  async #coalesced<R>(
    lookup: Extract<Lookup, { state: 'miss' | 'revalidate' }>,
    send: (extraHeaders: Record<string, string> | undefined) => Promise<NetworkResponse<R>>,
  ): Promise<Outcome<R>> {
    const key = lookup.ctx.key;
    const leader = this.#inflight.get(key);
    if (leader !== undefined) {
      leader.followers++;
      return this.#follow(leader.promise as Promise<Outcome<R>>, lookup);
    }
    // A miss or revalidation whose (slow) store read began before an identical flight stored its answer:
    // share that answer rather than ask the origin again.
    const landed = this.#landed.get(key);
    if (
      lookup.ctx.forward !== 'request' &&
      landed !== undefined &&
      (lookup.ctx.sequence ?? 0) < landed.sequence
    ) {
      return this.#follow(Promise.resolve(landed.outcome as Outcome<R>), lookup);
    }
    const flight: Flight = { followers: 0, promise: undefined as unknown as Promise<Outcome<unknown>> };
    const work = (async (): Promise<Outcome<R>> => {
      let outcome: Outcome<R>;
      try {
        const response = await send(lookup.state === 'revalidate' ? lookup.headers : undefined);
        if (
          lookup.state === 'revalidate' &&
          response.status === 304 &&
          this.settings.parsed.cacheControl &&
          !notModifiedMatches(lookup.entry, response.headers)
        ) {
          // RFC 9111 §4.3.4: this 304 does not validate the stored response: ask again, unconditionally.
          response.discard?.();
          outcome = await this.handleResponse({ state: 'miss', ctx: lookup.ctx }, await send(undefined));
        } else {
          outcome = await this.handleResponse(lookup, response);
        }
      } catch (error) {
        this.#inflight.delete(key);
        if (lookup.state === 'revalidate') {
          const nowMs = this.clock();
          if (
            this.#isUsable(lookup.ctx, lookup.entry, nowMs, this.#staleIfErrorMs(lookup.ctx, lookup.entry))
          ) {
            this.emit('stale', { key: lookup.key, url: lookup.ctx.request.url, reason: 'stale-if-error' });
            return {
              source: 'cache',
              entry: withAge(lookup.ctx, lookup.entry, nowMs),
              info: this.#statusInfo(this.#info(lookup.key, lookup.entry, nowMs, false), {
                fwd: 'stale',
                ...ttlParam(lookup.entry.expiresAt, nowMs),
                detail: 'stale-if-error',
              }),
            };
          }
        }
        throw error;
      }
      // No follower can join once the flight is gone; those that did need a body of their own.
      this.#inflight.delete(key);
      if (flight.followers > 0 && outcome.source === 'network' && outcome.body === undefined) {
        outcome = { ...outcome, body: await outcome.response.readBody() };
      }
      this.#land(key, outcome);
      return outcome;
    })();
    flight.promise = work;
    this.#inflight.set(key, flight);
    return work;
  }

  /** Remembers a flight's answer for lookups already under way (only a stored or cached answer, whose body is known). */
  #land(key: string, outcome: Outcome<unknown>): void {
    const shareable =
      outcome.source === 'cache' ||
      (outcome.source === 'network' && outcome.body !== undefined && outcome.info.cacheKey !== undefined);
    this.#landed.delete(key);
    if (!shareable) return;
    this.#landed.set(key, { sequence: ++this.#sequence, outcome });
    if (this.#landed.size > RECENT_FLIGHTS) {
      const oldest = this.#landed.keys().next().value;
      if (oldest !== undefined) this.#landed.delete(oldest);
    }
  }

  async #follow<R>(
    leader: Promise<Outcome<R>>,
    lookup: Extract<Lookup, { state: 'miss' | 'revalidate' }>,
  ): Promise<Outcome<R>> {
    const outcome = await leader;
    if (outcome.source !== 'network') {
      const status = outcome.info.cacheStatus;
      return status === undefined
        ? outcome
        : { ...outcome, info: { ...outcome.info, cacheStatus: `${status}; collapsed` } };
    }
    const nowMs = this.clock();
    const key = outcome.info.cacheKey;
    const expiresAt = outcome.info.expires === null ? null : outcome.info.expires.getTime();
    const entry = this.#createEntry(
      lookup.ctx,
      outcome.response,
      outcome.body ?? new Uint8Array(),
      expiresAt,
      nowMs,
    );
    const info = key === undefined ? uncachedInfo(nowMs) : this.#info(key, entry, nowMs, false);
    const status = outcome.info.cacheStatus;
    if (status !== undefined) info.cacheStatus = `${status}; collapsed`;
    return { source: 'cache', entry, info };
  }

  #revalidateInBackground<R>(
    lookup: Extract<Lookup, { state: 'stale' }>,
    send: (extraHeaders: Record<string, string> | undefined) => Promise<NetworkResponse<R>>,
  ): void {
    const key = lookup.key;
    if (this.#revalidating.has(key)) return;
    const revalidate: Lookup = { ...lookup, state: 'revalidate' };
    const work = (async () => {
      try {
        const response = await send(lookup.headers);
        const outcome = await this.handleResponse(revalidate, response);
        if (outcome.source === 'network' && outcome.body === undefined) outcome.response.discard?.();
        this.emit('background', { key, url: lookup.ctx.request.url, ok: true, status: response.status });
      } catch (error) {
        const failure = new ReqcacheError(
          'ERR_REVALIDATION',
          `Background revalidation of ${redactUrl(lookup.ctx.request.url, this.settings.parsed.ignoredParameters)} failed`,
          { cause: error, key },
        );
        this.report(failure);
        this.emit('background', { key, url: lookup.ctx.request.url, ok: false, error: failure });
      }
    })();
    this.#revalidating.set(key, work);
    void work.finally(() => this.#revalidating.delete(key));
  }

  async #revalidated<R>(
    ctx: RequestContext,
    key: string,
    entry: CacheEntry,
    notModifiedHeaders: ResponseHeaders,
    nowMs: number,
  ): Promise<Outcome<R>> {
    const settings = this.settings.parsed;
    const merged = mergeNotModified(entry, notModifiedHeaders, entry.expiresAt, ctx.requestedAt, nowMs);
    const expiration = computeExpiration({
      nowMs,
      cacheControl: settings.cacheControl,
      request: ctx.expiration,
      response: {
        headers: merged.headers,
        directives: parseCacheControlShared(merged.headers['cache-control']),
        status: merged.status,
      },
      requestedAt: ctx.requestedAt,
    });
    merged.expiresAt = expiration.store ? expiration.expiresAt : nowMs;
    if (!settings.readOnly && !settings.disabled && notModifiedChangesEntry(entry, merged)) {
      await this.cache.write(key, merged);
    }
    this.emit('revalidated', { key, url: ctx.request.url });
    return { source: 'cache', entry: merged, info: this.#info(key, merged, nowMs, true) };
  }

  #createEntry(
    ctx: RequestContext,
    response: NetworkResponse<unknown>,
    body: Uint8Array,
    expiresAt: number | null,
    nowMs: number,
  ): CacheEntry {
    const ignored = ctx.settings.ignoredParameters;
    const contentType = ctx.request.headers['content-type'];
    const requestBody = METHOD_NO_BODY.has(ctx.method)
      ? undefined
      : redactBody(ctx.request.body, contentType, ignored);
    const entry: CacheEntry = {
      v: ENTRY_VERSION,
      status: response.status,
      statusText: response.statusText,
      headers: redactHeaders(
        withoutSetCookie(
          storedHeaders(response.headers, body, response.decoded !== false && ctx.method !== 'HEAD'),
          ignored,
        ),
        ignored,
      ),
      body,
      url: redactUrl(response.url || ctx.request.url, ignored),
      request: {
        method: ctx.method,
        url: redactUrl(ctx.request.url, ignored),
        headers: redactHeaders(ctx.request.headers, ignored) as Record<string, string>,
      },
      history: (response.redirects ?? []).map((hop) => ({
        url: redactUrl(hop.url, ignored),
        status: hop.status,
      })),
      createdAt: nowMs,
      expiresAt,
      requestedAt: ctx.requestedAt,
      receivedAt: nowMs,
    };
    if (requestBody !== undefined && requestBody.length > 0) {
      entry.request.body =
        typeof requestBody === 'string' ? new TextEncoder().encode(requestBody) : requestBody;
    }
    return entry;
  }

  /** Keys under which the redirect hops and the final URL find the stored response. */
  #aliases(ctx: RequestContext, response: NetworkResponse<unknown>): string[] {
    const aliases: string[] = [];
    const urls = new Set<string>();
    for (const hop of response.redirects ?? []) urls.add(hop.url);
    if (response.url && response.url !== ctx.request.url) urls.add(response.url);
    urls.delete(ctx.request.url);
    for (const url of urls) {
      aliases.push(this.createKey({ method: ctx.method, url, headers: ctx.request.headers }, ctx.varyNames));
    }
    return aliases;
  }

  #isUsable(ctx: RequestContext, entry: CacheEntry, nowMs: number, extraMs: number): boolean {
    if (entry.expiresAt === null) return true;
    if (extraMs === Number.POSITIVE_INFINITY) return true;
    let offsetMs = extraMs;
    if (extraMs === 0) {
      const { maxStale, minFresh } = ctx.requestDirectives;
      if (maxStale !== undefined)
        offsetMs = maxStale === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : maxStale * 1000;
      else if (minFresh !== undefined) offsetMs = -minFresh * 1000;
      if (offsetMs === Number.POSITIVE_INFINITY) return !this.#mustRevalidateWhenStale(ctx, entry);
      if (offsetMs > 0 && this.#mustRevalidateWhenStale(ctx, entry)) offsetMs = 0;
    }
    return nowMs < entry.expiresAt + offsetMs;
  }

  /**
   * RFC 9111 §5.2.2.2: with cacheControl, `must-revalidate` forbids serving stale (max-stale aside).
   * `proxy-revalidate` (§5.2.2.8) is for shared caches only: ignored.
   */
  #mustRevalidateWhenStale(ctx: RequestContext, entry: CacheEntry): boolean {
    if (!ctx.settings.cacheControl) return false;
    return parseCacheControlShared(entry.headers['cache-control']).mustRevalidate === true;
  }

  /**
   * RFC 9111 §5.2.1.1, cacheControl mode only: a request `max-age=N` refuses a stored response whose
   * current age is above N seconds — unless it is a fresh `immutable` response (RFC 8246).
   */
  #tooOld(ctx: RequestContext, entry: CacheEntry, nowMs: number): boolean {
    const maxAge = ctx.requestDirectives.maxAge;
    if (!ctx.settings.cacheControl || maxAge === undefined) return false;
    if (currentAgeMs(entry, nowMs) <= maxAge * 1000) return false;
    return !isFreshImmutable(ctx, entry, nowMs);
  }

  /** Whether a usable stored response must still be revalidated before use. */
  #mustRevalidate(ctx: RequestContext, entry: CacheEntry, hasValidators: boolean): boolean {
    const { settings, options, requestDirectives } = ctx;
    // RFC 8246 (cacheControl mode): a fresh immutable response is not revalidated on a refresh, an
    // alwaysRevalidate or a request max-age; request no-cache and forceRefresh still reach the origin.
    const immutable = isFreshImmutable(ctx, entry, ctx.requestedAt);
    if (
      hasValidators &&
      !immutable &&
      (options.refresh || settings.alwaysRevalidate || requestDirectives.maxAge === 0)
    )
      return true;
    return this.#directivesForceValidation(ctx, entry, immutable);
  }

  /**
   * cacheControl mode: the request or the stored response forbids using it without validation —
   * request `no-cache` (or `Pragma: no-cache`), request `max-age=0` (but not for a fresh immutable
   * response), response `no-cache`.
   */
  #directivesForceValidation(ctx: RequestContext, entry: CacheEntry, immutable: boolean): boolean {
    const { settings, requestDirectives } = ctx;
    if (!settings.cacheControl) return false;
    if (requestDirectives.noCache !== undefined) return true;
    // §5.2.1.1: max-age=0 accepts no stored response, even one without a validator (refetched in full).
    if (requestDirectives.maxAge === 0 && !immutable) return true;
    // RFC 9111 §5.2.2.4: response no-cache ⇒ revalidate before every use (a refetch without validators).
    const directives = parseCacheControlShared(entry.headers['cache-control']);
    if (directives.noCache !== undefined) return true;
    return (
      getHeader(entry.headers, 'pragma')?.toLowerCase().includes('no-cache') === true &&
      entry.headers['cache-control'] === undefined
    );
  }

  #staleIfErrorMs(ctx: RequestContext, entry: CacheEntry): number {
    // RFC 9111 §5.2.2.2: must-revalidate forbids a stale response even on an error (cacheControl mode).
    if (this.#mustRevalidateWhenStale(ctx, entry)) return 0;
    let windowMs = ctx.settings.staleIfErrorMs;
    const fromRequest = ctx.requestDirectives.staleIfError;
    if (fromRequest !== undefined) windowMs = Math.max(windowMs, fromRequest * 1000);
    if (ctx.settings.cacheControl) {
      const fromResponse = parseCacheControlShared(entry.headers['cache-control']).staleIfError;
      if (fromResponse !== undefined) windowMs = Math.max(windowMs, fromResponse * 1000);
    }
    return windowMs;
  }

  #staleWhileRevalidateMs(ctx: RequestContext, entry: CacheEntry): number {
    if (this.#mustRevalidateWhenStale(ctx, entry)) return 0;
    let windowMs = ctx.settings.staleWhileRevalidateMs;
    const fromRequest = ctx.requestDirectives.staleWhileRevalidate;
    if (fromRequest !== undefined) windowMs = Math.max(windowMs, fromRequest * 1000);
    if (ctx.settings.cacheControl) {
      const fromResponse = parseCacheControlShared(entry.headers['cache-control']).staleWhileRevalidate;
      if (fromResponse !== undefined) windowMs = Math.max(windowMs, fromResponse * 1000);
    }
    return windowMs;
  }

  /** An already-expired response is worth storing only if it can be revalidated or served stale. */
  #worthStoring(
    expiration: Extract<ExpirationDecision, { store: true }>,
    headers: ResponseHeaders,
    nowMs: number,
    ctx: RequestContext,
    responseDirectives: CacheDirectives,
  ): boolean {
    if (expiration.expiresAt === null || expiration.expiresAt > nowMs) return true;
    if (hasValidator(headers)) return true;
    const settings = ctx.settings;
    return (
      expiration.expiresAt < nowMs &&
      (settings.staleIfErrorMs > 0 ||
        settings.staleWhileRevalidateMs > 0 ||
        (settings.cacheControl &&
          (responseDirectives.staleIfError !== undefined ||
            responseDirectives.staleWhileRevalidate !== undefined)))
    );
  }

  /** Store TTL: expiry plus the windows in which the entry may still be revalidated or served stale. */
  #ttlFor(entry: CacheEntry, nowMs: number): number | undefined {
    if (entry.expiresAt === null) return undefined;
    const settings = this.settings.parsed;
    let extraMs = Math.max(settings.staleIfErrorMs, settings.staleWhileRevalidateMs);
    if (hasValidator(entry.headers)) extraMs = Number.POSITIVE_INFINITY;
    if (settings.cacheControl) {
      const directives = parseCacheControlShared(entry.headers['cache-control']);
      extraMs = Math.max(
        extraMs,
        (directives.staleIfError ?? 0) * 1000,
        (directives.staleWhileRevalidate ?? 0) * 1000,
      );
    }
    if (extraMs === Number.POSITIVE_INFINITY) return undefined;
    return Math.max(1, entry.expiresAt + extraMs - nowMs);
  }

  /** The info with its `Cache-Status` when the setting is on (the same object otherwise). */
  #statusInfo(info: CacheInfo, params: CacheStatusParams): CacheInfo {
    const name = this.settings.parsed.cacheStatus;
    if (name === undefined) return info;
    info.cacheStatus = formatCacheStatus(name, params);
    return info;
  }

  #withStatus<R>(outcome: Outcome<R>, params: CacheStatusParams): Outcome<R> {
    if (this.settings.parsed.cacheStatus === undefined) return outcome;
    return { ...outcome, info: this.#statusInfo({ ...outcome.info }, params) };
  }

  /**
   * RFC 9111 §4.3.5 (cacheControl mode): a 200 answer to HEAD freshens the stored GET response when
   * their validators (and `Content-Length`) agree — its headers updated as a 304 would (§3.2) — and
   * makes it stale when they differ.
   */
  async #updateFromHead(ctx: RequestContext, response: NetworkResponse<unknown>): Promise<void> {
    const settings = this.settings.parsed;
    if (!settings.cacheControl || settings.readOnly || settings.disabled || response.status !== 200) return;
    const stored = await this.cache.read(
      this.createKey({ method: 'GET', url: ctx.request.url, headers: ctx.request.headers }),
    );
    if (stored === undefined || stored.entry.request.method !== 'GET') return;
    const nowMs = this.clock();
    const { entry, key } = stored;
    let updated: CacheEntry;
    if (headMatchesStored(entry, response.headers)) {
      updated = mergeNotModified(entry, response.headers, entry.expiresAt, ctx.requestedAt, nowMs);
      const expiration = computeExpiration({
        nowMs,
        cacheControl: true,
        request: ctx.expiration,
        response: {
          headers: updated.headers,
          directives: parseCacheControlShared(updated.headers['cache-control']),
          status: updated.status,
        },
        requestedAt: ctx.requestedAt,
      });
      updated.expiresAt = expiration.store ? expiration.expiresAt : nowMs;
    } else {
      if (isEntryExpired(entry, nowMs)) return;
      updated = { ...entry, expiresAt: nowMs };
    }
    if (notModifiedChangesEntry(entry, updated)) await this.cache.write(key, updated);
  }

  #info(key: string, entry: CacheEntry, nowMs: number, revalidated: boolean, fromCache = true): CacheInfo {
    return {
      fromCache,
      createdAt: new Date(entry.createdAt),
      expires: toDate(entry.expiresAt),
      isExpired: fromCache && isEntryExpired(entry, nowMs),
      revalidated,
      cacheKey: key,
    };
  }
}

/** Headers describing the stored body: framing fields dropped, `Content-Length` exact once decoded (not for HEAD). */
function storedHeaders(headers: ResponseHeaders, body: Uint8Array, decoded: boolean): ResponseHeaders {
  if (
    headers['transfer-encoding'] === undefined &&
    headers['connection'] === undefined &&
    headers['keep-alive'] === undefined
  ) {
    if (
      !decoded ||
      (headers['content-encoding'] === undefined && headers['content-length'] === String(body.byteLength))
    ) {
      return headers;
    }
  }
  const out: ResponseHeaders = { ...headers };
  delete out['transfer-encoding'];
  delete out['connection'];
  delete out['keep-alive'];
  if (decoded) {
    delete out['content-encoding'];
    out['content-length'] = String(body.byteLength);
  }
  return out;
}

/** Body bytes plus header names and values: what `maxEntryBytes` limits. */
function entrySize(headers: ResponseHeaders, body: Uint8Array): number {
  let size = body.byteLength;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    size += name.length;
    for (const item of Array.isArray(value) ? value : [value]) size += Buffer.byteLength(item);
  }
  return size;
}

/** `Set-Cookie` is left out of stored responses when it is an ignored parameter (the default). */
function withoutSetCookie(headers: ResponseHeaders, ignored: readonly string[]): ResponseHeaders {
  const name = Object.keys(headers).find((header) => header.toLowerCase() === 'set-cookie');
  if (name === undefined || !ignored.some((item) => item.toLowerCase() === 'set-cookie')) return headers;
  const out: ResponseHeaders = { ...headers };
  delete out[name];
  return out;
}

const COUNTS_ZERO = Object.freeze({ hits: 0, misses: 0, stale: 0, revalidated: 0, stored: 0, errors: 0 });

/** Which counter of `stats()` each decision event increments. */
const COUNTERS = {
  hit: 'hits',
  miss: 'misses',
  stale: 'stale',
  revalidated: 'revalidated',
  stored: 'stored',
} as const;

/** What the decision events carry, as the debug log reads it. */
interface DecisionPayload {
  key: string;
  url: string;
  reason?: string;
  expires?: Date | null;
}

/** The start of a key, enough to tell entries apart in a log line. */
function shortKey(key: string): string {
  return key.length > 12 ? key.slice(0, 12) : key;
}

/**
 * RFC 9111 §4 / §5.1 (cacheControl mode): a stored response served without validation carries an `Age`
 * header with its current age in seconds. A copy: the stored entry keeps the `Age` it arrived with.
 */
function withAge(ctx: RequestContext, entry: CacheEntry, nowMs: number): CacheEntry {
  if (!ctx.settings.cacheControl) return entry;
  // A frozen entry is shared between reads (the decode memo's): its initial age is computed once and the
  // copy with the current Age is reused until that age changes. Other entries are copied every time.
  if (!Object.isFrozen(entry)) {
    const age = String(Math.floor(currentAgeMs(entry, nowMs) / 1000));
    return { ...entry, headers: { ...entry.headers, age } };
  }
  let served = servedWithAge.get(entry);
  if (served === undefined) {
    served = { initialAgeMs: ageMs(entry.headers, entry.receivedAt, entry.requestedAt), age: '', entry };
    servedWithAge.set(entry, served);
  }
  const age = String(Math.floor((served.initialAgeMs + Math.max(0, nowMs - entry.receivedAt)) / 1000));
  if (served.age !== age) {
    served.age = age;
    served.entry = Object.freeze({ ...entry, headers: Object.freeze({ ...entry.headers, age }) });
  }
  return served.entry;
}

/** Per shared (frozen) entry: its corrected initial age and the copy last served with an `Age` header. */
const servedWithAge = new WeakMap<CacheEntry, { initialAgeMs: number; age: string; entry: CacheEntry }>();

/** Keys of bodiless GET requests by URL, valid for one compiled `ignoredParameters` list. */
interface KeyMemo {
  ignored: IgnoredNames;
  keys: Map<string, string>;
}

/** How many URL → key pairs {@link CacheEngine.createKey} remembers (emptied when full). */
const KEY_MEMO_SIZE = 4096;

/** How many recently ended flights are remembered for lookups already under way. */
const RECENT_FLIGHTS = 64;

/** Methods that never invalidate (RFC 9110 §9.2.1 safe methods). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** A fresh response marked `immutable` (RFC 8246), in cacheControl mode. */
function isFreshImmutable(ctx: RequestContext, entry: CacheEntry, nowMs: number): boolean {
  return (
    ctx.settings.cacheControl &&
    !isEntryExpired(entry, nowMs) &&
    parseCacheControlShared(entry.headers['cache-control']).immutable === true
  );
}

/** The absolute URL of a `Location` / `Content-Location` value when it is on the request's origin. */
function sameOriginTarget(value: string | undefined, base: string): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  try {
    const target = new URL(value.trim(), base);
    return target.origin === new URL(base).origin ? target.href : undefined;
  } catch {
    return undefined;
  }
}

function ttlParam(expiresAt: number | null, nowMs: number): { ttl?: number } {
  const ttl = ttlSeconds(expiresAt, nowMs);
  return ttl === undefined ? {} : { ttl };
}

/** The `Cache-Status` of a request that went to the network, from the lookup and the outcome. */
function forwardStatus(
  lookup: Lookup,
  outcome: Outcome<unknown>,
  status: number,
  nowMs: number,
): CacheStatusParams {
  if (lookup.state === 'bypass') return { fwd: lookup.forward ?? 'bypass' };
  if (lookup.state === 'fresh' || lookup.state === 'not-cached') return { fwd: 'bypass' };
  const fwd = lookup.ctx.forward ?? (lookup.state === 'miss' ? 'miss' : 'stale');
  if (outcome.source === 'cache' && !outcome.info.revalidated) {
    // The stored response served instead of an error status (stale-if-error).
    return {
      fwd: 'stale',
      fwdStatus: status,
      ...ttlParam(outcome.entry.expiresAt, nowMs),
      detail: 'stale-if-error',
    };
  }
  const params: CacheStatusParams = { fwd };
  if (lookup.state !== 'miss') params.fwdStatus = status;
  if (outcome.source === 'network' && outcome.info.cacheKey !== undefined) params.stored = true;
  return params;
}

function uncachedInfo(nowMs: number): CacheInfo {
  return {
    fromCache: false,
    createdAt: new Date(nowMs),
    expires: null,
    isExpired: false,
    revalidated: false,
    cacheKey: undefined,
  };
}

function toDate(atMs: number | null): Date | null {
  return atMs === null ? null : new Date(atMs);
}

function isParsed(value: unknown): value is ParsedRequestOptions {
  return typeof value === 'object' && value !== null && Object.isFrozen(value) && 'forceRefresh' in value;
}

/** Request directives, with `Pragma: no-cache` standing for `Cache-Control: no-cache` when there is none (RFC 9111 §5.4). */
function requestCacheDirectives(headers: Readonly<Record<string, string>>): CacheDirectives {
  const cacheControl = headers['cache-control'];
  if (cacheControl !== undefined) return parseCacheControlShared(cacheControl);
  const pragma = headers['pragma'];
  if (pragma !== undefined && pragma.toLowerCase().includes('no-cache')) return { noCache: true };
  return EMPTY_DIRECTIVES;
}

const EMPTY_DIRECTIVES: CacheDirectives = Object.freeze({});

function mergeNames(
  varyNames: readonly string[],
  matchHeaders: boolean | readonly string[],
): readonly string[] | true {
  if (matchHeaders === true) return true;
  if (matchHeaders === false) return varyNames;
  return [...new Set([...varyNames, ...matchHeaders])].sort();
}

function filterView(entry: CacheEntry, fromCache: boolean): FilterResponse {
  return {
    status: entry.status,
    headers: entry.headers,
    url: entry.url,
    body: entry.body,
    request: { method: entry.request.method, url: entry.request.url },
    fromCache,
  };
}

function toStoreError(error: unknown): ReqcacheError {
  if (error instanceof ReqcacheError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ReqcacheError('ERR_CACHE_STORE', `Store error: ${message}`, { cause: error });
}
