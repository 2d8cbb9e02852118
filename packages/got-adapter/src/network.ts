/**
 * got's side of the network: its responses as core's {@link NetworkResponse}, requests core asks for
 * (a background revalidation, an unconditional re-send), and a revalidation sent where its connection
 * error can still be answered from the cache.
 * @module
 */
import { ClientRequest, type IncomingMessage } from 'node:http';
import { type NetworkResponse, type RedirectHop, toResponseHeaders } from '@reqcache/core';
import got, { type NormalizedOptions, Options, type Response } from 'got';
import { toBuffer } from './response.js';

type RequestFunction = NonNullable<NormalizedOptions['request']>;

/** got's response (promise API: body buffered and decoded in `rawBody`) as core's {@link NetworkResponse}. */
export function networkResponse(response: Response, hops: readonly RedirectHop[]): NetworkResponse<Response> {
  return {
    status: response.statusCode,
    statusText: response.statusMessage ?? '',
    headers: toResponseHeaders(response.headers),
    url: response.url,
    redirects: hops,
    readBody: async () => toUint8Array(response.rawBody),
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
 * Sends the request with the request function got would use, and resolves with its response — or, on a
 * connection error (refused, reset, a timeout from got's `timeout.request` / `response` / `socket`), with
 * what `onError` answers instead (undefined: the error reaches got, which may retry).
 */
export async function sendManually(
  url: URL,
  native: Parameters<RequestFunction>[1],
  fn: RequestFunction,
  options: NormalizedOptions,
  onError: () => unknown,
): Promise<unknown> {
  let sent: unknown = fn(url, native);
  if (sent instanceof Promise) sent = await sent;
  // A mock's response (or nothing: got's own fallback) is used as it is.
  if (!(sent instanceof ClientRequest)) return sent;
  const request = sent;
  return new Promise((resolve, reject) => {
    const { timeout } = options;
    const limitMs = timeout.request ?? timeout.response ?? timeout.socket;
    const timer =
      limitMs === undefined
        ? undefined
        : setTimeout(() => {
            const error = Object.assign(new Error(`Timeout awaiting 'request' for ${limitMs}ms`), {
              code: 'ETIMEDOUT',
            });
            request.destroy(error);
          }, limitMs);
    request.once('response', (response: IncomingMessage) => {
      clearTimeout(timer);
      resolve(response);
    });
    request.once('error', (error) => {
      clearTimeout(timer);
      const answer = onError();
      if (answer === undefined) reject(error);
      else resolve(answer);
    });
    request.end();
  });
}

export function toUint8Array(body: Buffer | undefined): Uint8Array {
  return body === undefined ? new Uint8Array() : toBuffer(body);
}
