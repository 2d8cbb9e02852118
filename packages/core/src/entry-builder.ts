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
 * body (see {@link storedHeaders}), never `Set-Cookie` (a deliberate safety choice),
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
  const decoded = ctx.method === 'HEAD' ? false : (response.decoded ?? true);
  const entry: CacheEntry = {
    v: ENTRY_VERSION,
    status: response.status,
    statusText: response.statusText,
    headers: redactHeaders(withoutSetCookie(storedHeaders(response.headers, body, decoded)), ignored),
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

/**
 * Hop-by-hop fields (RFC 9110 §7.6.1): they describe one connection, not the response, so they are
 * never stored (RFC 9111 §3.1) — nor `Transfer-Encoding`, whose framing the stored body no longer has.
 */
const HOP_BY_HOP_FIELDS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'transfer-encoding',
  'upgrade',
]);

/** The content codings fetch decodes while keeping them in its headers (`decoded: true`). */
const DECODED_CODINGS: ReadonlySet<string> = new Set(['gzip', 'x-gzip', 'deflate', 'br']);

/**
 * Whether a body whose headers say `Content-Encoding: contentEncoding` was decoded by the client, as its
 * adapter describes it (`decoded`, see `NetworkResponse.decoded`): `true` → a single coding fetch knows;
 * a list → one of those codings; `false` → never. An unknown coding (`arbitrary`) or a list of several is
 * decoded by no client: the body is stored encoded and the header kept.
 */
export function isBodyDecoded(
  contentEncoding: string | undefined,
  decoded: boolean | readonly string[],
): boolean {
  if (decoded === false || contentEncoding === undefined) return false;
  const coding = contentEncoding.trim().toLowerCase();
  return decoded === true ? DECODED_CODINGS.has(coding) : decoded.includes(coding);
}

/** The hop-by-hop fields of a response plus every field its `Connection` header names (RFC 9110 §7.6.1). */
export function connectionFields(headers: Readonly<ResponseHeaders>): ReadonlySet<string> {
  const connection = headers['connection'];
  if (connection === undefined) return HOP_BY_HOP_FIELDS;
  // Servers send the same few values (`keep-alive`, `close`) on every response: each set is built once.
  const known = typeof connection === 'string' ? connectionSets.get(connection) : undefined;
  if (known !== undefined) return known;
  const fields = new Set(HOP_BY_HOP_FIELDS);
  for (const value of typeof connection === 'string' ? [connection] : connection) {
    for (const name of value.split(',')) {
      const field = name.trim().toLowerCase();
      if (field !== '') fields.add(field);
    }
  }
  if (typeof connection === 'string' && connectionSets.size < 64) connectionSets.set(connection, fields);
  return fields;
}

/** {@link connectionFields} of the `Connection` values seen (a few per server; at most 64 kept). */
const connectionSets = new Map<string, ReadonlySet<string>>();

/**
 * The headers stored with a response (RFC 9111 §3.1): every field the origin sent except the
 * hop-by-hop fields and those named in `Connection`. A body the client decoded (gzip, br, …; see
 * {@link isBodyDecoded}) is stored decoded, so its `Content-Encoding` is dropped (a stored coding the
 * bytes do not have would make got and axios decode them twice); an unknown coding is kept with the
 * encoded body. `Content-Length` is the stored body's (not for HEAD, `decoded` false).
 */
export function storedHeaders(
  headers: ResponseHeaders,
  body: Uint8Array,
  decoded: boolean | readonly string[],
): ResponseHeaders {
  const removed = connectionFields(headers);
  const bodyDecoded = isBodyDecoded(getHeader(headers, 'content-encoding'), decoded);
  const out: ResponseHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (removed.has(name.toLowerCase())) continue;
    if (bodyDecoded && name.toLowerCase() === 'content-encoding') continue;
    out[name] = value;
  }
  if (decoded !== false) out['content-length'] = String(body.byteLength);
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

/**
 * `Set-Cookie` is never stored, whatever the settings: a deliberate safety choice (SPEC §5) for clients
 * that serve many users, which must not replay one user's cookie to another. RFC 9111 §3 allows storing
 * it; a private browser cache would.
 */
function withoutSetCookie(headers: ResponseHeaders): ResponseHeaders {
  const name = Object.keys(headers).find((header) => header.toLowerCase() === 'set-cookie');
  if (name === undefined) return headers;
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
