/**
 * Building the response axios users get, from bytes (a stored entry, or a network body the cache read):
 * the user's `responseType` applied the way Node's adapter applies it, the cache fields attached, and
 * `validateStatus` settled the way axios settles.
 * @module
 */
import { Buffer } from 'node:buffer';
import { Readable } from 'node:stream';
import {
  attachCacheFields,
  bodyBytes,
  bodyText,
  type CacheEngine,
  type CacheInfo,
  DescribedResponse,
  entryLocation,
  generatedStatus,
  type NetworkResponse,
  type Outcome,
  type RedirectHop,
  toResponseHeaders,
} from '@reqcache/core';
import { knownSize } from '@reqcache/core/internal';
import { AxiosError, AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { plainHeaders } from './request.js';
import type { CachedRequest } from './types.js';

/** The request of a response: its method and URL as the cache saw them. */
type Target = { method: string; url: string };

/**
 * The body as the user asked for it, before axios runs `transformResponse` on it (exactly once, after the
 * adapter returns): `arraybuffer` → a Buffer (a copy, so the cache's bytes stay intact), `stream` → a
 * Readable, `blob` → a Blob, anything else (`json`, `text`, none) → a string decoded with
 * `responseEncoding` (core's `bodyText`), which axios's default `transformResponse` parses as JSON.
 */
function userData(bytes: Uint8Array, config: InternalAxiosRequestConfig, type: unknown, shared: boolean) {
  switch (config.responseType) {
    case 'arraybuffer':
      return Buffer.from(bytes);
    case 'stream':
      return Readable.from(Buffer.from(bytes));
    case 'blob':
      return new Blob([Buffer.from(bytes)], typeof type === 'string' ? { type } : {});
    default:
      return bodyText(bytes, config.responseEncoding, shared);
  }
}

/** What the response of one request is made of. */
interface ResponseParts {
  status: number;
  statusText: string;
  headers: AxiosHeaders;
  bytes: Uint8Array;
  request: unknown;
  /** The bytes are a stored entry's, shared between hits and never changed. */
  shared?: boolean;
}

/**
 * The responses the caching adapter builds (hits, and network responses whose body it read): axios's
 * fields, then the cache fields, as own properties; the description is an accessor on the prototype.
 */
class CachedAxiosResponse extends DescribedResponse {
  data: unknown;
  status: number;
  statusText: string;
  headers: AxiosHeaders;
  config: InternalAxiosRequestConfig;
  request: unknown;

  constructor(
    parts: ResponseParts,
    config: InternalAxiosRequestConfig,
    info: CacheInfo,
    describe: () => string,
  ) {
    super();
    this.data = userData(parts.bytes, config, parts.headers.get('content-type'), parts.shared === true);
    this.status = parts.status;
    this.statusText = parts.statusText;
    this.headers = parts.headers;
    this.config = config;
    this.request = parts.request;
    this.setCacheFields(info, describe);
  }
}

/** The stand-in for `response.request` when no request was sent. */
function cachedRequest(target: Target, responseUrl: string): CachedRequest {
  return { fromCache: true, method: target.method, url: target.url, res: { responseUrl } };
}

/** What to build the user's response from, for each kind of outcome. */
function responseParts(
  outcome: Outcome<AxiosResponse>,
  target: Target,
  ignored: readonly string[],
): ResponseParts {
  switch (outcome.source) {
    case 'cache': {
      const { entry } = outcome;
      return {
        status: entry.status,
        statusText: entry.statusText,
        headers: new AxiosHeaders(entry.headers as Record<string, string | string[]>),
        bytes: entry.body,
        request: cachedRequest(target, entryLocation(entry, target.url, ignored).url),
        shared: Object.isFrozen(entry),
      };
    }
    case 'network': {
      const raw = outcome.response.raw;
      return {
        status: raw.status,
        statusText: raw.statusText,
        headers: AxiosHeaders.from(raw.headers as AxiosHeaders),
        bytes: outcome.body ?? bodyBytes(raw.data),
        request: raw.request,
      };
    }
    case 'not-cached':
      return {
        ...generatedStatus(outcome.info.reason),
        headers: new AxiosHeaders(),
        bytes: new Uint8Array(),
        request: cachedRequest(target, target.url),
      };
  }
}

/**
 * The user's response for an outcome, with the cache fields (and `Cache-Status` when it is on):
 * `untouched`, the response the original adapter built for a request the cache did not read, as it is;
 * otherwise one built from the outcome's bytes.
 */
export function userResponse(
  engine: CacheEngine,
  config: InternalAxiosRequestConfig,
  target: Target,
  outcome: Outcome<AxiosResponse>,
  untouched: AxiosResponse | undefined,
): AxiosResponse {
  const { info } = outcome;
  if (outcome.source === 'network' && outcome.body === undefined && outcome.response.raw === untouched) {
    if (info.cacheStatus !== undefined) {
      untouched.headers = AxiosHeaders.from(untouched.headers as AxiosHeaders).set(
        'cache-status',
        info.cacheStatus,
      );
    }
    const size = knownSize(untouched.data);
    return attachCacheFields(untouched, info, () => engine.describe(info, target, untouched.status, size));
  }
  const parts = responseParts(outcome, target, engine.settings.ignoredParameters);
  if (info.cacheStatus !== undefined) parts.headers.set('cache-status', info.cacheStatus);
  const describe = () => engine.describe(info, target, parts.status, parts.bytes.byteLength);
  return new CachedAxiosResponse(parts, config, info, describe) as unknown as AxiosResponse;
}

/** An axios response as core's {@link NetworkResponse} (its body read as bytes only when the engine asks). */
export function toNetwork(
  raw: AxiosResponse,
  url: string,
  redirects: RedirectHop[] = [],
): NetworkResponse<AxiosResponse> {
  return {
    status: raw.status,
    statusText: raw.statusText ?? '',
    headers: toResponseHeaders(plainHeaders(raw.headers)),
    url: finalUrl(raw.request) ?? url,
    redirects,
    readBody: () => Promise.resolve(bodyBytes(raw.data)),
    // axios drops Content-Encoding from a body it decodes: one left describes the bytes.
    decoded: [],
    raw,
  };
}

/** The URL of the final response after redirects: follow-redirects (Node) and XHR expose it. */
function finalUrl(request: unknown): string | undefined {
  const candidate = request as { res?: { responseUrl?: unknown }; responseURL?: unknown } | null | undefined;
  const url = candidate?.res?.responseUrl ?? candidate?.responseURL;
  return typeof url === 'string' && url !== '' ? url : undefined;
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
