/**
 * fetch's response ↔ core's types: the wrapped fetch's response → `NetworkResponse`, and the engine's
 * `Outcome` → a `Response` with the cache attributes as own properties.
 * @module
 */
import {
  assignCacheInfo,
  buildFetchResponse,
  type CacheEngine,
  type CacheInfo,
  type EntryLocation,
  entryLocation,
  type FetchResponseParts,
  generatedStatus,
  type NetworkResponse,
  type Outcome,
  toResponseHeaders,
} from '@reqcache/core';
import { redactUrl } from '@reqcache/core/internal';
import type { CachedFetchResponse, FetchResponseLike } from './types.js';

/** The wrapped fetch's response as the engine reads it. @internal */
export function toNetworkResponse(
  response: FetchResponseLike,
  requestUrl: string,
): NetworkResponse<FetchResponseLike> {
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

/**
 * The response `outcome` stands for: a stored response (reporting core's `entryLocation`), the synthetic
 * 504, a network response rebuilt from the bytes the engine read (core's `buildFetchResponse`), or the
 * wrapped fetch's own response, body untouched, when it was not read. @internal
 */
export function toFetchResponse(
  engine: CacheEngine,
  outcome: Outcome<FetchResponseLike>,
  method: string,
  requestUrl: string,
): CachedFetchResponse {
  const { info } = outcome;
  const { ignoredParameters } = engine.settings.parsed;
  const describer = (status: number, size: number) => {
    let description: string | undefined;
    return () => {
      const url = redactUrl(requestUrl, ignoredParameters);
      description ??= engine.describe(info, { method, url }, status, size);
      return description;
    };
  };
  const build = (parts: FetchResponseParts, location: EntryLocation) => {
    const decoration = { info, location, describe: describer(parts.status, parts.body.byteLength) };
    const response = buildFetchResponse(
      parts,
      method,
      (body, init) => new CacheResponse(body, init, decoration),
    );
    return withCacheStatus(response, info);
  };
  if (outcome.source === 'cache') {
    return build(outcome.entry, entryLocation(outcome.entry, requestUrl, ignoredParameters));
  }
  if (outcome.source === 'not-cached') {
    const location = { url: requestUrl, redirected: false };
    const response = withCacheStatus(new Response(null, generatedStatus(info.reason)), info);
    return decorate(response, { info, location, describe: describer(504, 0) });
  }
  const { raw, status, statusText, headers } = outcome.response;
  const location = { url: raw.url || requestUrl, redirected: raw.redirected };
  if (outcome.body !== undefined) return build({ status, statusText, headers, body: outcome.body }, location);
  const describe = describer(status, Number(raw.headers.get('content-length') ?? 0) || 0);
  const response = raw as unknown as Response;
  try {
    withCacheStatus(response, info);
  } catch {
    // Its headers are immutable: wrap its (still streaming) body.
    const copy = new Headers(response.headers);
    copy.set('cache-status', info.cacheStatus!);
    const wrapped = new Response(response.body, { status, statusText, headers: copy });
    return decorate(wrapped, { info, location, describe });
  }
  return decorate(response, { info, describe });
}

/** Adds the `Cache-Status` header (RFC 9211) when the `cacheStatus` setting is on. */
function withCacheStatus<T extends Response>(response: T, info: CacheInfo): T {
  if (info.cacheStatus !== undefined) response.headers.set('cache-status', info.cacheStatus);
  return response;
}

/** What a response is decorated with. @internal */
export interface Decoration {
  info: CacheInfo;
  /** Set to override the response's own `url` and `redirected`. */
  location?: EntryLocation | undefined;
  /** Builds the one-line description (called lazily). */
  describe: () => string;
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
