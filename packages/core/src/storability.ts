import type { CacheDirectives } from './cache-control.js';
import type { ResponseHeaders } from './headers.js';
import { type RfcNotStorableReason, rfcNotStorable } from './heuristic.js';
import type { ParsedSettings } from './options.js';
import type { NotStoredReason } from './reason.js';

/** Why a response is not written to the cache, checked before its body is read (a subset of {@link NotStoredReason}). */
export type NotStorableReason =
  | Extract<
      NotStoredReason,
      | 'disabled'
      | 'read-only'
      | 'method-not-allowable'
      | 'status-not-allowable'
      | 'request-no-store'
      | 'no-store'
    >
  | RfcNotStorableReason;

/** Whether a response may be written, and why not. */
export type Storability = { store: true } | { store: false; reason: NotStorableReason };

/** True when the method (or a method-override header) is in `allowableMethods`. */
export function isMethodAllowed(
  method: string,
  headers: Readonly<Record<string, string>>,
  allowableMethods: ReadonlySet<string>,
): boolean {
  if (allowableMethods.has(method)) return true;
  for (const name of METHOD_OVERRIDE_HEADERS) {
    const override = headers[name];
    if (override !== undefined && allowableMethods.has(override.trim().toUpperCase())) return true;
  }
  return false;
}

const METHOD_OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'];

/**
 * Whether a response may be stored, checked before its body is read: the settings (`disabled`,
 * `readOnly`, `allowableMethods`, `allowableCodes`), request `no-store`, and response `no-store`,
 * which is never written whatever the settings (a deliberate departure from requests-cache).
 *
 * With `cacheControl` on, RFC 9111 §3 applies on top of `allowableCodes` (which still decides first
 * when the user set it; left unset, RFC 9111 alone decides, see {@link statusAllowed}):
 * no 206 or 304, `must-understand` only for understood statuses, and a status that is not heuristically
 * cacheable needs explicit freshness, `public` or `private` (see {@link rfcNotStorable}). `private` and
 * `public` otherwise change nothing: reqcache is a private cache.
 */
export function checkStorable(input: {
  method: string;
  requestHeaders: Readonly<Record<string, string>>;
  status: number;
  requestDirectives: CacheDirectives;
  responseDirectives: CacheDirectives;
  /** The response headers (for `Expires` in `cacheControl` mode). */
  responseHeaders?: Readonly<ResponseHeaders> | undefined;
  settings: Pick<ParsedSettings, 'disabled' | 'readOnly' | 'allowableCodes' | 'allowableMethods'> &
    Partial<Pick<ParsedSettings, 'cacheControl' | 'allowableCodesExplicit'>>;
}): Storability {
  const { settings } = input;
  if (settings.disabled) return { store: false, reason: 'disabled' };
  if (settings.readOnly) return { store: false, reason: 'read-only' };
  if (!isMethodAllowed(input.method, input.requestHeaders, settings.allowableMethods))
    return { store: false, reason: 'method-not-allowable' };
  if (!statusAllowed(input.status, settings)) return { store: false, reason: 'status-not-allowable' };
  if (input.requestDirectives.noStore) return { store: false, reason: 'request-no-store' };
  if (input.responseDirectives.noStore) return { store: false, reason: 'no-store' };
  if (settings.cacheControl === true) {
    const reason = rfcNotStorable(input.status, input.responseHeaders ?? {}, input.responseDirectives);
    if (reason !== undefined) return { store: false, reason };
  }
  return { store: true };
}

/**
 * Whether `allowableCodes` lets a status be stored. In `cacheControl` mode with `allowableCodes` left at
 * its default, every final status passes here and RFC 9111 §3 alone decides (see `rfcNotStorable`):
 * any status with explicit freshness (`max-age`, `Expires`) or `public` / `private`, and the
 * heuristically cacheable statuses of RFC 9110 §15.1. A user-set list always limits it.
 */
export function statusAllowed(
  status: number,
  settings: Pick<ParsedSettings, 'allowableCodes'> &
    Partial<Pick<ParsedSettings, 'cacheControl' | 'allowableCodesExplicit'>>,
): boolean {
  if (settings.cacheControl === true && settings.allowableCodesExplicit === false) return status >= 200;
  return settings.allowableCodes.has(status);
}
