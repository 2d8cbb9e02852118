import test from 'ava';
import { registerBehaviourOnStore } from '../src/index.js';
import { dropPostgresTable, POSTGRES_URL } from './helpers/stores.js';

registerBehaviourOnStore(test, {
  backend: 'postgres',
  options: (cacheName) => ({ cacheName, backendOptions: { url: POSTGRES_URL } }),
  cleanup: (cacheName) => dropPostgresTable(cacheName),
});
