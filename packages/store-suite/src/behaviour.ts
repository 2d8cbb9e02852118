import { type AdapterSuiteOptions, createCoreClient, registerAdapterSuite } from '@reqcache/behaviour-suite';
import type { BackendName, CacheOptions } from '@reqcache/core';
import type { TestFn } from 'ava';
import { uniqueCacheName } from './suite.js';

/** How the behaviour suite reaches one store by name. */
export interface BehaviourStore {
  backend: BackendName;
  /** The options for a fresh cache name (file path, connection URL, …). */
  options(cacheName: string): Pick<CacheOptions, 'cacheName' | 'backendOptions'>;
  /** Removes what the cache name left on the store, after its engine is closed. */
  cleanup(cacheName: string): void | Promise<void>;
}

/**
 * Runs the shared adapter behaviour suite (core-engine client) with every test on the named store:
 * a fresh cache name per client, cleared, closed and cleaned up when the suite closes the client.
 */
export function registerBehaviourOnStore(test: TestFn, store: BehaviourStore): void {
  const createClient: AdapterSuiteOptions['createClient'] = (options) => {
    // Cases that bring their own store (a Keyv instance) keep it.
    if (options.backend !== store.backend) return createCoreClient(options);
    const cacheName = uniqueCacheName('reqcache_behaviour');
    const client = createCoreClient({ ...options, ...store.options(cacheName) });
    return {
      ...client,
      async close() {
        client.engine.settings.autoclose = true;
        try {
          await client.cache.clear();
        } finally {
          await client.close();
          await store.cleanup(cacheName);
        }
      },
    };
  };
  registerAdapterSuite(test, {
    name: `core engine on ${store.backend}`,
    backend: () => store.backend,
    createClient,
  });
}
