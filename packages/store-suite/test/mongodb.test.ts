import { CacheEngine } from '@reqcache/core';
import { mongoDatabase } from '@reqcache/core/internal';
import test from 'ava';
import { registerStoreSuite } from '../src/index.js';
import { dropMongoDatabase, startMongo } from './helpers/stores.js';

// One server for the file: MONGODB_URL, or an in-process CongoDB stopped after the last test.
const mongo = startMongo();
test.after.always(async () => (await mongo).stop());

registerStoreSuite(test, {
  name: 'mongodb',
  createEngine: async (options) =>
    new CacheEngine({
      ...options,
      backend: 'mongodb',
      backendOptions: { ...(await mongo).clientOptions, url: (await mongo).url },
    }),
  cleanup: async (cacheName) => dropMongoDatabase(await mongo, mongoDatabase(cacheName)),
});
