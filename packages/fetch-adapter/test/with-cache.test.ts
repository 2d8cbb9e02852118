import { createTestServer } from '@reqcache/test-server';
import test from 'ava';
import {
  type CachedFetch,
  type CachedFetchResponse,
  type CacheOptions,
  InvalidOptionError,
  withCache,
} from '../src/index.js';
import { fakeClock, recordingFetch } from './helpers/fetches.js';

function cachedFetch(t: { teardown(fn: () => Promise<void>): void }, options: CacheOptions = {}) {
  const inner = recordingFetch();
  const cached = withCache(inner, { backend: 'memory', ...options });
  t.teardown(() => cached.close());
  return { cached, inner };
}

test('a hit is answered without calling the wrapped fetch, as a global Response', async (t) => {
  const server = await createTestServer(t);
  const { cached, inner } = cachedFetch(t);
  const first = await cached(`${server.url}/json`);
  const firstBody = await first.json();
  const second = await cached(`${server.url}/json`);
  t.true(second instanceof Response);
  t.deepEqual(await second.json(), firstBody);
  t.false(first.fromCache);
  t.true(second.fromCache);
  t.is(inner.calls.length, 1);
  t.is(server.hits('/json'), 1);
  t.is(second.status, 200);
  t.is(second.headers.get('content-type'), 'application/json');
  t.true(second.ok);
});

test('every response carries the cache attributes as own properties', async (t) => {
  const server = await createTestServer(t);
  const clock = fakeClock();
  const { cached } = cachedFetch(t, { expireAfter: 60, clock: clock.now });
  const miss = await cached(`${server.url}/get`);
  const hit = await cached(`${server.url}/get`);
  for (const name of ['fromCache', 'createdAt', 'expires', 'isExpired', 'revalidated', 'cacheKey']) {
    t.true(Object.hasOwn(miss, name), name);
    t.true(Object.hasOwn(hit, name), name);
  }
  t.false(miss.fromCache);
  t.is(typeof miss.cacheKey, 'string');
  t.is(hit.cacheKey, miss.cacheKey);
  t.is(hit.createdAt.getTime(), clock.now());
  t.is(hit.expires?.getTime(), clock.now() + 60_000);
  t.false(hit.isExpired);
  t.false(hit.revalidated);

  const uncached = await cached(`${server.url}/status/404`);
  t.false(uncached.fromCache);
  t.is(uncached.cacheKey, undefined);
  t.is(uncached.expires, null);
  t.is(uncached.status, 404);
});

test('the description: cacheDescription and String(response)', async (t) => {
  const server = await createTestServer(t);
  const { cached } = cachedFetch(t, { clock: () => Date.UTC(2025, 0, 1, 12) });
  const miss = await cached(`${server.url}/bytes/10?api_key=secret`);
  const hit = await cached(`${server.url}/bytes/10?api_key=secret`);
  const url = `${server.url}/bytes/10?api_key=REDACTED`;
  t.is(
    miss.cacheDescription,
    `request: GET ${url}, response: 200 (10 bytes), created: 2025-01-01 12:00:00 UTC, expires: never (fresh)`,
  );
  t.is(String(hit), `${miss.cacheDescription}, from cache`);
  t.is(`${hit}`, hit.cacheDescription);
  t.is(hit.url, `${server.url}/bytes/10?api_key=secret`, 'the real URL, not the redacted one');
});

test('a cached body can be read once as text, json or arrayBuffer, and streamed', async (t) => {
  const server = await createTestServer(t);
  const { cached } = cachedFetch(t);
  const original = new Uint8Array(await (await cached(`${server.url}/bytes/70000`)).arrayBuffer());

  const asText = await cached(`${server.url}/bytes/70000`);
  t.true(asText.fromCache);
  t.is((await asText.text()).length > 0, true);
  t.true(asText.bodyUsed);
  await t.throwsAsync(() => asText.text(), { instanceOf: TypeError });

  const streamed = await cached(`${server.url}/bytes/70000`);
  t.true(streamed.fromCache);
  const reader = streamed.body!.getReader();
  const chunks: Uint8Array[] = [];
  for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(read.value);
  t.deepEqual(new Uint8Array(Buffer.concat(chunks)), original);

  const buffer = await (await cached(`${server.url}/bytes/70000`)).arrayBuffer();
  t.deepEqual(new Uint8Array(buffer), original);
  t.is(server.hits('/bytes/70000'), 1);
});

test('clone() keeps the cache attributes and the body', async (t) => {
  const server = await createTestServer(t);
  const { cached } = cachedFetch(t);
  await (await cached(`${server.url}/get`)).text();
  const hit = await cached(`${server.url}/get`);
  const copy = hit.clone();
  t.true(copy.fromCache);
  t.is(copy.cacheKey, hit.cacheKey);
  t.is(copy.url, hit.url);
  t.is(await copy.text(), await hit.text());
});

test('a response not stored is the wrapped fetch’s own response, body still streaming', async (t) => {
  const server = await createTestServer(t);
  const responses: Response[] = [];
  const cached = withCache(
    async (input, init) => {
      const response = await fetch(input, init);
      responses.push(response);
      return response;
    },
    { backend: 'memory' },
  );
  t.teardown(() => cached.close());
  const response = await cached(`${server.url}/stream/3`, { method: 'POST' });
  t.is(response.status, 405, 'the test server takes GET only on /stream');
  t.is(response as unknown, responses[0]);
  t.false(response.fromCache);
  t.false(response.bodyUsed);
  await response.text();

  const streamed = await cached(`${server.url}/stream/3`, { cacheOptions: { disabled: true } });
  t.is(streamed as unknown, responses[1]);
  t.is((await streamed.text()).trim().split('\n').length, 3);
});

test('url and redirected stay truthful on misses and hits, through redirects', async (t) => {
  const server = await createTestServer(t);
  const { cached } = cachedFetch(t);
  const direct = await cached(`${server.url}/get?b=2&a=1#fragment`);
  t.is(direct.url, `${server.url}/get?b=2&a=1`);
  t.false(direct.redirected);
  const sameKey = await cached(`${server.url}/get?a=1&b=2`);
  t.true(sameKey.fromCache, 'parameter order does not change the key');
  t.is(sameKey.url, `${server.url}/get?a=1&b=2`);
  t.false(sameKey.redirected);

  const redirectedMiss = await cached(`${server.url}/redirect/2`);
  t.is(redirectedMiss.url, `${server.url}/get`);
  t.true(redirectedMiss.redirected);
  const redirectedHit = await cached(`${server.url}/redirect/2`);
  t.true(redirectedHit.fromCache);
  t.is(redirectedHit.url, `${server.url}/get`);
  t.true(redirectedHit.redirected);
  const target = await cached(`${server.url}/get`);
  t.true(target.fromCache, 'the final URL is aliased');
  t.is(target.url, `${server.url}/get`);
  t.false(target.redirected);
  t.is(server.hits('/redirect/2'), 1);
});

test('null-body statuses and HEAD: stored and served with a null body', async (t) => {
  const server = await createTestServer(t);
  const { cached } = cachedFetch(t, { allowableCodes: [200, 204] });
  const noContent = await cached(`${server.url}/status/204`);
  t.is(noContent.status, 204);
  t.not(noContent.cacheKey, undefined);
  const noContentHit = await cached(`${server.url}/status/204`);
  t.true(noContentHit.fromCache);
  t.is(noContentHit.status, 204);
  t.is(noContentHit.body, null);

  const head = await cached(`${server.url}/json`, { method: 'HEAD' });
  t.is(head.body, null);
  const headHit = await cached(`${server.url}/json`, { method: 'HEAD' });
  t.true(headHit.fromCache);
  t.is(headHit.body, null);
  t.is(headHit.headers.get('content-type'), 'application/json');
  t.is(server.hits('/status/204'), 1);
  t.is(server.hits('/json'), 1);
});

test('a 304 answered to the caller’s own conditional request, with nothing stored, passes through', async (t) => {
  const server = await createTestServer(t);
  const { cached } = cachedFetch(t, { allowableCodes: [200, 304] });
  const response = await cached(`${server.url}/etag/abc`, { headers: { 'if-none-match': '"abc"' } });
  t.is(response.status, 304);
  t.is(response.body, null);
  const hit = await cached(`${server.url}/etag/abc`, { headers: { 'if-none-match': '"abc"' } });
  t.true(hit.fromCache);
  t.is(hit.status, 304);
  t.is(hit.body, null);
});

test('onlyIfCached miss: a synthetic 504 Not Cached for the URL asked for', async (t) => {
  const server = await createTestServer(t);
  const { cached, inner } = cachedFetch(t);
  const response = await cached(`${server.url}/get`, { cacheOptions: { onlyIfCached: true } });
  t.is(response.status, 504);
  t.is(response.statusText, 'Not Cached');
  t.true(response.fromCache);
  t.is(response.url, `${server.url}/get`);
  t.is(await response.text(), '');
  t.is(inner.calls.length, 0);
  t.is(server.totalHits(), 0);
});

test('an aborted signal rejects, even for a request the cache could answer', async (t) => {
  const server = await createTestServer(t);
  const { cached } = cachedFetch(t);
  await cached(`${server.url}/get`);
  const controller = new AbortController();
  controller.abort();
  const error: unknown = await cached(`${server.url}/get`, { signal: controller.signal }).catch((e) => e);
  t.is((error as DOMException).name, 'AbortError');
  t.is(server.hits('/get'), 1);
});

test('bad construction options throw typed errors', (t) => {
  t.throws(() => withCache(fetch, { backend: 'memory', expireAfter: 'tomorrow' }), {
    instanceOf: InvalidOptionError,
  });
  t.throws(() => withCache('fetch' as unknown as typeof fetch), { instanceOf: InvalidOptionError });
});

test('.cache, .settings, .engine and close()', async (t) => {
  const server = await createTestServer(t);
  const cached: CachedFetch = withCache(fetch, { backend: 'memory' });
  await cached(`${server.url}/get`);
  t.is(await cached.cache.responseCount(), 1);
  t.true(await cached.cache.contains({ url: `${server.url}/get` }));
  t.is(cached.settings, cached.engine.settings);
  t.is(cached.cache, cached.engine.cache);
  cached.settings.expireAfter = 30;
  t.is(cached.settings.expireAfter, 30);
  await cached.close();
  t.pass();
});

test('a cached fetch is a fetch: it type-checks where fetch is expected and wraps fetch-shaped functions', async (t) => {
  const server = await createTestServer(t);
  const cached = withCache(fetch, { backend: 'memory' });
  t.teardown(() => cached.close());
  const asFetch: typeof fetch = cached;
  const fetchOption: { fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> } = {
    fetch: cached,
  };
  await asFetch(`${server.url}/get`);
  t.true(((await fetchOption.fetch(`${server.url}/get`)) as CachedFetchResponse).fromCache);
});
