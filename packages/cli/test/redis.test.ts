import test from 'ava';
import { redisStore } from './helpers/cli.js';
import { registerCliSuite } from './helpers/suite.js';

registerCliSuite(test, redisStore);
