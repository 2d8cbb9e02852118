/** The MongoDB server of the store's tests: MONGODB_URL, or an in-process CongoDB. */
import { CacheEngine } from '@reqcache/core';
import { mongoDatabase } from '@reqcache/core/internal';
import { type MongoForTests, type StoreSuiteOptions, startMongo } from '@reqcache/store-suite';
import type { TestFn } from 'ava';
import { MongoClient } from 'mongodb';

export { type MongoForTests, startMongo } from '@reqcache/store-suite';

/** Drops a Mongo database. */
export async function dropMongoDatabase(mongo: MongoForTests, database: string): Promise<void> {
  const client = new MongoClient(mongo.url, mongo.clientOptions);
  try {
    await client.connect();
    await client.db(database).dropDatabase();
  } finally {
    await client.close();
  }
}

/** The store suite on GridFS: one server for the test file, stopped after its last test. */
export function gridFsSuite(test: TestFn): StoreSuiteOptions {
  const mongo = startMongo();
  test.after.always(async () => (await mongo).stop());
  return {
    name: 'gridfs',
    // The in-process CongoDB scans collections linearly: run one case at a time (see StoreSuiteOptions.serial).
    serial: !process.env['MONGODB_URL'],
    createEngine: async (options) =>
      new CacheEngine({
        ...options,
        backend: 'gridfs',
        backendOptions: { ...(await mongo).clientOptions, url: (await mongo).url },
      }),
    cleanup: async (cacheName) => dropMongoDatabase(await mongo, mongoDatabase(cacheName)),
  };
}
