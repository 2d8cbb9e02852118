/**
 * The types adapters and the engine exchange: the request and response as core sees them, the lookup
 * (a discriminated union every adapter switches on), the outcome, the cache info put on responses,
 * and the events. No logic beyond {@link assignCacheInfo} and {@link cacheInfo}.
 * @module
 */
import type { UNKEYABLE } from './body-bytes.js';
import type { CacheDirectives } from './cache-control.js';
import { type CacheEntry, isEntryExpired, type RedirectHop } from './entry.js';
import type { ReqcacheError } from './errors.js';
import type { RequestExpiration } from './expiration.js';
import type { RequestHeaders, ResponseHeaders } from './headers.js';
import {
  normalizeRequestOptions,
  type ParsedRequestOptions,
  type ParsedSettings,
  type RequestCacheOptions,
} from './options.js';
import type { BypassReason, ForwardReason, NotStoredReason, Reason } from './reason.js';
import type { StoreRecovery } from './store.js';

/** A request as the engine sees it; adapters translate their client's request into this. */
export interface CacheRequest {
  /** Any case; compared upper-cased. */
  method: string;
  /** Absolute URL. */
  url: string;
  /** Lower-case names, repeated fields joined with ", " (see `toRequestHeaders`). */
  headers: RequestHeaders;
  /**
   * The body as the key reads it (core's `requestBody` gives it from a client's body), or `UNKEYABLE`
   * for one the cache cannot read without consuming it: the request then bypasses the cache.
   */
  body?: Uint8Array | string | typeof UNKEYABLE | undefined;
  /**
   * The client's abort signal for this request (fetch `init.signal`, axios `config.signal`, got
   * `signal`). Under `coalesce: 'store'`, a request waiting for another process's answer stops waiting
   * when it aborts, and goes on as its client would (an aborted send rejects at once).
   */
  signal?: AbortSignal | undefined;
  /**
   * The client's timeout for this request (ms: axios `timeout`, got `timeout.request`). Under
   * `coalesce: 'store'`, a request never waits longer than this for another process's answer.
   */
  timeoutMs?: number | undefined;
}

/** A {@link CacheRequest} whose body the key can read (what a lookup works on once it is not bypassed). */
export type KeyedRequest = Omit<CacheRequest, 'body'> & { body?: Uint8Array | string | undefined };

/** What the network answered, as an adapter hands it to the engine (the body is read only if needed). */
export interface NetworkResponse<R = unknown> {
  status: number;
  statusText: string;
  headers: ResponseHeaders;
  /** The final URL (after redirects). */
  url: string;
  /** Redirect hops before the final response, when the adapter knows them. */
  redirects?: readonly RedirectHop[] | undefined;
  /**
   * Reads the whole body (called at most once). Rejects with {@link BodyUnavailable} when the adapter
   * cannot hand it over in full: the response is then not stored (`body-unavailable`).
   */
  readBody(): Promise<Uint8Array>;
  /**
   * How `readBody()`'s bytes relate to the headers' `Content-Encoding`:
   * - `true` (fetch): decoded, while the headers still name the coding — a single `gzip`, `x-gzip`,
   *   `deflate` or `br` is taken as decoded;
   * - a list: the codings the client decoded while leaving them in the headers (`[]` for got and axios,
   *   which drop `Content-Encoding` from what they decode: a coding left there describes the bytes);
   * - `false`: the bytes and headers as sent (no `Content-Length` rewrite).
   * A body taken as decoded is stored without its `Content-Encoding`; the stored `Content-Length` is the
   * body's (see `storedHeaders`).
   * @default true
   */
  decoded?: boolean | readonly string[];
  /** Releases the body when the engine does not use the response (optional). */
  discard?(): void;
  /** The client's own response object, passed back untouched. */
  raw: R;
}

/** The cache attributes every adapter puts on its responses. */
export interface CacheInfo {
  /** True when the response was served from the cache (including a 304 revalidation and a synthetic 504). */
  fromCache: boolean;
  /** When the response was first received. */
  createdAt: Date;
  /** When it stops being fresh; null for never (or when it was not stored). */
  expires: Date | null;
  isExpired: boolean;
  /** True on the response of a request that revalidated a stored response with a 304. */
  revalidated: boolean;
  /** The key it is stored under, or undefined when it was not stored. */
  cacheKey: string | undefined;
  /**
   * Why: served from the cache (`fresh`, `revalidated`, `stale-if-error`, …), sent to the network and
   * stored (`miss`, `expired`, `refresh`, …), not stored (`no-store`, `status-not-allowable`, …) or not
   * handled (`disabled`, `method-not-allowable`, …). See {@link Reason}.
   */
  reason: Reason;
  /**
   * The `Cache-Status` value (RFC 9211) adapters add to the response headers; set only when the
   * `cacheStatus` setting is on.
   */
  cacheStatus?: string | undefined;
}

/** A {@link CacheInfo} for a response that is not (or not yet) stored. */
export function cacheInfo(reason: Reason, nowMs: number, fromCache = false): CacheInfo {
  return {
    fromCache,
    createdAt: new Date(nowMs),
    expires: null,
    isExpired: false,
    revalidated: false,
    cacheKey: undefined,
    reason,
  };
}

/**
 * Puts the seven cache fields of `info` on an adapter's response object as own, enumerable data
 * properties, always in the same order (so responses built the same way share one hidden class).
 * `cacheStatus` is not copied: adapters put it in the response headers.
 */
export function assignCacheInfo(target: object, info: CacheInfo): void {
  const fields = target as Record<keyof CacheInfo, unknown>;
  fields.fromCache = info.fromCache;
  fields.createdAt = info.createdAt;
  fields.expires = info.expires;
  fields.isExpired = info.isExpired;
  fields.revalidated = info.revalidated;
  fields.cacheKey = info.cacheKey;
  fields.reason = info.reason;
}

/** Sends the request, with the conditional headers to add (if any); `bypass` when the cache will not use the response. */
export type Send<R> = (
  extraHeaders: Record<string, string> | undefined,
  bypass: boolean,
) => Promise<NetworkResponse<R>>;

/**
 * Request options after validation, plus `revalidate` (Fetch's `no-cache` mode: validate any stored
 * response) and `retryOf` (a client's retry of a request that went to the network for that reason: the
 * store is not read, as with `forceRefresh`, and the retry reports the first attempt's reason). @internal
 */
export type LookupOptions = ParsedRequestOptions & {
  revalidate?: boolean | undefined;
  retryOf?: ForwardReason | undefined;
};

/** Whether per-request options were already parsed into {@link LookupOptions}. @internal */
export function isLookupOptions(value: unknown): value is LookupOptions {
  return typeof value === 'object' && value !== null && Object.isFrozen(value) && 'forceRefresh' in value;
}

/** A lookup that goes to the network and may store what comes back: a miss or a revalidation. */
export type ForwardLookup = Extract<Lookup, { state: 'miss' | 'revalidate' }>;

/** Per-request state shared by the lookup and the response handling. */
export interface RequestContext {
  request: KeyedRequest;
  method: string;
  key: string;
  options: LookupOptions;
  settings: Readonly<ParsedSettings>;
  requestDirectives: CacheDirectives;
  expiration: RequestExpiration;
  requestedAt: number;
  onlyIfCached: boolean;
  /** Variant headers for a secondary key, set when a stored response's Vary did not match. */
  varyNames?: readonly string[] | true;
  /** Why the request goes to the network (miss, expired, refresh, …). */
  reason: ForwardReason;
  /** When the lookup began, in the engine's sequence of lookups and flight ends. @internal */
  sequence?: number;
}

/** The result of looking a request up; adapters `switch` on `state`. */
export type Lookup =
  /** Not handled by the cache (disabled, method, DO_NOT_CACHE, request no-store): send, never store. */
  | {
      state: 'bypass';
      ctx: undefined;
      request: CacheRequest;
      reason: BypassReason;
      /** An unsafe request the cache is not disabled for: a success invalidates stored responses (RFC 9111 §4.4). */
      invalidate: boolean;
    }
  /** Nothing usable stored: send, then offer the response to `handleResponse`. */
  | { state: 'miss'; ctx: RequestContext; reason: ForwardReason }
  /** A usable stored response: serve it without the network. */
  | {
      state: 'fresh';
      ctx: RequestContext;
      entry: CacheEntry;
      key: string;
      reason: 'fresh' | 'stale-if-error' | 'range';
    }
  /** Stale but inside `staleWhileRevalidate`: serve it now and revalidate in the background. */
  | {
      state: 'stale';
      ctx: RequestContext;
      entry: CacheEntry;
      key: string;
      headers: Record<string, string>;
      reason: 'stale-while-revalidate';
    }
  /** Send with these (possibly empty) conditional headers; a 304 reuses the stored body. */
  | {
      state: 'revalidate';
      ctx: RequestContext;
      entry: CacheEntry;
      key: string;
      headers: Record<string, string>;
      reason: ForwardReason;
    }
  /** `onlyIfCached` and nothing usable: answer with a synthetic 504. */
  | { state: 'not-cached'; ctx: RequestContext; reason: 'only-if-cached' };

/** What to answer the caller with. */
export type Outcome<R = unknown> =
  | { source: 'cache'; entry: CacheEntry; info: CacheInfo }
  | {
      source: 'network';
      response: NetworkResponse<R>;
      /** Set when the engine read the body (to store it): the raw response's body is consumed. */
      body: Uint8Array | undefined;
      info: CacheInfo;
    }
  /** Generated by the cache: `504` for `onlyIfCached` with nothing usable, or an unreachable origin that must revalidate. */
  | { source: 'not-cached'; info: CacheInfo };

/** What `explain()` says would happen to a request now, without a network request. */
export interface Explanation {
  /**
   * - `serve`: answered from the cache without the network;
   * - `serve-stale`: answered from the cache at once, refreshed in the background;
   * - `revalidate`: a conditional request to the origin first (the stored response has a validator);
   * - `fetch`: a request to the origin, its response offered to the cache (also for a stored response
   *   that must be revalidated but has no validator: the `reason` says why, e.g. `expired`);
   * - `bypass`: sent untouched, nothing read or stored;
   * - `not-cached`: a synthetic 504 (onlyIfCached).
   */
  action: 'serve' | 'serve-stale' | 'revalidate' | 'fetch' | 'bypass' | 'not-cached';
  reason: Reason;
  /** The key the request maps to (undefined for a bypass). */
  key: string | undefined;
  /** The stored response found, if any: when it was created and when it expires (null: never). */
  stored?: { createdAt: Date; expires: Date | null; isExpired: boolean; status: number } | undefined;
}

/**
 * Events a cache emits. The decision events (`hit`, `miss`, `stale`, `revalidated`, `stored`,
 * `notStored`) come one per decision, each with the cache key and the request's URL (`ignoredParameters`
 * redacted, as stored and as debug lines show it). Requests the cache does not handle (disabled, other
 * methods, `DO_NOT_CACHE`) emit none.
 */
export interface CacheEvents {
  /** A fresh stored response is served without the network. */
  hit: [{ key: string; url: string }];
  /** Nothing usable is stored (or a revalidation brought new content): the answer comes from the network. */
  miss: [{ key: string; url: string; reason: ForwardReason }];
  /** A stale stored response is served: inside `staleWhileRevalidate` (refreshed in the background) or `staleIfError`. */
  stale: [{ key: string; url: string; reason: 'stale-while-revalidate' | 'stale-if-error' }];
  /** A conditional request was answered `304 Not Modified`: the stored body is served. */
  revalidated: [{ key: string; url: string }];
  /**
   * A background (stale-while-revalidate) revalidation ended: `ok` with the origin's `status` (304:
   * the stored response was freshened; another storable status: replaced), or not `ok` with the
   * `error` (also reported on `error`).
   */
  background: [{ key: string; url: string; ok: boolean; status?: number; error?: ReqcacheError }];
  /** Stored responses removed after a successful unsafe request (RFC 9111 §4.4, `cacheControl` mode). */
  invalidated: [{ url: string; method: string; keys: string[] }];
  /**
   * A miss or revalidation was answered by another process's request (`coalesce: 'store'`): this process
   * waited for the key's lease holder and served what it stored (`collapsed`, as in `Cache-Status`).
   */
  collapsed: [{ key: string; url: string }];
  /** A response was written to the store. */
  stored: [{ key: string; url: string; expires: Date | null }];
  /** A response from the network was not written, and why. */
  notStored: [{ key: string; url: string; reason: NotStoredReason }];
  /** The store answered again after a failure (reported once on `error` when it went down). */
  storeRecovered: [StoreRecovery];
  error: [ReqcacheError];
}

/** The counters behind `engine.stats()`, kept in memory per engine since its creation (or `resetStats()`). */
export interface CacheStats {
  /** Fresh responses served from the cache. */
  hits: number;
  /** Lookups that found nothing usable, and revalidations answered with new content. */
  misses: number;
  /** Stale responses served (stale-while-revalidate, stale-if-error). */
  stale: number;
  /** Stored responses revalidated by a 304. */
  revalidated: number;
  /** Responses written. */
  stored: number;
  /** Network responses not written (see the `notStored` event). */
  notStored: number;
  /** Failures reported (store, serializer, background revalidation). */
  errors: number;
  /** `coalesce: 'store'`: times this process waited for another process holding a key's lease. */
  coalescedWaits: number;
  /** `coalesce: 'store'`: leases this process took after waiting without an answer (the holder died, stalled or stored nothing). */
  leaseTakeovers: number;
  /** `coalesce: 'store'`: requests sent alone because the leases failed or the wait ran out. */
  leaseFallbacks: number;
  /** (hits + stale + revalidated) / (those + misses); 0 before the first lookup. */
  hitRatio: number;
}

/** The {@link CacheInfo} of a stored response served (or stored) under `key`. */
export function storedInfo(key: string, entry: CacheEntry, nowMs: number, reason: Reason): CacheInfo {
  return {
    fromCache: true,
    createdAt: new Date(entry.createdAt),
    expires: entry.expiresAt === null ? null : new Date(entry.expiresAt),
    isExpired: isEntryExpired(entry, nowMs),
    revalidated: false,
    cacheKey: key,
    reason,
  };
}

/** The status line of a response the cache generates: 504, for `onlyIfCached` (`Not Cached`) or an unreachable origin. */
export function generatedStatus(reason: Reason): { status: 504; statusText: string } {
  return { status: 504, statusText: reason === 'gateway-timeout' ? 'Gateway Timeout' : 'Not Cached' };
}

/** Per-request options as the engine takes them: already parsed (frozen, e.g. by an adapter), or validated now. */
export function lookupOptions(value: RequestCacheOptions | LookupOptions | undefined): LookupOptions {
  const parsed =
    typeof value === 'object' && value !== null && Object.isFrozen(value) && 'forceRefresh' in value;
  return parsed
    ? (value as LookupOptions)
    : normalizeRequestOptions(value as RequestCacheOptions | undefined);
}

/** What `NetworkResponse.readBody()` rejects with when the adapter cannot hand over the whole body. */
export class BodyUnavailable extends Error {
  override name = 'BodyUnavailable';
}

/** The whole body of a network response, or undefined when the adapter could not hand it over ({@link BodyUnavailable}). */
export async function readWholeBody(
  response: Pick<NetworkResponse, 'readBody'>,
): Promise<Uint8Array | undefined> {
  try {
    return await response.readBody();
  } catch (error) {
    if (error instanceof BodyUnavailable) return undefined;
    throw error;
  }
}
