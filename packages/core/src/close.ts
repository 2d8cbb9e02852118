/**
 * Closing a cached client, the same way in every adapter (`cachedFetch.close()`, `plugin.close()`,
 * `instance.close()`).
 * @module
 */
import type { CacheEngine } from './engine.js';

/**
 * Waits for the background work under way (stale-while-revalidate refreshes, shared in-flight
 * requests), then closes the store — only when the `autoclose` setting is on (the default), so a store
 * shared with other clients stays open with `autoclose: false`. Calling it again does no harm.
 *
 * @example
 * const instance = setupCache(axios.create(), { backend: 'sqlite' });
 * await instance.close(); // what the axios adapter's close() does: closeCache(instance.engine)
 */
export async function closeCache(engine: Pick<CacheEngine, 'settled' | 'cache'>): Promise<void> {
  await engine.settled();
  await engine.cache.close();
}
