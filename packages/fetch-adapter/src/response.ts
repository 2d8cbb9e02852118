/**
 * The engine's `Outcome` → the `Response` a cached fetch resolves to. Rebuilding and decorating a fetch
 * `Response` is core's `fetch-response`.
 * @module
 */
import {
  buildFetchResponse,
  type CachedFetchResponse,
  type CacheEngine,
  decorateResponse,
  entryLocation,
  type FetchResponseLike,
  generatedStatus,
  type Outcome,
  withCacheStatus,
} from '@reqcache/core';

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
  const describer = (status: number, size: number) => () =>
    engine.describe(info, { method, url: requestUrl }, status, size);
  if (outcome.source === 'cache') {
    const { entry } = outcome;
    const location = entryLocation(entry, requestUrl, ignoredParameters);
    const describe = describer(entry.status, entry.body.byteLength);
    return buildFetchResponse(entry, method, { info, location, describe });
  }
  if (outcome.source === 'not-cached') {
    const location = { url: requestUrl, redirected: false };
    const response = withCacheStatus(new Response(null, generatedStatus(info.reason)), info.cacheStatus);
    return decorateResponse(response, { info, location, describe: describer(504, 0) });
  }
  const { raw, status, headers } = outcome.response;
  const location = { url: raw.url || requestUrl, redirected: raw.redirected };
  if (outcome.body !== undefined) {
    const describe = describer(status, outcome.body.byteLength);
    const parts = { status, statusText: raw.statusText, headers, body: outcome.body };
    return buildFetchResponse(parts, method, { info, location, describe });
  }
  // Not read by the engine: the wrapped fetch's own response, body untouched (still streaming), unless
  // adding Cache-Status took a copy.
  const describe = describer(status, Number(raw.headers.get('content-length') ?? 0) || 0);
  const response = withCacheStatus(raw as unknown as Response, info.cacheStatus);
  return decorateResponse(response, response === raw ? { info, describe } : { info, location, describe });
}
