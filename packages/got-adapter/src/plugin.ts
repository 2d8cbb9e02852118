import {
  type CacheEngine,
  type CacheEntry,
  type CacheInfo,
  type CacheRequest,
  type CacheSettings,
  type HttpCache,
  type Lookup,
  type NetworkResponse,
  normalizeRequestOptions,
  type Outcome,
  type ParsedRequestOptions,
  type RedirectHop,
  ReqcacheError,
  type RequestCacheOptions,
  type ResponseHeaders,
  toResponseHeaders,
} from '@reqcache/core';
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
import { toCacheRequest } from './request.js';
import { applyEntryUrl, becomeCached, CachedResponseStream, decorate, toBuffer } from './response.js';

/** Where the plugin keeps its per-request state in `options.context` (copied along redirects and retries). */
const STATE = Symbol('reqcache.got');
/** Where the plugin's handler notes when got's promise for the request settles. */
const SETTLED = Symbol('reqcache.got.settled');

/** The state of one request, from its first `beforeRequest` to its `afterResponse`. */
interface RequestState {
  kind: 'request';
  lookup: Lookup;
  /** The got retry attempt the lookup was made for. */
  retryCount: number;
  /** Conditional headers the plugin added to `options.headers` (removed again after the response). */
  added: Record<string, string>;
  /** The URL got is being redirected to, set by `beforeRedirect`: its `beforeRequest` is not a new request. */
  redirectTo: string | undefined;
  /** The redirect hops followed so far. */
  hops: RedirectHop[];
  /** Set when `beforeRequest` answered from the cache. */
  served: Served | undefined;
  /** Set while identical requests wait for this one. */
  flight: Flight | undefined;
}

interface Served {
  info: CacheInfo;
  /** Formats the description (once, when first read). */
  description: () => string;
  entry: CacheEntry | undefined;
}

/** The state of a request the plugin itself sends (a background revalidation): its hooks pass it through. */
interface InnerState {
  kind: 'inner';
  hops: RedirectHop[];
}

type ContextRecord = Record<string | symbol, unknown>;

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
  /** The engine behind the plugin: its events (`hit`, `miss`, `stored`, `error`) and `settled()`. */
  readonly engine: CacheEngine;
  /** Closes the store (when `autoclose` is on). */
  close(): Promise<void>;
}

/**
 * What {@link gotCache} returns: options for `got.extend()` whose only enumerable fields are `hooks` and
 * `handlers`, plus the cache's handles. `cache` is typed as an intersection with got's own `cache` option so that the
 * object type-checks as `got.extend()` input; at run time it is the {@link HttpCache} and got never
 * sees it (got's HTTP cache stays off).
 */
export type GotCachePlugin = Pick<ExtendOptions, 'cache'> & {
  readonly hooks: GotCacheHooks;
  /** One pass-through handler: it returns got's promise untouched and notes when it settles. */
  readonly handlers: HandlerFunction[];
} & GotCacheHandles;

/** Errors the plugin threw from a hook, which its `beforeError` hook hands back to the caller unwrapped. */
const ownErrors = new WeakSet<Error>();

/** What identical requests waiting on a leader are served: the leader's response, once it is final. */
interface Shared {
  status: number;
  statusText: string;
  headers: ResponseHeaders;
  body: Uint8Array;
  info: CacheInfo;
  entry: CacheEntry | undefined;
}

/** A leader's request under way; identical requests wait for it instead of going to the network. */
interface Flight {
  promise: Promise<Shared | undefined>;
  /** Settles the flight (first call wins); undefined sends the waiting requests to the network themselves. */
  settle(shared: Shared | undefined): void;
}

/**
 * The plugin, built around an engine. @internal (use {@link gotCache})
 */
export function createPlugin(engine: CacheEngine): GotCachePlugin {
  const flights = new Map<string, Flight>();

  /**
   * A pass-through handler: it returns got's own promise untouched (so `.json()` & co. keep working) and
   * only notes when that promise settles, which ends a coalescing leader's flight whatever happens to the
   * request (success, error, retries exhausted, cancel).
   */
  const handler: HandlerFunction = (options, next) => {
    const result = next(options);
    if (!options.isStream && isPromiseLike(result)) {
      (options.context as ContextRecord)[SETTLED] = Promise.resolve(result).then(noop, noop);
    }
    return result;
  };

  const beforeRequest: BeforeRequestHook = async (options, { retryCount }) => {
    const context = options.context as ContextRecord;
    const previous = context[STATE] as RequestState | InnerState | undefined;
    if (previous?.kind === 'inner') return undefined;
    if (previous !== undefined) {
      if (previous.redirectTo !== undefined && previous.redirectTo === urlOf(options)) {
        // A redirect hop of the same request: the response is handled under the original key.
        previous.redirectTo = undefined;
        return undefined;
      }
      if (retryCount > previous.retryCount) {
        // got retries with the same options: same lookup, same conditional headers.
        previous.retryCount = retryCount;
        previous.hops = [];
        Object.assign(options.headers, previous.added);
        return undefined;
      }
      // The options of a finished request reused for a new one (pagination does this).
      removeHeaders(options.headers, previous.added);
    }

    const requestOptions = parseRequestOptions(context['cache']);
    const request = toCacheRequest(options);
    const state: RequestState = {
      kind: 'request',
      lookup: { state: 'bypass', ctx: undefined, request: request ?? unkeyedRequest(options) },
      retryCount,
      added: {},
      redirectTo: undefined,
      hops: [],
      served: undefined,
      flight: undefined,
    };
    context[STATE] = state;
    if (request === undefined) return undefined;

    let lookup = await engine.lookup(request, requestOptions);
    let mayLead = true;
    if ((lookup.state === 'miss' || lookup.state === 'revalidate') && !options.isStream) {
      const leader = flights.get(lookup.ctx.key);
      if (leader !== undefined) {
        const shared = await leader.promise;
        if (shared !== undefined) {
          const { status, statusText, headers, body, info, entry } = shared;
          return asResponse(serve(options, state, status, statusText, headers, body, info, entry));
        }
        // The leader got no usable answer: look again, and go to the network without leading.
        lookup = await engine.lookup(request, requestOptions);
        mayLead = false;
      }
    }
    state.lookup = lookup;
    switch (lookup.state) {
      case 'bypass':
        return undefined;
      case 'miss':
        if (mayLead) lead(options, state, lookup.ctx.key);
        return undefined;
      case 'revalidate':
        if (options.isStream) {
          // A stream's 304 would reach the caller, and stream responses are not stored: fetch in full.
          state.lookup = { state: 'bypass', ctx: undefined, request };
          return undefined;
        }
        for (const [name, value] of Object.entries(lookup.headers)) {
          if (options.headers[name] !== undefined) continue;
          options.headers[name] = value;
          state.added[name] = value;
        }
        if (mayLead) lead(options, state, lookup.ctx.key);
        return undefined;
      case 'fresh':
        return asResponse(serveEntry(options, state, lookup.entry, engine.lookupInfo(lookup)));
      case 'not-cached': {
        const info = engine.lookupInfo(lookup);
        return asResponse(serve(options, state, 504, 'Not Cached', {}, new Uint8Array(), info, undefined));
      }
      case 'stale': {
        // Serve the stale entry now; the engine revalidates in the background (one per key), through an
        // inner got request with the same options.
        const outcome = await engine.request(request, requestOptions, (extraHeaders) =>
          sendInner(options, extraHeaders),
        );
        return asResponse(serveOutcome(options, state, outcome));
      }
    }
  };

  /** Makes this (promise API) request the one identical concurrent requests wait for. */
  function lead(options: NormalizedOptions, state: RequestState, key: string): void {
    const settled = (options.context as ContextRecord)[SETTLED] as Promise<void> | undefined;
    // Without the handler there is no sure end to wait for: no coalescing then.
    if (settled === undefined || options.isStream || flights.has(key)) return;
    let settle!: (shared: Shared | undefined) => void;
    const promise = new Promise<Shared | undefined>((resolve) => {
      settle = resolve;
    });
    const flight: Flight = {
      promise,
      settle(shared) {
        if (flights.get(key) === flight) flights.delete(key);
        state.flight = undefined;
        settle(shared);
      },
    };
    flights.set(key, flight);
    state.flight = flight;
    void settled.then(() => flight.settle(undefined));
  }

  const beforeRedirect: BeforeRedirectHook = (updatedOptions, response) => {
    const state = (updatedOptions.context as ContextRecord)[STATE] as RequestState | InnerState | undefined;
    if (state === undefined) return;
    state.hops.push({ url: response.url, status: response.statusCode });
    if (state.kind === 'request') state.redirectTo = urlOf(updatedOptions);
  };

  const afterResponse: AfterResponseHook = async (response) => {
    const options = response.request.options as unknown as NormalizedOptions;
    const state = (options.context as ContextRecord)[STATE] as RequestState | InnerState | undefined;
    if (state === undefined || state.kind === 'inner') return response;
    removeHeaders(options.headers, state.added);
    const { served, lookup } = state;
    if (served !== undefined) {
      decorate(response, served.info, served.description);
      if (served.entry !== undefined) applyEntryUrl(response, served.entry, urlOf(options));
      return response;
    }
    let outcome = await engine.handleResponse(lookup, toNetworkResponse(response, state.hops, options));
    if (outcome.source === 'network' && lookup.state === 'revalidate' && response.statusCode === 304) {
      // RFC 9111 §4.3.4 (cacheControl mode): this 304 does not validate the stored response (another
      // validator): ask again without conditions (the conditional headers are already removed).
      const again = await sendInner(options, undefined);
      outcome = await engine.handleResponse({ state: 'miss', ctx: lookup.ctx }, again);
      if (outcome.source === 'network') {
        const body = outcome.body ?? toUint8Array(again.raw.rawBody);
        const headers = bodyHeaders(again.headers, body, again.decoded !== false);
        const { status, statusText } = again;
        becomeCached(response, { ...lookup.entry, status, statusText, headers, body }, options);
        (response as unknown as Record<string, unknown>)['isFromCache'] = false;
      }
    }
    const target = { method: options.method, url: requestUrl(lookup) };
    switch (outcome.source) {
      case 'network':
      case 'not-cached': {
        setCacheStatus(response, outcome.info.cacheStatus);
        const size = response.rawBody?.byteLength ?? 0;
        decorate(response, outcome.info, engine.describe(outcome.info, target, response.statusCode, size));
        // An error status may still be retried by got: the waiting requests wait for the final answer.
        if (response.ok) state.flight?.settle(sharedFromResponse(response, outcome.info, options));
        return response;
      }
      case 'cache': {
        // A 304 merged into the stored response, or the stored response served instead of an error status.
        const { entry, info } = outcome;
        becomeCached(response, entry, options);
        setCacheStatus(response, info.cacheStatus);
        decorate(response, info, engine.describe(info, target, entry.status, entry.body.byteLength));
        const { status, statusText, headers, body } = entry;
        state.flight?.settle({ status, statusText, headers, body, info, entry });
        return response;
      }
    }
  };

  const beforeError: BeforeErrorHook = (error) => {
    const cause = error.cause;
    if (cause instanceof Error && ownErrors.has(cause)) return cause;
    return error;
  };

  function serveEntry(
    options: NormalizedOptions,
    state: RequestState,
    entry: CacheEntry,
    info: CacheInfo,
  ): CachedResponseStream {
    return serve(options, state, entry.status, entry.statusText, entry.headers, entry.body, info, entry);
  }

  function serveOutcome(options: NormalizedOptions, state: RequestState, outcome: Outcome<Response>) {
    switch (outcome.source) {
      case 'cache':
        return serveEntry(options, state, outcome.entry, outcome.info);
      case 'not-cached':
        return serve(options, state, 504, 'Not Cached', {}, new Uint8Array(), outcome.info, undefined);
      case 'network': {
        const { response } = outcome;
        const body = outcome.body ?? toUint8Array(response.raw.rawBody);
        const headers = bodyHeaders(response.headers, body, response.decoded !== false);
        return serve(
          options,
          state,
          response.status,
          response.statusText,
          headers,
          body,
          outcome.info,
          undefined,
        );
      }
    }
  }

  function serve(
    options: NormalizedOptions,
    state: RequestState,
    status: number,
    statusText: string,
    headers: ResponseHeaders,
    body: Uint8Array,
    info: CacheInfo,
    entry: CacheEntry | undefined,
  ): CachedResponseStream {
    const url = urlOf(options);
    const withStatus =
      info.cacheStatus === undefined ? headers : { ...headers, 'cache-status': info.cacheStatus };
    const stream = new CachedResponseStream(status, statusText, withStatus, body, url);
    // The description is formatted only if read: it costs more than the rest of serving a hit.
    let description: string | undefined;
    const describe = (): string => {
      description ??= engine.describe(info, { method: options.method, url }, status, body.byteLength);
      return description;
    };
    decorate(stream, info, describe);
    state.served = { info, description: describe, entry };
    // A cached answer does not change when asked again: never let got retry it (a cached 5xx, a 504 Not Cached).
    options.retry.limit = 0;
    return stream;
  }

  function parseRequestOptions(value: unknown): ParsedRequestOptions {
    try {
      return normalizeRequestOptions(value as RequestCacheOptions | undefined, 'context.cache');
    } catch (error) {
      if (error instanceof ReqcacheError) ownErrors.add(error);
      throw error;
    }
  }

  const hooks: GotCacheHooks = {
    beforeRequest: [beforeRequest],
    beforeRedirect: [beforeRedirect],
    afterResponse: [afterResponse],
    beforeError: [beforeError],
  };
  const plugin = { hooks, handlers: [handler] } as GotCachePlugin;
  Object.defineProperties(plugin, {
    cache: { value: engine.cache, enumerable: false },
    settings: { value: engine.settings, enumerable: false },
    engine: { value: engine, enumerable: false },
    close: { value: () => engine.cache.close(), enumerable: false },
  });
  return plugin;
}

/** Sends a request the plugin needs itself (a background revalidation) with the caller's options. */
async function sendInner(
  options: NormalizedOptions,
  extraHeaders: Record<string, string> | undefined,
): Promise<NetworkResponse<Response>> {
  const inner = new Options(undefined, undefined, options as unknown as Options);
  const state: InnerState = { kind: 'inner', hops: [] };
  inner.context = { ...(options.context as ContextRecord), [STATE]: state };
  inner.isStream = false;
  inner.resolveBodyOnly = false;
  inner.responseType = 'buffer';
  inner.throwHttpErrors = false;
  if (extraHeaders !== undefined) Object.assign(inner.headers, extraHeaders);
  const send = got as unknown as (url: undefined, init: undefined, defaults: Options) => Promise<Response>;
  const response = await send(undefined, undefined, inner);
  return toNetworkResponse(response, state.hops, inner as unknown as NormalizedOptions);
}

/** got's response (promise API: body buffered and decoded in `rawBody`) as the engine's {@link NetworkResponse}. */
function toNetworkResponse(
  response: Response,
  hops: readonly RedirectHop[],
  options: NormalizedOptions,
): NetworkResponse<Response> {
  return {
    status: response.statusCode,
    statusText: response.statusMessage ?? '',
    headers: toResponseHeaders(response.headers),
    url: response.url,
    redirects: hops,
    readBody: async () => toUint8Array(response.rawBody),
    decoded: options.decompress,
    raw: response,
  };
}

function toUint8Array(body: Buffer | undefined): Uint8Array {
  return body === undefined ? new Uint8Array() : toBuffer(body);
}

function removeHeaders(headers: Record<string, unknown>, added: Record<string, string>): void {
  for (const name of Object.keys(added)) {
    if (headers[name] === added[name]) delete headers[name];
  }
}

function requestUrl(lookup: Lookup): string {
  return lookup.state === 'bypass' ? lookup.request.url : lookup.ctx.request.url;
}

function urlOf(options: NormalizedOptions): string {
  return options.url?.href ?? '';
}

function unkeyedRequest(options: NormalizedOptions): CacheRequest {
  return { method: options.method, url: urlOf(options), headers: {} };
}

/** got accepts any IncomingMessage-like stream from `beforeRequest`; its types only name its own Response. */
function asResponse(stream: CachedResponseStream): Response {
  return stream as unknown as Response;
}

/**
 * The response as identical requests that waited for it are served: its decoded body, with the
 * headers that described the encoded one dropped.
 */
function sharedFromResponse(response: Response, info: CacheInfo, options: NormalizedOptions): Shared {
  const body = toUint8Array(response.rawBody);
  const headers = bodyHeaders(toResponseHeaders(response.headers), body, options.decompress);
  // As the engine does for coalesced requests: a stored response counts as served from the cache.
  const shared: CacheInfo =
    info.cacheKey === undefined ? { ...info } : { ...info, fromCache: true, revalidated: false };
  if (shared.cacheStatus !== undefined) {
    // RFC 9211 `collapsed`: the waiting requests were answered by this one's response.
    shared.cacheStatus = `${shared.cacheStatus}; collapsed`;
    headers['cache-status'] = shared.cacheStatus;
  }
  return {
    status: response.statusCode,
    statusText: response.statusMessage ?? '',
    headers,
    body,
    info: shared,
    entry: undefined,
  };
}

/**
 * The headers of a network response served again from its buffered body: framing fields dropped and,
 * when got decoded the body, `Content-Encoding` dropped and `Content-Length` made exact.
 */
function bodyHeaders(headers: ResponseHeaders, body: Uint8Array, decoded: boolean): ResponseHeaders {
  const out: ResponseHeaders = { ...headers };
  delete out['transfer-encoding'];
  delete out['connection'];
  delete out['keep-alive'];
  if (decoded && out['content-encoding'] !== undefined) {
    delete out['content-encoding'];
    out['content-length'] = String(body.byteLength);
  }
  return out;
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
