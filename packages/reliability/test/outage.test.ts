/**
 * Store outage: a store that fails never fails a request. The failure is reported once (not per
 * request), the store is skipped while it is down (so it adds no latency), and caching resumes when it
 * comes back. Redis and Postgres are cut through a TCP proxy of the test's own (the shared servers keep
 * running); SQLite is made unopenable or unwritable.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SuiteClient } from '@reqcache/behaviour-suite';
import { CacheEngine, type CacheOptions, type ReqcacheError, type StoreRecovery } from '@reqcache/core';
import { fetchThrough } from '@reqcache/store-suite';
import { createTestServer } from '@reqcache/test-server';
import test, { type ExecutionContext } from 'ava';
import { ADAPTERS, type Adapter } from './helpers/clients.js';
import { startSilentServer, startTcpProxy } from './helpers/proxy.js';
import {
  clearRedisNamespace,
  dropPostgresTable,
  eventually,
  hostPort,
  POSTGRES_URL,
  pause,
  REDIS_URL,
  removeSqliteFile,
  temporaryDirectory,
  uniqueCacheName,
  viaPort,
  withRedis,
} from './helpers/stores.js';

/** A client whose `error` and `storeRecovered` events are recorded. */
function watched(adapter: Adapter, options: CacheOptions) {
  const client = adapter.create(options);
  const errors: ReqcacheError[] = [];
  const recoveries: StoreRecovery[] = [];
  client.engine.on('error', (error) => errors.push(error));
  client.engine.on('storeRecovered', (recovery) => recoveries.push(recovery));
  return { client, errors, recoveries };
}

/** Sends `count` requests (some to a URL cached before the outage): every one must succeed. */
async function burst(t: ExecutionContext, client: SuiteClient, base: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const url = i % 2 === 0 ? `${base}/uuid?before` : `${base}/get?during=${i}`;
    const response = await client.send({ url });
    t.is(response.status, 200, url);
    t.false(response.fromCache, `${url} is not served from a store that is down`);
  }
}

/** Sends `url` twice until the second answer is a hit (bounded: false when it never is). */
function hitAgain(client: SuiteClient, url: string): Promise<boolean> {
  return eventually(async () => {
    await client.send({ url });
    return (await client.send({ url })).fromCache;
  });
}

const SERVER_STORES = [
  {
    name: 'redis',
    target: REDIS_URL,
    options: (cacheName: string, url: string): CacheOptions => ({
      backend: 'redis',
      cacheName,
      backendOptions: { url },
    }),
    cleanup: (cacheName: string) => clearRedisNamespace(cacheName),
  },
  {
    name: 'postgres',
    target: POSTGRES_URL,
    options: (cacheName: string, url: string): CacheOptions => ({
      backend: 'postgres',
      cacheName,
      backendOptions: { url },
    }),
    cleanup: (cacheName: string) => dropPostgresTable(cacheName),
  },
] as const;

for (const store of SERVER_STORES) {
  for (const adapter of ADAPTERS) {
    test(`outage: ${store.name} cut mid-run (${adapter.name}): requests succeed from the network, reported once, caching resumes`, async (t) => {
      const server = await createTestServer(t);
      const proxy = await startTcpProxy(hostPort(store.target));
      const cacheName = uniqueCacheName('reqcache_outage');
      const { client, errors, recoveries } = watched(
        adapter,
        store.options(cacheName, viaPort(store.target, proxy.port)),
      );
      t.teardown(async () => {
        await client.close();
        await proxy.close();
        await store.cleanup(cacheName);
      });

      const before = `${server.url}/uuid?before`;
      t.false((await client.send({ url: before })).fromCache);
      t.true((await client.send({ url: before })).fromCache, 'the store works before the outage');
      t.deepEqual(errors, []);

      await proxy.cut();
      await burst(t, client, server.url, 30);
      t.true(client.cache.storeDown, 'the store is marked down');
      t.is(errors.length, 1, 'the outage is reported once, not once per request');
      t.is(errors[0]?.code, 'ERR_CACHE_STORE');
      t.is(server.hits('/get'), 15, 'every request reached the network');

      await proxy.restore();
      t.true(await hitAgain(client, `${server.url}/uuid?after`), 'caching resumes after the store returns');
      t.false(client.cache.storeDown);
      t.is(recoveries.length, 1, 'one recovery event');
      t.true((recoveries[0]?.skipped ?? 0) > 0, 'store calls were skipped while it was down');
      t.is(errors.length, 1, 'still one report for the whole outage');
    });
  }
}

for (const adapter of ADAPTERS) {
  test(`outage: a SQLite file that cannot be opened (its parent is a file) (${adapter.name}): requests succeed, reported once`, async (t) => {
    const server = await createTestServer(t);
    const directory = temporaryDirectory(t);
    writeFileSync(join(directory, 'not-a-directory'), 'x');
    const { client, errors } = watched(adapter, {
      backend: 'sqlite',
      cacheName: join(directory, 'not-a-directory', 'cache.sqlite'),
    });
    t.teardown(() => client.close());
    for (let i = 0; i < 20; i++) {
      const response = await client.send({ url: `${server.url}/get?i=${i % 4}` });
      t.is(response.status, 200);
      t.false(response.fromCache);
    }
    t.is(server.hits('/get'), 20);
    t.is(errors.length, 1, errors.map((error) => error.message).join('\n'));
    t.is(errors[0]?.code, 'ERR_CACHE_STORE');
    t.regex(errors[0]?.message ?? '', /SQLITE_CANTOPEN/);
  });
}

test('outage: a SQLite file that becomes read-only mid-run: requests succeed, reported once, caching resumes when writable', async (t) => {
  const server = await createTestServer(t);
  const directory = temporaryDirectory(t);
  const path = join(directory, 'cache.sqlite');
  const adapter = ADAPTERS[0]!;
  const { client, errors, recoveries } = watched(adapter, { backend: 'sqlite', cacheName: path });
  t.teardown(async () => {
    await client.close();
    removeSqliteFile(path);
  });
  const sqlite = client.engine.keyv.store as { query(sql: string): Promise<unknown> };
  t.false((await client.send({ url: `${server.url}/uuid?before` })).fromCache);
  t.true((await client.send({ url: `${server.url}/uuid?before` })).fromCache);

  // Writes now fail (SQLITE_READONLY) while reads work: the store is skipped after the first failure.
  await sqlite.query('PRAGMA query_only = ON');
  for (let i = 0; i < 20; i++) {
    const response = await client.send({ url: `${server.url}/get?i=${i}` });
    t.is(response.status, 200);
    t.false(response.fromCache);
  }
  // Reads still work, so a probe after the window may bring the store up until the next write fails:
  // each such outage is reported once (usually the whole burst is one outage, inside the first window).
  t.true(errors.length >= 1);
  t.is(errors.length, recoveries.length + 1, 'one report per outage, never one per request');
  t.true(errors.length < 20);
  t.regex(errors[0]?.message ?? '', /readonly|read-only|query_only|SQLITE_READONLY/i);

  await sqlite.query('PRAGMA query_only = OFF');
  t.true(await hitAgain(client, `${server.url}/uuid?after`), 'caching resumes once writable');
  t.true(recoveries.length >= 1);
});

test('outage: a Redis server that accepts the connection and never answers: requests go to the network within the default 5 s, reported once', async (t) => {
  const origin = await createTestServer(t);
  const silent = await startSilentServer();
  // No connectionTimeout given: the default bounds the attempt (socket.connectTimeout only bounds TCP).
  const engine = new CacheEngine({
    backend: 'redis',
    cacheName: uniqueCacheName('reqcache_silent'),
    backendOptions: { url: `redis://127.0.0.1:${silent.port}` },
  });
  const errors: ReqcacheError[] = [];
  const recoveries: StoreRecovery[] = [];
  engine.on('error', (error) => errors.push(error));
  engine.on('storeRecovered', (recovery) => recoveries.push(recovery));
  t.teardown(async () => {
    await engine.cache.close();
    await silent.close();
  });

  const timed = async (url: string) => {
    const started = performance.now();
    const response = await fetchThrough(engine, url);
    return { response, ms: performance.now() - started };
  };
  const first = await timed(`${origin.url}/uuid?first`);
  t.deepEqual([first.response.status, first.response.fromCache], [200, false]);
  t.true(first.ms < 8000, `answered from the network after ${Math.round(first.ms)} ms`);
  t.is(errors.length, 1, errors.map((error) => error.message).join('\n'));
  t.is(errors[0]?.code, 'ERR_CACHE_STORE');
  t.regex(errors[0]?.message ?? '', /timed out after 5000ms/);
  t.true(engine.cache.storeDown);

  // Once the backoff window has passed, the next request probes the store: a new connection, bounded
  // the same way, and the outage is not reported again.
  await pause(1200);
  const second = await timed(`${origin.url}/uuid?second`);
  t.deepEqual([second.response.status, second.response.fromCache], [200, false]);
  t.true(second.ms < 8000, `answered from the network after ${Math.round(second.ms)} ms`);
  t.is(silent.connections, 2, 'the probe connected again');
  t.is(origin.hits('/uuid'), 2);
  t.is(errors.length, 1);
  t.deepEqual(recoveries, []);
  t.true(engine.cache.storeDown);
});

test('outage: Redis commands that fail on a connected server (NOPERM) take the store down once, and a failing probe is no recovery', async (t) => {
  const origin = await createTestServer(t);
  const cacheName = uniqueCacheName('reqcache_noperm');
  // A user that may connect and run any command, but on no key of this cache (as a read-only replica,
  // a full server or an ACL change would refuse them): every store command fails, the connection works.
  const user = `${cacheName}_user`;
  await withRedis((redis) =>
    redis.sendCommand(['ACL', 'SETUSER', user, 'on', '>secret', '+@all', '~elsewhere:*']),
  );
  t.teardown(() => withRedis((redis) => redis.sendCommand(['ACL', 'DELUSER', user])));
  const url = new URL(REDIS_URL);
  url.username = user;
  url.password = 'secret';
  const engine = new CacheEngine({ backend: 'redis', cacheName, backendOptions: { url: url.href } });
  const errors: ReqcacheError[] = [];
  const recoveries: StoreRecovery[] = [];
  engine.on('error', (error) => errors.push(error));
  engine.on('storeRecovered', (recovery) => recoveries.push(recovery));
  t.teardown(() => engine.cache.close());

  // A failed command is a failure of the call, not a miss or a write that went through.
  await t.throwsAsync(engine.keyv.get('abc'), { message: /NOPERM/ });
  await t.throwsAsync(engine.keyv.set('abc', 'value'), { message: /NOPERM/ });

  const first = await fetchThrough(engine, `${origin.url}/uuid?first`);
  t.deepEqual([first.status, first.fromCache], [200, false]);
  t.is(errors.length, 1, errors.map((error) => error.message).join('\n'));
  t.is(errors[0]?.code, 'ERR_CACHE_STORE');
  t.regex(errors[0]?.message ?? '', /NOPERM/);
  t.true(engine.cache.storeDown);
  // The probe after the window fails too: the store stays down, no recovery, nothing reported again.
  for (let i = 0; i < 2; i++) {
    await pause(2200 * (i + 1));
    const later = await fetchThrough(engine, `${origin.url}/uuid?later=${i}`);
    t.deepEqual([later.status, later.fromCache], [200, false]);
  }
  t.deepEqual(recoveries, []);
  t.is(errors.length, 1, errors.map((error) => error.message).join('\n'));
  t.true(engine.cache.storeDown);
  t.is(origin.hits('/uuid'), 3);
});
