import { request as httpRequest } from 'node:http';
import {
  type CacheEngine,
  type CacheInfo,
  type NetworkResponse,
  type RequestCacheOptions,
  type ResponseHeaders,
  toRequestHeaders,
  toResponseHeaders,
} from '@reqcache/core';

/** A response fetched through an engine, body buffered. */
export interface FetchedResponse {
  status: number;
  headers: ResponseHeaders;
  body: Uint8Array;
  fromCache: boolean;
  info: CacheInfo;
}

interface Buffered {
  status: number;
  statusText: string;
  headers: ResponseHeaders;
  body: Uint8Array;
}

function exchange(method: string, url: string, headers: Record<string, string>): Promise<Buffered> {
  return new Promise<Buffered>((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: toResponseHeaders(res.headers),
          body: Buffer.concat(chunks),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Sends one request (no redirects followed) through `engine.request`, the way an adapter does, over
 * `node:http`. For the store suite, which tests stores, not clients.
 *
 * @param engine - The engine whose store is under test.
 * @param url - Absolute URL.
 * @param options - Method, request headers and per-request cache options.
 */
export async function fetchThrough(
  engine: CacheEngine,
  url: string,
  options: { method?: string; headers?: Record<string, string>; cache?: RequestCacheOptions } = {},
): Promise<FetchedResponse> {
  const method = (options.method ?? 'GET').toUpperCase();
  const headers = toRequestHeaders(options.headers ?? {});
  const outcome = await engine.request({ method, url, headers }, options.cache, async (extra) => {
    const res = await exchange(method, url, { ...headers, ...extra });
    const response: NetworkResponse<Buffered> = { ...res, url, readBody: async () => res.body, raw: res };
    return response;
  });
  switch (outcome.source) {
    case 'cache':
      return {
        status: outcome.entry.status,
        headers: outcome.entry.headers,
        body: outcome.entry.body,
        fromCache: true,
        info: outcome.info,
      };
    case 'network':
      return {
        status: outcome.response.status,
        headers: outcome.response.headers,
        body: outcome.body ?? (await outcome.response.readBody()),
        fromCache: outcome.info.fromCache,
        info: outcome.info,
      };
    case 'not-cached':
      return { status: 504, headers: {}, body: new Uint8Array(), fromCache: true, info: outcome.info };
  }
}
