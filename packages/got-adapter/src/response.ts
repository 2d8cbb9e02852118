/**
 * got's responses as the cache hands them out: the cache fields (set by core's `setCacheFields`; read
 * them with core's `cacheFields`), and a network response turned into the cached response core answered with.
 * @module
 */
import type { CacheFields, ServedResponse } from '@reqcache/core';
import { bufferOf, messageFields } from '@reqcache/core/internal';
import type { NormalizedOptions, Response } from 'got';

/** A got response with the cache fields; what `client(url)` resolves to through a cached client. */
export type CachedGotResponse<T = unknown> = Response<T> & CacheFields;

// got's `Response` is a type alias over Node's `IncomingMessage`, the one thing TypeScript lets a plugin
// extend: with `@reqcache/got` imported, `(await client(url)).fromCache` type-checks without a cast. The
// fields are optional there (a message that did not come through the cache has none); `cacheFields()`
// or `CachedGotResponse` give them without `undefined`.
declare module 'http' {
  interface IncomingMessage extends Partial<Readonly<CacheFields>> {}
}

/**
 * Turns a response from the network into the response core answered with, in place: its message fields,
 * `rawBody` and the parsed `body` (as got would parse it for this request), so that the object got hands
 * to the caller (and to later `afterResponse` hooks) is that response. @internal
 */
export function becomeCached(
  response: Response,
  served: Pick<ServedResponse, 'status' | 'statusText' | 'headers' | 'body'>,
  options: NormalizedOptions,
  fromCache: boolean,
): void {
  const rawBody = bufferOf(served.body);
  const ok = served.status >= 200 && served.status < 300;
  const body = parseBody(rawBody, options);
  Object.assign(response, messageFields(served), { rawBody, body, isFromCache: fromCache, ok });
}

/** What got's `parseBody` gives for this request's `responseType` (text when JSON does not parse, as got does). */
function parseBody(rawBody: Buffer, options: NormalizedOptions): unknown {
  const { responseType, encoding } = options;
  if (responseType === 'buffer') return rawBody;
  const text = rawBody.toString(encoding);
  if (responseType !== 'json') return text;
  if (rawBody.length === 0) return '';
  try {
    return options.parseJson(text);
  } catch {
    return text;
  }
}
