import { existsSync } from 'node:fs';
import { CacheEngine } from '@reqcache/core';
import test from 'ava';
import { registerStoreSuite } from '../src/index.js';
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
