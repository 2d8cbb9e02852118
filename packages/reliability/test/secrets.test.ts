/**
 * Secrets: with default settings, Authorization, Proxy-Authorization, Cookie, Set-Cookie, X-API-KEY,
 * api_key and access_token values never appear in keys, stored requests, redirect history, error
 * messages or debug logs — checked by scanning the raw bytes of every backend.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { SuiteClient } from '@reqcache/behaviour-suite';
import { CacheEngine, type CacheOptions, type ReqcacheError } from '@reqcache/core';
import { mongoDatabase, postgresTable } from '@reqcache/core/internal';
import { fetchThrough } from '@reqcache/store-suite';
import { createTestServer, type TestServer } from '@reqcache/test-server';
import test, { type ExecutionContext } from 'ava';
import { ADAPTERS, type Adapter } from './helpers/clients.js';
import {
  addSecretRoutes,
  CREDENTIAL_HEADERS,
  findSecrets,
  SECRET_MARKERS,
  SECRETS,
  secretUrls,
} from './helpers/secrets.js';
import {
  clearRedisNamespace,
  dropPostgresTable,
  POSTGRES_URL,
  REDIS_URL,
  removeSqliteFile,
  startMongo,
  temporaryDirectory,
  uniqueCacheName,
  withMongo,
  withPostgres,
  withRedis,
} from './helpers/stores.js';

const mongo = startMongo();
test.after.always(async () => (await mongo).stop());

const run = promisify(execFile);

interface Backend {
  name: 'memory' | 'sqlite' | 'redis' | 'postgres' | 'mongodb';
  adapter: Adapter;
  open(
    t: ExecutionContext,
  ): Promise<{ options: CacheOptions; raw(client: SuiteClient): Promise<Uint8Array | string> }>;
}

const BACKENDS: Backend[] = [
  {
    name: 'memory',
    adapter: ADAPTERS[0]!,
    open: async () => ({
      options: { backend: 'memory' },
      raw: async (client) => {
        const map = client.engine.keyv.store as Map<string, unknown>;
        return JSON.stringify([...map.entries()], (_key, value: unknown) =>
          value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value,
        );
      },
    }),
  },
  {
    name: 'sqlite',
    adapter: ADAPTERS[1]!,
    open: async (t) => {
      const path = join(temporaryDirectory(t), 'secrets.sqlite');
      t.teardown(() => removeSqliteFile(path));
      return {
        options: { backend: 'sqlite', cacheName: path },
        // The file and its write-ahead log, byte for byte.
        raw: async () =>
          Buffer.concat(
            [path, `${path}-wal`, `${path}-journal`].filter(existsSync).map((file) => readFileSync(file)),
          ),
      };
    },
  },
  {
    name: 'redis',
    adapter: ADAPTERS[2]!,
    open: async (t) => {
      const cacheName = uniqueCacheName('reqcache_secrets');
      t.teardown(() => clearRedisNamespace(cacheName));
      return {
        options: { backend: 'redis', cacheName, backendOptions: { url: REDIS_URL } },
        raw: () =>
          withRedis(async (redis) => {
            const keys = await redis.keys(`${cacheName}::*`);
            const parts: Buffer[] = [Buffer.from(keys.join('\n'))];
            for (const key of keys) {
              parts.push(Buffer.from((await redis.get(key)) ?? ''));
              const dumped = await redis.withTypeMapping({ [36]: Buffer }).dump(key);
              if (dumped !== null) parts.push(Buffer.from(dumped as unknown as Uint8Array));
            }
            return Buffer.concat(parts);
          }),
      };
    },
  },
  {
    name: 'postgres',
    adapter: ADAPTERS[0]!,
    open: async (t) => {
      const cacheName = uniqueCacheName('reqcache_secrets');
      t.teardown(() => dropPostgresTable(cacheName));
      return {
        options: { backend: 'postgres', cacheName, backendOptions: { url: POSTGRES_URL } },
        raw: () =>
          withPostgres(async (pg) => {
            const result = await pg.query(`SELECT t::text AS row FROM "${postgresTable(cacheName)}" t`);
            return result.rows.map((row: { row: string }) => row.row).join('\n');
          }),
      };
    },
  },
  {
    name: 'mongodb',
    adapter: ADAPTERS[1]!,
    open: async (t) => {
      const server = await mongo;
      const cacheName = uniqueCacheName('reqcache_secrets');
      t.teardown(() => withMongo(server, (client) => client.db(mongoDatabase(cacheName)).dropDatabase()));
      return {
        options: {
          backend: 'mongodb',
          cacheName,
          backendOptions: { ...server.clientOptions, url: server.url },
        },
        raw: () =>
          withMongo(server, async (client) => {
            const docs = await client.db(mongoDatabase(cacheName)).collection('responses').find({}).toArray();
            return JSON.stringify(docs);
          }),
      };
    },
  },
];

/** Sends every secret-bearing request twice; returns the responses. */
async function sendSecrets(client: SuiteClient, server: TestServer) {
  const urls = secretUrls(server);
  const responses = [];
  for (let round = 0; round < 2; round++) {
    responses.push(await client.send({ url: urls.plain, headers: { ...CREDENTIAL_HEADERS } }));
    responses.push(await client.send({ url: urls.query }));
    responses.push(await client.send({ url: urls.redirect, headers: { ...CREDENTIAL_HEADERS } }));
  }
  return responses;
}

for (const backend of BACKENDS) {
  test(`secrets (${backend.name}, ${backend.adapter.name}): no credential appears in keys, stored requests, redirect history or the raw store`, async (t) => {
    const server = await createTestServer(t);
    addSecretRoutes(server);
    const { options, raw } = await backend.open(t);
    const client = backend.adapter.create(options);
    t.teardown(() => client.close());
    const errors: ReqcacheError[] = [];
    client.engine.on('error', (error) => errors.push(error));

    const responses = await sendSecrets(client, server);
    t.true(responses.every((response) => response.status === 200));
    t.true(
      responses.slice(3).every((response) => response.fromCache),
      'the second round is served from the cache',
    );
    // The origin did get the credentials: redaction is for the store only.
    t.is(server.lastRequest('/private')?.headers['authorization'], SECRETS.authorization);
    t.true(
      responses[0]!.headers['set-cookie']?.includes(SECRETS.setCookie),
      'the caller gets Set-Cookie from the network',
    );
    t.is(responses[3]!.headers['set-cookie'], undefined, 'a cached response never replays Set-Cookie');

    const keys: string[] = [];
    for await (const key of client.cache.keys()) keys.push(key);
    for await (const key of client.cache.redirects.keys()) keys.push(key);
    t.true(keys.length >= 3);
    t.deepEqual(findSecrets(keys.join('\n')), [], 'keys');

    const stored: unknown[] = [];
    for await (const item of client.cache.filter({ invalid: true })) {
      t.false(item.invalid);
      if (item.invalid) continue;
      stored.push({ url: item.url, request: item.request, headers: item.headers, history: item.history });
    }
    if (backend.adapter.name !== 'fetch') {
      // (fetch does not expose redirect hops; got and axios do.)
      t.true(
        stored.some((entry) => (entry as { history: unknown[] }).history.length > 0),
        'a redirect history is stored',
      );
    }
    const storedText = JSON.stringify(stored);
    t.deepEqual(findSecrets(storedText), [], 'stored requests, response headers and redirect history');
    t.true(storedText.includes('REDACTED'), 'credentials are stored as REDACTED');
    const withCookie = stored.filter(
      (entry) =>
        (entry as { request: { headers: Record<string, string> } }).request.headers['cookie'] !== undefined,
    );
    t.true(withCookie.length > 0);
    for (const entry of withCookie) {
      const headers = (entry as { request: { headers: Record<string, string> } }).request.headers;
      t.is(headers['cookie'], 'REDACTED');
      t.is(headers['authorization'], 'REDACTED');
    }

    const rawBytes = await raw(client);
    const rawText = typeof rawBytes === 'string' ? rawBytes : Buffer.from(rawBytes).toString('latin1');
    t.true(rawText.includes('REDACTED'), `the raw ${backend.name} scan reads the entries`);
    t.deepEqual(findSecrets(rawBytes), [], `raw ${backend.name} bytes`);
    t.deepEqual(findSecrets(errors.map((error) => `${error.message}\n${error.stack}`).join('\n')), []);
  });
}

test('secrets: error messages never carry credentials (corrupt entry, store failure, failed background revalidation)', async (t) => {
  const server = await createTestServer(t);
  addSecretRoutes(server);
  let nowMs = Date.parse('2030-01-01T00:00:00Z');
  let failWrites = false;
  const map = new Map<string, unknown>();
  const store = {
    async get(key: string) {
      return map.get(key);
    },
    async set(key: string, value: unknown) {
      if (failWrites) throw new Error('disk full');
      map.set(key, value);
      return true;
    },
    async delete(key: string) {
      return map.delete(key);
    },
    async clear() {
      map.clear();
    },
  };
  const engine = new CacheEngine({
    backend: store as never,
    clock: () => nowMs,
    expireAfter: 60,
    staleWhileRevalidate: true,
  });
  t.teardown(() => engine.cache.close());
  const errors: ReqcacheError[] = [];
  engine.on('error', (error) => errors.push(error));
  const urls = secretUrls(server);
  const headers = Object.fromEntries(
    Object.entries(CREDENTIAL_HEADERS).map(([k, v]) => [k.toLowerCase(), v]),
  );

  // A corrupt entry.
  const first = await fetchThrough(engine, urls.query, { headers });
  await engine.keyv.set(first.info.cacheKey!, 'garbage');
  await fetchThrough(engine, urls.query, { headers });
  // A failed background revalidation: stale, and the origin now drops the connection.
  nowMs += 120_000;
  server.route('GET', '/private', (req) => {
    req.socket.destroy();
  });
  const stale = await fetchThrough(engine, urls.query, { headers });
  t.true(stale.fromCache);
  await engine.settled();
  // A store failure.
  failWrites = true;
  server.route('GET', '/private', (_req, res) => {
    res.end('ok');
  });
  await fetchThrough(engine, `${server.url}/private?api_key=${SECRETS.queryApiKey}&x=1`, { headers });

  const codes = new Set(errors.map((error) => error.code));
  t.true(codes.has('ERR_CACHE_DESERIALIZE'));
  t.true(codes.has('ERR_REVALIDATION'));
  t.true(codes.has('ERR_CACHE_STORE'));
  const text = errors
    .map(
      (error) => `${error.message}\n${error.stack}\n${String((error.cause as Error | undefined)?.message)}`,
    )
    .join('\n');
  t.deepEqual(findSecrets(text), [], text);
});

test('secrets: debug logs (NODE_DEBUG=reqcache) never carry credentials', async (t) => {
  const server = await createTestServer(t);
  addSecretRoutes(server);
  const child = fileURLToPath(new URL('./fixtures/secrets-child.ts', import.meta.url));
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', child, server.url], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, NODE_DEBUG: 'reqcache', DEBUG: 'reqcache' },
    timeout: 60_000,
  });
  t.regex(stdout, /served 6 responses, 3 from the cache/);
  t.deepEqual(findSecrets(stdout), []);
  t.regex(stderr, /REQCACHE \d+: (miss|stored|hit) /, 'the debug log is on and logs requests');
  t.true(stderr.includes('api_key=REDACTED'), 'URLs are logged redacted');
  t.deepEqual(findSecrets(stderr), [], stderr);
  t.true(SECRET_MARKERS.length >= 9);
});
