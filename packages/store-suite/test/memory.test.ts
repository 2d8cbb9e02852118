import { CacheEngine } from '@reqcache/core';
import test from 'ava';
import { registerStoreSuite } from '../src/index.js';

registerStoreSuite(test, {
  name: 'memory',
  persistent: false,
  createEngine: (options) => new CacheEngine({ ...options, backend: 'memory' }),
});
