/** setupCache / ejectCache, config.cache, and the adapter wrapping. */
import {
  type CacheOptions,
  InvalidOptionError,
  isReqcacheError,
  ReqcacheError,
  UnknownOptionError,
} from '@reqcache/core';
import { createTestServer } from '@reqcache/test-server';
import test, { type ExecutionContext } from 'ava';
import axios, { AxiosError, type CreateAxiosDefaults } from 'axios';
import { ejectCache, setupCache } from '../src/index.js';

async function setup(t: ExecutionContext, options: CacheOptions = {}, defaults: CreateAxiosDefaults = {}) {
  const server = await createTestServer(t);
  const instance = axios.create({ baseURL: server.url, ...defaults });
  const client = setupCache(instance, { backend: 'memory', ...options });
  t.teardown(() => client.cache.close());
  return { server, client, instance };
}

test('setupCache returns the same instance with cache, settings and engine; a hit never reaches the origin', async (t) => {
  const { server, client, instance } = await setup(t, { expireAfter: 60 });
  t.true(Object.is(client, instance));
  t.is(client.settings, client.engine.settings);
  t.is(client.cache, client.engine.cache);
  t.is(client.settings.expireAfter, 60);
  const miss = await client.get('/get');
  const hit = await client.get('/get');
  t.false(miss.fromCache);
  t.true(hit.fromCache);
  t.deepEqual(hit.data, miss.data);
  t.is(server.hits('/get'), 1);
  t.true(await client.cache.contains({ url: `${server.url}/get` }));
});

test('config.cache = false: neither read nor written, and the response says so', async (t) => {
  const { server, client } = await setup(t);
  await client.get('/get');
  const bypass = await client.get('/get', { cache: false });
  t.false(bypass.fromCache);
  t.is(bypass.cacheKey, undefined);
  t.regex(bypass.cacheDescription ?? '', /^request: GET .*\/get, response: 200/);
  await client.get('/uuid', { cache: false });
  t.is(await client.cache.responseCount(), 1);
  t.is(server.hits('/get'), 2);
  const streamed = await client.get('/stream/3', { cache: false, responseType: 'stream' });
  let text = '';
  for await (const chunk of streamed.data) text += String(chunk);
  t.is(text.trim().split('\n').length, 3);
});

test('cache options in axios.create() defaults apply to every request and merge with per-request ones', async (t) => {
  const { server, client } = await setup(t, {}, { cache: { expireAfter: 30 } });
  const first = await client.get('/get');
  t.is(first.expires?.getTime(), first.createdAt!.getTime() + 30_000);
  const forced = await client.get('/get', { cache: { forceRefresh: true } });
  t.false(forced.fromCache, 'forceRefresh merged in');
  t.is(forced.expires?.getTime(), forced.createdAt!.getTime() + 30_000, 'expireAfter kept');
  t.false((await client.get('/get', { cache: false })).fromCache, 'false overrides the defaults');
  t.is(server.hits('/get'), 3);
});

test('a bad config.cache rejects with the typed error and sends nothing', async (t) => {
  const { server, client } = await setup(t);
  const unknown = await t.throwsAsync(client.get('/get', { cache: { expireAftr: 10 } as never }), {
    instanceOf: UnknownOptionError,
  });
  t.is(unknown?.code, 'ERR_UNKNOWN_OPTION');
  t.regex(unknown?.message ?? '', /"expireAftr" in config\.cache \(did you mean "expireAfter"\?\)/);
  const invalid = await t.throwsAsync(client.get('/get', { cache: { refresh: 'yes' } as never }), {
    instanceOf: InvalidOptionError,
  });
  t.is(invalid?.option, 'refresh');
  const badExpiry = await t.throwsAsync(client.get('/get', { cache: { expireAfter: 'soon' } }), {
    instanceOf: ReqcacheError,
  });
  t.is(badExpiry?.code, 'ERR_INVALID_OPTION');
  const notObject = await t.throwsAsync(client.get('/get', { cache: 'yes' as never }), {
    instanceOf: InvalidOptionError,
  });
  t.is(notObject?.option, 'config.cache');
  t.true(isReqcacheError(notObject));
  t.false(notObject instanceof AxiosError);
  t.is(server.totalHits(), 0);
});

test('bad options, a non-instance and a second setupCache throw typed errors at once', (t) => {
  t.throws(() => setupCache(axios.create(), { backend: 'memory', expireAfter: 'tomorrow' }), {
    instanceOf: InvalidOptionError,
  });
  t.throws(() => setupCache(axios.create(), { backend: 'memory', allowableCode: [200] } as never), {
    instanceOf: UnknownOptionError,
  });
  t.throws(() => setupCache({} as never, { backend: 'memory' }), { instanceOf: InvalidOptionError });
  const client = setupCache(axios.create(), { backend: 'memory' });
  t.teardown(() => client.cache.close());
  const again = t.throws(() => setupCache(client, { backend: 'memory' }), { instanceOf: InvalidOptionError });
  t.regex(again?.message ?? '', /setupCache was already called/);
});

test('ejectCache removes the interceptor and the properties; setupCache works again after it', async (t) => {
  const { server, client, instance } = await setup(t);
  await client.get('/get');
  t.true((await client.get('/get')).fromCache);
  const cache = client.cache;
  t.true(ejectCache(instance));
  t.false(ejectCache(instance));
  t.false('cache' in instance);
  const plain = await instance.get('/get');
  t.is(plain.fromCache, undefined);
  t.is(server.hits('/get'), 2);
  t.is(await cache.responseCount(), 1, 'the store is left as it was');
  const again = setupCache(instance, { backend: 'memory' });
  t.teardown(() => again.cache.close());
  t.false((await again.get('/get')).fromCache);
  t.true((await again.get('/get')).fromCache);
});

test("the fetch adapter works underneath ('fetch' as config.adapter)", async (t) => {
  const { server, client } = await setup(t, {}, { adapter: 'fetch' });
  const miss = await client.get('/json');
  const hit = await client.get('/json');
  t.false(miss.fromCache);
  t.true(hit.fromCache);
  t.deepEqual(hit.data, miss.data);
  t.is(typeof hit.data, 'object');
  t.is(server.hits('/json'), 1);
});

test('a custom adapter function is wrapped: it is called on misses only', async (t) => {
  const { server } = await setup(t);
  const http = axios.getAdapter('http');
  let calls = 0;
  const client = setupCache(
    axios.create({
      baseURL: server.url,
      adapter: (config) => {
        calls++;
        return http(config);
      },
    }),
    { backend: 'memory' },
  );
  t.teardown(() => client.cache.close());
  await client.get('/get');
  await client.get('/get');
  t.is(calls, 1);
});

test("a network error rejects with axios's error and the user's config; staleIfError serves the stored response", async (t) => {
  let nowMs = Date.now();
  const server = await createTestServer(t);
  const client = setupCache(axios.create(), { backend: 'memory', expireAfter: 1, clock: () => nowMs });
  t.teardown(() => client.cache.close());
  const url = `${server.url}/get`;
  const stored = await client.get(url);
  await server.close();
  nowMs += 5_000;
  const error = await t.throwsAsync(client.get(url, { responseType: 'json', cache: { refresh: true } }), {
    instanceOf: AxiosError,
  });
  t.true(['ECONNREFUSED', 'ECONNRESET'].includes(error?.code ?? ''), error?.code);
  t.is(error?.response, undefined);
  t.is(error?.config?.responseType, 'json', "the user's config, not the adapter's internal copy");
  t.deepEqual(error?.config?.cache, { refresh: true });

  client.settings.staleIfError = true;
  const stale = await client.get(url);
  t.true(stale.fromCache);
  t.true(stale.isExpired);
  t.deepEqual(stale.data, stored.data);
});

test('HEAD and GET are cached apart; HEAD data is empty', async (t) => {
  const { server, client } = await setup(t);
  const head = await client.head('/get');
  t.is(head.data, '');
  t.true((await client.head('/get')).fromCache);
  t.false((await client.get('/get')).fromCache);
  t.is(server.hits('/get'), 2);
});
