/**
 * The engine's outcome → a `Response` with the cache attributes as own properties.
 * @module
 */
import {
  assignCacheInfo,
  type CacheEntry,
  type CacheInfo,
  generatedStatus,
  headerPairs,
  type ResponseHeaders,
} from '@reqcache/core';
import { redactUrl } from '@reqcache/core/internal';
import type { CachedFetchResponse, FetchResponseLike } from './types.js';

/** Statuses whose responses have no body (the Fetch standard's null body statuses). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** What a response is decorated with. @internal */
export interface Decoration {
  info: CacheInfo;
  /** Set to override the response's own `url` and `redirected` (responses built from bytes). */
  location?: { url: string; redirected: boolean };
  /** Builds the one-line description (called lazily). */
  describe: () => string;
}

/**
 * A response built from a stored entry. `requestUrl` is the URL asked for (without fragment).
 * @internal
 */
export function responseFromEntry(
  entry: CacheEntry,
  method: string,
  requestUrl: string,
  ignoredParameters: readonly string[],
  info: CacheInfo,
  describe: () => string,
): CachedFetchResponse {
  const location = entryLocation(entry, requestUrl, ignoredParameters);
  return buildResponse(entry.status, entry.statusText, headersInitOf(entry), entry.body, method, {
    info,
    location,
    describe,
  });
}

/** The `HeadersInit` of each shared (frozen) entry, built once: entries are served many times. */
const headersInits = new WeakMap<CacheEntry, HeadersInit>();

/**
 * Stored headers as a `HeadersInit`: a record (cheaper for fetch to take in than pairs) unless a value is
 * a list, which gives one pair per item.
 */
function headersInitOf(entry: CacheEntry): HeadersInit {
  const known = headersInits.get(entry);
  if (known !== undefined) return known;
  const init = headersInit(entry.headers);
  if (Object.isFrozen(entry)) headersInits.set(entry, init);
  return init;
}

/** Headers as a record when no value is a list, else as pairs (a list value gives one pair per item). */
function headersInit(headers: ResponseHeaders): HeadersInit {
  for (const name of Object.keys(headers)) {
    if (typeof headers[name] !== 'string') return [...headerPairs(headers)];
  }
  return headers as Record<string, string>;
}

/**
 * Where a stored response says it came from. Stored URLs are redacted, so the URL asked for is used
 * whenever the stored response was not redirected, or when it is the redirect target asked for directly.
 */
function entryLocation(
  entry: CacheEntry,
  requestUrl: string,
  ignoredParameters: readonly string[],
): { url: string; redirected: boolean } {
  if (entry.url === entry.request.url || entry.url === '') return { url: requestUrl, redirected: false };
  if (entry.url === redactUrl(requestUrl, ignoredParameters)) return { url: requestUrl, redirected: false };
  return { url: entry.url, redirected: true };
}

/**
 * A response rebuilt from the network response's status, its headers (as the engine read them) and the
 * body bytes already read. @internal
 */
export function responseFromBytes(
  raw: FetchResponseLike,
  headers: ResponseHeaders,
  body: Uint8Array,
  method: string,
  decoration: Decoration,
): CachedFetchResponse {
  return buildResponse(raw.status, raw.statusText, headersInit(headers), body, method, decoration);
}

/** The synthetic answer to an `onlyIfCached` miss: 504 Not Cached, empty body. @internal */
export function notCachedResponse(info: CacheInfo): Response {
  return new Response(null, generatedStatus(info.reason));
}

function buildResponse(
  status: number,
  statusText: string,
  headers: HeadersInit,
  body: Uint8Array,
  method: string,
  decoration: Decoration,
): CachedFetchResponse {
  const nullBody = method === 'HEAD' || NULL_BODY_STATUSES.has(status);
  // The Response constructor takes 200–599 only; a stored 1xx keeps its status as an own property.
  const constructible = status >= 200 && status <= 599;
  const payload = nullBody ? null : (body as Uint8Array<ArrayBuffer>);
  let response: CacheResponse;
  try {
    response = new CacheResponse(
      payload,
      { status: constructible ? status : 200, statusText, headers: constructible ? headers : [] },
      decoration,
    );
  } catch {
    // A stored status text or header another client accepted but fetch does not: keep what fetch takes.
    response = new CacheResponse(
      payload,
      { status: constructible ? status : 200, headers: validHeaders(headers) },
      decoration,
    );
  }
  if (!constructible) {
    Object.defineProperties(response, {
      status: { value: status, enumerable: true, configurable: true },
      ok: { value: false, enumerable: true, configurable: true },
    });
  }
  return response;
}

/**
 * The responses reqcache builds itself (hits, and network responses whose body it read to store them):
 * the cache attributes are own fields set at construction, the rest lives on the prototype. Cheaper than
 * decorating a plain `Response`, whose internals fetch reads more slowly once properties are defined on it.
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
  readonly #decoration: Decoration;

  constructor(body: Uint8Array<ArrayBuffer> | null, init: ResponseInit, decoration: Decoration) {
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
    return decorate(super.clone(), this.#decoration);
  }
}

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
 * Puts the cache attributes on `response` as own properties (so they survive spreading into logs and
 * work on responses of any fetch implementation), with a `clone()` that keeps them.
 * @internal
 */
export function decorate(response: Response, decoration: Decoration): CachedFetchResponse {
  const { info, location, describe } = decoration;
  const nativeClone = response.clone;
  // Plain assignments for the data fields (cheaper than defining them); the rest stays non-enumerable.
  assignCacheInfo(response, info);
  const descriptors: PropertyDescriptorMap = {
    cacheDescription: { get: describe, enumerable: false, configurable: true },
    toString: { value: describe, writable: true, configurable: true },
    clone: {
      value: function clone(this: Response): CachedFetchResponse {
        return decorate(nativeClone.call(this), decoration);
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
