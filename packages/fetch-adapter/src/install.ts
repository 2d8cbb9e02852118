/**
 * Global patching, like requests-cache's `install_cache()`: every `fetch()` in the process goes through
 * one cache. Not safe to use from concurrent tasks that expect different states (as in requests-cache).
 * @module
 */
import { type CacheOptions, type HttpCache, InvalidOptionError } from '@reqcache/core';
import { createDebugLog } from '@reqcache/core/internal';
import type { CachedFetch, CachedRequestInit } from './types.js';
import { withCache } from './with-cache.js';

type GlobalFetch = typeof globalThis.fetch;

interface State {
  /** The installed cached fetch (a {@link hook}), or undefined. */
  installed: CachedFetch | undefined;
  /** The `globalThis.fetch` found at installation, restored by `uninstallCache()`. */
  original: GlobalFetch | undefined;
}

const state: State = { installed: undefined, original: undefined };

/** Turns an installed fetch into a pass-through to the fetch it wrapped, for good. */
const unhookers = new WeakMap<CachedFetch, () => void>();

/**
 * What `installCache()` puts on `globalThis.fetch`: the cached fetch while hooked, the fetch it wraps
 * once unhooked. Another library may have wrapped it by then (msw's `setupServer`, a tracing agent) and
 * keeps calling it, so uninstalling cannot simply put the original back; unhooking from inside leaves
 * that library's wrapper working and uncached.
 */
function hook(cached: CachedFetch, original: GlobalFetch): CachedFetch {
  let hooked = true;
  const installed = (input: RequestInfo | URL, init?: CachedRequestInit) =>
    hooked ? cached(input, init) : original(input, init);
  Object.defineProperties(installed, {
    cache: { value: cached.cache, enumerable: true },
    settings: { value: cached.settings, enumerable: true },
    engine: { value: cached.engine, enumerable: true },
    close: { value: () => cached.close(), enumerable: true },
    explain: { value: cached.explain, enumerable: true },
    disabled: { value: cached.disabled, enumerable: true },
  });
  const result = installed as CachedFetch;
  unhookers.set(result, () => {
    hooked = false;
  });
  return result;
}

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
  const previous = state.installed;
  const cached = install(options);
  if (previous !== undefined) {
    // Still called by any wrapper put around it since: from now on it only passes requests through.
    unhookers.get(previous)?.();
    void previous.close();
  }
  return cached;
}

function install(options: CacheOptions): CachedFetch {
  const original = state.original ?? globalThis.fetch;
  if (typeof original !== 'function') {
    throw new InvalidOptionError('globalThis.fetch', original, 'a fetch function to wrap');
  }
  const cached = hook(withCache(original, { autoclose: false, ...options }), original);
  state.original = original;
  state.installed = cached;
  globalThis.fetch = cached as GlobalFetch;
  return cached;
}

/**
 * Puts the original `globalThis.fetch` back — only when `globalThis.fetch` is still the installed one.
 * When another library has wrapped it since `installCache()` (msw's `setupServer().listen()`, an APM
 * agent), its wrapper stays in place and the installed fetch inside it becomes a pass-through to the
 * original: putting the original back would cut that library out, and its own restore would later bring
 * the cache back. The debug log (`DEBUG=reqcache`) says which happened.
 *
 * The returned promise settles once the store is closed (only with `autoclose: true`); `globalThis.fetch`
 * is dealt with before it returns. A no-op when nothing is installed.
 */
export async function uninstallCache(): Promise<void> {
  const { installed, original } = state;
  if (installed === undefined || original === undefined) return;
  if (globalThis.fetch === installed) {
    globalThis.fetch = original;
  } else if (globalThis.fetch !== original) {
    unhookers.get(installed)?.();
    createDebugLog()?.(
      'uninstallCache: globalThis.fetch was wrapped by another library after installCache(); left that wrapper in place and made the installed cache a pass-through',
    );
  }
  state.installed = undefined;
  state.original = undefined;
  await installed.close();
}

/**
 * True while a cache is installed and `globalThis.fetch` goes through it (false inside `disabled()`;
 * still true when another wrapper was put around the installed fetch).
 */
export function isInstalled(): boolean {
  return state.installed !== undefined && globalThis.fetch !== state.original;
}

/** The installed cache (`.cache` of the installed fetch), or undefined when nothing is installed. */
export function getCache(): HttpCache | undefined {
  return state.installed?.cache;
}

/** Empties the installed cache; does nothing when nothing is installed. */
export async function clear(): Promise<void> {
  await state.installed?.cache.clear();
}

/**
 * Runs `fn` with a cache installed, then restores whatever was there before (another installation, or
 * the plain fetch), even when `fn` throws. The temporary cache is closed afterwards (with `autoclose`).
 *
 * @example
 * const data = await enabled(async () => (await fetch(url)).json(), { backend: 'memory' });
 */
export async function enabled<T>(
  fn: (cachedFetch: CachedFetch) => T | Promise<T>,
  options: CacheOptions = {},
): Promise<T> {
  const saved = { ...state, fetch: globalThis.fetch };
  const cached = install(options);
  try {
    return await fn(cached);
  } finally {
    if (state.installed === cached) {
      state.installed = saved.installed;
      state.original = saved.original;
      globalThis.fetch = saved.fetch;
    }
    // A wrapper put around it inside fn keeps calling it: from now on it only passes requests through.
    unhookers.get(cached)?.();
    await cached.close();
  }
}

/**
 * Runs `fn` with the original `globalThis.fetch` (no cache), then puts the cached fetch back, even when
 * `fn` throws. When nothing is installed it just runs `fn`.
 *
 * @example
 * const fresh = await disabled(() => fetch(url));
 */
export async function disabled<T>(fn: () => T | Promise<T>): Promise<T> {
  const { installed, original } = state;
  if (installed === undefined || original === undefined) return await fn();
  const saved = globalThis.fetch;
  globalThis.fetch = original;
  try {
    return await fn();
  } finally {
    // Put the cached fetch back, unless fn uninstalled it, installed another or patched fetch itself.
    if (state.installed === installed && globalThis.fetch === original) globalThis.fetch = saved;
  }
}
