import { DescribeTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CacheEngine, type CacheOptions, type ReqcacheError } from '@reqcache/core';
import { dynamoTable } from '@reqcache/core/internal';
import { fetchThrough, makeEntry, uniqueCacheName } from '@reqcache/store-suite';
import { createTestServer } from '@reqcache/test-server';
import test from 'ava';
import { DYNAMODB_MAX_ITEM_BYTES } from '../src/index.js';
import { dropDynamoTable, startDynamo } from './helpers.js';

// One endpoint for the file: DYNAMODB_ENDPOINT, or an in-process dynalite stopped after the last test.
const dynamo = startDynamo();
test.after.always(async () => (await dynamo).stop());

async function openEngine(
  t: import('ava').ExecutionContext,
  cacheName = uniqueCacheName(),
  extra: CacheOptions = {},
) {
  const server = await dynamo;
  t.teardown(() => dropDynamoTable(server, cacheName));
  const engine = new CacheEngine({
    ...extra,
    backend: 'dynamodb',
    cacheName,
    backendOptions: server.backendOptions,
  });
  const errors: ReqcacheError[] = [];
  engine.on('error', (error) => errors.push(error));
  t.teardown(() => engine.cache.close());
  const client = new DynamoDBClient(server.backendOptions);
  t.teardown(() => client.destroy());
  return { engine, errors, client, cacheName };
}

test('dynamodb: cacheName is the table (created on demand), items hold key, value and expires (epoch s) with storeTtl', async (t) => {
  const cacheName = `${uniqueCacheName()}:odd name`;
  const { engine, errors, client } = await openEngine(t, cacheName, { storeTtl: true });
  const table = dynamoTable(cacheName);
  t.is(table, cacheName.replace(/[: ]/g, '_'));
  t.is(dynamoTable('ab'), 'ab_');
  t.is(engine.backendName, `dynamodb (${table})`);
  const url = 'https://example.org/ttl';
  const key = engine.createKey({ method: 'GET', url, headers: {} });
  const expiresAt = Date.now() + 60_000;
  t.true(await engine.cache.write(key, makeEntry(url, new TextEncoder().encode('hello'), { expiresAt })));
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
  t.deepEqual(Table?.KeySchema, [{ AttributeName: 'key', KeyType: 'HASH' }]);
  const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: { key: { S: key } } }));
  t.is(typeof Item?.['value']?.S, 'string');
  const expires = Number(Item?.['expires']?.N);
  t.true(
    expires >= Math.floor(expiresAt / 1000) && expires <= Math.ceil(expiresAt / 1000) + 2,
    String(expires),
  );
  t.deepEqual(errors, []);
});

test('dynamodb: an entry over the 400 KB item limit is refused with a reported error; the request succeeds', async (t) => {
  const server = await createTestServer(t);
  const { engine, errors } = await openEngine(t);
  const url = `${server.url}/bytes/${DYNAMODB_MAX_ITEM_BYTES}`;
  const first = await fetchThrough(engine, url);
  t.is(first.status, 200);
  t.is(first.body.byteLength, DYNAMODB_MAX_ITEM_BYTES);
  const second = await fetchThrough(engine, url);
  t.false(second.fromCache);
  t.is(server.hits(`/bytes/${DYNAMODB_MAX_ITEM_BYTES}`), 2);
  t.true(errors.length > 0);
  t.true(errors.every((error) => error.code === 'ERR_CACHE_STORE'));
  t.regex(errors[0]?.message ?? '', /400 KB item limit/);
  // A 200 kB body fits.
  const fits = `${server.url}/bytes/200000`;
  await fetchThrough(engine, fits);
  t.true((await fetchThrough(engine, fits)).fromCache, errors.map((e) => e.message).join('; '));
});

test('dynamodb: more keys than one batch (getMany 100, deleteMany 25) and a paginated scan', async (t) => {
  const { engine, errors } = await openEngine(t);
  const keys: string[] = [];
  for (let i = 0; i < 130; i++) {
    const url = `https://example.org/batch/${i}`;
    const key = engine.createKey({ method: 'GET', url, headers: {} });
    keys.push(key);
    await engine.cache.write(key, makeEntry(url, new TextEncoder().encode(String(i))));
  }
  const values = await engine.keyv.getMany<string>(keys);
  t.is(values.filter((value) => typeof value === 'string').length, 130);
  t.is(await engine.cache.responseCount(), 130);
  t.is(await engine.cache.delete({ keys: keys.slice(0, 60) }), 60);
  t.is(await engine.cache.responseCount(), 70);
  await engine.cache.clear();
  t.is(await engine.cache.responseCount(), 0);
  t.deepEqual(errors, []);
});

test('dynamodb: an unreachable endpoint fails the store, not the request', async (t) => {
  const server = await createTestServer(t);
  const engine = new CacheEngine({
    backend: 'dynamodb',
    cacheName: uniqueCacheName(),
    backendOptions: { ...(await dynamo).backendOptions, endpoint: 'http://127.0.0.1:9', maxAttempts: 1 },
  });
  const errors: ReqcacheError[] = [];
  engine.on('error', (error) => errors.push(error));
  t.teardown(() => engine.cache.close());
  const response = await fetchThrough(engine, `${server.url}/bytes/16`);
  t.is(response.status, 200);
  t.false(response.fromCache);
  t.true(errors.length > 0);
  t.true(errors.every((error) => error.code === 'ERR_CACHE_STORE'));
});
