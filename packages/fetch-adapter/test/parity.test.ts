/** The cached fetch as a handle: its close(), its package's exports, the ignoredParameters debug warning. */
import { registerHandleCases } from '@reqcache/behaviour-suite';
import test from 'ava';
import * as pkg from '../src/index.js';
import { fetchSuiteClient } from './helpers/suite-client.js';

registerHandleCases(test, {
  name: 'fetch',
  exports: pkg,
  createClient: (options) => fetchSuiteClient(pkg.withCache(globalThis.fetch, options)),
});
