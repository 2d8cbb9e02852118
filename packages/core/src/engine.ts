/**
 * The one orchestrator adapters call: it reads the clock, reads and writes the store, emits events,
 * shares identical requests and runs background revalidations. Every decision it acts on is made by
 * the pure functions of `decision.ts` and `freshness.ts`, which say why.
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import type { Keyv } from 'keyv';
import { revalidateInBackground } from './background.js';
import { parseCacheControlShared } from './cache-control.js';
import { cacheStatusFor, withCacheStatus } from './cache-status.js';
import { type Flight, Flights, isShareable, joinFlight, leadFlight, withBody } from './coalescing.js';
import {
  type CacheEvents,
  type CacheInfo,
  type CacheRequest,
  type CacheStats,
  cacheInfo,
  type Explanation,
  type ForwardLookup,
  type Lookup,
  type LookupOptions,
  lookupOptions,
  type NetworkResponse,
  type Outcome,
  type RequestContext,
  readWholeBody,
  type Send,
  storedInfo,
} from './contract.js';
import {
  decideAnswer,
  decideBypass,
  decideEntry,
  decideLookup,
  decideStore,
  invalidates,
  revalidatedEntry,
  SAFE_METHODS,
  skipsRead,
  updatesFromHead,
} from './decision.js';
import { type CacheEntry, describeResponse } from './entry.js';
import { aliasUrls, buildEntry, filterView } from './entry-builder.js';
import type { ReqcacheError } from './errors.js';
import { retentionMs, withAge } from './freshness.js';
import type { ResponseHeaders } from './headers.js';
import type { KeyRequest } from './key.js';
import { KeyMaker } from './key-memo.js';
import { type StoreFlight, StoreLeases } from './lease.js';
import { bypassLookup, explainLookup, requestContext, toLookup } from './lookup.js';
import {
  type CacheOptions,
  type CacheSettings,
  normalizeOptions,
  type RequestCacheOptions,
} from './options.js';
import { lookupInfo, networkErrorOutcome, staleIfErrorOutcome } from './outcome.js';
import { type BypassReason, type ForwardReason, forwardParameter, type NotStoredReason } from './reason.js';
import { redactUrl } from './redact.js';
import { Reporter } from './reporter.js';
import { notModifiedChangesEntry } from './revalidation.js';
import { type Serializer, withOwnMemo } from './serializer.js';
import { serializerByName } from './serializers.js';
import type { HttpCache } from './store.js';
import { openCache, readVariant, removeInvalidated, updateFromHead } from './store-ops.js';

/**
 * The engine adapters call. Adapters translate their client's request into a {@link CacheRequest},
 * call {@link CacheEngine.request} (or {@link CacheEngine.lookup} and {@link CacheEngine.handleResponse}
 * when their client drives the network itself), and translate the {@link Outcome} back.
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
  readonly #flights = new Flights<Outcome<unknown> | undefined>();
  readonly #revalidating = new Map<string, Promise<void>>();
  readonly #reporter = new Reporter();
  /** Set inside {@link CacheEngine.disabled} scopes. */
  readonly #scope = new AsyncLocalStorage<'disabled'>();
  readonly #keys: KeyMaker;
  readonly #leases = new StoreLeases(this, {
    relook: (ctx) => this.#lookup(ctx.request, ctx.options, true),
    count: (counter) => this.#reporter.count(counter),
  });

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
    this.#keys = new KeyMaker(() => this.settings.parsed, this.serializer.name);
    const opened = openCache(normalized, this.serializer, options.backend !== undefined, {
      createKey: (request) => this.createKey(request),
      report: (error) => this.report(error),
      ttlFor: (entry, nowMs) => retentionMs(this.settings.parsed, entry, nowMs),
      recovered: (recovery) => this.emit('storeRecovered', recovery),
    });
    this.cache = opened.cache;
    this.backendName = opened.backendName;
  }

  /** The Keyv instance behind the cache. */
  get keyv(): Keyv {
    return this.cache.keyv;
  }

  /** The key of a request under the current settings (`keyFn` when set). */
  createKey(request: KeyRequest, matchHeaders?: boolean | readonly string[]): string {
    return this.#keys.key(request, matchHeaders);
  }

  /** Reports a failure: to `error` listeners, or once per code as a process warning. @internal */
  report(error: ReqcacheError): void {
    if (this.#reporter.failure(error, this.listenerCount('error') > 0)) this.emit('error', error);
  }

  /** The hit/miss counters of this engine (in memory, since creation or {@link CacheEngine.resetStats}). */
  stats(): CacheStats {
    return this.#reporter.stats();
  }

  /** Sets every counter of {@link CacheEngine.stats} back to 0. */
  resetStats(): void {
    this.#reporter.reset();
  }

  /** Counts and debug-logs every decision event, then hands it to the listeners with its URL redacted. */
  override emit<K extends keyof CacheEvents>(event: K, ...args: CacheEvents[K]): boolean {
    args[0] = this.#reporter.event(event, args[0], this.settings.parsed.ignoredParameters);
    return super.emit(event, ...(args as K extends keyof CacheEvents ? CacheEvents[K] : never));
  }

  /** Looks a request up: what to serve, send or revalidate, and why. Never throws for store failures. */
  async lookup(request: CacheRequest, requestOptions?: RequestCacheOptions | LookupOptions): Promise<Lookup> {
    return this.#lookup(request, requestOptions, false);
  }

  /** What would happen to `request` now, and why: no network request, event, counter or store change. */
  async explain(
    request: CacheRequest,
    requestOptions?: RequestCacheOptions | LookupOptions,
  ): Promise<Explanation> {
    return explainLookup(await this.#lookup(request, requestOptions, true));
  }

  /**
   * Runs `fn` with this cache bypassed (requests-cache's `cache_disabled()`), for the requests it sends
   * (what it awaits included); concurrent requests outside it still use the cache (async context).
   */
  disabled<T>(fn: () => T): T {
    return this.#scope.run('disabled', fn);
  }

  async #lookup(
    request: CacheRequest,
    requestOptions: RequestCacheOptions | LookupOptions | undefined,
    quiet: boolean,
  ): Promise<Lookup> {
    let options = lookupOptions(requestOptions);
    if (this.#scope.getStore() === 'disabled') options = { ...options, disabled: true };
    const settings = this.settings.parsed;
    const ctx = requestContext(request, options, settings, this.clock(), this.#flights.sequence());
    const bypass = decideBypass({ ...ctx, headers: request.headers, body: request.body });
    if (bypass !== undefined) {
      const url = redactUrl(request.url, settings.ignoredParameters);
      if (!quiet) this.#reporter.debug?.('bypass %s %s (%s)', ctx.method, url, bypass);
      return bypassLookup(ctx, bypass);
    }
    ctx.key = this.createKey(ctx.request);
    if (skipsRead(ctx))
      return toLookup(ctx, { state: 'miss', reason: options.retryOf ?? 'force-refresh' }, undefined);
    let { stored, missing } = await readVariant(this.cache, (req, names) => this.createKey(req, names), ctx);
    if (
      stored !== undefined &&
      settings.filter !== undefined &&
      !settings.filter(filterView(stored.entry, true))
    ) {
      if (!quiet) await this.cache.remove(stored.key);
      stored = undefined;
      missing = 'filtered';
    }
    const lookup = toLookup(ctx, decideLookup(ctx, stored?.entry, ctx.requestedAt, missing), stored);
    if (!quiet) this.#announce(lookup, missing);
    return lookup;
  }

  /** The lookup's decision event: `hit`, `stale`, or `miss` when nothing usable was stored (revalidations report later). */
  #announce(lookup: Lookup, missing: ForwardReason): void {
    const url = lookup.ctx?.request.url ?? '';
    switch (lookup.state) {
      case 'miss':
      case 'not-cached':
        this.emit('miss', {
          key: lookup.ctx.key,
          url,
          reason: lookup.state === 'miss' ? lookup.reason : missing,
        });
        return;
      case 'fresh':
        if (lookup.reason === 'stale-if-error')
          this.emit('stale', { key: lookup.key, url, reason: lookup.reason });
        else if (this.#reporter.debug === undefined && this.listenerCount('hit') === 0) this.#reporter.hit();
        else this.emit('hit', { key: lookup.key, url });
        return;
      case 'stale':
        this.emit('stale', { key: lookup.key, url, reason: lookup.reason });
        return;
    }
  }

  /**
   * Offers what the network answered to the cache: merges a 304 into the stored response, serves a
   * stale response on an error status inside `staleIfError`, or stores the response when it may be
   * stored (reading its body). `resend` sends the request again without conditions, for a 304 that
   * validates nothing (RFC 9111 §4.3.4). Never throws for store failures.
   */
  async handleResponse<R>(
    lookup: Lookup,
    response: NetworkResponse<R>,
    resend?: () => Promise<NetworkResponse<R>>,
  ): Promise<Outcome<R>> {
    const outcome = await this.#handle(lookup, response, resend);
    const settings = this.settings.parsed;
    if (lookup.state === 'bypass') {
      if (lookup.invalidate) await this.invalidateAfter(lookup.request, response);
    } else if (lookup.state === 'miss' || lookup.state === 'revalidate') {
      if (!SAFE_METHODS.has(lookup.ctx.method)) await this.invalidateAfter(lookup.ctx.request, response);
      const { ctx } = lookup;
      if (updatesFromHead(settings, ctx.method, response.status)) {
        const key = this.createKey({ method: 'GET', url: ctx.request.url, headers: ctx.request.headers });
        await updateFromHead(this.cache, key, ctx, response.headers, this.clock());
      }
    }
    if (settings.cacheStatus === undefined) return outcome;
    const params = cacheStatusFor(lookup, outcome, response.status, this.clock());
    return { ...outcome, info: withCacheStatus({ ...outcome.info }, settings.cacheStatus, params) };
  }

  async #handle<R>(
    lookup: Lookup,
    response: NetworkResponse<R>,
    resend?: () => Promise<NetworkResponse<R>>,
  ): Promise<Outcome<R>> {
    if (lookup.state !== 'miss' && lookup.state !== 'revalidate') {
      const reason = lookup.state === 'bypass' ? lookup.reason : 'miss';
      return { source: 'network', response, body: undefined, info: cacheInfo(reason, this.clock()) };
    }
    const { ctx } = lookup;
    const nowMs = this.clock();
    if (lookup.state === 'revalidate') {
      const { entry, key } = lookup;
      switch (decideAnswer(ctx, entry, response, nowMs).action) {
        case 'revalidated':
          response.discard?.();
          return this.#revalidated(ctx, key, entry, response.headers, nowMs);
        case 'resend':
          if (resend === undefined) return this.#notStored(ctx, response, undefined, 'not-modified');
          response.discard?.();
          return this.#handle({ state: 'miss', ctx, reason: lookup.reason }, await resend());
        case 'stale-if-error':
          response.discard?.();
          this.emit('stale', { key, url: ctx.request.url, reason: 'stale-if-error' });
          return staleIfErrorOutcome(ctx, key, entry, nowMs, response.status);
        case 'offer':
          // A revalidation answered with new content (or an error) is a miss: the stored body is not used.
          this.emit('miss', { key, url: ctx.request.url, reason: lookup.reason });
      }
    }
    return this.#offer(ctx, response, nowMs);
  }

  /** Stores a network response when {@link decideStore} allows it; says why not otherwise. */
  async #offer<R>(ctx: RequestContext, response: NetworkResponse<R>, nowMs: number): Promise<Outcome<R>> {
    const directives = parseCacheControlShared(response.headers['cache-control']);
    const decision = decideStore(
      ctx,
      { status: response.status, headers: response.headers, directives },
      nowMs,
    );
    if (!decision.store) return this.#notStored(ctx, response, undefined, decision.reason);
    const body = await readWholeBody(response);
    if (body === undefined) return this.#notStored(ctx, response, undefined, 'body-unavailable');
    const entry = buildEntry(ctx, response, body, decision.expiresAt, nowMs);
    const refused = decideEntry(ctx.settings, entry, response.headers);
    if (refused !== undefined) return this.#notStored(ctx, response, body, refused);
    const aliases = aliasUrls(ctx.request.url, response).map((url) =>
      this.createKey({ method: ctx.method, url, headers: ctx.request.headers }, ctx.varyNames),
    );
    if (!(await this.cache.write(ctx.key, entry, aliases)))
      return this.#notStored(ctx, response, body, 'store-error');
    const info = storedInfo(ctx.key, entry, nowMs, ctx.reason);
    info.fromCache = false;
    info.isExpired = false;
    this.emit('stored', { key: ctx.key, url: ctx.request.url, expires: info.expires });
    return { source: 'network', response, body, info };
  }

  #notStored<R>(
    ctx: RequestContext,
    response: NetworkResponse<R>,
    body: Uint8Array | undefined,
    reason: NotStoredReason,
  ): Outcome<R> {
    this.emit('notStored', { key: ctx.key, url: ctx.request.url, reason });
    return { source: 'network', response, body, info: cacheInfo(reason, this.clock()) };
  }

  async #revalidated<R>(
    ctx: RequestContext,
    key: string,
    entry: CacheEntry,
    headers: ResponseHeaders,
    nowMs: number,
  ): Promise<Outcome<R>> {
    const merged = revalidatedEntry(ctx, entry, headers, nowMs);
    if (!ctx.settings.readOnly && !ctx.settings.disabled && notModifiedChangesEntry(entry, merged)) {
      await this.cache.write(key, merged);
    }
    this.emit('revalidated', { key, url: ctx.request.url });
    const info = storedInfo(key, merged, nowMs, 'revalidated');
    info.revalidated = true;
    return { source: 'cache', entry: merged, info };
  }

  /**
   * The whole flow for clients whose request can be wrapped (fetch, axios): look up, send with
   * `send(extraHeaders, bypass)` when needed, handle the answer. Concurrent identical misses and
   * revalidations share one network request; a stale-while-revalidate refresh runs in the background,
   * one per key.
   */
  async request<R>(
    request: CacheRequest,
    requestOptions: RequestCacheOptions | LookupOptions | undefined,
    send: Send<R>,
  ): Promise<Outcome<R>> {
    this.#flights.enter();
    try {
      const lookup = await this.lookup(request, requestOptions);
      // A fresh hit (the usual answer) is returned without another async step.
      return lookup.state === 'fresh' ? this.resume(lookup, send) : await this.resume(lookup, send);
    } finally {
      this.#flights.leave();
    }
  }

  /** The rest of {@link CacheEngine.request} for a lookup already made (or a {@link CacheEngine.bypass}). */
  resume<R>(lookup: Lookup, send: Send<R>): Promise<Outcome<R>> | Outcome<R> {
    switch (lookup.state) {
      case 'bypass':
        // Through handleResponse: an unsafe method may invalidate (RFC 9111 §4.4); the body is not read.
        return send(undefined, true).then((response) => this.handleResponse(lookup, response));
      case 'fresh':
      case 'not-cached':
        return lookup.state === 'fresh'
          ? { source: 'cache', entry: lookup.entry, info: this.lookupInfo(lookup) }
          : { source: 'not-cached', info: this.lookupInfo(lookup) };
      case 'stale':
        this.#revalidateInBackground(lookup, send);
        return {
          source: 'cache',
          entry: withAge(lookup.ctx.settings, lookup.entry, this.clock()),
          info: this.lookupInfo(lookup),
        };
      case 'miss':
      case 'revalidate':
        return this.#shared(lookup, send);
    }
  }

  /** A miss or revalidation: joins an identical request under way, or sends and lets others join. */
  async #shared<R>(lookup: ForwardLookup, send: Send<R>): Promise<Outcome<R>> {
    if (lookup.ctx.settings.coalesce === false) return this.#sendAcross(lookup, send);
    // Joining or leading without an await in between: identical requests never both lead.
    const joined = this.joinFlight<R>(lookup);
    const shared = joined === undefined ? undefined : await joined;
    if (shared !== undefined) return shared;
    const work = (flight: Flight) => withBody(this.#sendAcross(lookup, send), flight);
    return this.#flights.lead(lookup.ctx.key, work, isShareable) as Promise<Outcome<R>>;
  }

  /** Sends, unless (`coalesce: 'store'`) another process holding the key's lease stores the answer first. */
  async #sendAcross<R>(lookup: ForwardLookup, send: Send<R>): Promise<Outcome<R>> {
    const across = await this.storeFlight<R>(lookup);
    if (across.kind === 'answered') return across.outcome;
    try {
      return await this.#send(lookup, send);
    } finally {
      if (across.kind === 'lead') await across.release();
    }
  }

  /** For hook-style clients (got) too: see {@link StoreLeases.flight} in `lease.ts`. Never throws. */
  storeFlight<R>(lookup: ForwardLookup): Promise<StoreFlight<R>> {
    return this.#leases.flight<R>(lookup.ctx);
  }

  async #send<R>(lookup: ForwardLookup, send: Send<R>): Promise<Outcome<R>> {
    try {
      const response = await send(lookup.state === 'revalidate' ? lookup.headers : undefined, false);
      return await this.handleResponse(lookup, response, () => send(undefined, false));
    } catch (error) {
      const answer = lookup.state === 'revalidate' ? this.networkErrorOutcome(lookup) : undefined;
      if (answer === undefined) throw error;
      return answer;
    }
  }

  /**
   * What to answer when sending a revalidation failed (connection refused or reset, timeout): the stale
   * response inside its stale-if-error window, a generated 504 when it must be revalidated (cacheControl
   * mode, RFC 9111 §4.2.4), or undefined: the error reaches the caller. For hook-style adapters too.
   */
  networkErrorOutcome(lookup: Extract<Lookup, { state: 'revalidate' }>): Outcome<never> | undefined {
    const outcome = networkErrorOutcome(lookup, this.clock());
    if (outcome?.source === 'cache')
      this.emit('stale', { key: lookup.key, url: lookup.ctx.request.url, reason: 'stale-if-error' });
    return outcome;
  }

  /** For hook-style clients (got): see {@link joinFlight} in `coalescing.ts`. */
  joinFlight<R>(lookup: ForwardLookup) {
    if (lookup.ctx.settings.coalesce === false) return undefined;
    return joinFlight<R>(this.#flights, lookup.ctx, this.clock);
  }

  /** For hook-style clients (got): see {@link leadFlight} in `coalescing.ts`. */
  leadFlight(lookup: ForwardLookup) {
    if (lookup.ctx.settings.coalesce === false) return () => {};
    return leadFlight(this.#flights, lookup.ctx.key);
  }

  #revalidateInBackground<R>(lookup: Extract<Lookup, { state: 'stale' }>, send: Send<R>): void {
    if (this.#revalidating.has(lookup.key)) return;
    const work = revalidateInBackground(this, lookup, send, this.#leases.context(lookup.ctx));
    this.#revalidating.set(lookup.key, work);
    void work.finally(() => this.#revalidating.delete(lookup.key));
  }

  /**
   * The {@link CacheInfo} of a lookup answered without the network (`fresh`, `stale` or `not-cached`),
   * `Cache-Status` included, for adapters that serve such lookups themselves (got).
   */
  lookupInfo(lookup: Extract<Lookup, { state: 'fresh' | 'stale' | 'not-cached' }>): CacheInfo {
    return lookupInfo(lookup, this.clock(), this.settings.parsed.cacheStatus);
  }

  /** The {@link CacheInfo} of a request the cache did not handle, for adapters that send such requests themselves. */
  bypassInfo(reason: BypassReason = 'disabled'): CacheInfo {
    const fwd = forwardParameter(reason);
    return withCacheStatus(cacheInfo(reason, this.clock()), this.settings.parsed.cacheStatus, { fwd });
  }

  /**
   * RFC 9111 §4.4, in `cacheControl` mode: after a successful (2xx/3xx) response to an unsafe request,
   * removes the stored GET and HEAD responses for the target URI and its same-origin `Location` and
   * `Content-Location` targets. `handleResponse` calls it. Never throws for store failures.
   * @returns The keys removed.
   */
  async invalidateAfter(
    request: Pick<CacheRequest, 'method' | 'url' | 'headers'>,
    response: { status: number; headers: NetworkResponse['headers'] },
  ): Promise<string[]> {
    const settings = this.settings.parsed;
    const method = request.method.toUpperCase();
    if (!invalidates(settings, method, response.status)) return [];
    const keyOf = (req: KeyRequest) => this.createKey(req);
    const ignored = settings.ignoredParameters;
    const removed = await removeInvalidated(this.cache, keyOf, ignored, request, response.headers);
    if (removed.length > 0) this.emit('invalidated', { url: request.url, method, keys: removed });
    return removed;
  }

  /** Waits for the background revalidations and shared requests under way (for tests and graceful shutdown). */
  async settled(): Promise<void> {
    while (this.#revalidating.size > 0 || this.#flights.size > 0) {
      await Promise.allSettled([...this.#revalidating.values(), ...this.#flights.pending()]);
    }
  }

  /** A one-line description of a response, like requests-cache's `str(response)`. */
  describe(info: CacheInfo, request: { method: string; url: string }, status: number, size: number): string {
    // requests-cache's str(response) names the stored request: its ignoredParameters redacted.
    const url = redactUrl(request.url, this.settings.parsed.ignoredParameters);
    return describeResponse({ method: request.method, url, status, size, ...info });
  }
}
