import { registerAdapterSuite } from '@reqcache/behaviour-suite';
import test from 'ava';
import { withCache } from '../src/index.js';
import { fetchSuiteClient } from './helpers/suite-client.js';

registerAdapterSuite(test, {
  name: 'fetch (global)',
  redirectHops: false,
  createClient: (options) => fetchSuiteClient(withCache(globalThis.fetch, options)),
});
