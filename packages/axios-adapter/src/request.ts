/**
 * What axios sends and receives as core's types: the config axios hands its adapter (URL and headers as
 * they will be sent), and the original adapter's response.
 * @module
 */
import {
  bodyBytes,
  type CacheRequest,
  type NetworkResponse,
  type RedirectHop,
  requestBody,
  toRequestHeaders,
  toResponseHeaders,
} from '@reqcache/core';
import { Axios, type AxiosRequestConfig, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';

/** What axios's `isAbsoluteURL` accepts as absolute (a scheme, or a protocol-relative `//`). */
const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/** An Axios without defaults: its `getUri` joins baseURL, url and params exactly as the adapters do. */
const uriBuilder = new Axios({});

/** The absolute URL axios will request (`baseURL`, `url`, `params`, `allowAbsoluteUrls`), built by axios. */
function requestUrl(config: InternalAxiosRequestConfig): string {
  // The usual absolute URL without params or baseURL is the URL itself (without `getUri`'s merging cost).
  const { url, baseURL, params } = config;
  if (
    typeof url === 'string' &&
    (params === undefined || params === null) &&
    !baseURL &&
    ABSOLUTE_URL.test(url)
  ) {
    return url;
  }
  return uriBuilder.getUri({
    url: config.url,
    baseURL: config.baseURL,
    params: config.params,
    paramsSerializer: config.paramsSerializer,
    allowAbsoluteUrls: config.allowAbsoluteUrls,
  } as AxiosRequestConfig);
}

/** Axios headers (AxiosHeaders or a plain object) as a plain record; `asStrings` joins repeated values. */
function plainHeaders(headers: unknown, asStrings = false): Record<string, string | string[]> {
  if (headers === undefined || headers === null) return {};
  const candidate = headers as { toJSON?: (asStrings: boolean) => Record<string, string | string[]> };
  return typeof candidate.toJSON === 'function'
    ? candidate.toJSON(asStrings)
    : (headers as Record<string, string>);
}

/**
 * The cache request for a config: by the time the adapter runs, `transformRequest` has turned objects
 * into JSON strings (core's `requestBody` reads the rest; a stream is `UNKEYABLE`). The request's abort
 * signal and timeout bound how long it waits for another process's answer.
 */
export async function cacheRequest(config: InternalAxiosRequestConfig): Promise<CacheRequest> {
  const { data } = config;
  return {
    method: (config.method ?? 'get').toUpperCase(),
    url: requestUrl(config),
    headers: toRequestHeaders(plainHeaders(config.headers, true)),
    // (No await for the usual bodiless request.)
    body: data === undefined || data === null ? undefined : await requestBody(data),
    signal: config.signal instanceof AbortSignal ? config.signal : undefined,
    timeoutMs: config.timeout !== undefined && config.timeout > 0 ? config.timeout : undefined,
  };
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
