/**
 * Hits per second and bytes per entry for each store, over a 1 kB response:
 * `node --import tsx scripts/measure.ts [reads] [store …]` (default 5 000 sequential `engine.cache.read(key)`).
 * Uses REDIS_URL / POSTGRES_URL / MONGODB_URL / DYNAMODB_ENDPOINT like the tests (else an in-process
 * CongoDB and dynalite); SQLite and the filesystem backend write to a temporary directory.
 */
import { performance } from 'node:perf_hooks';
import { CacheEngine, type CacheOptions } from '@reqcache/core';
import { startTestServer } from '@reqcache/test-server';
import { dropDynamoTable, fetchThrough, startDynamo, uniqueCacheName } from '../src/index.js';
import {
  clearRedisNamespace,
  dropMongoDatabase,
  dropPostgresTable,
  POSTGRES_URL,
  REDIS_URL,
  removeSqliteFile,
  sqliteDirectory,
  startMongo,
} from '../test/helpers/stores.js';

const reads = Number(process.argv[2] ?? 5000);
/** Store names after the count measure only those: `measure.ts 5000 filesystem gridfs dynamodb`. */
const only = new Set(process.argv.slice(3));
const directory = sqliteDirectory();
const fileDirectories = sqliteDirectory();
const server = await startTestServer();
const mongo = await startMongo();
const dynamo = await startDynamo();

const stores: Array<[string, (cacheName: string) => CacheOptions, (cacheName: string) => unknown]> = [
  ['memory', () => ({ backend: 'memory' }), () => undefined],
  [
    'sqlite',
    (cacheName) => ({ backend: 'sqlite', cacheName: directory.file(cacheName) }),
    (cacheName) => removeSqliteFile(directory.file(cacheName)),
  ],
  [
    'redis',
    (cacheName) => ({ backend: 'redis', cacheName, backendOptions: { url: REDIS_URL } }),
    clearRedisNamespace,
  ],
  [
    'postgres',
    (cacheName) => ({ backend: 'postgres', cacheName, backendOptions: { url: POSTGRES_URL } }),
    dropPostgresTable,
  ],
  [
    'filesystem',
    (cacheName) => ({ backend: 'filesystem', cacheName: fileDirectories.file(cacheName) }),
    () => undefined,
  ],
  [
    'gridfs',
    (cacheName) => ({
      backend: 'gridfs',
      cacheName,
      backendOptions: { ...mongo.clientOptions, url: mongo.url },
    }),
    (cacheName) => dropMongoDatabase(mongo, cacheName),
  ],
  [
    'dynamodb',
    (cacheName) => ({ backend: 'dynamodb', cacheName, backendOptions: dynamo.backendOptions }),
    (cacheName) => dropDynamoTable(dynamo, cacheName),
  ],
];

try {
  for (const [name, options, cleanup] of stores) {
    if (only.size > 0 && !only.has(name)) continue;
    const cacheName = uniqueCacheName('reqcache_measure');
    const engine = new CacheEngine(options(cacheName));
    engine.on('error', (error) => console.error(`${name}: ${error.message}`));
    try {
      const first = await fetchThrough(engine, `${server.url}/bytes/1024`);
      const key = first.info.cacheKey;
      if (key === undefined || (await engine.cache.read(key)) === undefined)
        throw new Error(`${name}: not stored`);
      for (let i = 0; i < 200; i++) await engine.cache.read(key); // warm up
      const start = performance.now();
      for (let i = 0; i < reads; i++) await engine.cache.read(key);
      const seconds = (performance.now() - start) / 1000;
      const storeKey = engine.keyv._getKeyPrefix(key);
      const raw: unknown = await engine.keyv.store.get(storeKey);
      const valueBytes = typeof raw === 'string' ? Buffer.byteLength(raw) : JSON.stringify(raw).length;
      console.log(
        `${name.padEnd(10)} ${Math.round(reads / seconds)
          .toString()
          .padStart(7)} reads/s  ${(((seconds * 1000) / reads) * 1000).toFixed(0).padStart(5)} µs/read  ` +
          `entry for a 1024-byte body: ${valueBytes} bytes value + ${Buffer.byteLength(storeKey)} bytes key`,
      );
      await engine.cache.clear();
    } finally {
      await engine.cache.close();
      await cleanup(cacheName);
    }
  }
} finally {
  await server.close();
  await mongo.stop();
  await dynamo.stop();
  directory.remove();
  fileDirectories.remove();
}
