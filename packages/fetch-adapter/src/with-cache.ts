import {
  applyCacheMode,
  type CacheEngine,
  type CacheOptions,
  cacheHandle,
  CacheEngine as Engine,
  entryLocation,
  generatedStatus,
  InvalidOptionError,
  type NetworkResponse,
  normalizeRequestOptions,
  type Outcome,
  toResponseHeaders,
} from '@reqcache/core';
import { checkCacheMode, redactUrl } from '@reqcache/core/internal';
import { translateRequest } from './request.js';
import { buildResponse, decorate } from './response.js';
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

  /** The cache's view of a request, with its per-request options (core's `applyCacheMode`). */
  const translate = async (input: RequestInfo | URL, init: CachedRequestInit | undefined) => {
    // Validate reqcache's own fields before anything is read or sent.
    const parsed = normalizeRequestOptions(init?.cacheOptions, 'init.cacheOptions');
    checkCacheMode(init?.cache);
    // A URL without a body (most requests) is translated without an await.
    let translated = translateRequest(input, init);
    if (translated instanceof Promise) translated = await translated;
    const mode = applyCacheMode(translated.mode, init?.cacheOptions, translated.request.headers, parsed);
    translated.request.headers = mode.headers;
    return { translated, options: mode.options, sendHeaders: mode.sendHeaders };
  };

  const cachedFetch = async (input: RequestInfo | URL, init?: CachedRequestInit) => {
    const { translated, options: requestOptions, sendHeaders } = await translate(input, init);
    translated.signal?.throwIfAborted();
    const { request } = translated;
    const outcome = await engine.request(request, requestOptions, async (extraHeaders) => {
      const headers = sendHeaders === undefined ? extraHeaders : { ...extraHeaders, ...sendHeaders };
      return toNetworkResponse(await translated.send(fetchImpl, headers), request.url);
    });
    return toFetchResponse(engine, outcome, request.method, request.url);
  };

  const members: PropertyDescriptorMap = {
    ...cacheHandle(engine),
    explain: {
      value: async (input: RequestInfo | URL, init?: CachedRequestInit) => {
        const { translated, options } = await translate(input, init);
        return engine.explain(translated.request, options);
      },
    },
  };
  // Enumerable, unlike core's default: spreading or listing a cached fetch shows its members.
  for (const member of Object.values(members)) member.enumerable = true;
  Object.defineProperties(cachedFetch, members);
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
  const { info } = outcome;
  const { ignoredParameters } = engine.settings.parsed;
  const describer = (status: number, size: number) => {
    let description: string | undefined;
    return () => {
      const url = redactUrl(requestUrl, ignoredParameters);
      description ??= engine.describe(info, { method, url }, status, size);
      return description;
    };
  };
  const cacheStatus = <T extends Response>(response: T): T => {
    if (info.cacheStatus !== undefined) response.headers.set('cache-status', info.cacheStatus);
    return response;
  };
  if (outcome.source === 'cache') {
    const { entry } = outcome;
    const location = entryLocation(entry, requestUrl, ignoredParameters);
    const describe = describer(entry.status, entry.body.byteLength);
    const { status, statusText, headers, body } = entry;
    return cacheStatus(
      buildResponse(status, statusText, headers, body, method, { info, location, describe }),
    );
  }
  if (outcome.source === 'not-cached') {
    const response = cacheStatus(new Response(null, generatedStatus(info.reason)));
    return decorate(response, {
      info,
      location: { url: requestUrl, redirected: false },
      describe: describer(504, 0),
    });
  }
  const raw = outcome.response.raw;
  const location = { url: raw.url || requestUrl, redirected: raw.redirected };
  if (outcome.body !== undefined) {
    const describe = describer(raw.status, outcome.body.byteLength);
    const built = buildResponse(raw.status, raw.statusText, outcome.response.headers, outcome.body, method, {
      info,
      location,
      describe,
    });
    return cacheStatus(built);
  }
  // Not stored: the wrapped fetch's own response, body untouched (still streaming).
  const describe = describer(raw.status, Number(raw.headers.get('content-length') ?? 0) || 0);
  let response = raw as unknown as Response;
  try {
    cacheStatus(response);
  } catch {
    // Its headers are immutable: wrap its (still streaming) body.
    const headers = new Headers(response.headers);
    headers.set('cache-status', info.cacheStatus!);
    response = new Response(response.body, { status: raw.status, statusText: raw.statusText, headers });
    return decorate(response, { info, location, describe });
  }
  return decorate(response, { info, describe });
}
