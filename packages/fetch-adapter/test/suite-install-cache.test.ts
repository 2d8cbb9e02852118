import { registerAdapterSuite } from '@reqcache/behaviour-suite';
import test, { type TestFn } from 'ava';
import { installCache, uninstallCache } from '../src/index.js';
import { fetchSuiteClient } from './helpers/suite-client.js';

// installCache patches the process-wide fetch: these tests run one at a time (the suite only calls test()).
registerAdapterSuite(test.serial as TestFn, {
  name: 'fetch (installCache)',
  redirectHops: false,
  createClient: (options) =>
    fetchSuiteClient(installCache(options), {
      send: (input, init) => globalThis.fetch(input, init),
      close: () => uninstallCache(),
    }),
});
