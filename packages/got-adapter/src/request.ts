import { type CacheRequest, toRequestHeaders } from '@reqcache/core';
import type { NormalizedOptions } from 'got';

/**
 * Translates got's normalized options into the engine's {@link CacheRequest}, or returns undefined when
 * the request cannot be keyed (a stream, FormData or iterable body, which reading would consume).
 *
 * By the time `beforeRequest` hooks run, got has already turned `json` into a JSON string and `form` into
 * a URL-encoded string in `options.body`, so the key sees exactly the bytes that are sent.
 * @internal
 */
export function toCacheRequest(options: NormalizedOptions): CacheRequest | undefined {
  const body = requestBody(options);
  if (body === false) return undefined;
  return {
    method: options.method,
    url: options.url?.href ?? '',
    headers: toRequestHeaders(options.headers),
    body,
    // They bound how long the request waits for another process's answer (coalesce: 'store').
    signal: options.signal as AbortSignal | undefined,
    timeoutMs: options.timeout.request,
  };
}

/** The request body as bytes or text, undefined when there is none, false when it cannot be read safely. */
function requestBody(options: NormalizedOptions): Uint8Array | string | undefined | false {
  const body: unknown = options.body ?? serializedJsonOrForm(options);
  if (body === undefined) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return false;
}

/** `json` / `form` as got will send them (only reached if a hook set them after got serialized the body). */
function serializedJsonOrForm(options: NormalizedOptions): string | undefined {
  if (options.json !== undefined) return options.stringifyJson(options.json);
  if (options.form !== undefined) {
    return new URLSearchParams(options.form as Record<string, string>).toString();
  }
  return undefined;
}
