/**
 * The `Cache-Status` response header (RFC 9211). Pure.
 *
 * @module
 */

/** Why a request went forward to the origin (RFC 9211 §2.2). */
export type CacheStatusForward =
  | 'bypass'
  | 'method'
  | 'uri-miss'
  | 'vary-miss'
  | 'miss'
  | 'request'
  | 'stale'
  | 'partial';

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
