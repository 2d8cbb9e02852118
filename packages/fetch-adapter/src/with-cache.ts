import {
  type CacheEngine,
  type CacheOptions,
  CacheEngine as Engine,
  InvalidOptionError,
  type NetworkResponse,
  normalizeRequestOptions,
  type Outcome,
  toResponseHeaders,
} from '@reqcache/core';
import { redactUrl } from '@reqcache/core/internal';
import { checkCacheMode, optionsForMode } from './cache-mode.js';
import { translateRequest, translateRequestSync } from './request.js';
import {
  type Decoration,
  decorate,
  notCachedResponse,
  responseFromBytes,
  responseFromEntry,
} from './response.js';
import type {
  CachedFetch,
  CachedFetchResponse,
  CachedRequestInit,
  FetchLike,
  FetchResponseLike,
} from './types.js';

/**
 * Wraps a fetch function with a cache. The result is a drop-in `fetch` (it also works as ky's `fetch`
 * option) whose responses carry `fromCache`, `createdAt`, `expires`, `isExpired`, `revalidated`,
 * `cacheKey` and `cacheDescription`, and which exposes `.cache`, `.settings`, `.engine` and `close()`.
 *
 * Hits are answered without calling `fetchImpl`. Per-request control goes through `init.cacheOptions`
 * and the standard `init.cache` modes; neither reaches `fetchImpl` nor the server.
 *
 * @param fetchImpl The fetch to wrap: `globalThis.fetch`, undici's `fetch`, or another middleware.
 * @param options Cache options (the same names in every reqcache adapter); validated at once.
 * @throws {InvalidOptionError | UnknownOptionError} For a bad option.
 *
 * @example
 * const cachedFetch = withCache(fetch, { backend: 'memory', expireAfter: '5m' });
 * const response = await cachedFetch('https://api.example.com/items');
 * response.fromCache; // false, then true on the next call
 */
export function withCache(fetchImpl: FetchLike, options: CacheOptions = {}): CachedFetch {
  if (typeof fetchImpl !== 'function') {
    throw new InvalidOptionError('fetchImpl', fetchImpl, 'a fetch function');
  }
  const engine = new Engine(options);

  /** The cache's view of a request, with its per-request options. */
  const translate = async (input: RequestInfo | URL, init: CachedRequestInit | undefined) => {
    // Validate reqcache's own fields before anything is read or sent.
    const cacheOptions = init?.cacheOptions;
    const parsedOptions =
      cacheOptions === undefined ? undefined : normalizeRequestOptions(cacheOptions, 'init.cacheOptions');
    checkCacheMode(init?.cache);
    // A URL without a body (most requests) is translated without an await.
    const translated = translateRequestSync(input, init) ?? (await translateRequest(input, init));
    const mode = translated.mode;
    const options =
      mode === undefined ? parsedOptions : optionsForMode(translated.request, mode, cacheOptions);
    return { translated, options };
  };

  const cachedFetch = async (
    input: RequestInfo | URL,
    init?: CachedRequestInit,
  ): Promise<CachedFetchResponse> => {
    const { translated, options: requestOptions } = await translate(input, init);
    translated.signal?.throwIfAborted();
    const { request } = translated;
    const method = request.method;
    // Fetch's no-cache mode asks the origin as browsers do, whatever the cache sends with it.
    const forced = translated.mode === 'no-cache' && request.headers['cache-control'] === undefined;

    const outcome = await engine.request(request, requestOptions, async (extraHeaders) => {
      const headers = forced ? { ...extraHeaders, 'cache-control': 'no-cache' } : extraHeaders;
      return toNetworkResponse(await translated.send(fetchImpl, headers), request.url);
    });
    return toFetchResponse(engine, outcome, method, request.url);
  };

  Object.defineProperties(cachedFetch, {
    cache: { value: engine.cache, enumerable: true },
    settings: { value: engine.settings, enumerable: true },
    engine: { value: engine, enumerable: true },
    close: {
      value: async (): Promise<void> => {
        await engine.settled();
        await engine.cache.close();
      },
      enumerable: true,
    },
    disabled: { value: <T>(fn: () => T): T => engine.disabled(fn), enumerable: true },
    explain: {
      value: async (input: RequestInfo | URL, init?: CachedRequestInit) => {
        const { translated, options } = await translate(input, init);
        return engine.explain(translated.request, options);
      },
      enumerable: true,
    },
  });
  return cachedFetch as CachedFetch;
}

function toNetworkResponse(
  response: FetchResponseLike,
  requestUrl: string,
): NetworkResponse<FetchResponseLike> {
  const pairs: [string, string][] = [];
  response.headers.forEach((value, name) => {
    pairs.push([name, value]);
  });
  return {
    status: response.status,
    statusText: response.statusText,
    headers: toResponseHeaders(pairs),
    url: response.url || requestUrl,
    readBody: async () => new Uint8Array(await response.arrayBuffer()),
    discard: () => {
      const body = response.body;
      if (body !== null && typeof body.cancel === 'function') body.cancel().catch(() => {});
    },
    raw: response,
  };
}

function toFetchResponse(
  engine: CacheEngine,
  outcome: Outcome<FetchResponseLike>,
  method: string,
  requestUrl: string,
): CachedFetchResponse {
  const info = outcome.info;
  let status = 504;
  let size = 0;
  let description: string | undefined;
  const describe = (): string => {
    description ??= engine.describe(
      info,
      { method, url: redactUrl(requestUrl, engine.settings.parsed.ignoredParameters) },
      status,
      size,
    );
    return description;
  };
  let response: Response;
  let decorated: CachedFetchResponse | undefined;
  switch (outcome.source) {
    case 'cache':
      status = outcome.entry.status;
      size = outcome.entry.body.byteLength;
      decorated = responseFromEntry(
        outcome.entry,
        method,
        requestUrl,
        engine.settings.parsed.ignoredParameters,
        info,
        describe,
      );
      response = decorated;
      break;
    case 'network': {
      const raw = outcome.response.raw;
      status = raw.status;
      if (outcome.body === undefined) {
        // Not stored: the wrapped fetch's own response, body untouched (still streaming).
        response = raw as unknown as Response;
        size = Number(raw.headers.get('content-length') ?? 0) || 0;
      } else {
        size = outcome.body.byteLength;
        decorated = responseFromBytes(raw, outcome.response.headers, outcome.body, method, {
          info,
          location: { url: raw.url || requestUrl, redirected: raw.redirected },
          describe,
        });
        response = decorated;
      }
      break;
    }
    case 'not-cached':
      response = notCachedResponse(info);
      break;
  }
  let location: Decoration['location'];
  if (outcome.source === 'not-cached') location = { url: requestUrl, redirected: false };
  if (info.cacheStatus !== undefined) {
    try {
      response.headers.set('cache-status', info.cacheStatus);
    } catch {
      // The wrapped fetch's own response has immutable headers: wrap its (still streaming) body.
      const raw = response;
      const headers = new Headers(raw.headers);
      headers.set('cache-status', info.cacheStatus);
      response = new Response(raw.body, { status: raw.status, statusText: raw.statusText, headers });
      location = { url: raw.url || requestUrl, redirected: raw.redirected };
      decorated = undefined;
    }
  }
  if (decorated !== undefined) return decorated;
  return decorate(response, location === undefined ? { info, describe } : { info, location, describe });
}
