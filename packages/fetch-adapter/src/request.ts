/**
 * fetch's `(input, init)` → the engine's `CacheRequest`, plus what to hand the wrapped fetch. The Fetch
 * standard's rules (URL, headers, body extraction, a `Request`'s fields) are core's `request-init`.
 * @module
 */
import {
  applyCacheMode,
  type CacheRequest,
  type FetchResponseLike,
  type LookupOptions,
  normalizeRequestOptions,
  type RequestCacheOptions,
} from '@reqcache/core';
import {
  checkBodyAllowed,
  checkCacheMode,
  extractBody,
  formDataText,
  headersOf,
  isRequestLike,
  isSpecFormData,
  parseRequestUrl,
  type RequestLike,
  refuseOneShotBody,
  requestBytes,
  requestFields,
  withoutFragment,
} from '@reqcache/core/internal';
import type { CachedRequestInit, FetchLike } from './types.js';

/** A fetch request as the engine and the wrapped fetch take it. @internal */
export interface TranslatedRequest {
  /** What the cache sees: URL without fragment, lower-case headers (and what the cache mode adds), body bytes. */
  request: CacheRequest;
  /** The per-request options: `init.cacheOptions` over what the cache mode implies (core's `applyCacheMode`). */
  options: RequestCacheOptions | LookupOptions;
  /** Sends the request through `fetchImpl`, adding `extraHeaders` (conditional headers) when given. */
  send(fetchImpl: FetchLike, extraHeaders: Record<string, string> | undefined): Promise<FetchResponseLike>;
}

/**
 * Reads the request once: a `Request`'s body (or `init.body`) is read into bytes, both hashed for the
 * key and sent on. reqcache's own fields are validated, and what fetch throws for (a bad URL, a GET or
 * HEAD request with a body) is thrown, before anything is read or sent.
 *
 * For `explain` (which never sends) the caller's objects are left as they were: a `Request`'s body is
 * read from a clone, and a one-shot stream in `init.body` is an `InvalidOptionError`, never read.
 * @internal
 */
export async function translateRequest(
  input: unknown,
  init: CachedRequestInit | undefined,
  explain = false,
): Promise<TranslatedRequest> {
  const parsed = normalizeRequestOptions(init?.cacheOptions, 'init.cacheOptions');
  checkCacheMode(init?.cache);
  // A URL without a body (most requests) is read without an await.
  let read = readRequest(input, init, explain);
  if (read instanceof Promise) read = await read;
  const { request, target, forwardInit } = read;
  // What goes out: the cache mode replaces `request.headers` (the cache's view, never sent) by a copy.
  const sent = request.headers;
  const mode = applyCacheMode(read.mode, init?.cacheOptions, sent, parsed);
  request.headers = mode.headers;
  return {
    request,
    options: mode.options,
    send(fetchImpl, conditional) {
      const extra = mode.sendHeaders === undefined ? conditional : { ...conditional, ...mode.sendHeaders };
      if (extra === undefined || Object.keys(extra).length === 0) return fetchImpl(target, forwardInit);
      return fetchImpl(target, { ...forwardInit, headers: { ...sent, ...headersOf(extra) } });
    },
  };
}

/** A request as read: the cache's view, and the URL and init to send it with. */
interface ReadRequest {
  request: CacheRequest;
  target: string | URL;
  forwardInit: Record<string, unknown> | RequestInit | undefined;
  mode: string | undefined;
}

function readRequest(
  input: unknown,
  init: CachedRequestInit | undefined,
  explain: boolean,
): ReadRequest | Promise<ReadRequest> {
  if (isRequestLike(input)) return fromRequest(input, init, explain);
  const method = (init?.method ?? 'GET').toUpperCase();
  const headers = headersOf(init?.headers);
  const request: CacheRequest = { method, url: withoutFragment(parseRequestUrl(input)), headers };
  if (init?.signal != null) request.signal = init.signal;
  const read = (forwardInit: ReadRequest['forwardInit']) => ({
    request,
    target: input as string | URL,
    forwardInit,
    mode: init?.cache,
  });
  if (init == null || init.body === undefined || init.body === null) {
    // reqcache's own fields never reach the wrapped fetch (undici rejects unknown cache modes).
    return read(init == null || (!('cache' in init) && !('cacheOptions' in init)) ? init : rest(init));
  }
  checkBodyAllowed(method);
  if (explain) refuseOneShotBody(init.body, 'init.body');
  const { body } = init;
  return extractBody(body).then(async ({ bytes, contentType }) => {
    // A FormData is keyed by its fields, as axios keys it: its multipart boundary is random.
    request.body = isSpecFormData(body) ? await formDataText(body) : bytes;
    const forwardInit: Record<string, unknown> = { ...rest(init), body: bytes };
    if (contentType !== null && headers['content-type'] === undefined) {
      headers['content-type'] = contentType;
      forwardInit['headers'] = headers;
    }
    return read(forwardInit);
  });
}

/** `init` without reqcache's own fields: Node's fetch would turn some of them into request headers. */
function rest(init: CachedRequestInit): Record<string, unknown> {
  const { cache: _cache, cacheOptions: _cacheOptions, ...others } = init;
  return others as Record<string, unknown>;
}

/**
 * A `Request` as its URL and an init: its fields that differ from the defaults, its body as bytes, then
 * `init`'s. For `explain` its body is read from a clone, so the same `Request` can be sent afterwards.
 */
async function fromRequest(
  request: RequestLike,
  init: CachedRequestInit | undefined,
  explain: boolean,
): Promise<ReadRequest> {
  const body = init?.body ?? (request.body == null ? undefined : await requestBytes(request, explain));
  const { duplex: _duplex, ...merged }: Record<string, unknown> = {
    ...requestFields(request),
    ...init,
    method: init?.method ?? request.method,
    headers: headersOf(init?.headers ?? request.headers),
    body,
    cache: init?.cache ?? request.cache,
    signal: init?.signal ?? request.signal,
  };
  return readRequest(request.url, merged as CachedRequestInit, explain);
}
