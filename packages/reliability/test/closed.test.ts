/**
 * A cache used after `close()`: requests still succeed, from the network and uncached, the store is
 * never touched again (a closed Redis client would reconnect, write, and keep the process alive), and
 * maintenance calls throw a typed error. Through fetch, got and axios, on memory, SQLite and Redis.
 */
import { join } from 'node:path';
import { type CacheOptions, isReqcacheError } from '@reqcache/core';
import { createTestServer } from '@reqcache/test-server';
import test, { type ExecutionContext } from 'ava';
import { ADAPTERS } from './helpers/clients.js';
import {
  clearRedisNamespace,
  REDIS_URL,
  removeSqliteFile,
  temporaryDirectory,
  uniqueCacheName,
  withRedis,
} from './helpers/stores.js';

interface StoreCase {
  name: 'memory' | 'sqlite' | 'redis';
  open(t: ExecutionContext): { options: CacheOptions; stored(): Promise<number | undefined> };
}

const STORES: StoreCase[] = [
  { name: 'memory', open: () => ({ options: { backend: 'memory' }, stored: async () => undefined }) },
  {
    name: 'sqlite',
    open: (t) => {
      const path = join(temporaryDirectory(t), 'closed.sqlite');
      t.teardown(() => removeSqliteFile(path));
      return { options: { backend: 'sqlite', cacheName: path }, stored: async () => undefined };
    },
  },
  {
    name: 'redis',
    open: (t) => {
      const cacheName = uniqueCacheName('reqcache_closed');
      t.teardown(() => clearRedisNamespace(cacheName));
      return {
        options: { backend: 'redis', cacheName, backendOptions: { url: REDIS_URL } },
        // What is in Redis under the namespace, read with a client of the test's own.
        stored: () => withRedis(async (client) => (await client.keys(`${cacheName}::*`)).length),
      };
    },
  },
];

for (const store of STORES) {
  for (const adapter of ADAPTERS) {
    test(`closed (${adapter.name}, ${store.name}): requests after close() succeed uncached, and the store is not touched again`, async (t) => {
      const server = await createTestServer(t);
      const { options, stored } = store.open(t);
      const client = adapter.create(options);
      const url = (path: string) => `${server.url}/uuid?${path}`;

      t.false((await client.send({ url: url('a') })).fromCache);
      t.true((await client.send({ url: url('a') })).fromCache);
      const before = await stored();
      await client.close();
      t.true(client.cache.storeDown, 'a closed cache counts as down');

      for (const path of ['a', 'b', 'b']) {
        const response = await client.send({ url: url(path) });
        t.is(response.status, 200);
        t.false(response.fromCache, `${path}: from the network`);
        t.regex(response.text(), /"uuid"/);
      }
      t.is(server.hits('/uuid'), 4, 'every request after close() reached the origin');
      t.is(await stored(), before, 'nothing was written to the store after close()');

      const error = await t.throwsAsync(client.cache.urls());
      t.true(isReqcacheError(error) && error.code === 'ERR_CACHE_STORE', String(error));
      await client.close(); // twice: a no-op
    });
  }
}
