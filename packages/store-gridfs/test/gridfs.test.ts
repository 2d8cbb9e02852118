import { CacheEngine, type ReqcacheError } from '@reqcache/core';
import { mongoDatabase } from '@reqcache/core/internal';
import { fetchThrough, makeEntry, uniqueCacheName } from '@reqcache/store-suite';
import { createTestServer } from '@reqcache/test-server';
import test from 'ava';
import { MongoClient } from 'mongodb';
import { dropMongoDatabase, startMongo } from './helpers.js';

// One server for the file: MONGODB_URL, or an in-process CongoDB stopped after the last test.
const mongo = startMongo();
test.after.always(async () => (await mongo).stop());
async function openEngine(t: import('ava').ExecutionContext) {
  const server = await mongo;
  const cacheName = uniqueCacheName();
  t.teardown(() => dropMongoDatabase(server, mongoDatabase(cacheName)));
  const engine = new CacheEngine({
    backend: 'gridfs',
    cacheName,
    backendOptions: { ...server.clientOptions, url: server.url },
  });
  const errors: ReqcacheError[] = [];
  engine.on('error', (error) => errors.push(error));
  t.teardown(() => engine.cache.close());
  const client = new MongoClient(server.url, server.clientOptions);
  t.teardown(() => client.close());
  return { engine, errors, db: client.db(cacheName), cacheName };
}

// Serial (run before the suite's concurrent tests): encoding 17 MB holds the event loop for a while.
test.serial('gridfs: a body beyond 16 MB round-trips byte-exact through GridFS chunks', async (t) => {
  const { engine, errors, db } = await openEngine(t);
  const size = 17 * 1024 * 1024;
  const body = new Uint8Array(size);
  for (let i = 0; i < size; i++) body[i] = (i * 2654435761) >>> 24;
  const url = 'https://example.org/huge';
  const key = engine.createKey({ method: 'GET', url, headers: {} });
  t.true(await engine.cache.write(key, makeEntry(url, body)));
  const read = await engine.cache.read(key);
  t.is(read?.entry.body.byteLength, size);
  t.true(Buffer.from(read?.entry.body ?? []).equals(Buffer.from(body)));
  const files = await db.collection('responses.files').find({}).toArray();
  t.is(files.length, 1);
  t.is(files[0]?.['filename'], key);
  t.true(Number(files[0]?.['length']) > 16 * 1024 * 1024);
  t.true((await db.collection('responses.chunks').countDocuments({ files_id: files[0]?.['_id'] })) > 64);
  // Overwriting leaves one revision.
  t.true(await engine.cache.write(key, makeEntry(url, new TextEncoder().encode('small now'))));
  t.is(await db.collection('responses.files').countDocuments({}), 1);
  t.is(new TextDecoder().decode((await engine.cache.read(key))?.entry.body), 'small now');
  t.deepEqual(errors, []);
});

test('gridfs: cacheName is the database; responses in the bucket, redirects in a plain collection', async (t) => {
  const server = await createTestServer(t);
  const { engine, errors, db, cacheName } = await openEngine(t);
  t.is(engine.backendName, `gridfs (${cacheName})`);
  const url = `${server.url}/bytes/1000`;
  t.false((await fetchThrough(engine, url)).fromCache);
  t.true((await fetchThrough(engine, url)).fromCache);
  const final = 'https://example.org/final';
  const finalKey = engine.createKey({ method: 'GET', url: final, headers: {} });
  const alias = engine.createKey({ method: 'GET', url: 'https://example.org/start', headers: {} });
  t.true(await engine.cache.write(finalKey, makeEntry(final, new TextEncoder().encode('end')), [alias]));
  const redirects = await db.collection('redirects').find({}).toArray();
  t.deepEqual(
    redirects.map((redirect) => redirect['key']),
    [alias],
  );
  t.is(await engine.cache.redirects.get(alias), finalKey);
  t.deepEqual(
    (await db.collection('responses.files').find({}).toArray()).map((file) => file['filename']).sort(),
    [finalKey, engine.createKey({ method: 'GET', url, headers: {} })].sort(),
  );
  t.deepEqual(errors, []);
});
