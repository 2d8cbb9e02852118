import type { CacheEntry } from './entry.js';
import { connectionFields } from './entry-builder.js';
import { getHeader, type ResponseHeaders } from './headers.js';

/**
 * The conditional request headers for revalidating a stored response: `If-None-Match` from its `ETag`
 * and `If-Modified-Since` from its `Last-Modified` (values copied verbatim), or undefined when it has
 * no validator.
 */
export function conditionalHeaders(headers: Readonly<ResponseHeaders>): Record<string, string> | undefined {
  const etag = getHeader(headers, 'etag');
  const lastModified = getHeader(headers, 'last-modified');
  if (etag === undefined && lastModified === undefined) return undefined;
  const out: Record<string, string> = {};
  if (etag !== undefined) out['if-none-match'] = etag;
  if (lastModified !== undefined) out['if-modified-since'] = lastModified;
  return out;
}

/**
 * Header fields a 304 never replaces in the stored response (RFC 9111 §3.2: framing), besides the
 * hop-by-hop ones and those its `Connection` names ({@link connectionFields}, §3.1); and `Set-Cookie`,
 * never stored (a deliberate safety choice).
 */
const NOT_UPDATED = new Set(['set-cookie', 'content-length', 'content-encoding', 'content-range', 'trailer']);

/**
 * The 304 merge (RFC 9111 §4.3.4): the stored response with its header fields updated from the 304,
 * its body kept, its expiration recomputed. `createdAt` is kept, as requests-cache does.
 */
export function mergeNotModified(
  entry: CacheEntry,
  notModifiedHeaders: Readonly<ResponseHeaders>,
  expiresAt: number | null,
  requestedAt: number,
  receivedAt: number,
): CacheEntry {
  const headers: ResponseHeaders = { ...entry.headers };
  const connection = connectionFields(notModifiedHeaders);
  for (const name of Object.keys(notModifiedHeaders)) {
    if (NOT_UPDATED.has(name) || connection.has(name)) continue;
    headers[name] = notModifiedHeaders[name]!;
  }
  return { ...entry, headers, expiresAt, requestedAt, receivedAt };
}

/** True when the 304 changed anything worth writing back: the expiration or any header value. */
export function notModifiedChangesEntry(before: CacheEntry, after: CacheEntry): boolean {
  if (before.expiresAt !== after.expiresAt) return true;
  for (const name of Object.keys(after.headers)) {
    const a = after.headers[name];
    const b = before.headers[name];
    if (typeof a === 'string' || typeof b === 'string' ? a !== b : JSON.stringify(a) !== JSON.stringify(b))
      return true;
  }
  return false;
}

/**
 * RFC 9111 §4.3.5: whether a 200 answer to HEAD describes the stored GET response — every validator
 * it carries (`ETag`, `Last-Modified`) equals the stored one, and so does its `Content-Length` when it
 * has one (compared with the stored body's length).
 */
export function headMatchesStored(entry: CacheEntry, headHeaders: Readonly<ResponseHeaders>): boolean {
  for (const name of ['etag', 'last-modified']) {
    const value = getHeader(headHeaders, name);
    if (value !== undefined && value !== getHeader(entry.headers, name)) return false;
  }
  const length = getHeader(headHeaders, 'content-length');
  return length === undefined || Number(length) === entry.body.byteLength;
}

/**
 * RFC 9111 §4.3.4: whether a 304 can update this stored response — no validator it carries contradicts
 * the stored one: a strong `ETag` must equal the stored `ETag`, a weak one must match it weakly, a
 * `Last-Modified` (without `ETag`) must equal the stored one. A 304 without validators answers the
 * conditional request made from this response, so it matches.
 */
export function notModifiedMatches(
  entry: CacheEntry,
  notModifiedHeaders: Readonly<ResponseHeaders>,
): boolean {
  const etag = getHeader(notModifiedHeaders, 'etag')?.trim();
  const storedEtag = getHeader(entry.headers, 'etag')?.trim();
  if (etag !== undefined) {
    if (storedEtag === undefined) return false;
    if (!etag.startsWith('W/')) return etag === storedEtag;
    return opaqueTag(etag) === opaqueTag(storedEtag);
  }
  const lastModified = getHeader(notModifiedHeaders, 'last-modified');
  if (lastModified !== undefined) return lastModified === getHeader(entry.headers, 'last-modified');
  return true;
}

/** An entity tag without its weakness indicator (RFC 9110 §8.8.3.2, weak comparison). */
function opaqueTag(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
