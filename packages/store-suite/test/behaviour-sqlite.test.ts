import test from 'ava';
import { registerBehaviourOnStore } from '../src/index.js';
import { removeSqliteFile, sqliteDirectory } from './helpers/stores.js';

const directory = sqliteDirectory();
test.after.always(() => directory.remove());

registerBehaviourOnStore(test, {
  backend: 'sqlite',
  options: (cacheName) => ({ cacheName: directory.file(cacheName) }),
  cleanup: (cacheName) => removeSqliteFile(directory.file(cacheName)),
});
