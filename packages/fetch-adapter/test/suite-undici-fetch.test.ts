import { registerAdapterSuite } from '@reqcache/behaviour-suite';
import test from 'ava';
import { fetch } from 'undici';
import { withCache } from '../src/index.js';
import { fetchSuiteClient } from './helpers/suite-client.js';

registerAdapterSuite(test, {
  name: 'fetch (undici)',
  redirectHops: false,
  createClient: (options) => fetchSuiteClient(withCache(fetch, options)),
});
