/**
 * Store packages that are not installed: the backends that need them name the package to install
 * (ERR_MISSING_DEPENDENCY), and the default backend falls back to memory with one warning. The
 * packages are made impossible to resolve in this process (nothing here loads them before).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CacheEngine, ReqcacheError } from '@reqcache/core';
import test from 'ava';
import { sqliteDirectory } from './helpers/stores.js';

const directory = sqliteDirectory();
test.after.always(() => directory.remove());

const HIDDEN = new Set([
  '@reqcache/store-filesystem',
  '@reqcache/store-gridfs',
  '@reqcache/store-dynamodb',
  '@reqcache/store-sqlite',
]);
const Module = createRequire(import.meta.url)('node:module') as {
  _resolveFilename: (request: string, ...rest: unknown[]) => string;
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
  if (HIDDEN.has(request))
    throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });
  return resolve.call(this, request, ...rest);
};
test.after.always(() => {
  Module._resolveFilename = resolve;
});

for (const [backend, name] of [
  ['filesystem', '@reqcache/store-filesystem'],
  ['gridfs', '@reqcache/store-gridfs'],
  ['dynamodb', '@reqcache/store-dynamodb'],
  ['sqlite', '@reqcache/store-sqlite'],
] as const) {
  test(`backend "${backend}" without ${name} installed: ERR_MISSING_DEPENDENCY naming it`, (t) => {
    const error = t.throws(
      () => new CacheEngine({ backend, cacheName: join(directory.path, `missing_${backend}`) }),
      { instanceOf: ReqcacheError },
    );
    t.is(error?.code, 'ERR_MISSING_DEPENDENCY');
    t.true(error?.message.includes(`npm install ${name}`), error?.message);
  });
}

test('the default backend without @reqcache/store-sqlite: memory, with one warning', async (t) => {
  const warnings: Error[] = [];
  const listener = (warning: Error) => warnings.push(warning);
  process.on('warning', listener);
  t.teardown(() => process.off('warning', listener));
  const first = new CacheEngine({ cacheName: join(directory.path, 'default_one') });
  const second = new CacheEngine({ cacheName: join(directory.path, 'default_two') });
  t.teardown(() => first.cache.close());
  t.teardown(() => second.cache.close());
  t.is(first.backendName, 'memory');
  t.is(second.backendName, 'memory');
  await new Promise((resolve) => setImmediate(resolve));
  const ours = warnings.filter((warning) => (warning as { code?: string }).code === 'REQCACHE_NO_SQLITE');
  t.is(ours.length, 1);
  t.regex(ours[0]?.message ?? '', /@reqcache\/store-sqlite/);
});

test("the default backend without @reqcache/store-sqlite, given SQLite's backendOptions: still memory", async (t) => {
  // The options were meant for SQLite (and are checked as such): the memory fallback does not refuse them.
  const engine = new CacheEngine({
    cacheName: join(directory.path, 'default_with_options'),
    backendOptions: { wal: false, busyTimeout: 100 },
  });
  t.teardown(() => engine.cache.close());
  t.is(engine.backendName, 'memory');
  await engine.keyv.set('abc', 'value');
  t.is(await engine.keyv.get('abc'), 'value');
});
