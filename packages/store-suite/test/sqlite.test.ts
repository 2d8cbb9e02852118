import { existsSync } from 'node:fs';
import { CacheEngine, InvalidOptionError, type ReqcacheError, serializerByName } from '@reqcache/core';
import { createTestServer, pseudoRandomBytes } from '@reqcache/test-server';
import test from 'ava';
import { fetchThrough, registerStoreSuite } from '../src/index.js';
import { removeSqliteFile, sqliteDirectory } from './helpers/stores.js';

const directory = sqliteDirectory();
test.after.always(() => directory.remove());

registerStoreSuite(test, {
  name: 'sqlite',
  createEngine: (options) =>
    new CacheEngine({ ...options, backend: 'sqlite', cacheName: directory.file(options.cacheName) }),
  cleanup: (cacheName) => removeSqliteFile(directory.file(cacheName)),
});

test('store sqlite: cacheName is the file <cacheName>.sqlite, in WAL mode with a busy timeout', async (t) => {
  const path = directory.file('wal_check');
  t.teardown(() => removeSqliteFile(path));
  const engine = new CacheEngine({ backend: 'sqlite', cacheName: path });
  t.teardown(() => engine.cache.close());
  t.is(engine.backendName, `sqlite (${path}.sqlite)`);
  const store = engine.keyv.store as { query(sql: string): Promise<Array<Record<string, unknown>>> };
  t.deepEqual(await store.query('PRAGMA journal_mode'), [{ journal_mode: 'wal' }]);
  t.deepEqual(await store.query('PRAGMA busy_timeout'), [{ timeout: 5000 }]);
  t.true(existsSync(`${path}.sqlite`));
});

test('store sqlite: a transaction begun right after opening neither fails the WAL switch nor takes the store down', async (t) => {
  // The WAL switch cannot run inside a transaction: every query waits for it, so a caller's BEGIN comes after.
  const path = directory.file('wal_then_begin');
  t.teardown(() => removeSqliteFile(path));
  const engine = new CacheEngine({ backend: 'sqlite', cacheName: path });
  t.teardown(() => engine.cache.close());
  const errors: unknown[] = [];
  engine.on('error', (error) => errors.push(error));
  const store = engine.keyv.store as { query(sql: string): Promise<Array<Record<string, unknown>>> };
  await store.query('BEGIN');
  await engine.keyv.set('k', 'v');
  await store.query('COMMIT');
  t.deepEqual(await store.query('PRAGMA journal_mode'), [{ journal_mode: 'wal' }]);
  t.is(await engine.keyv.get('k'), 'v');
  t.false(engine.cache.storeDown);
  t.deepEqual(errors, []);
});

test('store sqlite: backendOptions pass through (wal: false, busyTimeout, table)', async (t) => {
  const path = directory.file('options_check');
  t.teardown(() => removeSqliteFile(path));
  const engine = new CacheEngine({
    backend: 'sqlite',
    cacheName: path,
    backendOptions: { wal: false, busyTimeout: 1234, table: 'other' },
  });
  t.teardown(() => engine.cache.close());
  const store = engine.keyv.store as { query(sql: string): Promise<Array<Record<string, unknown>>> };
  await engine.keyv.set('k', 'v');
  t.deepEqual(await store.query('PRAGMA journal_mode'), [{ journal_mode: 'delete' }]);
  t.deepEqual(await store.query('PRAGMA busy_timeout'), [{ timeout: 1234 }]);
  t.deepEqual(await store.query('SELECT key FROM other'), [{ key: 'reqcache:k' }]);
});

test('store sqlite: a file written by earlier versions (@keyv/sqlite, Keyv JSON rows) is read, then rewritten in the new format', async (t) => {
  const server = await createTestServer(t);
  const path = directory.file('legacy');
  t.teardown(() => removeSqliteFile(path));
  const url = `${server.url}/bytes/640?seed=3`;
  // What an earlier version wrote: @keyv/sqlite 4's table `responses` (same SQL), and in each row Keyv's
  // JSON around the serialized entry, under the namespaced key (written here without node-sqlite3).
  // (A serializer object, so the memory store keeps the serialized text rather than the entry itself.)
  const earlier = new CacheEngine({ backend: 'memory', serializer: serializerByName('json') });
  t.false((await fetchThrough(earlier, url)).fromCache);
  const key = earlier.createKey({ method: 'GET', url, headers: {} });
  const serialized = await earlier.keyv.get(key);
  t.is(typeof serialized, 'string');
  const scratch = new CacheEngine({
    backend: 'sqlite',
    cacheName: path,
    backendOptions: { table: 'scratch' },
  });
  const raw = scratch.keyv.store as { query(sql: string, ...parameters: unknown[]): Promise<unknown> };
  await raw.query('CREATE TABLE responses(key VARCHAR(255) PRIMARY KEY, value TEXT )');
  await raw.query(
    'INSERT INTO responses (key, value) VALUES (?, ?)',
    `reqcache:${key}`,
    JSON.stringify({ value: serialized }),
  );
  await scratch.keyv.disconnect();

  const engine = new CacheEngine({ backend: 'sqlite', cacheName: path });
  t.teardown(() => engine.cache.close());
  const errors: ReqcacheError[] = [];
  engine.on('error', (error) => errors.push(error));
  const served = await fetchThrough(engine, url);
  t.true(served.fromCache);
  t.deepEqual(Buffer.from(served.body), pseudoRandomBytes(640, 3));
  t.is(server.hits('/bytes/640'), 1);
  t.deepEqual(await engine.cache.urls(), [url]);
  const store = engine.keyv.store as { query(sql: string): Promise<Array<Record<string, unknown>>> };
  t.deepEqual(await store.query('SELECT v FROM responses'), [{ v: null }]);
  // Refreshed: written again, in the new format (the serialized entry as it is, no Keyv JSON around it).
  t.false((await fetchThrough(engine, url, { cache: { forceRefresh: true } })).fromCache);
  t.deepEqual(await store.query('SELECT v, typeof(value) AS type FROM responses'), [{ v: 1, type: 'text' }]);
  t.true((await fetchThrough(engine, url)).fromCache);
  t.deepEqual(errors, []);
});

test('store sqlite: unknown or invalid backendOptions are an InvalidOptionError naming the option', (t) => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ keySize: 255 }, 'backendOptions.keySize'],
    [{ uri: 5 }, 'backendOptions.uri'],
    [{ table: 'two words' }, 'backendOptions.table'],
    [{ busyTimeout: -1 }, 'backendOptions.busyTimeout'],
    [{ iterationLimit: 0 }, 'backendOptions.iterationLimit'],
    [{ wal: 'yes' }, 'backendOptions.wal'],
    [{ driver: 'sqlite4' }, 'backendOptions.driver'],
    [{ readCacheBytes: 1.5 }, 'backendOptions.readCacheBytes'],
  ];
  for (const [backendOptions, option] of cases) {
    const error = t.throws(
      () => new CacheEngine({ backend: 'sqlite', cacheName: directory.file('bad_options'), backendOptions }),
      { instanceOf: InvalidOptionError },
    );
    t.is(error?.option, option);
  }
  t.false(existsSync(`${directory.file('bad_options')}.sqlite`));
});
