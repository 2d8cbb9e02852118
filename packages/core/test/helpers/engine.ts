import type { ExecutionContext } from 'ava';
import type { CacheRequest, KeyedRequest, NetworkResponse, Outcome } from '../../src/contract.js';
import { CacheEngine } from '../../src/engine.js';
import { toResponseHeaders } from '../../src/headers.js';
import type { CacheOptions, RequestCacheOptions } from '../../src/options.js';
import { T0 } from './entry.js';

/** A clock the test moves by hand. */
export interface FakeClock {
  (): number;
  now: number;
  advance(ms: number): void;
}

export function fakeClock(start = T0): FakeClock {
  const clock = (() => clock.now) as FakeClock;
  clock.now = start;
  clock.advance = (ms) => {
    clock.now += ms;
  };
  return clock;
}

/** A memory-backed engine on a fake clock, closed at the end of the test. */
export function createEngine(
  t: ExecutionContext,
  options: CacheOptions = {},
): { engine: CacheEngine; clock: FakeClock } {
  const clock = fakeClock();
  const engine = new CacheEngine({ backend: 'memory', clock, ...options });
  t.teardown(async () => {
    await engine.settled();
    engine.settings.autoclose = true;
    await engine.cache.close();
  });
  return { engine, clock };
}

export function cacheRequest(
  url: string,
  method = 'GET',
  headers: Record<string, string> = {},
): KeyedRequest {
  return { method, url, headers };
}

/** `send(extraHeaders)` for the engine: the real request with fetch, answered as a NetworkResponse. */
export function fetchSender(request: CacheRequest) {
  return async (extraHeaders: Record<string, string> | undefined): Promise<NetworkResponse<Response>> => {
    const init: RequestInit = { method: request.method, headers: { ...request.headers, ...extraHeaders } };
    if (request.body !== undefined) init.body = request.body as BodyInit;
    const response = await fetch(request.url, init);
    return {
      status: response.status,
      statusText: response.statusText,
      headers: toResponseHeaders(response.headers),
      url: response.url,
      readBody: async () => new Uint8Array(await response.arrayBuffer()),
      discard: () => {
        void response.body?.cancel();
      },
      raw: response,
    };
  };
}

/** The body of an outcome as text, releasing the network response when the engine did not read it. */
export async function outcomeText(outcome: Outcome<Response>): Promise<string> {
  switch (outcome.source) {
    case 'cache':
      return new TextDecoder().decode(outcome.entry.body);
    case 'network':
      return outcome.body === undefined
        ? outcome.response.raw.text()
        : new TextDecoder().decode(outcome.body);
    case 'not-cached':
      return '';
  }
}

/** One request through `engine.request()`, its body read. */
export async function send(
  engine: CacheEngine,
  url: string,
  options?: RequestCacheOptions,
  method = 'GET',
  headers: Record<string, string> = {},
): Promise<{ outcome: Outcome<Response>; text: string }> {
  const request = cacheRequest(url, method, headers);
  const outcome = await engine.request(request, options, fetchSender(request));
  return { outcome, text: await outcomeText(outcome) };
}
