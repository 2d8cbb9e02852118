/**
 * Testing your own code with reqcache in place: keep the cache in memory (`backend: 'memory'`), drive
 * time with `clock`, and answer requests with undici's MockAgent — no network, no timers, no sleeping.
 * The tests use `node:test` (run this file with `node --import tsx examples/testing.ts`); any runner works.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CacheOptions, withCache } from '@reqcache/fetch';
import { MockAgent, fetch as undiciFetch } from 'undici';

// ---- the code under test: it takes its fetch, so a test can hand it a cached, mocked one ----------------

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

function createWeatherClient(fetchImpl: Fetch) {
  return {
    async temperature(city: string): Promise<number> {
      const response = await fetchImpl(`https://weather.example/v1/${city}`);
      if (!response.ok) throw new Error(`weather service answered ${response.status}`);
      return ((await response.json()) as { celsius: number }).celsius;
    },
  };
}

// ---- the tests ------------------------------------------------------------------------------------------

/** A cached fetch over a MockAgent, with a clock the test moves. */
function setup(t: { after(fn: () => Promise<void>): void }, options: CacheOptions) {
  const agent = new MockAgent();
  agent.disableNetConnect(); // anything not mocked fails loudly
  const clock = { now: Date.parse('2026-01-01T12:00:00Z') };
  const cachedFetch = withCache(
    (input, init) =>
      undiciFetch(input as string, {
        ...(init as object),
        dispatcher: agent,
      }) as unknown as Promise<Response>,
    { backend: 'memory', clock: () => clock.now, ...options },
  );
  t.after(async () => {
    await cachedFetch.close();
    await agent.close();
  });
  return { weather: agent.get('https://weather.example'), cachedFetch, clock, agent };
}

test('the temperature is fetched once, then served from the cache until it expires', async (t) => {
  const { weather, cachedFetch, clock, agent } = setup(t, { expireAfter: '10m' });
  weather.intercept({ path: '/v1/oslo' }).reply(200, { celsius: -3 });
  const client = createWeatherClient(cachedFetch);

  assert.equal(await client.temperature('oslo'), -3);
  assert.equal(await client.temperature('oslo'), -3); // from the cache: the interceptor was used once
  agent.assertNoPendingInterceptors();

  clock.now += 11 * 60_000; // expired: the next call goes to the (mocked) network again
  weather.intercept({ path: '/v1/oslo' }).reply(200, { celsius: -1 });
  assert.equal(await client.temperature('oslo'), -1);
});

test('with staleIfError, an outage serves the last known value', async (t) => {
  const { weather, cachedFetch, clock } = setup(t, { expireAfter: '10m', staleIfError: '1d' });
  const client = createWeatherClient(cachedFetch);
  weather.intercept({ path: '/v1/rome' }).reply(200, { celsius: 18 });
  assert.equal(await client.temperature('rome'), 18);

  clock.now += 60 * 60_000;
  weather.intercept({ path: '/v1/rome' }).reply(503, 'down for maintenance');
  assert.equal(await client.temperature('rome'), 18);
  assert.equal(cachedFetch.engine.stats().stale, 1);
});

test('without the cache the same outage is an error (the behaviour the cache changes)', async (t) => {
  const { weather, cachedFetch } = setup(t, { disabled: true });
  weather.intercept({ path: '/v1/rome' }).reply(503, 'down for maintenance');
  await assert.rejects(createWeatherClient(cachedFetch).temperature('rome'), /answered 503/);
});
