/**
 * A copy of a streamed response's body, kept while the client reads the stream itself: how a
 * hook-style adapter stores a response whose body it never holds (got's stream API).
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { driveClientRequest } from './client-request.js';
import { decodeContentCoding } from './content-coding.js';
import { assignCacheInfo, cacheInfo, type ForwardLookup } from './contract.js';
import type { CacheEngine } from './engine.js';
import type { RedirectHop } from './entry.js';
import type { SettleFlight } from './hook-plan.js';
import { incomingResponse } from './incoming-response.js';

/**
 * Keeps a copy of `response`'s body as its client reads it, decoded as Node clients decode it
 * ({@link decodeContentCoding}). The copy is kept until just past `limitBytes` (enough for the store
 * decision to see it is too large, never more); it resolves with undefined when the body was cut
 * short (aborted, errored) or its coding is corrupt. The response is paused: every chunk then reaches
 * the client and the copy alike, once the client reads it.
 */
export function teeBody(response: IncomingMessage, limitBytes: number): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  const body = new Promise<Uint8Array | undefined>((done) => {
    response.on('data', (chunk: Buffer) => {
      if (size <= limitBytes) chunks.push(chunk);
      size += chunk.byteLength;
    });
    response.once('end', () =>
      done(decodeContentCoding(Buffer.concat(chunks), response.headers['content-encoding'])),
    );
    response.once('aborted', () => done(undefined));
    response.once('error', () => done(undefined));
  });
  response.pause();
  return body;
}

/**
 * Sends a streamed miss with `start` (a request function bound to its URL and options, see
 * {@link driveClientRequest}) and hands the response to the client at once, with the miss's cache
 * fields; once its body is complete, offers it to the cache (`handleResponse`: stored, or not with the
 * reason) and ends the flight with that outcome (`settle`, when the request leads identical ones).
 */
export async function sendTeed(
  engine: Pick<CacheEngine, 'handleResponse' | 'clock' | 'settings'>,
  lookup: ForwardLookup,
  start: () => unknown,
  at: { url: string; redirects: readonly RedirectHop[]; settle: SettleFlight | undefined },
): Promise<unknown> {
  const { settle } = at;
  const info = cacheInfo(lookup.reason, engine.clock());
  const received = (response: IncomingMessage) => {
    const body = teeBody(response, engine.settings.parsed.maxEntryBytes);
    assignCacheInfo(response, info);
    void engine
      .handleResponse(
        lookup,
        incomingResponse(response, () => body, at),
      )
      .then(settle, () => settle?.(undefined))
      .catch(() => {});
    return response;
  };
  try {
    return await driveClientRequest(start, { received });
  } catch (error) {
    settle?.(undefined);
    throw error;
  }
}
