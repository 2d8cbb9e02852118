import { registerStoreSuite } from '@reqcache/store-suite';
import test from 'ava';
import { filesystemSuite } from './helpers.js';

registerStoreSuite(test, filesystemSuite());
