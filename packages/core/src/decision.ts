/**
 * The caching decisions, as pure functions of a request's context, what the store holds and `nowMs`.
 * Each returns its reason (see `reason.ts`). The engine does the I/O around them; adapters never
 * decide.
 * @module
 */
import { UNKEYABLE } from './body-bytes.js';
import type { CacheDirectives } from './cache-control.js';
import type { CacheRequest, RequestContext } from './contract.js';
import { type CacheEntry, hasValidator, isEntryExpired } from './entry.js';
import { entrySize, filterView } from './entry-builder.js';
import { computeExpiration, type ExpirationSource, type RequestExpiration } from './expiration.js';
import {
  directivesForceValidation,
  entryDirectives,
  forbidsUnvalidatedUse,
  isFreshImmutable,
  isTooOld,
  isUsable,
  staleIfErrorMs,
  staleWhileRevalidateMs,
  validationReason,
} from './freshness.js';
import { getHeader, type RequestHeaders, type ResponseHeaders } from './headers.js';
import type { ParsedRequestOptions, ParsedSettings } from './options.js';
import type { BypassReason, ForwardReason, NotStoredReason } from './reason.js';
import {
  headMatchesStored,
  mergeNotModified,
  notModifiedChangesEntry,
  notModifiedMatches,
} from './revalidation.js';
import { checkStorable, isMethodAllowed } from './storability.js';

/**
 * Whether the cache leaves a request alone (no read, no write), and why; undefined when it handles it.
 * - `disabled`: the settings' or this request's `disabled`;
 * - `method-not-allowable`: the method (or a method-override header) is not in `allowableMethods`;
 * - `unkeyable-body`: a body the cache cannot read without consuming it (a stream), so cannot key;
 * - `request-no-store`: request `Cache-Control: no-store` (RFC 9111 §5.2.1.5);
 * - `do-not-cache`: `DO_NOT_CACHE` for this request (per-request, or its URL pattern / session setting
 *   when nothing outranks it) skips read and write.
 */
export function decideBypass(input: {
  method: string;
  headers: Readonly<RequestHeaders>;
  body: CacheRequest['body'];
  settings: Pick<ParsedSettings, 'disabled' | 'allowableMethods'>;
  options: Pick<ParsedRequestOptions, 'disabled' | 'expireAfter'>;
  requestDirectives: CacheDirectives;
  expiration: RequestExpiration;
}): BypassReason | undefined {
  if (input.settings.disabled || input.options.disabled) return 'disabled';
  if (!isMethodAllowed(input.method, input.headers, input.settings.allowableMethods))
    return 'method-not-allowable';
  if (input.body === UNKEYABLE) return 'unkeyable-body';
  if (input.requestDirectives.noStore) return 'request-no-store';
  // A per-request DO_NOT_CACHE skips read and write even when a request max-age outranks it as expiration.
  if (
    input.expiration.expireAfter.kind === 'do-not-cache' ||
    input.options.expireAfter?.kind === 'do-not-cache'
  )
    return 'do-not-cache';
  return undefined;
}

/**
 * Whether the store is not even read: `forceRefresh`, or (outside cacheControl mode, as requests-cache
 * does) a request `no-cache` — but never under `onlyIfCached`, which may not reach the network.
 */
export function skipsRead(
  ctx: Pick<RequestContext, 'options' | 'requestDirectives' | 'settings' | 'onlyIfCached'>,
): boolean {
  if (ctx.onlyIfCached) return false;
  return (
    ctx.options.forceRefresh ||
    ctx.options.retryOf !== undefined ||
    (ctx.requestDirectives.noCache !== undefined && !ctx.settings.cacheControl)
  );
}

/** What a lookup decides, once the stored response (if any) is known. */
export type LookupDecision =
  | { state: 'miss'; reason: ForwardReason }
  | { state: 'not-cached'; reason: 'only-if-cached' }
  | { state: 'fresh'; reason: 'fresh' | 'stale-if-error' }
  | { state: 'stale'; reason: 'stale-while-revalidate' }
  | { state: 'revalidate'; reason: ForwardReason };

/**
 * What to do with the stored response `entry` (undefined: none usable was found, for `missing`):
 * 1. nothing stored → `miss` (or `not-cached` under `onlyIfCached`);
 * 2. `onlyIfCached` never reaches the network: a fresh response, or a stale one inside a
 *    stale-if-error window, is served — unless the directives demand a validation the cache may not
 *    make (RFC 9111 §5.2.1.7); otherwise `not-cached` (the synthetic 504);
 * 3. fresh, and no rule demands validation (see `validationReason`) → `fresh`;
 * 4. stale inside a stale-while-revalidate window → `stale` (served, refreshed in the background);
 * 5. otherwise `revalidate`: conditional headers when the entry has a validator, a plain request when
 *    not; the reason says why (`expired`, `max-age-exceeded`, `refresh`, `no-cache`, …).
 */
export function decideLookup(
  ctx: Pick<RequestContext, 'settings' | 'options' | 'requestDirectives' | 'onlyIfCached'>,
  entry: CacheEntry | undefined,
  nowMs: number,
  missing: ForwardReason = 'miss',
): LookupDecision {
  if (entry === undefined) {
    return ctx.onlyIfCached
      ? { state: 'not-cached', reason: 'only-if-cached' }
      : { state: 'miss', reason: missing };
  }
  const tooOld = isTooOld(ctx, entry, nowMs);
  const usable = !tooOld && isUsable(ctx, entry, nowMs, 0);
  if (ctx.onlyIfCached) {
    const mustValidate = directivesForceValidation(ctx, entry, isFreshImmutable(ctx, entry, nowMs));
    if (mustValidate === undefined) {
      if (usable) return { state: 'fresh', reason: 'fresh' };
      if (!tooOld && isUsable(ctx, entry, nowMs, staleIfErrorMs(ctx, entry)))
        return { state: 'fresh', reason: 'stale-if-error' };
    }
    return { state: 'not-cached', reason: 'only-if-cached' };
  }
  const validation = usable ? validationReason(ctx, entry, nowMs) : undefined;
  if (usable && validation === undefined) return { state: 'fresh', reason: 'fresh' };
  if (!usable && !tooOld && isUsable(ctx, entry, nowMs, staleWhileRevalidateMs(ctx, entry)))
    return { state: 'stale', reason: 'stale-while-revalidate' };
  if (tooOld) return { state: 'revalidate', reason: 'max-age-exceeded' };
  return { state: 'revalidate', reason: validation ?? 'expired' };
}

/** What to do with the origin's answer to a revalidation (a conditional or plain request for a stored response). */
export type AnswerDecision =
  /** A 304 that validates the stored response: merge its headers, serve the stored body. */
  | { action: 'revalidated' }
  /** RFC 9111 §4.3.4: a 304 whose validator contradicts the stored one: send again without conditions. */
  | { action: 'resend' }
  /** An error status inside the stale-if-error window: serve the stored response instead. */
  | { action: 'stale-if-error' }
  /** New content (or an error): offer it to {@link decideStore}. */
  | { action: 'offer' };

/**
 * The origin answered a revalidation with `response`:
 * - `304` (unless 304 is an allowable code, then stored like any status) revalidates the stored
 *   response — in cacheControl mode only when its validators agree (§4.3.4), else `resend`;
 * - a status ≥ 400 that is not allowable, while the stored response is inside its stale-if-error
 *   window (RFC 5861 §4), serves the stored response — unless a directive forbids its unvalidated use
 *   (RFC 9111 §4.2.4, `forbidsUnvalidatedUse`);
 * - anything else is new content.
 */
export function decideAnswer(
  ctx: Pick<RequestContext, 'settings' | 'options' | 'requestDirectives'>,
  entry: CacheEntry,
  response: { status: number; headers: Readonly<ResponseHeaders> },
  nowMs: number,
): AnswerDecision {
  const { settings } = ctx;
  if (response.status === 304 && !settings.allowableCodes.has(304)) {
    if (settings.cacheControl && !notModifiedMatches(entry, response.headers)) return { action: 'resend' };
    return { action: 'revalidated' };
  }
  if (
    response.status >= 400 &&
    !settings.allowableCodes.has(response.status) &&
    !forbidsUnvalidatedUse(ctx, entry, nowMs) &&
    isUsable(ctx, entry, nowMs, staleIfErrorMs(ctx, entry))
  ) {
    return { action: 'stale-if-error' };
  }
  return { action: 'offer' };
}

/**
 * The origin could not be reached (connection refused, or the connection closed or reset, a timeout)
 * while revalidating `entry`:
 * - cacheControl mode, and the stored response may not be served without a successful validation —
 *   response `no-cache` (§5.2.2.4, even fresh), or `must-revalidate` once stale (§5.2.2.2) → a
 *   generated 504 (RFC 9111 §4.2.4: no stale response against an explicit directive; `gateway-timeout`);
 * - inside its stale-if-error window → serve it (`stale-if-error`);
 * - otherwise the error reaches the caller (`throw`).
 */
export function decideOnNetworkError(
  ctx: Pick<RequestContext, 'settings' | 'options' | 'requestDirectives'>,
  entry: CacheEntry,
  nowMs: number,
): 'stale-if-error' | 'gateway-timeout' | 'throw' {
  if (forbidsUnvalidatedUse(ctx, entry, nowMs)) return 'gateway-timeout';
  if (isUsable(ctx, entry, nowMs, staleIfErrorMs(ctx, entry))) return 'stale-if-error';
  return 'throw';
}

/** Whether and until when a response may be stored, decided before its body is read. */
export type StoreDecision =
  | { store: true; expiresAt: number | null; source: ExpirationSource; pattern?: string }
  | { store: false; reason: NotStoredReason };

/**
 * Whether a response from the network may be stored, and until when (expiration precedence:
 * `computeExpiration`), checked before the body is read:
 * 1. the settings and directives (`checkStorable`: disabled, readOnly, methods, codes, `no-store`, and
 *    RFC 9111 §3 in cacheControl mode);
 * 2. an expiration of `DO_NOT_CACHE` → `do-not-cache`;
 * 3. already expired on arrival, with no validator and no stale window → `expired-without-validator`
 *    (it could never be served);
 * 4. a declared `Content-Length` over `maxEntryBytes` → `too-large` (the real size is checked once read).
 */
export function decideStore(
  ctx: Pick<
    RequestContext,
    'method' | 'request' | 'requestDirectives' | 'settings' | 'expiration' | 'requestedAt'
  >,
  response: { status: number; headers: Readonly<ResponseHeaders>; directives: CacheDirectives },
  nowMs: number,
): StoreDecision {
  const { settings } = ctx;
  const storable = checkStorable({
    method: ctx.method,
    requestHeaders: ctx.request.headers,
    status: response.status,
    requestDirectives: ctx.requestDirectives,
    responseDirectives: response.directives,
    responseHeaders: response.headers,
    settings,
  });
  if (!storable.store) return storable;
  const expiration = computeExpiration({
    nowMs,
    cacheControl: settings.cacheControl,
    request: ctx.expiration,
    response: { headers: response.headers, directives: response.directives, status: response.status },
    requestedAt: ctx.requestedAt,
  });
  if (!expiration.store) return { store: false, reason: 'do-not-cache' };
  if (!worthStoring(expiration.expiresAt, response.headers, response.directives, settings, nowMs))
    return { store: false, reason: 'expired-without-validator' };
  const declared = Number(getHeader(response.headers, 'content-length') ?? Number.NaN);
  if (ctx.method !== 'HEAD' && Number.isFinite(declared) && declared > settings.maxEntryBytes)
    return { store: false, reason: 'too-large' };
  return expiration;
}

/** An already-expired response is worth storing only if it can be revalidated or served stale. */
function worthStoring(
  expiresAt: number | null,
  headers: Readonly<ResponseHeaders>,
  directives: CacheDirectives,
  settings: Pick<ParsedSettings, 'cacheControl' | 'staleIfErrorMs' | 'staleWhileRevalidateMs'>,
  nowMs: number,
): boolean {
  if (expiresAt === null || expiresAt > nowMs) return true;
  if (hasValidator(headers)) return true;
  return (
    expiresAt < nowMs &&
    (settings.staleIfErrorMs > 0 ||
      settings.staleWhileRevalidateMs > 0 ||
      (settings.cacheControl &&
        (directives.staleIfError !== undefined || directives.staleWhileRevalidate !== undefined)))
  );
}

/**
 * RFC 9111 §4.3.5 (cacheControl mode): a 200 answer to HEAD freshens the stored GET response when their
 * validators (and `Content-Length`) agree — its headers updated as a 304 would (§3.2) — and makes it
 * stale when they differ. Returns the updated entry, or undefined when nothing changes.
 */
export function decideHeadUpdate(
  ctx: Pick<
    RequestContext,
    'method' | 'request' | 'requestDirectives' | 'settings' | 'expiration' | 'requestedAt'
  >,
  entry: CacheEntry,
  headHeaders: Readonly<ResponseHeaders>,
  nowMs: number,
): CacheEntry | undefined {
  if (entry.request.method !== 'GET') return undefined;
  let updated: CacheEntry;
  if (headMatchesStored(entry, headHeaders)) {
    updated = mergeNotModified(entry, headHeaders, entry.expiresAt, ctx.requestedAt, nowMs);
    const directives = entryDirectives(updated);
    const expiration = computeExpiration({
      nowMs,
      cacheControl: true,
      request: ctx.expiration,
      response: { headers: updated.headers, directives, status: updated.status },
      requestedAt: ctx.requestedAt,
    });
    updated.expiresAt = expiration.store ? expiration.expiresAt : nowMs;
  } else {
    if (isEntryExpired(entry, nowMs)) return undefined;
    updated = { ...entry, expiresAt: nowMs };
  }
  return notModifiedChangesEntry(entry, updated) ? updated : undefined;
}

/**
 * The stored response after a 304 validated it (RFC 9111 §4.3.4): its headers updated from the 304
 * (§3.2), its expiration computed again from them (or "now" when they forbid storing it).
 */
export function revalidatedEntry(
  ctx: Pick<
    RequestContext,
    'method' | 'request' | 'requestDirectives' | 'settings' | 'expiration' | 'requestedAt'
  >,
  entry: CacheEntry,
  headers: Readonly<ResponseHeaders>,
  nowMs: number,
): CacheEntry {
  const merged = mergeNotModified(entry, headers, entry.expiresAt, ctx.requestedAt, nowMs);
  const directives = entryDirectives(merged);
  const decision = decideStore(ctx, { status: merged.status, headers: merged.headers, directives }, nowMs);
  merged.expiresAt = decision.store ? decision.expiresAt : nowMs;
  return merged;
}

/**
 * RFC 9111 §4.4, in cacheControl mode: a successful (2xx/3xx) response to an unsafe request (anything
 * but GET, HEAD, OPTIONS, TRACE) invalidates stored responses — unless the cache is disabled or
 * read-only.
 */
export function invalidates(
  settings: Pick<ParsedSettings, 'cacheControl' | 'disabled' | 'readOnly'>,
  method: string,
  status: number,
): boolean {
  if (!settings.cacheControl || settings.disabled || settings.readOnly) return false;
  return !SAFE_METHODS.has(method) && status >= 200 && status < 400;
}

/** RFC 9111 §4.3.5, cacheControl mode: a 200 answer to HEAD may update the stored GET response (not when read-only). */
export function updatesFromHead(
  settings: Pick<ParsedSettings, 'cacheControl' | 'readOnly'>,
  method: string,
  status: number,
): boolean {
  return method === 'HEAD' && status === 200 && settings.cacheControl && !settings.readOnly;
}

/**
 * The checks that need the body: body and headers over `maxEntryBytes` → `too-large`; the `filter`
 * setting refusing the entry → `filter`. Undefined when the entry may be written.
 */
export function decideEntry(
  settings: Pick<ParsedSettings, 'maxEntryBytes' | 'filter'>,
  entry: CacheEntry,
  responseHeaders: Readonly<ResponseHeaders>,
): 'too-large' | 'filter' | undefined {
  if (entrySize(responseHeaders, entry.body) > settings.maxEntryBytes) return 'too-large';
  if (settings.filter !== undefined && !settings.filter(filterView(entry, false))) return 'filter';
  return undefined;
}

/** Methods that never invalidate (RFC 9110 §9.2.1 safe methods). */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
