/**
 * The got plugin: it translates got's request and response to core's types and back, and carries out
 * what core's `planHookRequest` decides (serve, send, share, answer a connection error).
 *
 * The lookup runs in got's request function, which got calls after every `beforeRequest` hook, so the
 * key is computed from the request as it is really sent whatever order the user's hooks were added in.
 * The plugin's own `beforeRequest` hook only installs that function.
 * @module
 */
import {
  assignCacheInfo,
  type CacheEngine,
  type CacheInfo,
  type CacheSettings,
  deadlineBeforeMs,
  driveClientRequest,
  type Explanation,
  type ForwardLookup,
  type HookPlan,
  type HttpCache,
  type Lookup,
  normalizeRequestOptions,
  type Outcome,
  planHookRequest,
  type RedirectHop,
  ReqcacheError,
  type RequestCacheOptions,
  ResponseStream,
  type SettleFlight,
  servedResponse,
  teeBody,
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
  type NativeOptions,
  networkResponse,
  networkResponseOf,
  type RequestFunction,
  requestFunctionOf,
  sendWithGot,
} from './network.js';
import { toCacheRequest } from './request.js';
import { applyEntryUrl, becomeCached, decorate } from './response.js';

/** Where the plugin keeps its per-request state in `options.context` (copied along redirects and retries). */
const STATE = Symbol('reqcache.got');
/** Where the plugin's handler notes when got's promise for the request settles. */
const SETTLED = Symbol('reqcache.got.settled');
/** Marks the request functions the plugin installs (and holds the one each wraps). */
const WRAPS = Symbol('reqcache.got.wraps');

type ContextRecord = Record<string | symbol, unknown>;

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
  served: { info: CacheInfo; entry: ServedEntry; describe: () => string } | undefined;
  /** A retry by got (core turns it into `forceRefresh`). */
  retry: boolean;
  settle: SettleFlight | undefined;
}

type ServedEntry = ReturnType<typeof servedResponse>['entry'];

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
  /** Waits for background revalidations, then closes the store (when `autoclose` is on): see core's `closeCache`. */
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
   * only notes when that promise settles, which ends a leader's flight whatever happens to the request.
   */
  readonly handler: HandlerFunction = (options, next) => {
    const result = next(options);
    if (!options.isStream && typeof (result as { then?: unknown }).then === 'function') {
      (options.context as ContextRecord)[SETTLED] = Promise.resolve(result).then(noop, noop);
    }
    return result;
  };

  readonly beforeRequest: BeforeRequestHook = (options, { retryCount }) => {
    let state = stateOf(options);
    if (state !== undefined && !('kind' in state)) return;
    if (state === undefined || state.redirectTo === undefined) {
      // A new request, a retry, or finished options reused (pagination): a new lookup when sent.
      if (state !== undefined) removeHeaders(options.headers, state.added);
      state = {
        kind: 'request',
        lookup: undefined,
        added: {},
        redirectTo: undefined,
        hops: [],
        served: undefined,
        // A retry keeps leading the flight it started: identical requests wait for its final answer.
        settle: state?.settle,
        retry: retryCount > 0,
      };
      (options.context as ContextRecord)[STATE] = state;
    }
    options.request = this.requestFunction(options, state, wrappedOf(options));
    // got drops the afterResponse hooks that follow one that retried (retryWithMergedOptions): the retried
    // response must still reach the cache, so the plugin's hook is put back.
    if (!options.hooks.afterResponse.includes(this.afterResponse))
      options.hooks.afterResponse.push(this.afterResponse);
  };

  /** got's request function for this request: core's plan for it, carried out. */
  private requestFunction(
    options: NormalizedOptions,
    state: RequestState,
    wrapped: RequestFunction | undefined,
  ): RequestFunction {
    const fn = (async (url: URL, native: NativeOptions) => {
      const send = () => wrapped?.(url, native);
      if (state.redirectTo !== undefined) {
        // A redirect hop of the request: its response is handled under the original key.
        state.redirectTo = undefined;
        return send();
      }
      const context = options.context as ContextRecord;
      const plan = await planHookRequest(this.engine, {
        request: toCacheRequest(options),
        target: { method: options.method, url: urlOf(options) },
        options: this.parseRequestOptions(context['cache']),
        retry: state.retry,
        stream: options.isStream,
        teeable: options.body === undefined && this.requestFn(options) !== undefined,
        leading: state.settle,
        ended: context[SETTLED] as Promise<void> | undefined,
        send: (headers) => sendWithGot(options, headers, STATE, wrappedOf(options)),
      });
      state.lookup = plan.lookup;
      if (plan.action !== 'tee') state.settle = plan.settle;
      return this.carryOut(plan, options, state, url, native, send);
    }) as unknown as RequestFunction & { [WRAPS]?: RequestFunction | undefined };
    fn[WRAPS] = wrapped;
    return fn;
  }

  private carryOut(
    plan: HookPlan<Response>,
    options: NormalizedOptions,
    state: RequestState,
    url: URL,
    native: NativeOptions,
    send: () => unknown,
  ): unknown {
    if (plan.action === 'serve') return this.serveOutcome(options, state, plan.outcome);
    if (plan.action === 'tee') return this.sendTee(options, state, url, native, plan.lookup, plan.settle);
    // The request about to be sent: got 14 passes options.headers itself, got 16 a copy of them.
    const sent = (
      native.headers !== undefined && !Array.isArray(native.headers) ? native.headers : {}
    ) as object;
    for (const [name, value] of Object.entries(plan.headers)) {
      if (options.headers[name] !== undefined) continue;
      options.headers[name] = value;
      state.added[name] = value;
      Object.assign(sent, { [name]: value });
    }
    const { answerError } = plan;
    const fn = this.requestFn(options);
    if (answerError === undefined || fn === undefined) return send();
    // Sent here, where its connection error can still become core's answer (stale-if-error, a 504).
    const { timeout } = options;
    return driveClientRequest(() => fn(url, native), {
      deadlineMs: deadlineBeforeMs(timeout.request ?? timeout.response ?? timeout.socket),
      answerError: () => {
        const outcome = answerError();
        return outcome === undefined ? undefined : this.serveOutcome(options, state, outcome);
      },
    });
  }

  /** A stream miss: got streams the response while core gets a copy of the body to store and share. */
  private async sendTee(
    options: NormalizedOptions,
    state: RequestState,
    url: URL,
    native: NativeOptions,
    lookup: ForwardLookup,
    settle: SettleFlight | undefined,
  ): Promise<unknown> {
    const fn = this.requestFn(options)!;
    const info = cacheInfo(lookup.reason, this.engine.clock());
    const received = (response: Parameters<typeof teeBody>[0]) => {
      const body = teeBody(response, this.engine.settings.parsed.maxEntryBytes);
      assignCacheInfo(response, info);
      const network = networkResponseOf(response, state.hops, urlOf(options), body);
      void this.engine
        .handleResponse(lookup, network)
        .then(settle, () => settle?.(undefined))
        .catch(noop);
      return response;
    };
    try {
      return await driveClientRequest(() => fn(url, native), { received });
    } catch (error) {
      settle?.(undefined);
      throw error;
    }
  }

  readonly beforeRedirect: BeforeRedirectHook = (updatedOptions, response) => {
    const state = stateOf(updatedOptions);
    if (state === undefined) return;
    state.hops.push({ url: response.url, status: response.statusCode });
    if ('kind' in state) state.redirectTo = urlOf(updatedOptions);
  };

  readonly afterResponse: AfterResponseHook = async (response) => {
    const options = response.request.options as unknown as NormalizedOptions;
    const state = stateOf(options);
    if (state === undefined || !('kind' in state) || state.lookup === undefined) return response;
    removeHeaders(options.headers, state.added);
    const { served, lookup } = state;
    if (served !== undefined) {
      decorate(response, served.info, served.describe);
      const ignored = this.engine.settings.parsed.ignoredParameters;
      if (served.entry !== undefined) applyEntryUrl(response, served.entry, urlOf(options), ignored);
      return response;
    }
    const outcome = await this.engine.handleResponse(lookup, networkResponse(response, state.hops), () =>
      sendWithGot(options, undefined, STATE, wrappedOf(options)),
    );
    if (outcome.source === 'not-cached') return response;
    // A 304 merged into the stored response, the stored response served instead of an error status, or
    // the answer to the request core sent again (a 304 that validated nothing): the response becomes it.
    const fromCache = outcome.source === 'cache';
    if (fromCache || outcome.response.raw !== response)
      becomeCached(
        response,
        servedResponse(outcome, (raw) => raw.rawBody),
        options,
        fromCache,
      );
    else setCacheStatus(response, outcome.info.cacheStatus);
    const target = { method: options.method, url: urlOf(options) };
    const size = response.rawBody?.byteLength ?? 0;
    decorate(response, outcome.info, this.engine.describe(outcome.info, target, response.statusCode, size));
    if (fromCache) state.settle?.(outcome);
    // An error status may still be retried by got: the waiting requests wait for the final answer.
    else if (response.ok) state.settle?.({ ...outcome, body: response.rawBody ?? new Uint8Array() });
    return response;
  };

  readonly beforeError: BeforeErrorHook = (error) => {
    const cause = error.cause;
    if (cause instanceof Error && ownErrors.has(cause)) return cause;
    return error;
  };

  /** A response-like stream answering the request from the cache (got builds its response from it). */
  private serveOutcome(options: NormalizedOptions, state: RequestState, outcome: Outcome<Response>) {
    const served = servedResponse(outcome, (raw) => raw.rawBody);
    const url = urlOf(options);
    const stream = new ResponseStream(served, url);
    const { info } = outcome;
    let description: string | undefined;
    const describe = (): string => {
      const size = served.body.byteLength;
      description ??= this.engine.describe(info, { method: options.method, url }, served.status, size);
      return description;
    };
    stream.setCacheFields(info, describe);
    state.served = { info, entry: served.entry, describe };
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

  /** The request function got would use: the one the plugin's wraps, or got's own default. */
  private requestFn(options: NormalizedOptions): RequestFunction | undefined {
    return wrappedOf(options) ?? requestFunctionOf(options);
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

/** The plugin's state of a request, or the redirect hops of a request core sent itself (`sendWithGot`). */
function stateOf(options: NormalizedOptions): RequestState | { hops: RedirectHop[] } | undefined {
  return (options.context as ContextRecord)[STATE] as RequestState | { hops: RedirectHop[] } | undefined;
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

function noop(): void {}
