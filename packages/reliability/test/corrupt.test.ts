/**
 * Corrupt entries: truncated, garbage, an unknown format version, a value of the wrong type, or a row
 * damaged below Keyv — each is a miss, reported as ERR_CACHE_DESERIALIZE with its key, and replaced by
 * the next good response. Never a crash, never garbage returned. On memory, SQLite and Redis.
 */
import { join } from 'node:path';
import { type CacheEntry, type CacheOptions, type ReqcacheError, serializerByName } from '@reqcache/core';
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
  open(t: ExecutionContext): { options: CacheOptions; cleanup(): Promise<void> | void };
  /** Damages the stored row below Keyv (its own envelope), or undefined when the store has none. */
  damageRaw?: (
    options: CacheOptions,
    key: string,
    sqlite: { query(sql: string): Promise<unknown> },
  ) => Promise<void>;
}

const STORES: StoreCase[] = [
  { name: 'memory', open: () => ({ options: { backend: 'memory' }, cleanup: () => {} }) },
  {
    name: 'sqlite',
    open: (t) => {
      const path = join(temporaryDirectory(t), 'corrupt.sqlite');
      return { options: { backend: 'sqlite', cacheName: path }, cleanup: () => removeSqliteFile(path) };
    },
    damageRaw: async (_options, key, sqlite) => {
      await sqlite.query(`UPDATE responses SET value = substr(value, 1, 25) WHERE key = 'reqcache:${key}'`);
    },
  },
  {
    name: 'redis',
    open: () => {
      const cacheName = uniqueCacheName('reqcache_corrupt');
      return {
        options: { backend: 'redis', cacheName, backendOptions: { url: REDIS_URL } },
        cleanup: () => clearRedisNamespace(cacheName),
      };
    },
    damageRaw: async (options, key) => {
      await withRedis(async (client) => {
        await client.set(`${options.cacheName}::${key}`, '{"value":"{\\"v\\":1,\\"status\\":2');
      });
    },
  },
];

/** What a corruption writes over a good stored value (`good` is the value as the serializer wrote it). */
const CORRUPTIONS: Array<{ name: string; value: (good: string) => unknown }> = [
  { name: 'truncated', value: (good) => good.slice(0, Math.floor(good.length / 2)) },
  { name: 'garbage text', value: () => '\u0000\u00ff not an entry {{{' },
  { name: 'garbage bytes', value: () => Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x7b]) },
  {
    name: 'wrong format version',
    value: (good) => JSON.stringify({ ...(JSON.parse(good) as object), v: 999 }),
  },
  { name: 'wrong type (a number)', value: () => 42 },
  { name: 'wrong type (an object)', value: () => ({ status: 200, body: 'x', headers: {} }) },
  { name: 'wrong type (an array)', value: () => ['not', 'an', 'entry'] },
  { name: 'valid JSON, wrong shape', value: () => JSON.stringify({ v: 1, status: 'two hundred' }) },
];

for (const store of STORES) {
  const cases = [...CORRUPTIONS.map((c) => c.name), ...(store.damageRaw ? ['row damaged below Keyv'] : [])];
  for (const corruption of cases) {
    test(`corrupt entry on ${store.name} (${corruption}): a reported miss, replaced by the next good response`, async (t) => {
      const server = await createTestServer(t);
      const { options, cleanup } = store.open(t);
      const client = ADAPTERS[0]!.create(options);
      t.teardown(async () => {
        await client.close();
        await cleanup();
      });
      const errors: ReqcacheError[] = [];
      client.engine.on('error', (error) => errors.push(error));
      const url = `${server.url}/uuid`;

      const first = await client.send({ url });
      const key = first.cacheKey;
      if (key === undefined) throw new Error('the first response was not stored');
      // The memory store keeps the entry itself (as requests-cache's memory backend does); the others keep
      // the serializer's text. Corruptions are written over either.
      const stored = await client.engine.keyv.get(key);
      t.is(typeof stored, store.name === 'memory' ? 'object' : 'string');
      const good = typeof stored === 'string' ? stored : serializerByName('json').dumps(stored as CacheEntry);

      const spec = CORRUPTIONS.find((c) => c.name === corruption);
      if (spec === undefined) {
        await store.damageRaw?.(
          options,
          key,
          client.engine.keyv.store as { query(sql: string): Promise<unknown> },
        );
      } else {
        await client.engine.keyv.set(key, spec.value(good as string));
      }
      t.deepEqual(errors, []);

      const refetched = await client.send({ url });
      t.is(refetched.status, 200);
      t.false(refetched.fromCache, 'a corrupt entry is a miss');
      t.is(server.hits('/uuid'), 2);
      t.notDeepEqual(refetched.text(), first.text(), 'a new response from the network');
      t.regex(refetched.text(), /"uuid"/, 'never garbage');
      t.true(
        errors.some((error) => error.code === 'ERR_CACHE_DESERIALIZE' && error.key === key),
        errors.map((error) => `${error.code}: ${error.message}`).join('\n'),
      );
      t.false(client.cache.storeDown, 'a corrupt entry is not a store outage');

      const hit = await client.send({ url });
      t.true(hit.fromCache, 'the entry was replaced by the good response');
      t.is(hit.text(), refetched.text());
      t.is(server.hits('/uuid'), 2);
    });
  }
}
