/** got's plugin as a handle: its close(), its package's exports, the ignoredParameters debug warning. */
import { registerHandleCases } from '@reqcache/behaviour-suite';
import test from 'ava';
import * as pkg from '../src/index.js';
import { createGotSuiteClient } from './suite-client.js';

registerHandleCases(test, {
  name: 'got',
  exports: pkg,
  createClient: createGotSuiteClient,
});
