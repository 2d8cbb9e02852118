/**
 * The SQLite backend, the default store: its options checked, its package and driver loaded by name.
 * @module
 */
import { defaultDeserialize } from '@keyv/serialize';
import { Keyv } from 'keyv';
import {
  type LoadedStore,
  loadStore,
  NAMESPACE,
  type OpenedBackend,
  refuseUnknownOptions,
  sqlitePath,
} from './backend-names.js';
import { errorMessage, InvalidOptionError, ReqcacheError } from './errors.js';

let warnedNoSqlite = false;

/** What core uses of `@reqcache/store-sqlite` (loaded by name, like every store package). */
interface SqlitePackage {
  KeyvSqlite: new (
    options: Record<string, unknown>,
  ) => LoadedStore & {
    readonly path: string;
    on(event: 'warning', listener: (error: unknown) => void): unknown;
  };
  loadDriver(prefer?: string): string;
}

/** The options of the SQLite backend (its own store, so unknown ones are an error, not ignored). */
const SQLITE_OPTIONS = new Set([
  'uri',
  'table',
  'busyTimeout',
  'wal',
  'iterationLimit',
  'driver',
  'readCacheBytes',
]);

/**
 * The SQLite backend (`@reqcache/store-sqlite`, on `node:sqlite` or better-sqlite3). Without a driver it
 * throws when SQLite was asked for by name (`explicit`), else warns once and returns undefined: the
 * caller caches in memory instead.
 */
export function openSqlite(
  cacheName: string,
  backendOptions: Readonly<Record<string, unknown>>,
  explicit: boolean,
): OpenedBackend | undefined {
  const options = sqliteOptions(cacheName, backendOptions);
  let sqlite: SqlitePackage;
  try {
    sqlite = loadStore<SqlitePackage>('@reqcache/store-sqlite');
    sqlite.loadDriver(options['driver'] as string);
  } catch (cause) {
    const error =
      cause instanceof ReqcacheError
        ? cause
        : new ReqcacheError(
            'ERR_MISSING_DEPENDENCY',
            `No SQLite driver could be loaded: Node 22.13 or later has one built in (node:sqlite), else install better-sqlite3 12 (${(cause as Error).message})`,
            { cause },
          );
    if (explicit) throw error;
    if (!warnedNoSqlite) {
      warnedNoSqlite = true;
      process.emitWarning(`reqcache: ${error.message}; caching in memory instead`, {
        code: 'REQCACHE_NO_SQLITE',
      });
    }
    // The options were the SQLite backend's (checked as such): memory has none.
    return undefined;
  }
  // Rows written by @keyv/sqlite (Keyv's JSON text, as earlier versions stored them) are read too.
  const store = new sqlite.KeyvSqlite({ ...options, decodeText: defaultDeserialize });
  let problem: ((error: ReqcacheError) => void) | undefined;
  // A file that cannot switch to WAL mode still works in rollback-journal mode: reported, never an outage.
  store.on('warning', (error) => {
    const message = errorMessage(error);
    problem?.(
      new ReqcacheError(
        'ERR_CACHE_STORE',
        `Could not switch the SQLite file ${store.path} to WAL mode (it stays in rollback-journal mode): ${message}`,
        { cause: error },
      ),
    );
  });
  const keyv = new Keyv({ store, throwOnErrors: true, namespace: NAMESPACE });
  // The store keeps the serializer's output as it is (text or bytes): no second JSON layer.
  keyv.serialize = undefined;
  keyv.deserialize = undefined;
  return {
    keyv,
    name: 'sqlite',
    path: store.path,
    onRefused: (listener) => {
      problem = listener;
    },
  };
}

/** `backendOptions` of the SQLite backend, checked, with the cache name as the file. */
function sqliteOptions(
  cacheName: string,
  backendOptions: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  refuseUnknownOptions('SQLite', SQLITE_OPTIONS, backendOptions);
  const { uri, table, busyTimeout, wal, iterationLimit, driver, readCacheBytes } = backendOptions;
  if (uri !== undefined && typeof uri !== 'string')
    throw new InvalidOptionError('backendOptions.uri', uri, 'a string: sqlite://path, a path or :memory:');
  if (table !== undefined && (typeof table !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)))
    throw new InvalidOptionError(
      'backendOptions.table',
      table,
      'a plain SQL identifier (letters, digits, _)',
    );
  if (busyTimeout !== undefined && !(Number.isSafeInteger(busyTimeout) && (busyTimeout as number) >= 0))
    throw new InvalidOptionError('backendOptions.busyTimeout', busyTimeout, 'a non-negative integer (ms)');
  if (
    iterationLimit !== undefined &&
    !(Number.isSafeInteger(iterationLimit) && (iterationLimit as number) > 0)
  )
    throw new InvalidOptionError('backendOptions.iterationLimit', iterationLimit, 'a positive integer');
  if (
    readCacheBytes !== undefined &&
    !(Number.isSafeInteger(readCacheBytes) && (readCacheBytes as number) >= 0)
  )
    throw new InvalidOptionError(
      'backendOptions.readCacheBytes',
      readCacheBytes,
      'a non-negative integer (bytes)',
    );
  if (wal !== undefined && typeof wal !== 'boolean')
    throw new InvalidOptionError('backendOptions.wal', wal, 'a boolean');
  if (driver !== undefined && driver !== 'auto' && driver !== 'node:sqlite' && driver !== 'better-sqlite3')
    throw new InvalidOptionError(
      'backendOptions.driver',
      driver,
      '"auto", "node:sqlite" or "better-sqlite3"',
    );
  return {
    uri: uri ?? sqlitePath(cacheName),
    table: table ?? 'responses',
    busyTimeout: busyTimeout ?? 5000,
    iterationLimit: iterationLimit ?? 500,
    wal: wal !== false,
    driver: driver ?? 'auto',
    ...(readCacheBytes === undefined ? {} : { readCacheBytes }),
  };
}
