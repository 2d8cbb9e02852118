/**
 * The Fetch standard's request rules that any wrapper of a fetch function needs to see a request as
 * fetch will send it: the URL, the headers of any `Headers` implementation, the body as bytes with the
 * content type fetch gives it, and which fields of a `Request` differ from their defaults.
 * @module
 */
import { InvalidOptionError } from './errors.js';
import { type RequestHeaders, toRequestHeaders } from './headers.js';

/** A `Request` of any fetch implementation (the global one, undici's, a polyfill's). */
export interface RequestLike {
  readonly url: string;
  readonly method: string;
  readonly headers: unknown;
  readonly body: unknown;
  readonly signal?: AbortSignal;
  readonly cache?: string;
  readonly redirect?: string;
  readonly credentials?: string;
  readonly mode?: string;
  readonly referrer?: string;
  readonly referrerPolicy?: string;
  readonly integrity?: string;
  readonly keepalive?: boolean;
  arrayBuffer(): Promise<ArrayBuffer>;
  /** A copy whose body can be read while this one's stays unread (Fetch §5.4); every `Request` has it. */
  clone?(): RequestLike;
}

/** True for a `Request` of any fetch implementation (duck-typed: `url`, `method`, `headers`, `arrayBuffer`). */
export function isRequestLike(input: unknown): input is RequestLike {
  if (typeof input !== 'object' || input === null || input instanceof URL) return false;
  const candidate = input as Record<string, unknown>;
  return (
    typeof candidate['url'] === 'string' &&
    typeof candidate['method'] === 'string' &&
    typeof candidate['arrayBuffer'] === 'function' &&
    'headers' in candidate
  );
}

/** Recently parsed URL strings → their WHATWG serialization (parsing costs more than the rest of a hit's translation). */
const parsedUrls = new Map<string, string>();

/**
 * The WHATWG serialization of a URL or URL string, with the `TypeError` fetch throws for one that does
 * not parse (Fetch §5.4, the `Request` constructor).
 */
export function parseRequestUrl(input: unknown): string {
  if (input instanceof URL) return input.href;
  const text = String(input);
  const known = parsedUrls.get(text);
  if (known !== undefined) return known;
  let href: string;
  try {
    href = new URL(text).href;
  } catch (error) {
    throw new TypeError(`Failed to parse URL from ${text}`, { cause: error });
  }
  if (parsedUrls.size >= 512) parsedUrls.clear();
  parsedUrls.set(text, href);
  return href;
}

/** The URL without its fragment, which is never sent (RFC 9110 §7.1) and never part of the key. */
export function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

/**
 * Request headers from any `HeadersInit`: a `Headers` object of any implementation (read through its
 * `forEach`), pairs or a record.
 */
export function headersOf(init: unknown): RequestHeaders {
  if (init === undefined || init === null) return {};
  const candidate = init as { forEach?: unknown };
  if (typeof candidate.forEach === 'function' && !Array.isArray(init)) {
    const out: RequestHeaders = {};
    (init as { forEach(cb: (value: string, name: string) => void): void }).forEach((value, name) => {
      const lower = name.toLowerCase();
      const existing = out[lower];
      out[lower] = existing === undefined ? value : `${existing}, ${value}`;
    });
    return out;
  }
  return toRequestHeaders(init as Parameters<typeof toRequestHeaders>[0]);
}

/** Throws fetch's `TypeError` for a GET or HEAD request with a body (Fetch §5.4, the `Request` constructor). */
export function checkBodyAllowed(method: string): void {
  if (method === 'GET' || method === 'HEAD') {
    throw new TypeError('Request with GET/HEAD method cannot have body.');
  }
}

const utf8 = new TextEncoder();

/**
 * A request body as bytes, with the content type fetch gives it (Fetch §5.2 "extract a body"):
 * `text/plain;charset=UTF-8` for a string, `application/x-www-form-urlencoded;charset=UTF-8` for
 * URLSearchParams, none for bytes, the Blob's type, the multipart boundary of a FormData. Streams and
 * async iterables are read to their end.
 */
export async function extractBody(body: unknown): Promise<{ bytes: Uint8Array; contentType: string | null }> {
  if (typeof body === 'string') return { bytes: utf8.encode(body), contentType: 'text/plain;charset=UTF-8' };
  if (body instanceof Uint8Array) return { bytes: body, contentType: null };
  if (body instanceof ArrayBuffer) return { bytes: new Uint8Array(body), contentType: null };
  if (ArrayBuffer.isView(body)) {
    return { bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), contentType: null };
  }
  if (body instanceof URLSearchParams) {
    return {
      bytes: utf8.encode(body.toString()),
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
    };
  }
  // Blob, FormData, ReadableStream, async iterables: let the platform extract them as fetch would.
  const extracted = new Response(body as BodyInit);
  return {
    bytes: new Uint8Array(await extracted.arrayBuffer()),
    contentType: extracted.headers.get('content-type'),
  };
}

/**
 * True for the bodies {@link extractBody} can only read by consuming them: a `ReadableStream` (of any
 * implementation) and an async iterable (a Node `Readable`, an async generator). Read once, they are
 * gone: nothing is left to send. Strings, bytes, `Blob`, `FormData` and `URLSearchParams` can be read
 * again and again.
 */
export function isOneShotBody(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const candidate = body as { getReader?: unknown; [Symbol.asyncIterator]?: unknown };
  return typeof candidate.getReader === 'function' || typeof candidate[Symbol.asyncIterator] === 'function';
}

/**
 * For `explain()`, which never sends: a one-shot body ({@link isOneShotBody}) is an `InvalidOptionError`
 * naming `option`, never read (reading it would leave nothing to send, and its key needs its bytes).
 */
export function refuseOneShotBody(body: unknown, option: string): void {
  if (!isOneShotBody(body)) return;
  throw new InvalidOptionError(
    option,
    body,
    'a string, bytes, Blob, FormData or URLSearchParams: explain() cannot read a one-shot stream ' +
      'without consuming it, and the request could then no longer be sent; pass the bytes or string instead',
  );
}

/**
 * A `Request`'s body as bytes. With `keepUsable` (`explain()`), read from a clone (Fetch §5.4: a stream
 * body is teed), so the same `Request` can still be sent; one without `clone()` is an `InvalidOptionError`.
 */
export async function requestBytes(request: RequestLike, keepUsable: boolean): Promise<Uint8Array> {
  if (!keepUsable) return new Uint8Array(await request.arrayBuffer());
  if (typeof request.clone !== 'function') {
    throw new InvalidOptionError(
      'input',
      request,
      'a Request with clone(): explain() reads a copy of its body, so that the Request can still be sent',
    );
  }
  return new Uint8Array(await request.clone().arrayBuffer());
}

/**
 * The fields of a `Request` that differ from what fetch would assume for a plain URL (Fetch §5.4,
 * `RequestInit` defaults: redirect `follow`, credentials `same-origin`, mode `cors`, referrer
 * `about:client`, no referrer policy, no integrity, no keepalive), so the request can be sent again as
 * `(url, init)` through another fetch implementation.
 */
export function requestFields(request: RequestLike): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (request.signal !== undefined) fields['signal'] = request.signal;
  if (request.redirect !== undefined && request.redirect !== 'follow') fields['redirect'] = request.redirect;
  if (request.credentials !== undefined && request.credentials !== 'same-origin')
    fields['credentials'] = request.credentials;
  if (request.mode !== undefined && request.mode !== 'cors' && request.mode !== 'navigate')
    fields['mode'] = request.mode;
  if (request.referrer !== undefined && request.referrer !== '' && request.referrer !== 'about:client')
    fields['referrer'] = request.referrer;
  if (request.referrerPolicy) fields['referrerPolicy'] = request.referrerPolicy;
  if (request.integrity) fields['integrity'] = request.integrity;
  if (request.keepalive === true) fields['keepalive'] = true;
  return fields;
}
