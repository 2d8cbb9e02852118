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
  return new GlobalInstallation(slot, wrap);
}

/** A hook over `cached` (carrying its own fields) and the function that unhooks it for good. */
function hook<F extends AnyFunction, C extends F>(cached: C, original: F): [hooked: C, unhook: () => void] {
  let hooked = true;
  const installed = ((...args: Parameters<F>) => (hooked ? cached(...args) : original(...args))) as C;
  for (const name of Object.keys(cached)) {
    Object.defineProperty(installed, name, { value: cached[name as keyof C], enumerable: true });
  }
  return [
    installed,
    () => {
      hooked = false;
    },
  ];
}

/** {@link Installation}; its operations are arrow functions, so they can be handed out on their own. */
class GlobalInstallation<F extends AnyFunction, C extends F & { close(): Promise<void> }, O>
  implements Installation<F, C, O>
{
  #installed: C | undefined;
  #original: F | undefined;
  /** Turns an installed hook into a pass-through to the function it wrapped, for good. */
  readonly #unhookers = new WeakMap<C, () => void>();
  readonly #slot: GlobalSlot<F>;
  readonly #wrap: (original: F, options: O) => C;

  constructor(slot: GlobalSlot<F>, wrap: (original: F, options: O) => C) {
    this.#slot = slot;
    this.#wrap = wrap;
  }

  #unhook(cached: C): void {
    this.#unhookers.get(cached)?.();
  }

  #install(options: O): C {
    const original = this.#original ?? this.#slot.get();
    if (typeof original !== 'function') {
      throw new InvalidOptionError(this.#slot.name, original, `${this.#slot.expected} to wrap`);
    }
    const [cached, unhook] = hook(this.#wrap(original, options), original);
    this.#unhookers.set(cached, unhook);
    this.#original = original;
    this.#installed = cached;
    this.#slot.set(cached);
    return cached;
  }

  install = (options: O): C => {
    const previous = this.#installed;
    const cached = this.#install(options);
    if (previous !== undefined) {
      // Still called by any wrapper put around it since: from now on it only passes calls through.
      this.#unhook(previous);
      void previous.close();
    }
    return cached;
  };

  uninstall = async (): Promise<void> => {
    const installed = this.#installed;
    const original = this.#original;
    if (installed === undefined || original === undefined) return;
    const current: unknown = this.#slot.get();
    if (current === installed) {
      this.#slot.set(original);
    } else if (current !== original) {
      this.#unhook(installed);
      createDebugLog()?.(
        `uninstallCache: ${this.#slot.name} was wrapped by another library after installCache(); left that wrapper in place and made the installed cache a pass-through`,
      );
    }
    this.#installed = undefined;
    this.#original = undefined;
    await installed.close();
  };

  isInstalled = (): boolean => this.#installed !== undefined && this.#slot.get() !== this.#original;

  current = (): C | undefined => this.#installed;

  enabled = async <T>(fn: (cached: C) => T | Promise<T>, options: O): Promise<T> => {
    const saved = { installed: this.#installed, original: this.#original, value: this.#slot.get() };
    const cached = this.#install(options);
    try {
      return await fn(cached);
    } finally {
      if (this.#installed === cached) {
        this.#installed = saved.installed;
        this.#original = saved.original;
        this.#slot.set(saved.value);
      }
      // A wrapper put around it inside fn keeps calling it: from now on it only passes calls through.
      this.#unhook(cached);
      await cached.close();
    }
  };

  disabled = async <T>(fn: () => T | Promise<T>): Promise<T> => {
    const installed = this.#installed;
    const original = this.#original;
    if (installed === undefined || original === undefined) return await fn();
    const saved = this.#slot.get();
    this.#slot.set(original);
    try {
      return await fn();
    } finally {
      // Put the cache back, unless fn uninstalled it, installed another or replaced the global itself.
      if (this.#installed === installed && this.#slot.get() === original) this.#slot.set(saved);
    }
  };
}
