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
import { errorMessage, InvalidOptionError } from './errors.js';
import { escapeRegExp } from './key-names.js';
import { redactUrl } from './redact.js';

/**
 * The `@keyv/redis` adapter's own options that reqcache leaves to the user, each with the values it
 * takes (the adapter would ignore or trip on others); every other `backendOptions` key goes to the
 * Redis client. The adapter's other options are refused before this (see `RESERVED_OPTIONS`):
 * `namespace`, `noNamespaceAffectsAll` and `keyPrefixSeparator` (keys are `<cacheName>::<key>`),
 * `throwOnErrors` and `throwOnConnectError` (reqcache decides how store failures surface: it sets
 * both, so that a failed command or connection fails the store call).
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
    expected: 'a positive integer: the milliseconds a connection attempt may take (default 5000)',
  },
};

/**
 * How long a Redis connection attempt may take by default (`connectionTimeout`): TCP connection,
 * retries and the server's first answers. After it the store call fails (reported, the request goes
 * to the network) and the next one tries again.
 */
export const REDIS_CONNECTION_TIMEOUT_MS = 5000;

function isPositiveInteger(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

export function openRedis(
  cacheName: string,
  backendOptions: Readonly<Record<string, unknown>>,
): OpenedBackend {
  const { url: _url, uri: _uri, socket, ...rest } = backendOptions;
  const adapterOptions: Record<string, unknown> = {};
  const clientOptions: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(rest)) {
    const option = Object.hasOwn(REDIS_ADAPTER_OPTIONS, name) ? REDIS_ADAPTER_OPTIONS[name] : undefined;
    if (option === undefined) clientOptions[name] = value;
    else if (value === undefined) continue;
    else if (option.valid(value)) adapterOptions[name] = value;
    else throw new InvalidOptionError(`backendOptions.${name}`, value, option.expected);
  }
  const connection = connectionUrl('redis', backendOptions);
  const KeyvRedis = loadStore<StoreClass>('@keyv/redis');
  const namespace = redisNamespace(cacheName);
  // @keyv/redis races each connection against a timer it never clears nor unrefs: a process that
  // used the cache would stay alive until it fires. Unref'd here, it holds nothing.
  const Store = class extends KeyvRedis {
    createTimeoutPromise(timeoutMs: number): Promise<never> {
      return new Promise((_, reject) => {
        setTimeout(() => reject(new Error(`Redis timed out after ${timeoutMs}ms`)), timeoutMs).unref();
      });
    }
  };
  const store = constructRedis(
    connection,
    clientOptions,
    () =>
      new Store(
        {
          ...clientOptions,
          url: connection.value,
          // A server that is down must not hold requests forever: give up after a few attempts
          // (the request goes to the network and the failure is reported); the next call reconnects.
          socket: {
            connectTimeout: 5000,
            reconnectStrategy: boundedReconnect,
            ...(socket as object | undefined),
          },
        },
        // socket.connectTimeout only bounds the TCP connection: a server that accepts it and never
        // answers (the client's first commands) would hold every request forever. connectionTimeout
        // bounds the whole attempt, retries included. throwOnErrors: @keyv/redis would otherwise
        // swallow a failed command (NOPERM, READONLY, OOM, …) and return a miss or nothing, so that a
        // probe of a failing store read as its recovery and a failed write or delete as done.
        { connectionTimeout: REDIS_CONNECTION_TIMEOUT_MS, ...adapterOptions, throwOnErrors: true },
      ),
    (value) => new Store(value),
  );
  // The store prefixes keys itself (`<namespace>::<key>`) and lists only its own namespace.
  const keyv = new Keyv({ store, namespace, useKeyPrefix: false, throwOnErrors: true });
  return { keyv, name: 'redis', location: namespace };
}

/**
 * Makes the Redis store: the client parses its options when it is made (no connection yet), and throws
 * a TypeError for what it cannot parse. That is an `InvalidOptionError`: naming the connection string
 * when the client refuses it alone (no cause: the client's error may carry the whole string, password
 * included), else `backendOptions`.
 */
function constructRedis<T>(
  connection: ConnectionOption,
  clientOptions: Readonly<Record<string, unknown>>,
  make: () => T,
  urlOnly: (url: string) => unknown,
): T {
  try {
    return make();
  } catch (cause) {
    try {
      urlOnly(connection.value);
    } catch (urlCause) {
      throw new InvalidOptionError(
        `backendOptions.${connection.option}`,
        shownUrl(connection.value),
        `a connection string the Redis client can parse, which refused it: ${errorMessage(urlCause)}`,
      );
    }
    throw new InvalidOptionError(
      'backendOptions',
      clientOptions,
      `options the Redis client accepts, which refused them: ${errorMessage(cause)}`,
      cause,
    );
  }
}

function boundedReconnect(retries: number, cause: Error): number | Error {
  return retries >= 3 ? cause : Math.min(100 * 2 ** retries, 1000);
}

export function openPostgres(
  cacheName: string,
  backendOptions: Readonly<Record<string, unknown>>,
): OpenedBackend {
  const { url: _url, uri: _uri, table: givenTable, schema: givenSchema, ...rest } = backendOptions;
  const connection = connectionUrl('postgres', backendOptions);
  // Checked before the store package loads: @keyv/postgres writes both names into its SQL unquoted.
  const table = givenTable === undefined ? postgresTable(cacheName) : postgresName('table', givenTable);
  const schema = givenSchema === undefined ? 'public' : postgresName('schema', givenSchema);
  const KeyvPostgres = loadStore<StoreClass>('@keyv/postgres');
  const pg = loadStore<{
    Pool: new (config: Record<string, unknown>) => PgPool;
    Client: new (config: Record<string, unknown>) => unknown;
  }>('pg', '@keyv/postgres');
  // pg parses the connection string when a client connects (each store call would fail the same way);
  // a Client that never connects parses it now (no cause: pg's error may carry the string).
  try {
    new pg.Client({ connectionString: connection.value });
  } catch (cause) {
    throw new InvalidOptionError(
      `backendOptions.${connection.option}`,
      shownUrl(connection.value),
      `a connection string pg can parse, which refused it: ${errorMessage(cause)}`,
    );
  }
  const options: Record<string, unknown> = {
    keySize: 1024,
    iterationLimit: 500,
    ...rest,
    table,
    schema,
    uri: connection.value,
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
  const { url: _url, uri: _uri, ...rest } = backendOptions;
  const connection = connectionUrl('mongodb', backendOptions);
  const KeyvMongo = loadStore<StoreClass>('@keyv/mongo');
  const db = mongoDatabase(cacheName);
  const options = { collection: 'responses', serverSelectionTimeoutMS: 5000, ...rest };
  // @keyv/mongo makes its MongoClient inside its constructor and emits the driver's error there, before
  // anyone can listen: an option MongoClient refuses would end the process. Checked here first, by the
  // driver @keyv/mongo loads, with what @keyv/mongo hands it (every option but its own).
  checkMongoClientOptions(
    loadStore<MongoDriver>('mongodb', '@keyv/mongo'),
    backendOptions,
    connection,
    Object.fromEntries(Object.entries(options).filter(([name]) => !KEYV_MONGO_OPTIONS.has(name))),
    'url, collection',
  );
  const store = new KeyvMongo({ ...options, url: connection.value, db }) as LoadedStore & {
    connect: Promise<unknown>;
  };
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

/** The options `@keyv/mongo` 3 keeps for itself; it hands every other one to MongoClient. */
const KEYV_MONGO_OPTIONS: ReadonlySet<string> = new Set([
  'url',
  'uri',
  'collection',
  'namespace',
  'serialize',
  'deserialize',
  'useGridFS',
  'dialect',
  'db',
]);

/** What core uses of the `mongodb` driver to check options: a MongoClient that never connects. */
export interface MongoDriver {
  MongoClient: new (url: string, options?: Record<string, unknown>) => unknown;
}

/** The connection string of a server backend: the option it came from (`url`, else `uri`) and its value. */
export interface ConnectionOption {
  option: 'url' | 'uri';
  value: string;
}

/**
 * The connection string schemes of each server backend, as its driver reads them: the Redis client and
 * `pg` take any case, the MongoDB driver lower case only.
 */
const CONNECTION_SCHEMES = {
  redis: {
    pattern: /^rediss?:\/\//i,
    expected: 'redis://… or rediss://… (redis://[[user]:password@]host[:port][/db])',
  },
  postgres: {
    pattern: /^postgres(ql)?:\/\//i,
    expected:
      'postgres://… or postgresql://… (postgresql://[user[:password]@]host[:port]/database; a Unix ' +
      'socket: postgresql:///database?host=/socket/directory)',
  },
  mongodb: { pattern: /^mongodb(\+srv)?:\/\//, expected: 'mongodb://… or mongodb+srv://…' },
} as const;

/**
 * `backendOptions.url`, else `backendOptions.uri`, else the backend's default (reported as `url`),
 * checked: a string with the backend's scheme (see `CONNECTION_SCHEMES`). Anything else is an
 * `InvalidOptionError` naming the option, rather than the driver's TypeError at construction (Redis),
 * or a failure on every store call (Postgres: `localhost:5432` even reads as a path, and connects to
 * the default server).
 */
export function connectionUrl(
  backend: keyof typeof CONNECTION_SCHEMES,
  backendOptions: Readonly<Record<string, unknown>>,
): ConnectionOption {
  const option =
    backendOptions['url'] !== undefined ? 'url' : backendOptions['uri'] !== undefined ? 'uri' : undefined;
  if (option === undefined) return { option: 'url', value: BACKEND_DEFAULTS[backend] };
  const value = backendOptions[option];
  const { pattern, expected } = CONNECTION_SCHEMES[backend];
  if (typeof value !== 'string' || !pattern.test(value))
    throw new InvalidOptionError(
      `backendOptions.${option}`,
      shownUrl(value),
      `a ${backend} connection string, ${expected}`,
    );
  return { option, value };
}

/**
 * Checks a MongoDB connection string and MongoClient options as the driver reads them, by making a
 * MongoClient that never connects (the constructor only parses: no socket, no timer). What it refuses
 * is an `InvalidOptionError` at construction, instead of the driver's error thrown later (GridFS) or
 * emitted where nothing listens (`@keyv/mongo`, which ends the process): naming `backendOptions.url`
 * (or `uri`) for the connection string, else the option of `backendOptions` the driver's message names,
 * else `backendOptions`. `own` lists the backend's own options, for the message.
 */
export function checkMongoClientOptions(
  driver: MongoDriver,
  backendOptions: Readonly<Record<string, unknown>>,
  connection: ConnectionOption,
  clientOptions: Readonly<Record<string, unknown>>,
  own: string,
): void {
  try {
    new driver.MongoClient(connection.value);
  } catch (cause) {
    // No cause: the driver's error may carry the whole string, password included.
    throw new InvalidOptionError(
      `backendOptions.${connection.option}`,
      shownUrl(connection.value),
      `a connection string the MongoDB driver accepts, which refused it: ${errorMessage(cause)}`,
    );
  }
  try {
    new driver.MongoClient(connection.value, { ...clientOptions });
  } catch (cause) {
    const message = errorMessage(cause);
    // The driver names an option as given, in lower case ("option bucketname is not supported") or in
    // words ("Invalid read preference mode"): the one given that it names, if only one is.
    const named = Object.keys(backendOptions).filter(
      (name) => Object.hasOwn(clientOptions, name) && namesOption(message, name),
    );
    const one = named.length === 1 ? named[0]! : undefined;
    throw new InvalidOptionError(
      one === undefined ? 'backendOptions' : `backendOptions.${one}`,
      one === undefined ? backendOptions : backendOptions[one],
      `${one === undefined ? 'options' : 'an option'} of the backend (${own}) or of the MongoDB driver's ` +
        `MongoClient, which refused ${one === undefined ? 'them' : 'it'}: ${message}`,
      cause,
    );
  }
}

/** A connection string as an error may show it: its password redacted. */
export function shownUrl(value: unknown): unknown {
  return typeof value === 'string' ? redactUrl(value, []) : value;
}

/** Whether a message names an option: as a word, in any case, or in words (`readPreference`: read preference). */
function namesOption(message: string, name: string): boolean {
  const words = escapeRegExp(name).replace(/([a-z0-9])([A-Z])/g, '$1\\s*$2');
  return new RegExp(`(^|[^a-z0-9_])${words}([^a-z0-9_]|$)`, 'i').test(message);
}

interface PgPool {
  query(sql: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  end(): Promise<void>;
}
