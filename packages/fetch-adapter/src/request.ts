/**
 * fetch's `(input, init)` → the engine's `CacheRequest`, plus what to hand the wrapped fetch.
 * @module
 */
import { type CacheRequest, type RequestHeaders, toRequestHeaders } from '@reqcache/core';
import type { CachedRequestInit, FetchLike, FetchResponseLike } from './types.js';

/** A request ready for the engine and for the wrapped fetch. @internal */
export interface TranslatedRequest {
  /** What the cache sees: URL without fragment, lower-case headers, body bytes. */
  request: CacheRequest;
  /** The cache mode from `init.cache` or the `Request`'s own `cache` (undefined for 'default'). */
  mode: string | undefined;
  /** The request's abort signal: an aborted request is rejected even when the cache could answer it. */
  signal: AbortSignal | undefined;
  /** Sends the request through `fetchImpl`, adding `extraHeaders` (conditional headers) when given. */
  send(fetchImpl: FetchLike, extraHeaders: Record<string, string> | undefined): Promise<FetchResponseLike>;
}

/** A Request of any fetch implementation (the global one, undici's, a polyfill's). */
interface RequestLike {
  readonly url: string;
  readonly method: string;
  readonly headers: unknown;
  readonly body: unknown;
  readonly signal?: AbortSignal;
  readonly cache?: string;
  readonly redirect?: string;
  readonly credentials?: string;
  readonly mode?: string;
  readonly referrer?: string;
  readonly referrerPolicy?: string;
  readonly integrity?: string;
  readonly keepalive?: boolean;
  arrayBuffer(): Promise<ArrayBuffer>;
}

const utf8 = new TextEncoder();

/**
 * Reads the request once: a `Request`'s body (or `init.body`) is read into bytes, which are both hashed
 * for the key and sent on, so nothing is read twice. Throws what fetch would throw for a bad URL or a
 * GET/HEAD request with a body, before anything is sent.
 * @internal
 */
export async function translateRequest(
  input: unknown,
  init: CachedRequestInit | undefined,
): Promise<TranslatedRequest> {
  return translateRequestSync(input, init) ?? translateWithBody(input, init);
}

/**
 * {@link translateRequest} for the common case, a URL without a body, without an `await`; undefined
 * for a `Request` or a body (those need {@link translateRequest}).
 * @internal
 */
export function translateRequestSync(
  input: unknown,
  init: CachedRequestInit | undefined,
): TranslatedRequest | undefined {
  if (isRequestLike(input) || (init != null && init.body !== undefined && init.body !== null))
    return undefined;
  const url = parseUrl(input);
  const method = (init?.method ?? 'GET').toUpperCase();
  const headers = headersRecord(init?.headers);
  // reqcache's own fields never reach the wrapped fetch (undici rejects unknown cache modes).
  const forwardInit =
    init == null || (!('cache' in init) && !('cacheOptions' in init)) ? init : withoutOwnFields(init);
  return translated(
    { method, url: withoutFragment(url), headers },
    input as string | URL,
    forwardInit,
    headers,
    init?.cache,
    init?.signal,
  );
}

/** Recently parsed URL strings → their WHATWG serialization (parsing costs more than the rest of a hit's translation). */
const parsedUrls = new Map<string, string>();

function parseUrl(input: unknown): string {
  if (input instanceof URL) return input.href;
  const text = String(input);
  const known = parsedUrls.get(text);
  if (known !== undefined) return known;
  let href: string;
  try {
    href = new URL(text).href;
  } catch (error) {
    throw new TypeError(`Failed to parse URL from ${text}`, { cause: error });
  }
  if (parsedUrls.size >= 512) parsedUrls.clear();
  parsedUrls.set(text, href);
  return href;
}

function withoutOwnFields(init: CachedRequestInit): Record<string, unknown> {
  const { cache: _cache, cacheOptions: _cacheOptions, ...others } = init;
  return others as Record<string, unknown>;
}

async function translateWithBody(
  input: unknown,
  init: CachedRequestInit | undefined,
): Promise<TranslatedRequest> {
  // Strip reqcache's own fields: the wrapped fetch never sees them (undici rejects unknown cache modes,
  // and Node's fetch turns some of them into request headers).
  const rest = init == null ? undefined : withoutOwnFields(init);
  if (isRequestLike(input)) return fromRequest(input, init, rest ?? {});
  const url = parseUrl(input);
  const method = (init?.method ?? 'GET').toUpperCase();
  const headers = headersRecord(init?.headers);
  checkNoBody(method, true);
  const { bytes, contentType } = await bodyBytes(init?.body);
  let sendHeaders: unknown = init?.headers;
  if (contentType !== null && headers['content-type'] === undefined) {
    headers['content-type'] = contentType;
    sendHeaders = headers;
  }
  const forwardInit: Record<string, unknown> = { ...rest, body: bytes };
  if (sendHeaders !== undefined) forwardInit['headers'] = sendHeaders;
  return translated(
    { method, url: withoutFragment(url), headers, body: bytes },
    input as string | URL,
    forwardInit,
    headers,
    init?.cache,
    init?.signal,
  );
}

async function fromRequest(
  request: RequestLike,
  init: CachedRequestInit | undefined,
  rest: Record<string, unknown>,
): Promise<TranslatedRequest> {
  const sentMethod = init?.method ?? request.method;
  const method = sentMethod.toUpperCase();
  const headers = headersRecord(init?.headers ?? request.headers);
  let bytes: Uint8Array | undefined;
  if (init?.body !== undefined && init.body !== null) {
    checkNoBody(method, true);
    const extracted = await bodyBytes(init.body);
    bytes = extracted.bytes;
    if (extracted.contentType !== null && headers['content-type'] === undefined) {
      headers['content-type'] = extracted.contentType;
    }
  } else if (request.body !== null && request.body !== undefined) {
    bytes = new Uint8Array(await request.arrayBuffer());
  }
  const url = request.url;
  // Carry the Request's own fields (only those that differ from the defaults), then init's.
  const forwardInit: Record<string, unknown> = {};
  if (request.signal !== undefined) forwardInit['signal'] = request.signal;
  if (request.redirect !== undefined && request.redirect !== 'follow')
    forwardInit['redirect'] = request.redirect;
  if (request.credentials !== undefined && request.credentials !== 'same-origin')
    forwardInit['credentials'] = request.credentials;
  if (request.mode !== undefined && request.mode !== 'cors' && request.mode !== 'navigate')
    forwardInit['mode'] = request.mode;
  if (request.referrer !== undefined && request.referrer !== '' && request.referrer !== 'about:client')
    forwardInit['referrer'] = request.referrer;
  if (request.referrerPolicy) forwardInit['referrerPolicy'] = request.referrerPolicy;
  if (request.integrity) forwardInit['integrity'] = request.integrity;
  if (request.keepalive === true) forwardInit['keepalive'] = true;
  Object.assign(forwardInit, rest);
  forwardInit['method'] = sentMethod;
  forwardInit['headers'] = headers;
  if (bytes === undefined) delete forwardInit['body'];
  else forwardInit['body'] = bytes;
  delete forwardInit['duplex'];
  const mode = init?.cache ?? request.cache;
  const signal = init?.signal ?? request.signal;
  return translated(
    { method, url: withoutFragment(url), headers, body: bytes },
    url,
    forwardInit,
    headers,
    mode,
    signal,
  );
}

function translated(
  request: CacheRequest,
  input: string | URL,
  forwardInit: Record<string, unknown> | RequestInit | undefined,
  sendHeaders: RequestHeaders,
  mode: string | undefined,
  signal: AbortSignal | null | undefined,
): TranslatedRequest {
  // `sendHeaders` is what goes out; the cache mode may replace `request.headers` (the cache's view, never
  // sent) with a copy carrying extra directives, but never mutates this object.
  if (signal != null) request.signal = signal;
  return {
    request,
    mode: mode === 'default' ? undefined : mode,
    signal: signal ?? undefined,
    send(fetchImpl, extraHeaders) {
      if (extraHeaders === undefined || Object.keys(extraHeaders).length === 0) {
        return fetchImpl(input, forwardInit);
      }
      return fetchImpl(input, { ...forwardInit, headers: { ...sendHeaders, ...lowerCased(extraHeaders) } });
    },
  };
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers)) out[name.toLowerCase()] = headers[name]!;
  return out;
}

function isRequestLike(input: unknown): input is RequestLike {
  if (typeof input !== 'object' || input === null || input instanceof URL) return false;
  const candidate = input as Record<string, unknown>;
  return (
    typeof candidate['url'] === 'string' &&
    typeof candidate['method'] === 'string' &&
    typeof candidate['arrayBuffer'] === 'function' &&
    'headers' in candidate
  );
}

/** Request headers from any `HeadersInit` (a Headers object of any implementation, pairs or a record). */
function headersRecord(init: unknown): RequestHeaders {
  if (init === undefined || init === null) return {};
  const candidate = init as { forEach?: unknown };
  if (typeof candidate.forEach === 'function' && !Array.isArray(init)) {
    const out: RequestHeaders = {};
    (init as { forEach(cb: (value: string, name: string) => void): void }).forEach((value, name) => {
      const lower = name.toLowerCase();
      const existing = out[lower];
      out[lower] = existing === undefined ? value : `${existing}, ${value}`;
    });
    return out;
  }
  return toRequestHeaders(init as Parameters<typeof toRequestHeaders>[0]);
}

function checkNoBody(method: string, hasBody: boolean): void {
  if (hasBody && (method === 'GET' || method === 'HEAD')) {
    throw new TypeError('Request with GET/HEAD method cannot have body.');
  }
}

function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

/**
 * A request body as bytes, with the content type fetch would give it (`text/plain;charset=UTF-8` for a
 * string, `application/x-www-form-urlencoded;charset=UTF-8` for URLSearchParams, the Blob's type, the
 * multipart boundary of a FormData). Streams and async iterables are read to their end.
 */
async function bodyBytes(body: unknown): Promise<{ bytes: Uint8Array; contentType: string | null }> {
  if (typeof body === 'string') return { bytes: utf8.encode(body), contentType: 'text/plain;charset=UTF-8' };
  if (body instanceof Uint8Array) return { bytes: body, contentType: null };
  if (body instanceof ArrayBuffer) return { bytes: new Uint8Array(body), contentType: null };
  if (ArrayBuffer.isView(body)) {
    return { bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), contentType: null };
  }
  if (body instanceof URLSearchParams) {
    return {
      bytes: utf8.encode(body.toString()),
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
    };
  }
  // Blob, FormData, ReadableStream, async iterables: let the platform extract them as fetch would.
  const extracted = new Response(body as BodyInit);
  return {
    bytes: new Uint8Array(await extracted.arrayBuffer()),
    contentType: extracted.headers.get('content-type'),
  };
}
