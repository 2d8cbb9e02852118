import { createRequire } from 'node:module';
import { Keyv, type KeyvStoreAdapter } from 'keyv';
import {
  dynamoTable,
  loadStore,
  mongoDatabase,
  type OpenedBackend,
  postgresTable,
  redisNamespace,
  refuseReservedOptions,
  refuseUnknownOptions,
  sqlitePath,
} from './backend-names.js';
import {
  checkMongoClientOptions,
  connectionUrl,
  type MongoDriver,
  openMongo,
  openPostgres,
  openRedis,
} from './backends-server.js';
import { openSqlite } from './backends-sqlite.js';
import { InvalidOptionError, ReqcacheError } from './errors.js';
import type { BackendName } from './options.js';
import { BoundedStore, type StoreBounds } from './stores/bounded.js';

const _require = createRequire(import.meta.url);

/**
 * reqcache's own stores with I/O (`@reqcache/store-filesystem`, `-gridfs`, `-dynamodb`), as core sees
 * them: core loads them by name when chosen, never imports them (they are optional peers), so these
 * are the parts it uses.
 */
type OwnStore = Omit<KeyvStoreAdapter, 'iterator'> & {
  iterator(namespace?: string): AsyncGenerator<[string, unknown], void>;
};
interface FilesystemPackage {
  FileStore: new (options: { directory: string; extension?: string; maxBytes?: number }) => OwnStore;
  fileCacheDirectory(cacheName: string, options: { useCacheDir?: boolean; useTemp?: boolean }): string;
}
interface GridFsPackage {
  GridFsStore: new (options: {
    driver: unknown;
    url: string;
    clientOptions: Record<string, unknown>;
    database: string;
    bucketName?: string;
    chunkSizeBytes?: number;
  }) => OwnStore;
}
interface DynamoPackage {
  DynamoStore: new (options: {
    sdk: unknown;
    tableName: string;
    clientConfig: Record<string, unknown>;
    createTable: boolean;
    ttl: boolean;
    consistentRead: boolean;
    onRefused: (key: string, message: string) => void;
  }) => OwnStore;
}

/**
 * Opens the store for the `backend` option: a name, a Keyv instance (used as is) or a Keyv store.
 * Store packages are optional peers, loaded only when chosen; a missing one is a clear
 * `ERR_MISSING_DEPENDENCY` error naming what to install. Without a SQLite driver the default
 * backend falls back to memory, with one warning, as requests-cache does.
 *
 * What `cacheName` and `backendOptions` mean for each backend:
 * - `memory`: neither (each cache is its own Map); any `backendOptions` key whose value is not
 *   `undefined` is an `InvalidOptionError` naming it: the memory backend has no options.
 * - `sqlite` (`@reqcache/store-sqlite`, a dependency of core: `node:sqlite` on Node 22.13+, else
 *   `better-sqlite3`): the file `<cacheName>.sqlite` (a name with an extension is used as is), table
 *   `responses`. WAL journal and a 5 s busy timeout, so several processes can share one file;
 *   `backendOptions`: `{wal: false}` keeps the rollback journal, `busyTimeout` (ms), `table`,
 *   `iterationLimit`, `driver`, `readCacheBytes`, or `uri` (`sqlite://path`) instead of the cache name. Files written by
 *   earlier versions (`@keyv/sqlite`) are read as they are.
 * - `redis` (`@keyv/redis`): `cacheName` is the key namespace (keys are `<cacheName>::<key>`);
 *   `backendOptions.url` (or `uri`) is the connection string (`redis://` or `rediss://`), default
 *   `redis://127.0.0.1:6379`; `clearBatchSize` (a positive integer), `useUnlink` (a boolean) and `connectionTimeout` (ms, a
 *   positive integer, default 5000) go to `@keyv/redis`, the rest to the Redis client (`database`,
 *   `password`, `socket`, …). A connection attempt gives up after `connectionTimeout` (5 s: the TCP
 *   connection, its retries and the server's first answers, so a server that accepts the connection
 *   and never answers fails the store call too) or 3 retries (`socket.connectTimeout`, 5 s per TCP
 *   connection; `socket.reconnectStrategy`): the failure is reported, the request goes to the network,
 *   and the next call tries again. Once connected, a server that stops answering holds the calls
 *   waiting for it: the Redis client has no reply timeout (its command `timeout` ends when the command
 *   is sent). `namespace`, `noNamespaceAffectsAll` and
 *   `keyPrefixSeparator` are refused (keys are `<cacheName>::<key>`, the prefix `keys()`, `clear()` and
 *   the reqcache CLI rely on), and so are `throwOnErrors` and `throwOnConnectError` (reqcache decides how
 *   store failures surface: never thrown to the caller, reported once per outage). reqcache sets both
 *   on the adapter, so a command the server refuses (`NOPERM`, `READONLY`, `OOM`, …) fails the store call
 *   as a lost connection does, instead of reading as a miss (or a write as done).
 * - `postgres` (`@keyv/postgres`): `cacheName` is the table (made a lower-case SQL identifier of at
 *   most 56 characters, so that the leases table `<table>_leases` fits in Postgres's 63: `http_cache`),
 *   unless `backendOptions.table` names it; `backendOptions.url` (or `uri`) is the connection string
 *   (`postgres://` or `postgresql://`; a Unix socket: `postgresql:///<database>?host=<directory>`),
 *   default `postgresql://postgres@127.0.0.1:5432/postgres`. `table` and `schema` (`public`) must be
 *   plain lower-case SQL identifiers (`a-z`, `0-9`, `_`, not starting with a digit; at most 56 and 63
 *   characters), else an `InvalidOptionError`: `@keyv/postgres` puts them into its SQL unquoted. The
 *   location reported (`backendName`: `postgres (my_table)`, `postgres (my_schema.my_table)`) is the
 *   table used. Other options (`keySize` (1024), `useUnloggedTable`, `max`, `ssl`, …) go to
 *   `@keyv/postgres` and its `pg.Pool`, one pool per cache; `namespace` is refused.
 * - `mongodb` (`@keyv/mongo`): `cacheName` is the database, collection `responses`;
 *   `backendOptions.url` (or `uri`) is the connection string (`mongodb://` or `mongodb+srv://`),
 *   default `mongodb://127.0.0.1:27017`; other options (`collection`, MongoClient options; `serverSelectionTimeoutMS` defaults to 5000) go
 *   to `@keyv/mongo`; `db`, `dbName`, `database` and `namespace` are refused. The connection string
 *   and MongoClient options are checked at construction by a MongoClient that never connects: one the
 *   driver refuses (a typo, a GridFS option such as `bucketName`, a bad value) is an
 *   `InvalidOptionError` naming it (`@keyv/mongo` would emit the driver's error where nothing listens,
 *   which ends the process). A first connection that fails makes every later call a reported store failure.
 * - `filesystem` (`@reqcache/store-filesystem`): one pretty-printed JSON file per response, `<key>.json`,
 *   in the directory `cacheName` (relative to the working directory, `~` expanded), and
 *   `redirects.json` beside them; `backendOptions`: `useCacheDir` (under the user cache directory),
 *   `useTemp` (under `os.tmpdir()`), `extension` (`'json'`), `maxBytes` (least-recently-used size bound).
 * - `gridfs` (`@reqcache/store-gridfs` over the `mongodb` driver's GridFSBucket): `cacheName` is the database, bucket `responses`,
 *   redirects in the collection `redirects`; `backendOptions.url` (or `uri`, as for `mongodb`), default
 *   `mongodb://127.0.0.1:27017`; `bucketName` (a non-empty string), `chunkSizeBytes` (a positive
 *   integer); the rest are MongoClient options (`serverSelectionTimeoutMS` defaults to 5000), checked
 *   at construction as for `mongodb`; `db`, `dbName`, `database` and `namespace` are refused (the
 *   database is `cacheName`).
 * - `dynamodb` (`@reqcache/store-dynamodb` over `@aws-sdk/client-dynamodb`): `cacheName` is the table (made a valid table name), created
 *   on demand with on-demand billing and TTL on `expires`; `backendOptions`: `createTable` (true), `ttl`
 *   (true), `consistentRead` (true); the rest (`region` (default `$AWS_REGION` or `us-east-1`),
 *   `endpoint`, `credentials`, …) go to the DynamoDBClient; `tableName` is refused. Items are limited
 *   to 400 KB.
 *
 * A connection string (`url`, else `uri`) that is not a string with the backend's scheme, or that its
 * driver cannot parse (checked without connecting), is an `InvalidOptionError` naming
 * `backendOptions.url` (or `uri`), its password redacted, rather than the driver's TypeError or a
 * failure of every store call.
 *
 * A refused option is one reqcache decides: mostly one the cache name decides (reqcache sets it itself,
 * so it would be silently ignored). It is an `InvalidOptionError` naming `backendOptions.<name>` and
 * saying why: for those, to use `cacheName`.
 *
 * With `bounds` (`maxEntries` / `maxBytes`), any of them but a Keyv instance is wrapped in a
 * {@link BoundedStore}: least-recently-used eviction, the order kept across restarts on SQLite.
 */
export function openBackend(
  backend: BackendName | Keyv | KeyvStoreAdapter,
  cacheName: string,
  backendOptions: Readonly<Record<string, unknown>>,
  explicit: boolean,
  bounds: StoreBounds = {},
): OpenedBackend {
  const opened = openUnbounded(backend, cacheName, backendOptions, explicit);
  if (bounds.maxEntries === undefined && bounds.maxBytes === undefined) return opened;
  return boundBackend(opened, bounds, backend instanceof Keyv);
}

/**
 * `maxEntries` / `maxBytes`: the opened store wrapped in a {@link BoundedStore} (least-recently-used
 * eviction), under a Keyv with the same namespace and key prefixing. Any store that can list its keys
 * can be bounded; a Keyv instance cannot (its store belongs to the caller: wrap it in a BoundedStore).
 */
function boundBackend(opened: OpenedBackend, bounds: StoreBounds, keyvInstance: boolean): OpenedBackend {
  const option = bounds.maxEntries === undefined ? 'maxBytes' : 'maxEntries';
  if (keyvInstance)
    throw new InvalidOptionError(
      option,
      bounds[option],
      'no bound with a Keyv instance as backend: pass a backend name or a Keyv store, or wrap the store in a BoundedStore',
    );
  if (typeof opened.keyv.iterator !== 'function')
    throw new InvalidOptionError(option, bounds[option], 'no bound on a store that cannot list its keys');
  const store = new BoundedStore(opened.keyv.store as Map<string, unknown> | KeyvStoreAdapter, bounds);
  const keyv = new Keyv({
    store,
    namespace: opened.keyv.namespace ?? '', // '' keeps "no namespace" (Keyv's default is 'keyv')
    useKeyPrefix: opened.keyv.useKeyPrefix,
    throwOnErrors: true,
  });
  // The same value layer as the unbounded Keyv (the memory backend keeps records without Keyv's JSON).
  keyv.serialize = opened.keyv.serialize;
  keyv.deserialize = opened.keyv.deserialize;
  keyv.iterator ??= keyv.generateIterator(store.iterator.bind(store));
  return { ...opened, keyv };
}

function openUnbounded(
  backend: BackendName | Keyv | KeyvStoreAdapter,
  cacheName: string,
  backendOptions: Readonly<Record<string, unknown>>,
  explicit: boolean,
): OpenedBackend {
  if (backend instanceof Keyv) return { keyv: backend, name: 'custom' };
  if (typeof backend !== 'string')
    return { keyv: new Keyv({ store: backend, throwOnErrors: true }), name: 'custom' };
  refuseReservedOptions(backend, backendOptions);
  switch (backend) {
    case 'memory':
      refuseMemoryOptions(backendOptions);
      return { keyv: memoryKeyv(), name: 'memory' };
    case 'sqlite':
      // Without a SQLite driver (not asked for by name): memory, with a warning.
      return openSqlite(cacheName, backendOptions, explicit) ?? { keyv: memoryKeyv(), name: 'memory' };
    case 'redis':
      return openRedis(cacheName, backendOptions);
    case 'postgres':
      return openPostgres(cacheName, backendOptions);
    case 'mongodb':
      return openMongo(cacheName, backendOptions);
    case 'filesystem':
      return openFilesystem(cacheName, backendOptions);
    case 'gridfs':
      return openGridFs(cacheName, backendOptions);
    case 'dynamodb':
      return openDynamo(cacheName, backendOptions);
    default:
      throw new InvalidOptionError(
        'backend',
        backend,
        `one of ${['sqlite', 'memory', 'filesystem', 'redis', 'postgres', 'mongodb', 'gridfs', 'dynamodb'].map((name) => `"${name}"`).join(', ')}, a Keyv instance or a Keyv store`,
      );
  }
}

/**
 * The memory backend has no options (a cache is its own Map; `maxEntries` and `maxBytes` bound it):
 * any given is an `InvalidOptionError` naming it, as the SQLite and filesystem backends refuse those
 * they do not know, rather than silently ignored (a `url` meant for another backend, a misplaced
 * `maxEntries`). An option set to `undefined` is no option (a spread config with the key unset).
 */
function refuseMemoryOptions(backendOptions: Readonly<Record<string, unknown>>): void {
  for (const [name, value] of Object.entries(backendOptions)) {
    if (value !== undefined)
      throw new InvalidOptionError(
        `backendOptions.${name}`,
        value,
        'no backendOptions for the memory backend: it has none (each cache is its own Map; bound it ' +
          'with the maxEntries or maxBytes options, not backendOptions)',
      );
  }
}

/**
 * Keyv over a Map, without Keyv's own JSON layer: the Map keeps the serializer's output (an immutable
 * string for the JSON serializer) as it is, instead of JSON-encoding it again on every write and parsing it
 * again, with a reviver, on every read.
 */
export function memoryKeyv(): Keyv {
  const keyv = new Keyv({ store: new Map(), throwOnErrors: true });
  keyv.serialize = undefined;
  keyv.deserialize = undefined;
  return keyv;
}

/** The options of the filesystem backend (its own store, so unknown ones are an error, not ignored). */
const FILESYSTEM_OPTIONS = new Set(['useCacheDir', 'useTemp', 'extension', 'maxBytes']);

function openFilesystem(cacheName: string, backendOptions: Readonly<Record<string, unknown>>): OpenedBackend {
  refuseUnknownOptions('filesystem', FILESYSTEM_OPTIONS, backendOptions);
  const { useCacheDir, useTemp, extension, maxBytes } = backendOptions;
  for (const [name, value] of [
    ['useCacheDir', useCacheDir],
    ['useTemp', useTemp],
  ] as const) {
    if (value !== undefined && typeof value !== 'boolean')
      throw new InvalidOptionError(`backendOptions.${name}`, value, 'a boolean');
  }
  if (extension !== undefined && (typeof extension !== 'string' || !/^\.?[\w.-]+$/.test(extension)))
    throw new InvalidOptionError('backendOptions.extension', extension, 'a file extension such as "json"');
  if (
    maxBytes !== undefined &&
    (typeof maxBytes !== 'number' || !Number.isSafeInteger(maxBytes) || maxBytes <= 0)
  )
    throw new InvalidOptionError('backendOptions.maxBytes', maxBytes, 'a positive integer (bytes)');
  const { FileStore, fileCacheDirectory } = loadStore<FilesystemPackage>('@reqcache/store-filesystem');
  const directory = fileCacheDirectory(cacheName, {
    useCacheDir: useCacheDir === true,
    useTemp: useTemp === true,
  });
  const store = new FileStore({
    directory,
    ...(extension === undefined ? {} : { extension: extension as string }),
    ...(maxBytes === undefined ? {} : { maxBytes: maxBytes as number }),
  });
  return { keyv: ownStoreKeyv(store), name: 'filesystem', path: directory };
}

function openGridFs(cacheName: string, backendOptions: Readonly<Record<string, unknown>>): OpenedBackend {
  const { url: _url, uri: _uri, bucketName, chunkSizeBytes, ...rest } = backendOptions;
  if (bucketName !== undefined && (typeof bucketName !== 'string' || bucketName === ''))
    throw new InvalidOptionError('backendOptions.bucketName', bucketName, 'a non-empty string');
  if (
    chunkSizeBytes !== undefined &&
    !(Number.isSafeInteger(chunkSizeBytes) && (chunkSizeBytes as number) > 0)
  )
    throw new InvalidOptionError(
      'backendOptions.chunkSizeBytes',
      chunkSizeBytes,
      'a positive integer (bytes)',
    );
  const connection = connectionUrl('mongodb', backendOptions);
  const { GridFsStore } = loadStore<GridFsPackage>('@reqcache/store-gridfs');
  const driver = loadStore<MongoDriver>('mongodb');
  const clientOptions = { serverSelectionTimeoutMS: 5000, ...rest };
  // The store makes its MongoClient in its constructor, which would throw the driver's own error.
  checkMongoClientOptions(
    driver,
    backendOptions,
    connection,
    clientOptions,
    'url, bucketName, chunkSizeBytes',
  );
  const database = mongoDatabase(cacheName);
  const store = new GridFsStore({
    driver,
    url: connection.value,
    clientOptions,
    database,
    ...(bucketName === undefined ? {} : { bucketName: bucketName as string }),
    ...(chunkSizeBytes === undefined ? {} : { chunkSizeBytes: chunkSizeBytes as number }),
  });
  return { keyv: ownStoreKeyv(store), name: 'gridfs', location: database };
}

function openDynamo(cacheName: string, backendOptions: Readonly<Record<string, unknown>>): OpenedBackend {
  const { DynamoStore } = loadStore<DynamoPackage>('@reqcache/store-dynamodb');
  const sdk = loadStore<unknown>('@aws-sdk/client-dynamodb');
  const { createTable, ttl, consistentRead, ...clientConfig } = backendOptions;
  const tableName = dynamoTable(cacheName);
  let refused: ((error: ReqcacheError) => void) | undefined;
  const store = new DynamoStore({
    sdk,
    onRefused: (key, message) => refused?.(new ReqcacheError('ERR_CACHE_STORE', message, { key })),
    tableName,
    clientConfig: { region: process.env['AWS_REGION'] || 'us-east-1', ...clientConfig },
    createTable: createTable !== false,
    ttl: ttl !== false,
    consistentRead: consistentRead !== false,
  });
  return {
    keyv: ownStoreKeyv(store),
    name: 'dynamodb',
    location: tableName,
    onRefused: (listener) => {
      refused = listener;
    },
  };
}

/**
 * Keyv over one of reqcache's own stores: no key prefix (a directory, database or table is one
 * cache), and the store's iterator used although Keyv only lists the dialects it knows.
 */
function ownStoreKeyv(store: OwnStore): Keyv {
  const keyv = new Keyv({
    store: store as KeyvStoreAdapter,
    namespace: '',
    useKeyPrefix: false,
    throwOnErrors: true,
  });
  keyv.iterator ??= keyv.generateIterator(store.iterator.bind(store));
  return keyv;
}

export { dynamoTable, loadStore, mongoDatabase, postgresTable, redisNamespace, sqlitePath };
