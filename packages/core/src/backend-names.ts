/**
 * Where each backend keeps a cache of a given name (SQLite file, Redis namespace, Postgres table, Mongo
 * database, DynamoDB table), and loading store packages by name. Pure but for `loadStore`.
 * @module
 */
import { createRequire } from 'node:module';
import type { Keyv, KeyvStoreAdapter } from 'keyv';
import { ReqcacheError } from './errors.js';
import type { BackendName } from './options.js';

const require = createRequire(import.meta.url);

/** requests-cache's rule: `.sqlite` is appended to a cache name without an extension. */
export function sqlitePath(cacheName: string): string {
  if (cacheName === ':memory:') return cacheName;
  const base = cacheName.split(/[\\/]/).pop() ?? cacheName;
  return base.includes('.') ? cacheName : `${cacheName}.sqlite`;
}

/** The Redis namespace for a cache name: glob characters (which would break key listing) become `_`. */
export function redisNamespace(cacheName: string): string {
  return cacheName.replace(/[*?[\]\\]/g, '_');
}

/**
 * The Postgres table for a cache name: lower case, characters other than letters, digits and `_`
 * become `_`, a leading digit gets a `_` prefix, at most 63 characters (`'HTTP-Cache'` → `http_cache`).
 */
export function postgresTable(cacheName: string): string {
  let name = cacheName.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (name === '' || /^[0-9]/.test(name)) name = `_${name}`;
  return name.slice(0, 63);
}

/** The Mongo database for a cache name: characters Mongo forbids (`/\. "$*<>:|?`) become `_`, at most 63. */
export function mongoDatabase(cacheName: string): string {
  const name = cacheName.replace(/[/\\. "$*<>:|?\0]/g, '_').slice(0, 63);
  return name === '' ? '_' : name;
}

/**
 * The DynamoDB table for a cache name: characters other than letters, digits, `_`, `-` and `.` become
 * `_`, at least 3 characters (padded with `_`), at most 255.
 */
export function dynamoTable(cacheName: string): string {
  return cacheName
    .replace(/[^a-zA-Z0-9_.-]/g, '_')
    .padEnd(3, '_')
    .slice(0, 255);
}

/**
 * Loads a store package by name, from where `@reqcache/core` is installed, or from inside `from` for a
 * package's own dependency (ESM store packages load too: `require(esm)`, Node 20.19+). A package that
 * cannot be loaded is an `ERR_MISSING_DEPENDENCY` error telling what to install.
 * @internal
 */
export function loadStore<T>(packageName: string, from?: string): T {
  let module: { default?: T } & Record<string, unknown>;
  try {
    module = from === undefined ? require(packageName) : createRequire(require.resolve(from))(packageName);
  } catch (error) {
    const install = from ?? packageName;
    throw new ReqcacheError(
      'ERR_MISSING_DEPENDENCY',
      `The store package "${install}" could not be loaded: install it with \`npm install ${install}\``,
      { cause: error },
    );
  }
  return (module.default ?? module) as T;
}

/** How a backend was opened, for messages and `cache.describe()`. @internal */
export interface OpenedBackend {
  keyv: Keyv;
  name: BackendName | 'custom';
  /** The SQLite file, for the sqlite backend; the cache directory, for the filesystem backend. */
  path?: string;
  /** Where the entries live on a server: Redis namespace, Postgres table, Mongo database, DynamoDB table. */
  location?: string;
  /**
   * Registers the listener of problems that are reported but are not an outage: entries the store
   * refused (larger than a DynamoDB item), a SQLite file that could not switch to WAL mode. The engine
   * reports them, and the store stays up.
   */
  onRefused?(listener: (error: ReqcacheError) => void): void;
}

/** The Keyv namespace of entries in SQL and Mongo stores (their keys are `reqcache:<key>`). */
export const NAMESPACE = 'reqcache';

/** Connection defaults of the server backends. */
export const BACKEND_DEFAULTS = Object.freeze({
  redis: 'redis://127.0.0.1:6379',
  postgres: 'postgresql://postgres@127.0.0.1:5432/postgres',
  mongodb: 'mongodb://127.0.0.1:27017',
});

/** A Keyv store class as the store packages export it. */
export type LoadedStore = KeyvStoreAdapter & {
  emit(event: string, ...args: unknown[]): boolean;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  query?: (sql: string, ...parameters: unknown[]) => Promise<unknown>;
};
export type StoreClass = new (...args: unknown[]) => LoadedStore;
