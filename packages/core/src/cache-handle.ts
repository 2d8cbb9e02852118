/**
 * The members every adapter's cached client exposes beside its own API (`instance.cache`,
 * `cachedFetch.settings`, `plugin.engine`, …), documented once, and their property descriptors.
 * @module
 */
import { closeCache } from './close.js';
import type { CacheEngine } from './engine.js';
import type { CacheSettings } from './settings.js';
import type { HttpCache } from './store.js';

/** What a cached client exposes, whatever the client: the store, the settings, the engine, `disabled` and `close`. */
export interface CacheHandle {
  /** The store, with requests-cache's inspection and maintenance API (`contains`, `delete`, `filter`, `clear`, `close`, …). */
  readonly cache: HttpCache;
  /** The run-time settings (`expireAfter`, `allowableCodes`, …); every assignment is validated at once. */
  readonly settings: CacheSettings;
  /** The engine behind the client, for its events (`hit`, `miss`, `stored`, `revalidated`, `error`) and `settled()`. */
  readonly engine: CacheEngine;
  /**
   * Runs `fn` with this cache bypassed (requests-cache's `cache_disabled()`): its requests neither read
   * nor write the cache; concurrent requests outside `fn` still do.
   * @example await client.disabled(() => client.get('/live'))
   */
  disabled<T>(fn: () => T): T;
  /**
   * Waits for background revalidations, then closes the store when `autoclose` is on (the default).
   * @example await client.close();
   */
  close(): Promise<void>;
}

/** The names of the {@link CacheHandle} members, for an adapter that removes them again. */
export const CACHE_HANDLE_NAMES: readonly (keyof CacheHandle)[] = [
  'cache',
  'settings',
  'engine',
  'disabled',
  'close',
];

/**
 * The {@link CacheHandle} members of `engine` as property descriptors (configurable, not enumerable),
 * for `Object.defineProperties(client, cacheHandle(engine))`.
 */
export function cacheHandle(engine: CacheEngine): Record<keyof CacheHandle, PropertyDescriptor> {
  return {
    cache: { value: engine.cache, configurable: true },
    settings: { value: engine.settings, configurable: true },
    engine: { value: engine, configurable: true },
    disabled: { value: <T>(fn: () => T): T => engine.disabled(fn), configurable: true },
    close: { value: (): Promise<void> => closeCache(engine), configurable: true },
  };
}
