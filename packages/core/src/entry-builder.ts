/**
 * Building the stored entry from a network response: what is kept of its headers, what is redacted,
 * how big it is. Pure.
 * @module
 */
import type { NetworkResponse, RequestContext } from './contract.js';
import { type CacheEntry, ENTRY_VERSION } from './entry.js';
import { getHeader, type ResponseHeaders } from './headers.js';
import type { FilterResponse } from './options.js';
import { redactBody, redactHeaders, redactUrl } from './redact.js';

const METHOD_NO_BODY = new Set(['GET', 'HEAD']);

/**
 * The entry stored for `response` to the request of `ctx`: status, the headers that describe the stored
 * body (see {@link storedHeaders}), without `Set-Cookie` when it is an ignored parameter (the default),
 * `ignoredParameters` redacted from URLs, headers, request body and redirect history.
 */
export function buildEntry(
  ctx: Pick<RequestContext, 'settings' | 'method' | 'request' | 'requestedAt'>,
  response: Pick<NetworkResponse, 'status' | 'statusText' | 'headers' | 'url' | 'redirects' | 'decoded'>,
  body: Uint8Array,
  expiresAt: number | null,
  nowMs: number,
): CacheEntry {
  const ignored = ctx.settings.ignoredParameters;
  const contentType = ctx.request.headers['content-type'];
  const requestBody = METHOD_NO_BODY.has(ctx.method)
    ? undefined
    : redactBody(ctx.request.body, contentType, ignored);
  const decoded = response.decoded !== false && ctx.method !== 'HEAD';
  const entry: CacheEntry = {
    v: ENTRY_VERSION,
    status: response.status,
    statusText: response.statusText,
    headers: redactHeaders(
      withoutSetCookie(storedHeaders(response.headers, body, decoded), ignored),
      ignored,
    ),
    body,
    url: redactUrl(response.url || ctx.request.url, ignored),
    request: {
      method: ctx.method,
      url: redactUrl(ctx.request.url, ignored),
      headers: redactHeaders(ctx.request.headers, ignored) as Record<string, string>,
    },
    history: (response.redirects ?? []).map((hop) => ({
      url: redactUrl(hop.url, ignored),
      status: hop.status,
    })),
    createdAt: nowMs,
    expiresAt,
    requestedAt: ctx.requestedAt,
    receivedAt: nowMs,
  };
  if (requestBody !== undefined && requestBody.length > 0) {
    entry.request.body =
      typeof requestBody === 'string' ? new TextEncoder().encode(requestBody) : requestBody;
  }
  return entry;
}

/** Headers describing the stored body: framing fields dropped, `Content-Length` exact once decoded (not for HEAD). */
export function storedHeaders(headers: ResponseHeaders, body: Uint8Array, decoded: boolean): ResponseHeaders {
  if (
    headers['transfer-encoding'] === undefined &&
    headers['connection'] === undefined &&
    headers['keep-alive'] === undefined
  ) {
    if (
      !decoded ||
      (headers['content-encoding'] === undefined && headers['content-length'] === String(body.byteLength))
    ) {
      return headers;
    }
  }
  const out: ResponseHeaders = { ...headers };
  delete out['transfer-encoding'];
  delete out['connection'];
  delete out['keep-alive'];
  if (decoded) {
    delete out['content-encoding'];
    out['content-length'] = String(body.byteLength);
  }
  return out;
}

/** Body bytes plus header names and values: what `maxEntryBytes` limits. */
export function entrySize(headers: Readonly<ResponseHeaders>, body: Uint8Array): number {
  let size = body.byteLength;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    size += name.length;
    for (const item of Array.isArray(value) ? value : [value]) size += Buffer.byteLength(item);
  }
  return size;
}

/** `Set-Cookie` is left out of stored responses when it is an ignored parameter (the default). */
function withoutSetCookie(headers: ResponseHeaders, ignored: readonly string[]): ResponseHeaders {
  const name = Object.keys(headers).find((header) => header.toLowerCase() === 'set-cookie');
  if (name === undefined || !ignored.some((item) => item.toLowerCase() === 'set-cookie')) return headers;
  const out: ResponseHeaders = { ...headers };
  delete out[name];
  return out;
}

/** The URLs besides the request's under which a response is found too: its redirect hops and final URL. */
export function aliasUrls(
  requestUrl: string,
  response: Pick<NetworkResponse, 'url' | 'redirects'>,
): string[] {
  const urls = new Set<string>();
  for (const hop of response.redirects ?? []) urls.add(hop.url);
  if (response.url && response.url !== requestUrl) urls.add(response.url);
  urls.delete(requestUrl);
  return [...urls];
}

/** The view of an entry the `filter` setting receives. */
export function filterView(entry: CacheEntry, fromCache: boolean): FilterResponse {
  return {
    status: entry.status,
    headers: entry.headers,
    url: entry.url,
    body: entry.body,
    request: { method: entry.request.method, url: entry.request.url },
    fromCache,
  };
}

/**
 * The URIs an unsafe request invalidates once it succeeded (RFC 9111 §4.4): its target, and the
 * `Location` and `Content-Location` targets on the same origin.
 */
export function invalidationTargets(requestUrl: string, headers: Readonly<ResponseHeaders>): string[] {
  const targets = new Set<string>([requestUrl]);
  for (const name of ['location', 'content-location']) {
    const target = sameOriginTarget(getHeader(headers, name), requestUrl);
    if (target !== undefined) targets.add(target);
  }
  return [...targets];
}

/** The absolute URL of a `Location` / `Content-Location` value when it is on the request's origin. */
function sameOriginTarget(value: string | undefined, base: string): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  try {
    const target = new URL(value.trim(), base);
    return target.origin === new URL(base).origin ? target.href : undefined;
  } catch {
    return undefined;
  }
}
