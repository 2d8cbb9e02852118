import { createTestServer } from '@reqcache/test-server';
import test from 'ava';
import { type CachedFetchResponse, withCache } from '../src/index.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** A typical fetch middleware: adds a bearer token to every request. */
function withAuth<F extends (input: string | URL, init?: RequestInit) => Promise<Response>>(
  fetchImpl: F,
  token: string,
) {
  return (input: string | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetchImpl(input, { ...init, headers });
  };
}

/** A middleware that reads what the cache put on the response. */
function withLog(fetchImpl: (input: string, init?: RequestInit) => Promise<Response>, log: string[]) {
  return async (input: string, init?: RequestInit) => {
    const response = (await fetchImpl(input, init)) as CachedFetchResponse;
    log.push(response.fromCache ? 'hit' : 'miss');
    return response;
  };
}

test('cache outside the auth middleware: the cache never sees the token, the server always does', async (t) => {
  const server = await createTestServer(t);
  const cached = withCache(withAuth(fetch, 's3cret'), { backend: 'memory' });
  t.teardown(() => cached.close());
  await cached(`${server.url}/headers`);
  t.is(server.lastRequest('/headers')?.headers.authorization, 'Bearer s3cret');
  const hit = await cached(`${server.url}/headers`);
  t.true(hit.fromCache);
  t.is(server.hits('/headers'), 1);
  const [stored] = await collect(cached.cache.values());
  t.is(stored?.request.headers['authorization'], undefined);
});

test('cache inside the auth middleware: the token reaches the server and is redacted in the store', async (t) => {
  const server = await createTestServer(t);
  const cached = withCache(fetch, { backend: 'memory' });
  t.teardown(() => cached.close());
  const client = withAuth(cached, 's3cret');
  await client(`${server.url}/headers`);
  t.is(server.lastRequest('/headers')?.headers.authorization, 'Bearer s3cret');
  const hit = (await client(`${server.url}/headers`)) as CachedFetchResponse;
  t.true(hit.fromCache, 'the response middleware above gets the cache attributes');
  t.is(server.hits('/headers'), 1);
  const [stored] = await collect(cached.cache.values());
  t.is(stored?.request.headers['authorization'], 'REDACTED');
});

test('a logging middleware on top sees fromCache; the cache works as a plain fetch for it', async (t) => {
  const server = await createTestServer(t);
  const cached = withCache(fetch, { backend: 'memory' });
  t.teardown(() => cached.close());
  const log: string[] = [];
  const client = withLog(withAuth(cached, 'x'), log);
  await client(`${server.url}/get`);
  await client(`${server.url}/get`);
  t.deepEqual(log, ['miss', 'hit']);
});

test('two caches stacked: the outer one answers hits, the inner one its own misses', async (t) => {
  const server = await createTestServer(t);
  const inner = withCache(fetch, { backend: 'memory' });
  const outer = withCache(inner, { backend: 'memory', expireAfter: 0 });
  t.teardown(async () => {
    await outer.close();
    await inner.close();
  });
  await outer(`${server.url}/get`);
  const response = await outer(`${server.url}/get`);
  t.false(response.fromCache, 'the outer cache stores nothing (expireAfter 0, no validator)');
  t.is(server.hits('/get'), 1, 'the inner cache answered');
});
