/**
 * got's side of the network: its responses as core's {@link NetworkResponse}, requests core asks for
 * (a background revalidation, an unconditional re-send), and a revalidation sent where its connection
 * error can still be answered from the cache.
 * @module
 */
import { ClientRequest, type IncomingMessage } from 'node:http';
import * as zlib from 'node:zlib';
import {
  assignCacheInfo,
  BodyUnavailable,
  type CacheInfo,
  type NetworkResponse,
  type RedirectHop,
  toResponseHeaders,
} from '@reqcache/core';
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
  const request = await start(fn, url, native);
  if (!(request instanceof ClientRequest)) return request;
  return new Promise((resolve, reject) => {
    const { timeout } = options;
    // A little before got's own limit: got 16 also times the whole request, request function included,
    // and its error would come first.
    const gotLimitMs = timeout.request ?? timeout.response ?? timeout.socket;
    const limitMs =
      gotLimitMs === undefined ? undefined : Math.max(1, gotLimitMs - Math.min(100, gotLimitMs / 10));
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

/**
 * Calls the request function: a ClientRequest to drive, or what is used as it is — a mock's response,
 * or nothing (got's own fallback then).
 */
async function start(
  fn: RequestFunction,
  url: URL,
  native: Parameters<RequestFunction>[1],
): Promise<unknown> {
  const sent: unknown = fn(url, native);
  return sent instanceof Promise ? await sent : sent;
}

export function toUint8Array(body: Buffer | undefined): Uint8Array {
  return body === undefined ? new Uint8Array() : toBuffer(body);
}

/**
 * Sends the request with the request function got would use, and answers got with its response,
 * while keeping a copy of the body's bytes — decoded as got decodes them — up to `limitBytes`:
 * `received` gets the response and a promise of that body (undefined when it was cut short or its
 * coding is corrupt; over the limit it is kept just past it, for core to see it is too large). The response carries `info`'s cache fields.
 */
export async function sendTee(
  url: URL,
  native: Parameters<RequestFunction>[1],
  fn: RequestFunction,
  limitBytes: number,
  info: CacheInfo,
  received: (response: IncomingMessage, body: Promise<Uint8Array | undefined>) => void,
): Promise<unknown> {
  const request = await start(fn, url, native);
  if (!(request instanceof ClientRequest)) return request;
  return new Promise((resolve, reject) => {
    request.once('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const body = new Promise<Uint8Array | undefined>((done) => {
        response.on('data', (chunk: Buffer) => {
          // Kept until just over the limit: enough for core to see it is too large, never more.
          if (size <= limitBytes) chunks.push(chunk);
          size += chunk.byteLength;
        });
        response.once('end', () => done(decodeBody(chunks, response.headers)));
        response.once('aborted', () => done(undefined));
        response.once('error', () => done(undefined));
      });
      // Paused until got reads it: every chunk then reaches got and this copy alike.
      response.pause();
      assignCacheInfo(response, info);
      received(response, body);
      resolve(response);
    });
    request.once('error', reject);
    request.end();
  });
}

/** The body as got hands it to its caller: gzip, deflate and br undone, other codings left as sent; undefined if corrupt. */
function decodeBody(chunks: Buffer[], headers: IncomingMessage['headers']): Uint8Array | undefined {
  const raw = Buffer.concat(chunks);
  const encoding = headers['content-encoding']?.trim().toLowerCase();
  try {
    switch (encoding) {
      case undefined:
      case '':
      case 'identity':
        return raw;
      case 'gzip':
      case 'x-gzip':
        return zlib.gunzipSync(raw);
      case 'deflate':
        return zlib.inflateSync(raw);
      case 'br':
        return zlib.brotliDecompressSync(raw);
      default:
        // A coding got does not decode either: stored as sent, with its header (core keeps it).
        return raw;
    }
  } catch {
    return undefined;
  }
}

/** A streamed response as core's {@link NetworkResponse}: its decoded body, once complete. */
export function networkResponseOf(
  response: IncomingMessage,
  hops: readonly RedirectHop[],
  url: string,
  body: Promise<Uint8Array | undefined>,
): NetworkResponse<IncomingMessage> {
  return {
    status: response.statusCode ?? 0,
    statusText: response.statusMessage ?? '',
    headers: toResponseHeaders(response.headers),
    url,
    redirects: hops,
    readBody: async () => {
      const bytes = await body;
      if (bytes === undefined)
        throw new BodyUnavailable('the streamed body was cut short, too large or not decodable');
      return bytes;
    },
    raw: response,
  };
}
