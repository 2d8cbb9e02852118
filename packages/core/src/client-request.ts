/**
 * Driving the `ClientRequest` a `node:http`-style request function returns (`http.request`, got's
 * `request` option), for adapters that must see a connection error before their client does, to answer
 * it from the cache (RFC 9111 §4.2.4 `stale-if-error`, a generated 504).
 * @module
 */
import { ClientRequest, type IncomingMessage } from 'node:http';

/** How {@link driveClientRequest} answers. */
export interface DriveOptions {
  /** Destroys the request with an `ETIMEDOUT` error after this many ms (see {@link deadlineBeforeMs}). */
  deadlineMs?: number | undefined;
  /** What to resolve with once the response arrived. @default the response itself */
  received?: ((response: IncomingMessage) => unknown) | undefined;
  /** What to resolve with instead of a connection error (refused, reset, the deadline); undefined: reject. */
  answerError?: (() => unknown) | undefined;
}

/**
 * Calls `start` (a request function bound to its URL and options) and drives the ClientRequest it
 * returns: ends it, then resolves with `received(response)`, or on a connection error with what
 * `answerError` answers. Anything else `start` returns or resolves with (a mock's response, nothing for
 * the client's own fallback) is resolved as it is.
 * @example await driveClientRequest(() => http.request(url), { answerError: () => staleResponse })
 */
export async function driveClientRequest(start: () => unknown, options: DriveOptions = {}): Promise<unknown> {
  const started = start();
  const request = started instanceof Promise ? await started : started;
  if (!(request instanceof ClientRequest)) return request;
  const { deadlineMs, received = (response: IncomingMessage) => response, answerError } = options;
  return new Promise((resolve, reject) => {
    const timer =
      deadlineMs === undefined
        ? undefined
        : setTimeout(() => {
            const message = `Timeout awaiting 'request' for ${deadlineMs}ms`;
            request.destroy(Object.assign(new Error(message), { code: 'ETIMEDOUT' }));
          }, deadlineMs);
    request.once('response', (response: IncomingMessage) => {
      clearTimeout(timer);
      resolve(received(response));
    });
    request.once('error', (error) => {
      clearTimeout(timer);
      const answer = answerError?.();
      if (answer === undefined) reject(error);
      else resolve(answer);
    });
    request.end();
  });
}

/**
 * A deadline a little before a client's own time limit (by a tenth, at most 100 ms), so that the
 * cache sees the timeout first: a client that times the whole request, request function included
 * (got 16), would otherwise fail it with its own error.
 * @example deadlineBeforeMs(2000) // 1900
 */
export function deadlineBeforeMs(clientLimitMs: number | undefined): number | undefined {
  if (clientLimitMs === undefined) return undefined;
  return Math.max(1, clientLimitMs - Math.min(100, clientLimitMs / 10));
}
