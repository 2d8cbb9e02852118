/**
 * A Node `IncomingMessage` as core's {@link NetworkResponse}: what clients built on `node:http` hand
 * over (got's responses are IncomingMessages with their body buffered; a streamed one is read by the
 * client itself, see `teeBody`).
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { BodyUnavailable, type NetworkResponse } from './contract.js';
import type { RedirectHop } from './entry.js';
import { toResponseHeaders } from './headers.js';

/** Where the message was received, and what its client did to its body. */
export interface IncomingAt {
  /** The URL the response came from (after redirects). */
  url: string;
  redirects: readonly RedirectHop[];
  /** The codings the client undid (see {@link NetworkResponse.decoded}). */
  decoded?: boolean | readonly string[] | undefined;
}

/**
 * `message` as a {@link NetworkResponse}. Its body is what `body()` resolves with; undefined means the
 * client could not hand it over whole (cut short, too large, a corrupt coding): reading it then rejects
 * with {@link BodyUnavailable}, and the response is not stored (`body-unavailable`).
 * @example incomingResponse(response, () => response.rawBody, { url: response.url, redirects: [] })
 */
export function incomingResponse<R extends IncomingMessage>(
  message: R,
  body: () => Promise<Uint8Array | undefined> | Uint8Array | undefined,
  at: IncomingAt,
): NetworkResponse<R> {
  const response: NetworkResponse<R> = {
    status: message.statusCode ?? 0,
    statusText: message.statusMessage ?? '',
    headers: toResponseHeaders(message.headers),
    url: at.url,
    redirects: at.redirects,
    readBody: async () => {
      const bytes = await body();
      if (bytes === undefined)
        throw new BodyUnavailable('the body was cut short, too large or not decodable');
      return bytes;
    },
    raw: message,
  };
  if (at.decoded !== undefined) response.decoded = at.decoded;
  return response;
}
