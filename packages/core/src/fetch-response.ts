/**
 * A fetch `Response` rebuilt from a stored or received status line, headers and body, for any client
 * that answers with fetch Responses: what the Fetch standard's `Response` constructor accepts decides
 * what the rebuilt response can carry.
 * @module
 */
import { headerPairs, type ResponseHeaders } from './headers.js';
import { hasNullBody } from './null-body.js';

/** The parts a response is rebuilt from. */
export interface FetchResponseParts {
  status: number;
  statusText: string;
  headers: ResponseHeaders;
  body: Uint8Array;
}

/** How to construct the response: `new Response(body, init)` or a subclass's constructor. */
export type ConstructResponse<R extends Response> = (
  body: Uint8Array<ArrayBuffer> | null,
  init: ResponseInit,
) => R;

/**
 * Rebuilds a response to a `method` request from `parts` with `construct`:
 * - the body is null for a HEAD request or a null body status ({@link hasNullBody});
 * - the constructor takes statuses 200–599 only (Fetch §5.5 "Response class"): another one (a stored
 *   1xx) is constructed as a 200 without headers, then reported by own `status` and `ok` (false) fields;
 * - a status text or header another client accepted but fetch refuses (Fetch §2.2.2 header names and
 *   values, the reason-phrase production) is dropped: constructed again without the status text, with
 *   only the headers fetch takes.
 */
export function buildFetchResponse<R extends Response>(
  parts: FetchResponseParts,
  method: string,
  construct: ConstructResponse<R>,
): R {
  const { status, statusText } = parts;
  const constructible = status >= 200 && status <= 599;
  const body = hasNullBody(method, status) ? null : (parts.body as Uint8Array<ArrayBuffer>);
  const headers = constructible ? headersInit(parts.headers) : [];
  let response: R;
  try {
    response = construct(body, { status: constructible ? status : 200, statusText, headers });
  } catch {
    response = construct(body, { status: constructible ? status : 200, headers: validHeaders(headers) });
  }
  if (!constructible) {
    Object.defineProperties(response, {
      status: { value: status, enumerable: true, configurable: true },
      ok: { value: false, enumerable: true, configurable: true },
    });
  }
  return response;
}

/** The `HeadersInit` of each shared (frozen) stored header set, built once: entries are served many times. */
const headersInits = new WeakMap<ResponseHeaders, HeadersInit>();

/**
 * Headers as a `HeadersInit`: a record (cheaper for fetch to take in than pairs) unless a value is a
 * list (`set-cookie`), which gives one pair per item.
 */
export function headersInit(headers: ResponseHeaders): HeadersInit {
  const known = headersInits.get(headers);
  if (known !== undefined) return known;
  const lists = Object.values(headers).some((value) => typeof value !== 'string');
  const init = lists ? [...headerPairs(headers)] : (headers as Record<string, string>);
  if (Object.isFrozen(headers)) headersInits.set(headers, init);
  return init;
}

/** The headers of `init` that fetch takes; the others are skipped. */
function validHeaders(init: HeadersInit): Headers {
  const headers = new Headers();
  const pairs = Array.isArray(init) ? init : Object.entries(init as Record<string, string>);
  for (const [name, value] of pairs) {
    try {
      headers.append(name, value);
    } catch {
      // Skipped: not a valid header for fetch.
    }
  }
  return headers;
}
