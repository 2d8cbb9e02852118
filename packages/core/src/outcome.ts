/**
 * Building what adapters answer with, when the cache answers: a stored response served stale, a
 * generated 504, the info of a lookup answered without the network. Pure.
 * @module
 */
import { type CacheStatusParams, lookupStatus, withCacheStatus } from './cache-status.js';
import {
  type CacheInfo,
  cacheInfo,
  type Lookup,
  type Outcome,
  type RequestContext,
  storedInfo,
} from './contract.js';
import { decideOnNetworkError } from './decision.js';
import type { CacheEntry } from './entry.js';
import { withAge } from './freshness.js';

/**
 * The stored response served instead of an error (`stale-if-error`): an error status (`fwdStatus`) or
 * an unreachable origin, with `Cache-Status: fwd=stale; detail=stale-if-error`.
 */
export function staleIfErrorOutcome(
  ctx: Pick<RequestContext, 'settings'>,
  key: string,
  entry: CacheEntry,
  nowMs: number,
  fwdStatus?: number,
): Outcome<never> {
  const info = storedInfo(key, entry, nowMs, 'stale-if-error');
  const params: CacheStatusParams = { fwd: 'stale', ...lookupStatus(entry, nowMs), detail: 'stale-if-error' };
  if (fwdStatus !== undefined) params.fwdStatus = fwdStatus;
  withCacheStatus(info, ctx.settings.cacheStatus, params);
  return { source: 'cache', entry: withAge(ctx.settings, entry, nowMs), info };
}

/** The 504 the cache generates when the origin cannot be reached and the stored response must be revalidated (RFC 9111 §4.2.4). */
export function gatewayTimeoutOutcome(ctx: Pick<RequestContext, 'settings'>, nowMs: number): Outcome<never> {
  const info = cacheInfo('gateway-timeout', nowMs, true);
  withCacheStatus(info, ctx.settings.cacheStatus, { fwd: 'stale', detail: 'gateway-timeout' });
  return { source: 'not-cached', info };
}

/**
 * The {@link CacheInfo} of a lookup answered without the network: a fresh or stale stored response
 * (`hit`, its `ttl`, `detail=stale-while-revalidate` when stale) or the synthetic 504 of `onlyIfCached`.
 */
export function lookupInfo(
  lookup: Extract<Lookup, { state: 'fresh' | 'stale' | 'not-cached' }>,
  nowMs: number,
  name: string | undefined,
): CacheInfo {
  if (lookup.state === 'not-cached')
    return withCacheStatus(cacheInfo('only-if-cached', nowMs, true), name, { detail: 'only-if-cached' });
  const info = storedInfo(lookup.key, lookup.entry, nowMs, lookup.reason);
  if (name === undefined) return info;
  const params: CacheStatusParams = { hit: true, ...lookupStatus(lookup.entry, nowMs) };
  if (lookup.state === 'stale') params.detail = 'stale-while-revalidate';
  return withCacheStatus(info, name, params);
}

/**
 * What to answer when sending a revalidation failed (connection refused or reset, timeout), as
 * {@link decideOnNetworkError} decides: the stale response, a generated 504, or undefined (the error
 * reaches the caller).
 */
export function networkErrorOutcome(
  lookup: Extract<Lookup, { state: 'revalidate' }>,
  nowMs: number,
): Outcome<never> | undefined {
  const { ctx, entry, key } = lookup;
  switch (decideOnNetworkError(ctx, entry, nowMs)) {
    case 'throw':
      return undefined;
    case 'gateway-timeout':
      return gatewayTimeoutOutcome(ctx, nowMs);
    case 'stale-if-error':
      return staleIfErrorOutcome(ctx, key, entry, nowMs);
  }
}
