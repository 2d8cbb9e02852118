/**
 * got's responses as the cache hands them out: the cache fields (set by core's `setCacheFields`), and a
 * network response turned into the cached response core answered with.
 * @module
 */
import type { CacheInfo, ServedResponse } from '@reqcache/core';
import { bufferOf, cacheInfo, messageFields } from '@reqcache/core/internal';
import type { NormalizedOptions, Response } from 'got';

/** The cache fields every response of a cached got client carries (hits and misses alike). */
export interface CacheFields extends CacheInfo {
  /**
   * One line describing the response, like requests-cache's `str(response)`:
   * `request: GET <url>, response: 200 (308 bytes), created: …, expires: … (fresh)`.
   */
  description: string;
}

/** A got response with the cache fields; what `client(url)` resolves to through a cached client. */
export type CachedGotResponse<T = unknown> = Response<T> & CacheFields;

// got's `Response` is a type alias over Node's `IncomingMessage`, the one thing TypeScript lets a plugin
// extend: with `@reqcache/got` imported, `(await client(url)).fromCache` type-checks without a cast. The
// fields are optional there (a message that did not come through the cache has none); `cacheFields()`
// or `CachedGotResponse` give them without `undefined`.
declare module 'http' {
  interface IncomingMessage extends Partial<Readonly<CacheFields>> {}
}

/** The names of the cache fields: those of core's {@link CacheInfo}, and `description`. */
const FIELD_NAMES = [...Object.keys(cacheInfo('miss', 0)), 'description'] as (keyof CacheFields)[];

/**
 * The cache fields of a response from a cached got client, or undefined for a response that did not
 * go through the plugin (for example from an uncached client).
 * @example
 * const response = await client('https://example.com/data');
 * cacheFields(response)?.fromCache; // or response.fromCache (optional on got's Response type)
 */
export function cacheFields(response: object): CacheFields | undefined {
  const candidate = response as Partial<CacheFields>;
  if (typeof candidate.fromCache !== 'boolean' || !(candidate.createdAt instanceof Date)) return undefined;
  const out = {} as Record<string, unknown>;
  for (const name of FIELD_NAMES) out[name] = candidate[name];
  return out as unknown as CacheFields;
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
