/** Entries written by one process are served to another; two processes write one SQLite file at once. */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CacheEngine, type CacheOptions } from '@reqcache/core';
import { createTestServer, pseudoRandomBytes } from '@reqcache/test-server';
import test from 'ava';
import { fetchThrough, uniqueCacheName } from '../src/index.js';
import type { ChildJob, ChildResult } from './fixtures/child.js';
import { clearRedisNamespace, REDIS_URL, removeSqliteFile, sqliteDirectory } from './helpers/stores.js';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./fixtures/child.ts', import.meta.url));
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));

const directory = sqliteDirectory();
test.after.always(() => directory.remove());

async function runChild(job: ChildJob): Promise<ChildResult> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', child, JSON.stringify(job)], {
    cwd: packageDirectory,
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
}

const stores: Array<[string, () => { options: CacheOptions; cleanup(): Promise<void> | void }]> = [
  [
    'sqlite',
    () => {
      const path = directory.file(uniqueCacheName());
      return { options: { backend: 'sqlite', cacheName: path }, cleanup: () => removeSqliteFile(path) };
    },
  ],
  [
    'filesystem',
    () => {
      const path = directory.file(uniqueCacheName());
      return {
        options: { backend: 'filesystem', cacheName: path },
        cleanup: () => rmSync(path, { recursive: true, force: true }),
      };
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

for (const [name, store] of stores) {
  test(`${name}: a response cached by another process is served without reaching the origin`, async (t) => {
    const server = await createTestServer(t);
    const { options, cleanup } = store();
    t.teardown(cleanup);
    const url = `${server.url}/bytes/1500?seed=11`;
    const written = await runChild({ options, fetch: url });
    t.deepEqual(written, { fromCache: false, errors: [] });
    t.is(server.hits('/bytes/1500'), 1);
    const engine = new CacheEngine(options);
    t.teardown(() => engine.cache.close());
    const served = await fetchThrough(engine, url);
    t.true(served.fromCache);
    t.deepEqual(Buffer.from(served.body), pseudoRandomBytes(1500, 11));
    t.is(server.hits('/bytes/1500'), 1);
  });
}

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
