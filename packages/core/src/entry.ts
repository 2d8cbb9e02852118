import { getHeader, type ResponseHeaders } from './headers.js';

/** The format version written into every stored entry. An entry of another version is a miss. */
export const ENTRY_VERSION = 1;

/** The request that produced a stored response, with secrets redacted. */
export interface StoredRequest {
  method: string;
  /** The URL as sent (redacted, not normalized). */
  url: string;
  /** Request headers (lower-case names, redacted). */
  headers: Record<string, string>;
  /** The request body, normalized and redacted; absent when empty. */
  body?: Uint8Array;
}

/** One hop of a redirect chain that led to the stored response. */
export interface RedirectHop {
  /** The URL that answered with a redirect (redacted). */
  url: string;
  status: number;
}

/**
 * A response as it is stored: versioned, body as bytes, instants as epoch milliseconds.
 * This is what serializers write and read.
 */
export interface CacheEntry {
  v: typeof ENTRY_VERSION;
  status: number;
  statusText: string;
  /** Response headers, lower-case names, redacted. */
  headers: ResponseHeaders;
  /** The body after content decoding, byte-exact. */
  body: Uint8Array;
  /** The final URL of the response (after redirects), redacted. */
  url: string;
  request: StoredRequest;
  /** Redirect hops before the final response, in order; empty when there was none. */
  history: RedirectHop[];
  /** When the response was received (epoch ms). Not changed by revalidation. */
  createdAt: number;
  /** When the response stops being fresh (epoch ms), or null for never. */
  expiresAt: number | null;
  /** When the request that produced this response (or its last revalidation) was sent (epoch ms). */
  requestedAt: number;
  /** When that response arrived (epoch ms). */
  receivedAt: number;
}

/** True when the entry is past its expiration time at `nowMs`. */
export function isEntryExpired(entry: Pick<CacheEntry, 'expiresAt'>, nowMs: number): boolean {
  return entry.expiresAt !== null && nowMs >= entry.expiresAt;
}

/** True when the stored response has a validator (`ETag` or `Last-Modified`) for a conditional request. */
export function hasValidator(headers: Readonly<ResponseHeaders>): boolean {
  return headers['etag'] !== undefined || headers['last-modified'] !== undefined;
}

/** The size of a byte count in requests-cache's style: `5 bytes`, `3.00 KiB`, `2.93 MiB`, `4.88 GiB`. */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(2)} ${units[unit]}`;
}

/**
 * One line describing a response, like requests-cache's `str(response)`:
 * `request: GET <url>, response: 200 (308 bytes), created: …, expires: … (fresh)`.
 */
export function describeResponse(info: {
  method: string;
  url: string;
  status: number;
  size: number;
  createdAt: Date;
  expires: Date | null;
  isExpired: boolean;
  fromCache: boolean;
}): string {
  const expires = info.expires === null ? 'never' : formatInstant(info.expires);
  return (
    `request: ${info.method} ${info.url}, response: ${info.status} (${formatFileSize(info.size)}), ` +
    `created: ${formatInstant(info.createdAt)}, expires: ${expires} (${info.isExpired ? 'stale' : 'fresh'})` +
    (info.fromCache ? ', from cache' : '')
  );
}

function formatInstant(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The content type of a stored response, without parameters, lower-cased ('' when absent). */
export function contentTypeOf(headers: Readonly<ResponseHeaders>): string {
  const value = getHeader(headers, 'content-type');
  if (value === undefined) return '';
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}
