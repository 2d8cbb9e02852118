/**
 * The behaviour suite against the core engine alone, through a minimal client over `node:http`:
 * proof that `@reqcache/core` is usable without any adapter.
 */
import test from 'ava';
import { createCoreClient, registerAdapterSuite } from '../src/index.js';

registerAdapterSuite(test, { name: 'core engine (node:http)', createClient: createCoreClient });
