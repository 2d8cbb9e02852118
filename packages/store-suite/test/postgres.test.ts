import { CacheEngine } from '@reqcache/core';
import test from 'ava';
import { registerStoreSuite } from '../src/index.js';
import { dropPostgresTable, POSTGRES_URL } from './helpers/stores.js';

registerStoreSuite(test, {
  name: 'postgres',
  createEngine: (options) =>
    new CacheEngine({ ...options, backend: 'postgres', backendOptions: { url: POSTGRES_URL } }),
  cleanup: (cacheName) => dropPostgresTable(cacheName),
});
