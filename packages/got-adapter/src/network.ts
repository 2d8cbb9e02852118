/**
 * got's side of the network: its requests and responses as core's types, the request function got would
 * use, and the requests core sends itself (a background revalidation, a re-send).
 * @module
 */
import * as http from 'node:http';
import * as https from 'node:https';
import {
  type CacheRequest,
  HookedRequest,
  incomingResponse,
  type NetworkResponse,
  type RedirectHop,
  requestBody,
  toRequestHeaders,
} from '@reqcache/core';
import got, { type NormalizedOptions, Options, type Response } from 'got';

export type RequestFunction = NonNullable<NormalizedOptions['request']>;
export type NativeOptions = Parameters<RequestFunction>[1];

/** Where the plugin keeps its per-request state (a `HookedRequest`) in `options.context` (copied along redirects and retries). */
export const STATE = Symbol('reqcache.got');
/** Marks the request functions the plugin installs (and holds the one each wraps). */
export const WRAPS = Symbol('reqcache.got.wraps');

/** got's response (promise API: body buffered and decoded in `rawBody`) as core's {@link NetworkResponse}. */
export function networkResponse(response: Response, hops: readonly RedirectHop[]): NetworkResponse<Response> {
  // got (decompress-response) drops Content-Encoding from a body it decodes: one left describes the bytes.
  const at = { url: response.url, redirects: hops, decoded: [] };
  return incomingResponse(response, () => response.rawBody ?? new Uint8Array(), at);
}

/** Sends a request core needs itself with the caller's options through got, marked for the hooks to let pass. */
export async function sendWithGot(
  options: NormalizedOptions,
  extraHeaders: Record<string, string> | undefined,
): Promise<NetworkResponse<Response>> {
  const inner = new Options(undefined, undefined, options as unknown as Options);
  // Not through the plugin's request function (that is the caller's lookup): the one it wraps.
  inner.request = wrappedOf(options);
  const state = new HookedRequest(undefined, undefined, true);
  inner.context = { ...(options.context as Record<string | symbol, unknown>), [STATE]: state };
  inner.isStream = false;
  inner.resolveBodyOnly = false;
  inner.responseType = 'buffer';
  inner.throwHttpErrors = false;
  if (extraHeaders !== undefined) Object.assign(inner.headers, extraHeaders);
  const send = got as unknown as (url: undefined, init: undefined, defaults: Options) => Promise<Response>;
  const response = await send(undefined, undefined, inner);
  return networkResponse(response, state.hops);
}

/** The request function the plugin's wraps (the user's own, or undefined for got's default). */
export function wrappedOf(options: NormalizedOptions): RequestFunction | undefined {
  const current = options.request as
    | (RequestFunction & { [WRAPS]?: RequestFunction | undefined })
    | undefined;
  return current !== undefined && WRAPS in current ? current[WRAPS] : current;
}

/**
 * The request function got would use: the user's own, else got 14's `getFallbackRequestFunction()` (http2
 * aware); got 16 has no such method, and then `https.request` / `http.request` by protocol.
 */
export function requestFunctionOf(options: NormalizedOptions): RequestFunction | undefined {
  const wrapped = wrappedOf(options);
  if (wrapped !== undefined) return wrapped;
  const fallback = (options as { getFallbackRequestFunction?: () => RequestFunction | undefined })
    .getFallbackRequestFunction;
  if (typeof fallback === 'function') return fallback.call(options);
  if (options.http2) return undefined;
  return (options.url?.protocol === 'https:' ? https.request : http.request) as unknown as RequestFunction;
}

/**
 * got's normalized options as core's {@link CacheRequest}. got has turned `json` and `form` into a string,
 * a FormData into a stream (`UNKEYABLE`) in `options.body` before its request function runs, so the key
 * reads the bytes sent; `explain()`'s options skip that step, so it is done here as got does it.
 * @internal
 */
export async function toCacheRequest(options: NormalizedOptions): Promise<CacheRequest> {
  const headers = toRequestHeaders(options.headers);
  const serialize = options.body === undefined && (options.json !== undefined || options.form !== undefined);
  const body: unknown = serialize ? finalizeJsonOrForm(options, headers) : options.body;
  return {
    method: options.method,
    url: options.url?.href ?? '',
    headers,
    // (No await for the usual bodiless request.)
    body: body === undefined ? undefined : await requestBody(body),
    // They bound how long the request waits for another process's answer (coalesce: 'store').
    signal: options.signal as AbortSignal | undefined,
    timeoutMs: options.timeout.request,
  };
}

/** `json` / `form` serialized, and the Content-Type they imply when none is set, as got's `_finalizeBody`. */
function finalizeJsonOrForm(options: NormalizedOptions, headers: Record<string, string>): string {
  const json = options.json !== undefined;
  headers['content-type'] ??= json ? 'application/json' : 'application/x-www-form-urlencoded';
  if (json) return options.stringifyJson(options.json);
  return new URLSearchParams(options.form as Record<string, string>).toString();
}
