/** The client side: readOnly, run-time settings, redirects, bodies, concurrency, the description. */
import { InvalidOptionError, isReqcacheError } from '@reqcache/core';
import { pseudoRandomBytes } from '@reqcache/test-server';
import { bytes, START_MS, type SuiteContext } from '../harness.js';

export function registerClientCases({ test, title, setup }: SuiteContext): void {
  test(title('reason: every response says why it was served, fetched or not stored'), async (t) => {
    const { server, send } = await setup(t, { expireAfter: 60 });
    server.route('GET', '/no-store', (_req, res) => {
      res.writeHead(200, { 'cache-control': 'no-store', 'content-type': 'text/plain' });
      res.end('secret');
    });
    const refused = await send('/no-store');
    t.is(refused.reason, 'no-store');
    t.is(refused.cacheKey, undefined);
    t.is((await send('/get')).reason, 'miss');
    t.is((await send('/get')).reason, 'fresh');
    t.is((await send('/post', { method: 'POST', body: 'x' })).reason, 'method-not-allowable');
  });

  test(
    title('disabled(fn): requests inside the scope bypass the cache; concurrent ones outside still use it'),
    async (t) => {
      const { server, client, send } = await setup(t);
      await send('/get');
      const [inside, outside] = await Promise.all([
        client.disabled(async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return [await send('/get'), await send('/uuid')];
        }),
        (async () => {
          await new Promise((resolve) => setTimeout(resolve, 10));
          return send('/get');
        })(),
      ]);
      t.false(inside[0]!.fromCache);
      t.is(inside[0]!.reason, 'disabled');
      t.is(inside[1]!.cacheKey, undefined);
      t.true(outside.fromCache);
      t.is(server.hits('/get'), 2);
      t.is(await client.cache.responseCount(), 1, 'nothing was written inside the scope');
      t.true((await send('/get')).fromCache, 'after the scope the cache is used again');
    },
  );

  test(title('explain(): fresh, stale and unstorable requests, answered without the network'), async (t) => {
    const { server, client, clock, send } = await setup(t, { expireAfter: 60 });
    await send('/get');
    await send('/etag/e1');
    const hits = () => server.hits('/get') + server.hits('/etag/e1') + server.hits('/uuid');
    const before = hits();
    const fresh = await client.explain(`${server.url}/get`);
    t.like(fresh, { action: 'serve', reason: 'fresh' });
    t.is(fresh.stored?.status, 200);
    t.is(fresh.key, (await send('/get')).cacheKey);
    const missing = await client.explain(`${server.url}/uuid`);
    t.like(missing, { action: 'fetch', reason: 'miss', stored: undefined });
    clock.advance(120);
    const stale = await client.explain(`${server.url}/etag/e1`);
    t.like(stale, { action: 'revalidate', reason: 'expired' });
    t.true(stale.stored?.isExpired);
    // Expired without a validator (no ETag, no Last-Modified): fetched again, unconditionally.
    t.like(await client.explain(`${server.url}/get`), { action: 'fetch', reason: 'expired' });
    client.settings.disabled = true;
    t.like(await client.explain(`${server.url}/get`), {
      action: 'bypass',
      reason: 'disabled',
      key: undefined,
    });
    t.is(hits(), before, 'explain() never reaches the origin (the send above is a hit)');
  });

  test(title('readOnly: existing entries are read, nothing new is written'), async (t) => {
    const { server, client, send } = await setup(t);
    const stored = await send('/get');
    client.settings.readOnly = true;
    const hit = await send('/get');
    t.true(hit.fromCache);
    t.deepEqual(bytes(hit.body), bytes(stored.body));

    const first = await send('/uuid');
    const second = await send('/uuid');
    t.false(first.fromCache);
    t.is(first.cacheKey, undefined);
    t.false(second.fromCache);
    t.is(server.hits('/uuid'), 2);
    t.is(server.hits('/get'), 1);
    t.is(await client.cache.responseCount(), 1);
  });

  test(title('settings changed at run time apply to the next response; invalid values throw'), async (t) => {
    const { server, client, send } = await setup(t);
    t.is((await send('/get')).expires, null);

    client.settings.expireAfter = 60;
    const json = await send('/json');
    t.is(json.expires?.getTime(), START_MS + 60_000);

    const error = t.throws(
      () => {
        client.settings.expireAfter = 'tomorrow';
      },
      { instanceOf: InvalidOptionError },
    );
    t.true(isReqcacheError(error));
    t.is(error?.code, 'ERR_INVALID_OPTION');
    t.is(client.settings.expireAfter, 60);
    t.is((await send('/uuid')).expires?.getTime(), START_MS + 60_000);

    client.settings.allowableCodes = [200, 404];
    await send('/status/404');
    t.true((await send('/status/404')).fromCache);
    t.is(server.hits('/status/404'), 1);
  });

  test(title('per-request cache options travel out of band, never as headers to the origin'), async (t) => {
    const { server, send } = await setup(t);
    await send('/anything/plain');
    const plain = server.lastRequest('/anything/plain')?.headers ?? {};
    await send('/anything/options', { cache: { expireAfter: 20, forceRefresh: true, refresh: true } });
    const withOptions = server.lastRequest('/anything/options')?.headers ?? {};
    t.deepEqual(Object.keys(withOptions).sort(), Object.keys(plain).sort());
    t.is(server.totalHits(), 2);
  });

  test(
    title('redirects: cached under the original key; the final URL is a hit through its alias'),
    async (t) => {
      const { server, send, url } = await setup(t);
      const first = await send('/redirect/2');
      t.is(first.status, 200);
      t.false(first.fromCache);
      t.is((first.json() as { url: string }).url, url('/get'));
      t.is(server.hits('/redirect/2'), 1);
      t.is(server.hits('/redirect/1'), 1);
      t.is(server.hits('/get'), 1);

      const again = await send('/redirect/2');
      t.true(again.fromCache);
      t.is(again.cacheKey, first.cacheKey);
      t.deepEqual(bytes(again.body), bytes(first.body));

      const target = await send('/get');
      t.true(target.fromCache, 'the final target is served from the alias');
      t.is(target.cacheKey, first.cacheKey);
      t.deepEqual(bytes(target.body), bytes(first.body));
      t.is(server.totalHits(), 3);
    },
  );

  test(
    title('redirects: a hit reports the final URL, with the key the request carried along, never REDACTED'),
    async (t) => {
      const { server, send, url } = await setup(t);
      const target = encodeURIComponent(url('/get?api_key=secret-1&x=1'));
      const path = `/redirect-to?url=${target}&api_key=secret-1`;
      const miss = await send(path);
      t.false(miss.fromCache);
      t.is(miss.url, url('/get?api_key=secret-1&x=1'));
      const hit = await send(path);
      t.true(hit.fromCache);
      t.is(hit.url, miss.url, 'the URL as the uncached client reported it');
      // Another key matches the same entry (ignoredParameters): its own key is reported.
      const other = await send(`/redirect-to?url=${target}&api_key=secret-2`);
      t.true(other.fromCache);
      t.is(other.url, url('/get?api_key=secret-2&x=1'));
      t.is(server.hits('/redirect-to'), 1);
    },
  );

  test(title('binary bodies are byte-exact'), async (t) => {
    const { server, client, send } = await setup(t);
    const expected = bytes(pseudoRandomBytes(5000, 42));
    const first = await send('/bytes/5000');
    const second = await send('/bytes/5000');
    t.deepEqual(bytes(first.body), expected);
    t.true(second.fromCache);
    t.deepEqual(bytes(second.body), expected);
    const stored = await client.cache.responses.get(first.cacheKey ?? '');
    t.deepEqual(bytes(stored?.body), expected);
    t.is(server.hits('/bytes/5000'), 1);
  });

  test(title('gzip: the body is stored decoded and a hit is byte-identical'), async (t) => {
    const { server, client, send } = await setup(t);
    const first = await send('/gzip');
    t.like(first.json(), { gzipped: true });
    const second = await send('/gzip');
    t.true(second.fromCache);
    t.deepEqual(bytes(second.body), bytes(first.body));
    t.like(second.json(), { gzipped: true });
    t.is(second.headers['content-encoding'], undefined);
    const length = second.headers['content-length'];
    if (length !== undefined) t.is(length, String(second.body.byteLength));
    const stored = await client.cache.responses.get(first.cacheKey ?? '');
    t.is(stored?.headers['content-encoding'], undefined);
    t.deepEqual(bytes(stored?.body), bytes(first.body));
    t.is(server.hits('/gzip'), 1);
  });

  test(title('concurrent identical misses reach the origin once'), async (t) => {
    const { server, send } = await setup(t);
    const responses = await Promise.all(Array.from({ length: 20 }, () => send('/delay/50')));
    t.is(server.hits('/delay/50'), 1);
    const [first] = responses;
    for (const response of responses) {
      t.is(response.status, 200);
      t.deepEqual(bytes(response.body), bytes(first?.body));
      t.is(response.cacheKey, first?.cacheKey);
    }
    t.true((await send('/delay/50')).fromCache);
    t.is(server.hits('/delay/50'), 1);
  });

  test(title('the description names method, URL, status and freshness'), async (t) => {
    const { client, clock, send, url } = await setup(t, { expireAfter: 60, staleWhileRevalidate: true });
    const fresh = await send('/get');
    t.true(fresh.description.includes(`GET ${url('/get')}`), fresh.description);
    t.true(fresh.description.includes('200'), fresh.description);
    t.regex(fresh.description, /\(fresh\)/);
    const hit = await send('/get');
    t.regex(hit.description, /\(fresh\)/);
    clock.advance(61);
    const stale = await send('/get');
    t.true(stale.fromCache);
    t.regex(stale.description, /\(stale\)/);
    t.true(stale.description.includes(url('/get')), stale.description);
    await client.engine.settled();
  });
}
