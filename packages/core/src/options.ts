import { inspect } from 'node:util';
import type { Keyv, KeyvStoreAdapter } from 'keyv';
import { createDebugLog, type DebugLog } from './debug.js';
import { ConstructionOnlyOptionError, InvalidOptionError, UnknownOptionError } from './errors.js';
import { type ExpireAfter, type ParsedExpireAfter, parseExpireAfter } from './expire-after.js';
import type { KeyOptions, KeyRequest } from './key.js';
import type { Serializer } from './serializer.js';
import { isSerializerName, SERIALIZER_FORMATS, type SerializerName } from './serializers.js';
import { type CompiledUrlPattern, compileUrlPatterns } from './url-patterns.js';

export type { SerializerName } from './serializers.js';

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

const SETTING_NAMES = [
  'expireAfter',
  'urlsExpireAfter',
  'cacheControl',
  'allowableCodes',
  'allowableMethods',
  'ignoredParameters',
  'matchHeaders',
  'filter',
  'keyFn',
  'staleIfError',
  'staleWhileRevalidate',
  'alwaysRevalidate',
  'readOnly',
  'onlyIfCached',
  'autoclose',
  'disabled',
  'separateCredentials',
  'maxEntryBytes',
  'storeTtl',
  'cacheStatus',
  'coalesce',
  'coalesceLeaseMs',
] as const satisfies readonly (keyof SettingsOptions)[];

/** Options fixed when the cache is created: `.settings` refuses them with {@link ConstructionOnlyOptionError}. */
const CONSTRUCTION_ONLY_NAMES: readonly string[] = [
  'backend',
  'cacheName',
  'backendOptions',
  'maxEntries',
  'maxBytes',
  'serializer',
  'clock',
];

const OPTION_NAMES: readonly string[] = [...SETTING_NAMES, ...CONSTRUCTION_ONLY_NAMES];

const REQUEST_OPTION_NAMES: readonly string[] = [
  'expireAfter',
  'onlyIfCached',
  'refresh',
  'forceRefresh',
  'disabled',
];

type SettingName = (typeof SETTING_NAMES)[number];

const SETTING_DEFAULTS: Required<{ [K in SettingName]: SettingsOptions[K] }> = {
  expireAfter: -1,
  urlsExpireAfter: {},
  cacheControl: false,
  allowableCodes: [200],
  allowableMethods: ['GET', 'HEAD'],
  ignoredParameters: DEFAULT_IGNORED_PARAMETERS,
  matchHeaders: false,
  filter: undefined,
  keyFn: undefined,
  staleIfError: false,
  staleWhileRevalidate: false,
  alwaysRevalidate: false,
  readOnly: false,
  onlyIfCached: false,
  autoclose: true,
  disabled: false,
  separateCredentials: true,
  maxEntryBytes: DEFAULT_MAX_ENTRY_BYTES,
  storeTtl: false,
  cacheStatus: false,
  coalesce: 'process',
  coalesceLeaseMs: 10_000,
};

/** The `Cache-Status` name when the header is on: `true` is `reqcache`. */
export const DEFAULT_CACHE_STATUS_NAME = 'reqcache';

function checkBoolean(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidOptionError(option, value, 'true or false');
  return value;
}

function checkFunction<F>(option: string, value: unknown): F | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'function') throw new InvalidOptionError(option, value, 'a function');
  return value as F;
}

function checkWindow(option: string, value: unknown): WindowMs {
  if (value === false) return 0;
  if (value === true) return Number.POSITIVE_INFINITY;
  const parsed = parseExpireAfter(value, option);
  switch (parsed.kind) {
    case 'never':
      return Number.POSITIVE_INFINITY;
    case 'relative':
      return parsed.ms;
    default:
      throw new InvalidOptionError(option, value, 'true, false or a duration such as "1h"');
  }
}

function checkStatusCodes(option: string, value: unknown): ReadonlySet<number> {
  if (!Array.isArray(value) && !(value instanceof Set))
    throw new InvalidOptionError(option, value, 'an array of status codes');
  const codes = new Set<number>();
  for (const code of value) {
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 100 || code > 599) {
      throw new InvalidOptionError(option, code, 'HTTP status codes from 100 to 599');
    }
    codes.add(code);
  }
  return codes;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function checkMethods(option: string, value: unknown): ReadonlySet<string> {
  if (!Array.isArray(value) && !(value instanceof Set))
    throw new InvalidOptionError(option, value, 'an array of HTTP methods');
  const methods = new Set<string>();
  for (const method of value) {
    if (typeof method !== 'string' || !TOKEN.test(method)) {
      throw new InvalidOptionError(option, method, 'HTTP method names such as "GET"');
    }
    methods.add(method.toUpperCase());
  }
  return methods;
}

function checkNames(option: string, value: unknown): readonly string[] {
  if (!Array.isArray(value) && !(value instanceof Set))
    throw new InvalidOptionError(option, value, 'an array of names');
  const names: string[] = [];
  for (const name of value) {
    if (typeof name !== 'string' || name.length === 0)
      throw new InvalidOptionError(option, name, 'non-empty strings');
    names.push(name);
  }
  return names;
}

function checkMatchHeaders(option: string, value: unknown): boolean | readonly string[] {
  if (typeof value === 'boolean') return value;
  return checkNames(option, value).map((name) => name.toLowerCase());
}

/** Validates one setting and returns its parsed form. @internal */
function parseSetting<K extends SettingName>(name: K, value: unknown): unknown {
  switch (name) {
    case 'expireAfter':
      return parseExpireAfter(value, name);
    case 'urlsExpireAfter':
      if (value === undefined || value === null) return [];
      if (!(value instanceof Map) && (typeof value !== 'object' || Array.isArray(value))) {
        throw new InvalidOptionError(name, value, 'an object or Map of URL patterns to expiration values');
      }
      return compileUrlPatterns(value as Record<string, ExpireAfter>, name);
    case 'allowableCodes':
      return checkStatusCodes(name, value);
    case 'allowableMethods':
      return checkMethods(name, value);
    case 'ignoredParameters':
      return checkNames(name, value);
    case 'matchHeaders':
      return checkMatchHeaders(name, value);
    case 'filter':
    case 'keyFn':
      return checkFunction(name, value);
    case 'staleIfError':
    case 'staleWhileRevalidate':
      return checkWindow(name, value);
    case 'maxEntryBytes':
      if (
        typeof value !== 'number' ||
        !(value === Number.POSITIVE_INFINITY || (Number.isSafeInteger(value) && value > 0))
      ) {
        throw new InvalidOptionError(name, value, 'a positive whole number of bytes, or Infinity');
      }
      return value;
    case 'storeTtl':
      if (value === false) return undefined;
      if (value === true) return 0;
      return checkWindow(name, value);
    case 'cacheStatus':
      if (value === false) return undefined;
      if (value === true) return DEFAULT_CACHE_STATUS_NAME;
      if (typeof value !== 'string' || !TOKEN.test(value))
        throw new InvalidOptionError(name, value, 'true, false or a cache name (a token such as "my-cache")');
      return value;
    case 'coalesce':
      if (value !== 'process' && value !== 'store' && value !== false)
        throw new InvalidOptionError(name, value, "'process', 'store' or false");
      return value;
    case 'coalesceLeaseMs':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
        throw new InvalidOptionError(name, value, 'a positive whole number of milliseconds');
      return value;
    default:
      return checkBoolean(name, value);
  }
}

const PARSED_FIELD: Record<SettingName, keyof ParsedSettings> = {
  expireAfter: 'expireAfter',
  urlsExpireAfter: 'urlPatterns',
  cacheControl: 'cacheControl',
  allowableCodes: 'allowableCodes',
  allowableMethods: 'allowableMethods',
  ignoredParameters: 'ignoredParameters',
  matchHeaders: 'matchHeaders',
  filter: 'filter',
  keyFn: 'keyFn',
  staleIfError: 'staleIfErrorMs',
  staleWhileRevalidate: 'staleWhileRevalidateMs',
  alwaysRevalidate: 'alwaysRevalidate',
  readOnly: 'readOnly',
  onlyIfCached: 'onlyIfCached',
  autoclose: 'autoclose',
  disabled: 'disabled',
  separateCredentials: 'separateCredentials',
  maxEntryBytes: 'maxEntryBytes',
  storeTtl: 'storeTtlMs',
  cacheStatus: 'cacheStatus',
  coalesce: 'coalesce',
  coalesceLeaseMs: 'coalesceLeaseMs',
};

/**
 * The run-time settings of a cached client (requests-cache's `session.settings`). Every assignment is
 * validated at once and takes effect on the next request; a bad value throws `InvalidOptionError` and
 * leaves the previous value in place. Plain JavaScript gets the same checks as TypeScript: an unknown
 * name throws `UnknownOptionError` (with a "did you mean"), an option fixed at creation (`backend`,
 * `serializer`, `maxEntries`, …) throws `ConstructionOnlyOptionError`. `console.log(settings)` shows
 * every current value; `JSON.stringify(settings)` the ones that differ from the defaults.
 *
 * @example
 * client.settings.expireAfter = '10m';
 * client.settings.staleIfError = true;
 * client.settings.expireAftr = 5; // UnknownOptionError: Unknown option "expireAftr" in settings (did you mean "expireAfter"?)
 */
export class CacheSettings implements Required<Omit<SettingsOptions, 'filter' | 'keyFn'>> {
  readonly #values: Record<SettingName, unknown> = { ...SETTING_DEFAULTS };
  readonly #parsed: ParsedSettings;
  readonly #debug: DebugLog | undefined;
  /** Whether the debug warning about a user `ignoredParameters` without `Authorization` was written. */
  #warnedCredentials = false;

  /**
   * @param options The settings (other options are ignored here; `normalizeOptions()` checks them).
   * @param debug Where the one-time debug warnings go. @internal @default the `reqcache` debug log
   */
  constructor(options: SettingsOptions = {}, debug: DebugLog | undefined = createDebugLog()) {
    const parsed: Record<string, unknown> = {};
    for (const name of SETTING_NAMES) {
      const given = options[name];
      const value = given === undefined ? SETTING_DEFAULTS[name] : given;
      parsed[PARSED_FIELD[name]] = parseSetting(name, value);
      this.#values[name] = value;
    }
    parsed['expireAfterExplicit'] = options.expireAfter !== undefined;
    parsed['allowableCodesExplicit'] = options.allowableCodes !== undefined;
    this.#parsed = parsed as unknown as ParsedSettings;
    this.#debug = debug;
    if (options.ignoredParameters !== undefined) this.#checkCredentials();
    // Assignments of unknown or construction-only names throw instead of adding an ignored property.
    // biome-ignore lint/correctness/noConstructorReturn: the guard must be what `new` returns.
    return new Proxy(this, SETTINGS_GUARD);
  }

  /**
   * One debug line, once per client, when a user list of `ignoredParameters` leaves out `Authorization`:
   * requests-cache's replace semantics then store the header's value as sent.
   */
  #checkCredentials(): void {
    if (this.#warnedCredentials || this.#debug === undefined) return;
    const names = this.#parsed.ignoredParameters;
    if (names.some((name) => name.toLowerCase() === 'authorization')) return;
    this.#warnedCredentials = true;
    const extra = names.filter(
      (name) => !DEFAULT_IGNORED_PARAMETERS.some((known) => known.toLowerCase() === name.toLowerCase()),
    );
    this.#debug(
      'warning: ignoredParameters %j replaces the defaults and leaves out Authorization, so its value is stored as sent (not REDACTED); to add names to the defaults use [...DEFAULT_IGNORED_PARAMETERS%s]',
      names,
      extra.map((name) => `, ${JSON.stringify(name)}`).join(''),
    );
  }

  /** The validated settings, as the engine reads them. @internal */
  get parsed(): Readonly<ParsedSettings> {
    return this.#parsed;
  }

  #set(name: SettingName, value: unknown): void {
    const actual = value === undefined ? SETTING_DEFAULTS[name] : value;
    const parsed = parseSetting(name, actual);
    (this.#parsed as unknown as Record<string, unknown>)[PARSED_FIELD[name]] = parsed;
    this.#values[name] = actual;
    if (name === 'expireAfter') this.#parsed.expireAfterExplicit = value !== undefined;
    if (name === 'allowableCodes') this.#parsed.allowableCodesExplicit = value !== undefined;
    if (name === 'ignoredParameters' && value !== undefined) this.#checkCredentials();
  }

  get expireAfter(): ExpireAfter {
    return this.#values.expireAfter as ExpireAfter;
  }
  set expireAfter(value: ExpireAfter) {
    this.#set('expireAfter', value);
  }
  get urlsExpireAfter(): Record<string, ExpireAfter> | Map<string | RegExp, ExpireAfter> {
    return this.#values.urlsExpireAfter as Record<string, ExpireAfter>;
  }
  set urlsExpireAfter(value: Record<string, ExpireAfter> | Map<string | RegExp, ExpireAfter>) {
    this.#set('urlsExpireAfter', value);
  }
  get cacheControl(): boolean {
    return this.#parsed.cacheControl;
  }
  set cacheControl(value: boolean) {
    this.#set('cacheControl', value);
  }
  get allowableCodes(): readonly number[] {
    return [...this.#parsed.allowableCodes];
  }
  set allowableCodes(value: readonly number[]) {
    this.#set('allowableCodes', value);
  }
  get allowableMethods(): readonly string[] {
    return [...this.#parsed.allowableMethods];
  }
  set allowableMethods(value: readonly string[]) {
    this.#set('allowableMethods', value);
  }
  get ignoredParameters(): readonly string[] {
    return this.#parsed.ignoredParameters;
  }
  set ignoredParameters(value: readonly string[]) {
    this.#set('ignoredParameters', value);
  }
  get matchHeaders(): boolean | readonly string[] {
    return this.#parsed.matchHeaders;
  }
  set matchHeaders(value: boolean | readonly string[]) {
    this.#set('matchHeaders', value);
  }
  get filter(): ((response: FilterResponse) => boolean) | undefined {
    return this.#parsed.filter;
  }
  set filter(value: ((response: FilterResponse) => boolean) | undefined) {
    this.#set('filter', value ?? null);
  }
  get keyFn(): KeyFunction | undefined {
    return this.#parsed.keyFn;
  }
  set keyFn(value: KeyFunction | undefined) {
    this.#set('keyFn', value ?? null);
  }
  get staleIfError(): boolean | ExpireAfter {
    return this.#values.staleIfError as boolean | ExpireAfter;
  }
  set staleIfError(value: boolean | ExpireAfter) {
    this.#set('staleIfError', value);
  }
  get staleWhileRevalidate(): boolean | ExpireAfter {
    return this.#values.staleWhileRevalidate as boolean | ExpireAfter;
  }
  set staleWhileRevalidate(value: boolean | ExpireAfter) {
    this.#set('staleWhileRevalidate', value);
  }
  get alwaysRevalidate(): boolean {
    return this.#parsed.alwaysRevalidate;
  }
  set alwaysRevalidate(value: boolean) {
    this.#set('alwaysRevalidate', value);
  }
  get readOnly(): boolean {
    return this.#parsed.readOnly;
  }
  set readOnly(value: boolean) {
    this.#set('readOnly', value);
  }
  get onlyIfCached(): boolean {
    return this.#parsed.onlyIfCached;
  }
  set onlyIfCached(value: boolean) {
    this.#set('onlyIfCached', value);
  }
  get autoclose(): boolean {
    return this.#parsed.autoclose;
  }
  set autoclose(value: boolean) {
    this.#set('autoclose', value);
  }
  get disabled(): boolean {
    return this.#parsed.disabled;
  }
  set disabled(value: boolean) {
    this.#set('disabled', value);
  }
  get separateCredentials(): boolean {
    return this.#parsed.separateCredentials;
  }
  set separateCredentials(value: boolean) {
    this.#set('separateCredentials', value);
  }
  get maxEntryBytes(): number {
    return this.#parsed.maxEntryBytes;
  }
  set maxEntryBytes(value: number) {
    this.#set('maxEntryBytes', value);
  }

  get storeTtl(): boolean | ExpireAfter {
    return this.#values.storeTtl as boolean | ExpireAfter;
  }
  set storeTtl(value: boolean | ExpireAfter) {
    this.#set('storeTtl', value);
  }

  get cacheStatus(): boolean | string {
    return this.#values.cacheStatus as boolean | string;
  }
  set cacheStatus(value: boolean | string) {
    this.#set('cacheStatus', value);
  }
  get coalesce(): CoalesceMode {
    return this.#parsed.coalesce;
  }
  set coalesce(value: CoalesceMode) {
    this.#set('coalesce', value);
  }
  get coalesceLeaseMs(): number {
    return this.#parsed.coalesceLeaseMs;
  }
  set coalesceLeaseMs(value: number) {
    this.#set('coalesceLeaseMs', value);
  }

  /** The settings that differ from the defaults, like requests-cache's `repr(settings)`. */
  toJSON(): Partial<SettingsOptions> {
    const out: Record<string, unknown> = {};
    for (const name of SETTING_NAMES) {
      if (!isDefaultValue(this.#values[name], SETTING_DEFAULTS[name])) out[name] = this.#values[name];
    }
    return out as Partial<SettingsOptions>;
  }

  /** Every setting with its current value (what `console.log(settings)` prints). */
  [inspect.custom](depth: number, options: InspectOptionsStylized, show: typeof inspect): string {
    const view = new SettingsView();
    // Through the public accessors: util.inspect calls this on the guard, which has no private fields.
    for (const name of SETTING_NAMES) (view as unknown as Record<string, unknown>)[name] = this[name];
    if (depth < 0) return options.stylize('[CacheSettings]', 'special');
    return show(view, { ...options, depth: options.depth === null ? null : depth });
  }
}

type InspectOptionsStylized = import('node:util').InspectOptionsStylized;

/** What `util.inspect` prints for a {@link CacheSettings}: a plain record named after it. */
const SettingsView = class CacheSettings {};

/** Methods of {@link CacheSettings}: read through the guard, they run on the object itself (private fields). */
const SETTINGS_METHODS: ReadonlySet<PropertyKey> = new Set(
  Reflect.ownKeys(CacheSettings.prototype).filter((key) => {
    const descriptor = Object.getOwnPropertyDescriptor(CacheSettings.prototype, key);
    return key !== 'constructor' && typeof descriptor?.value === 'function';
  }),
);

/** Refuses an assignment `.settings` cannot honour, with the error `normalizeOptions()` would throw. */
function assertSettingName(name: string, value: unknown): void {
  if ((SETTING_NAMES as readonly string[]).includes(name)) return;
  if (CONSTRUCTION_ONLY_NAMES.includes(name)) throw new ConstructionOnlyOptionError(name, value);
  throw new UnknownOptionError(name, OPTION_NAMES, 'settings');
}

/** The guard around every {@link CacheSettings}: accessors and methods run on the object itself. */
const SETTINGS_GUARD: ProxyHandler<CacheSettings> = {
  get(target, name) {
    const value: unknown = Reflect.get(target, name, target);
    return SETTINGS_METHODS.has(name) ? (value as (...args: unknown[]) => unknown).bind(target) : value;
  },
  set(target, name, value) {
    if (typeof name === 'string') assertSettingName(name, value);
    return Reflect.set(target, name, value, target);
  },
  defineProperty(target, name, descriptor) {
    if (typeof name !== 'string') return Reflect.defineProperty(target, name, descriptor);
    assertSettingName(name, descriptor.value);
    // A setting is an accessor: an own property would shadow it, so change it by assignment instead.
    return false;
  },
};

/** True for a setting's default or a value equal to it (`[200]`, `{}`); `null` is a cleared function. */
function isDefaultValue(value: unknown, defaultValue: unknown): boolean {
  if (value === defaultValue || value === null) return true;
  if (Array.isArray(value) && Array.isArray(defaultValue)) {
    return value.length === defaultValue.length && value.every((item, i) => item === defaultValue[i]);
  }
  return isEmptyPlainObject(value) && isEmptyPlainObject(defaultValue);
}

function isEmptyPlainObject(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype &&
    Object.keys(value).length === 0
  );
}

/** The options that are fixed at construction (not settings), validated. @internal */
export interface NormalizedOptions {
  backend: BackendName | Keyv | KeyvStoreAdapter;
  cacheName: string;
  backendOptions: Record<string, unknown>;
  /** `maxEntries` / `maxBytes`, those given. */
  bounds: { maxEntries?: number; maxBytes?: number };
  serializer: SerializerName | Serializer;
  clock: () => number;
  settings: CacheSettings;
}

/**
 * Applies every default once and validates every option, throwing `InvalidOptionError` (naming the
 * option and the value) or `UnknownOptionError` (for a misspelt name).
 */
export function normalizeOptions(options: CacheOptions = {}): NormalizedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, 'an options object');
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.includes(name)) throw new UnknownOptionError(name, OPTION_NAMES);
  }
  const backend = options.backend ?? 'sqlite';
  if (typeof backend === 'string') {
    if (!BACKEND_NAMES.includes(backend as BackendName)) {
      throw new InvalidOptionError(
        'backend',
        backend,
        `one of ${BACKEND_NAMES.join(', ')}, a Keyv instance or a Keyv store`,
      );
    }
  } else if (!isKeyvLike(backend)) {
    throw new InvalidOptionError(
      'backend',
      backend,
      `one of ${BACKEND_NAMES.join(', ')}, a Keyv instance or a Keyv store`,
    );
  }
  const cacheName = options.cacheName ?? 'http_cache';
  if (typeof cacheName !== 'string' || cacheName.length === 0) {
    throw new InvalidOptionError('cacheName', cacheName, 'a non-empty string');
  }
  const backendOptions = options.backendOptions ?? {};
  if (typeof backendOptions !== 'object' || backendOptions === null || Array.isArray(backendOptions)) {
    throw new InvalidOptionError('backendOptions', backendOptions, 'an object');
  }
  const serializer = options.serializer ?? 'json';
  if (typeof serializer === 'string') {
    if (!isSerializerName(serializer))
      throw new InvalidOptionError(
        'serializer',
        serializer,
        `${SERIALIZER_FORMATS.map((format) => `"${format}"`).join(', ')} (optionally with "+gzip", "+brotli" or "+zstd"), or a Serializer object`,
      );
  } else if (
    typeof serializer !== 'object' ||
    serializer === null ||
    typeof serializer.dumps !== 'function' ||
    typeof serializer.loads !== 'function' ||
    typeof serializer.name !== 'string'
  ) {
    throw new InvalidOptionError(
      'serializer',
      serializer,
      '"json" or an object with name, dumps() and loads()',
    );
  }
  const bounds: { maxEntries?: number; maxBytes?: number } = {};
  for (const name of ['maxEntries', 'maxBytes'] as const) {
    const value = options[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
      throw new InvalidOptionError(
        name,
        value,
        name === 'maxBytes' ? 'a positive integer (bytes)' : 'a positive integer',
      );
    bounds[name] = value;
  }
  const clock = options.clock ?? Date.now;
  if (typeof clock !== 'function')
    throw new InvalidOptionError('clock', clock, 'a function returning epoch milliseconds');
  return {
    backend,
    cacheName,
    backendOptions,
    bounds,
    serializer,
    clock,
    settings: new CacheSettings(options),
  };
}

/** Validates per-request options (`init.cacheOptions`, `config.cache`, `context.cache`). */
export function normalizeRequestOptions(
  options: RequestCacheOptions | undefined,
  scope = 'request cache options',
): ParsedRequestOptions {
  if (options === undefined || options === null) return NO_REQUEST_OPTIONS;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidOptionError(
      scope,
      options,
      'an object with expireAfter, onlyIfCached, refresh, forceRefresh or disabled',
    );
  }
  let empty = true;
  for (const name of Object.keys(options)) {
    if (!REQUEST_OPTION_NAMES.includes(name)) throw new UnknownOptionError(name, REQUEST_OPTION_NAMES, scope);
    empty = false;
  }
  if (empty) return NO_REQUEST_OPTIONS;
  const flag = (name: 'onlyIfCached' | 'refresh' | 'forceRefresh' | 'disabled'): boolean =>
    options[name] === undefined ? false : checkBoolean(name, options[name]);
  // Frozen: the engine recognises parsed options by that and does not parse them again.
  return Object.freeze({
    expireAfter:
      options.expireAfter === undefined ? undefined : parseExpireAfter(options.expireAfter, 'expireAfter'),
    onlyIfCached: flag('onlyIfCached'),
    refresh: flag('refresh'),
    forceRefresh: flag('forceRefresh'),
    disabled: flag('disabled'),
  });
}

const NO_REQUEST_OPTIONS: ParsedRequestOptions = Object.freeze({
  expireAfter: undefined,
  onlyIfCached: false,
  refresh: false,
  forceRefresh: false,
  disabled: false,
});

function isKeyvLike(value: unknown): value is Keyv | KeyvStoreAdapter {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate['get'] === 'function' &&
    typeof candidate['set'] === 'function' &&
    typeof candidate['delete'] === 'function' &&
    typeof candidate['clear'] === 'function'
  );
}
