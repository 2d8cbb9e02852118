import test from 'ava';
import { sqliteStore } from './helpers/cli.js';
import { registerCliSuite } from './helpers/suite.js';

registerCliSuite(test, sqliteStore);
