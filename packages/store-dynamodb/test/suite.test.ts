import { registerStoreSuite } from '@reqcache/store-suite';
import test from 'ava';
import { dynamoSuite } from './helpers.js';

registerStoreSuite(test, dynamoSuite(test));
