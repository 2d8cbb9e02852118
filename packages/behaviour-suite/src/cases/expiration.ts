/** Storing and expiring: miss then hit, HEAD, expiration values, expiry, URL patterns, precedence. */
import {
  type CacheOptions,
  DO_NOT_CACHE,
  EXPIRE_IMMEDIATELY,
  type ExpireAfter,
  NEVER_EXPIRE,
  type RequestCacheOptions,
} from '@reqcache/core';
import { bytes, START_MS, type SuiteContext } from '../harness.js';

export function registerExpirationCases({ test, title, setup }: SuiteContext): void {
  test(title('a miss is stored, then served from the cache without reaching the origin'), async (t) => {
    const { server, send } = await setup(t);
    const first = await send('/get');
    t.is(first.status, 200);
    t.false(first.fromCache);
    t.is(typeof first.cacheKey, 'string');
    t.is(first.expires, null);
    t.false(first.isExpired);
    t.false(first.revalidated);
    t.is(first.createdAt.getTime(), START_MS);

    const second = await send('/get');
    t.is(second.status, 200);
    t.true(second.fromCache);
    t.false(second.isExpired);
    t.false(second.revalidated);
    t.is(second.cacheKey, first.cacheKey);
    t.is(second.createdAt.getTime(), START_MS);
    t.deepEqual(bytes(second.body), bytes(first.body));
    t.is(second.headers['content-type'], 'application/json');
    t.is(server.hits('/get'), 1);
  });

  test(title('HEAD is cached separately from GET'), async (t) => {
    const { server, send } = await setup(t);
    const head = await send('/get', { method: 'HEAD' });
    t.is(head.status, 200);
    t.false(head.fromCache);
    t.is(head.body.byteLength, 0);
    const get = await send('/get');
    t.false(get.fromCache);
    t.true(get.body.byteLength > 0);
    t.not(get.cacheKey, head.cacheKey);
    t.is(server.hits('/get'), 2);
    t.is(server.requests[0]?.method, 'HEAD');
    t.is(server.requests[1]?.method, 'GET');

    const headAgain = await send('/get', { method: 'HEAD' });
    t.true(headAgain.fromCache);
    t.is(headAgain.cacheKey, head.cacheKey);
    t.is(headAgain.body.byteLength, 0);
    const getAgain = await send('/get');
    t.true(getAgain.fromCache);
    t.deepEqual(bytes(getAgain.body), bytes(get.body));
    t.is(server.hits('/get'), 2);
  });

  const stored: Array<{ label: string; expireAfter: ExpireAfter; expiresAt: number | null }> = [
    { label: 'seconds (60)', expireAfter: 60, expiresAt: START_MS + 60_000 },
    { label: 'NEVER_EXPIRE', expireAfter: NEVER_EXPIRE, expiresAt: null },
    { label: "a duration string ('15m')", expireAfter: '15m', expiresAt: START_MS + 15 * 60_000 },
    { label: 'a duration object ({minutes: 1})', expireAfter: { minutes: 1 }, expiresAt: START_MS + 60_000 },
    { label: 'a Date', expireAfter: new Date(START_MS + 3_600_000), expiresAt: START_MS + 3_600_000 },
  ];
  for (const { label, expireAfter, expiresAt } of stored) {
    test(title(`expireAfter as ${label} sets expires and serves hits until then`), async (t) => {
      const { server, clock, send } = await setup(t, { expireAfter });
      const first = await send('/get');
      t.false(first.fromCache);
      t.is(first.expires?.getTime() ?? null, expiresAt);
      t.false(first.isExpired);
      // Just before expiry (or a year later, for NEVER_EXPIRE) it is still a hit.
      clock.advance(expiresAt === null ? 365 * 86_400 : (expiresAt - START_MS) / 1000 - 1);
      const second = await send('/get');
      t.true(second.fromCache);
      t.false(second.isExpired);
      t.is(second.expires?.getTime() ?? null, expiresAt);
      t.is(second.cacheKey, first.cacheKey);
      t.is(server.hits('/get'), 1);
    });
  }

  test(
    title('expired responses are kept until deleted, as in requests-cache; storeTtl opts into a store TTL'),
    async (t) => {
      const { server, client, clock, send } = await setup(t, { expireAfter: 1, staleIfError: true });
      await send('/get');
      // Real time too: a store TTL (were one given) is counted by the store's own clock.
      await new Promise((resolve) => setTimeout(resolve, 1200));
      clock.advance(3600);
      t.is(await client.cache.responseCount({ checkExpiry: false }), 1);
      const expired: string[] = [];
      for await (const response of client.cache.filter({ valid: false, expired: true })) {
        if (!('error' in response)) expired.push(response.url);
      }
      t.deepEqual(expired, [`${server.url}/get`]);
      client.settings.storeTtl = true;
      t.is(client.settings.storeTtl, true);
      t.is(await client.cache.delete({ expired: true }), 1);
      t.is(await client.cache.responseCount({ checkExpiry: false }), 0);
    },
  );

  test(title('EXPIRE_IMMEDIATELY without a validator: not stored'), async (t) => {
    const { server, client, send } = await setup(t, { expireAfter: EXPIRE_IMMEDIATELY });
    const first = await send('/get');
    t.false(first.fromCache);
    t.is(first.cacheKey, undefined);
    t.is(first.expires, null);
    const second = await send('/get');
    t.false(second.fromCache);
    t.is(server.hits('/get'), 2);
    t.is(await client.cache.responseCount(), 0);
  });

  test(title('EXPIRE_IMMEDIATELY with an ETag: stored, and revalidated on every use'), async (t) => {
    const { server, client, send } = await setup(t, { expireAfter: EXPIRE_IMMEDIATELY });
    const first = await send('/etag/abc');
    t.false(first.fromCache);
    t.is(typeof first.cacheKey, 'string');
    t.is(first.expires?.getTime(), START_MS);
    t.is(await client.cache.responseCount(), 1);
    for (const round of [2, 3]) {
      const again = await send('/etag/abc');
      t.is(server.hits('/etag/abc'), round);
      t.is(server.lastRequest('/etag/abc')?.headers['if-none-match'], '"abc"');
      t.is(again.status, 200);
      t.true(again.fromCache);
      t.true(again.revalidated);
      t.is(again.cacheKey, first.cacheKey);
      t.deepEqual(bytes(again.body), bytes(first.body));
    }
  });

  test(title('session expireAfter DO_NOT_CACHE: nothing is stored or read'), async (t) => {
    const { server, client, send } = await setup(t, { expireAfter: DO_NOT_CACHE });
    const first = await send('/get');
    const second = await send('/get');
    t.false(first.fromCache);
    t.false(second.fromCache);
    t.is(first.cacheKey, undefined);
    t.is(second.cacheKey, undefined);
    t.is(server.hits('/get'), 2);
    t.is(await client.cache.responseCount(), 0);
  });

  test(title('after the clock passes expires, the next request goes to the origin'), async (t) => {
    const { server, clock, send } = await setup(t, { expireAfter: 60 });
    const first = await send('/uuid');
    clock.advance(59);
    const fresh = await send('/uuid');
    t.true(fresh.fromCache);
    t.deepEqual(fresh.json(), first.json());
    t.is(server.hits('/uuid'), 1);

    clock.advance(1);
    const refetched = await send('/uuid');
    t.false(refetched.fromCache);
    t.notDeepEqual(refetched.json(), first.json());
    t.is(refetched.expires?.getTime(), START_MS + 120_000);
    t.is(server.hits('/uuid'), 2);
    t.is(server.lastRequest('/uuid')?.headers['if-none-match'], undefined);

    const hit = await send('/uuid');
    t.true(hit.fromCache);
    t.deepEqual(hit.json(), refetched.json());
    t.is(server.hits('/uuid'), 2);
  });

  test(title('urlsExpireAfter: the first matching pattern wins, then the session expireAfter'), async (t) => {
    const { server, send } = await setup(t, (origin) => ({
      expireAfter: 10,
      urlsExpireAfter: {
        [`127.0.0.1:${origin.port}/anything/first`]: 30,
        [`127.0.0.1:${origin.port}/anything`]: 90,
        '*/json': NEVER_EXPIRE,
      },
    }));
    const cases: Array<[string, number | null]> = [
      ['/anything/first/page?x=1', START_MS + 30_000],
      ['/anything/second', START_MS + 90_000],
      ['/json', null],
      ['/get', START_MS + 10_000],
    ];
    for (const [path, expiresAt] of cases) {
      const response = await send(path);
      t.is(response.expires?.getTime() ?? null, expiresAt, path);
      t.true((await send(path)).fromCache, path);
    }
    t.is(server.totalHits(), cases.length);
  });

  test(title('urlsExpireAfter allowlist: {"<host>/cache": 60, "*": DO_NOT_CACHE}'), async (t) => {
    const { server, client, send } = await setup(t, (origin) => ({
      urlsExpireAfter: { [`127.0.0.1:${origin.port}/cache`]: 60, '*': DO_NOT_CACHE },
    }));
    const cached = await send('/cache');
    t.is(cached.expires?.getTime(), START_MS + 60_000);
    t.true((await send('/cache')).fromCache);
    t.is(server.hits('/cache'), 1);

    const first = await send('/get');
    const second = await send('/get');
    t.is(first.cacheKey, undefined);
    t.false(second.fromCache);
    t.is(server.hits('/get'), 2);
    t.is(await client.cache.responseCount(), 1);
  });

  // Precedence, highest first: response Cache-Control (with cacheControl) > request Cache-Control
  // max-age > per-request expireAfter > urlsExpireAfter > session expireAfter.
  const maxAge120 = '/response-headers?Cache-Control=max-age%3D120';
  const precedence: Array<{
    label: string;
    options: CacheOptions;
    headers?: Record<string, string>;
    cache?: RequestCacheOptions;
    expiresInSeconds: number;
  }> = [
    {
      label: 'response max-age (cacheControl: true) beats everything',
      options: { cacheControl: true, expireAfter: 10, urlsExpireAfter: { '*': 15 } },
      headers: { 'cache-control': 'max-age=30' },
      cache: { expireAfter: 20 },
      expiresInSeconds: 120,
    },
    {
      label: 'request Cache-Control max-age beats per-request expireAfter',
      options: { expireAfter: 10, urlsExpireAfter: { '*': 15 } },
      headers: { 'cache-control': 'max-age=30' },
      cache: { expireAfter: 20 },
      expiresInSeconds: 30,
    },
    {
      label: 'per-request expireAfter beats urlsExpireAfter',
      options: { expireAfter: 10, urlsExpireAfter: { '*': 15 } },
      cache: { expireAfter: 20 },
      expiresInSeconds: 20,
    },
    {
      label: 'urlsExpireAfter beats session expireAfter',
      options: { expireAfter: 10, urlsExpireAfter: { '*': 15 } },
      expiresInSeconds: 15,
    },
    {
      label: 'response Cache-Control is ignored with cacheControl: false',
      options: { expireAfter: 10 },
      expiresInSeconds: 10,
    },
  ];
  for (const row of precedence) {
    test(title(`precedence: ${row.label}`), async (t) => {
      const { server, send } = await setup(t, row.options);
      const request = {
        ...(row.headers && { headers: row.headers }),
        ...(row.cache && { cache: row.cache }),
      };
      const first = await send(maxAge120, request);
      t.false(first.fromCache);
      t.is(first.expires?.getTime(), START_MS + row.expiresInSeconds * 1000);
      const second = await send(maxAge120, request);
      t.true(second.fromCache);
      t.is(server.hits('/response-headers'), 1);
    });
  }

  for (const cacheControl of [false, true]) {
    test(
      title(`a response with Cache-Control: no-store is never stored (cacheControl: ${cacheControl})`),
      async (t) => {
        const { server, client, send } = await setup(t, { cacheControl });
        const first = await send('/response-headers?Cache-Control=no-store');
        const second = await send('/response-headers?Cache-Control=no-store');
        t.is(first.status, 200);
        t.is(first.cacheKey, undefined);
        t.false(second.fromCache);
        t.is(server.hits('/response-headers'), 2);
        t.is(await client.cache.responseCount(), 0);
      },
    );
  }
}
