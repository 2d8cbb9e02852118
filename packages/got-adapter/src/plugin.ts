/**
 * The got plugin: got's request and response as core's types and back; core's `HookedRequest` decides.
 * The lookup runs in got's request function, called after every `beforeRequest` hook, so the key is made
 * from the request as it is sent whatever order the user's hooks were added in.
 * @module
 */
import {
  type CacheEngine,
  type CacheHandle,
  cacheHandle,
  deadlineBeforeMs,
  type Explanation,
  HookedRequest,
  InvalidOptionError,
  isReqcacheError,
  normalizeRequestOptions,
  type RequestCacheOptions,
  setCacheFields,
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
import {
  type NativeOptions,
  networkResponse,
  type RequestFunction,
  requestFunctionOf,
  STATE,
  sendWithGot,
  toCacheRequest,
  WRAPS,
  wrappedOf,
} from './network.js';
import { becomeCached } from './response.js';

/** Where the plugin's handler notes when got's promise for the request settles. */
const SETTLED = Symbol('reqcache.got.settled');

type ContextRecord = Record<string | symbol, unknown>;

/** The hooks `gotCache` adds to a got instance. */
export interface GotCacheHooks {
  beforeRequest: BeforeRequestHook[];
  beforeRedirect: BeforeRedirectHook[];
  afterResponse: AfterResponseHook[];
  beforeError: BeforeErrorHook[];
}

/** The cache's handles on the plugin object (see core's `CacheHandle`), all non-enumerable: got's option merging never sees them. */
export interface GotCacheHandles extends CacheHandle {
  /**
   * What the cache would do with this request now, and why, without a network request. The request is
   * built from `url` and `options` as got normalizes them with got's own defaults: your client's defaults
   * (`prefixUrl`, headers) and hooks do not apply, so pass what they would add. A URL got refuses is an
   * `InvalidOptionError`.
   * @example (await plugin.explain('https://api.example.com/items')).reason // 'fresh'
   */
  explain(url: string | URL, options?: ConstructorParameters<typeof Options>[1]): Promise<Explanation>;
}

/**
 * What {@link gotCache} returns: `got.extend()` options (`hooks`, `handlers`) plus the cache's handles,
 * non-enumerable. `cache` is typed with got's own `cache` option so it type-checks as `got.extend()`
 * input; it is the {@link HttpCache}, which got never sees (got's HTTP cache stays off).
 */
export type GotCachePlugin = Pick<ExtendOptions, 'cache'> & {
  readonly hooks: GotCacheHooks;
  /** One pass-through handler: it returns got's promise untouched and notes when it settles. */
  readonly handlers: HandlerFunction[];
} & GotCacheHandles;

/** The plugin's hooks and the translation behind them, around one engine. @internal */
class GotCache {
  constructor(readonly engine: CacheEngine) {}

  /** Returns got's promise untouched (`.json()` & co. work) and notes when it settles (ending a flight). */
  readonly handler: HandlerFunction = (options, next) => {
    const result = next(options);
    if (!options.isStream && typeof (result as { then?: unknown } | null)?.then === 'function') {
      (options.context as ContextRecord)[SETTLED] = Promise.resolve(result).then(noop, noop);
    }
    return result;
  };

  readonly beforeRequest: BeforeRequestHook = (options, { retryCount }) => {
    const current = stateOf(options);
    if (current?.passive) return;
    const request = HookedRequest.next(current, retryCount > 0);
    if (request !== current) current?.removeConditions(options.headers);
    (options.context as ContextRecord)[STATE] = request;
    options.request = this.requestFunction(options, request, wrappedOf(options));
    // got drops the afterResponse hooks after one that retried (retryWithMergedOptions): put it back.
    if (!options.hooks.afterResponse.includes(this.afterResponse))
      options.hooks.afterResponse.push(this.afterResponse);
  };

  /** got's request function for this request: core's plan for it, carried out. */
  private requestFunction(
    options: NormalizedOptions,
    request: HookedRequest,
    wrapped: RequestFunction | undefined,
  ): RequestFunction {
    const fn = (async (url: URL, native: NativeOptions) => {
      const send = () => wrapped?.(url, native);
      if (request.takeHop()) return send();
      const context = options.context as ContextRecord;
      const requestFn = requestFunctionOf(options);
      const { timeout } = options;
      const input = {
        request: await toCacheRequest(options),
        options: ownOptions(options),
        stream: options.isStream,
        teeable: options.body === undefined && requestFn !== undefined,
        ended: context[SETTLED] as Promise<void> | undefined,
        send: (headers: Record<string, string> | undefined) => sendWithGot(options, headers),
      };
      return request.run<Response>(this.engine, input, {
        headers: options.headers,
        // got 14 sends options.headers itself, got 16 a copy of them.
        sent: native.headers !== undefined && !Array.isArray(native.headers) ? native.headers : {},
        send,
        start: requestFn && (() => requestFn(url, native)),
        deadlineMs: deadlineBeforeMs(timeout.request ?? timeout.response ?? timeout.socket),
        // A cached answer does not change when asked again: got must never retry it (a cached 5xx, a 504).
        serve: (outcome) => {
          options.retry.limit = 0;
          return request.serve(this.engine, outcome, targetOf(options), (raw) => raw.rawBody);
        },
      });
    }) as unknown as RequestFunction & { [WRAPS]?: RequestFunction | undefined };
    fn[WRAPS] = wrapped;
    return fn;
  }

  readonly beforeRedirect: BeforeRedirectHook = (updatedOptions, response) => {
    const hop = { url: response.url, status: response.statusCode };
    stateOf(updatedOptions)?.redirected(hop, targetOf(updatedOptions).url);
  };

  readonly afterResponse: AfterResponseHook = async (response) => {
    const options = response.request.options as unknown as NormalizedOptions;
    const request = stateOf(options);
    if (request === undefined) return response;
    request.removeConditions(options.headers);
    const target = targetOf(options);
    const resend = () => sendWithGot(options, undefined);
    const network = networkResponse(response, request.hops);
    const answer = await request.respond(this.engine, network, resend, target, (raw) => raw.rawBody);
    if (answer.kind === 'unhandled') return response;
    if (answer.kind === 'replaced') becomeCached(response, answer.served, options, answer.fromCache);
    setCacheFields(response, answer.info, answer.describe);
    if (answer.kind === 'served' && answer.location !== undefined) {
      const { url, redirectUrls } = answer.location;
      Object.assign(response, { url, redirectUrls: redirectUrls.map((href) => new URL(href)) });
    }
    return response;
  };

  /** The cache's own errors (a bad `context.cache`) reach the caller as they are, not wrapped by got. */
  readonly beforeError: BeforeErrorHook = (error) => (isReqcacheError(error.cause) ? error.cause : error);

  readonly explain = async (url: string | URL, init?: ConstructorParameters<typeof Options>[1]) => {
    let options: NormalizedOptions;
    try {
      options = new Options(url, init, got.defaults.options) as unknown as NormalizedOptions;
    } catch (error) {
      throw new InvalidOptionError(
        'url',
        url,
        "an absolute URL and options got accepts (explain() uses got's defaults)",
        error,
      );
    }
    return this.engine.explain(await toCacheRequest(options), ownOptions(options));
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
  return Object.defineProperties(plugin, { ...cacheHandle(engine), explain: { value: cache.explain } });
}

/** The plugin's state of a request (a passive one for a request core sent itself, see `sendWithGot`). */
function stateOf(options: NormalizedOptions): HookedRequest | undefined {
  return (options.context as ContextRecord)[STATE] as HookedRequest | undefined;
}

/** The request's own cache options (`context.cache`), validated. */
function ownOptions(options: NormalizedOptions) {
  const own = (options.context as ContextRecord)['cache'] as RequestCacheOptions | undefined;
  return normalizeRequestOptions(own, 'context.cache');
}

function targetOf(options: NormalizedOptions): { method: string; url: string } {
  return { method: options.method, url: options.url?.href ?? '' };
}

function noop(): void {}
