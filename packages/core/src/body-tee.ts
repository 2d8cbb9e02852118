/**
 * A copy of a streamed response's body, kept while the client reads the stream itself: how a
 * hook-style adapter stores a response whose body it never holds (got's stream API).
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { decodeContentCoding } from './content-coding.js';

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
