import { createRequire } from 'node:module';
import { Keyv, type KeyvStoreAdapter } from 'keyv';
import { InvalidOptionError, ReqcacheError } from './errors.js';
import type { BackendName } from './options.js';

const require = createRequire(import.meta.url);

/** How a backend was opened, for messages and `cache.describe()`. @internal */
export interface OpenedBackend {
  keyv: Keyv;
  name: BackendName | 'custom';
  /** The SQLite file, for the sqlite backend. */
  path?: string;
}

let warnedNoSqlite = false;

/**
 * Opens the store for the `backend` option: a name, a Keyv instance (used as is) or a Keyv store.
 * Store packages are optional peers, loaded only when chosen; a missing one is a clear
 * `ERR_MISSING_DEPENDENCY` error naming what to install. Without a SQLite driver the default
 * backend falls back to memory, with one warning, as requests-cache does.
 */
export function openBackend(
  backend: BackendName | Keyv | KeyvStoreAdapter,
  cacheName: string,
  backendOptions: Readonly<Record<string, unknown>>,
  explicit: boolean,
): OpenedBackend {
  if (backend instanceof Keyv) return { keyv: backend, name: 'custom' };
  if (typeof backend !== 'string')
    return { keyv: new Keyv({ store: backend, throwOnErrors: true }), name: 'custom' };
  switch (backend) {
    case 'memory':
      return { keyv: new Keyv({ store: new Map(), throwOnErrors: true }), name: 'memory' };
    case 'sqlite': {
      let KeyvSqlite: new (options: Record<string, unknown>) => KeyvStoreAdapter;
      try {
        KeyvSqlite = loadStore('@keyv/sqlite', 'sqlite3');
      } catch (error) {
        if (explicit) throw error;
        if (!warnedNoSqlite) {
          warnedNoSqlite = true;
          process.emitWarning(
            'reqcache: no SQLite driver could be loaded (install @keyv/sqlite and sqlite3); caching in memory instead',
            { code: 'REQCACHE_NO_SQLITE' },
          );
        }
        return openBackend('memory', cacheName, backendOptions, false);
      }
      const path = sqlitePath(cacheName);
      const store = new KeyvSqlite({
        uri: `sqlite://${path}`,
        table: 'responses',
        busyTimeout: 5000,
        ...backendOptions,
      });
      return { keyv: new Keyv({ store, throwOnErrors: true, namespace: 'reqcache' }), name: 'sqlite', path };
    }
    default:
      throw new InvalidOptionError(
        'backend',
        backend,
        `"memory", "sqlite", or a Keyv instance (the "${backend}" backend by name is not available in this release; pass new Keyv(store) instead)`,
      );
  }
}

/** requests-cache's rule: `.sqlite` is appended to a cache name without an extension. */
export function sqlitePath(cacheName: string): string {
  if (cacheName === ':memory:') return cacheName;
  const base = cacheName.split(/[\\/]/).pop() ?? cacheName;
  return base.includes('.') ? cacheName : `${cacheName}.sqlite`;
}

function loadStore<T>(packageName: string, driver: string): T {
  let module: { default?: T } & Record<string, unknown>;
  try {
    module = require(packageName);
  } catch (error) {
    throw new ReqcacheError(
      'ERR_MISSING_DEPENDENCY',
      `The store package "${packageName}" could not be loaded: install it with \`npm install ${packageName} ${driver}\``,
      { cause: error },
    );
  }
  return (module.default ?? module) as T;
}
