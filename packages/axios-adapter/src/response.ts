/**
 * The response axios users get, built from bytes (a stored entry, a network body the cache read) the way
 * Node's adapter builds it (`responseType`), with the cache fields, settled as axios settles.
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
  type Outcome,
  type ServedResponse,
  servedResponse,
} from '@reqcache/core';
import { knownSize } from '@reqcache/core/internal';
import { AxiosError, AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { CachedRequest } from './types.js';

/**
 * The body as `responseType` asks, before axios's `transformResponse`: `arraybuffer` → a Buffer (a copy:
 * the cache's bytes stay intact), `stream` → a Readable, `blob` → a Blob, else text in `responseEncoding`
 * (which the default `transformResponse` parses as JSON).
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

/** What a response the caching adapter builds is made of. */
interface Parts extends Pick<ServedResponse, 'status' | 'statusText' | 'body' | 'entry'> {
  headers: AxiosHeaders;
  request: unknown;
}

/** A response the caching adapter builds: axios's fields, then the cache fields (core's `DescribedResponse`). */
class CachedAxiosResponse extends DescribedResponse {
  data: unknown;
  status: number;
  statusText: string;
  headers: AxiosHeaders;
  config: InternalAxiosRequestConfig;
  request: unknown;

  constructor(parts: Parts, config: InternalAxiosRequestConfig, info: CacheInfo, describe: () => string) {
    super();
    // A stored entry's bytes are shared between hits and never changed: their text is decoded once.
    const shared = parts.entry !== undefined && Object.isFrozen(parts.entry);
    this.data = userData(parts.body, config, parts.headers.get('content-type'), shared);
    this.status = parts.status;
    this.statusText = parts.statusText;
    this.headers = parts.headers;
    this.config = config;
    this.request = parts.request;
    this.setCacheFields(info, describe);
  }
}

/**
 * The user's response for an outcome, with the cache fields (and `Cache-Status` when it is on): `untouched`
 * (the original adapter's response to a request the cache did not read) as it is, else built from bytes.
 */
export function userResponse(
  engine: CacheEngine,
  config: InternalAxiosRequestConfig,
  target: { method: string; url: string },
  outcome: Outcome<AxiosResponse>,
  untouched: AxiosResponse | undefined,
): AxiosResponse {
  const { info } = outcome;
  const describe = (status: number, size: number) => () => engine.describe(info, target, status, size);
  const build = (parts: Parts): AxiosResponse => {
    const response = new CachedAxiosResponse(parts, config, info, describe(parts.status, parts.body.length));
    return response as unknown as AxiosResponse;
  };
  if (outcome.source === 'network') {
    const raw = outcome.response.raw;
    const headers = AxiosHeaders.from(raw.headers as AxiosHeaders);
    if (info.cacheStatus !== undefined) headers.set('cache-status', info.cacheStatus);
    if (outcome.body === undefined && raw === untouched) {
      if (info.cacheStatus !== undefined) untouched.headers = headers;
      return attachCacheFields(untouched, info, describe(untouched.status, knownSize(untouched.data)));
    }
    const body = outcome.body ?? bodyBytes(raw.data);
    return build({
      status: raw.status,
      statusText: raw.statusText,
      headers,
      body,
      entry: undefined,
      request: raw.request,
    });
  }
  const served = servedResponse(outcome);
  const location = served.entry && entryLocation(served.entry, target.url, engine.settings.ignoredParameters);
  const headers = new AxiosHeaders(served.headers as Record<string, string | string[]>);
  // Nothing was sent: this stands in for the request, with the URL the response reports.
  const request: CachedRequest = {
    fromCache: true,
    ...target,
    res: { responseUrl: location?.url ?? target.url },
  };
  return build({ ...served, headers, request });
}

/** Settles like axios: a status `validateStatus` refuses throws an `AxiosError` carrying the response. */
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
