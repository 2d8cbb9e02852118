import { EventEmitter } from 'node:events';
import type { Keyv } from 'keyv';
import { openBackend } from './backends.js';
import { type CacheDirectives, parseCacheControl } from './cache-control.js';
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
  computeExpiration,
  type ExpirationDecision,
  type RequestExpiration,
  requestExpiration,
} from './expiration.js';
import { getHeader, type RequestHeaders, type ResponseHeaders } from './headers.js';
import { createKey, type KeyOptions, type KeyRequest } from './key.js';
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
import { conditionalHeaders, mergeNotModified, notModifiedChangesEntry } from './revalidation.js';
import { jsonSerializer, type Serializer } from './serializer.js';
import { checkStorable, isMethodAllowed } from './storability.js';
import { HttpCache } from './store.js';
import { checkVary } from './vary.js';

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
}

/** The result of looking a request up; adapters `switch` on `state`. */
export type Lookup =
  /** Not cacheable at all (disabled, method, DO_NOT_CACHE, request no-store): send, never store. */
  | { state: 'bypass'; ctx: RequestContext | undefined; request: CacheRequest }
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

/** Events a cache emits. */
export interface CacheEvents {
  hit: [{ key: string; url: string; state: 'fresh' | 'stale' }];
  miss: [{ key: string | undefined; url: string }];
  stored: [{ key: string; url: string; expires: Date | null }];
  revalidated: [{ key: string; url: string }];
  error: [ReqcacheError];
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
  readonly #revalidating = new Map<string, Promise<void>>();
  readonly #warned = new Set<string>();
  /** Failures already reported: Keyv both emits and throws the error of a failed call. */
  readonly #reported = new WeakSet<object>();

  constructor(options: CacheOptions = {}) {
    super();
    const normalized = normalizeOptions(options);
    this.settings = normalized.settings;
    this.clock = normalized.clock;
    this.serializer = normalized.serializer === 'json' ? jsonSerializer : normalized.serializer;
    const opened = openBackend(
      normalized.backend,
      normalized.cacheName,
      normalized.backendOptions,
      options.backend !== undefined,
    );
    const where = opened.path ?? opened.location;
    this.backendName = where === undefined ? opened.name : `${opened.name} (${where})`;
    opened.keyv.on('error', (error: unknown) => this.report(toStoreError(error)));
    this.cache = new HttpCache({
      keyv: opened.keyv,
      serializer: this.serializer,
      clock: this.clock,
      createKey: (request) => this.createKey(request),
      report: (error) => this.report(error),
      ttlFor: (entry, nowMs) => this.#ttlFor(entry, nowMs),
      autoclose: () => this.settings.autoclose,
    });
  }

  /** The Keyv instance behind the cache. */
  get keyv(): Keyv {
    return this.cache.keyv;
  }

  /** The key of a request under the current settings (`keyFn` when set). */
  createKey(request: KeyRequest, matchHeaders?: boolean | readonly string[]): string {
    const settings = this.settings.parsed;
    const options: KeyOptions = {
      ignoredParameters: settings.ignoredParameters,
      matchHeaders: matchHeaders ?? settings.matchHeaders,
      serializerName: this.serializer.name,
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
    const ctx: RequestContext = {
      request,
      method,
      key: '',
      options,
      settings,
      requestDirectives,
      expiration,
      requestedAt: this.clock(),
      onlyIfCached,
    };
    if (
      settings.disabled ||
      options.disabled ||
      !isMethodAllowed(method, request.headers, settings.allowableMethods) ||
      requestDirectives.noStore ||
      expiration.expireAfter.kind === 'do-not-cache' ||
      // A per-request DO_NOT_CACHE skips read and write even when a request max-age outranks it as expiration.
      options.expireAfter?.kind === 'do-not-cache'
    ) {
      // onlyIfCached never touches the network, even for a request the cache does not handle (requests-cache: 504).
      return onlyIfCached ? { state: 'not-cached', ctx } : { state: 'bypass', ctx: undefined, request };
    }
    ctx.key = this.createKey(request);
    // forceRefresh and (outside cacheControl mode) request no-cache skip the read, as in requests-cache.
    const skipRead =
      (options.forceRefresh || (requestDirectives.noCache !== undefined && !settings.cacheControl)) &&
      !ctx.onlyIfCached;
    if (skipRead) return { state: 'miss', ctx };

    let stored = await this.cache.read(ctx.key);
    if (stored !== undefined) {
      const vary = checkVary(
        stored.entry.headers,
        stored.entry.request.headers,
        request.headers,
        settings.ignoredParameters,
      );
      if (!vary.match) {
        if ('never' in vary) {
          stored = undefined;
        } else {
          ctx.varyNames = mergeNames(vary.names, settings.matchHeaders);
          ctx.key = this.createKey(request, ctx.varyNames);
          stored = await this.cache.read(ctx.key);
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
    const usable = this.#isUsable(ctx, entry, nowMs, 0);
    if (ctx.onlyIfCached) {
      // Never the network: a stale response is served only inside a stale-if-error window.
      if (usable || this.#isUsable(ctx, entry, nowMs, this.#staleIfErrorMs(ctx, entry))) {
        this.emit('hit', { key, url: request.url, state: usable ? 'fresh' : 'stale' });
        return { state: 'fresh', ctx, entry, key };
      }
      return { state: 'not-cached', ctx };
    }
    const validators = conditionalHeaders(entry.headers);
    if (usable && !this.#mustRevalidate(ctx, entry, validators !== undefined)) {
      this.emit('hit', { key, url: request.url, state: 'fresh' });
      return { state: 'fresh', ctx, entry, key };
    }
    if (!usable && this.#isUsable(ctx, entry, nowMs, this.#staleWhileRevalidateMs(ctx, entry))) {
      this.emit('hit', { key, url: request.url, state: 'stale' });
      return { state: 'stale', ctx, entry, key, headers: validators ?? {} };
    }
    return { state: 'revalidate', ctx, entry, key, headers: validators ?? {} };
  }

  /**
   * Offers what the network answered to the cache: merges a 304 into the stored response, serves a
   * stale response on an error status inside `staleIfError`, or stores the response when it may be
   * stored (reading its body). Never throws for store failures.
   */
  async handleResponse<R>(lookup: Lookup, response: NetworkResponse<R>): Promise<Outcome<R>> {
    if (lookup.state === 'bypass' || lookup.state === 'fresh' || lookup.state === 'not-cached') {
      return { source: 'network', response, body: undefined, info: uncachedInfo(this.clock()) };
    }
    const { ctx } = lookup;
    const settings = this.settings.parsed;
    const nowMs = this.clock();
    const stored = lookup.state === 'miss' ? undefined : lookup;
    if (stored !== undefined && response.status === 304 && !settings.allowableCodes.has(304)) {
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
      return {
        source: 'cache',
        entry: stored.entry,
        info: this.#info(stored.key, stored.entry, nowMs, false),
      };
    }
    const responseDirectives = parseCacheControl(response.headers['cache-control']);
    const storable = checkStorable({
      method: ctx.method,
      requestHeaders: ctx.request.headers,
      status: response.status,
      requestDirectives: ctx.requestDirectives,
      responseDirectives,
      settings,
    });
    if (!storable.store) return { source: 'network', response, body: undefined, info: uncachedInfo(nowMs) };
    const expiration = computeExpiration({
      nowMs,
      cacheControl: settings.cacheControl,
      request: ctx.expiration,
      response: { headers: response.headers, directives: responseDirectives },
    });
    if (
      !expiration.store ||
      !this.#worthStoring(expiration, response.headers, nowMs, ctx, responseDirectives)
    ) {
      return { source: 'network', response, body: undefined, info: uncachedInfo(nowMs) };
    }
    const body = await response.readBody();
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
    const lookup = await this.lookup(request, requestOptions);
    switch (lookup.state) {
      case 'bypass':
        return {
          source: 'network',
          response: await send(undefined),
          body: undefined,
          info: uncachedInfo(this.clock()),
        };
      case 'fresh':
        return {
          source: 'cache',
          entry: lookup.entry,
          info: this.#info(lookup.key, lookup.entry, this.clock(), false),
        };
      case 'not-cached':
        return { source: 'not-cached', info: { ...uncachedInfo(this.clock()), fromCache: true } };
      case 'stale':
        this.#revalidateInBackground(lookup, send);
        return {
          source: 'cache',
          entry: lookup.entry,
          info: this.#info(lookup.key, lookup.entry, this.clock(), false),
        };
      case 'miss':
      case 'revalidate':
        return this.#coalesced(lookup, send);
    }
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
    const flight: Flight = { followers: 0, promise: undefined as unknown as Promise<Outcome<unknown>> };
    const work = (async (): Promise<Outcome<R>> => {
      let outcome: Outcome<R>;
      try {
        const response = await send(lookup.state === 'revalidate' ? lookup.headers : undefined);
        outcome = await this.handleResponse(lookup, response);
      } catch (error) {
        this.#inflight.delete(key);
        if (lookup.state === 'revalidate') {
          const nowMs = this.clock();
          if (
            this.#isUsable(lookup.ctx, lookup.entry, nowMs, this.#staleIfErrorMs(lookup.ctx, lookup.entry))
          ) {
            return {
              source: 'cache',
              entry: lookup.entry,
              info: this.#info(lookup.key, lookup.entry, nowMs, false),
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
      return outcome;
    })();
    flight.promise = work;
    this.#inflight.set(key, flight);
    return work;
  }

  async #follow<R>(
    leader: Promise<Outcome<R>>,
    lookup: Extract<Lookup, { state: 'miss' | 'revalidate' }>,
  ): Promise<Outcome<R>> {
    const outcome = await leader;
    if (outcome.source !== 'network') return outcome;
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
    return {
      source: 'cache',
      entry,
      info: key === undefined ? uncachedInfo(nowMs) : this.#info(key, entry, nowMs, false),
    };
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
      } catch (error) {
        this.report(
          new ReqcacheError(
            'ERR_REVALIDATION',
            `Background revalidation of ${lookup.ctx.request.url} failed`,
            { cause: error, key },
          ),
        );
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
      response: { headers: merged.headers, directives: parseCacheControl(merged.headers['cache-control']) },
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
        storedHeaders(response.headers, body, response.decoded !== false && ctx.method !== 'HEAD'),
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

  /** RFC 9111 §5.2.2.2: with cacheControl, `must-revalidate` forbids serving stale (max-stale aside). */
  #mustRevalidateWhenStale(ctx: RequestContext, entry: CacheEntry): boolean {
    if (!ctx.settings.cacheControl) return false;
    const directives = parseCacheControl(entry.headers['cache-control']);
    return directives.mustRevalidate === true || directives.proxyRevalidate === true;
  }

  /** Whether a usable stored response must still be revalidated before use. */
  #mustRevalidate(ctx: RequestContext, entry: CacheEntry, hasValidators: boolean): boolean {
    const { settings, options, requestDirectives } = ctx;
    if (hasValidators && (options.refresh || settings.alwaysRevalidate || requestDirectives.maxAge === 0))
      return true;
    if (settings.cacheControl) {
      if (requestDirectives.noCache !== undefined) return true;
      // RFC 9111 §5.2.2.4: response no-cache ⇒ revalidate before every use (a refetch without validators).
      const directives = parseCacheControl(entry.headers['cache-control']);
      if (directives.noCache !== undefined) return true;
      if (
        getHeader(entry.headers, 'pragma')?.toLowerCase().includes('no-cache') &&
        entry.headers['cache-control'] === undefined
      )
        return true;
    }
    return false;
  }

  #staleIfErrorMs(ctx: RequestContext, entry: CacheEntry): number {
    let windowMs = ctx.settings.staleIfErrorMs;
    const fromRequest = ctx.requestDirectives.staleIfError;
    if (fromRequest !== undefined) windowMs = Math.max(windowMs, fromRequest * 1000);
    if (ctx.settings.cacheControl) {
      const fromResponse = parseCacheControl(entry.headers['cache-control']).staleIfError;
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
      const fromResponse = parseCacheControl(entry.headers['cache-control']).staleWhileRevalidate;
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
      const directives = parseCacheControl(entry.headers['cache-control']);
      extraMs = Math.max(
        extraMs,
        (directives.staleIfError ?? 0) * 1000,
        (directives.staleWhileRevalidate ?? 0) * 1000,
      );
    }
    if (extraMs === Number.POSITIVE_INFINITY) return undefined;
    return Math.max(1, entry.expiresAt + extraMs - nowMs);
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
  if (cacheControl !== undefined) return parseCacheControl(cacheControl);
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
