import type { SuiteClient, SuiteRequest, SuiteResponse } from '@reqcache/behaviour-suite';
import type { CachedFetch, CachedFetchResponse, CachedRequestInit } from '../../src/index.js';

/** A fetch-shaped function the suite sends through (the cached fetch itself, or `globalThis.fetch`). */
type SendFetch = (input: string, init: CachedRequestInit) => Promise<Response>;

/** The fetch init for one suite request. */
export function suiteInit(request: SuiteRequest): CachedRequestInit {
  const headers = new Headers(request.headers);
  const init: CachedRequestInit = { method: request.method ?? 'GET', headers };
  if (request.json !== undefined) {
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    init.body = JSON.stringify(request.json);
  } else if (request.form !== undefined) {
    init.body = new URLSearchParams(request.form);
  } else if (request.body !== undefined) {
    init.body = typeof request.body === 'string' ? request.body : (request.body as Uint8Array<ArrayBuffer>);
  }
  if (request.cache !== undefined) init.cacheOptions = request.cache;
  return init;
}

/** Reads a cached fetch's response into the suite's shape. */
export async function suiteResponse(response: CachedFetchResponse): Promise<SuiteResponse> {
  const body = new Uint8Array(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  });
  return {
    status: response.status,
    url: response.url,
    headers,
    body,
    text: () => new TextDecoder().decode(body),
    json: () => JSON.parse(new TextDecoder().decode(body)) as unknown,
    fromCache: response.fromCache,
    createdAt: response.createdAt,
    expires: response.expires,
    isExpired: response.isExpired,
    revalidated: response.revalidated,
    cacheKey: response.cacheKey,
    reason: response.reason,
    description: response.cacheDescription,
  };
}

/**
 * Turns a cached fetch into the behaviour suite's client. `send` is what requests go through:
 * the cached fetch by default, or e.g. `globalThis.fetch` after `installCache()`.
 */
export function fetchSuiteClient(
  cached: CachedFetch,
  options: { send?: SendFetch; close?: () => Promise<void> } = {},
): SuiteClient {
  const send: SendFetch = options.send ?? cached;
  return {
    async send(request) {
      const response = (await send(request.url, suiteInit(request))) as CachedFetchResponse;
      return suiteResponse(response);
    },
    explain: (url) => cached.explain(url),
    disabled: (fn) => cached.disabled(fn),
    settings: cached.settings,
    cache: cached.cache,
    engine: cached.engine,
    close: options.close ?? (() => cached.close()),
  };
}
