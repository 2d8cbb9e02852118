import type { CacheOptions } from '@reqcache/core';
import { createTestServer, type TestServer } from '@reqcache/test-server';
import got, { type ExtendOptions, type Got } from 'got';
import { type GotCachePlugin, gotCache } from '../src/index.js';

/** A fake clock for expiry tests: advanced by hand, never by sleeping. */
export interface Clock {
  now: () => number;
  advance(seconds: number): void;
}

export function fakeClock(startMs = Date.UTC(2025, 0, 1, 12)): Clock {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advance: (seconds) => {
      nowMs += seconds * 1000;
    },
  };
}

export interface Setup {
  server: TestServer;
  plugin: GotCachePlugin;
  client: Got;
  clock: Clock;
  url(path: string): string;
}

/** A test server, a memory-backed plugin and a got client extended with it (plus `extra` options), all closed in teardown. */
export async function setup(
  t: { teardown(fn: () => void | Promise<void>): void },
  options: CacheOptions = {},
  ...extra: ExtendOptions[]
): Promise<Setup> {
  const server = await createTestServer(t);
  const clock = fakeClock();
  const plugin = gotCache({ backend: 'memory', clock: clock.now, ...options });
  t.teardown(() => plugin.close());
  const client = got.extend(plugin, ...extra) as unknown as Got;
  return { server, plugin, client, clock, url: (path) => server.url + path };
}

/** Retries quickly: 1 ms backoff instead of got's 1 s, 2 s, … */
export const fastRetry = { limit: 2, backoffLimit: 1, noise: 0 } as const;
