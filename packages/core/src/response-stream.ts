/**
 * A response-like stream: what a hook-style adapter hands its client in place of a network response
 * when the cache answers (got builds its response from it as from Node's `IncomingMessage`).
 * @module
 */
import { type IncomingMessage, STATUS_CODES } from 'node:http';
import { Readable } from 'node:stream';
import { defineDescription } from './cache-fields.js';
import { assignCacheInfo, type CacheInfo } from './contract.js';
import { headerPairs, type ResponseHeaders } from './headers.js';
import type { ServedResponse } from './served-response.js';

/**
 * A Readable of a served response's body with the fields of an `IncomingMessage` that clients read,
 * the cache fields ({@link CacheInfo}, `cacheStatus`) and a one-line `cacheDescription` formatted when first
 * read: on the prototype, so that each stream keeps the hidden class of all the others (an accessor
 * per object would give each its own, which only a full garbage collection reclaims).
 */
export class ResponseStream extends Readable {
  // Set from messageFields in the constructor.
  statusCode!: number;
  statusMessage!: string;
  headers!: ResponseHeaders;
  rawHeaders!: string[];
  trailers: Record<string, string> = {};
  rawTrailers: string[] = [];
  httpVersion = '1.1';
  httpVersionMajor = 1;
  httpVersionMinor = 1;
  complete = true;
  url: string;
  socket = null;
  // Set by setCacheFields (got turns `fromCache` into `response.isFromCache`).
  declare fromCache: boolean;
  declare cacheStatus: string | undefined;
  #describe: string | (() => string) = '';
  #description: string | undefined;

  constructor(served: Pick<ServedResponse, 'status' | 'statusText' | 'headers' | 'body'>, url: string) {
    super();
    Object.assign(this, messageFields(served));
    this.url = url;
    if (served.body.byteLength > 0) this.push(bufferOf(served.body));
    this.push(null);
  }

  override _read(): void {}

  /** Sets the cache fields of `info`, and what {@link ResponseStream.cacheDescription} is formatted with. */
  setCacheFields(info: CacheInfo, description: string | (() => string)): void {
    assignCacheInfo(this, info);
    if (info.cacheStatus !== undefined) this.cacheStatus = info.cacheStatus;
    this.#describe = description;
    this.#description = typeof description === 'string' ? description : undefined;
  }

  /** One line describing the response, like requests-cache's `str(response)`; formatted when first read. */
  get cacheDescription(): string {
    if (this.#description === undefined) {
      const describe = this.#describe;
      this.#description = typeof describe === 'string' ? describe : describe();
    }
    return this.#description;
  }

  set cacheDescription(value: string) {
    this.#description = value;
  }
}

/**
 * Puts the cache fields ({@link CacheInfo}, `cacheStatus`, `cacheDescription`) on a response: on a
 * {@link ResponseStream} through its own accessor, on any other response object (a client's own, built
 * from the network: every got miss) as data properties and an own accessor; either way the description
 * is formatted when first read (formatting it on every miss cost about 20 µs). An `IncomingMessage`
 * from the network also gets the `Cache-Status` header (RFC 9211) when the setting is on.
 */
export function setCacheFields(target: object, info: CacheInfo, description: string | (() => string)): void {
  if (target instanceof ResponseStream) {
    target.setCacheFields(info, description);
    return;
  }
  Object.assign(target, info);
  if (typeof description === 'string') Object.assign(target, { cacheDescription: description });
  else defineDescription(target, 'cacheDescription', description);
  const message = target as Partial<Pick<IncomingMessage, 'headers' | 'rawHeaders'>>;
  const { cacheStatus } = info;
  if (cacheStatus === undefined || message.headers === undefined || 'cache-status' in message.headers) return;
  message.headers['cache-status'] = cacheStatus;
  message.rawHeaders?.push('Cache-Status', cacheStatus);
}

/**
 * The `IncomingMessage` fields of a served response: `statusCode`, `statusMessage` (the standard reason
 * phrase when it has none), `headers` (a copy) and `rawHeaders`.
 */
export function messageFields(served: Pick<ServedResponse, 'status' | 'statusText' | 'headers'>) {
  return {
    statusCode: served.status,
    statusMessage: served.statusText || (STATUS_CODES[served.status] ?? ''),
    headers: { ...served.headers },
    rawHeaders: rawHeaderList(served.headers),
  };
}

/**
 * Node's `rawHeaders` list (`[name, value, name, value, …]`) of response headers. Built once for each
 * frozen (stored, shared) header set, which is served many times; each caller gets its own copy.
 */
export function rawHeaderList(headers: ResponseHeaders): string[] {
  const known = rawHeaderLists.get(headers);
  if (known !== undefined) return known.slice();
  const out: string[] = [];
  for (const [name, value] of headerPairs(headers)) out.push(name, value);
  if (Object.isFrozen(headers)) rawHeaderLists.set(headers, out.slice());
  return out;
}

const rawHeaderLists = new WeakMap<ResponseHeaders, string[]>();

/** A Buffer view of bytes, without copying. */
export function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
