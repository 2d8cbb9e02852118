import { registerAdapterSuite } from '@reqcache/behaviour-suite';
import test from 'ava';
import { createAxiosSuiteClient } from './helpers/suite-client.js';

registerAdapterSuite(test, { name: 'axios', createClient: (options) => createAxiosSuiteClient(options) });
