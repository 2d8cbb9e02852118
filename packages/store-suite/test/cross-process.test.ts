/** Entries written by one process are served to another; two processes write one SQLite file at once. */
import { CacheEngine, type CacheOptions } from '@reqcache/core';
import test from 'ava';
import { type CrossProcessStore, registerCrossProcessCase, runChild, uniqueCacheName } from '../src/index.js';
import { clearRedisNamespace, REDIS_URL, removeSqliteFile, sqliteDirectory } from './helpers/stores.js';

const directory = sqliteDirectory();
test.after.always(() => directory.remove());

const stores: Array<[string, CrossProcessStore]> = [
  [
    'sqlite',
    () => {
      const path = directory.file(uniqueCacheName());
      return { options: { backend: 'sqlite', cacheName: path }, cleanup: () => removeSqliteFile(path) };
    },
  ],
  [
    'redis',
    () => {
      const cacheName = uniqueCacheName();
      return {
        options: { backend: 'redis', cacheName, backendOptions: { url: REDIS_URL } },
        cleanup: () => clearRedisNamespace(cacheName),
      };
    },
  ],
];

for (const [name, store] of stores) registerCrossProcessCase(test, name, store);

test('sqlite: two processes writing one file at once (200 writes each) lose nothing', async (t) => {
  const path = directory.file(uniqueCacheName());
  t.teardown(() => removeSqliteFile(path));
  const options: CacheOptions = { backend: 'sqlite', cacheName: path };
  // Create the file first, so both writers open an existing WAL database.
  const setup = new CacheEngine(options);
  t.is(await setup.cache.responseCount(), 0);
  await setup.cache.close();
  const startAt = Date.now() + 2000;
  const results = await Promise.all(
    ['left', 'right'].map((prefix) => runChild({ options, write: { prefix, count: 200, startAt } })),
  );
  t.deepEqual(results, [
    { written: 200, errors: [] },
    { written: 200, errors: [] },
  ]);
  const engine = new CacheEngine(options);
  t.teardown(() => engine.cache.close());
  const errors: unknown[] = [];
  engine.on('error', (error) => errors.push(error));
  t.is(await engine.cache.responseCount(), 400);
  for (const prefix of ['left', 'right']) {
    for (let i = 0; i < 200; i++) {
      const url = `https://example.org/${prefix}/${i}`;
      const read = await engine.cache.read(engine.createKey({ method: 'GET', url, headers: {} }));
      t.is(new TextDecoder().decode(read?.entry.body), `${prefix} ${i} `.repeat(20), url);
    }
  }
  const store = engine.keyv.store as { query(sql: string): Promise<unknown> };
  t.deepEqual(await store.query('PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
  t.deepEqual(errors, []);
});
