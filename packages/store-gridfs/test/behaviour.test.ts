import { mongoDatabase } from '@reqcache/core/internal';
import { registerBehaviourOnStore } from '@reqcache/store-suite';
import test from 'ava';
import { dropMongoDatabase, type MongoForTests, startMongo } from './helpers.js';

// The suite's clients are created synchronously from options, so the server is started first.
let mongo: MongoForTests | undefined;
test.before(async () => {
  mongo = await startMongo();
});
test.after.always(async () => mongo?.stop());

function server(): MongoForTests {
  if (mongo === undefined) throw new Error('the MongoDB server has not started');
  return mongo;
}

registerBehaviourOnStore(test, {
  backend: 'gridfs',
  options: (cacheName) => ({ cacheName, backendOptions: { ...server().clientOptions, url: server().url } }),
  cleanup: (cacheName) => dropMongoDatabase(server(), mongoDatabase(cacheName)),
});
