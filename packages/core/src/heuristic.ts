/**
 * Heuristic freshness (RFC 9111 §4.2.2) and which status codes a private cache may store (§3). Pure.
 *
 * @module
 */
import type { CacheDirectives } from './cache-control.js';
import { getHeader, type ResponseHeaders } from './headers.js';
import { parseHttpDate } from './http-date.js';

/** Status codes defined as heuristically cacheable (RFC 9110 §15.1). */
export const HEURISTICALLY_CACHEABLE_STATUSES: ReadonlySet<number> = new Set([
  200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501,
]);

/** The fraction of the time since `Last-Modified` used as heuristic freshness (RFC 9111 §4.2.2: "typically 10%"). */
export const HEURISTIC_FRACTION = 0.1;

/**
 * The heuristic freshness lifetime of a response without explicit freshness, in ms: 10% of the time
 * between its `Last-Modified` and its `Date` (or its arrival, `nowMs`, without a valid `Date`), for a
 * heuristically cacheable status or a response marked `public` (§4.2.2). Undefined when no heuristic
 * applies: another status, no valid `Last-Modified`, a `Last-Modified` later than the `Date`, or explicit
 * freshness (`max-age`, `Expires`), which the caller checks first. Not capped.
 *
 * @example
 * // Last-Modified ten days before Date → one day fresh.
 * heuristicLifetimeMs(200, { date: 'Sat, 11 Jan 2025 00:00:00 GMT', 'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT' }, {}, Date.now());
 */
export function heuristicLifetimeMs(
  status: number,
  headers: Readonly<ResponseHeaders>,
  directives: CacheDirectives,
  nowMs: number,
): number | undefined {
  if (!HEURISTICALLY_CACHEABLE_STATUSES.has(status) && directives.public !== true) return undefined;
  const lastModified = parseHttpDate(getHeader(headers, 'last-modified'));
  if (lastModified === undefined) return undefined;
  const dateAt = parseHttpDate(getHeader(headers, 'date')) ?? nowMs;
  if (lastModified > dateAt) return undefined;
  return Math.floor((dateAt - lastModified) * HEURISTIC_FRACTION);
}

/** Status codes a cache understands (the final codes RFC 9110 defines), for `must-understand` (§5.2.2.3). */
const UNDERSTOOD_STATUSES: ReadonlySet<number> = new Set([
  200, 201, 202, 203, 204, 205, 300, 301, 302, 303, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408,
  409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 426, 500, 501, 502, 503, 504, 505,
]);

/** Why RFC 9111 §3 keeps a response out of a private cache (on top of the settings' own rules). */
export type RfcNotStorableReason =
  | 'partial-content'
  | 'not-modified'
  | 'no-explicit-freshness'
  | 'must-understand';

/**
 * RFC 9111 §3 for a private cache, for a status already in `allowableCodes` and without `no-store`:
 * a 206 or a 304 is not stored (reqcache does not combine partial responses, and a 304 only updates a
 * stored response); with `must-understand` the status must be one the cache understands; and the
 * response must carry explicit freshness (`max-age`, `Expires`), `public` or `private`, or have a
 * heuristically cacheable status. Undefined when it may be stored.
 */
export function rfcNotStorable(
  status: number,
  headers: Readonly<ResponseHeaders>,
  directives: CacheDirectives,
): RfcNotStorableReason | undefined {
  if (status === 206) return 'partial-content';
  if (status === 304) return 'not-modified';
  if (directives.mustUnderstand === true && !UNDERSTOOD_STATUSES.has(status)) return 'must-understand';
  if (
    directives.maxAge !== undefined ||
    getHeader(headers, 'expires') !== undefined ||
    directives.public === true ||
    directives.private !== undefined ||
    HEURISTICALLY_CACHEABLE_STATUSES.has(status)
  ) {
    return undefined;
  }
  return 'no-explicit-freshness';
}
