/**
 * Where each backend keeps a cache of a given name (SQLite file, Redis namespace, Postgres table, Mongo
 * database, DynamoDB table), and loading store packages by name. Pure but for `loadStore`.
 * @module
 */
import { createRequire } from 'node:module';
import type { Keyv, KeyvStoreAdapter } from 'keyv';
import { InvalidOptionError, ReqcacheError } from './errors.js';
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

/** Postgres identifiers are at most 63 bytes (longer ones are silently cut). */
const POSTGRES_IDENTIFIER_MAX = 63;

/**
 * The longest Postgres table name: the leases of `coalesce: 'store'` live in `<table>_leases`, which
 * must fit in an identifier too (cut to 63 bytes, it could name the cache's own table or another's).
 */
export const POSTGRES_TABLE_MAX = POSTGRES_IDENTIFIER_MAX - '_leases'.length;

/**
 * The Postgres table for a cache name: lower case, characters other than letters, digits and `_`
 * become `_`, a leading digit gets a `_` prefix, at most {@link POSTGRES_TABLE_MAX} (56) characters
 * (`'HTTP-Cache'` → `http_cache`).
 */
export function postgresTable(cacheName: string): string {
  let name = cacheName.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (name === '' || /^[0-9]/.test(name)) name = `_${name}`;
  return name.slice(0, POSTGRES_TABLE_MAX);
}

/**
 * Checks a Postgres name given in `backendOptions` (`table`, `schema`): `@keyv/postgres` writes it into
 * its SQL unquoted (where Postgres folds it to lower case) and, when listing keys, quoted (where it
 * does not), so only a plain lower-case identifier names one table everywhere and cannot change the
 * SQL. Anything else is an `InvalidOptionError` naming `backendOptions.<option>`.
 */
export function postgresName(option: 'table' | 'schema', value: unknown): string {
  const max = option === 'table' ? POSTGRES_TABLE_MAX : POSTGRES_IDENTIFIER_MAX;
  if (typeof value === 'string' && /^[a-z_][a-z0-9_]*$/.test(value) && value.length <= max) return value;
  const why =
    option === 'table' ? `, so that <table>_leases fits in Postgres's ${POSTGRES_IDENTIFIER_MAX}` : '';
  throw new InvalidOptionError(
    `backendOptions.${option}`,
    value,
    `a plain lower-case SQL identifier (a-z, 0-9 and _, not starting with a digit) of at most ${max} ` +
      `characters${why}: @keyv/postgres puts it into its SQL unquoted`,
  );
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
 * Store options that reqcache decides itself, per backend, so that given in `backendOptions` they
 * would be silently ignored or would break what reqcache relies on. Most are where a cache lives, which
 * the cache name decides: reqcache sets them itself (or, once it has, they have no effect). On Redis,
 * the key layout and how store failures surface are reqcache's too. Each maps to what the error says.
 */
const RESERVED_OPTIONS: Readonly<Partial<Record<BackendName, Readonly<Record<string, string>>>>> = {
  redis: {
    namespace:
      'reqcache sets the key namespace from cacheName, keys being <cacheName>::<key>; use cacheName for the key namespace',
    noNamespaceAffectsAll: 'reqcache always sets a key namespace, from cacheName, so it would have no effect',
    keyPrefixSeparator:
      'reqcache lays keys out as <cacheName>::<key>: keys() and clear() match that prefix (another separator ' +
      "could match another cache's keys) and the reqcache CLI finds a cache by its cacheName alone; use " +
      'cacheName for the key namespace',
    throwOnErrors:
      'reqcache decides how store failures surface: it sets throwOnErrors on @keyv/redis (so that a failed ' +
      'command fails the store call instead of reading as a miss) and on its own Keyv, and a failure never ' +
      "throws to the caller but is reported as an ERR_CACHE_STORE 'error' event, once per outage, while " +
      "requests go to the network; listen for 'error' instead",
    throwOnConnectError:
      'reqcache needs a failed connection to fail the store call, so that an outage is reported once and the ' +
      'store skipped until a probe reconnects; turned off, each probe of an unreachable server would read as ' +
      'a recovery and the outage would be reported again',
  },
  postgres: { namespace: keptApartBy('table') },
  mongodb: {
    db: namedBy('database'),
    dbName: namedBy('database'),
    database: namedBy('database'),
    namespace: keptApartBy('database'),
  },
  // The MongoClient would refuse all but dbName with its own MongoParseError, which names no option of
  // reqcache's and does not say what to do instead.
  gridfs: {
    db: namedBy('database'),
    dbName: namedBy('database'),
    database: namedBy('database'),
    namespace:
      'reqcache keeps each cache in its own database, named from cacheName, with no key prefix; use cacheName to keep caches apart',
  },
  dynamodb: { tableName: namedBy('table') },
};

function namedBy(what: string): string {
  return `reqcache sets the ${what} from cacheName; use cacheName to name the ${what}`;
}

function keptApartBy(what: string): string {
  return `reqcache sets the key prefix itself and keeps each cache in its own ${what}, named from cacheName; use cacheName to keep caches apart`;
}

/**
 * Refuses the `backendOptions` reqcache decides for `backend` (see `RESERVED_OPTIONS`): an
 * `InvalidOptionError` naming `backendOptions.<name>` and saying why (for most, to use `cacheName`),
 * rather than an option that is silently ignored or breaks the cache.
 */
export function refuseReservedOptions(
  backend: BackendName,
  backendOptions: Readonly<Record<string, unknown>>,
): void {
  const refused = RESERVED_OPTIONS[backend];
  if (refused === undefined) return;
  for (const [name, why] of Object.entries(refused)) {
    const value = backendOptions[name];
    if (value !== undefined)
      throw new InvalidOptionError(
        `backendOptions.${name}`,
        value,
        `no ${name} for the ${backend} backend: ${why}`,
      );
  }
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

/** A backend with options of its own refuses the others (an `InvalidOptionError` listing the ones it has). */
export function refuseUnknownOptions(
  backend: string,
  known: ReadonlySet<string>,
  backendOptions: Readonly<Record<string, unknown>>,
): void {
  for (const name of Object.keys(backendOptions)) {
    if (!known.has(name))
      throw new InvalidOptionError(
        `backendOptions.${name}`,
        backendOptions[name],
        `one of the ${backend} backend's options: ${[...known].join(', ')}`,
      );
  }
}
