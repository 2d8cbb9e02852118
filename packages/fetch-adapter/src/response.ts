/**
 * A `Response` with the cache attributes as own properties: built from bytes (hits, and network
 * responses whose body was read to store them), or the wrapped fetch's own response, decorated.
 * @module
 */
import {
  assignCacheInfo,
  type CacheInfo,
  type EntryLocation,
  hasNullBody,
  headerPairs,
  type ResponseHeaders,
} from '@reqcache/core';
import type { CachedFetchResponse } from './types.js';

/** What a response is decorated with. @internal */
export interface Decoration {
  info: CacheInfo;
  /** Set to override the response's own `url` and `redirected`. */
  location?: EntryLocation | undefined;
  /** Builds the one-line description (called lazily). */
  describe: () => string;
}

/** The `HeadersInit` of each shared (frozen) stored header set, built once: entries are served many times. */
const headersInits = new WeakMap<ResponseHeaders, HeadersInit>();

/** Headers as a record (cheaper for fetch to take in than pairs) unless a value is a list: one pair per item. */
function headersInit(headers: ResponseHeaders): HeadersInit {
  const known = headersInits.get(headers);
  if (known !== undefined) return known;
  const lists = Object.values(headers).some((value) => typeof value !== 'string');
  const init = lists ? [...headerPairs(headers)] : (headers as Record<string, string>);
  if (Object.isFrozen(headers)) headersInits.set(headers, init);
  return init;
}

/** A response built from a status line, headers and the body bytes, for a request with `method`. @internal */
export function buildResponse(
  status: number,
  statusText: string,
  headers: ResponseHeaders,
  body: Uint8Array,
  method: string,
  decoration: Decoration,
): CachedFetchResponse {
  // The Response constructor takes 200–599 only; a stored 1xx keeps its status as an own property.
  const constructible = status >= 200 && status <= 599;
  const payload = hasNullBody(method, status) ? null : (body as Uint8Array<ArrayBuffer>);
  const init = constructible ? headersInit(headers) : [];
  let response: CacheResponse;
  try {
    response = new CacheResponse(
      payload,
      { status: constructible ? status : 200, statusText, headers: init },
      decoration,
    );
  } catch {
    // A stored status text or header another client accepted but fetch does not: keep what fetch takes.
    const valid = new Headers();
    for (const [name, value] of Array.isArray(init) ? init : Object.entries(init)) {
      try {
        valid.append(name, value);
      } catch {
        // Skipped: not a valid header for fetch.
      }
    }
    response = new CacheResponse(
      payload,
      { status: constructible ? status : 200, headers: valid },
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
 * The responses reqcache builds itself: the cache attributes are own fields set at construction, the rest
 * lives on the prototype. Cheaper than decorating a plain `Response`, whose internals fetch reads more
 * slowly once properties are defined on it.
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
