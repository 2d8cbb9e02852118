import type { Keyv, KeyvStoreAdapter } from 'keyv';
import type { ExpireAfter, ParsedExpireAfter } from './expire-after.js';
import type { KeyOptions, KeyRequest } from './key.js';
import type { Serializer } from './serializer.js';
import type { SerializerName } from './serializers.js';
import type { CompiledUrlPattern } from './url-patterns.js';

/** Names of the built-in backends. */
export type BackendName =
  | 'sqlite'
  | 'memory'
  | 'redis'
  | 'mongodb'
  | 'gridfs'
  | 'dynamodb'
  | 'filesystem'
  | 'postgres';

/** The backends reqcache knows by name. */
export const BACKEND_NAMES: readonly BackendName[] = [
  'sqlite',
  'memory',
  'redis',
  'mongodb',
  'gridfs',
  'dynamodb',
  'filesystem',
  'postgres',
];

/**
 * requests-cache's default `ignored_parameters`: common credentials, never stored and never matched.
 * Passing `ignoredParameters` replaces this list (as in requests-cache); to add names, spread it.
 * @example { ignoredParameters: [...DEFAULT_IGNORED_PARAMETERS, 'token'] }
 */
export const DEFAULT_IGNORED_PARAMETERS: readonly string[] = Object.freeze([
  'Authorization',
  'Proxy-Authorization',
  'X-API-Key',
  'X-Auth-Token',
  'X-API-Token',
  'X-Access-Token',
  'access_token',
  'api_key',
  'apikey',
  // Not in requests-cache's list: a cookie is a credential too. `Cookie` is redacted in stored requests;
  // `Set-Cookie` is left out of stored responses (a cached response never replays a session cookie).
  'Cookie',
  'Set-Cookie',
]);

/** The default `maxEntryBytes`: 10 MiB, so an entry (base64 in JSON) stays under MongoDB's 16 MiB document limit. */
export const DEFAULT_MAX_ENTRY_BYTES = 10 * 1024 * 1024;

/** Every HTTP method, for `allowableMethods` when all requests should be cached. */
export const ALL_METHODS: readonly string[] = Object.freeze([
  'GET',
  'HEAD',
  'OPTIONS',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
]);

/** What `filter` receives: the response about to be stored, or a stored response about to be served. */
export interface FilterResponse {
  status: number;
  headers: Readonly<Record<string, string | string[]>>;
  url: string;
  body: Uint8Array;
  request: { method: string; url: string };
  fromCache: boolean;
}

/** A custom cache key function; `createKey(request, options)` is the built-in one. */
export type KeyFunction = (request: KeyRequest, options: KeyOptions) => string;

/** The settings that can be changed at run time through `.settings`. */
export interface SettingsOptions {
  /**
   * How long new responses stay fresh: seconds, `NEVER_EXPIRE` (-1), `EXPIRE_IMMEDIATELY` (0),
   * `DO_NOT_CACHE`, a `Date`, a duration string (`'15m'`, `'2h'`, `'7d'`) or `{days, hours, minutes, seconds}`.
   * @default NEVER_EXPIRE
   * @example { expireAfter: '1h' }
   */
  expireAfter?: ExpireAfter;
  /**
   * Expiration per URL glob (fnmatch style as in requests-cache: `*` also matches `/`, scheme optional); the first match wins and beats `expireAfter`.
   * @default {}
   * @example { urlsExpireAfter: { 'api.example.com/static': NEVER_EXPIRE, '*': '5m' } }
   */
  urlsExpireAfter?: Record<string, ExpireAfter> | Map<string | RegExp, ExpireAfter>;
  /**
   * Use response `Cache-Control` / `Expires` headers for expiration, behaving as an RFC 9111 private cache.
   * Request `Cache-Control` is always honoured. With `expireAfter` unset, a response with no explicit or
   * heuristic freshness is stale on arrival (validated before reuse).
   * @default false
   */
  cacheControl?: boolean;
  /**
   * Only responses with these status codes are stored. Left unset with `cacheControl: true`, RFC 9111 §3
   * alone decides (any final status with explicit freshness, `public`/`private`, or a heuristically
   * cacheable status); set, it still limits what is stored.
   * @default [200]
   * @example { allowableCodes: [200, 404] }
   */
  allowableCodes?: readonly number[];
  /** Only requests with these methods are read from or written to the cache. @default ['GET', 'HEAD'] */
  allowableMethods?: readonly string[];
  /**
   * Request parameters, body fields and headers (case-insensitive) left out of the key and redacted
   * (`REDACTED`) wherever a request is stored. Passing a list replaces the default.
   * @default DEFAULT_IGNORED_PARAMETERS
   */
  ignoredParameters?: readonly string[];
  /** Request headers that are part of the key: `true` for all, or a list of names. @default false */
  matchHeaders?: boolean | readonly string[];
  /** Return false to keep a response out of the cache (checked on write and on read). */
  filter?: ((response: FilterResponse) => boolean) | undefined;
  /** A custom cache key function. */
  keyFn?: KeyFunction | undefined;
  /**
   * Serve a stale response when the network fails or answers with an error status: `true` for any
   * age, or a window such as `'1d'`.
   * @default false
   */
  staleIfError?: boolean | ExpireAfter;
  /**
   * Serve a stale response at once and refresh it in the background: `true` for any age, or a window.
   * @default false
   */
  staleWhileRevalidate?: boolean | ExpireAfter;
  /** Revalidate a stored response that has a validator before every use, even while fresh. @default false */
  alwaysRevalidate?: boolean;
  /** Read from the cache, never write to it. @default false */
  readOnly?: boolean;
  /** Never use the network: serve what is cached, or a synthetic 504 `Not Cached`. @default false */
  onlyIfCached?: boolean;
  /** Close the store when the client's cache is closed; false when a store is shared. @default true */
  autoclose?: boolean;
  /** Skip the cache entirely (read and write). Used by `disabled()` scopes. @default false */
  disabled?: boolean;
  /**
   * Keep responses to requests that carry credentials apart per credential value: the key of a request
   * with `Authorization`, `Proxy-Authorization`, `Cookie` or another header named in `ignoredParameters`
   * includes a SHA-256 of that header's value (never the value itself). `false` shares one entry whatever
   * the credential, as requests-cache does.
   * @default true
   */
  separateCredentials?: boolean;
  /**
   * Responses larger than this (body plus response header names and values, in bytes) are not stored;
   * they are still returned intact. A `Content-Length` above the limit skips storing without reading the
   * body. `Infinity` for no limit.
   * @default DEFAULT_MAX_ENTRY_BYTES (10 MiB)
   */
  maxEntryBytes?: number;
  /**
   * Let the store drop responses by itself (a store TTL). Off by default, as in requests-cache: expired
   * responses are kept until `delete({ expired: true })` / `removeExpiredResponses()` (or a
   * `maxEntries` / `maxBytes` bound) removes them, so `staleIfError`, `filter({ expired: true })` and the
   * CLI's `--expired` find them. `true`: a response without a validator is dropped once it can no longer
   * be served (its expiry plus any stale-if-error / stale-while-revalidate window); a duration such as
   * `'7d'`: every response is dropped that long after it expires.
   * @default false
   * @example { storeTtl: '1d' }
   */
  storeTtl?: boolean | ExpireAfter;
  /**
   * Add a `Cache-Status` response header (RFC 9211) to every response: `true` names the cache
   * `reqcache`, a string gives another name (an RFC 9110 token). For example `reqcache; hit`,
   * `reqcache; fwd=miss; stored`, `reqcache; fwd=stale; fwd-status=304` (revalidated),
   * `reqcache; hit; fwd=stale` (served stale), `reqcache; fwd=bypass`.
   * @default false
   * @example { cacheStatus: true } // or { cacheStatus: 'api-cache' }
   */
  cacheStatus?: boolean | string;
  /**
   * How identical concurrent misses and revalidations share one network request: `'process'` within
   * this process, `'store'` across every process and host sharing the backend (Redis, Postgres, SQLite: one
   * process takes a short lease on the key, the others wait for its stored answer), `false` not at all.
   * SQLite leases serve the processes of one host sharing the file. On a backend without leases
   * (memory, filesystem, Mongo, a custom store) `'store'` acts as `'process'`.
   * @default 'process'
   * @example { backend: 'redis', coalesce: 'store' }
   * @see coalesceLeaseMs
   */
  coalesce?: CoalesceMode;
  /**
   * With `coalesce: 'store'`, how long (ms) a process holds the lease on a key while it sends the
   * request: a holder that dies or stalls loses it after this time and another process takes over. A
   * waiting process waits at most this long plus a margin, then sends its own request. Keep it above
   * the origin's usual response time.
   * @default 10000
   * @example { coalesce: 'store', coalesceLeaseMs: 3000 }
   */
  coalesceLeaseMs?: number;
}

/** How identical concurrent requests share one network request (see `coalesce`). */
export type CoalesceMode = 'process' | 'store' | false;

/** Everything a cached client takes: one object, the same names in every adapter. */
export interface CacheOptions extends SettingsOptions {
  /**
   * Where responses are stored: a backend name, a `Keyv` instance or a Keyv store.
   * @default 'sqlite' (memory, with one warning, when no SQLite driver can load)
   */
  backend?: BackendName | Keyv | KeyvStoreAdapter;
  /**
   * The cache's name: SQLite file (`http_cache.sqlite`), Redis namespace, Mongo database, Postgres table,
   * DynamoDB table or cache directory.
   * @default 'http_cache'
   */
  cacheName?: string;
  /** Passed to the backend: connection URL, busy timeout, … @default {} */
  backendOptions?: Record<string, unknown>;
  /**
   * Size bound: at most this many stored values, the least recently read or written evicted first.
   * A redirect hop counts as one (small) value beside the response it leads to. Works on every backend
   * but a `Keyv` instance; on SQLite the order survives restarts (see `BoundedStore`).
   * @default undefined (no bound)
   * @example { maxEntries: 10_000 }
   */
  maxEntries?: number;
  /**
   * Size bound in bytes of stored values (Keyv's text of each serialized response, so a little more
   * than the response), the least recently read or written evicted first; a response larger than the
   * bound is not stored. Works on every backend but a `Keyv` instance.
   * @default undefined (no bound)
   * @example { maxBytes: 100 * 1024 * 1024 }
   */
  maxBytes?: number;
  /** How entries are encoded: a built-in name or a `Serializer` / `SerializerPipeline`. @default 'json' */
  serializer?: SerializerName | Serializer;
  /** The clock, for tests: returns epoch milliseconds. @default Date.now */
  clock?: () => number;
}

/** Options for one request. They never reach the server as headers. */
export interface RequestCacheOptions {
  /** Expiration for the response to this request; beats `urlsExpireAfter` and `expireAfter`. `DO_NOT_CACHE` skips read and write. */
  expireAfter?: ExpireAfter;
  /** Serve only from the cache; a miss is a synthetic 504. */
  onlyIfCached?: boolean;
  /** Revalidate the stored response (conditional request) if it has a validator, even while fresh. */
  refresh?: boolean;
  /** Skip the cache read and fetch anew; the response is still stored. */
  forceRefresh?: boolean;
  /** Skip the cache for this request (no read, no write). */
  disabled?: boolean;
}

/** A staleness window in milliseconds: 0 = off, Infinity = any age. */
export type WindowMs = number;

/** Settings after validation, as the engine uses them. @internal */
export interface ParsedSettings {
  expireAfter: ParsedExpireAfter;
  urlPatterns: readonly CompiledUrlPattern[];
  cacheControl: boolean;
  allowableCodes: ReadonlySet<number>;
  allowableMethods: ReadonlySet<string>;
  ignoredParameters: readonly string[];
  matchHeaders: boolean | readonly string[];
  filter: ((response: FilterResponse) => boolean) | undefined;
  keyFn: KeyFunction | undefined;
  staleIfErrorMs: WindowMs;
  staleWhileRevalidateMs: WindowMs;
  alwaysRevalidate: boolean;
  readOnly: boolean;
  onlyIfCached: boolean;
  autoclose: boolean;
  disabled: boolean;
  separateCredentials: boolean;
  maxEntryBytes: number;
  /**
   * The store TTL past expiry (ms): undefined when off (kept until deleted), 0 for `true` (the stale
   * windows only, none for a response with a validator), or the `storeTtl` duration.
   */
  storeTtlMs: number | undefined;
  /** The name to put in `Cache-Status`, or undefined when the header is off. */
  cacheStatus: string | undefined;
  coalesce: CoalesceMode;
  coalesceLeaseMs: number;
  /**
   * True when the user set `expireAfter` (at construction or at run time) rather than leaving the
   * default: in `cacheControl` mode, heuristic freshness (RFC 9111 §4.2.2) applies only when false.
   */
  expireAfterExplicit: boolean;
  /**
   * True when the user set `allowableCodes` rather than leaving the default: in `cacheControl` mode,
   * RFC 9111 §3 alone decides which statuses are stored when false.
   */
  allowableCodesExplicit: boolean;
}

/** Per-request options after validation. @internal */
export interface ParsedRequestOptions {
  expireAfter: ParsedExpireAfter | undefined;
  onlyIfCached: boolean;
  refresh: boolean;
  forceRefresh: boolean;
  disabled: boolean;
}
