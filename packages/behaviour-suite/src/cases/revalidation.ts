/** Revalidation and per-request control: ETag, Last-Modified, refresh, forceRefresh, onlyIfCached, disabled, stale responses. */
import type { ServerResponse } from 'node:http';
import { DEFAULT_LAST_MODIFIED } from '@reqcache/test-server';
import { bytes, START_MS, type SuiteContext } from '../harness.js';

/** A route that answers 200 the first time and 500 afterwards. */
function failAfterFirst(): (req: unknown, res: ServerResponse) => void {
  let calls = 0;
  return (_req, res) => {
    calls++;
    const ok = calls === 1;
    res.writeHead(ok ? 200 : 500, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? { ok: true } : { error: 'origin down' }));
  };
}

export function registerRevalidationCases({ test, title, setup }: SuiteContext): void {
  const validators = [
    {
      label: 'ETag → If-None-Match',
      path: '/etag/v1',
      header: 'if-none-match',
      value: '"v1"',
    },
    {
      label: 'Last-Modified → If-Modified-Since',
      path: '/last-modified',
      header: 'if-modified-since',
      value: DEFAULT_LAST_MODIFIED,
    },
  ];
  for (const { label, path, header, value } of validators) {
    test(
      title(`revalidation of an expired entry: ${label}, 304 → cached body, expiration reset`),
      async (t) => {
        const { server, clock, send } = await setup(t, { expireAfter: 60 });
        const first = await send(path);
        t.false(first.fromCache);
        t.is(server.lastRequest(path)?.headers[header], undefined);

        clock.advance(61);
        const revalidated = await send(path);
        t.is(server.hits(path), 2);
        t.is(server.lastRequest(path)?.headers[header], value);
        t.is(revalidated.status, 200);
        t.true(revalidated.fromCache);
        t.true(revalidated.revalidated);
        t.false(revalidated.isExpired);
        t.is(revalidated.cacheKey, first.cacheKey);
        t.deepEqual(bytes(revalidated.body), bytes(first.body));
        t.is(revalidated.createdAt.getTime(), START_MS);
        t.is(revalidated.expires?.getTime(), START_MS + 121_000);

        const hit = await send(path);
        t.true(hit.fromCache);
        t.false(hit.revalidated);
        t.deepEqual(bytes(hit.body), bytes(first.body));
        t.is(hit.expires?.getTime(), START_MS + 121_000);
        t.is(server.hits(path), 2);
      },
    );
  }

  test(title('refresh: true sends a conditional request even while fresh'), async (t) => {
    const { server, send } = await setup(t, { expireAfter: 3600 });
    const first = await send('/etag/abc');
    const refreshed = await send('/etag/abc', { cache: { refresh: true } });
    t.is(server.hits('/etag/abc'), 2);
    t.is(server.lastRequest('/etag/abc')?.headers['if-none-match'], '"abc"');
    t.true(refreshed.fromCache);
    t.true(refreshed.revalidated);
    t.deepEqual(bytes(refreshed.body), bytes(first.body));
    const hit = await send('/etag/abc');
    t.true(hit.fromCache);
    t.false(hit.revalidated);
    t.is(server.hits('/etag/abc'), 2);
  });

  test(title('forceRefresh sends an unconditional request and overwrites the entry'), async (t) => {
    const { server, send } = await setup(t, { expireAfter: 3600 });
    await send('/etag/abc');
    const forced = await send('/etag/abc', { cache: { forceRefresh: true } });
    t.is(server.hits('/etag/abc'), 2);
    t.is(server.lastRequest('/etag/abc')?.headers['if-none-match'], undefined);
    t.is(forced.status, 200);
    t.false(forced.fromCache);

    const first = await send('/counter/a');
    t.like(first.json(), { count: 1 });
    const overwritten = await send('/counter/a', { cache: { forceRefresh: true } });
    t.false(overwritten.fromCache);
    t.like(overwritten.json(), { count: 2 });
    t.is(overwritten.cacheKey, first.cacheKey);
    const hit = await send('/counter/a');
    t.true(hit.fromCache);
    t.like(hit.json(), { count: 2 });
    t.is(server.hits('/counter/a'), 2);
  });

  test(
    title('onlyIfCached: a hit is served, a miss is a synthetic 504 and never reaches the origin'),
    async (t) => {
      const { server, client, clock, send } = await setup(t, { expireAfter: 60 });
      const miss = await send('/get', { cache: { onlyIfCached: true } });
      t.is(miss.status, 504);
      t.true(miss.fromCache);
      t.is(miss.cacheKey, undefined);
      t.is(server.totalHits(), 0);
      t.is(await client.cache.responseCount(), 0);

      const stored = await send('/get');
      const hit = await send('/get', { cache: { onlyIfCached: true } });
      t.is(hit.status, 200);
      t.true(hit.fromCache);
      t.deepEqual(bytes(hit.body), bytes(stored.body));
      t.is(server.hits('/get'), 1);

      // An expired entry is not served, and still the origin is not contacted.
      clock.advance(61);
      const expired = await send('/get', { cache: { onlyIfCached: true } });
      t.is(expired.status, 504);
      t.is(server.hits('/get'), 1);

      // The session-level setting behaves the same.
      client.settings.onlyIfCached = true;
      const sessionMiss = await send('/json');
      t.is(sessionMiss.status, 504);
      t.is(server.hits('/json'), 0);
    },
  );

  test(title('disabled per request: neither read nor written'), async (t) => {
    const { server, client, send } = await setup(t);
    const disabledMiss = await send('/get', { cache: { disabled: true } });
    t.false(disabledMiss.fromCache);
    t.is(disabledMiss.cacheKey, undefined);
    t.is(await client.cache.responseCount(), 0);

    const stored = await send('/uuid');
    const bypassed = await send('/uuid', { cache: { disabled: true } });
    t.false(bypassed.fromCache);
    t.notDeepEqual(bypassed.json(), stored.json());
    const hit = await send('/uuid');
    t.true(hit.fromCache);
    t.deepEqual(hit.json(), stored.json());
    t.is(server.hits('/uuid'), 2);
    t.is(server.hits('/get'), 1);
  });

  test(title('staleIfError: an expired entry is served when the origin answers 500'), async (t) => {
    const { server, client, clock, send } = await setup(t, { expireAfter: 60, staleIfError: true });
    server.route('GET', '/flaky', failAfterFirst());
    const first = await send('/flaky');
    t.is(first.status, 200);
    clock.advance(61);
    const stale = await send('/flaky');
    t.is(server.hits('/flaky'), 2);
    t.is(stale.status, 200);
    t.true(stale.fromCache);
    t.true(stale.isExpired);
    t.deepEqual(stale.json(), { ok: true });
    t.is(stale.cacheKey, first.cacheKey);
    t.regex(stale.description, /\(stale\)/);
    t.is(await client.cache.responseCount(), 1);
  });

  test(title('without staleIfError the 500 is returned and the old entry kept'), async (t) => {
    const { server, client, clock, send } = await setup(t, { expireAfter: 60 });
    server.route('GET', '/flaky', failAfterFirst());
    const first = await send('/flaky');
    clock.advance(61);
    const failed = await send('/flaky');
    t.is(server.hits('/flaky'), 2);
    t.is(failed.status, 500);
    t.false(failed.fromCache);
    t.deepEqual(failed.json(), { error: 'origin down' });
    const kept = await client.cache.responses.get(first.cacheKey ?? '');
    t.is(kept?.status, 200);
  });

  test(
    title('staleWhileRevalidate: an expired entry is served at once and refreshed in the background'),
    async (t) => {
      const { server, client, clock, send } = await setup(t, { expireAfter: 60, staleWhileRevalidate: true });
      const first = await send('/uuid');
      clock.advance(61);
      const stale = await send('/uuid');
      t.true(stale.fromCache);
      t.true(stale.isExpired);
      t.deepEqual(stale.json(), first.json());
      t.regex(stale.description, /\(stale\)/);

      await client.engine.settled();
      t.is(server.hits('/uuid'), 2);
      const fresh = await send('/uuid');
      t.true(fresh.fromCache);
      t.false(fresh.isExpired);
      t.notDeepEqual(fresh.json(), first.json());
      t.is(fresh.expires?.getTime(), START_MS + 121_000);
      t.is(server.hits('/uuid'), 2);
    },
  );
}
