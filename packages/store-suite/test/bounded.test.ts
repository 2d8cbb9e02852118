/**
 * The size bound (`maxEntries` / `maxBytes`, least-recently-used eviction) on memory and SQLite:
 * through the engine, checked against what the store really holds.
 */
import { BoundedStore, CacheEngine, type CacheOptions, InvalidOptionError } from '@reqcache/core';
import { createTestServer } from '@reqcache/test-server';
import test, { type ExecutionContext } from 'ava';
import { Keyv } from 'keyv';
import { fetchThrough, makeEntry, registerStoreSuite, uniqueCacheName } from '../src/index.js';
import {
  clearRedisNamespace,
  dropPostgresTable,
  POSTGRES_URL,
  REDIS_URL,
  removeSqliteFile,
  sqliteDirectory,
} from './helpers/stores.js';

const directory = sqliteDirectory();
test.after.always(() => directory.remove());

// A bounded store is still a store: the whole conformance suite, with bounds it never reaches.
registerStoreSuite(test, {
  name: 'memory (bounded)',
  persistent: false,
  createEngine: (options) =>
    new CacheEngine({ ...options, backend: 'memory', maxEntries: 100_000, maxBytes: 1e9 }),
});
registerStoreSuite(test, {
  name: 'sqlite (bounded)',
  createEngine: (options) =>
    new CacheEngine({
      ...options,
      backend: 'sqlite',
      cacheName: directory.file(options.cacheName),
      maxEntries: 100_000,
      maxBytes: 1e9,
    }),
  cleanup: (cacheName) => removeSqliteFile(directory.file(cacheName)),
});

type Kind = 'memory' | 'sqlite';

/** What the store really holds: values and their total size, read from the Map or the SQLite table. */
async function stored(engine: CacheEngine): Promise<{ entries: number; bytes: number }> {
  const store = engine.keyv.store;
  if (!(store instanceof BoundedStore)) throw new Error('the store is not bounded');
  const inner = store.inner;
  if (inner instanceof Map) {
    let bytes = 0;
    // The memory backend keeps Keyv's records ({value, expires}) as they are.
    for (const record of inner.values()) {
      const value = (record as { value: string | Uint8Array }).value;
      bytes += typeof value === 'string' ? Buffer.byteLength(value) : value.byteLength;
    }
    return { entries: inner.size, bytes };
  }
  const query = (inner as unknown as { query(sql: string): Promise<Array<Record<string, number>>> }).query;
  const [row] = await query.call(
    inner,
    'SELECT count(*) AS entries, coalesce(sum(length(CAST(value AS BLOB))), 0) AS bytes FROM responses',
  );
  return { entries: Number(row?.['entries']), bytes: Number(row?.['bytes']) };
}

/** Opens a bounded engine of `kind` (SQLite: the file `name` in the test directory); closed in teardown. */
function open(t: ExecutionContext, kind: Kind, options: CacheOptions, name = uniqueCacheName('bounded')) {
  const engine =
    kind === 'memory'
      ? new CacheEngine({ ...options, backend: 'memory' })
      : new CacheEngine({ ...options, backend: 'sqlite', cacheName: directory.file(name) });
  const errors: unknown[] = [];
  engine.on('error', (error) => errors.push(error));
  t.teardown(() => engine.cache.close());
  return { engine, errors, name };
}

function keyOf(engine: CacheEngine, url: string): string {
  return engine.createKey({ method: 'GET', url, headers: {} });
}

async function put(engine: CacheEngine, url: string, bodyBytes = 100): Promise<void> {
  const written = await engine.cache.write(
    keyOf(engine, url),
    makeEntry(url, new Uint8Array(bodyBytes).fill(7)),
  );
  if (!written) throw new Error(`could not write ${url}`);
}

const item = (i: number | string): string => `https://example.org/items/${i}`;

for (const kind of ['memory', 'sqlite'] as const) {
  test.serial(
    `bounded ${kind}: maxEntries keeps the store at its bound, the newest entries kept`,
    async (t) => {
      const { engine, errors } = open(t, kind, { maxEntries: 25 });
      for (let i = 0; i < 300; i++) {
        await put(engine, item(i));
        t.true((await stored(engine)).entries <= 25);
      }
      t.is((await stored(engine)).entries, 25);
      t.is(await engine.cache.responseCount(), 25);
      t.deepEqual(await engine.cache.urls(), Array.from({ length: 25 }, (_, i) => item(275 + i)).sort());
      t.deepEqual(errors, []);
    },
  );

  test.serial(`bounded ${kind}: maxBytes keeps the stored bytes under the bound`, async (t) => {
    const { engine, errors } = open(t, kind, { maxBytes: 50_000 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => put(engine, item(`a${i}`), 1000)));
    for (let i = 0; i < 200; i++) {
      await put(engine, item(i), 500 + ((i * 37) % 1500));
      t.true((await stored(engine)).bytes <= 50_000);
    }
    const { entries, bytes } = await stored(engine);
    t.true(bytes <= 50_000);
    // Entries of 1-3 kB (as Keyv's text of the base64 body): the bound is used, not emptied.
    t.true(bytes > 40_000, `${bytes} bytes`);
    t.true(entries >= 10, `${entries} entries`);
    t.deepEqual(await (engine.keyv.store as BoundedStore).usage(), { entries, bytes });
    t.true((await engine.cache.urls()).includes(item(199)));
    t.deepEqual(errors, []);
  });

  test.serial(`bounded ${kind}: the least recently read entry is evicted first`, async (t) => {
    const { engine, errors } = open(t, kind, { maxEntries: 2 });
    await put(engine, item('A'));
    await put(engine, item('B'));
    t.truthy(await engine.cache.read(keyOf(engine, item('A'))));
    await put(engine, item('C'));
    t.true(await engine.cache.contains({ url: item('A') }));
    t.false(await engine.cache.contains({ url: item('B') }));
    t.true(await engine.cache.contains({ url: item('C') }));
    t.deepEqual(errors, []);
  });

  test.serial(
    `bounded ${kind}: an entry larger than maxBytes is not stored, and replaces no other`,
    async (t) => {
      const { engine, errors } = open(t, kind, { maxBytes: 4000 });
      await put(engine, item('small'), 100);
      await put(engine, item('large'), 100);
      await engine.cache.write(keyOf(engine, item('large')), makeEntry(item('large'), new Uint8Array(8000)));
      t.false(
        await engine.cache.contains({ url: item('large') }),
        'neither the large value nor the older one',
      );
      t.true(await engine.cache.contains({ url: item('small') }));
      t.is((await stored(engine)).entries, 1);
      t.deepEqual(errors, []);
    },
  );

  test.serial(`bounded ${kind}: responses fetched over HTTP are evicted, then fetched again`, async (t) => {
    const server = await createTestServer(t);
    const { engine, errors } = open(t, kind, { maxEntries: 3 });
    for (let i = 0; i < 5; i++) await fetchThrough(engine, `${server.url}/anything/${i}`);
    t.is(await engine.cache.responseCount(), 3);
    t.true((await fetchThrough(engine, `${server.url}/anything/4`)).fromCache);
    t.false((await fetchThrough(engine, `${server.url}/anything/0`)).fromCache);
    t.is(server.hits('/anything/0'), 2);
    t.is(server.hits('/anything/4'), 1);
    t.deepEqual(errors, []);
  });
}

test.serial('bounded sqlite: reopening keeps the bound and the order of last use', async (t) => {
  const name = uniqueCacheName('bounded_reopen');
  t.teardown(() => removeSqliteFile(directory.file(name)));
  const first = open(t, 'sqlite', { maxEntries: 10 }, name);
  for (let i = 0; i < 30; i++) await put(first.engine, item(i));
  // Read the oldest survivor: it becomes the most recently used, in the file too.
  t.truthy(await first.engine.cache.read(keyOf(first.engine, item(20))));
  await first.engine.cache.close();

  const second = open(t, 'sqlite', { maxEntries: 10 }, name);
  t.is(await second.engine.cache.responseCount(), 10);
  await put(second.engine, item('new'));
  t.is((await stored(second.engine)).entries, 10);
  t.true(await second.engine.cache.contains({ url: item(20) }), 'read before the restart: kept');
  t.false(await second.engine.cache.contains({ url: item(21) }), 'least recently used: evicted');
  for (let i = 30; i < 60; i++) await put(second.engine, item(i));
  t.is((await stored(second.engine)).entries, 10);
  await second.engine.cache.close();

  // A smaller bound applies to what is already stored at the next write.
  const third = open(t, 'sqlite', { maxEntries: 4 }, name);
  await put(third.engine, item('last'));
  t.is((await stored(third.engine)).entries, 4);
  t.deepEqual(await third.engine.cache.urls(), [item(57), item(58), item(59), item('last')].sort());
  t.deepEqual([...first.errors, ...second.errors, ...third.errors], []);
});

test('bounded: maxEntries and maxBytes must be positive integers, and cannot bound a Keyv instance', (t) => {
  for (const value of [0, -1, 1.5, '10', Number.NaN, Number.POSITIVE_INFINITY]) {
    for (const name of ['maxEntries', 'maxBytes'] as const) {
      const error = t.throws(() => new CacheEngine({ backend: 'memory', [name]: value as number }), {
        instanceOf: InvalidOptionError,
      });
      t.regex(error?.message ?? '', new RegExp(name));
    }
  }
  t.throws(() => new CacheEngine({ backend: new Keyv(), maxEntries: 10 }), {
    instanceOf: InvalidOptionError,
    message: /Keyv instance/,
  });
  // A Keyv store (not an instance) can be bounded.
  const engine = new CacheEngine({ backend: new Map() as never, maxEntries: 10 });
  t.teardown(() => engine.cache.close());
  t.true(engine.keyv.store instanceof BoundedStore);
});

// The other backends use the same wrapper (order not kept across restarts): checked on two servers.
for (const kind of ['redis', 'postgres'] as const) {
  test.serial(`bounded ${kind}: maxEntries, the least recently read entry evicted first`, async (t) => {
    const cacheName = uniqueCacheName('bounded');
    t.teardown(() => (kind === 'redis' ? clearRedisNamespace(cacheName) : dropPostgresTable(cacheName)));
    const engine = new CacheEngine({
      backend: kind,
      cacheName,
      backendOptions: { url: kind === 'redis' ? REDIS_URL : POSTGRES_URL },
      maxEntries: 3,
    });
    t.teardown(() => engine.cache.close());
    const errors: unknown[] = [];
    engine.on('error', (error) => errors.push(error));
    for (const name of ['A', 'B', 'C']) await put(engine, item(name));
    t.truthy(await engine.cache.read(keyOf(engine, item('A'))));
    await put(engine, item('D'));
    t.deepEqual(await engine.cache.urls(), [item('A'), item('C'), item('D')]);
    for (let i = 0; i < 20; i++) await put(engine, item(i));
    t.deepEqual(await engine.cache.urls(), [item(17), item(18), item(19)]);
    t.deepEqual(errors, []);
  });
}
