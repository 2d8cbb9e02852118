/** KeyvSqlite under Keyv 5, on every driver the running Node can load. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDeserialize, defaultSerialize } from '@keyv/serialize';
import test, { type ExecutionContext } from 'ava';
import { Keyv } from 'keyv';
import { openDatabase } from '../src/driver.js';
import {
  type DriverName,
  KeyvSqlite,
  type KeyvSqliteOptions,
  loadDriver,
  SqliteError,
  UnreadableRowError,
} from '../src/index.js';

const directory = mkdtempSync(join(tmpdir(), 'reqcache-store-sqlite-'));
test.after.always(() => rmSync(directory, { recursive: true, force: true }));
let sequence = 0;

function available(name: DriverName): boolean {
  try {
    loadDriver(name);
    return true;
  } catch {
    return false;
  }
}

const DRIVERS = (['node:sqlite', 'better-sqlite3'] as const).filter(available);

test('a driver loads: node:sqlite on Node 22.13+, better-sqlite3 elsewhere', (t) => {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const builtIn = major > 22 || (major === 22 && minor >= 13);
  t.is(loadDriver(), builtIn ? 'node:sqlite' : 'better-sqlite3');
  t.true(DRIVERS.length > 0);
});

/**
 * A file as `@keyv/sqlite` 4 (the store before this one, on node-sqlite3) left it under Keyv 5: its
 * table, and in each row Keyv's serialized `{value, expires}` text under the namespaced key. Written
 * here with the same SQL, so the test needs no node-sqlite3 build.
 */
function writeKeyvSqlite4File(
  path: string,
  driver: DriverName,
  table: string,
  rows: Array<[key: string, data: { value: unknown; expires?: number }]>,
): void {
  const db = openDatabase(path, driver);
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS ${table}(key VARCHAR(255) PRIMARY KEY, value TEXT )`);
    const insert = db.prepare(`INSERT INTO ${table} (key, value) VALUES (?, ?)`);
    for (const [key, data] of rows) insert.run(key, defaultSerialize(data));
  } finally {
    db.close();
  }
}

function open(t: ExecutionContext, options: KeyvSqliteOptions = {}): KeyvSqlite {
  const store = new KeyvSqlite({ uri: `sqlite://${join(directory, `s${++sequence}.sqlite`)}`, ...options });
  t.teardown(() => store.disconnect());
  return store;
}

/** A Keyv that hands the store its records as they are (no serialization), as reqcache does. */
function recordKeyv(store: KeyvSqlite, namespace = 'ns'): Keyv {
  const keyv = new Keyv({ store, namespace, throwOnErrors: true });
  keyv.serialize = undefined;
  keyv.deserialize = undefined;
  return keyv;
}

for (const driver of DRIVERS) {
  test(`${driver}: a serializing Keyv round-trips values; its text is stored as text`, async (t) => {
    const store = open(t, { driver });
    const keyv = new Keyv({ store });
    await keyv.set('a', { nested: [1, 'two'] });
    await keyv.set('b', 'text');
    t.deepEqual(await keyv.get('a'), { nested: [1, 'two'] });
    t.is(await keyv.get('b'), 'text');
    t.true(await keyv.has('a'));
    t.false(await keyv.has('missing'));
    t.true(await keyv.delete('a'));
    t.is(await keyv.get('a'), undefined);
    const rows = await store.query('SELECT key, typeof(value) AS type, v FROM keyv');
    t.deepEqual(rows, [{ key: 'keyv:b', type: 'text', v: null }]);
  });

  test(`${driver}: records are stored as they come: text as text, bytes as a blob, other values as JSON`, async (t) => {
    const store = open(t, { driver, table: 'entries' });
    const keyv = recordKeyv(store);
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    await keyv.set('text', '{"v":1}');
    await keyv.set('bytes', bytes);
    await keyv.set('number', 42);
    await keyv.set('ttl', 'soon gone', 60_000);
    t.is(await keyv.get('text'), '{"v":1}');
    const read = await keyv.get('bytes');
    t.true(Buffer.isBuffer(read));
    t.deepEqual(read, bytes);
    t.is(await keyv.get('number'), 42);
    const rows = await store.query(
      'SELECT key, typeof(value) AS type, v, expires IS NOT NULL AS hasExpires FROM entries ORDER BY key',
    );
    t.deepEqual(rows, [
      { key: 'ns:bytes', type: 'blob', v: 1, hasExpires: 0 },
      { key: 'ns:number', type: 'text', v: 2, hasExpires: 0 },
      { key: 'ns:text', type: 'text', v: 1, hasExpires: 0 },
      { key: 'ns:ttl', type: 'text', v: 1, hasExpires: 1 },
    ]);
    t.deepEqual(await keyv.get(['text', 'missing', 'number']), ['{"v":1}', undefined, 42]);
  });

  test(`${driver}: expired records are misses; deleteExpired() removes them on the index`, async (t) => {
    const store = open(t, { driver });
    const keyv = recordKeyv(store);
    await keyv.set('short', 'x', 1);
    await keyv.set('long', 'y', 60_000);
    await keyv.set('forever', 'z');
    await new Promise((resolve) => setTimeout(resolve, 10));
    t.false(await store.has('ns:short'));
    t.is(store.deleteExpired(), 1);
    t.is(await keyv.get('long'), 'y');
    t.is(await keyv.get('forever'), 'z');
    await keyv.set('short', 'x', 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    t.is(await keyv.get('short'), undefined);
    t.deepEqual(await store.query('SELECT count(*) AS n FROM keyv'), [{ n: 2 }]);
    const plan = await store.query(
      'EXPLAIN QUERY PLAN DELETE FROM keyv WHERE expires IS NOT NULL AND expires < 1',
    );
    t.regex(JSON.stringify(plan), /keyv_expires/);
  });

  test(`${driver}: listing pages through the namespace only, and deleting while listing skips nothing`, async (t) => {
    const store = open(t, { driver, iterationLimit: 3 });
    const keyv = recordKeyv(store);
    // Keyv gives a store one namespace: another namespace is another store on the same file.
    const other = recordKeyv(new KeyvSqlite({ uri: store.opts.uri, driver }), 'other');
    t.teardown(() => other.disconnect());
    for (let i = 0; i < 10; i++) await keyv.set(`k${i}`, `v${i}`);
    await other.set('k0', 'elsewhere');
    const seen: Array<[string, unknown]> = [];
    for await (const [key, value] of keyv.iterator!(undefined) as AsyncIterable<[string, unknown]>) {
      seen.push([key, value]);
      await keyv.delete(key);
    }
    t.deepEqual(
      seen,
      Array.from({ length: 10 }, (_, i) => [`k${i}`, `v${i}`]),
    );
    t.is(await other.get('k0'), 'elsewhere');
    await other.clear();
    t.deepEqual(await store.query('SELECT count(*) AS n FROM keyv'), [{ n: 0 }]);
  });

  test(`${driver}: clear() removes only the namespace's keys`, async (t) => {
    const store = open(t, { driver });
    const keyv = recordKeyv(store, 'a');
    const other = recordKeyv(new KeyvSqlite({ uri: store.opts.uri, driver }), 'b');
    t.teardown(() => other.disconnect());
    await keyv.set('x', '1');
    await other.set('x', '2');
    await keyv.clear();
    t.is(await keyv.get('x'), undefined);
    t.is(await other.get('x'), '2');
  });

  test(`${driver}: a row in an unknown format, or a JSON row that does not parse, is an UnreadableRowError (a SyntaxError)`, async (t) => {
    const store = open(t, { driver });
    const keyv = recordKeyv(store);
    await keyv.set('future', 'x');
    await keyv.set('broken', 7);
    await store.query("UPDATE keyv SET v = 99 WHERE key = 'ns:future'");
    await store.query("UPDATE keyv SET value = '{nope' WHERE key = 'ns:broken'");
    for (const key of ['future', 'broken']) {
      const error = await t.throwsAsync(keyv.get(key), { instanceOf: UnreadableRowError });
      t.true(error instanceof SyntaxError);
      t.is(error?.key, `ns:${key}`);
    }
  });

  test(`${driver}: a file written by @keyv/sqlite 4 is read: as text by a serializing Keyv, as records with decodeText`, async (t) => {
    const path = join(directory, `legacy${++sequence}.sqlite`);
    writeKeyvSqlite4File(path, driver, 'responses', [
      ['ns:json', { value: '{"v":1,"body":"…"}' }],
      ['ns:bytes', { value: Buffer.from([1, 2, 3]) }],
      ['ns:ttl', { value: 'later', expires: Date.now() + 60_000 }],
    ]);
    const serializing = new Keyv({
      store: new KeyvSqlite({ uri: path, table: 'responses', driver }),
      namespace: 'ns',
    });
    t.teardown(() => serializing.disconnect());
    t.is(await serializing.get('json'), '{"v":1,"body":"…"}');
    const store = new KeyvSqlite({ uri: path, table: 'responses', driver, decodeText: defaultDeserialize });
    t.teardown(() => store.disconnect());
    const keyv = recordKeyv(store);
    t.is(await keyv.get('json'), '{"v":1,"body":"…"}');
    t.deepEqual(await keyv.get('bytes'), Buffer.from([1, 2, 3]));
    t.is(await keyv.get('ttl'), 'later');
    // Overwritten in the new format; the old rows stay readable beside it.
    await keyv.set('json', 'new');
    t.deepEqual(await store.query("SELECT v FROM responses WHERE key = 'ns:json'"), [{ v: 1 }]);
    t.is(await keyv.get('json'), 'new');
    const keys: string[] = [];
    for await (const [key] of keyv.iterator!(undefined) as AsyncIterable<[string, unknown]>) keys.push(key);
    t.deepEqual(keys, ['bytes', 'json', 'ttl']);
  });

  test(`${driver}: WAL and the busy timeout by default; wal: false keeps the rollback journal`, async (t) => {
    const store = open(t, { driver });
    t.deepEqual(await store.query('PRAGMA journal_mode'), [{ journal_mode: 'wal' }]);
    t.deepEqual(await store.query('PRAGMA busy_timeout'), [{ timeout: 5000 }]);
    t.deepEqual(await store.query('PRAGMA synchronous'), [{ synchronous: 1 }]);
    const plain = open(t, { driver, wal: false, busyTimeout: 250 });
    t.deepEqual(await plain.query('PRAGMA journal_mode'), [{ journal_mode: 'delete' }]);
    t.deepEqual(await plain.query('PRAGMA busy_timeout'), [{ timeout: 250 }]);
  });

  test(`${driver}: a file that cannot be opened fails each call, and works once it can be`, async (t) => {
    const parent = join(directory, `blocker${++sequence}`);
    writeFileSync(parent, 'a file where a directory should be');
    const store = new KeyvSqlite({ uri: join(parent, 'cache.sqlite'), driver });
    t.teardown(() => store.disconnect());
    const error = await t.throwsAsync(store.get('k'), { instanceOf: SqliteError });
    t.is(error?.code, 'SQLITE_CANTOPEN');
    t.regex(error?.message ?? '', /^SQLITE_CANTOPEN: /);
    await t.throwsAsync(store.set('k', 'v'), { instanceOf: SqliteError });
    rmSync(parent);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(parent);
    t.true(await store.set('k', { value: 'v' }));
    t.deepEqual(await store.get('k'), { value: 'v', expires: undefined });
  });

  test(`${driver}: setMany writes in one transaction`, async (t) => {
    const store = open(t, { driver });
    const keyv = recordKeyv(store);
    await keyv.setMany([
      { key: 'a', value: '1' },
      { key: 'b', value: '2', ttl: 60_000 },
    ]);
    t.deepEqual(await keyv.get(['a', 'b']), ['1', '2']);
  });
}

test('bad options are a TypeError naming the option', (t) => {
  t.throws(() => new KeyvSqlite({ table: 'x; DROP TABLE y' }), { instanceOf: TypeError, message: /table/ });
  t.throws(() => new KeyvSqlite({ busyTimeout: -1 }), { instanceOf: TypeError, message: /busyTimeout/ });
  t.throws(() => new KeyvSqlite({ iterationLimit: 0 }), { instanceOf: TypeError, message: /iterationLimit/ });
  t.throws(() => new KeyvSqlite({ driver: 'sqlite4' as DriverName }), { message: /sqlite4/ });
});

test('a closed store fails each call', async (t) => {
  const store = new KeyvSqlite();
  await store.set('k', 'v');
  await store.disconnect();
  await t.throwsAsync(store.get('k'), { message: /closed/ });
});

for (const driver of DRIVERS) {
  test(`${driver}: the read cache hands back the same text until a write here or in another connection`, async (t) => {
    const store = open(t, { driver });
    const keyv = recordKeyv(store);
    const big = 'x'.repeat(200_000);
    await keyv.set('k', big);
    const first = await store.get<{ value: string }>('ns:k');
    const second = await store.get<{ value: string }>('ns:k');
    t.is(first, second);
    t.true(Object.isFrozen(first));
    await keyv.set('k', 'changed here');
    t.is(await keyv.get('k'), 'changed here');
    // Another connection (another process, as far as SQLite knows) writes the same row.
    const other = new KeyvSqlite({ uri: store.opts.uri, driver });
    t.teardown(() => other.disconnect());
    await other.set('ns:k', { value: 'changed elsewhere' });
    t.is(await keyv.get('k'), 'changed elsewhere');
    await other.delete('ns:k');
    t.is(await keyv.get('k'), undefined);
    // Bytes are never shared between reads.
    await keyv.set('b', Buffer.from('bytes'));
    t.not(await store.get('ns:b'), await store.get('ns:b'));
    t.throws(() => new KeyvSqlite({ readCacheBytes: -1 }), {
      instanceOf: TypeError,
      message: /readCacheBytes/,
    });
    const uncached = open(t, { driver, readCacheBytes: 0 });
    await uncached.set('k', { value: big });
    t.not(await uncached.get('k'), await uncached.get('k'));
  });
}
