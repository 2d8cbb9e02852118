/** The filesystem backend: readable files, redirects.json, directory options, atomic writes, LRU bound. */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CacheEngine, type CacheOptions, type ReqcacheError } from '@reqcache/core';
import { fetchThrough, makeEntry, uniqueCacheName } from '@reqcache/store-suite';
import { createTestServer } from '@reqcache/test-server';
import test, { type ExecutionContext } from 'ava';
import { type FileStore, fileCacheDirectory, REDIRECTS_FILE, userCacheDirectory } from '../src/index.js';
import { cacheDirectories } from './helpers.js';

const directories = cacheDirectories();
test.after.always(() => directories.remove());

function open(t: ExecutionContext, options: CacheOptions = {}) {
  const directory = directories.dir(uniqueCacheName());
  const engine = new CacheEngine({ backend: 'filesystem', cacheName: directory, ...options });
  const errors: ReqcacheError[] = [];
  engine.on('error', (error) => errors.push(error));
  t.teardown(() => engine.cache.close());
  return { engine, errors, directory };
}

function keyOf(engine: CacheEngine, url: string): string {
  return engine.createKey({ method: 'GET', url, headers: {} });
}

/** The entry files of a cache directory (no index, no temporary files). */
function entryFiles(directory: string): string[] {
  return readdirSync(directory).filter((name) => name.endsWith('.json') && name !== REDIRECTS_FILE);
}

function directoryBytes(directory: string): number {
  return entryFiles(directory).reduce((sum, name) => sum + statSync(join(directory, name)).size, 0);
}

test('filesystem: one pretty-printed JSON file per response that a person can read and edit', async (t) => {
  const server = await createTestServer(t);
  const { engine, errors, directory } = open(t);
  t.is(engine.backendName, `filesystem (${directory})`);
  const jsonUrl = `${server.url}/json`;
  const bytesUrl = `${server.url}/bytes/64?seed=5`;
  const fetched = await fetchThrough(engine, jsonUrl);
  await fetchThrough(engine, bytesUrl);
  t.deepEqual(
    entryFiles(directory).sort(),
    [`${keyOf(engine, bytesUrl)}.json`, `${keyOf(engine, jsonUrl)}.json`].sort(),
  );

  // What a person sees: the URL, the status, the headers and the body as text.
  const path = join(directory, `${keyOf(engine, jsonUrl)}.json`);
  const text = readFileSync(path, 'utf8');
  t.true(text.includes('\n  "entry": {\n    "v": '), text.slice(0, 200));
  const file = JSON.parse(text) as {
    key: string;
    expires: number | null;
    entry: { url: string; status: number; headers: Record<string, string>; bodyText?: string; body?: string };
  };
  t.is(file.key, keyOf(engine, jsonUrl));
  t.is(file.entry.url, jsonUrl);
  t.is(file.entry.status, 200);
  t.regex(file.entry.headers['content-type'] ?? '', /json/);
  t.is(file.entry.body, undefined);
  t.is(file.entry.bodyText, new TextDecoder().decode(fetched.body));
  t.truthy(JSON.parse(file.entry.bodyText ?? ''));
  // A binary body stays base64.
  const binary = JSON.parse(readFileSync(join(directory, `${keyOf(engine, bytesUrl)}.json`), 'utf8'));
  t.is(typeof binary.entry.body, 'string');
  t.is(binary.entry.bodyText, undefined);

  // Edited by hand, the next read serves the edit.
  file.entry.bodyText = '{"edited": true}';
  writeFileSync(path, JSON.stringify(file, null, 2));
  const edited = await fetchThrough(engine, jsonUrl);
  t.true(edited.fromCache);
  t.is(new TextDecoder().decode(edited.body), '{"edited": true}');
  t.is(server.hits('/json'), 1);
  t.deepEqual(errors, []);
});

test('filesystem: redirect aliases live in redirects.json beside the responses', async (t) => {
  const { engine, errors, directory } = open(t);
  const final = 'https://example.org/final';
  const finalKey = keyOf(engine, final);
  const aliases = [keyOf(engine, 'https://example.org/start'), keyOf(engine, 'https://example.org/hop')];
  t.true(await engine.cache.write(finalKey, makeEntry(final, new TextEncoder().encode('end')), aliases));
  const index = JSON.parse(readFileSync(join(directory, REDIRECTS_FILE), 'utf8')) as Record<
    string,
    { target: string; expires: number | null }
  >;
  t.deepEqual(Object.keys(index).sort(), [...aliases].sort());
  t.true(Object.values(index).every((redirect) => redirect.target === finalKey && redirect.expires === null));
  t.is(await engine.cache.redirects.count(), 2);
  t.deepEqual(entryFiles(directory), [`${finalKey}.json`]);
  t.is((await engine.cache.read(aliases[0]!))?.key, finalKey);
  // Deleting the response prunes its aliases from the index.
  t.is(await engine.cache.delete({ urls: [final] }), 1);
  t.deepEqual(JSON.parse(readFileSync(join(directory, REDIRECTS_FILE), 'utf8')), {});
  t.deepEqual(errors, []);
});

test('filesystem: keys that are not safe file names are hashed, and still listed', async (t) => {
  const { directory } = open(t);
  const engine = new CacheEngine({
    backend: 'filesystem',
    cacheName: directory,
    keyFn: (request) => `Custom Key/${request.url}`,
  });
  t.teardown(() => engine.cache.close());
  const url = 'https://example.org/custom';
  const key = keyOf(engine, url);
  t.is(key, `Custom Key/${url}`);
  t.true(await engine.cache.write(key, makeEntry(url, new TextEncoder().encode('x'))));
  const [name] = entryFiles(directory);
  t.regex(name ?? '', /^~[0-9a-f]{64}\.json$/);
  t.deepEqual(await engine.cache.urls(), [url]);
  t.is((await engine.cache.read(key))?.key, key);
});

test('filesystem: a file that is not an entry is an invalid response, deleted by delete({invalid})', async (t) => {
  const { engine, errors, directory } = open(t);
  const url = 'https://example.org/corrupt';
  const key = keyOf(engine, url);
  await engine.cache.write(key, makeEntry(url, new TextEncoder().encode('fine')));
  writeFileSync(join(directory, `${key}.json`), '{ "entry": { "v": 1, "half": ');
  t.is(await engine.cache.read(key), undefined);
  t.is(errors.at(-1)?.code, 'ERR_CACHE_DESERIALIZE');
  t.is(await engine.cache.delete({ invalid: true }), 1);
  t.deepEqual(entryFiles(directory), []);
});

test('filesystem: useTemp, useCacheDir (XDG_CACHE_HOME) and extension place and name the files', async (t) => {
  const name = uniqueCacheName();
  t.is(fileCacheDirectory(name, { useTemp: true }), join(tmpdir(), name));
  t.is(fileCacheDirectory('/abs/cache', { useTemp: true }), '/abs/cache');
  t.is(fileCacheDirectory('~/x'), join(process.env['HOME'] ?? '', 'x'));
  const previous = process.env['XDG_CACHE_HOME'];
  process.env['XDG_CACHE_HOME'] = directories.path;
  t.teardown(() => {
    if (previous === undefined) delete process.env['XDG_CACHE_HOME'];
    else process.env['XDG_CACHE_HOME'] = previous;
  });
  if (process.platform === 'linux') t.is(userCacheDirectory(), directories.path);
  const inCacheDir = new CacheEngine({
    backend: 'filesystem',
    cacheName: name,
    backendOptions: { useCacheDir: true },
  });
  t.teardown(() => inCacheDir.cache.close());
  t.is(inCacheDir.backendName, `filesystem (${join(userCacheDirectory(), name)})`);

  const temp = new CacheEngine({
    backend: 'filesystem',
    cacheName: name,
    backendOptions: { useTemp: true, extension: 'txt' },
  });
  t.teardown(async () => {
    await temp.cache.clear();
    await temp.cache.close();
  });
  const url = 'https://example.org/ext';
  const key = keyOf(temp, url);
  await temp.cache.write(key, makeEntry(url, new TextEncoder().encode('x')));
  t.true(existsSync(join(tmpdir(), name, `${key}.txt`)));
  t.truthy(await temp.cache.read(key));
  t.is(await temp.cache.responseCount(), 1);

  for (const backendOptions of [
    { maxbytes: 10 },
    { maxBytes: -1 },
    { maxBytes: '1 MB' },
    { useTemp: 'yes' },
  ]) {
    const error = t.throws(() => new CacheEngine({ backend: 'filesystem', backendOptions }));
    t.is((error as ReqcacheError | undefined)?.code, 'ERR_INVALID_OPTION', JSON.stringify(backendOptions));
  }
});

test.serial(
  'filesystem: writes are atomic — readers never see partial JSON and no temporary files are left',
  async (t) => {
    const { engine, errors, directory } = open(t);
    const url = 'https://example.org/atomic';
    const key = keyOf(engine, url);
    const path = join(directory, `${key}.json`);
    await engine.cache.write(key, makeEntry(url, new Uint8Array(10)));
    let writing = true;
    let reads = 0;
    const reader = (async () => {
      while (writing) {
        JSON.parse(await readFile(path, 'utf8')); // throws on a partial file
        reads++;
      }
    })();
    const writes: Promise<boolean>[] = [];
    for (let i = 0; i < 60; i++) {
      writes.push(engine.cache.write(key, makeEntry(url, new Uint8Array((i % 6) * 100_000 + 1).fill(i))));
    }
    t.true((await Promise.all(writes)).every(Boolean));
    writing = false;
    await t.notThrowsAsync(reader);
    t.true(reads > 0);
    t.deepEqual(
      readdirSync(directory).filter((name) => name.endsWith('.tmp')),
      [],
    );
    t.is((await engine.cache.read(key))?.entry.body.byteLength, (59 % 6) * 100_000 + 1);
    t.deepEqual(errors, []);
  },
);

test('filesystem: maxBytes keeps the directory under the bound, evicting the least recently read', async (t) => {
  const { directory } = open(t);
  const body = new Uint8Array(3000).fill(1);
  // The size of one file, from a first write in a scratch cache.
  const probe = new CacheEngine({ backend: 'filesystem', cacheName: directories.dir(uniqueCacheName()) });
  const probeUrl = 'https://example.org/item/0';
  await probe.cache.write(keyOf(probe, probeUrl), makeEntry(probeUrl, body, { createdAt: 1 }));
  const fileBytes = statSync((probe.keyv.store as FileStore).pathOf(keyOf(probe, probeUrl))).size;
  await probe.cache.clear();

  const maxBytes = Math.floor(fileBytes * 3.5);
  const engine = new CacheEngine({
    backend: 'filesystem',
    cacheName: directory,
    backendOptions: { maxBytes },
  });
  const errors: ReqcacheError[] = [];
  engine.on('error', (error) => errors.push(error));
  t.teardown(() => engine.cache.close());
  const urls = [0, 1, 2, 3, 4].map((i) => `https://example.org/item/${i}`);
  const write = (i: number) =>
    engine.cache.write(keyOf(engine, urls[i]!), makeEntry(urls[i]!, body, { createdAt: 1 }));
  for (const i of [0, 1, 2]) t.true(await write(i));
  t.is(await engine.cache.responseCount(), 3);
  // Read 0: now 1 is the least recently used.
  t.truthy(await engine.cache.read(keyOf(engine, urls[0]!)));
  t.true(await write(3));
  t.deepEqual(await engine.cache.urls(), [urls[0], urls[2], urls[3]]);
  t.true(directoryBytes(directory) <= maxBytes);
  // A new engine (another process) finds the order on disk: 2 is the least recently used now.
  const restarted = new CacheEngine({
    backend: 'filesystem',
    cacheName: directory,
    backendOptions: { maxBytes },
  });
  t.teardown(() => restarted.cache.close());
  t.true(
    await restarted.cache.write(keyOf(restarted, urls[4]!), makeEntry(urls[4]!, body, { createdAt: 1 })),
  );
  t.deepEqual(await restarted.cache.urls(), [urls[0], urls[3], urls[4]]);
  t.true(directoryBytes(directory) <= maxBytes);
  // A response larger than the whole bound is not stored (and does not evict anything).
  const huge = 'https://example.org/huge';
  await restarted.cache.write(keyOf(restarted, huge), makeEntry(huge, new Uint8Array(maxBytes)));
  t.false(await restarted.cache.contains({ url: huge }));
  t.is(await restarted.cache.responseCount(), 3);
  t.deepEqual(errors, []);
});
