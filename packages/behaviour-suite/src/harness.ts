import type { CacheOptions, ReqcacheError } from '@reqcache/core';
import { createTestServer, type TestServer } from '@reqcache/test-server';
import type { ExecutionContext, TestFn } from 'ava';
import type { AdapterSuiteOptions, SuiteClient, SuiteRequest, SuiteResponse } from './types.js';

/**
 * Where every fake clock starts: a fixed instant in the past, so the origin's real `Date` header never
 * makes a response look aged (its apparent age, `now - Date`, is always 0).
 */
export const START_MS = Date.UTC(2025, 0, 1, 12, 0, 0);

/** The clock a test controls: expiry is tested by advancing it, never by sleeping. */
export interface FakeClock {
  /** The current fake time, epoch ms (pass as the `clock` option). */
  now: () => number;
  /** Moves the clock forward. */
  advance(seconds: number): void;
  /** The current fake time plus `seconds`, as a Date. */
  inSeconds(seconds: number): Date;
}

/** A request to the test server by path. */
export type PathRequest = Omit<SuiteRequest, 'url'>;

/** Everything one test works with; closed through `t.teardown`. */
export interface Harness {
  server: TestServer;
  client: SuiteClient;
  clock: FakeClock;
  /** Every error the engine reported (its `error` event), oldest first. */
  errors: ReqcacheError[];
  /** The absolute URL of a path on the test server. */
  url(path: string): string;
  /** Sends a request for a path on the test server. */
  send(path: string, request?: PathRequest): Promise<SuiteResponse>;
}

/** Cache options for a test, or a function of the test server (for patterns naming its host). */
export type HarnessOptions = CacheOptions | ((server: TestServer) => CacheOptions);

/** What each group of cases receives. */
export interface SuiteContext {
  test: TestFn;
  /** `${name}: ${title}`. */
  title(title: string): string;
  setup(t: ExecutionContext, options?: HarnessOptions): Promise<Harness>;
  /** Whether the adapter reports redirect hops (see {@link AdapterSuiteOptions.redirectHops}). */
  redirectHops: boolean;
}

export function createFakeClock(startMs = START_MS): FakeClock {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advance(seconds) {
      nowMs += seconds * 1000;
    },
    inSeconds: (seconds) => new Date(nowMs + seconds * 1000),
  };
}

/**
 * How many tests of one suite hold a client and a test server at once: ava starts every test of a file
 * together, and more than about a hundred clients at once exhaust connection-limited stores (Postgres's
 * `max_connections`) and loopback sockets.
 */
export const MAX_CONCURRENT_HARNESSES = 24;

/** A counting semaphore. */
function createSlots(size: number): () => Promise<() => void> {
  let free = size;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) free++;
    else next();
  };
  return async () => {
    if (free > 0) free--;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  };
}

/** Builds the suite context for one adapter. */
export function createSuiteContext(test: TestFn, options: AdapterSuiteOptions): SuiteContext {
  const acquire = createSlots(MAX_CONCURRENT_HARNESSES);
  return {
    test,
    title: (title) => `${options.name}: ${title}`,
    redirectHops: options.redirectHops ?? true,
    async setup(t, harnessOptions = {}) {
      // Registered first, so it runs after every other teardown of the test (they run last-in first-out).
      t.teardown(await acquire());
      const server = await createTestServer(t);
      const clock = createFakeClock();
      const cacheOptions = typeof harnessOptions === 'function' ? harnessOptions(server) : harnessOptions;
      const backend = cacheOptions.backend ?? (await options.backend?.()) ?? 'memory';
      const client = await options.createClient({ ...cacheOptions, backend, clock: clock.now });
      t.teardown(() => client.close());
      const errors: ReqcacheError[] = [];
      client.engine.on('error', (error) => errors.push(error));
      const url = (path: string): string => server.url + path;
      return {
        server,
        client,
        clock,
        errors,
        url,
        send: (path, request = {}) => client.send({ ...request, url: url(path) }),
      };
    },
  };
}

/** The body of a response as UTF-8 text. */
export function text(body: Uint8Array): string {
  return new TextDecoder().decode(body);
}

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** A plain `Uint8Array` copy, so bodies compare equal whatever their class (Buffer, Uint8Array). */
export function bytes(body: Uint8Array | undefined): Uint8Array {
  return new Uint8Array(body ?? []);
}
