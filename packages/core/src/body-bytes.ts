/**
 * The bytes of the body types clients share: a request body as the key reads it, and a response body
 * a client handed over (a Buffer, an ArrayBuffer, a view, a string).
 * @module
 */
import { Buffer } from 'node:buffer';
import { formDataText, isSpecFormData } from './form-data.js';

/**
 * Stands for a request body the cache cannot read without consuming it (a stream, an iterable, an
 * object the client would serialize itself): such a request bypasses the cache (`unkeyable-body`).
 */
export const UNKEYABLE: unique symbol = Symbol('reqcache.unkeyable');

/**
 * A request body as the key reads it: strings (and URLSearchParams, as their string) as they are, bytes
 * and Blobs as bytes, a spec FormData as {@link formDataText}; nothing for null or undefined; anything
 * else {@link UNKEYABLE}.
 * @example await requestBody(new URLSearchParams({ q: 'a' })) // 'q=a'
 */
export async function requestBody(
  body: unknown,
): Promise<string | Uint8Array | undefined | typeof UNKEYABLE> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body;
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
  if (isSpecFormData(body)) return formDataText(body);
  return UNKEYABLE;
}

/** The bytes of a response body a client handed over whole (UTF-8 for a string); empty for anything else. */
export function bodyBytes(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'string') return Buffer.from(body);
  return new Uint8Array();
}

/** The size in bytes of a body the cache did not read, when it is known without reading (else 0). */
export function knownSize(body: unknown): number {
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof ArrayBuffer) return body.byteLength;
  if (ArrayBuffer.isView(body)) return body.byteLength;
  return 0;
}
