import { CacheEngine } from '@reqcache/core';
import test from 'ava';
import { registerStoreSuite } from '../src/index.js';
import { clearRedisNamespace, REDIS_URL } from './helpers/stores.js';

registerStoreSuite(test, {
  name: 'redis',
  createEngine: (options) =>
    new CacheEngine({ ...options, backend: 'redis', backendOptions: { url: REDIS_URL } }),
  cleanup: (cacheName) => clearRedisNamespace(cacheName),
});
