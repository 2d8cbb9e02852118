/**
 * Building the response axios users get, from bytes (a stored entry, or a network body the cache read):
 * the user's `responseType` applied the way Node's adapter applies it, the cache fields attached, and
 * `validateStatus` settled the way axios settles.
 * @module
 */
import { Buffer } from 'node:buffer';
import { Readable } from 'node:stream';
import { assignCacheInfo, type CacheEngine, type CacheInfo, type ResponseHeaders } from '@reqcache/core';
import { AxiosError, AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { CachedRequest } from './types.js';

/** The UTF-8 text of stored bodies (shared, never changed: the cache's own bytes), decoded once. */
const utf8Texts = new WeakMap<Uint8Array, string>();

/** The bytes of a body an adapter returned for `responseType: 'arraybuffer'` (a Buffer in Node, an ArrayBuffer from fetch). */
export function bodyBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (typeof data === 'string') return Buffer.from(data);
  return new Uint8Array();
}

/**
 * The body as the user asked for it, before axios runs `transformResponse` on it (exactly once, after the
 * adapter returns): `arraybuffer` → a Buffer (a copy, so the cache's bytes stay intact), `stream` → a
 * Readable, `blob` → a Blob, anything else (`json`, `text`, none) → a string decoded with
 * `responseEncoding` (BOM stripped for UTF-8), which axios's default `transformResponse` parses as JSON.
 */
export function userData(
  bytes: Uint8Array,
  config: InternalAxiosRequestConfig,
  contentType: unknown,
  shared = false,
): unknown {
  switch (config.responseType) {
    case 'arraybuffer':
      return Buffer.from(bytes);
    case 'stream':
      return Readable.from(Buffer.from(bytes));
    case 'blob':
      return new Blob([Buffer.from(bytes)], typeof contentType === 'string' ? { type: contentType } : {});
    default: {
      const encoding = config.responseEncoding;
      if (encoding === undefined || encoding === 'utf8' || encoding === 'utf-8') {
        // Stored bodies are served many times: their text is decoded once (strings are immutable).
        const known = utf8Texts.get(bytes);
        if (known !== undefined) return known;
        const decoded = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
        const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
        if (shared) utf8Texts.set(bytes, text);
        return text;
      }
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(
        encoding as BufferEncoding,
      );
    }
  }
}

/** Axios headers from stored response headers (`set-cookie` stays a list). */
export function axiosHeaders(headers: Readonly<ResponseHeaders>): AxiosHeaders {
  return new AxiosHeaders(headers as Record<string, string | string[]>);
}

/** The stand-in for `response.request` when no request was sent. */
export function cachedRequest(method: string, url: string, finalUrl: string): CachedRequest {
  return { fromCache: true, method, url, res: { responseUrl: finalUrl } };
}

/** What the response of one request is made of. */
export interface ResponseParts {
  status: number;
  statusText: string;
  headers: AxiosHeaders;
  bytes: Uint8Array;
  request: unknown;
  /** The bytes are a stored entry's, shared between hits and never changed. */
  shared?: boolean;
}

/** Builds the user's response and attaches the cache fields. */
export function buildResponse(
  engine: CacheEngine,
  config: InternalAxiosRequestConfig,
  target: { method: string; url: string },
  parts: ResponseParts,
  info: CacheInfo,
): AxiosResponse {
  return new CachedAxiosResponse(
    userData(parts.bytes, config, parts.headers.get('content-type'), parts.shared === true),
    parts,
    config,
    info,
    () => engine.describe(info, target, parts.status, parts.bytes.byteLength),
  ) as unknown as AxiosResponse;
}

/**
 * The responses the caching adapter builds (hits, and network responses whose body it read): axios's
 * fields and the cache fields as own properties, the description formatted on first read by an accessor
 * on the prototype. (An accessor defined on each object would give every response a hidden class of its
 * own, which the garbage collector can only reclaim with a full collection.)
 */
class CachedAxiosResponse {
  data: unknown;
  status: number;
  statusText: string;
  headers: AxiosHeaders;
  config: InternalAxiosRequestConfig;
  request: unknown;
  // Set by assignCacheInfo in the constructor.
  declare fromCache: boolean;
  declare createdAt: Date;
  declare expires: Date | null;
  declare isExpired: boolean;
  declare revalidated: boolean;
  declare cacheKey: string | undefined;
  declare reason: CacheInfo['reason'];
  #describe: () => string;
  #description: string | undefined;

  constructor(
    data: unknown,
    parts: ResponseParts,
    config: InternalAxiosRequestConfig,
    info: CacheInfo,
    describe: () => string,
  ) {
    this.data = data;
    this.status = parts.status;
    this.statusText = parts.statusText;
    this.headers = parts.headers;
    this.config = config;
    this.request = parts.request;
    assignCacheInfo(this, info);
    this.#describe = describe;
  }

  /** requests-cache's `str(response)`: one line on the request, the response and its expiry. */
  get cacheDescription(): string {
    this.#description ??= this.#describe();
    return this.#description;
  }

  set cacheDescription(value: string) {
    this.#description = value;
  }
}

/**
 * Puts the cache fields on a response (own, enumerable properties, like axios's own fields). The
 * description is formatted when first read: it costs more than the rest of a cache hit's translation.
 */
export function attachInfo(
  engine: CacheEngine,
  response: AxiosResponse,
  target: { method: string; url: string },
  info: CacheInfo,
  size: number,
): AxiosResponse {
  assignCacheInfo(response, info);
  let description: string | undefined;
  Object.defineProperty(response, 'cacheDescription', {
    enumerable: true,
    configurable: true,
    get: () => {
      description ??= engine.describe(info, target, response.status, size);
      return description;
    },
    set: (value: string) => {
      description = value;
    },
  });
  return response;
}

/** The size of a body the cache did not read, when it is known. */
export function knownSize(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

/**
 * Resolves or rejects like axios's `settle`: a status the config's `validateStatus` refuses rejects with an
 * `AxiosError` (`ERR_BAD_REQUEST` for 4xx, `ERR_BAD_RESPONSE` otherwise) carrying the response; cached
 * responses included.
 */
export function settle(response: AxiosResponse): AxiosResponse {
  const validateStatus = response.config.validateStatus;
  if (!response.status || !validateStatus || validateStatus(response.status)) return response;
  throw new AxiosError(
    `Request failed with status code ${response.status}`,
    response.status >= 400 && response.status < 500
      ? AxiosError.ERR_BAD_REQUEST
      : AxiosError.ERR_BAD_RESPONSE,
    response.config,
    response.request,
    response,
  );
}
