/**
 * The cache coexists with other interceptors, registered before or after it: the key comes from the
 * final config the adapter sees, and a retry interceptor that re-sends a config goes through the cache.
 * An interceptor that sets `config.adapter` after the cache's ran changes what the cache wraps, and
 * `explain()` answers whatever the response interceptors do.
 */
import { type CacheOptions, ReqcacheError, UnknownOptionError } from '@reqcache/core';
import { createTestServer } from '@reqcache/test-server';
import test, { type ExecutionContext } from 'ava';
import axios, { type AxiosInstance, type InternalAxiosRequestConfig, isAxiosError } from 'axios';
import { setupCache } from '../src/index.js';

type Order = 'before' | 'after';
const ORDERS: readonly Order[] = ['before', 'after'];

/** A client whose other interceptors are registered before or after setupCache. */
async function setup(
  t: ExecutionContext,
  order: Order,
  register: (instance: AxiosInstance) => void,
  options: CacheOptions = {},
) {
  const server = await createTestServer(t);
  const instance = axios.create({ baseURL: server.url });
  if (order === 'before') register(instance);
  const client = setupCache(instance, { backend: 'memory', ...options });
  if (order === 'after') register(instance);
  t.teardown(() => client.cache.close());
  return { server, client };
}

for (const order of ORDERS) {
  test(`interceptor registered ${order} setupCache: headers and params it adds are part of the key`, async (t) => {
    let tenant = 'a';
    const { server, client } = await setup(
      t,
      order,
      (instance) => {
        instance.interceptors.request.use((config) => {
          config.headers.set('X-Tenant', tenant);
          config.params = { ...config.params, api_version: 2 };
          return config;
        });
      },
      { matchHeaders: ['x-tenant'] },
    );
    const a = await client.get('/anything/data');
    t.is(server.lastRequest('/anything/data')?.path, '/anything/data?api_version=2');
    t.is(server.lastRequest('/anything/data')?.headers['x-tenant'], 'a');
    t.true((await client.get('/anything/data')).fromCache);
    tenant = 'b';
    const b = await client.get('/anything/data');
    t.false(b.fromCache, 'another tenant, another key');
    t.not(b.cacheKey, a.cacheKey);
    const stored = await client.cache.responses.get(a.cacheKey ?? '');
    t.is(stored?.request.url, `${server.url}/anything/data?api_version=2`);
    t.is(stored?.request.headers['x-tenant'], 'a');
    t.is(server.hits('/anything/data'), 2);
  });

  test(`auth interceptor registered ${order} setupCache: the header is sent, redacted in the store, and not in the key`, async (t) => {
    let token = 'secret-1';
    // One entry whatever the token only with separateCredentials: false (by default each credential has its own key).
    const { server, client } = await setup(
      t,
      order,
      (instance) => {
        instance.interceptors.request.use((config) => {
          config.headers.Authorization = `Bearer ${token}`;
          return config;
        });
      },
      { separateCredentials: false },
    );
    const first = await client.get('/headers');
    t.is(server.lastRequest('/headers')?.headers.authorization, 'Bearer secret-1');
    const stored = await client.cache.responses.get(first.cacheKey ?? '');
    t.is(stored?.request.headers['authorization'], 'REDACTED');
    token = 'secret-2';
    t.true((await client.get('/headers')).fromCache);
    t.is(server.hits('/headers'), 1);
  });

  test(`async interceptor registered ${order} setupCache: its changes are seen too`, async (t) => {
    const { server, client } = await setup(
      t,
      order,
      (instance) => {
        instance.interceptors.request.use(async (config: InternalAxiosRequestConfig) => {
          await new Promise((resolve) => setImmediate(resolve));
          config.headers.set('Accept-Language', 'de');
          return config;
        });
      },
      { matchHeaders: ['accept-language'] },
    );
    const de = await client.get('/headers');
    t.is(server.lastRequest('/headers')?.headers['accept-language'], 'de');
    const plainKey = client.engine.createKey({ method: 'GET', url: `${server.url}/headers`, headers: {} });
    t.not(de.cacheKey, plainKey);
    t.true((await client.get('/headers')).fromCache);
  });

  test(`retry interceptor registered ${order} setupCache: the re-sent config goes through the cache`, async (t) => {
    let retries = 0;
    const { server, client } = await setup(t, order, (instance) => {
      instance.interceptors.response.use(undefined, (error: unknown) => {
        if (isAxiosError(error) && error.response?.status === 503 && error.config && retries < 2) {
          retries++;
          return instance.request(error.config);
        }
        throw error;
      });
    });
    let calls = 0;
    server.route('GET', '/flaky', (_req, res) => {
      calls++;
      const ok = calls > 1;
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok, calls }));
    });
    const first = await client.get('/flaky');
    t.is(first.status, 200);
    t.deepEqual(first.data, { ok: true, calls: 2 }, "parsed JSON: the retried config is the user's");
    t.false(first.fromCache);
    t.is(retries, 1);
    const again = await client.get('/flaky');
    t.true(again.fromCache);
    t.deepEqual(again.data, { ok: true, calls: 2 });
    t.is(server.hits('/flaky'), 2, 'the 503 was not stored; the retried 200 was');
  });
}

test('explain() answers whatever response interceptors do with the response', async (t) => {
  const { server, client } = await setup(t, 'after', (instance) => {
    instance.interceptors.response.use((response) => response.data);
  });
  await client.get('/get');
  t.like(await client.explain({ url: '/get' }), { action: 'serve', reason: 'fresh' });
  client.interceptors.response.use(() => {
    throw new Error('rejected by an interceptor');
  });
  t.like(await client.explain({ url: '/uuid' }), { action: 'fetch', reason: 'miss' });
  t.is(server.hits('/get'), 1);
  t.is(server.hits('/uuid'), 0);
});

test('explain() rejects with the error the cache met, not what response interceptors make of it', async (t) => {
  const { server, client } = await setup(t, 'after', (instance) => {
    instance.interceptors.response.use(undefined, () => ({ data: 'swallowed' }));
  });
  await t.throwsAsync(client.explain({ url: '/get', cache: { expireAftr: 1 } as never }), {
    instanceOf: UnknownOptionError,
  });
  t.is(server.totalHits(), 0);
});

for (const adapter of ['http', 'fetch', 'function'] as const) {
  test(`an interceptor that runs after the cache's and sets config.adapter (${adapter}) changes what the cache wraps`, async (t) => {
    let calls = 0;
    const http = axios.getAdapter('http');
    const { server, client } = await setup(t, 'before', (instance) => {
      instance.interceptors.request.use((config) => {
        config.adapter =
          adapter === 'function'
            ? (networkConfig) => {
                calls++;
                return http(networkConfig);
              }
            : adapter;
        return config;
      });
    });
    const miss = await client.get('/json');
    const hit = await client.get('/json');
    t.false(miss.fromCache);
    t.true(hit.fromCache);
    t.deepEqual(hit.data, miss.data);
    t.is(server.hits('/json'), 1);
    t.is(calls, adapter === 'function' ? 1 : 0, 'the adapter it set is called on misses only');
    t.like(await client.explain({ url: '/json' }), { action: 'serve', reason: 'fresh' });
    t.like(await client.explain({ url: '/uuid' }), { action: 'fetch', reason: 'miss' });
    t.is(server.totalHits(), 1, 'explain() sent nothing');
  });
}

test('with legacyInterceptorReqResOrdering off, an interceptor registered after setupCache runs after it and sets config.adapter: still cached', async (t) => {
  const server = await createTestServer(t);
  const transitional = { legacyInterceptorReqResOrdering: false };
  const client = setupCache(axios.create({ baseURL: server.url, transitional }), { backend: 'memory' });
  t.teardown(() => client.cache.close());
  client.interceptors.request.use((config) => {
    config.adapter = 'fetch';
    return config;
  });
  t.false((await client.get('/json')).fromCache);
  t.true((await client.get('/json')).fromCache);
  t.is(server.hits('/json'), 1);
});

test("an interceptor that wraps the cache's adapter: the wrapper sees misses once, and the cache still works", async (t) => {
  const seen: string[] = [];
  const { server, client } = await setup(t, 'before', (instance) => {
    instance.interceptors.request.use((config) => {
      const inner = axios.getAdapter(config.adapter);
      config.adapter = (networkConfig) => {
        seen.push(String(networkConfig.url));
        return inner(networkConfig);
      };
      return config;
    });
  });
  t.false((await client.get('/json')).fromCache);
  t.true((await client.get('/json')).fromCache);
  t.deepEqual(seen, ['/json']);
  t.is(server.hits('/json'), 1);
});

test("an interceptor that runs after the cache's and returns a copy of the config keeps the cache", async (t) => {
  const { server, client } = await setup(t, 'before', (instance) => {
    instance.interceptors.request.use((config) => ({ ...config, timeout: 5_000 }));
  });
  t.false((await client.get('/json')).fromCache);
  t.true((await client.get('/json')).fromCache);
  t.like(await client.explain({ url: '/json' }), { action: 'serve', reason: 'fresh' });
  t.is(server.hits('/json'), 1);
});

test('an interceptor that returns a new config with its own adapter bypasses the cache; explain() rejects', async (t) => {
  const { server, client } = await setup(t, 'before', (instance) => {
    instance.interceptors.request.use((config) => ({ ...config, adapter: 'http' }));
  });
  const first = await client.get('/json');
  t.is(first.fromCache, undefined, 'the cache never saw it');
  await client.get('/json');
  t.is(server.hits('/json'), 2);
  const error = await t.throwsAsync(client.explain({ url: '/json' }), { instanceOf: ReqcacheError });
  t.is(error?.code, 'ERR_INVALID_OPTION');
  t.is(error?.option, 'adapter');
  t.regex(error?.message ?? '', /bypass/);
});

test("an interceptor that throws before the cache's runs: explain() rejects with its error", async (t) => {
  const { server, client } = await setup(t, 'before', (instance) => {
    instance.interceptors.request.use(() => {
      throw new Error('not signed in');
    });
  });
  await t.throwsAsync(client.explain({ url: '/json' }), { message: 'not signed in' });
  t.is(server.totalHits(), 0);
});
