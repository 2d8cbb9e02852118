import { registerStoreSuite } from '@reqcache/store-suite';
import test from 'ava';
import { gridFsSuite } from './helpers.js';

registerStoreSuite(test, gridFsSuite(test));
