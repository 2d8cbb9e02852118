/**
 * Building a request's context and its {@link Lookup} from a lookup decision, and what `explain()` says
 * of it. Pure.
 * @module
 */
import { UNKEYABLE } from './body-bytes.js';
import { requestCacheDirectives } from './cache-control.js';
import type { CacheRequest, Explanation, KeyedRequest, Lookup, RequestContext } from './contract.js';
import { type LookupDecision, SAFE_METHODS } from './decision.js';
import { type CacheEntry, isEntryExpired } from './entry.js';
import { requestExpiration } from './expiration.js';
import { withAge } from './freshness.js';
import type { ParsedSettings } from './options.js';
import { rangeAnswer } from './range.js';
import type { BypassReason } from './reason.js';
import { conditionalHeaders } from './revalidation.js';
/**
 * A request's context: its method, directives (`Pragma: no-cache` standing for `no-cache`), whether it
 * may reach the network (`onlyIfCached` from the settings, the request options or `only-if-cached`),
 * and its request-level expiration. The key is filled in by the engine.
 */
export function requestContext(
  request: CacheRequest,
  options: RequestContext['options'],
  settings: Readonly<ParsedSettings>,
  nowMs: number,
  sequence: number,
): RequestContext {
  const requestDirectives = requestCacheDirectives(request.headers);
  return {
    // An unkeyable body is never read: such a request is bypassed (`decideBypass`) before any key is made.
    request: request.body === UNKEYABLE ? { ...request, body: undefined } : (request as KeyedRequest),
    method: request.method.toUpperCase(),
    key: '',
    options,
    settings,
    requestDirectives,
    expiration: requestExpiration(request.url, requestDirectives, options.expireAfter, settings),
    onlyIfCached: settings.onlyIfCached || options.onlyIfCached || requestDirectives.onlyIfCached === true,
    requestedAt: nowMs,
    sequence,
    reason: 'miss',
  };
}

/**
 * The lookup of a request the cache does not handle: `not-cached` under `onlyIfCached` (which never
 * touches the network, as requests-cache answers 504), else `bypass` — and an unsafe method still
 * invalidates stored responses on success (RFC 9111 §4.4) unless the cache is disabled.
 */
export function bypassLookup(ctx: RequestContext, reason: BypassReason): Lookup {
  if (ctx.onlyIfCached) return { state: 'not-cached', ctx, reason: 'only-if-cached' };
  const invalidate = reason !== 'disabled' && !SAFE_METHODS.has(ctx.method);
  return { state: 'bypass', ctx: undefined, request: ctx.request, reason, invalidate };
}

/** The lookup of a request an adapter cannot hand to the cache (e.g. its body is a stream): sent untouched. */
export function unhandledLookup(request: CacheRequest, reason: BypassReason): Lookup {
  return { state: 'bypass', ctx: undefined, request, reason, invalidate: false };
}

/**
 * The lookup for a decision on the stored response `stored` (the one found under `key`): a fresh one is
 * served with its current `Age` (cacheControl mode) — as a `206`/`416` to a `Range` request
 * (`rangeAnswer`), a stale or revalidated one carries the
 * conditional headers its validators give (none without a validator: a plain request).
 */
export function toLookup(
  ctx: RequestContext,
  decision: LookupDecision,
  stored: { entry: CacheEntry; key: string } | undefined,
): Lookup {
  if (decision.state === 'miss' || decision.state === 'revalidate') ctx.reason = decision.reason;
  if (decision.state === 'not-cached' || decision.state === 'miss' || stored === undefined) {
    return decision.state === 'miss'
      ? { state: 'miss', ctx, reason: decision.reason }
      : { state: 'not-cached', ctx, reason: 'only-if-cached' };
  }
  const { entry, key } = stored;
  if (decision.state === 'fresh') {
    const served = withAge(ctx.settings, entry, ctx.requestedAt);
    // RFC 9111 §4 / RFC 9110 §14 (cacheControl mode): a Range request gets its bytes of a fresh full 200.
    const ranged =
      ctx.settings.cacheControl && decision.reason === 'fresh'
        ? rangeAnswer({ method: ctx.method, headers: ctx.request.headers }, served)
        : undefined;
    return ranged === undefined
      ? { state: 'fresh', ctx, entry: served, key, reason: decision.reason }
      : { state: 'fresh', ctx, entry: ranged, key, reason: 'range' };
  }
  const headers = conditionalHeaders(entry.headers) ?? {};
  return decision.state === 'stale'
    ? { state: 'stale', ctx, entry, key, headers, reason: decision.reason }
    : { state: 'revalidate', ctx, entry, key, headers, reason: decision.reason };
}

/** What {@link Explanation} says of a lookup: the action it leads to, its reason, and the stored response it found. */
export function explainLookup(lookup: Lookup): Explanation {
  const actions = {
    bypass: 'bypass',
    miss: 'fetch',
    fresh: 'serve',
    stale: 'serve-stale',
    revalidate: 'revalidate',
    'not-cached': 'not-cached',
  } as const;
  const key = lookup.ctx === undefined || lookup.ctx.key === '' ? undefined : lookup.ctx.key;
  // A stored response without a validator is not revalidated: it is fetched again, unconditionally.
  const unconditional = lookup.state === 'revalidate' && Object.keys(lookup.headers).length === 0;
  const action = unconditional ? 'fetch' : actions[lookup.state];
  const explanation: Explanation = { action, reason: lookup.reason, key };
  if ('entry' in lookup) {
    const { entry } = lookup;
    explanation.stored = {
      createdAt: new Date(entry.createdAt),
      expires: entry.expiresAt === null ? null : new Date(entry.expiresAt),
      isExpired: isEntryExpired(entry, lookup.ctx.requestedAt),
      status: entry.status,
    };
  }
  return explanation;
}
