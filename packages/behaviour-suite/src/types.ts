import type {
  CacheEngine,
  CacheOptions,
  CacheSettings,
  Explanation,
  HttpCache,
  RequestCacheOptions,
} from '@reqcache/core';

/** One request, as every adapter's client can send it. */
export interface SuiteRequest {
  /** @default 'GET' */
  method?: string;
  /** Absolute URL. */
  url: string;
  headers?: Record<string, string>;
  /** A raw body (string or bytes), sent as is. */
  body?: string | Uint8Array;
  /** A JSON body: serialized by the client the way its users would send JSON (sets content-type). */
  json?: unknown;
  /** Form fields: sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Per-request cache options, through the adapter's own channel (init.cacheOptions, config.cache, context.cache). */
  cache?: RequestCacheOptions;
}

/** A response as the suite reads it, whatever the client. */
export interface SuiteResponse {
  status: number;
  /** The URL the client reports for the response (after redirects: fetch's and got's `url`, axios's `request.res.responseUrl`). */
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Uint8Array;
  text(): string;
  json(): unknown;
  fromCache: boolean;
  createdAt: Date;
  expires: Date | null;
  isExpired: boolean;
  revalidated: boolean;
  cacheKey: string | undefined;
  /** Why it was served, fetched or not stored (a `Reason` code of `@reqcache/core`). */
  reason: string;
  /** The adapter's one-line description of the response. */
  description: string;
}

/** A cached client under test. */
export interface SuiteClient {
  send(request: SuiteRequest): Promise<SuiteResponse>;
  /** The adapter's `explain()` for a GET of `url`: what the cache would do now, without the network. */
  explain(url: string): Promise<Explanation>;
  /** The adapter's scoped bypass (`cachedFetch.disabled`, `plugin.disabled`, `instance.disabled`). */
  disabled<T>(fn: () => T): T;
  /** The adapter's `.settings`. */
  settings: CacheSettings;
  /** The adapter's `.cache`. */
  cache: HttpCache;
  /** The engine behind the adapter (for events and `settled()`). */
  engine: CacheEngine;
  close(): Promise<void>;
}

/** How an adapter's suite file plugs in. */
export interface AdapterSuiteOptions {
  /** Shown in test titles, e.g. 'fetch (global)'. */
  name: string;
  /** Creates a client with these cache options; the suite always passes `backend` and `clock`. */
  createClient(options: CacheOptions): Promise<SuiteClient> | SuiteClient;
  /**
   * The store each test uses (called once per test); a fresh memory store by default. The store-failure
   * case passes its own failing Keyv store instead.
   */
  backend?: () => CacheOptions['backend'] | Promise<CacheOptions['backend']>;
  /**
   * Whether the adapter reports the redirect hops it followed (`NetworkResponse.redirects`), so that
   * every hop of a redirect chain finds the stored response. fetch only knows the final URL: false.
   * @default true
   */
  redirectHops?: boolean;
}
