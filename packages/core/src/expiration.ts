import type { CacheDirectives } from './cache-control.js';
import { type ParsedExpireAfter, resolveExpiresAt } from './expire-after.js';
import { getHeader, type ResponseHeaders } from './headers.js';
import { heuristicLifetimeMs } from './heuristic.js';
import { parseHttpDate, parseHttpDateStrict } from './http-date.js';
import type { ParsedSettings } from './options.js';
import { matchUrlPattern } from './url-patterns.js';

/** Where a request-level expiration came from, highest precedence first. */
export type RequestExpirationSource = 'request-cache-control' | 'request' | 'url-pattern' | 'session';

/** Where the expiration of a stored response came from. */
export type ExpirationSource =
  | 'immutable'
  | 'max-age'
  | 'expires'
  | 'heuristic'
  /** cacheControl mode, `expireAfter` unset: no explicit or heuristic freshness, stale on arrival (RFC 9111 §4.2). */
  | 'no-freshness'
  | RequestExpirationSource;

/** The expiration that applies before the response is known: request headers, per-request option, URL pattern, session. */
export interface RequestExpiration {
  expireAfter: ParsedExpireAfter;
  source: RequestExpirationSource;
  /** The matching `urlsExpireAfter` pattern, when `source` is `'url-pattern'`. */
  pattern?: string;
  /**
   * True when the expiration is the session default the user never set (`expireAfter` not passed):
   * in `cacheControl` mode heuristic freshness (RFC 9111 §4.2.2) may then replace it.
   */
  defaulted?: true;
}

/** When a response expires, and why; or why it is not stored at all. */
export type ExpirationDecision =
  | { store: true; expiresAt: number | null; source: ExpirationSource; pattern?: string }
  | { store: false; reason: 'do-not-cache'; source: ExpirationSource };

/**
 * The request half of requests-cache's precedence: request `Cache-Control: max-age` > per-request
 * `expireAfter` > first matching `urlsExpireAfter` pattern > session `expireAfter`.
 *
 * With `cacheControl` on, a request `max-age` is not an expiration: it bounds the age of the stored
 * response the request accepts (RFC 9111 §5.2.1.1), which the engine checks on lookup.
 */
export function requestExpiration(
  url: string,
  requestDirectives: CacheDirectives,
  perRequest: ParsedExpireAfter | undefined,
  settings: Pick<ParsedSettings, 'urlPatterns' | 'expireAfter'> &
    Partial<Pick<ParsedSettings, 'cacheControl' | 'expireAfterExplicit'>>,
): RequestExpiration {
  if (requestDirectives.maxAge !== undefined && settings.cacheControl !== true) {
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
  if (settings.cacheControl === true && settings.expireAfterExplicit === false) {
    return { expireAfter: settings.expireAfter, source: 'session', defaulted: true };
  }
  return { expireAfter: settings.expireAfter, source: 'session' };
}

/**
 * The whole precedence. With `cacheControl` on, the response decides first, as RFC 9111 §4.2.1 says:
 * `Cache-Control: max-age` (§5.2.2.1, beating `Expires`), then `Expires` (§5.3, an invalid date meaning
 * already expired); without either, `immutable` (RFC 8246) means never expire, and a heuristically
 * cacheable response with `Last-Modified` gets 10% of its age as freshness (§4.2.2) — but only when
 * the user left `expireAfter` at its default and no per-request or URL-pattern expiration applies.
 * In that same case a response with neither is stale on arrival (`no-freshness`, §4.2).
 * Then the request-level expiration from {@link requestExpiration}. `s-maxage` is ignored (a private cache).
 *
 * Response freshness is measured from when the response arrived, less its corrected initial age
 * (`Age`, the response delay and `Date` against the arrival time, RFC 9111 §4.2.3).
 */
export function computeExpiration(input: {
  nowMs: number;
  cacheControl: boolean;
  request: RequestExpiration;
  response?:
    | { headers: Readonly<ResponseHeaders>; directives: CacheDirectives; status?: number | undefined }
    | undefined;
  /** When the request was sent, for the response delay in the age (§4.2.3); defaults to `nowMs`. */
  requestedAt?: number | undefined;
}): ExpirationDecision {
  const { nowMs, request, response } = input;
  if (input.cacheControl && response !== undefined) {
    const { directives, headers } = response;
    const initialAgeMs = ageMs(headers, nowMs, input.requestedAt);
    if (directives.maxAge !== undefined) {
      return { store: true, expiresAt: nowMs + directives.maxAge * 1000 - initialAgeMs, source: 'max-age' };
    }
    const expiresHeader = getHeader(headers, 'expires');
    if (expiresHeader !== undefined) {
      const expiresAt = parseHttpDateStrict(expiresHeader, nowMs);
      // RFC 9111 §5.3: an invalid date, such as "0", or one outside RFC 9110 §5.6.7's grammar
      // (`Wed, 01-Jan-20 00:00:00 GMT`: dashes or a two-digit year), means already expired.
      if (expiresAt === undefined) return { store: true, expiresAt: nowMs, source: 'expires' };
      const dateAt = parseHttpDate(getHeader(headers, 'date'));
      const lifetimeMs = expiresAt - (dateAt ?? nowMs);
      return { store: true, expiresAt: nowMs + lifetimeMs - initialAgeMs, source: 'expires' };
    }
    if (directives.immutable) return { store: true, expiresAt: null, source: 'immutable' };
    if (request.defaulted === true && response.status !== undefined) {
      const lifetimeMs = heuristicLifetimeMs(response.status, headers, directives, nowMs);
      if (lifetimeMs !== undefined) {
        return { store: true, expiresAt: nowMs + lifetimeMs - initialAgeMs, source: 'heuristic' };
      }
    }
    // RFC 9111 §4.2: without explicit or heuristic freshness a response is stale on arrival — it may be
    // stored, but reusing it needs validation (§4.2.4, §4.3). An invalid max-age (`-1`, `'3600'`) is no
    // freshness (§1.2.2). requests-cache's session fallback applies only when the user set an expiration.
    if (request.defaulted === true) return { store: true, expiresAt: nowMs, source: 'no-freshness' };
  }
  const expiresAt = resolveExpiresAt(request.expireAfter, nowMs);
  if (expiresAt === undefined) return { store: false, reason: 'do-not-cache', source: request.source };
  const decision: ExpirationDecision = { store: true, expiresAt, source: request.source };
  if (request.pattern !== undefined) decision.pattern = request.pattern;
  return decision;
}

/**
 * The corrected initial age of a response that arrives at `nowMs` (RFC 9111 §4.2.3), in ms:
 * the larger of its apparent age (`nowMs − Date`) and `Age` plus the response delay
 * (`nowMs − requestedAt`). An invalid `Age` is ignored; of a list, the first value counts.
 */
export function ageMs(headers: Readonly<ResponseHeaders>, nowMs: number, requestedAt = nowMs): number {
  const ageHeader = getHeader(headers, 'age')?.split(',')[0];
  let ageValueMs = 0;
  if (ageHeader !== undefined && /^\s*\d+\s*$/.test(ageHeader))
    ageValueMs = Math.min(Number(ageHeader), 2147483648) * 1000;
  const dateAt = parseHttpDate(getHeader(headers, 'date'));
  const apparentMs = dateAt === undefined ? 0 : Math.max(0, nowMs - dateAt);
  const responseDelayMs = Math.max(0, nowMs - requestedAt);
  return Math.max(apparentMs, ageValueMs + responseDelayMs);
}

/**
 * The current age of a stored response at `nowMs` (RFC 9111 §4.2.3): its corrected initial age when
 * it arrived plus the time it has been stored since. Used for a request `max-age` in `cacheControl` mode.
 */
export function currentAgeMs(
  entry: { headers: Readonly<ResponseHeaders>; requestedAt: number; receivedAt: number },
  nowMs: number,
): number {
  return ageMs(entry.headers, entry.receivedAt, entry.requestedAt) + Math.max(0, nowMs - entry.receivedAt);
}
