/**
 * The engine's `Outcome` → the `Response` a cached fetch resolves to. Rebuilding and decorating a fetch
 * `Response` is core's `fetch-response`.
 * @module
 */
import {
  buildFetchResponse,
  type CachedFetchResponse,
  type CacheEngine,
  type CacheInfo,
  decorateResponse,
  entryLocation,
  type FetchResponseLike,
  generatedStatus,
  type Outcome,
} from '@reqcache/core';
import { redactUrl } from '@reqcache/core/internal';

/**
 * The response `outcome` stands for: a stored response (at core's `entryLocation`), the synthetic 504, a
 * network response rebuilt from the bytes the engine read, or the wrapped fetch's own response, body
 * untouched, when the engine did not read it. @internal
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
  if (outcome.source === 'cache') {
    const { entry } = outcome;
    const location = entryLocation(entry, requestUrl, ignoredParameters);
    const describe = describer(entry.status, entry.body.byteLength);
    return withCacheStatus(buildFetchResponse(entry, method, { info, location, describe }), info);
  }
  if (outcome.source === 'not-cached') {
    const location = { url: requestUrl, redirected: false };
    const response = withCacheStatus(new Response(null, generatedStatus(info.reason)), info);
    return decorateResponse(response, { info, location, describe: describer(504, 0) });
  }
  const { raw, status, statusText, headers } = outcome.response;
  const location = { url: raw.url || requestUrl, redirected: raw.redirected };
  if (outcome.body !== undefined) {
    const describe = describer(status, outcome.body.byteLength);
    const parts = { status, statusText, headers, body: outcome.body };
    return withCacheStatus(buildFetchResponse(parts, method, { info, location, describe }), info);
  }
  const describe = describer(status, Number(raw.headers.get('content-length') ?? 0) || 0);
  const response = raw as unknown as Response;
  try {
    withCacheStatus(response, info);
  } catch {
    // Its headers are immutable: wrap its (still streaming) body.
    const copy = new Headers(response.headers);
    copy.set('cache-status', info.cacheStatus!);
    const wrapped = new Response(response.body, { status, statusText, headers: copy });
    return decorateResponse(wrapped, { info, location, describe });
  }
  return decorateResponse(response, { info, describe });
}

/** Adds the `Cache-Status` header (RFC 9211) when the `cacheStatus` setting is on. */
function withCacheStatus<T extends Response>(response: T, info: CacheInfo): T {
  if (info.cacheStatus !== undefined) response.headers.set('cache-status', info.cacheStatus);
  return response;
}
