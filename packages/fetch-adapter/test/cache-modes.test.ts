import { createTestServer, type TestServer } from '@reqcache/test-server';
import test from 'ava';
import { type CacheOptions, InvalidOptionError, UnknownOptionError, withCache } from '../src/index.js';
import { fakeClock, recordingFetch } from './helpers/fetches.js';

async function setup(t: Parameters<typeof createTestServer>[0], options: CacheOptions = {}) {
  const server = await createTestServer(t);
  const clock = fakeClock();
  const inner = recordingFetch();
  const cached = withCache(inner, { backend: 'memory', clock: clock.now, ...options });
  t.teardown(() => cached.close());
  return { server, clock, inner, cached };
}

/** Header names the origin saw for the last request to `path`. */
function headerNames(server: TestServer, path: string): string[] {
  return Object.keys(server.lastRequest(path)?.headers ?? {}).sort();
}

const PLAIN_HEADERS = [
  'accept',
  'accept-encoding',
  'accept-language',
  'connection',
  'host',
  'sec-fetch-mode',
  'user-agent',
];

test("cache: 'no-store' neither reads nor writes", async (t) => {
  const { server, cached } = await setup(t);
  await cached(`${server.url}/get`);
  const response = await cached(`${server.url}/get`, { cache: 'no-store' });
  t.false(response.fromCache);
  t.is(response.cacheKey, undefined);
  const other = await cached(`${server.url}/uuid`, { cache: 'no-store' });
  t.is(other.cacheKey, undefined);
  t.false(await cached.cache.contains({ url: `${server.url}/uuid` }));
  t.is(server.hits('/get'), 2);
  t.deepEqual(headerNames(server, '/get'), PLAIN_HEADERS);
});

test("cache: 'reload' skips the read and stores the new response", async (t) => {
  const { server, cached } = await setup(t);
  const first = (await (await cached(`${server.url}/uuid`)).json()) as { uuid: string };
  const reloaded = await cached(`${server.url}/uuid`, { cache: 'reload' });
  t.false(reloaded.fromCache);
  const fresh = (await reloaded.json()) as { uuid: string };
  t.not(fresh.uuid, first.uuid);
  const next = await cached(`${server.url}/uuid`);
  t.true(next.fromCache);
  t.deepEqual(await next.json(), fresh);
  t.is(server.hits('/uuid'), 2);
  t.deepEqual(headerNames(server, '/uuid'), PLAIN_HEADERS);
});

test("cache: 'no-cache' with a validator: a conditional request, 304 → the stored body", async (t) => {
  const { server, cached } = await setup(t);
  const stored = await (await cached(`${server.url}/etag/v1`)).text();
  const response = await cached(`${server.url}/etag/v1`, { cache: 'no-cache' });
  t.true(response.fromCache);
  t.true(response.revalidated);
  t.is(await response.text(), stored);
  t.is(server.hits('/etag/v1'), 2);
  t.is(server.lastRequest('/etag/v1')?.headers['if-none-match'], '"v1"');
  // Exactly what fetch itself sends for a conditional request (it adds Cache-Control/Pragma no-cache then).
  const sent = headerNames(server, '/etag/v1');
  await fetch(`${server.url}/etag/v1`, { headers: { 'if-none-match': '"v1"' } });
  t.deepEqual(sent, headerNames(server, '/etag/v1'));
});

test("cache: 'no-cache' without a validator: an unconditional request, stored", async (t) => {
  const { server, cached } = await setup(t);
  const first = (await (await cached(`${server.url}/uuid`)).json()) as { uuid: string };
  const response = await cached(`${server.url}/uuid`, { cache: 'no-cache' });
  t.false(response.fromCache);
  const second = (await response.json()) as { uuid: string };
  t.not(second.uuid, first.uuid);
  t.deepEqual(await (await cached(`${server.url}/uuid`)).json(), second);
  t.is(server.hits('/uuid'), 2);
  // What a browser sends for no-cache: Cache-Control: no-cache (not max-age=0).
  t.deepEqual(headerNames(server, '/uuid'), [...PLAIN_HEADERS, 'cache-control'].sort());
  t.is(server.lastRequest('/uuid')?.headers['cache-control'], 'no-cache');
});

// Issue 16 point 6: a fresh immutable response (RFC 8246) is still validated under fetch's no-cache
// mode, and the origin sees what browsers send: Cache-Control: no-cache, never max-age=0.
for (const etag of [true, false]) {
  test(`cache: 'no-cache' on a fresh immutable response (cacheControl, ${etag ? 'with' : 'without'} an ETag): Cache-Control: no-cache reaches the origin`, async (t) => {
    const { server, cached } = await setup(t, { cacheControl: true });
    let count = 0;
    server.route('GET', '/immutable', (req, res) => {
      const headers: Record<string, string> = { 'cache-control': 'max-age=3600, immutable' };
      if (etag) headers['etag'] = '"i1"';
      if (etag && req.headers['if-none-match'] === '"i1"') {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      count++;
      res.writeHead(200, { 'content-type': 'text/plain', ...headers });
      res.end(`body ${count}`);
    });
    await (await cached(`${server.url}/immutable`)).text();
    t.true(
      (await cached(`${server.url}/immutable`, { headers: { 'cache-control': 'max-age=0' } })).fromCache,
    );
    const response = await cached(`${server.url}/immutable`, { cache: 'no-cache' });
    t.is(server.hits('/immutable'), 2);
    const sent = server.lastRequest('/immutable')?.headers;
    t.is(sent?.['cache-control'], 'no-cache');
    t.is(sent?.['if-none-match'], etag ? '"i1"' : undefined);
    t.is(response.revalidated, etag);
    t.is(await response.text(), etag ? 'body 1' : 'body 2');
  });
}

test("cache: 'no-cache' with nothing stored: a normal miss, stored", async (t) => {
  const { server, cached } = await setup(t);
  const response = await cached(`${server.url}/get`, { cache: 'no-cache' });
  t.false(response.fromCache);
  t.not(response.cacheKey, undefined);
  t.true((await cached(`${server.url}/get`)).fromCache);
});

test("cache: 'force-cache' serves a stale response without the network", async (t) => {
  const { server, clock, cached } = await setup(t, { expireAfter: 60 });
  await cached(`${server.url}/get`);
  clock.advance(3600);
  const stale = await cached(`${server.url}/get`, { cache: 'force-cache' });
  t.true(stale.fromCache);
  t.true(stale.isExpired);
  t.is(server.hits('/get'), 1);
  const plain = await cached(`${server.url}/get`);
  t.false(plain.fromCache, 'without force-cache the stale entry is refetched');
  t.is(server.hits('/get'), 2);
  t.deepEqual(headerNames(server, '/get'), PLAIN_HEADERS);
});

test("cache: 'force-cache' on a miss goes to the network and stores the response", async (t) => {
  const { server, cached } = await setup(t);
  const miss = await cached(`${server.url}/get`, { cache: 'force-cache' });
  t.false(miss.fromCache);
  t.deepEqual(headerNames(server, '/get'), PLAIN_HEADERS, 'max-stale is for the cache only');
  t.true((await cached(`${server.url}/get`)).fromCache);
});

test("cache: 'only-if-cached' never uses the network: hit, stale hit, or 504", async (t) => {
  const { server, clock, inner, cached } = await setup(t, { expireAfter: 60 });
  const miss = await cached(`${server.url}/get`, { cache: 'only-if-cached' });
  t.is(miss.status, 504);
  t.true(miss.fromCache);
  t.is(inner.calls.length, 0);

  await cached(`${server.url}/get`);
  const hit = await cached(`${server.url}/get`, { cache: 'only-if-cached' });
  t.is(hit.status, 200);
  t.true(hit.fromCache);
  clock.advance(120);
  const stale = await cached(`${server.url}/get`, { cache: 'only-if-cached', mode: 'same-origin' });
  t.is(stale.status, 200);
  t.true(stale.isExpired);
  t.is(inner.calls.length, 1);
  t.is(server.hits('/get'), 1);
});

test('cacheOptions win over what the cache mode implies', async (t) => {
  const { server, cached } = await setup(t);
  await cached(`${server.url}/get`);
  const response = await cached(`${server.url}/get`, {
    cache: 'no-store',
    cacheOptions: { disabled: false },
  });
  t.true(response.fromCache);
  t.is(server.hits('/get'), 1);
});

test('the cache mode of a Request object is honoured and never reaches the server', async (t) => {
  const { server, cached, inner } = await setup(t);
  await cached(`${server.url}/get`);
  const reloaded = await cached(new Request(`${server.url}/get`, { cache: 'reload' }));
  t.false(reloaded.fromCache);
  t.is(server.hits('/get'), 2);
  t.deepEqual(headerNames(server, '/get'), PLAIN_HEADERS);
  t.false('cache' in (inner.calls[1]?.init ?? {}));
  const overridden = await cached(new Request(`${server.url}/get`, { cache: 'reload' }), {
    cache: 'default',
  });
  t.true(overridden.fromCache, 'init.cache wins over the Request’s');
});

test('neither cache nor cacheOptions is passed to the wrapped fetch', async (t) => {
  const { server, cached, inner } = await setup(t);
  const signal = new AbortController().signal;
  await cached(`${server.url}/get`, { cache: 'reload', cacheOptions: { expireAfter: 5 }, signal });
  t.deepEqual(Object.keys(inner.calls[0]?.init ?? {}), ['signal']);
});

test('a bad cache mode or bad cacheOptions reject with typed errors, before anything is sent or read', async (t) => {
  const { server, cached, inner } = await setup(t);
  const url = `${server.url}/post`;
  const modeError = await t.throwsAsync(() => cached(url, { cache: 'bogus' as RequestCache }), {
    instanceOf: InvalidOptionError,
  });
  t.is(modeError?.option, 'init.cache');
  t.regex(modeError?.message ?? '', /"bogus"/);

  const unknown = await t.throwsAsync(() => cached(url, { cacheOptions: { expireAftr: 5 } as never }), {
    instanceOf: UnknownOptionError,
  });
  t.is(unknown?.code, 'ERR_UNKNOWN_OPTION');
  t.regex(unknown?.message ?? '', /did you mean "expireAfter"/);
  await t.throwsAsync(() => cached(url, { cacheOptions: { expireAfter: 'soon' } }), {
    instanceOf: InvalidOptionError,
  });
  await t.throwsAsync(() => cached(url, { cacheOptions: { refresh: 'yes' as unknown as boolean } }), {
    instanceOf: InvalidOptionError,
  });
  await t.throwsAsync(() => cached(url, { cacheOptions: 'fresh' as never }), {
    instanceOf: InvalidOptionError,
  });

  const request = new Request(url, { method: 'POST', body: 'payload' });
  await t.throwsAsync(() => cached(request, { cacheOptions: { forceRefresh: 1 as unknown as boolean } }), {
    instanceOf: InvalidOptionError,
  });
  t.false(request.bodyUsed, 'the Request body was not read');
  t.is(inner.calls.length, 0);
  t.is(server.totalHits(), 0);
});

test('cache modes apply to requests with a body too', async (t) => {
  const { server, cached } = await setup(t, { allowableMethods: ['GET', 'HEAD', 'POST'] });
  const post = (cache?: RequestCache) =>
    cached(`${server.url}/anything/post`, { method: 'POST', body: 'payload', ...(cache ? { cache } : {}) });
  await post();
  t.true((await post()).fromCache);
  t.false((await post('reload')).fromCache);
  t.false((await post('no-store')).fromCache);
  t.true((await post('only-if-cached')).fromCache);
  t.is(server.hits('/anything/post'), 3);
});
