/**
 * The response an {@link Outcome} stands for, for adapters that build their client's response
 * themselves (a hit, a generated 504, an identical request's answer, a 304 merged into the stored
 * response). Pure.
 * @module
 */
import { generatedStatus, type Outcome } from './contract.js';
import type { CacheEntry } from './entry.js';
import { storedHeaders } from './entry-builder.js';
import type { ResponseHeaders } from './headers.js';

/** The status line, headers and body of the response an outcome stands for. */
export interface ServedResponse {
  status: number;
  statusText: string;
  /** With `Cache-Status` (RFC 9211) when the `cacheStatus` setting is on. */
  headers: ResponseHeaders;
  body: Uint8Array;
  /** The stored response served, when the answer is one. */
  entry: CacheEntry | undefined;
}

/**
 * The response `outcome` stands for: a stored response as stored; a generated 504 (`onlyIfCached`, an
 * unreachable origin that must revalidate, RFC 9111 §4.2.4) with no header and no body; a network
 * response with the headers it would be stored with (see `storedHeaders`) and the body the engine read,
 * or `rawBody(raw)` (the client's response) when it read none.
 */
export function servedResponse<R>(
  outcome: Outcome<R>,
  rawBody?: (raw: R) => Uint8Array | undefined,
): ServedResponse {
  const { cacheStatus } = outcome.info;
  const served = responseOf(outcome, rawBody);
  if (cacheStatus !== undefined) served.headers = { ...served.headers, 'cache-status': cacheStatus };
  return served;
}

function responseOf<R>(outcome: Outcome<R>, rawBody?: (raw: R) => Uint8Array | undefined): ServedResponse {
  switch (outcome.source) {
    case 'cache': {
      const { status, statusText, headers, body } = outcome.entry;
      return { status, statusText, headers, body, entry: outcome.entry };
    }
    case 'not-cached':
      return {
        ...generatedStatus(outcome.info.reason),
        headers: {},
        body: new Uint8Array(),
        entry: undefined,
      };
    case 'network': {
      const { response } = outcome;
      const body = outcome.body ?? rawBody?.(response.raw) ?? new Uint8Array();
      const headers = storedHeaders(response.headers, body, response.decoded ?? true);
      return { status: response.status, statusText: response.statusText, headers, body, entry: undefined };
    }
  }
}
