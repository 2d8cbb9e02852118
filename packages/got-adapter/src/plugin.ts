/**
 * The got plugin: it translates got's request and response to core's types and back. Every decision
 * (serve, send, revalidate, store, share, serve stale on an error) is core's.
 *
 * The lookup runs in got's request function, which got calls after every `beforeRequest` hook, so the
 * key is computed from the request as it is really sent whatever order the user's hooks were added in.
 * The plugin's own `beforeRequest` hook only installs that function.
 * @module
 */
import * as http from 'node:http';
import * as https from 'node:https';
import {
  type CacheEngine,
  type CacheEntry,
  type CacheInfo,
  type CacheSettings,
  decideOnNetworkError,
  type Explanation,
  generatedStatus,
  type HttpCache,
  type Lookup,
  normalizeRequestOptions,
  type Outcome,
  type RedirectHop,
  ReqcacheError,
  type RequestCacheOptions,
  type ResponseHeaders,
  storedHeaders,
  unhandledLookup,
} from '@reqcache/core';
import { cacheInfo, closeCache } from '@reqcache/core/internal';
import got, {
  type AfterResponseHook,
  type BeforeErrorHook,
  type BeforeRedirectHook,
  type BeforeRequestHook,
  type ExtendOptions,
  type HandlerFunction,
  type NormalizedOptions,
  Options,
  type Response,
} from 'got';
import {
  networkResponse,
  networkResponseOf,
  sendManually,
  sendTee,
  sendWithGot,
  toUint8Array,
} from './network.js';
import { toCacheRequest } from './request.js';
import { applyEntryUrl, becomeCached, CachedResponseStream, decorate } from './response.js';

/** Where the plugin keeps its per-request state in `options.context` (copied along redirects and retries). */
const STATE = Symbol('reqcache.got');
/** Where the plugin's handler notes when got's promise for the request settles. */
const SETTLED = Symbol('reqcache.got.settled');
/** Marks the request functions the plugin installs (and holds the one each wraps). */
const WRAPS = Symbol('reqcache.got.wraps');

type ContextRecord = Record<string | symbol, unknown>;
type RequestFunction = NonNullable<NormalizedOptions['request']>;

/** The state of one request, from the plugin's `beforeRequest` hook to its `afterResponse`. */
interface RequestState {
  kind: 'request';
  lookup: Lookup | undefined;
  /** Conditional headers the plugin added (removed again after the response). */
  added: Record<string, string>;
  /** The URL got is being redirected to, set by `beforeRedirect`: its request is a hop, not a new lookup. */
  redirectTo: string | undefined;
  hops: RedirectHop[];
  /** Set when the request was answered from the cache. */
  served: { info: CacheInfo; entry: CacheEntry | undefined; describe: () => string } | undefined;
  /** A retry by got: it asks the origin again (core's `forceRefresh`), as got's retry means to. */
  retry: boolean;
  /** Ends the flight identical requests wait on, when this request leads one. */
  settle: ((outcome: Outcome<unknown> | undefined) => void) | undefined;
}

/** The hooks `gotCache` adds to a got instance. */
export interface GotCacheHooks {
  beforeRequest: BeforeRequestHook[];
  beforeRedirect: BeforeRedirectHook[];
  afterResponse: AfterResponseHook[];
  beforeError: BeforeErrorHook[];
}

/** The cache's handles on the plugin object, all non-enumerable (got's option merging never sees them). */
export interface GotCacheHandles {
  /** The cache's inspection and maintenance API (`contains`, `delete`, `filter`, `clear`, …). */
  readonly cache: HttpCache;
  /** The settings, changeable at run time (`plugin.settings.expireAfter = '1h'`). */
  readonly settings: CacheSettings;
  /** The engine behind the plugin: its events (`hit`, `miss`, `stored`, `notStored`, `error`) and `settled()`. */
  readonly engine: CacheEngine;
  /**
   * What the cache would do with this request now, and why, without a network request. The request is
   * built from `url` and `options` as got normalizes them (your client's hooks do not run).
   * @example (await plugin.explain('https://api.example.com/items')).reason // 'fresh'
   */
  explain(url: string | URL, options?: ConstructorParameters<typeof Options>[1]): Promise<Explanation>;
  /** Waits for background revalidations, then closes the store (when `autoclose` is on). */
  close(): Promise<void>;
  /**
   * Runs `fn` with this cache bypassed (requests-cache's `cache_disabled()`): its requests neither read
   * nor write the cache; concurrent requests outside `fn` still do.
   * @example await plugin.disabled(() => client('https://example.com/live'))
   */
  disabled<T>(fn: () => T): T;
}

/**
 * What {@link gotCache} returns: options for `got.extend()` whose only enumerable fields are `hooks` and
 * `handlers`, plus the cache's handles. `cache` is typed as an intersection with got's own `cache` option
 * so that the object type-checks as `got.extend()` input; at run time it is the {@link HttpCache} and got
 * never sees it (got's HTTP cache stays off).
 */
export type GotCachePlugin = Pick<ExtendOptions, 'cache'> & {
  readonly hooks: GotCacheHooks;
  /** One pass-through handler: it returns got's promise untouched and notes when it settles. */
  readonly handlers: HandlerFunction[];
} & GotCacheHandles;

/** Errors the plugin threw, which its `beforeError` hook hands back to the caller unwrapped. */
const ownErrors = new WeakSet<Error>();

/** The plugin's hooks and the translation behind them, around one engine. @internal */
class GotCache {
  constructor(readonly engine: CacheEngine) {}

  /**
   * A pass-through handler: it returns got's own promise untouched (so `.json()` & co. keep working) and
   * only notes when that promise settles, which ends a leader's flight whatever happens to the request
   * (success, error, retries exhausted, cancel).
   */
  readonly handler: HandlerFunction = (options, next) => {
    const result = next(options);
    if (!options.isStream && isPromiseLike(result)) {
      (options.context as ContextRecord)[SETTLED] = Promise.resolve(result).then(noop, noop);
    }
    return result;
  };

  readonly beforeRequest: BeforeRequestHook = (options, { retryCount }) => {
    const context = options.context as ContextRecord;
    let state = context[STATE] as RequestState | { hops: RedirectHop[] } | undefined;
    if (state !== undefined && !('kind' in state)) return;
    if (state === undefined || state.redirectTo === undefined) {
      // A new request, a retry, or finished options reused (pagination): a new lookup when sent.
      if (state !== undefined) removeHeaders(options.headers, state.added);
      // A retry keeps leading the flight it started: identical requests wait for its final answer.
      const settle = state?.settle;
      state = {
        kind: 'request',
        lookup: undefined,
        added: {},
        redirectTo: undefined,
        hops: [],
        served: undefined,
        settle,
        retry: retryCount > 0,
      };
      context[STATE] = state;
    }
    options.request = this.requestFunction(options, state, wrappedOf(options));
    // got drops the afterResponse hooks that follow one that retried (retryWithMergedOptions): the retried
    // response must still reach the cache, so the plugin's hook is put back.
    if (!options.hooks.afterResponse.includes(this.afterResponse))
      options.hooks.afterResponse.push(this.afterResponse);
  };

  /** got's request function for this request: the lookup, then a cached answer or got's own request. */
  private requestFunction(
    options: NormalizedOptions,
    state: RequestState,
    wrapped: RequestFunction | undefined,
  ): RequestFunction {
    const fn = (async (url: URL, native: Parameters<RequestFunction>[1]) => {
      const send = () => (wrapped === undefined ? undefined : wrapped(url, native));
      if (state.redirectTo !== undefined) {
        // A redirect hop of the request: its response is handled under the original key.
        state.redirectTo = undefined;
        return send();
      }
      return this.serveOrSend(options, state, url, native, send);
    }) as unknown as RequestFunction & { [WRAPS]?: RequestFunction | undefined };
    fn[WRAPS] = wrapped;
    return fn;
  }

  private async serveOrSend(
    options: NormalizedOptions,
    state: RequestState,
    url: URL,
    native: Parameters<RequestFunction>[1],
    send: () => ReturnType<RequestFunction> | undefined,
  ): Promise<unknown> {
    const request = toCacheRequest(options);
    const own = (options.context as ContextRecord)['cache'] as RequestCacheOptions | undefined;
    const requestOptions = this.parseRequestOptions(state.retry ? { ...own, forceRefresh: true } : own);
    let lookup =
      request === undefined
        ? unhandledLookup({ method: options.method, url: urlOf(options), headers: {} }, 'unkeyable-body')
        : await this.engine.lookup(request, requestOptions);
    if (lookup.state === 'revalidate' && options.isStream && request) {
      // A stream's 304 would reach the caller: fetch in full, unconditionally (and store that).
      lookup = await this.engine.lookup(request, Object.freeze({ ...requestOptions, forceRefresh: true }));
    }
    // A stream ends with its body (stored below); a promise request when got's promise settles.
    let mayLead = options.isStream || (options.context as ContextRecord)[SETTLED] !== undefined;
    if (state.settle !== undefined) mayLead = false;
    else if ((lookup.state === 'miss' || lookup.state === 'revalidate') && request) {
      const joined = this.engine.joinFlight(lookup);
      if (joined !== undefined) {
        const shared = await joined;
        if (shared !== undefined) return this.serveOutcome(options, state, shared);
        // The request waited on got no answer: look again, and go to the network without leading.
        lookup = await this.engine.lookup(request, requestOptions);
        mayLead = false;
      }
    }
    state.lookup = lookup;
    switch (lookup.state) {
      case 'bypass':
        return send();
      case 'fresh':
      case 'not-cached':
      case 'stale':
        // A stale entry is served now; the engine refreshes it in the background (one per key).
        return this.serveOutcome(
          options,
          state,
          await this.engine.resume(lookup, (headers) =>
            sendWithGot(options, headers, STATE, wrappedOf(options)),
          ),
        );
      case 'miss':
      case 'revalidate': {
        if (options.isStream && lookup.state === 'miss')
          return this.sendStream(options, state, url, native, lookup, mayLead, send);
        if (mayLead) {
          const settle = this.engine.leadFlight(lookup);
          state.settle = settle;
          // Whatever happens to the request (error, retries exhausted, cancel), its end ends the flight.
          const settled = (options.context as ContextRecord)[SETTLED] as Promise<void>;
          void settled.then(() => settle(undefined));
          // coalesce: 'store': another process's stored answer, or this one's lease until the request ends.
          const across = await this.engine.storeFlight(lookup);
          if (across.kind === 'answered') {
            settle(across.outcome);
            return this.serveOutcome(options, state, across.outcome);
          }
          if (across.kind === 'lead') void settled.then(across.release);
        }
        if (lookup.state === 'miss') return send();
        // The request about to be sent: got 14 passes options.headers itself, got 16 a copy of them.
        const sent = native.headers !== undefined && !Array.isArray(native.headers) ? native.headers : {};
        for (const [name, value] of Object.entries(lookup.headers)) {
          if (options.headers[name] !== undefined) continue;
          options.headers[name] = value;
          (sent as Record<string, string>)[name] = value;
          state.added[name] = value;
        }
        if (decideOnNetworkError(lookup.ctx, lookup.entry, this.engine.clock()) === 'throw') return send();
        // The origin may be unreachable and core has an answer for that (stale-if-error, a 504): send
        // the request here, where its connection error can still become that answer.
        const fn = wrappedOf(options) ?? defaultRequestFunction(options);
        if (fn === undefined) return send();
        return sendManually(url, native, fn, options, () => {
          const outcome = this.engine.networkErrorOutcome(lookup);
          return outcome === undefined ? undefined : this.serveOutcome(options, state, outcome);
        });
      }
    }
  }

  /**
   * A stream miss: got streams the response to the caller while the plugin keeps a copy of the body
   * (up to `maxEntryBytes`) and offers it to core once it is complete — stored, and shared with
   * identical requests that waited, like a promise request's.
   */
  private async sendStream(
    options: NormalizedOptions,
    state: RequestState,
    url: URL,
    native: Parameters<RequestFunction>[1],
    lookup: Extract<Lookup, { state: 'miss' }>,
    mayLead: boolean,
    send: () => ReturnType<RequestFunction> | undefined,
  ): Promise<unknown> {
    const fn = wrappedOf(options) ?? defaultRequestFunction(options);
    if (fn === undefined || options.body !== undefined) return send();
    const settle = mayLead ? this.engine.leadFlight(lookup) : undefined;
    const info = cacheInfo(lookup.reason, this.engine.clock());
    try {
      return await sendTee(
        url,
        native,
        fn,
        this.engine.settings.parsed.maxEntryBytes,
        info,
        (response, body) => {
          const network = networkResponseOf(response, state.hops, urlOf(options), body);
          void this.engine
            .handleResponse(lookup, network)
            .then(settle, () => settle?.(undefined))
            .catch(() => {});
        },
      );
    } catch (error) {
      settle?.(undefined);
      throw error;
    }
  }

  readonly beforeRedirect: BeforeRedirectHook = (updatedOptions, response) => {
    const state = (updatedOptions.context as ContextRecord)[STATE] as
      | RequestState
      | { hops: RedirectHop[] }
      | undefined;
    if (state === undefined) return;
    state.hops.push({ url: response.url, status: response.statusCode });
    if ('kind' in state) state.redirectTo = urlOf(updatedOptions);
  };

  readonly afterResponse: AfterResponseHook = async (response) => {
    const options = response.request.options as unknown as NormalizedOptions;
    const state = (options.context as ContextRecord)[STATE] as
      | RequestState
      | { hops: RedirectHop[] }
      | undefined;
    if (state === undefined || !('kind' in state) || state.lookup === undefined) return response;
    removeHeaders(options.headers, state.added);
    const { served, lookup } = state;
    if (served !== undefined) {
      decorate(response, served.info, served.describe);
      if (served.entry !== undefined) applyEntryUrl(response, served.entry, urlOf(options));
      return response;
    }
    const network = networkResponse(response, state.hops);
    const outcome = await this.engine.handleResponse(lookup, network, () =>
      sendWithGot(options, undefined, STATE, wrappedOf(options)),
    );
    const target = { method: options.method, url: urlOf(options) };
    switch (outcome.source) {
      case 'network': {
        if (outcome.response.raw !== response) {
          // Core sent the request again (a 304 that validated nothing): answer with that response.
          const again = outcome.response;
          const body = outcome.body ?? toUint8Array(again.raw.rawBody);
          const headers = storedHeaders(again.headers, body, again.decoded ?? true);
          becomeCached(
            response,
            { status: again.status, statusText: again.statusText, headers, body },
            options,
            false,
          );
        }
        setCacheStatus(response, outcome.info.cacheStatus);
        const size = response.rawBody?.byteLength ?? 0;
        decorate(
          response,
          outcome.info,
          this.engine.describe(outcome.info, target, response.statusCode, size),
        );
        // An error status may still be retried by got: the waiting requests wait for the final answer.
        if (response.ok) state.settle?.({ ...outcome, body: toUint8Array(response.rawBody) });
        return response;
      }
      case 'cache': {
        // A 304 merged into the stored response, or the stored response served instead of an error status.
        const { entry, info } = outcome;
        becomeCached(response, entry, options, true);
        setCacheStatus(response, info.cacheStatus);
        decorate(response, info, this.engine.describe(info, target, entry.status, entry.body.byteLength));
        state.settle?.(outcome);
        return response;
      }
      case 'not-cached':
        return response;
    }
  };

  readonly beforeError: BeforeErrorHook = (error) => {
    const cause = error.cause;
    if (cause instanceof Error && ownErrors.has(cause)) return cause;
    return error;
  };

  /** A response-like stream answering the request from the cache (got builds its response from it). */
  private serveOutcome(
    options: NormalizedOptions,
    state: RequestState,
    outcome: Outcome<unknown>,
  ): CachedResponseStream {
    let status: number;
    let statusText: string;
    let headers: ResponseHeaders;
    let body: Uint8Array;
    let entry: CacheEntry | undefined;
    switch (outcome.source) {
      case 'cache':
        ({ status, statusText, headers, body } = outcome.entry);
        entry = outcome.entry;
        break;
      case 'not-cached':
        ({ status, statusText } = generatedStatus(outcome.info.reason));
        headers = {};
        body = new Uint8Array();
        break;
      case 'network': {
        const raw = outcome.response.raw as Response;
        body = outcome.body ?? toUint8Array(raw.rawBody);
        ({ status, statusText } = outcome.response);
        headers = storedHeaders(outcome.response.headers, body, outcome.response.decoded ?? true);
      }
    }
    const { info } = outcome;
    const url = urlOf(options);
    const withStatus =
      info.cacheStatus === undefined ? headers : { ...headers, 'cache-status': info.cacheStatus };
    const stream = new CachedResponseStream(status, statusText, withStatus, body, url);
    // The description is formatted only if read: it costs more than the rest of serving a hit.
    let description: string | undefined;
    const describe = (): string => {
      description ??= this.engine.describe(info, { method: options.method, url }, status, body.byteLength);
      return description;
    };
    decorate(stream, info, describe);
    state.served = { info, entry, describe };
    // A cached answer does not change when asked again: never let got retry it (a cached 5xx, a 504).
    options.retry.limit = 0;
    return stream;
  }

  private parseRequestOptions(value: unknown) {
    try {
      return normalizeRequestOptions(value as RequestCacheOptions | undefined, 'context.cache');
    } catch (error) {
      if (error instanceof ReqcacheError) ownErrors.add(error);
      throw error;
    }
  }

  readonly explain = async (url: string | URL, init?: ConstructorParameters<typeof Options>[1]) => {
    const options = new Options(url, init, got.defaults.options) as unknown as NormalizedOptions;
    const request = toCacheRequest(options);
    if (request === undefined)
      return this.engine.explain(
        { method: options.method, url: urlOf(options), headers: {} },
        { disabled: true },
      );
    return this.engine.explain(
      request,
      this.parseRequestOptions((options.context as ContextRecord)['cache']),
    );
  };
}

/** The plugin, built around an engine. @internal (use {@link gotCache}) */
export function createPlugin(engine: CacheEngine): GotCachePlugin {
  const cache = new GotCache(engine);
  const hooks: GotCacheHooks = {
    beforeRequest: [cache.beforeRequest],
    beforeRedirect: [cache.beforeRedirect],
    afterResponse: [cache.afterResponse],
    beforeError: [cache.beforeError],
  };
  const plugin = { hooks, handlers: [cache.handler] } as GotCachePlugin;
  Object.defineProperties(plugin, {
    cache: { value: engine.cache, enumerable: false },
    settings: { value: engine.settings, enumerable: false },
    engine: { value: engine, enumerable: false },
    explain: { value: cache.explain, enumerable: false },
    disabled: { value: <T>(fn: () => T): T => engine.disabled(fn), enumerable: false },
    close: { value: () => closeCache(engine), enumerable: false },
  });
  return plugin;
}

/**
 * The request function got itself would use without a user's one: got 14's `getFallbackRequestFunction()`
 * (http2 aware); got 16 has no such method, and then `https.request` / `http.request` by protocol.
 */
function defaultRequestFunction(options: NormalizedOptions): RequestFunction | undefined {
  const fallback = (options as { getFallbackRequestFunction?: () => RequestFunction | undefined })
    .getFallbackRequestFunction;
  if (typeof fallback === 'function') return fallback.call(options);
  if (options.http2) return undefined;
  return (options.url?.protocol === 'https:' ? https.request : http.request) as unknown as RequestFunction;
}

/** The request function the plugin's wraps (the user's own, or undefined for got's default). */
function wrappedOf(options: NormalizedOptions): RequestFunction | undefined {
  const current = options.request as
    | (RequestFunction & { [WRAPS]?: RequestFunction | undefined })
    | undefined;
  return current !== undefined && WRAPS in current ? current[WRAPS] : current;
}

function removeHeaders(headers: Record<string, unknown>, added: Record<string, string>): void {
  for (const name of Object.keys(added)) {
    if (headers[name] === added[name]) delete headers[name];
  }
}

function urlOf(options: NormalizedOptions): string {
  return options.url?.href ?? '';
}

/** Adds `Cache-Status` (RFC 9211) to a network response, when the setting is on. */
function setCacheStatus(response: Response, cacheStatus: string | undefined): void {
  if (cacheStatus === undefined) return;
  response.headers['cache-status'] = cacheStatus;
  response.rawHeaders.push('Cache-Status', cacheStatus);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function noop(): void {}
