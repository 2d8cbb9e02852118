/**
 * The three adapters as behaviour-suite clients (their own suite-client helpers), so a guarantee is
 * proven through fetch, got and axios alike.
 */
import type { SuiteClient } from '@reqcache/behaviour-suite';
import type { CacheOptions } from '@reqcache/core';
import { createAxiosSuiteClient } from '../../../axios-adapter/test/helpers/suite-client.js';
import { withCache } from '../../../fetch-adapter/src/index.js';
import { fetchSuiteClient } from '../../../fetch-adapter/test/helpers/suite-client.js';
import { createGotSuiteClient } from '../../../got-adapter/test/suite-client.js';

/** One adapter: its name and how to make a cached client of it. */
export interface Adapter {
  name: 'fetch' | 'got' | 'axios';
  create(options: CacheOptions): SuiteClient;
}

export const ADAPTERS: readonly Adapter[] = [
  { name: 'fetch', create: (options) => fetchSuiteClient(withCache(globalThis.fetch, options)) },
  { name: 'got', create: (options) => createGotSuiteClient(options) },
  { name: 'axios', create: (options) => createAxiosSuiteClient(options) },
];
