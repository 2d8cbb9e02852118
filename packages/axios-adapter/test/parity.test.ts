/** The axios instance as a handle: its close(), its package's exports, the ignoredParameters debug warning. */
import { registerHandleCases } from '@reqcache/behaviour-suite';
import test from 'ava';
import * as pkg from '../src/index.js';
import { createAxiosSuiteClient } from './helpers/suite-client.js';

registerHandleCases(test, { name: 'axios', exports: pkg, createClient: createAxiosSuiteClient });
