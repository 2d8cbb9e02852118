import { STATUS_CODES } from 'node:http';
import { Readable } from 'node:stream';
import {
  assignCacheInfo,
  type CacheEntry,
  type CacheInfo,
  headerPairs,
  type ResponseHeaders,
} from '@reqcache/core';
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

const FIELD_NAMES = [
  'fromCache',
  'createdAt',
  'expires',
  'isExpired',
  'revalidated',
  'cacheKey',
  'reason',
  'description',
] as const;

/**
 * The cache fields of a response from a cached got client, or undefined for a response that did not
 * go through the plugin (for example from an uncached client).
 * @example
 * const response = await client('https://example.com/data');
 * cacheFields(response)?.fromCache; // or (response as CachedGotResponse).fromCache
 */
export function cacheFields(response: object): CacheFields | undefined {
  const candidate = response as Partial<CacheFields>;
  if (typeof candidate.fromCache !== 'boolean' || !(candidate.createdAt instanceof Date)) return undefined;
  const out = {} as Record<string, unknown>;
  for (const name of FIELD_NAMES) out[name] = candidate[name];
  return out as unknown as CacheFields;
}

/**
 * Puts the cache fields on a response object; a function `description` is called only when the field is
 * read. @internal
 */
export function decorate(target: object, info: CacheInfo, description: string | (() => string)): void {
  if (target instanceof CachedResponseStream) {
    // The stream's own accessor formats the description: no accessor defined per object (each would give
    // the response a hidden class of its own, which only a full garbage collection reclaims).
    assignCacheInfo(target, info);
    if (info.cacheStatus !== undefined) (target as { cacheStatus?: string }).cacheStatus = info.cacheStatus;
    target.describeWith(description);
    return;
  }
  if (typeof description === 'string') {
    const fields: CacheFields = { ...info, description };
    Object.assign(target, fields);
    return;
  }
  Object.assign(target, info);
  // Formatted when first read (an own, enumerable field all the same).
  let text: string | undefined;
  Object.defineProperty(target, 'description', {
    get: () => {
      text ??= description();
      return text;
    },
    set: (value: string) => {
      text = value;
    },
    enumerable: true,
    configurable: true,
  });
}

/**
 * The response-like stream a `beforeRequest` hook returns to serve a response without the network:
 * a Readable with the fields of an `IncomingMessage` that got reads. `fromCache` makes got set
 * `response.isFromCache`.
 * @internal
 */
export class CachedResponseStream extends Readable {
  statusCode: number;
  statusMessage: string;
  headers: ResponseHeaders;
  rawHeaders: string[];
  trailers: Record<string, string> = {};
  rawTrailers: string[] = [];
  httpVersion = '1.1';
  httpVersionMajor = 1;
  httpVersionMinor = 1;
  complete = true;
  url: string;
  socket = null;
  // Cache fields, set by `decorate`.
  declare fromCache: boolean;
  #describe: string | (() => string) = '';
  #description: string | undefined;

  constructor(status: number, statusText: string, headers: ResponseHeaders, body: Uint8Array, url: string) {
    super();
    this.statusCode = status;
    this.statusMessage = statusText || (STATUS_CODES[status] ?? '');
    this.headers = { ...headers };
    this.rawHeaders = rawHeaders(headers);
    this.url = url;
    if (body.byteLength > 0) this.push(toBuffer(body));
    this.push(null);
  }

  override _read(): void {}

  /** One line describing the response (see {@link CacheFields.description}), formatted when first read. */
  get description(): string {
    if (this.#description === undefined) {
      const describe = this.#describe;
      this.#description = typeof describe === 'string' ? describe : describe();
    }
    return this.#description;
  }

  set description(value: string) {
    this.#description = value;
  }

  /** Sets what {@link description} is formatted with. @internal */
  describeWith(description: string | (() => string)): void {
    this.#describe = description;
    this.#description = typeof description === 'string' ? description : undefined;
  }
}

/**
 * Turns a response from the network into the cached response `outcome` stands for, in place: status,
 * headers, `rawBody` and the parsed `body` (as got would parse it for this request). Used when a 304
 * revalidated the stored response or `staleIfError` serves it instead of an error status, so that the
 * object got hands to the caller (and to later `afterResponse` hooks) is the cached response.
 * @internal
 */
export function becomeCached(
  response: Response,
  entry: Pick<CacheEntry, 'status' | 'statusText' | 'headers' | 'body'>,
  options: NormalizedOptions,
  fromCache: boolean,
): void {
  const target = response as unknown as Record<string, unknown>;
  target['statusCode'] = entry.status;
  target['statusMessage'] = entry.statusText || (STATUS_CODES[entry.status] ?? '');
  target['headers'] = { ...entry.headers };
  target['rawHeaders'] = rawHeaders(entry.headers);
  const rawBody = toBuffer(entry.body);
  target['rawBody'] = rawBody;
  target['body'] = parseBody(rawBody, options);
  target['isFromCache'] = fromCache;
  target['ok'] = entry.status >= 200 && entry.status < 300;
}

/** Sets `url` and `redirectUrls` of a response served from an entry that was reached through redirects. @internal */
export function applyEntryUrl(response: Response, entry: CacheEntry, requestUrl: string): void {
  if (entry.url === requestUrl || entry.history.length === 0) return;
  const target = response as unknown as Record<string, unknown>;
  target['url'] = entry.url;
  target['redirectUrls'] = [...entry.history.slice(1).map((hop) => new URL(hop.url)), new URL(entry.url)];
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

/** A Buffer view of bytes, without copying. @internal */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function rawHeaders(headers: ResponseHeaders): string[] {
  const known = rawHeaderLists.get(headers);
  // A copy: the caller may change the list it gets.
  if (known !== undefined) return known.slice();
  const out: string[] = [];
  for (const [name, value] of headerPairs(headers)) out.push(name, value);
  if (Object.isFrozen(headers)) rawHeaderLists.set(headers, out.slice());
  return out;
}

/** The raw header list of each shared (frozen) stored header set, built once: stored entries are served many times. */
const rawHeaderLists = new WeakMap<ResponseHeaders, string[]>();
