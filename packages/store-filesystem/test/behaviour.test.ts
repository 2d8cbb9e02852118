import { registerBehaviourOnStore } from '@reqcache/store-suite';
import test from 'ava';
import { cacheDirectories } from './helpers.js';

const directories = cacheDirectories();
test.after.always(() => directories.remove());

registerBehaviourOnStore(test, {
  backend: 'filesystem',
  options: (cacheName) => ({ cacheName: directories.dir(cacheName) }),
  cleanup: () => undefined,
});
