/**
 * The `Cache-Status` response header (RFC 9211). Pure.
 *
 * @module
 */
import type { CacheInfo, Lookup, Outcome } from './contract.js';
import { type CacheStatusForward, forwardParameter } from './reason.js';

export type { CacheStatusForward };

/** The parameters of one `Cache-Status` list member (RFC 9211 §2). `hit` and `fwd` exclude each other. */
export interface CacheStatusParams {
  /** The response came from the cache without going forward (§2.1); a stale hit has a negative `ttl`. */
  hit?: boolean;
  /** Why the request went forward (§2.2). */
  fwd?: CacheStatusForward;
  /** The status the origin answered with (§2.3), e.g. 304 for a revalidation. */
  fwdStatus?: number;
  /** The response's remaining freshness in seconds, negative when stale (§2.4). */
  ttl?: number;
  /** The response was stored (§2.5). */
  stored?: boolean;
  /** The request was collapsed into another identical one (§2.6). */
  collapsed?: boolean;
  /** Free-form detail (§2.8), a token such as `stale-if-error`. */
  detail?: string;
}

/**
 * Formats one `Cache-Status` list member: the cache's name, then `hit`, `fwd`, `fwd-status`, `ttl`,
 * `stored`, `collapsed`, `detail`, in that order.
 *
 * @param name - The cache's name (a token), `reqcache` by default.
 * @example
 * formatCacheStatus('reqcache', { hit: true, ttl: 60 }); // 'reqcache; hit; ttl=60'
 * formatCacheStatus('reqcache', { fwd: 'stale', fwdStatus: 304 }); // 'reqcache; fwd=stale; fwd-status=304'
 * @see https://www.rfc-editor.org/rfc/rfc9211
 */
export function formatCacheStatus(name: string, params: CacheStatusParams): string {
  const parts = [name];
  if (params.hit === true) parts.push('hit');
  else if (params.fwd !== undefined) parts.push(`fwd=${params.fwd}`);
  if (params.fwdStatus !== undefined) parts.push(`fwd-status=${params.fwdStatus}`);
  if (params.ttl !== undefined && Number.isFinite(params.ttl)) parts.push(`ttl=${Math.trunc(params.ttl)}`);
  if (params.stored === true) parts.push('stored');
  if (params.collapsed === true) parts.push('collapsed');
  if (params.detail !== undefined) parts.push(`detail=${params.detail}`);
  return parts.join('; ');
}

/** The remaining freshness of a response expiring at `expiresAt`, in whole seconds (floor), or undefined for never. */
export function ttlSeconds(expiresAt: number | null, nowMs: number): number | undefined {
  return expiresAt === null ? undefined : Math.floor((expiresAt - nowMs) / 1000);
}

/** The `ttl` parameter of a stored response at `nowMs` (none for a response that never expires). */
export function lookupStatus(entry: { expiresAt: number | null }, nowMs: number): { ttl?: number } {
  const ttl = ttlSeconds(entry.expiresAt, nowMs);
  return ttl === undefined ? {} : { ttl };
}

/**
 * The `Cache-Status` parameters of a request that went to the network, from its lookup and outcome:
 * `fwd` says why it went (§2.2), `fwd-status` what a revalidation got back (§2.3), `stored` whether
 * the response was written (§2.5), and `detail` why it was not (a {@link Reason} code) or that the
 * stored response was served instead of an error (`stale-if-error`).
 */
export function cacheStatusFor(
  lookup: Lookup,
  outcome: Outcome<unknown>,
  status: number,
  nowMs: number,
): CacheStatusParams {
  if (lookup.state === 'bypass') return { fwd: forwardParameter(lookup.reason) };
  if (lookup.state !== 'miss' && lookup.state !== 'revalidate') return { fwd: 'bypass' };
  const fwd = forwardParameter(lookup.ctx.reason);
  if (outcome.source === 'cache' && !outcome.info.revalidated) {
    return {
      fwd: 'stale',
      fwdStatus: status,
      ...lookupStatus(outcome.entry, nowMs),
      detail: 'stale-if-error',
    };
  }
  const params: CacheStatusParams = { fwd };
  if (lookup.state !== 'miss') params.fwdStatus = status;
  if (outcome.source === 'network') {
    if (outcome.info.cacheKey !== undefined) params.stored = true;
    else params.detail = outcome.info.reason;
  }
  return params;
}

/** The info with its `Cache-Status` when `name` is set (the cache's `cacheStatus` setting); the same object. */
export function withCacheStatus(
  info: CacheInfo,
  name: string | undefined,
  params: CacheStatusParams,
): CacheInfo {
  if (name !== undefined) info.cacheStatus = formatCacheStatus(name, params);
  return info;
}
