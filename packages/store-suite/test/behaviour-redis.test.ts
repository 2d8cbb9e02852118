import test from 'ava';
import { registerBehaviourOnStore } from '../src/index.js';
import { clearRedisNamespace, REDIS_URL } from './helpers/stores.js';

registerBehaviourOnStore(test, {
  backend: 'redis',
  options: (cacheName) => ({ cacheName, backendOptions: { url: REDIS_URL } }),
  cleanup: (cacheName) => clearRedisNamespace(cacheName),
});
