/**
 * fetch's `(input, init)` → the engine's `CacheRequest`, plus what to hand the wrapped fetch. The Fetch
 * standard's rules (URL, headers, body extraction, a `Request`'s fields) are core's `request-init`.
 * @module
 */
import type { CacheRequest, FetchResponseLike, RequestHeaders } from '@reqcache/core';
import {
  checkBodyAllowed,
  extractBody,
  headersOf,
  isRequestLike,
  parseRequestUrl,
  type RequestLike,
  requestFields,
  withoutFragment,
} from '@reqcache/core/internal';
import type { CachedRequestInit, FetchLike } from './types.js';

/** A request ready for the engine and for the wrapped fetch. @internal */
export interface TranslatedRequest {
  /** What the cache sees: URL without fragment, lower-case headers, body bytes. */
  request: CacheRequest;
  /** The cache mode from `init.cache` or the `Request`'s own `cache`. */
  mode: string | undefined;
  /** The request's abort signal: an aborted request is rejected even when the cache could answer it. */
  signal: AbortSignal | undefined;
  /** Sends the request through `fetchImpl`, adding `extraHeaders` (conditional headers) when given. */
  send(fetchImpl: FetchLike, extraHeaders: Record<string, string> | undefined): Promise<FetchResponseLike>;
}

/**
 * Reads the request once: a `Request`'s body (or `init.body`) is read into bytes, which are both hashed
 * for the key and sent on, so nothing is read twice. Throws what fetch would throw for a bad URL or a
 * GET/HEAD request with a body, before anything is sent. The common case, a URL without a body, is
 * translated without a promise.
 * @internal
 */
export function translateRequest(
  input: unknown,
  init: CachedRequestInit | undefined,
): TranslatedRequest | Promise<TranslatedRequest> {
  if (isRequestLike(input)) return fromRequest(input, init);
  const url = parseRequestUrl(input);
  const method = (init?.method ?? 'GET').toUpperCase();
  const headers = headersOf(init?.headers);
  const request: CacheRequest = { method, url: withoutFragment(url), headers };
  if (init == null || init.body === undefined || init.body === null) {
    // reqcache's own fields never reach the wrapped fetch (undici rejects unknown cache modes).
    const forwardInit = init == null || (!('cache' in init) && !('cacheOptions' in init)) ? init : rest(init);
    return translated(request, input as string | URL, forwardInit, init?.cache, init?.signal);
  }
  checkBodyAllowed(method);
  return extractBody(init.body).then(({ bytes, contentType }) => {
    const forwardInit: Record<string, unknown> = { ...rest(init), body: bytes };
    if (contentType !== null && headers['content-type'] === undefined) {
      headers['content-type'] = contentType;
      forwardInit['headers'] = headers;
    }
    return translated(
      { ...request, body: bytes },
      input as string | URL,
      forwardInit,
      init.cache,
      init.signal,
    );
  });
}

/** `init` without reqcache's own fields: Node's fetch would turn some of them into request headers. */
function rest(init: CachedRequestInit): Record<string, unknown> {
  const { cache: _cache, cacheOptions: _cacheOptions, ...others } = init;
  return others as Record<string, unknown>;
}

/** A `Request` as its URL and an init: its fields that differ from the defaults, its body as bytes, then `init`'s. */
async function fromRequest(
  request: RequestLike,
  init: CachedRequestInit | undefined,
): Promise<TranslatedRequest> {
  const body = init?.body ?? (request.body == null ? undefined : new Uint8Array(await request.arrayBuffer()));
  const { duplex: _duplex, ...merged }: Record<string, unknown> = {
    ...requestFields(request),
    ...init,
    method: init?.method ?? request.method,
    headers: headersOf(init?.headers ?? request.headers),
    body,
    cache: init?.cache ?? request.cache,
    signal: init?.signal ?? request.signal,
  };
  return translateRequest(request.url, merged as CachedRequestInit);
}

function translated(
  request: CacheRequest,
  input: string | URL,
  forwardInit: Record<string, unknown> | RequestInit | undefined,
  mode: string | undefined,
  signal: AbortSignal | null | undefined,
): TranslatedRequest {
  // What goes out: the cache mode may replace `request.headers` (the cache's view, never sent) with a
  // copy carrying extra directives, but never changes this object.
  const sendHeaders: RequestHeaders = request.headers;
  if (signal != null) request.signal = signal;
  return {
    request,
    mode,
    signal: signal ?? undefined,
    send(fetchImpl, extraHeaders) {
      if (extraHeaders === undefined || Object.keys(extraHeaders).length === 0) {
        return fetchImpl(input, forwardInit);
      }
      return fetchImpl(input, { ...forwardInit, headers: { ...sendHeaders, ...headersOf(extraHeaders) } });
    },
  };
}
