import type { SuiteClient, SuiteRequest, SuiteResponse } from '@reqcache/behaviour-suite';
import type { CacheOptions } from '@reqcache/core';
import got, { type OptionsInit } from 'got';
import { type CachedGotResponse, gotCache } from '../src/index.js';

/** got with the plugin, as the behaviour suite drives every adapter (got's retries off: the suite counts hits). */
export function createGotSuiteClient(options: CacheOptions): SuiteClient {
  const plugin = gotCache(options);
  const client = got.extend(plugin, { retry: { limit: 0 }, throwHttpErrors: false, responseType: 'buffer' });
  return {
    explain: (url) => plugin.explain(url),
    disabled: (fn) => plugin.disabled(fn),
    settings: plugin.settings,
    cache: plugin.cache,
    engine: plugin.engine,
    close: () => plugin.close(),
    async send(request: SuiteRequest): Promise<SuiteResponse> {
      const init: OptionsInit = {
        method: (request.method ?? 'GET') as 'GET',
        headers: request.headers ?? {},
      };
      if (request.json !== undefined) init.json = request.json;
      if (request.form !== undefined) init.form = request.form;
      if (request.body !== undefined)
        init.body = typeof request.body === 'string' ? request.body : Buffer.from(request.body);
      if (request.cache !== undefined) init.context = { cache: request.cache };
      const response = (await client(request.url, init)) as unknown as CachedGotResponse<Buffer>;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const body = new Uint8Array(response.rawBody);
      return {
        status: response.statusCode,
        url: response.url,
        headers,
        body,
        text: () => new TextDecoder().decode(body),
        json: () => JSON.parse(new TextDecoder().decode(body)),
        fromCache: response.fromCache,
        createdAt: response.createdAt,
        expires: response.expires,
        isExpired: response.isExpired,
        revalidated: response.revalidated,
        cacheKey: response.cacheKey,
        reason: response.reason,
        description: response.cacheDescription,
      };
    },
  };
}
