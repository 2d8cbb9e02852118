/**
 * Opening the server backends by name: Redis, PostgreSQL and MongoDB through their Keyv stores (optional
 * peers, loaded only when chosen).
 * @module
 */
import { Keyv } from 'keyv';
import {
  BACKEND_DEFAULTS,
  type LoadedStore,
  loadStore,
  mongoDatabase,
  NAMESPACE,
  type OpenedBackend,
  postgresName,
  postgresTable,
  redisNamespace,
  type StoreClass,
} from './backend-names.js';
import { InvalidOptionError } from './errors.js';

/**
 * The `@keyv/redis` adapter's own options that reqcache leaves to the user, each with the values it
 * takes (the adapter would ignore or trip on others); every other `backendOptions` key goes to the
 * Redis client. The adapter's other options are refused before this (see `RESERVED_OPTIONS`):
 * `namespace`, `noNamespaceAffectsAll` and `keyPrefixSeparator` (keys are `<cacheName>::<key>`),
 * `throwOnErrors` and `throwOnConnectError` (reqcache decides how store failures surface).
 */
const REDIS_ADAPTER_OPTIONS: Readonly<
  Record<string, { valid: (value: unknown) => boolean; expected: string }>
> = {
  clearBatchSize: {
    valid: isPositiveInteger,
    expected: 'a positive integer: the keys clear() deletes per batch',
  },
  useUnlink: {
    valid: (value) => typeof value === 'boolean',
    expected: 'a boolean: false deletes keys with DEL instead of UNLINK',
  },
  connectionTimeout: {
    valid: isPositiveInteger,
    expected: 'a positive integer: the milliseconds a connection attempt may take',
  },
};

function isPositiveInteger(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

export function openRedis(
  cacheName: string,
  backendOptions: Readonly<Record<string, unknown>>,
): OpenedBackend {
  const { url, uri, socket, ...rest } = backendOptions;
  const adapterOptions: Record<string, unknown> = {};
  const clientOptions: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(rest)) {
    const option = Object.hasOwn(REDIS_ADAPTER_OPTIONS, name) ? REDIS_ADAPTER_OPTIONS[name] : undefined;
    if (option === undefined) clientOptions[name] = value;
    else if (value === undefined) continue;
    else if (option.valid(value)) adapterOptions[name] = value;
    else throw new InvalidOptionError(`backendOptions.${name}`, value, option.expected);
  }
  const KeyvRedis = loadStore<StoreClass>('@keyv/redis');
  const namespace = redisNamespace(cacheName);
  const store = new KeyvRedis(
    {
      ...clientOptions,
      url: url ?? uri ?? BACKEND_DEFAULTS.redis,
      // A server that is down must not hold requests forever: give up after a few attempts (the
      // request goes to the network and the failure is reported); the next store call reconnects.
      socket: {
        connectTimeout: 5000,
        reconnectStrategy: boundedReconnect,
        ...(socket as object | undefined),
      },
    },
    adapterOptions,
  );
  // The store prefixes keys itself (`<namespace>::<key>`) and lists only its own namespace.
  const keyv = new Keyv({ store, namespace, useKeyPrefix: false, throwOnErrors: true });
  return { keyv, name: 'redis', location: namespace };
}

function boundedReconnect(retries: number, cause: Error): number | Error {
  return retries >= 3 ? cause : Math.min(100 * 2 ** retries, 1000);
}

export function openPostgres(
  cacheName: string,
  backendOptions: Readonly<Record<string, unknown>>,
): OpenedBackend {
  const { url, uri, table: givenTable, schema: givenSchema, ...rest } = backendOptions;
  // Checked before the store package loads: @keyv/postgres writes both names into its SQL unquoted.
  const table = givenTable === undefined ? postgresTable(cacheName) : postgresName('table', givenTable);
  const schema = givenSchema === undefined ? 'public' : postgresName('schema', givenSchema);
  const KeyvPostgres = loadStore<StoreClass>('@keyv/postgres');
  const pg = loadStore<{ Pool: new (config: Record<string, unknown>) => PgPool }>('pg', '@keyv/postgres');
  const options: Record<string, unknown> = {
    keySize: 1024,
    iterationLimit: 500,
    ...rest,
    table,
    schema,
    uri: url ?? uri ?? BACKEND_DEFAULTS.postgres,
  };
  // @keyv/postgres keeps one module-wide pool and ends it on any store's disconnect(); each cache
  // gets its own pool here, so closing one cache never breaks another.
  const pools = new WeakMap<object, PgPool>();
  const Pooled = class extends KeyvPostgres {
    async connect(): Promise<(sql: string, values?: unknown[]) => Promise<unknown[]>> {
      const opts = this.opts as Record<string, unknown>;
      const pool = new pg.Pool({ connectionString: opts['uri'], ...opts });
      pool.on('error', (error: unknown) => this.emit('error', error));
      pools.set(this, pool);
      return async (sql, values) => (await pool.query(sql, values)).rows;
    }
    override async disconnect(): Promise<void> {
      await pools.get(this)?.end();
      pools.delete(this);
    }
  };
  const store = new Pooled(options);
  return {
    keyv: new Keyv({ store, throwOnErrors: true, namespace: NAMESPACE }),
    name: 'postgres',
    // The table the entries (and `<table>_leases`) are in: `backendOptions.table` when given.
    location: schema === 'public' ? table : `${schema}.${table}`,
  };
}

export function openMongo(
  cacheName: string,
  backendOptions: Readonly<Record<string, unknown>>,
): OpenedBackend {
  const KeyvMongo = loadStore<StoreClass>('@keyv/mongo');
  const { url, uri, ...rest } = backendOptions;
  const db = mongoDatabase(cacheName);
  const store = new KeyvMongo({
    collection: 'responses',
    serverSelectionTimeoutMS: 5000,
    ...rest,
    url: url ?? uri ?? BACKEND_DEFAULTS.mongodb,
    db,
  }) as LoadedStore & { connect: Promise<unknown> };
  // @keyv/mongo's connection promise never settles when the first connection fails, which would hold
  // every request forever: fail it on the store's first error instead (then each call is a reported miss).
  const connecting = store.connect;
  const connected = new Promise((resolve, reject) => {
    connecting.then(resolve, reject);
    store.once('error', reject);
  });
  connected.catch(() => {});
  store.connect = connected;
  return {
    keyv: new Keyv({ store, throwOnErrors: true, namespace: NAMESPACE }),
    name: 'mongodb',
    location: db,
  };
}

interface PgPool {
  query(sql: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  end(): Promise<void>;
}
