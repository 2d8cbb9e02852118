/**
 * A cache installed over a global function, like requests-cache's `install_cache()`: every call of the
 * global goes through one cache until it is uninstalled. Not safe to use from concurrent tasks that
 * expect different states (as in requests-cache).
 * @module
 */
import { createDebugLog } from './debug.js';
import { InvalidOptionError } from './errors.js';

/** Where the global function lives (`globalThis.fetch`, a module's export, a default instance's field). */
export interface GlobalSlot<F> {
  /** How errors and the debug log name it, e.g. `globalThis.fetch`. */
  readonly name: string;
  /** What the global must hold, for the error when it does not, e.g. `a fetch function`. */
  readonly expected: string;
  get(): F;
  set(value: F): void;
}

/** The slot of a function-valued property of `globalThis`, e.g. `globalSlot('fetch', 'a fetch function')`. */
export function globalSlot<K extends keyof typeof globalThis>(
  key: K,
  expected: string,
): GlobalSlot<(typeof globalThis)[K]> {
  return {
    name: `globalThis.${String(key)}`,
    expected,
    get: () => globalThis[key],
    set: (value) => {
      globalThis[key] = value;
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: any function may be installed over.
type AnyFunction = (...args: any[]) => any;

/** The install / uninstall / enabled / disabled operations over one {@link GlobalSlot}. */
export interface Installation<F extends AnyFunction, C extends F, O> {
  /** Installs `wrap(original, options)`; an earlier installation is replaced (closed, and made a pass-through). */
  install(options: O): C;
  /** Puts the original back (see {@link createInstallation}) and closes the installed cache. */
  uninstall(): Promise<void>;
  /** True while a cache is installed and the global goes through it. */
  isInstalled(): boolean;
  /** The installed cache, or undefined. */
  current(): C | undefined;
  /** Runs `fn` with a temporary installation, then restores what was there before (even when `fn` throws). */
  enabled<T>(fn: (cached: C) => T | Promise<T>, options: O): Promise<T>;
  /** Runs `fn` with the original global, then puts the installed one back (even when `fn` throws). */
  disabled<T>(fn: () => T | Promise<T>): Promise<T>;
}

/**
 * Installation over a global slot. What is installed is a hook: the cache while hooked, the original
 * once unhooked. Another library may wrap the global after installation (msw's `setupServer`, a tracing
 * agent) and keep calling the hook, so uninstalling cannot simply put the original back: when the global
 * is no longer the hook, the hook is unhooked from inside and that library's wrapper stays in place,
 * working and uncached (putting the original back would cut that library out, and its own restore would
 * later bring the cache back). The debug log says which happened.
 */
export function createInstallation<F extends AnyFunction, C extends F & { close(): Promise<void> }, O>(
  slot: GlobalSlot<F>,
  wrap: (original: F, options: O) => C,
): Installation<F, C, O> {
  const state: { installed: C | undefined; original: F | undefined } = {
    installed: undefined,
    original: undefined,
  };
  /** Turns an installed hook into a pass-through to the function it wrapped, for good. */
  const unhookers = new WeakMap<C, () => void>();
  const unhook = (cached: C): void => unhookers.get(cached)?.();

  const hook = (cached: C, original: F): C => {
    let hooked = true;
    const installed = ((...args: Parameters<F>) => (hooked ? cached(...args) : original(...args))) as C;
    for (const name of Object.keys(cached)) {
      Object.defineProperty(installed, name, { value: cached[name as keyof C], enumerable: true });
    }
    unhookers.set(installed, () => {
      hooked = false;
    });
    return installed;
  };

  const install = (options: O): C => {
    const original = state.original ?? slot.get();
    if (typeof original !== 'function') {
      throw new InvalidOptionError(slot.name, original, `${slot.expected} to wrap`);
    }
    const cached = hook(wrap(original, options), original);
    state.original = original;
    state.installed = cached;
    slot.set(cached);
    return cached;
  };

  return {
    install(options) {
      const previous = state.installed;
      const cached = install(options);
      if (previous !== undefined) {
        // Still called by any wrapper put around it since: from now on it only passes calls through.
        unhook(previous);
        void previous.close();
      }
      return cached;
    },
    async uninstall() {
      const { installed, original } = state;
      if (installed === undefined || original === undefined) return;
      if ((slot.get() as unknown) === installed) {
        slot.set(original);
      } else if (slot.get() !== original) {
        unhook(installed);
        createDebugLog()?.(
          `uninstallCache: ${slot.name} was wrapped by another library after installCache(); left that wrapper in place and made the installed cache a pass-through`,
        );
      }
      state.installed = undefined;
      state.original = undefined;
      await installed.close();
    },
    isInstalled: () => state.installed !== undefined && slot.get() !== state.original,
    current: () => state.installed,
    async enabled(fn, options) {
      const saved = { ...state, value: slot.get() };
      const cached = install(options);
      try {
        return await fn(cached);
      } finally {
        if (state.installed === cached) {
          state.installed = saved.installed;
          state.original = saved.original;
          slot.set(saved.value);
        }
        // A wrapper put around it inside fn keeps calling it: from now on it only passes calls through.
        unhook(cached);
        await cached.close();
      }
    },
    async disabled(fn) {
      const { installed, original } = state;
      if (installed === undefined || original === undefined) return await fn();
      const saved = slot.get();
      slot.set(original);
      try {
        return await fn();
      } finally {
        // Put the cache back, unless fn uninstalled it, installed another or replaced the global itself.
        if (state.installed === installed && slot.get() === original) slot.set(saved);
      }
    },
  };
}
