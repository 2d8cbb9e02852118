/** The backends by name: what `cacheName` and `backendOptions` mean for each, and missing packages. */
import { execFile } from 'node:child_process';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { CacheEngine, InvalidOptionError, ReqcacheError } from '@reqcache/core';
import {
  BACKEND_DEFAULTS,
  loadStore,
  mongoDatabase,
  postgresTable,
  redisNamespace,
} from '@reqcache/core/internal';
import { createTestServer } from '@reqcache/test-server';
import test, { type ExecutionContext } from 'ava';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { fetchThrough, uniqueCacheName } from '../src/index.js';
import {
  clearRedisNamespace,
  dropMongoDatabase,
  dropPostgresTable,
  freePort,
  POSTGRES_URL,
  REDIS_URL,
  startMongo,
} from './helpers/stores.js';

/** `construct` is refused with an InvalidOptionError (ERR_INVALID_OPTION) naming `backendOptions.<option>`. */
function refused(t: ExecutionContext, construct: () => unknown, option: string, label: string) {
  const error = t.throws(construct, { instanceOf: InvalidOptionError }, label);
  t.is(error?.code, 'ERR_INVALID_OPTION', label);
  t.is(error?.option, `backendOptions.${option}`, label);
  return error;
}

test('a store package that cannot be loaded is ERR_MISSING_DEPENDENCY naming what to install', (t) => {
  const error = t.throws(() => loadStore('@keyv/no-such-store'), { instanceOf: ReqcacheError });
  t.is(error?.code, 'ERR_MISSING_DEPENDENCY');
  t.regex(error?.message ?? '', /npm install @keyv\/no-such-store/);
  t.truthy(error?.cause);
  // A dependency of a store package: the store package is what to install.
  const nested = t.throws(() => loadStore('no-such-driver', '@keyv/no-such-store'), {
    instanceOf: ReqcacheError,
  });
  t.is(nested?.code, 'ERR_MISSING_DEPENDENCY');
  t.regex(nested?.message ?? '', /npm install @keyv\/no-such-store`/);
});

test('installed store packages load', (t) => {
  for (const name of ['@keyv/redis', '@keyv/postgres', '@keyv/mongo']) {
    t.is(typeof loadStore(name), 'function', name);
  }
  // reqcache's own store packages are ESM, loaded through require(esm): their named exports.
  for (const [name, store] of [
    ['@reqcache/store-sqlite', 'KeyvSqlite'],
    ['@reqcache/store-filesystem', 'FileStore'],
    ['@reqcache/store-gridfs', 'GridFsStore'],
    ['@reqcache/store-dynamodb', 'DynamoStore'],
  ] as const) {
    t.is(typeof loadStore<Record<string, unknown>>(name)[store], 'function', name);
  }
});

test('an unknown backend name is an invalid option listing the known ones', (t) => {
  const error = t.throws(() => new CacheEngine({ backend: 'cassandra' as 'memory' }), {
    instanceOf: ReqcacheError,
  });
  t.is(error?.code, 'ERR_INVALID_OPTION');
  t.regex(error?.message ?? '', /gridfs, dynamodb, filesystem/);
});

test('the GridFS and DynamoDB drivers load (optional peers: mongodb, @aws-sdk/client-dynamodb)', (t) => {
  t.is(typeof loadStore<{ GridFSBucket: unknown }>('mongodb').GridFSBucket, 'function');
  t.is(typeof loadStore<{ DynamoDBClient: unknown }>('@aws-sdk/client-dynamodb').DynamoDBClient, 'function');
});

test('memory: any backendOptions is an InvalidOptionError naming it (the memory backend has none)', async (t) => {
  const cases: Array<[string, unknown]> = [
    ['url', REDIS_URL],
    ['maxEntries', 100],
    ['wal', false],
    ['useCacheDir', true],
    ['namespace', 'other_cache'],
    ['x', null],
  ];
  for (const [name, value] of cases) {
    const error = t.throws(() => new CacheEngine({ backend: 'memory', backendOptions: { [name]: value } }), {
      instanceOf: InvalidOptionError,
    });
    t.is(error?.code, 'ERR_INVALID_OPTION', name);
    t.is(error?.option, `backendOptions.${name}`, name);
    t.is(error?.value, value, name);
    t.true(error?.message.includes('no backendOptions for the memory backend: it has none'), name);
  }
  const bound = t.throws(() => new CacheEngine({ backend: 'memory', backendOptions: { maxEntries: 100 } }));
  t.is(
    bound?.message,
    'Invalid value for option "backendOptions.maxEntries": 100 (expected no backendOptions for the memory ' +
      'backend: it has none (each cache is its own Map; bound it with the maxEntries or maxBytes options, ' +
      'not backendOptions))',
  );
  // undefined is no option (a config that picks the backend and leaves the other's options unset);
  // the options that do bound it are top-level.
  const engine = new CacheEngine({
    backend: 'memory',
    backendOptions: { url: undefined },
    maxEntries: 100,
  });
  t.teardown(() => engine.cache.close());
  t.is(engine.backendName, 'memory');
  await engine.keyv.set('abc', 'value');
  t.is(await engine.keyv.get('abc'), 'value');
});

test('cache names become valid store names', (t) => {
  t.is(postgresTable('http_cache'), 'http_cache');
  t.is(postgresTable('My-Cache.v2'), 'my_cache_v2');
  t.is(postgresTable('2024 cache'), '_2024_cache');
  t.is(postgresTable(''), '_');
  // At most 56 characters, so that the leases table <table>_leases fits in Postgres's 63.
  t.is(postgresTable('x'.repeat(100)).length, 56);
  t.is(mongoDatabase('http_cache'), 'http_cache');
  t.is(mongoDatabase('a.b/c d'), 'a_b_c_d');
  t.is(redisNamespace('http_cache'), 'http_cache');
  t.is(redisNamespace('app:cache*'), 'app:cache_');
  t.deepEqual(BACKEND_DEFAULTS, {
    redis: 'redis://127.0.0.1:6379',
    postgres: 'postgresql://postgres@127.0.0.1:5432/postgres',
    mongodb: 'mongodb://127.0.0.1:27017',
  });
});

test('backendOptions the cache name decides are an InvalidOptionError saying to use cacheName', (t) => {
  const cases = [
    ['redis', 'namespace', 'key namespace'],
    ['redis', 'noNamespaceAffectsAll', 'no effect'],
    ['postgres', 'namespace', 'own table'],
    ['mongodb', 'db', 'name the database'],
    ['mongodb', 'dbName', 'name the database'],
    ['mongodb', 'namespace', 'own database'],
    ['mongodb', 'database', 'name the database'],
    ['gridfs', 'dbName', 'name the database'],
    ['gridfs', 'db', 'name the database'],
    ['gridfs', 'database', 'name the database'],
    ['gridfs', 'namespace', 'own database'],
    ['dynamodb', 'tableName', 'name the table'],
  ] as const;
  for (const [backend, name, why] of cases) {
    const label = `${backend} ${name}`;
    // Refused at construction, before the store package is loaded or any connection is made.
    const error = refused(
      t,
      () => new CacheEngine({ backend, cacheName: 'api_cache', backendOptions: { [name]: 'other_cache' } }),
      name,
      label,
    );
    t.is(error?.value, 'other_cache', label);
    t.true(error?.message.includes(`"backendOptions.${name}"`), label);
    t.true(error?.message.includes('cacheName'), label);
    t.true(error?.message.includes(why), label);
  }
  const redis = t.throws(
    () => new CacheEngine({ backend: 'redis', backendOptions: { namespace: 'other_cache' } }),
    { instanceOf: InvalidOptionError },
  );
  t.is(
    redis?.message,
    'Invalid value for option "backendOptions.namespace": "other_cache" (expected no namespace for the redis ' +
      'backend: reqcache sets the key namespace from cacheName, keys being <cacheName>::<key>; use cacheName ' +
      'for the key namespace)',
  );
  // undefined is no option at all (a spread config with the key unset).
  const engine = new CacheEngine({
    backend: 'redis',
    backendOptions: { url: REDIS_URL, namespace: undefined },
  });
  t.teardown(() => engine.cache.close());
  t.is(engine.backendName, 'redis (http_cache)');
});

test('redis: cacheName is the key namespace (<cacheName>::<key>)', async (t) => {
  const cacheName = uniqueCacheName();
  t.teardown(() => clearRedisNamespace(cacheName));
  const engine = new CacheEngine({ backend: 'redis', cacheName, backendOptions: { url: REDIS_URL } });
  t.teardown(() => engine.cache.close());
  t.is(engine.backendName, `redis (${cacheName})`);
  await engine.keyv.set('abc', 'value');
  const client = (engine.keyv.store as { client: { keys(pattern: string): Promise<string[]> } }).client;
  t.deepEqual(await client.keys(`${cacheName}*`), [`${cacheName}::abc`]);
  t.deepEqual(await engine.cache.keys().next(), { done: false, value: 'abc' });
});

test('postgres: cacheName is the table, keys up to 1024 characters', async (t) => {
  const cacheName = `${uniqueCacheName()}-Mixed.Case`;
  t.teardown(() => dropPostgresTable(cacheName));
  const engine = new CacheEngine({ backend: 'postgres', cacheName, backendOptions: { uri: POSTGRES_URL } });
  t.teardown(() => engine.cache.close());
  const table = postgresTable(cacheName);
  t.is(engine.backendName, `postgres (${table})`);
  const longKey = 'k'.repeat(1000);
  await engine.keyv.set(longKey, 'value');
  t.is(await engine.keyv.get(longKey), 'value');
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  t.teardown(() => client.end());
  const rows = await client.query(`SELECT count(*)::int AS n FROM "${table}"`);
  t.deepEqual(rows.rows, [{ n: 1 }]);
});

/** Whether a table exists on the test database (`schema.table`, unquoted lower-case names). */
async function postgresTableExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    const result = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [
      name,
    ]);
    return result.rows[0]?.found !== null;
  } finally {
    await client.end();
  }
}

async function dropPostgres(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

test('postgres: backendOptions.table is the table used, for entries and leases, and the one reported', async (t) => {
  const server = await createTestServer(t);
  const cacheName = uniqueCacheName();
  const table = uniqueCacheName('custom_table');
  t.teardown(() => dropPostgres(`DROP TABLE IF EXISTS ${table}, ${table}_leases`));
  t.teardown(() => dropPostgresTable(cacheName));
  const engine = new CacheEngine({
    backend: 'postgres',
    cacheName,
    backendOptions: { url: POSTGRES_URL, table },
    coalesce: 'store',
  });
  t.teardown(() => engine.cache.close());
  t.is(engine.backendName, `postgres (${table})`);
  // A miss under coalesce: 'store' takes a lease, then stores the response.
  const first = await fetchThrough(engine, `${server.url}/cache/60`);
  const second = await fetchThrough(engine, `${server.url}/cache/60`);
  t.deepEqual([first.fromCache, second.fromCache], [false, true]);
  t.true(await postgresTableExists(table));
  t.true(await postgresTableExists(`${table}_leases`));
  t.false(await postgresTableExists(postgresTable(cacheName)));
  t.false(await postgresTableExists(`${postgresTable(cacheName)}_leases`));
  // Maintenance lists the entries of that table.
  t.is((await engine.cache.keys().next()).done, false);
});

test('postgres: backendOptions.schema is reported with the table', async (t) => {
  const schema = uniqueCacheName('custom_schema');
  const cacheName = uniqueCacheName();
  t.teardown(() => dropPostgres(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
  const engine = new CacheEngine({
    backend: 'postgres',
    cacheName,
    backendOptions: { url: POSTGRES_URL, schema },
  });
  t.teardown(() => engine.cache.close());
  t.is(engine.backendName, `postgres (${schema}.${postgresTable(cacheName)})`);
  await engine.keyv.set('abc', 'value');
  t.is(await engine.keyv.get('abc'), 'value');
  t.true(await postgresTableExists(`${schema}.${postgresTable(cacheName)}`));
  t.false(await postgresTableExists(`public.${postgresTable(cacheName)}`));
});

test('postgres: a long cacheName leaves room for its leases table', async (t) => {
  const server = await createTestServer(t);
  const cacheName = uniqueCacheName(`long_${'x'.repeat(60)}`);
  const table = postgresTable(cacheName);
  t.is(table.length, 56);
  t.teardown(() => dropPostgres(`DROP TABLE IF EXISTS ${table}, ${table}_leases`));
  const engine = new CacheEngine({
    backend: 'postgres',
    cacheName,
    backendOptions: { url: POSTGRES_URL },
    coalesce: 'store',
  });
  t.teardown(() => engine.cache.close());
  const errors: ReqcacheError[] = [];
  engine.on('error', (error) => errors.push(error));
  const first = await fetchThrough(engine, `${server.url}/cache/60`);
  const second = await fetchThrough(engine, `${server.url}/cache/60`);
  t.deepEqual([first.fromCache, second.fromCache], [false, true]);
  t.true(await postgresTableExists(`${table}_leases`));
  t.is(engine.stats().leaseFallbacks, 0);
  t.deepEqual(errors, []);
});

test('postgres: a table or schema that is not a plain lower-case SQL identifier is an InvalidOptionError', async (t) => {
  const injected = uniqueCacheName('injected');
  const cases: Array<['table' | 'schema', unknown]> = [
    ['table', `x (key text); CREATE TABLE ${injected} (a int); --`],
    ['table', 'My_Cache'],
    ['table', '2024_cache'],
    ['table', 'public.cache'],
    ['table', 'cache-v2'],
    ['table', '"quoted"'],
    ['table', ''],
    ['table', 'x'.repeat(57)],
    ['table', 42],
    ['schema', `public; CREATE TABLE ${injected} (a int); --`],
    ['schema', 'Reports'],
    ['schema', 'x'.repeat(64)],
  ];
  for (const [option, value] of cases) {
    const label = `${option} ${String(value)}`;
    const error = refused(
      t,
      () =>
        new CacheEngine({
          backend: 'postgres',
          cacheName: uniqueCacheName(),
          backendOptions: { url: POSTGRES_URL, [option]: value },
        }),
      option,
      label,
    );
    t.is(error?.value, value, label);
    t.true(error?.message.includes(`"backendOptions.${option}"`), label);
    t.true(error?.message.includes('a plain lower-case SQL identifier'), label);
  }
  const table = t.throws(
    () => new CacheEngine({ backend: 'postgres', backendOptions: { url: POSTGRES_URL, table: 'My_Cache' } }),
    { instanceOf: InvalidOptionError },
  );
  t.is(
    table?.message,
    'Invalid value for option "backendOptions.table": "My_Cache" (expected a plain lower-case SQL identifier ' +
      '(a-z, 0-9 and _, not starting with a digit) of at most 56 characters, so that <table>_leases fits in ' +
      "Postgres's 63: @keyv/postgres puts it into its SQL unquoted)",
  );
  // Refused before anything reached the server.
  t.false(await postgresTableExists(injected));
  // The longest names pass.
  const longest = uniqueCacheName('longest').padEnd(56, 'x');
  t.teardown(() => dropPostgres(`DROP TABLE IF EXISTS ${longest}`));
  const engine = new CacheEngine({
    backend: 'postgres',
    backendOptions: { url: POSTGRES_URL, table: longest, schema: 'public' },
  });
  t.teardown(() => engine.cache.close());
  t.is(engine.backendName, `postgres (${longest})`);
});

test('postgres: closing one cache leaves another on the same server working', async (t) => {
  const [nameOne, nameTwo] = [uniqueCacheName(), uniqueCacheName()];
  t.teardown(() => dropPostgresTable(nameOne));
  t.teardown(() => dropPostgresTable(nameTwo));
  const options = { backend: 'postgres', backendOptions: { url: POSTGRES_URL } } as const;
  const one = new CacheEngine({ ...options, cacheName: nameOne });
  const two = new CacheEngine({ ...options, cacheName: nameTwo });
  t.teardown(() => two.cache.close());
  await one.keyv.set('a', '1');
  await two.keyv.set('b', '2');
  await one.cache.close();
  t.is(await two.keyv.get('b'), '2');
  await two.keyv.set('c', '3');
  t.is(await two.keyv.get('c'), '3');
});

test('mongodb: cacheName is the database, collection responses', async (t) => {
  const mongo = await startMongo();
  t.teardown(() => mongo.stop());
  const cacheName = uniqueCacheName();
  t.teardown(() => dropMongoDatabase(mongo, cacheName));
  const engine = new CacheEngine({
    backend: 'mongodb',
    cacheName,
    backendOptions: { ...mongo.clientOptions, url: mongo.url },
  });
  t.teardown(() => engine.cache.close());
  t.is(engine.backendName, `mongodb (${cacheName})`);
  await engine.keyv.set('abc', 'value');
  const client = new MongoClient(mongo.url, mongo.clientOptions);
  t.teardown(() => client.close());
  const documents = await client.db(cacheName).collection('responses').find({}).toArray();
  t.deepEqual(
    documents.map((document) => document['key']),
    ['reqcache:abc'],
  );
});

test("gridfs: db, database and namespace are reqcache's InvalidOptionError, not the driver's MongoParseError", async (t) => {
  const mongo = await startMongo();
  t.teardown(() => mongo.stop());
  const cacheName = uniqueCacheName();
  for (const name of ['db', 'database', 'namespace']) {
    const error = refused(
      t,
      () =>
        new CacheEngine({
          backend: 'gridfs',
          cacheName,
          backendOptions: { ...mongo.clientOptions, url: mongo.url, [name]: 'other_cache' },
        }),
      name,
      name,
    );
    t.is(error?.name, 'InvalidOptionError', name);
    t.true(error?.message.includes(`no ${name} for the gridfs backend`), name);
    t.true(error?.message.includes('use cacheName'), name);
    t.is(error?.cause, undefined, name);
  }
  // Nothing was created on the server; the cache opens under cacheName without them.
  const client = new MongoClient(mongo.url, mongo.clientOptions);
  t.teardown(() => client.close());
  const databases = await client.db().admin().listDatabases();
  t.false(
    databases.databases.some((database) => database.name === 'other_cache' || database.name === cacheName),
  );
  t.teardown(() => dropMongoDatabase(mongo, cacheName));
  const engine = new CacheEngine({
    backend: 'gridfs',
    cacheName,
    backendOptions: { ...mongo.clientOptions, url: mongo.url, db: undefined, database: undefined },
  });
  t.teardown(() => engine.cache.close());
  t.is(engine.backendName, `gridfs (${cacheName})`);
  await engine.keyv.set('abc', 'value');
  t.is(await engine.keyv.get('abc'), 'value');
});

/**
 * Constructs caches in a child process (a crash there is not the test run's), each with the given
 * backendOptions, and returns what each threw; the child stays alive a while after, so an error emitted
 * where nothing listens would end it. `null`: the cache opened (and was closed).
 */
async function constructInChild(
  cases: ReadonlyArray<{ backend: string; cacheName: string; backendOptions: Record<string, unknown> }>,
): Promise<{ exitCode: number; results: unknown[]; stderr: string }> {
  const script = `
    import { CacheEngine } from '@reqcache/core';
    const results = [];
    for (const options of JSON.parse(process.argv[1])) {
      try {
        const engine = new CacheEngine(options);
        await engine.cache.close();
        results.push(null);
      } catch (error) {
        results.push({ name: error.name, code: error.code, option: error.option, message: error.message,
          cause: error.cause?.name });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    console.log(JSON.stringify(results));
  `;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '--eval', script, JSON.stringify(cases)],
      { cwd: process.cwd(), timeout: 60_000 },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        const last = stdout.trim().split('\n').pop() ?? '';
        resolve({ exitCode, results: last.startsWith('[') ? JSON.parse(last) : [], stderr });
      },
    );
  });
}

test("mongodb and gridfs: an option MongoClient refuses is reqcache's InvalidOptionError at construction, and the process lives on", async (t) => {
  const mongo = await startMongo();
  t.teardown(() => mongo.stop());
  const base = { ...mongo.clientOptions, url: mongo.url };
  const [refused, opened] = [uniqueCacheName('never_created'), uniqueCacheName()];
  t.teardown(() => dropMongoDatabase(mongo, opened));
  const cases = [
    // A GridFS option on the mongodb backend, a typo, a bad value: @keyv/mongo used to emit the driver's
    // error inside its constructor, with no listener yet, which ended the process.
    { backend: 'mongodb', name: 'bucketName', value: 'files', driver: 'option bucketname is not supported' },
    { backend: 'mongodb', name: 'severSelectionTimeoutMS', value: 200, driver: 'is not supported' },
    { backend: 'mongodb', name: 'maxPoolSize', value: -1, driver: 'maxPoolSize can only be a positive int' },
    { backend: 'mongodb', name: 'readPreference', value: 'nearest-ish', driver: 'Invalid read preference' },
    // The GridFS store threw the driver's MongoParseError from its constructor.
    { backend: 'gridfs', name: 'collection', value: 'files', driver: 'option collection is not supported' },
    { backend: 'gridfs', name: 'severSelectionTimeoutMS', value: 200, driver: 'is not supported' },
  ] as const;
  const child = await constructInChild([
    ...cases.map(({ backend, name, value }) => ({
      backend,
      cacheName: refused,
      backendOptions: { ...base, [name]: value },
    })),
    // Options MongoClient takes and the backends' own ones still open the cache.
    {
      backend: 'mongodb',
      cacheName: opened,
      backendOptions: { ...base, collection: 'entries', appName: 'reqcache-test' },
    },
    {
      backend: 'gridfs',
      cacheName: opened,
      backendOptions: { ...base, bucketName: 'files', chunkSizeBytes: 1024, appName: 'x' },
    },
  ]);
  t.is(child.exitCode, 0, child.stderr);
  t.is(child.results.length, cases.length + 2, child.stderr);
  for (const [index, { backend, name, driver }] of cases.entries()) {
    const label = `${backend} ${name}`;
    const result = child.results[index] as Record<string, string>;
    t.like(
      result,
      { name: 'InvalidOptionError', code: 'ERR_INVALID_OPTION', option: `backendOptions.${name}` },
      label,
    );
    t.true(result['message']?.includes(`"backendOptions.${name}"`), label);
    t.true(result['message']?.includes("the MongoDB driver's MongoClient, which refused it: "), label);
    t.true(result['message']?.includes(driver), label);
    t.regex(result['cause'] ?? '', /^Mongo/, label);
  }
  t.deepEqual(child.results.slice(cases.length), [null, null]);

  // In this process too: thrown at construction, typed, nothing left running.
  for (const backend of ['mongodb', 'gridfs'] as const) {
    const error = t.throws(
      () => new CacheEngine({ backend, cacheName: refused, backendOptions: { ...base, tls: 'maybe' } }),
      { instanceOf: InvalidOptionError },
      backend,
    );
    t.is(error?.option, 'backendOptions.tls', backend);
    // Several options named by one refusal: backendOptions as a whole.
    const both = t.throws(
      () =>
        new CacheEngine({ backend, cacheName: refused, backendOptions: { ...base, tls: true, ssl: false } }),
      { instanceOf: InvalidOptionError },
      backend,
    );
    t.is(both?.option, 'backendOptions', backend);
    t.regex(both?.message ?? '', /All values of tls\/ssl must be the same/, backend);
  }
  // GridFS's own options are checked too, not ignored when of the wrong type.
  for (const [name, value] of [
    ['bucketName', 42],
    ['bucketName', ''],
    ['chunkSizeBytes', '1024'],
    ['chunkSizeBytes', 0],
  ] as const) {
    const error = t.throws(
      () =>
        new CacheEngine({
          backend: 'gridfs',
          cacheName: refused,
          backendOptions: { ...base, [name]: value },
        }),
      { instanceOf: InvalidOptionError },
      name,
    );
    t.is(error?.option, `backendOptions.${name}`, `${name} ${String(value)}`);
  }
  // Nothing reached the server.
  const client = new MongoClient(mongo.url, mongo.clientOptions);
  t.teardown(() => client.close());
  const { databases } = await client.db().admin().listDatabases();
  t.false(databases.some((database) => database.name === refused));
});

test("a connection url that is not a string with the backend's scheme is an InvalidOptionError naming it", (t) => {
  const cases = [
    ['redis', 'url', 6379, 'redis://… or rediss://…'],
    ['redis', 'url', 'localhost:6379', 'redis://… or rediss://…'],
    ['redis', 'uri', '127.0.0.1:6379', 'redis://… or rediss://…'],
    ['redis', 'url', 'http://127.0.0.1:6379', 'redis://… or rediss://…'],
    ['redis', 'url', null, 'redis://… or rediss://…'],
    ['redis', 'url', { host: '127.0.0.1' }, 'redis://… or rediss://…'],
    ['postgres', 'url', 5432, 'postgres://… or postgresql://…'],
    ['postgres', 'url', 'localhost:5432', 'postgres://… or postgresql://…'],
    ['postgres', 'uri', 'mysql://127.0.0.1/test', 'postgres://… or postgresql://…'],
    ['mongodb', 'url', 27017, 'mongodb://… or mongodb+srv://…'],
    ['mongodb', 'url', 'localhost:27017', 'mongodb://… or mongodb+srv://…'],
    ['mongodb', 'uri', 'MONGODB://127.0.0.1', 'mongodb://… or mongodb+srv://…'],
    ['gridfs', 'url', 'localhost:27017', 'mongodb://… or mongodb+srv://…'],
    ['gridfs', 'uri', 27017, 'mongodb://… or mongodb+srv://…'],
  ] as const;
  for (const [backend, option, value, expected] of cases) {
    const label = `${backend} ${option} ${JSON.stringify(value)}`;
    // Refused at construction, before the store package or the driver is loaded.
    const error = refused(
      t,
      () => new CacheEngine({ backend, cacheName: 'never_created', backendOptions: { [option]: value } }),
      option,
      label,
    );
    t.true(error?.message.includes(`"backendOptions.${option}"`), label);
    t.true(
      error?.message.includes(
        `expected a ${backend === 'gridfs' ? 'mongodb' : backend} connection string, ${expected}`,
      ),
      label,
    );
    t.is(error?.cause, undefined, label);
  }
  const redis = t.throws(
    () => new CacheEngine({ backend: 'redis', backendOptions: { url: 'localhost:6379' } }),
    {
      instanceOf: InvalidOptionError,
    },
  );
  t.is(
    redis?.message,
    'Invalid value for option "backendOptions.url": "localhost:6379" (expected a redis connection string, ' +
      'redis://… or rediss://… (redis://[[user]:password@]host[:port][/db]))',
  );
});

test('a connection url the driver cannot parse is an InvalidOptionError naming it, its password redacted', (t) => {
  const cases = [
    [
      'redis',
      'redis://user:hunter2@127.0.0.1:99999',
      'the Redis client can parse, which refused it: Invalid URL',
    ],
    [
      'redis',
      'rediss://:hunter2%zz@127.0.0.1',
      'the Redis client can parse, which refused it: URI malformed',
    ],
    [
      'postgres',
      'postgres://user:hunter2@127.0.0.1:99999/test',
      'pg can parse, which refused it: Invalid URL',
    ],
    ['mongodb', 'mongodb://user:hunter2@127.0.0.1:99999', 'the MongoDB driver accepts, which refused it: '],
    [
      'gridfs',
      'mongodb+srv://user:hunter2@127.0.0.1:27017',
      'the MongoDB driver accepts, which refused it: ',
    ],
  ] as const;
  for (const [backend, url, expected] of cases) {
    const error = t.throws(
      () => new CacheEngine({ backend, cacheName: 'never_created', backendOptions: { url } }),
      { instanceOf: InvalidOptionError },
      url,
    );
    t.is(error?.option, 'backendOptions.url', url);
    t.true(error?.message.includes(`expected a connection string ${expected}`), error?.message);
    // Neither the message, the value nor a cause carries the password.
    t.false(error?.message.includes('hunter2'), url);
    t.true(error?.message.includes(':REDACTED@'), url);
    t.false(String(error?.value).includes('hunter2'), url);
    t.is(error?.cause, undefined, url);
  }
});

test('redis: a connection url scheme in upper case is read as the client reads it', async (t) => {
  const cacheName = uniqueCacheName();
  t.teardown(() => clearRedisNamespace(cacheName));
  const url = REDIS_URL.replace(/^redis:/, 'REDIS:');
  const engine = new CacheEngine({ backend: 'redis', cacheName, backendOptions: { uri: url } });
  t.teardown(() => engine.cache.close());
  await engine.keyv.set('abc', 'value');
  t.is(await engine.keyv.get('abc'), 'value');
});

for (const [backend, scheme] of [
  ['redis', 'redis'],
  ['postgres', 'postgresql'],
  ['mongodb', 'mongodb'],
  ['gridfs', 'mongodb'],
] as const) {
  test(`${backend}: with the server unreachable, requests succeed from the network and failures are reported`, async (t) => {
    const server = await createTestServer(t);
    const url = `${scheme}://127.0.0.1:${await freePort()}`;
    const engine = new CacheEngine({
      backend,
      cacheName: uniqueCacheName(),
      backendOptions: scheme === 'mongodb' ? { url, serverSelectionTimeoutMS: 500 } : { url },
    });
    const errors: ReqcacheError[] = [];
    engine.on('error', (error) => errors.push(error));
    t.teardown(() => engine.cache.close());
    const first = await fetchThrough(engine, `${server.url}/bytes/32`);
    const second = await fetchThrough(engine, `${server.url}/bytes/32`);
    t.deepEqual([first.status, first.fromCache, second.status, second.fromCache], [200, false, 200, false]);
    t.is(server.hits('/bytes/32'), 2);
    t.true(errors.length > 0);
    t.true(errors.every((error) => error.code === 'ERR_CACHE_STORE'));
  });
}

/** The part of the @keyv/redis store and node-redis client the Redis tests use. */
interface RedisStoreForTests {
  clearBatchSize: number;
  useUnlink: boolean;
  connectionTimeout: number | undefined;
  client: RedisClientForTests;
}
interface RedisClientForTests {
  keys(pattern: string): Promise<string[]>;
  duplicate(): RedisClientForTests;
  connect(): Promise<unknown>;
  monitor(listener: (line: string) => void): Promise<void>;
  destroy(): void;
}

test('redis: other backendOptions reach the client (database)', async (t) => {
  const cacheName = uniqueCacheName();
  const inDatabaseOne = new CacheEngine({
    backend: 'redis',
    cacheName,
    backendOptions: { url: REDIS_URL, database: 1 },
  });
  const inDatabaseZero = new CacheEngine({ backend: 'redis', cacheName, backendOptions: { url: REDIS_URL } });
  t.teardown(async () => {
    await inDatabaseOne.cache.clear();
    await inDatabaseOne.cache.close();
    await inDatabaseZero.cache.close();
  });
  await inDatabaseOne.keyv.set('abc', 'value');
  t.is(await inDatabaseOne.keyv.get('abc'), 'value');
  t.is(await inDatabaseZero.keyv.get('abc'), undefined);
  const client = (inDatabaseOne.keyv.store as RedisStoreForTests).client;
  t.deepEqual(await client.keys(`${cacheName}*`), [`${cacheName}::abc`]);
});

test('redis: clearBatchSize, useUnlink and connectionTimeout reach @keyv/redis and act on the server', async (t) => {
  const cacheName = uniqueCacheName();
  t.teardown(() => clearRedisNamespace(cacheName));
  const engine = new CacheEngine({
    backend: 'redis',
    cacheName,
    backendOptions: { url: REDIS_URL, clearBatchSize: 2, useUnlink: false, connectionTimeout: 2000 },
  });
  t.teardown(() => engine.cache.close());
  const store = engine.keyv.store as RedisStoreForTests;
  t.deepEqual([store.clearBatchSize, store.useUnlink, store.connectionTimeout], [2, false, 2000]);
  for (const key of ['a', 'b', 'c', 'd', 'e']) await engine.keyv.set(key, 'value');
  // What reaches the server, seen by MONITOR on a connection of its own (other tests share the server).
  const monitor = store.client.duplicate();
  await monitor.connect();
  t.teardown(() => monitor.destroy());
  const lines: string[] = [];
  await monitor.monitor((line) => {
    if (line.includes(cacheName)) lines.push(line.toUpperCase());
  });
  await engine.keyv.delete('a');
  await engine.cache.clear();
  t.deepEqual(await store.client.keys(`${cacheName}*`), []);
  const sentAll = () =>
    lines.some((line) => line.includes('"SCAN"')) && lines.some((line) => line.includes('"DEL"'));
  for (let i = 0; i < 100 && !sentAll(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  const upper = cacheName.toUpperCase();
  t.true(
    lines.some((line) => line.includes(`"DEL" "${upper}::A"`)),
    lines.join('\n'),
  );
  t.false(
    lines.some((line) => line.includes('"UNLINK"')),
    lines.join('\n'),
  );
  t.true(
    lines.some((line) => line.includes(`"SCAN" "0" "MATCH" "${upper}::*" "COUNT" "2"`)),
    lines.join('\n'),
  );
});

test('redis: connectionTimeout bounds a connection attempt to a server that does not answer', async (t) => {
  // A server that accepts the connection and never answers: only connectionTimeout gives up on it.
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    silent.close();
  });
  const { port } = silent.address() as AddressInfo;
  const engine = new CacheEngine({
    backend: 'redis',
    cacheName: uniqueCacheName(),
    backendOptions: { url: `redis://127.0.0.1:${port}`, connectionTimeout: 300 },
  });
  const errors: ReqcacheError[] = [];
  engine.on('error', (error) => errors.push(error));
  t.teardown(() => engine.cache.close());
  const server = await createTestServer(t);
  const started = performance.now();
  const response = await fetchThrough(engine, `${server.url}/bytes/32`);
  t.true(performance.now() - started < 3000);
  t.deepEqual([response.status, response.fromCache], [200, false]);
  t.regex(errors.map((error) => error.message).join('\n'), /timed out after 300ms/);
});

test('redis: connectionTimeout defaults to 5000 ms, and its timer keeps no process alive', async (t) => {
  const cacheName = uniqueCacheName();
  t.teardown(() => clearRedisNamespace(cacheName));
  const engine = new CacheEngine({ backend: 'redis', cacheName, backendOptions: { url: REDIS_URL } });
  t.teardown(() => engine.cache.close());
  t.is((engine.keyv.store as RedisStoreForTests).connectionTimeout, 5000);
  // @keyv/redis races each connection against a timer it never clears: a process that used the cache
  // and closed it must still exit at once, not when that timer fires.
  const script = `
    import { CacheEngine } from '@reqcache/core';
    const started = performance.now();
    process.on('exit', () => console.log(JSON.stringify({ exitedAfterMs: performance.now() - started })));
    const engine = new CacheEngine(JSON.parse(process.argv[1]));
    await engine.keyv.set('abc', 'value');
    if ((await engine.keyv.get('abc')) !== 'value') process.exitCode = 3;
    await engine.cache.close();
  `;
  const options = { backend: 'redis', cacheName, backendOptions: { url: REDIS_URL } };
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '--eval', script, JSON.stringify(options)],
      { cwd: process.cwd(), timeout: 60_000 },
      (error, out) => (error === null ? resolve({ stdout: out }) : reject(error)),
    );
  });
  const { exitedAfterMs } = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { exitedAfterMs: number };
  t.true(exitedAfterMs < 3000, `the child exited ${Math.round(exitedAfterMs)} ms after it started`);
});

test('redis: @keyv/redis options that reqcache decides are refused, saying why', (t) => {
  const cases = [
    ['keyPrefixSeparator', ':', 'reqcache lays keys out as <cacheName>::<key>'],
    ['keyPrefixSeparator', '', 'use cacheName for the key namespace'],
    ['throwOnErrors', true, "listen for 'error' instead"],
    ['throwOnErrors', false, 'reqcache decides how store failures surface'],
    ['throwOnConnectError', false, 'outage would be reported again'],
    ['throwOnConnectError', true, 'reqcache needs a failed connection to fail the store call'],
  ] as const;
  for (const [name, value, why] of cases) {
    const label = `${name} ${String(value)}`;
    const error = refused(
      t,
      () => new CacheEngine({ backend: 'redis', backendOptions: { url: REDIS_URL, [name]: value } }),
      name,
      label,
    );
    t.is(error?.value, value, label);
    t.true(error?.message.includes(`"backendOptions.${name}"`), label);
    t.true(error?.message.includes(`no ${name} for the redis backend: `), label);
    t.true(error?.message.includes(why), label);
  }
});

test('redis: a bad value of an adapter option is an InvalidOptionError, not ignored', (t) => {
  const cases = [
    ['clearBatchSize', 0],
    ['clearBatchSize', -5],
    ['clearBatchSize', 2.5],
    ['clearBatchSize', '100'],
    ['useUnlink', 'false'],
    ['useUnlink', 0],
    ['connectionTimeout', 0],
    ['connectionTimeout', '5000'],
  ] as const;
  for (const [name, value] of cases) {
    const label = `${name} ${JSON.stringify(value)}`;
    refused(
      t,
      () => new CacheEngine({ backend: 'redis', backendOptions: { url: REDIS_URL, [name]: value } }),
      name,
      label,
    );
  }
});
