/**
 * The behaviour suite's client over the core engine alone, with no adapter (under 100 lines).
 */
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import {
  CacheEngine,
  type CacheInfo,
  type CacheOptions,
  entryLocation,
  getHeader,
  headerPairs,
  type NetworkResponse,
  type RedirectHop,
  type RequestHeaders,
  type ResponseHeaders,
  toRequestHeaders,
  toResponseHeaders,
} from '@reqcache/core';
import type { SuiteClient, SuiteRequest, SuiteResponse } from './types.js';

type Body = string | Uint8Array | undefined;
type Buffered = Pick<NetworkResponse, 'status' | 'statusText' | 'headers'> & { body: Uint8Array };

/** One HTTP exchange, body buffered and gunzipped (then Content-Encoding dropped). */
function exchange(method: string, url: string, headers: RequestHeaders, body: Body) {
  return new Promise<Buffered>((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const out = toResponseHeaders(res.headers);
        let bytes = Buffer.concat(chunks);
        if (out['content-encoding'] === 'gzip') {
          bytes = gunzipSync(bytes);
          delete out['content-encoding'];
          out['content-length'] = String(bytes.byteLength);
        }
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: out,
          body: bytes,
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends a request, following redirects (as a GET after a 303, or after a 301/302 to a POST). */
async function send(method: string, url: string, headers: RequestHeaders, body: Body) {
  const redirects: RedirectHop[] = [];
  for (let current = url; ; ) {
    const res = await exchange(method, current, headers, body);
    const location = getHeader(res.headers, 'location');
    if (res.status < 300 || res.status > 308 || location === undefined || redirects.length >= 10) {
      // `exchange` drops Content-Encoding from what it decodes: one left describes the bytes.
      return { ...res, url: current, redirects, readBody: async () => res.body, decoded: [], raw: res };
    }
    redirects.push({ url: current, status: res.status });
    current = new URL(location, current).href;
    if (res.status === 303 || (res.status <= 302 && method === 'POST')) [method, body] = ['GET', undefined];
  }
}

function encodeBody({ json, form, body }: SuiteRequest): [Body, RequestHeaders] {
  if (json !== undefined) return [JSON.stringify(json), { 'content-type': 'application/json' }];
  if (form === undefined) return [body, {}];
  return [new URLSearchParams(form).toString(), { 'content-type': 'application/x-www-form-urlencoded' }];
}

/**
 * A {@link SuiteClient} over the core engine alone: `node:http` requests through `engine.request()`,
 * bodies buffered, gzip decoded, redirects followed (their hops passed to the engine). The proof that
 * `@reqcache/core` is usable without any adapter, and the client the store suites run the behaviour
 * suite with.
 */
export function createCoreClient(options: CacheOptions): SuiteClient {
  const engine = new CacheEngine(options);
  const close = () => engine.cache.close();
  return {
    engine,
    settings: engine.settings,
    cache: engine.cache,
    close,
    send: (request) => sendCached(engine, request),
    explain: (url) => engine.explain({ method: 'GET', url, headers: {} }),
    disabled: (fn) => engine.disabled(fn),
  };
}

async function sendCached(engine: CacheEngine, request: SuiteRequest): Promise<SuiteResponse> {
  const method = (request.method ?? 'GET').toUpperCase();
  const [body, typeHeader] = encodeBody(request);
  const headers = toRequestHeaders({ ...typeHeader, ...request.headers });
  const outcome = await engine.request({ method, url: request.url, headers, body }, request.cache, (extra) =>
    send(method, request.url, { ...headers, ...extra }, body),
  );
  const { ignoredParameters } = engine.settings.parsed;
  const respond = (
    status: number,
    h: ResponseHeaders,
    bytes: Uint8Array,
    info: CacheInfo,
    url = request.url,
  ): SuiteResponse => {
    const flat: Record<string, string> = {};
    for (const [name, value] of headerPairs(h)) flat[name] = name in flat ? `${flat[name]}, ${value}` : value;
    if (info.cacheStatus !== undefined) flat['cache-status'] = info.cacheStatus;
    const text = () => new TextDecoder().decode(bytes);
    const description = engine.describe(info, { method, url: request.url }, status, bytes.byteLength);
    const json = () => JSON.parse(text());
    return { status, url, headers: flat, body: bytes, text, json, ...info, description };
  };
  switch (outcome.source) {
    case 'cache': {
      const { entry, info } = outcome;
      const { url } = entryLocation(entry, request.url, ignoredParameters);
      return respond(entry.status, entry.headers, entry.body, info, url);
    }
    case 'network': {
      const bytes = outcome.body ?? (await outcome.response.readBody());
      const { status, headers, url } = outcome.response;
      return respond(status, headers, bytes, outcome.info, url);
    }
    case 'not-cached':
      return respond(504, {}, new Uint8Array(), outcome.info);
  }
}
