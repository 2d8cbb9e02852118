import type { CacheDirectives } from './cache-control.js';
import { type ParsedExpireAfter, resolveExpiresAt } from './expire-after.js';
import { getHeader, type ResponseHeaders } from './headers.js';
import { parseHttpDate } from './http-date.js';
import type { ParsedSettings } from './options.js';
import { matchUrlPattern } from './url-patterns.js';

/** Where a request-level expiration came from, highest precedence first. */
export type RequestExpirationSource = 'request-cache-control' | 'request' | 'url-pattern' | 'session';

/** Where the expiration of a stored response came from. */
export type ExpirationSource = 'immutable' | 'max-age' | 'expires' | RequestExpirationSource;

/** The expiration that applies before the response is known: request headers, per-request option, URL pattern, session. */
export interface RequestExpiration {
  expireAfter: ParsedExpireAfter;
  source: RequestExpirationSource;
  /** The matching `urlsExpireAfter` pattern, when `source` is `'url-pattern'`. */
  pattern?: string;
}

/** When a response expires, and why; or why it is not stored at all. */
export type ExpirationDecision =
  | { store: true; expiresAt: number | null; source: ExpirationSource; pattern?: string }
  | { store: false; reason: 'do-not-cache'; source: ExpirationSource };

/**
 * The request half of requests-cache's precedence: request `Cache-Control: max-age` > per-request
 * `expireAfter` > first matching `urlsExpireAfter` pattern > session `expireAfter`.
 */
export function requestExpiration(
  url: string,
  requestDirectives: CacheDirectives,
  perRequest: ParsedExpireAfter | undefined,
  settings: Pick<ParsedSettings, 'urlPatterns' | 'expireAfter'>,
): RequestExpiration {
  if (requestDirectives.maxAge !== undefined) {
    return {
      expireAfter:
        requestDirectives.maxAge === 0
          ? { kind: 'relative', ms: 0 }
          : { kind: 'relative', ms: requestDirectives.maxAge * 1000 },
      source: 'request-cache-control',
    };
  }
  if (perRequest !== undefined) return { expireAfter: perRequest, source: 'request' };
  if (settings.urlPatterns.length > 0) {
    const match = matchUrlPattern(url, settings.urlPatterns);
    if (match !== undefined)
      return { expireAfter: match.expireAfter, source: 'url-pattern', pattern: match.pattern };
  }
  return { expireAfter: settings.expireAfter, source: 'session' };
}

/**
 * The whole precedence, as requests-cache documents it: with `cacheControl` on, the response's
 * `Cache-Control: immutable` / `max-age` (RFC 9111 §5.2.2.1) or `Expires` (§5.3) first; then the
 * request-level expiration from {@link requestExpiration}.
 *
 * Response freshness is measured from when the response arrived, less its age (`Age`, and `Date`
 * against the arrival time, RFC 9111 §4.2.3); an invalid `Expires` means already expired (§5.3).
 */
export function computeExpiration(input: {
  nowMs: number;
  cacheControl: boolean;
  request: RequestExpiration;
  response?: { headers: Readonly<ResponseHeaders>; directives: CacheDirectives } | undefined;
}): ExpirationDecision {
  const { nowMs, request, response } = input;
  if (input.cacheControl && response !== undefined) {
    const { directives, headers } = response;
    if (directives.immutable) return { store: true, expiresAt: null, source: 'immutable' };
    if (directives.maxAge !== undefined) {
      return {
        store: true,
        expiresAt: nowMs + directives.maxAge * 1000 - ageMs(headers, nowMs),
        source: 'max-age',
      };
    }
    const expiresHeader = getHeader(headers, 'expires');
    if (expiresHeader !== undefined) {
      const expiresAt = parseHttpDate(expiresHeader);
      // RFC 9111 §5.3: an invalid date, such as "0", means already expired.
      if (expiresAt === undefined) return { store: true, expiresAt: nowMs, source: 'expires' };
      const dateAt = parseHttpDate(getHeader(headers, 'date'));
      const lifetimeMs = expiresAt - (dateAt ?? nowMs);
      return { store: true, expiresAt: nowMs + lifetimeMs - ageMs(headers, nowMs), source: 'expires' };
    }
  }
  const expiresAt = resolveExpiresAt(request.expireAfter, nowMs);
  if (expiresAt === undefined) return { store: false, reason: 'do-not-cache', source: request.source };
  const decision: ExpirationDecision = { store: true, expiresAt, source: request.source };
  if (request.pattern !== undefined) decision.pattern = request.pattern;
  return decision;
}

/** The corrected initial age of a response that arrives at `nowMs` (RFC 9111 §4.2.3), in ms. */
export function ageMs(headers: Readonly<ResponseHeaders>, nowMs: number): number {
  const ageHeader = getHeader(headers, 'age');
  let ageValueMs = 0;
  if (ageHeader !== undefined && /^\s*\d+\s*$/.test(ageHeader))
    ageValueMs = Math.min(Number(ageHeader), 2147483648) * 1000;
  const dateAt = parseHttpDate(getHeader(headers, 'date'));
  const apparentMs = dateAt === undefined ? 0 : Math.max(0, nowMs - dateAt);
  return Math.max(apparentMs, ageValueMs);
}
