/** Turns an axios instance with a cache into the behaviour suite's client. */
import { Buffer } from 'node:buffer';
import type { SuiteClient, SuiteRequest, SuiteResponse } from '@reqcache/behaviour-suite';
import type { CacheOptions } from '@reqcache/core';
import axios, { AxiosHeaders, type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { setupCache } from '../../src/index.js';

/** Sets up a cache on `instance` (a fresh `axios.create()` by default) and wraps it for the suite. */
export function createAxiosSuiteClient(
  options: CacheOptions,
  instance: AxiosInstance = axios.create(),
): SuiteClient {
  const client = setupCache(instance, options);
  return {
    explain: (url) => client.explain({ url }),
    disabled: (fn) => client.disabled(fn),
    settings: client.settings,
    cache: client.cache,
    engine: client.engine,
    close: () => client.close(),
    async send(request: SuiteRequest): Promise<SuiteResponse> {
      const config: AxiosRequestConfig = {
        method: request.method ?? 'GET',
        url: request.url,
        headers: { ...request.headers },
        // Every status comes back as a response; bytes come back exact.
        validateStatus: () => true,
        responseType: 'arraybuffer',
      };
      if (request.body !== undefined) config.data = Buffer.from(request.body);
      if (request.form !== undefined) config.data = new URLSearchParams(request.form);
      if (request.json !== undefined) {
        if (typeof request.json === 'object' && request.json !== null) {
          config.data = request.json;
        } else {
          config.data = JSON.stringify(request.json);
          config.headers = { 'content-type': 'application/json', ...request.headers };
        }
      }
      if (request.cache !== undefined) config.cache = request.cache;
      const response = await client.request<Buffer>(config);
      const body = new Uint8Array(response.data);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(
        AxiosHeaders.from(response.headers as AxiosHeaders).toJSON(true),
      )) {
        if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
      }
      const { fromCache, createdAt, expires, isExpired, revalidated, cacheKey, cacheDescription } = response;
      if (fromCache === undefined || createdAt === undefined || expires === undefined) {
        throw new Error('the response has no cache fields');
      }
      if (isExpired === undefined || revalidated === undefined || cacheDescription === undefined) {
        throw new Error('the response has no cache fields');
      }
      const { res } = (response.request ?? {}) as { res?: { responseUrl?: string } };
      return {
        status: response.status,
        url: res?.responseUrl ?? request.url,
        headers,
        body,
        text: () => Buffer.from(body).toString('utf8'),
        json: () => JSON.parse(Buffer.from(body).toString('utf8')) as unknown,
        fromCache,
        createdAt,
        expires,
        isExpired,
        revalidated,
        cacheKey,
        reason: String(response.reason),
        description: cacheDescription,
      };
    },
  };
}
