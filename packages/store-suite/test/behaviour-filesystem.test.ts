import test from 'ava';
import { registerBehaviourOnStore } from './helpers/behaviour.js';
import { cacheDirectories } from './helpers/stores.js';

const directories = cacheDirectories();
test.after.always(() => directories.remove());

registerBehaviourOnStore(test, {
  backend: 'filesystem',
  options: (cacheName) => ({ cacheName: directories.dir(cacheName) }),
  cleanup: () => undefined,
});
