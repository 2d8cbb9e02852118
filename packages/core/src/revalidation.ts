import type { CacheEntry } from './entry.js';
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

/** Header fields a 304 never replaces in the stored response (RFC 9111 §3.2, framing and hop-by-hop). */
const NOT_UPDATED = new Set([
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'content-range',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
]);

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
  for (const name of Object.keys(notModifiedHeaders)) {
    if (NOT_UPDATED.has(name)) continue;
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
