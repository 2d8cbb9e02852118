/**
 * fetch's `Response` ↔ core, for any client that speaks fetch (the global fetch, undici's, a polyfill, a
 * wrapper such as ky or ofetch): a response as the engine reads it, and a response carrying the cache
 * attributes, rebuilt from a status line, headers and body under what the Fetch standard's `Response`
 * constructor accepts, or decorated when it is the client's own.
 * @module
 */
import type { CacheFields } from './cache-fields.js';
import { assignCacheInfo, type CacheInfo, type NetworkResponse } from './contract.js';
import type { EntryLocation } from './entry-location.js';
import { headerPairs, type ResponseHeaders, toResponseHeaders } from './headers.js';
import { hasNullBody } from './null-body.js';

/**
 * What the cache needs from a fetch response: the global `Response`, undici's `Response` and most fetch
 * polyfills' responses all qualify.
 */
export interface FetchResponseLike {
  readonly status: number;
  readonly statusText: string;
  /** The final URL, after redirects. */
  readonly url: string;
  readonly redirected: boolean;
  readonly headers: {
    forEach(callback: (value: string, name: string) => void): void;
    get(name: string): string | null;
  };
  readonly body: { cancel(reason?: unknown): Promise<void> } | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** The cache attributes every response of a fetch-based cached client carries, as own properties. */
export interface CacheAttributes extends Readonly<CacheFields> {
  /** The same as `cacheDescription`, so `String(response)` gives the description. */
  toString(): string;
}

/** A `Response` with the cache attributes. */
export interface CachedFetchResponse extends Response, CacheAttributes {
  /** `Response.clone()`, keeping the cache attributes. */
  clone(): CachedFetchResponse;
}

/** What a response carries besides its status line, headers and body. */
export interface ResponseDecoration {
  info: CacheInfo;
  /** Set to override the response's own `url` and `redirected`. */
  location?: EntryLocation | undefined;
  /** Builds the one-line description; called when it is first read, once for a response and its clones. */
  describe: () => string;
}

/** `decoration` with its description formatted once, when first read (it costs more than the rest of a hit). */
function describedOnce(decoration: ResponseDecoration): ResponseDecoration {
  const { describe } = decoration;
  let description: string | undefined;
  return { ...decoration, describe: () => (description ??= describe()) };
}

/**
 * Adds `Cache-Status` (RFC 9211) to `response` when `cacheStatus` is set. A fetched response's headers
 * are immutable (Fetch §5.1, headers guard "immutable"): it then gets a copy with the same status line,
 * headers and (still streaming) body, which reports its own URL.
 */
export function withCacheStatus<R extends Response>(
  response: R,
  cacheStatus: string | undefined,
): R | Response {
  if (cacheStatus === undefined) return response;
  try {
    response.headers.set('cache-status', cacheStatus);
    return response;
  } catch {
    const headers = new Headers(response.headers);
    headers.set('cache-status', cacheStatus);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

/** A fetch response as the engine reads it; `requestUrl` stands in for an empty `url`. */
export function fetchNetworkResponse<R extends FetchResponseLike>(
  response: R,
  requestUrl: string,
): NetworkResponse<R> {
  const pairs: [string, string][] = [];
  response.headers.forEach((value, name) => {
    pairs.push([name, value]);
  });
  return {
    status: response.status,
    statusText: response.statusText,
    headers: toResponseHeaders(pairs),
    url: response.url || requestUrl,
    readBody: async () => new Uint8Array(await response.arrayBuffer()),
    discard: () => {
      const body = response.body;
      if (body !== null && typeof body.cancel === 'function') body.cancel().catch(() => {});
    },
    raw: response,
  };
}

/** The parts a response is rebuilt from. */
export interface FetchResponseParts {
  status: number;
  statusText: string;
  headers: ResponseHeaders;
  body: Uint8Array;
}

/**
 * Rebuilds the response to a `method` request from `parts`, with the cache attributes (and the
 * `Cache-Status` header when `info.cacheStatus` is set):
 * - the body is null for a HEAD request or a null body status ({@link hasNullBody});
 * - the constructor takes statuses 200–599 only (Fetch §5.5 "Response class"): another one (a stored
 *   1xx) is constructed as a 200 without headers, then reported by own `status` and `ok` (false) fields;
 * - a status text or header another client accepted but fetch refuses (Fetch §2.2.2 header names and
 *   values, the reason-phrase production) is dropped: constructed again without the status text, with
 *   only the headers fetch takes.
 */
export function buildFetchResponse(
  parts: FetchResponseParts,
  method: string,
  decoration: ResponseDecoration,
): CachedFetchResponse {
  const { status, statusText } = parts;
  const decorated = describedOnce(decoration);
  const constructible = status >= 200 && status <= 599;
  const body = hasNullBody(method, status) ? null : (parts.body as Uint8Array<ArrayBuffer>);
  const headers = constructible ? headersInit(parts.headers) : [];
  let response: CacheResponse;
  try {
    const init = { status: constructible ? status : 200, statusText, headers };
    response = new CacheResponse(body, init, decorated);
  } catch {
    const init = { status: constructible ? status : 200, headers: validHeaders(headers) };
    response = new CacheResponse(body, init, decorated);
  }
  const { cacheStatus } = decoration.info;
  if (cacheStatus !== undefined) response.headers.set('cache-status', cacheStatus);
  if (!constructible) {
    Object.defineProperties(response, {
      status: { value: status, enumerable: true, configurable: true },
      ok: { value: false, enumerable: true, configurable: true },
    });
  }
  return response;
}

/** The `HeadersInit` of each shared (frozen) stored header set, built once: entries are served many times. */
const headersInits = new WeakMap<ResponseHeaders, HeadersInit>();

/**
 * Headers as a `HeadersInit`: a record (cheaper for fetch to take in than pairs) unless a value is a
 * list (`set-cookie`), which gives one pair per item.
 */
export function headersInit(headers: ResponseHeaders): HeadersInit {
  const known = headersInits.get(headers);
  if (known !== undefined) return known;
  const lists = Object.values(headers).some((value) => typeof value !== 'string');
  const init = lists ? [...headerPairs(headers)] : (headers as Record<string, string>);
  if (Object.isFrozen(headers)) headersInits.set(headers, init);
  return init;
}

/** The headers of `init` that fetch takes; the others are skipped. */
function validHeaders(init: HeadersInit): Headers {
  const headers = new Headers();
  const pairs = Array.isArray(init) ? init : Object.entries(init as Record<string, string>);
  for (const [name, value] of pairs) {
    try {
      headers.append(name, value);
    } catch {
      // Skipped: not a valid header for fetch.
    }
  }
  return headers;
}

/**
 * The responses a cache rebuilds itself: the cache attributes are own fields set at construction, the
 * rest lives on the prototype. Cheaper than decorating a plain `Response`, whose internals fetch reads
 * more slowly once properties are defined on it.
 */
class CacheResponse extends Response implements CachedFetchResponse {
  // Set by assignCacheInfo in the constructor.
  declare readonly fromCache: boolean;
  declare readonly createdAt: Date;
  declare readonly expires: Date | null;
  declare readonly isExpired: boolean;
  declare readonly revalidated: boolean;
  declare readonly cacheKey: string | undefined;
  declare readonly reason: CacheInfo['reason'];
  readonly #decoration: ResponseDecoration;

  constructor(body: Uint8Array<ArrayBuffer> | null, init: ResponseInit, decoration: ResponseDecoration) {
    super(body, init);
    assignCacheInfo(this, decoration.info);
    this.#decoration = decoration;
  }

  get cacheDescription(): string {
    return this.#decoration.describe();
  }

  override get url(): string {
    return this.#decoration.location?.url ?? super.url;
  }

  override get redirected(): boolean {
    return this.#decoration.location?.redirected ?? super.redirected;
  }

  override toString(): string {
    return this.#decoration.describe();
  }

  override clone(): CachedFetchResponse {
    return decorateResponse(super.clone(), this.#decoration);
  }
}

/**
 * Puts the cache attributes on a response the client built (so they survive spreading into logs and
 * work on responses of any fetch implementation): the fields of `info` as own data properties, the
 * description, `toString()` and a `clone()` that keeps them as non-enumerable ones.
 */
export function decorateResponse(response: Response, decoration: ResponseDecoration): CachedFetchResponse {
  const described = describedOnce(decoration);
  const { info, location, describe } = described;
  const nativeClone = response.clone;
  // Plain assignments for the data fields (cheaper than defining them); the rest stays non-enumerable.
  assignCacheInfo(response, info);
  const descriptors: PropertyDescriptorMap = {
    cacheDescription: { get: describe, enumerable: false, configurable: true },
    toString: { value: describe, writable: true, configurable: true },
    clone: {
      value: function clone(this: Response): CachedFetchResponse {
        return decorateResponse(nativeClone.call(this), described);
      },
      writable: true,
      configurable: true,
    },
  };
  if (location !== undefined) {
    descriptors['url'] = { value: location.url, enumerable: true, configurable: true };
    descriptors['redirected'] = { value: location.redirected, enumerable: true, configurable: true };
  }
  Object.defineProperties(response, descriptors);
  return response as CachedFetchResponse;
}
