/**
 * Freshness and usability of a stored response, for one request, at one instant. Pure: every function
 * takes the request's view ({@link FreshnessContext}), the stored entry and `nowMs` (epoch ms), and
 * reads no clock.
 *
 * Two modes share these rules. By default (`cacheControl: false`) an entry is usable until its
 * `expiresAt`, as in requests-cache. With `cacheControl: true` the RFC 9111 rules cited on each
 * function apply on top.
 * @module
 */
import { type CacheDirectives, parseCacheControlShared } from './cache-control.js';
import type { CacheEntry } from './entry.js';
import { hasValidator, isEntryExpired } from './entry.js';
import { ageMs, currentAgeMs } from './expiration.js';
import { getHeader } from './headers.js';
import type { ParsedRequestOptions, ParsedSettings } from './options.js';

/** What the freshness rules read of a request: its settings, per-request options and directives. */
export interface FreshnessContext {
  settings: Pick<
    ParsedSettings,
    'cacheControl' | 'staleIfErrorMs' | 'staleWhileRevalidateMs' | 'alwaysRevalidate'
  >;
  options: Pick<ParsedRequestOptions, 'refresh'> & { revalidate?: boolean | undefined };
  requestDirectives: CacheDirectives;
}

/** The stored response's own `Cache-Control` directives (parsed once per distinct value). */
export function entryDirectives(entry: Pick<CacheEntry, 'headers'>): CacheDirectives {
  return parseCacheControlShared(entry.headers['cache-control']);
}

/** A fresh response marked `immutable` (RFC 8246), in cacheControl mode. */
export function isFreshImmutable(ctx: FreshnessContext, entry: CacheEntry, nowMs: number): boolean {
  return (
    ctx.settings.cacheControl && !isEntryExpired(entry, nowMs) && entryDirectives(entry).immutable === true
  );
}

/**
 * RFC 9111 §5.2.2.2: with cacheControl, `must-revalidate` forbids serving the response stale (a
 * request `max-stale` aside). `proxy-revalidate` (§5.2.2.8) is for shared caches only: ignored.
 */
export function mustRevalidateWhenStale(ctx: FreshnessContext, entry: CacheEntry): boolean {
  return ctx.settings.cacheControl && entryDirectives(entry).mustRevalidate === true;
}

/**
 * Whether the entry may be served at `nowMs` when it may be up to `extraMs` past its expiry (0: only
 * while fresh; a stale window otherwise). With no window, the request's `max-stale` (RFC 9111
 * §5.2.1.2) widens and its `min-fresh` (§5.2.1.3) narrows the limit; `must-revalidate` cancels any
 * widening (§5.2.2.2).
 */
export function isUsable(ctx: FreshnessContext, entry: CacheEntry, nowMs: number, extraMs: number): boolean {
  if (entry.expiresAt === null) return true;
  if (extraMs === Number.POSITIVE_INFINITY) return true;
  let offsetMs = extraMs;
  if (extraMs === 0) {
    const { maxStale, minFresh } = ctx.requestDirectives;
    if (maxStale !== undefined)
      offsetMs = maxStale === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : maxStale * 1000;
    else if (minFresh !== undefined) offsetMs = -minFresh * 1000;
    if (offsetMs === Number.POSITIVE_INFINITY) return !mustRevalidateWhenStale(ctx, entry);
    if (offsetMs > 0 && mustRevalidateWhenStale(ctx, entry)) offsetMs = 0;
  }
  return nowMs < entry.expiresAt + offsetMs;
}

/**
 * RFC 9111 §5.2.1.1, cacheControl mode only: a request `max-age=N` refuses a stored response whose
 * current age is above N seconds — unless it is a fresh `immutable` response (RFC 8246).
 */
export function isTooOld(ctx: FreshnessContext, entry: CacheEntry, nowMs: number): boolean {
  const maxAge = ctx.requestDirectives.maxAge;
  if (!ctx.settings.cacheControl || maxAge === undefined) return false;
  if (currentAgeMs(entry, nowMs) <= maxAge * 1000) return false;
  return !isFreshImmutable(ctx, entry, nowMs);
}

/** Why a usable stored response must still be validated with the origin before it is served. */
export type ValidationReason = 'refresh' | 'always-revalidate' | 'max-age-zero' | 'no-cache';

/**
 * Whether a usable (fresh) stored response must be validated before use, and why; undefined when it
 * may be served as is.
 * - `refresh` / `alwaysRevalidate` / request `max-age=0` revalidate only a response with a validator
 *   (requests-cache: without one, the stored response is returned) — but never a fresh `immutable`
 *   one (RFC 8246).
 * - Fetch's `no-cache` mode (`revalidate`) validates every stored response (a full request without a
 *   validator).
 * - cacheControl mode: request `no-cache` or `Pragma: no-cache` (RFC 9111 §5.2.1.4, §5.4), request
 *   `max-age=0` (§5.2.1.1), response `no-cache` (§5.2.2.4) and response `Pragma: no-cache` without
 *   `Cache-Control`.
 */
export function validationReason(
  ctx: FreshnessContext,
  entry: CacheEntry,
  nowMs: number,
): ValidationReason | undefined {
  const immutable = isFreshImmutable(ctx, entry, nowMs);
  if (ctx.options.revalidate === true) return 'no-cache';
  if (hasValidator(entry.headers) && !immutable) {
    if (ctx.options.refresh) return 'refresh';
    if (ctx.settings.alwaysRevalidate) return 'always-revalidate';
    if (ctx.requestDirectives.maxAge === 0) return 'max-age-zero';
  }
  return directivesForceValidation(ctx, entry, immutable);
}

/**
 * cacheControl mode: the request or the stored response forbids using it without validation —
 * request `no-cache` (or `Pragma: no-cache`), request `max-age=0` (but not for a fresh immutable
 * response), response `no-cache`. Also what `only-if-cached` may not skip (RFC 9111 §5.2.1.7).
 */
export function directivesForceValidation(
  ctx: FreshnessContext,
  entry: CacheEntry,
  immutable: boolean,
): ValidationReason | undefined {
  if (!ctx.settings.cacheControl) return undefined;
  if (ctx.requestDirectives.noCache !== undefined) return 'no-cache';
  // §5.2.1.1: max-age=0 accepts no stored response, even one without a validator (refetched in full).
  if (ctx.requestDirectives.maxAge === 0 && !immutable) return 'max-age-zero';
  // §5.2.2.4: response no-cache ⇒ revalidate before every use (a refetch without validators).
  if (entryDirectives(entry).noCache !== undefined) return 'no-cache';
  const pragma = getHeader(entry.headers, 'pragma');
  if (pragma?.toLowerCase().includes('no-cache') === true && entry.headers['cache-control'] === undefined)
    return 'no-cache';
  return undefined;
}

/**
 * How long past its expiry the entry may be served when the origin fails (ms): the `staleIfError`
 * setting, widened by request and (cacheControl mode) response `stale-if-error` (RFC 5861 §4); 0 with
 * `must-revalidate` (RFC 9111 §5.2.2.2).
 */
export function staleIfErrorMs(ctx: FreshnessContext, entry: CacheEntry): number {
  return staleWindowMs(ctx, entry, ctx.settings.staleIfErrorMs, 'staleIfError');
}

/**
 * How long past its expiry the entry may be served while it is refreshed in the background (ms): the
 * `staleWhileRevalidate` setting, widened by request and (cacheControl mode) response
 * `stale-while-revalidate` (RFC 5861 §3); 0 with `must-revalidate`.
 */
export function staleWhileRevalidateMs(ctx: FreshnessContext, entry: CacheEntry): number {
  return staleWindowMs(ctx, entry, ctx.settings.staleWhileRevalidateMs, 'staleWhileRevalidate');
}

function staleWindowMs(
  ctx: FreshnessContext,
  entry: CacheEntry,
  settingMs: number,
  directive: 'staleIfError' | 'staleWhileRevalidate',
): number {
  if (mustRevalidateWhenStale(ctx, entry)) return 0;
  let windowMs = settingMs;
  const fromRequest = ctx.requestDirectives[directive];
  if (fromRequest !== undefined) windowMs = Math.max(windowMs, fromRequest * 1000);
  if (ctx.settings.cacheControl) {
    const fromResponse = entryDirectives(entry)[directive];
    if (fromResponse !== undefined) windowMs = Math.max(windowMs, fromResponse * 1000);
  }
  return windowMs;
}

/**
 * RFC 9111 §4.2.4 (cacheControl mode): an explicit directive forbids serving the stored response without
 * a successful validation — response `no-cache` (§5.2.2.4), even fresh, or `must-revalidate` once stale
 * (§5.2.2.2). Then no stale-if-error window applies: an unreachable origin gives a generated 504, an
 * error status reaches the caller.
 */
export function forbidsUnvalidatedUse(ctx: FreshnessContext, entry: CacheEntry, nowMs: number): boolean {
  if (!ctx.settings.cacheControl) return false;
  const directives = entryDirectives(entry);
  if (directives.noCache !== undefined) return true;
  return directives.mustRevalidate === true && isEntryExpired(entry, nowMs);
}

/**
 * RFC 9111 §4 / §5.1 (cacheControl mode): a stored response served without validation carries an
 * `Age` header with its current age in seconds. A copy: the stored entry keeps the `Age` it arrived
 * with. A frozen (shared) entry's copy is memoized until its age in seconds changes.
 */
export function withAge(settings: { cacheControl: boolean }, entry: CacheEntry, nowMs: number): CacheEntry {
  if (!settings.cacheControl) return entry;
  if (!Object.isFrozen(entry)) {
    const age = String(Math.floor(currentAgeMs(entry, nowMs) / 1000));
    return { ...entry, headers: { ...entry.headers, age } };
  }
  let served = servedWithAge.get(entry);
  if (served === undefined) {
    served = { initialAgeMs: ageMs(entry.headers, entry.receivedAt, entry.requestedAt), age: '', entry };
    servedWithAge.set(entry, served);
  }
  // currentAgeMs's sum, with its first term (the corrected initial age) memoized per entry.
  const age = String(Math.floor((served.initialAgeMs + Math.max(0, nowMs - entry.receivedAt)) / 1000));
  if (served.age !== age) {
    served.age = age;
    served.entry = Object.freeze({ ...entry, headers: Object.freeze({ ...entry.headers, age }) });
  }
  return served.entry;
}

/** Per shared (frozen) entry: its corrected initial age and the copy last served with an `Age` header. */
const servedWithAge = new WeakMap<CacheEntry, { initialAgeMs: number; age: string; entry: CacheEntry }>();

/**
 * How long the store keeps an entry (ms from `nowMs`), or undefined for "until deleted" — the default,
 * as in requests-cache, where expired responses stay until `delete({ expired: true })`. With the
 * `storeTtl` setting on: `true` drops a response without a validator once it can no longer be served
 * (its expiry plus the stale-if-error / stale-while-revalidate windows of the settings and, in
 * cacheControl mode, of its directives; a response with a validator stays, it can be revalidated); a
 * duration drops every response that long after its expiry (or after its windows, when longer). A
 * response that never expires is always kept.
 */
export function retentionMs(
  settings: Pick<ParsedSettings, 'cacheControl' | 'staleIfErrorMs' | 'staleWhileRevalidateMs' | 'storeTtlMs'>,
  entry: CacheEntry,
  nowMs: number,
): number | undefined {
  const pastExpiryMs = settings.storeTtlMs;
  if (pastExpiryMs === undefined || entry.expiresAt === null) return undefined;
  if (pastExpiryMs === 0 && hasValidator(entry.headers)) return undefined;
  let extraMs = Math.max(settings.staleIfErrorMs, settings.staleWhileRevalidateMs, pastExpiryMs);
  if (settings.cacheControl) {
    const directives = entryDirectives(entry);
    extraMs = Math.max(
      extraMs,
      (directives.staleIfError ?? 0) * 1000,
      (directives.staleWhileRevalidate ?? 0) * 1000,
    );
  }
  if (extraMs === Number.POSITIVE_INFINITY) return undefined;
  return Math.max(1, entry.expiresAt + extraMs - nowMs);
}
