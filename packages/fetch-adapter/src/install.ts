/**
 * Global patching, like requests-cache's `install_cache()`: every `fetch()` in the process goes through
 * one cache. How installations replace and restore one another is core's `createInstallation`.
 * @module
 */
import type { CacheOptions, HttpCache } from '@reqcache/core';
import { createInstallation, globalSlot } from '@reqcache/core/internal';
import type { CachedFetch } from './types.js';
import { withCache } from './with-cache.js';

type GlobalFetch = typeof globalThis.fetch;

const installation = createInstallation<GlobalFetch, CachedFetch & GlobalFetch, CacheOptions>(
  globalSlot('fetch', 'a fetch function'),
  (original, options) => withCache(original, { autoclose: false, ...options }) as CachedFetch & GlobalFetch,
);

/**
 * Replaces `globalThis.fetch` with `withCache(originalFetch, options)` and returns it. Installing again
 * replaces the first installation (it never wraps it): the new cache still wraps the original fetch.
 *
 * `autoclose` defaults to false here, as in requests-cache: a replaced or uninstalled cache leaves its
 * store open, so a store shared with other clients keeps working. Pass `autoclose: true` to have
 * `uninstallCache()` close it.
 *
 * @throws {InvalidOptionError | UnknownOptionError} For a bad option; nothing is installed then.
 * @example
 * installCache({ backend: 'memory', expireAfter: '1h' });
 * const response = await fetch('https://api.example.com/items');
 */
export function installCache(options: CacheOptions = {}): CachedFetch {
  return installation.install(options);
}

/**
 * Puts the original `globalThis.fetch` back; when another library wrapped it since `installCache()`
 * (msw's `setupServer().listen()`, an APM agent), leaves that wrapper in place and makes the installed
 * fetch a pass-through instead (core's `createInstallation` says why; `DEBUG=reqcache` logs which).
 * Settles once the store is closed (with `autoclose: true`). A no-op when nothing is installed.
 */
export const uninstallCache: () => Promise<void> = installation.uninstall;

/**
 * True while a cache is installed and `globalThis.fetch` goes through it (false inside `disabled()`;
 * still true when another wrapper was put around the installed fetch).
 */
export const isInstalled: () => boolean = installation.isInstalled;

/** The installed cache (`.cache` of the installed fetch), or undefined when nothing is installed. */
export function getCache(): HttpCache | undefined {
  return installation.current()?.cache;
}

/** Empties the installed cache; does nothing when nothing is installed. */
export async function clear(): Promise<void> {
  await installation.current()?.cache.clear();
}

/**
 * Runs `fn` with a cache installed, then restores whatever was there before (another installation, or
 * the plain fetch), even when `fn` throws. The temporary cache is closed afterwards (with `autoclose`).
 * @example
 * const data = await enabled(async () => (await fetch(url)).json(), { backend: 'memory' });
 */
export function enabled<T>(fn: (cachedFetch: CachedFetch) => T | Promise<T>, options: CacheOptions = {}) {
  return installation.enabled(fn, options);
}

/**
 * Runs `fn` with the original `globalThis.fetch` (no cache), then puts the cached fetch back, even when
 * `fn` throws. When nothing is installed it just runs `fn`.
 * @example
 * const fresh = await disabled(() => fetch(url));
 */
export const disabled: <T>(fn: () => T | Promise<T>) => Promise<T> = installation.disabled;
