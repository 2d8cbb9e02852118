/**
 * Translating the config axios hands its adapter into what the cache sees: the full URL, the headers and
 * the body exactly as they will be sent.
 * @module
 */
import { type RequestHeaders, toRequestHeaders } from '@reqcache/core';
import { Axios, type AxiosRequestConfig, type InternalAxiosRequestConfig } from 'axios';

/** What axios's `isAbsoluteURL` accepts as absolute (a scheme, or a protocol-relative `//`). */
const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/** An Axios without defaults: its `getUri` joins baseURL, url and params exactly as the adapters do. */
const uriBuilder = new Axios({});

/**
 * The absolute URL axios will request: `baseURL` + `url` (honouring `allowAbsoluteUrls`) + the params
 * serialized by `paramsSerializer`, built by axios itself.
 */
export function requestUrl(config: InternalAxiosRequestConfig): string {
  // The common case, an absolute URL without params or baseURL, is the URL itself (as `getUri` returns it,
  // without its cost: it merges the config with defaults first).
  const { url, baseURL, params } = config;
  if (
    typeof url === 'string' &&
    (params === undefined || params === null) &&
    (baseURL === undefined || baseURL === null || baseURL === '') &&
    (url.startsWith('https://') || url.startsWith('http://') || ABSOLUTE_URL.test(url))
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

/** The request headers as the cache keeps them (lower-case names, repeated values joined). */
export function requestHeaders(config: InternalAxiosRequestConfig): RequestHeaders {
  const headers = config.headers as unknown;
  if (headers === undefined || headers === null) return {};
  const plain =
    typeof (headers as { toJSON?: unknown }).toJSON === 'function'
      ? (headers as { toJSON(asStrings: true): Record<string, string> }).toJSON(true)
      : (headers as Record<string, string>);
  return toRequestHeaders(plain);
}

/** A body the cache cannot read without consuming it (a stream): such requests bypass the cache. */
export const UNKEYABLE: unique symbol = Symbol('reqcache.unkeyable');

/**
 * The request body as it will be sent, for the key: by the time the adapter runs, `transformRequest` has
 * turned objects into JSON strings and URLSearchParams into strings. Bytes and Blobs are read as they are;
 * a spec FormData becomes a deterministic multipart text (its boundary is random when sent). Streams, and
 * values axios itself would refuse, give {@link UNKEYABLE}.
 */
export async function requestBody(
  data: unknown,
): Promise<string | Uint8Array | undefined | typeof UNKEYABLE> {
  if (data === undefined || data === null) return undefined;
  if (typeof data === 'string') return data;
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (data instanceof URLSearchParams) return data.toString();
  if (data instanceof Blob) return new Uint8Array(await data.arrayBuffer());
  if (isSpecFormData(data)) return formText(data);
  return UNKEYABLE;
}

/** A spec FormData (the global one, or another implementation of the same interface). */
interface FormLike {
  entries(): Iterable<[string, string | (Blob & { name?: string })]>;
}

function isSpecFormData(value: unknown): value is FormLike {
  if (value instanceof FormData) return true;
  const candidate = value as Partial<FormLike> & { [Symbol.toStringTag]?: unknown; pipe?: unknown };
  return (
    typeof value === 'object' &&
    candidate[Symbol.toStringTag] === 'FormData' &&
    typeof candidate.entries === 'function' &&
    candidate.pipe === undefined
  );
}

const encoder = new TextEncoder();

async function formText(form: FormLike): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      parts.push(encoder.encode(`--reqcache\r\nname=${JSON.stringify(name)}\r\n\r\n${value}\r\n`));
    } else {
      const head = `--reqcache\r\nname=${JSON.stringify(name)}; filename=${JSON.stringify(value.name ?? '')}; type=${JSON.stringify(value.type)}\r\n\r\n`;
      parts.push(encoder.encode(head), new Uint8Array(await value.arrayBuffer()), encoder.encode('\r\n'));
    }
  }
  parts.push(encoder.encode('--reqcache--'));
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
