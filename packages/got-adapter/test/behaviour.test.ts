import { registerAdapterSuite } from '@reqcache/behaviour-suite';
import test from 'ava';
import { createGotSuiteClient } from './suite-client.js';

registerAdapterSuite(test, { name: 'got', createClient: createGotSuiteClient });
