/**
 * got's side of the network: its responses as core's {@link NetworkResponse}, the request function
 * got would use, and the requests core asks for itself (a background revalidation, a re-send).
 * @module
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { type NetworkResponse, type RedirectHop, toResponseHeaders } from '@reqcache/core';
import got, { type NormalizedOptions, Options, type Response } from 'got';

export type RequestFunction = NonNullable<NormalizedOptions['request']>;
export type NativeOptions = Parameters<RequestFunction>[1];

/** got's response (promise API: body buffered and decoded in `rawBody`) as core's {@link NetworkResponse}. */
export function networkResponse(response: Response, hops: readonly RedirectHop[]): NetworkResponse<Response> {
  return {
    status: response.statusCode,
    statusText: response.statusMessage ?? '',
    headers: toResponseHeaders(response.headers),
    url: response.url,
    redirects: hops,
    readBody: async () => response.rawBody ?? new Uint8Array(),
    // got (decompress-response) drops Content-Encoding from a body it decodes: one left describes the bytes.
    decoded: [],
    raw: response,
  };
}

/**
 * Sends a request core needs itself (a background revalidation, a re-send without conditions) with the
 * caller's options, through got, marked so that the plugin's hooks let it pass.
 */
export async function sendWithGot(
  options: NormalizedOptions,
  extraHeaders: Record<string, string> | undefined,
  stateKey: symbol,
  requestFn: RequestFunction | undefined,
): Promise<NetworkResponse<Response>> {
  const inner = new Options(undefined, undefined, options as unknown as Options);
  // Not through the plugin's request function (that is the caller's lookup): the one it wraps.
  inner.request = requestFn;
  const state = { hops: [] as RedirectHop[] };
  inner.context = { ...(options.context as Record<string | symbol, unknown>), [stateKey]: state };
  inner.isStream = false;
  inner.resolveBodyOnly = false;
  inner.responseType = 'buffer';
  inner.throwHttpErrors = false;
  if (extraHeaders !== undefined) Object.assign(inner.headers, extraHeaders);
  const send = got as unknown as (url: undefined, init: undefined, defaults: Options) => Promise<Response>;
  const response = await send(undefined, undefined, inner);
  return networkResponse(response, state.hops);
}

/**
 * The request function got itself would use without a user's one: got 14's `getFallbackRequestFunction()`
 * (http2 aware); got 16 has no such method, and then `https.request` / `http.request` by protocol.
 */
export function requestFunctionOf(options: NormalizedOptions): RequestFunction | undefined {
  const fallback = (options as { getFallbackRequestFunction?: () => RequestFunction | undefined })
    .getFallbackRequestFunction;
  if (typeof fallback === 'function') return fallback.call(options);
  if (options.http2) return undefined;
  return (options.url?.protocol === 'https:' ? https.request : http.request) as unknown as RequestFunction;
}
