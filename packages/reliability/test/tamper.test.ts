/**
 * Tamper evidence: with a signing serializer stage (HMAC-SHA256), an entry modified in the store is
 * rejected as a miss and reported; keys rotate through `previousKeys`.
 */
import { join } from 'node:path';
import {
  CacheEngine,
  type CacheOptions,
  type ReqcacheError,
  SerializerPipeline,
  signedSerializer,
  signingStage,
} from '@reqcache/core';
import { entryStage, jsonStage } from '@reqcache/core/internal';
import { fetchThrough } from '@reqcache/store-suite';
import { createTestServer } from '@reqcache/test-server';
import test, { type ExecutionContext } from 'ava';
import { removeSqliteFile, temporaryDirectory } from './helpers/stores.js';

const KEY_A = 'first secret key, 32 bytes long!';
const KEY_B = 'second secret key, rotated in...';

function engineFor(t: ExecutionContext, options: CacheOptions) {
  const engine = new CacheEngine(options);
  const errors: ReqcacheError[] = [];
  engine.on('error', (error) => errors.push(error));
  t.teardown(() => engine.cache.close());
  return { engine, errors };
}

function sqliteFile(t: ExecutionContext): string {
  const path = join(temporaryDirectory(t), 'signed.sqlite');
  t.teardown(() => removeSqliteFile(path));
  return path;
}

const TAMPERS: Array<{ name: string; change(stored: string): string }> = [
  { name: 'status changed', change: (stored) => stored.replace('"status":200', '"status":203') },
  {
    name: 'body changed',
    change: (stored) => stored.replace(/"body":"(.)/, (_m, c: string) => `"body":"${c === 'A' ? 'B' : 'A'}`),
  },
  { name: 'signature changed', change: (stored) => `s1.${'A'.repeat(43)}${stored.slice(46)}` },
  { name: 'signature removed', change: (stored) => stored.slice(47) },
  { name: 'truncated', change: (stored) => stored.slice(0, stored.length - 10) },
];

for (const tamper of TAMPERS) {
  test(`tamper evidence (${tamper.name}): a modified signed entry is rejected as a miss and reported`, async (t) => {
    const server = await createTestServer(t);
    const serializer = new SerializerPipeline(
      [entryStage, jsonStage, signingStage({ secretKey: KEY_A })],
      'json+signed',
    );
    const { engine, errors } = engineFor(t, { backend: 'sqlite', cacheName: sqliteFile(t), serializer });
    const url = `${server.url}/bytes/64?seed=3`;
    const first = await fetchThrough(engine, url);
    const key = first.info.cacheKey!;
    const stored = (await engine.keyv.get(key)) as string;
    t.true(stored.startsWith('s1.'), 'stored with the version prefix and signature');
    t.true((await fetchThrough(engine, url)).fromCache, 'an untouched entry is served');

    const changed = tamper.change(stored);
    t.not(changed, stored);
    await engine.keyv.set(key, changed);
    const after = await fetchThrough(engine, url);
    t.false(after.fromCache, 'the tampered entry is not served');
    t.deepEqual(Buffer.from(after.body), Buffer.from(first.body));
    t.is(server.hits('/bytes/64'), 2);
    t.is(errors.length, 1);
    t.is(errors[0]?.code, 'ERR_CACHE_DESERIALIZE');
    t.is(errors[0]?.key, key);
    t.regex(errors[0]?.message ?? '', /signature did not match/);
    t.true((await fetchThrough(engine, url)).fromCache, 'replaced by the next good response');
  });
}

test('tamper evidence: an unsigned entry is rejected by a signing serializer', async (t) => {
  const server = await createTestServer(t);
  const { engine, errors } = engineFor(t, { backend: 'memory', serializer: signedSerializer(KEY_A) });
  const url = `${server.url}/get`;
  const key = (await fetchThrough(engine, url)).info.cacheKey!;
  const unsigned = ((await engine.keyv.get(key)) as string).replace(/^s1\.[^.]+\./, '');
  JSON.parse(unsigned);
  await engine.keyv.set(key, unsigned);
  t.false((await fetchThrough(engine, url)).fromCache);
  t.regex(errors[0]?.message ?? '', /signature did not match/);
});

test('tamper evidence: key rotation — entries signed with a previous key still read, new entries use the new key', async (t) => {
  const server = await createTestServer(t);
  const cacheName = sqliteFile(t);
  const oldUrl = `${server.url}/bytes/32?seed=1`;
  const newUrl = `${server.url}/bytes/32?seed=2`;

  const before = engineFor(t, { backend: 'sqlite', cacheName, serializer: signedSerializer(KEY_A) });
  t.false((await fetchThrough(before.engine, oldUrl)).fromCache);
  await before.engine.cache.close();

  // Rotated: signs with B, still accepts A.
  const rotated = engineFor(t, {
    backend: 'sqlite',
    cacheName,
    serializer: signedSerializer(KEY_B, [KEY_A]),
  });
  t.true(
    (await fetchThrough(rotated.engine, oldUrl)).fromCache,
    'an entry signed with the previous key reads',
  );
  t.false((await fetchThrough(rotated.engine, newUrl)).fromCache);
  t.deepEqual(rotated.errors, []);
  await rotated.engine.cache.close();

  // Only B: the new entry reads (it was signed with B), the old one is rejected.
  const onlyB = engineFor(t, { backend: 'sqlite', cacheName, serializer: signedSerializer(KEY_B) });
  t.true((await fetchThrough(onlyB.engine, newUrl)).fromCache, 'the new entry is signed with the new key');
  t.false((await fetchThrough(onlyB.engine, oldUrl)).fromCache, 'a retired key is no longer accepted');
  t.regex(onlyB.errors[0]?.message ?? '', /signature did not match/);
  await onlyB.engine.cache.close();

  // Only A: the entry written after rotation is rejected.
  const onlyA = engineFor(t, { backend: 'sqlite', cacheName, serializer: signedSerializer(KEY_A) });
  t.false((await fetchThrough(onlyA.engine, newUrl)).fromCache);
  t.regex(onlyA.errors[0]?.message ?? '', /signature did not match/);
  t.is(server.hits('/bytes/32'), 4);
});

test('tamper evidence: the signing stage signs bytes too (after a bytes stage), and rejects a flipped bit', (t) => {
  const stage = signingStage({ secretKey: new Uint8Array(32).fill(7), previousKeys: [KEY_A] });
  const payload = new Uint8Array([1, 2, 3, 4, 5]);
  const signed = stage.dumps(payload) as Uint8Array;
  t.deepEqual([...(stage.loads(signed) as Uint8Array)], [1, 2, 3, 4, 5]);
  const flipped = new Uint8Array(signed);
  flipped[flipped.length - 1]! ^= 1;
  const error = t.throws(() => stage.loads(flipped));
  t.regex(error?.message ?? '', /signature did not match/);
  t.is((error as ReqcacheError).code, 'ERR_CACHE_DESERIALIZE');
});

test('tamper evidence: an empty or missing secretKey is an InvalidOptionError', (t) => {
  for (const secretKey of ['', new Uint8Array(0), undefined, 42]) {
    const error = t.throws(() => signingStage({ secretKey } as never));
    t.is((error as ReqcacheError).code, 'ERR_INVALID_OPTION');
  }
  const rotated = t.throws(() => signingStage({ secretKey: KEY_A, previousKeys: [''] }));
  t.is((rotated as ReqcacheError).code, 'ERR_INVALID_OPTION');
});
