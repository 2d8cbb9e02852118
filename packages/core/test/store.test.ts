import { gunzipSync, gzipSync } from 'node:zlib';
import { createTestServer } from '@reqcache/test-server';
import test, { type ExecutionContext } from 'ava';
import { Keyv } from 'keyv';
import type { CachedResponse } from '../src/cached-response.js';
import { CacheEngine } from '../src/engine.js';
import type { CacheEntry } from '../src/entry.js';
import type { ReqcacheError } from '../src/errors.js';
import { entryStage, jsonStage, SerializerPipeline, type Stage } from '../src/serializer.js';
import type { FilterOptions } from '../src/store.js';
import { cacheRequest, createEngine, fakeClock, fetchSender, send } from './helpers/engine.js';
import { makeEntry, T0 } from './helpers/entry.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Writes an entry straight to the store. It has an ETag, so the store keeps it (no TTL) once expired. */
async function seed(
  engine: CacheEngine,
  key: string,
  overrides: Partial<CacheEntry> = {},
  aliases: readonly string[] = [],
): Promise<CacheEntry> {
  const entry = makeEntry(
    { ...overrides, headers: { etag: `"${key}"`, ...overrides.headers } },
    overrides.url,
  );
  if (overrides.url !== undefined) entry.request = { ...entry.request, url: overrides.url };
  const written = await engine.cache.write(key, entry, aliases);
  if (!written) throw new Error(`could not seed ${key}`);
  return entry;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function sortedKeys(engine: CacheEngine): Promise<string[]> {
  return (await collect(engine.cache.keys())).sort();
}

/** valid (never expires), expired (at T0 + 10 s, clock moved past it), old (created 2 h ago), and one undecodable value. */
async function seedMixed(t: ExecutionContext) {
  const { engine, clock } = createEngine(t);
  await seed(engine, 'valid', { url: 'https://example.com/valid' });
  await seed(engine, 'expired', { url: 'https://example.com/expired', expiresAt: T0 + 10 * SECOND });
  await seed(engine, 'old', { url: 'https://example.com/old', createdAt: T0 - 2 * HOUR });
  await seed(engine, 'old-expired', {
    url: 'https://example.com/old-expired',
    createdAt: T0 - 2 * HOUR,
    expiresAt: T0 - HOUR,
  });
  await engine.keyv.set('invalid', '{"v":1,"status":');
  clock.advance(MINUTE);
  return { engine, clock };
}

// ---------------------------------------------------------------------------------------------------------
// contains / delete through real requests

test('contains finds a response by key, url and request', async (t) => {
  const server = await createTestServer(t);
  const { engine } = createEngine(t);
  const url = `${server.url}/get?b=2&a=1`;
  await send(engine, url);
  const key = engine.createKey(cacheRequest(url));
  t.true(await engine.cache.contains({ key }));
  t.true(await engine.cache.contains({ url }));
  t.true(await engine.cache.contains({ url: `${server.url}/get?a=1&b=2` }), 'normalized URL');
  t.true(await engine.cache.contains({ request: cacheRequest(url) }));
  t.false(await engine.cache.contains({ key: 'nope' }));
  t.false(await engine.cache.contains({ url: `${server.url}/get?a=2` }));
  t.false(await engine.cache.contains({ request: cacheRequest(url, 'HEAD') }));
  t.false(await engine.cache.contains({}));
});

test('delete by urls and requests returns the count; missing ones are ignored', async (t) => {
  const server = await createTestServer(t);
  const { engine } = createEngine(t);
  for (const path of ['/get?n=1', '/get?n=2', '/get?n=3', '/json']) await send(engine, server.url + path);
  t.is(await engine.cache.responseCount(), 4);
  t.is(await engine.cache.delete({ urls: [`${server.url}/get?n=1`, `${server.url}/get?n=404`] }), 1);
  t.is(await engine.cache.delete({ requests: [cacheRequest(`${server.url}/get?n=2`)] }), 1);
  t.is(
    await engine.cache.delete({
      urls: [`${server.url}/get?n=3`],
      requests: [cacheRequest(`${server.url}/json`)],
    }),
    2,
  );
  t.is(await engine.cache.responseCount(), 0);
  t.is(await engine.cache.delete({ urls: [`${server.url}/get?n=1`] }), 0);
});

test('a redirected response is found by the final URL and deleting it prunes the alias', async (t) => {
  const server = await createTestServer(t);
  const { engine } = createEngine(t);
  const start = `${server.url}/redirect/1`;
  const { outcome } = await send(engine, start);
  t.is(outcome.source, 'network');
  t.is(await engine.cache.redirects.count(), 1);
  t.true(await engine.cache.contains({ url: `${server.url}/get` }), 'alias of the final URL');
  const hitsBefore = server.hits('/get');
  const again = await send(engine, `${server.url}/get`);
  t.is(again.outcome.source, 'cache');
  t.is(server.hits('/get'), hitsBefore);
  t.is(await engine.cache.delete({ urls: [start] }), 1);
  t.is(await engine.cache.redirects.count(), 0, 'dangling alias pruned');
  t.false(await engine.cache.contains({ url: `${server.url}/get` }));
});

test('deleting a redirected response by its final URL counts one response', async (t) => {
  const server = await createTestServer(t);
  const { engine } = createEngine(t);
  await send(engine, `${server.url}/redirect/2`);
  t.is(await engine.cache.responseCount(), 1);
  t.is(await engine.cache.delete({ urls: [`${server.url}/get`] }), 1);
  t.is(await engine.cache.responseCount(), 0);
  t.is(await engine.cache.redirects.count(), 0);
});

// ---------------------------------------------------------------------------------------------------------
// delete by keys / expired / invalid / olderThan

const DELETE_ROWS: readonly {
  name: string;
  options: Parameters<CacheEngine['cache']['delete']>[0];
  count: number;
  left: readonly string[];
}[] = [
  { name: 'nothing', options: {}, count: 0, left: ['expired', 'invalid', 'old', 'old-expired', 'valid'] },
  {
    name: 'keys',
    options: { keys: ['valid', 'old'] },
    count: 2,
    left: ['expired', 'invalid', 'old-expired'],
  },
  {
    name: 'a missing key',
    options: { keys: ['missing'] },
    count: 0,
    left: ['expired', 'invalid', 'old', 'old-expired', 'valid'],
  },
  { name: 'expired', options: { expired: true }, count: 2, left: ['invalid', 'old', 'valid'] },
  { name: 'invalid', options: { invalid: true }, count: 1, left: ['expired', 'old', 'old-expired', 'valid'] },
  {
    name: 'expired and invalid',
    options: { expired: true, invalid: true },
    count: 3,
    left: ['old', 'valid'],
  },
  { name: 'olderThan 1h', options: { olderThan: '1h' }, count: 2, left: ['expired', 'invalid', 'valid'] },
  {
    name: 'olderThan {hours: 3}',
    options: { olderThan: { hours: 3 } },
    count: 0,
    left: ['expired', 'invalid', 'old', 'old-expired', 'valid'],
  },
  { name: 'olderThan 30 s (seconds)', options: { olderThan: 30 }, count: 4, left: ['invalid'] },
  {
    name: 'expired and olderThan: both must hold',
    options: { expired: true, olderThan: '1h' },
    count: 1,
    left: ['expired', 'invalid', 'old', 'valid'],
  },
  {
    name: 'keys and expired: the union',
    options: { keys: ['valid'], expired: true },
    count: 3,
    left: ['invalid', 'old'],
  },
];

for (const row of DELETE_ROWS) {
  test(`delete: ${row.name}`, async (t) => {
    const { engine } = await seedMixed(t);
    t.is(await engine.cache.delete(row.options), row.count);
    t.deepEqual(await sortedKeys(engine), [...row.left]);
  });
}

test('delete prunes aliases left pointing at nothing, and keeps the others', async (t) => {
  const { engine, clock } = createEngine(t);
  await seed(engine, 'a', { expiresAt: T0 + SECOND }, ['alias-a1', 'alias-a2']);
  await seed(engine, 'b', {}, ['alias-b']);
  clock.advance(MINUTE);
  t.is(await engine.cache.redirects.count(), 3);
  t.is(await engine.cache.delete({ expired: true }), 1);
  t.deepEqual((await collect(engine.cache.redirects.keys())).sort(), ['alias-b']);
  t.is(await engine.cache.redirects.get('alias-b'), 'b');
});

test('delete by an alias key deletes the response it points to, and counts responses only', async (t) => {
  const { engine } = createEngine(t);
  await seed(engine, 'target', {}, ['alias']);
  await seed(engine, 'other', {}, ['other-alias']);
  t.is(await engine.cache.delete({ keys: ['alias'] }), 1);
  t.is(await engine.cache.delete({ keys: ['other', 'other-alias'] }), 1);
  t.false(await engine.cache.contains({ key: 'target' }));
  t.false(await engine.cache.contains({ key: 'alias' }));
});

test('delete and filter reject an olderThan that is not a duration', async (t) => {
  const { engine } = await seedMixed(t);
  await t.throwsAsync(engine.cache.delete({ olderThan: new Date(T0) }), {
    code: 'ERR_INVALID_OPTION',
  } as never);
  await t.throwsAsync(engine.cache.delete({ olderThan: 'tomorrow' }), {
    code: 'ERR_INVALID_OPTION',
  } as never);
});

// ---------------------------------------------------------------------------------------------------------
// filter

const FILTER_ROWS: readonly [options: FilterOptions, keys: readonly string[]][] = [
  [{}, ['expired', 'old', 'old-expired', 'valid']],
  [{ valid: true, expired: true, invalid: true }, ['expired', 'invalid', 'old', 'old-expired', 'valid']],
  [{ valid: true, expired: false }, ['old', 'valid']],
  [{ valid: false, expired: true }, ['expired', 'old-expired']],
  [{ valid: false, expired: false }, []],
  [{ valid: false, expired: false, invalid: true }, ['invalid']],
  [{ valid: true, expired: false, invalid: true }, ['invalid', 'old', 'valid']],
  [{ valid: false, expired: true, invalid: true }, ['expired', 'invalid', 'old-expired']],
  [{ olderThan: '1h' }, ['old', 'old-expired']],
  [{ valid: true, expired: false, olderThan: '1h' }, ['old']],
  [{ valid: false, expired: true, olderThan: '1h' }, ['old-expired']],
  [{ valid: false, expired: false, invalid: true, olderThan: '1h' }, ['invalid']],
  [{ olderThan: '3h' }, []],
];

for (const [options, keys] of FILTER_ROWS) {
  test(`filter(${JSON.stringify(options)})`, async (t) => {
    const { engine } = await seedMixed(t);
    const items = await collect(engine.cache.filter(options));
    t.deepEqual(items.map((item) => item.cacheKey).sort(), [...keys]);
    for (const item of items) {
      if (item.invalid) {
        t.is(item.error.code, 'ERR_CACHE_DESERIALIZE');
      } else {
        t.is(item.isExpired, item.cacheKey.includes('expired'));
      }
    }
  });
}

test('filter yields CachedResponses with requests-cache attributes', async (t) => {
  const { engine } = await seedMixed(t);
  const items = (await collect(engine.cache.filter({ valid: false, expired: true }))) as CachedResponse[];
  const expired = items.find((item) => item.cacheKey === 'expired')!;
  t.is(expired.url, 'https://example.com/expired');
  t.is(expired.status, 200);
  t.deepEqual(expired.createdAt, new Date(T0));
  t.deepEqual(expired.expires, new Date(T0 + 10 * SECOND));
  t.true(expired.isExpired);
  t.is(expired.size, 11);
  t.is(expired.text(), '{"ok":true}');
  t.regex(
    String(expired),
    /^request: GET https:\/\/example\.com\/expired, response: 200 \(11 bytes\), .*\(stale\), from cache$/,
  );
});

// ---------------------------------------------------------------------------------------------------------
// urls, keys, values, responseCount

test('urls() are sorted and unique, and skip undecodable entries without deleting them', async (t) => {
  const { engine } = createEngine(t);
  await seed(engine, 'k1', { url: 'https://c.example/' });
  await seed(engine, 'k2', { url: 'https://a.example/' });
  await seed(engine, 'k3', { url: 'https://b.example/' });
  await seed(engine, 'k4', { url: 'https://a.example/' });
  await seed(engine, 'k5', { url: 'https://b.example/' }, ['alias']);
  await engine.keyv.set('bad', 'garbage');
  t.deepEqual(await engine.cache.urls(), ['https://a.example/', 'https://b.example/', 'https://c.example/']);
  t.true(await engine.cache.contains({ key: 'bad' }));
});

test('keys() lists responses, not redirect aliases', async (t) => {
  const { engine } = createEngine(t);
  await seed(engine, 'one', {}, ['alias-1', 'alias-2']);
  await seed(engine, 'two');
  t.deepEqual(await sortedKeys(engine), ['one', 'two']);
});

test('values() and responseCount() with and without checkExpiry', async (t) => {
  const { engine } = await seedMixed(t);
  const all = await collect(engine.cache.values());
  t.deepEqual(all.map((v) => v.cacheKey).sort(), ['expired', 'old', 'old-expired', 'valid']);
  const fresh = await collect(engine.cache.values({ checkExpiry: true }));
  t.deepEqual(fresh.map((v) => v.cacheKey).sort(), ['old', 'valid']);
  t.is(await engine.cache.responseCount(), 4, 'the readable responses, as values() and urls() see them');
  t.is(await engine.cache.responseCount({ checkExpiry: true }), 2);
});

test('responseCount() and urls() agree about an undecodable entry; responses.count() and keys() list it', async (t) => {
  const { engine } = await seedMixed(t);
  const urls = await engine.cache.urls();
  t.is(urls.length, 4);
  t.is(await engine.cache.responseCount(), urls.length);
  t.is(await engine.cache.responses.count(), 5, 'every stored response key, the undecodable one included');
  t.is((await sortedKeys(engine)).length, 5);
  const invalid = await collect(engine.cache.filter({ valid: false, expired: false, invalid: true }));
  t.deepEqual(
    invalid.map((item) => item.cacheKey),
    ['invalid'],
  );
});

// ---------------------------------------------------------------------------------------------------------
// removeExpiredResponses, resetExpiration

test('removeExpiredResponses() deletes expired and undecodable responses', async (t) => {
  const { engine } = await seedMixed(t);
  t.is(await engine.cache.removeExpiredResponses(), 3);
  t.deepEqual(await sortedKeys(engine), ['old', 'valid']);
});

test('removeExpiredResponses(expireAfter) resets expiration first', async (t) => {
  const { engine } = await seedMixed(t);
  t.is(await engine.cache.removeExpiredResponses('1h'), 1, 'only the undecodable entry');
  t.deepEqual(await sortedKeys(engine), ['expired', 'old', 'old-expired', 'valid']);
});

test('removeExpiredResponses(EXPIRE_IMMEDIATELY) expires everything, then deletes it', async (t) => {
  const { engine } = await seedMixed(t);
  t.is(await engine.cache.removeExpiredResponses(0), 5);
  t.deepEqual(await sortedKeys(engine), []);
});

test('resetExpiration extends every response, relative to now', async (t) => {
  const { engine, clock } = await seedMixed(t);
  t.is(await engine.cache.resetExpiration('1h'), 4);
  for (const value of await collect(engine.cache.values())) {
    t.is(value.expires?.getTime(), clock.now + HOUR, value.cacheKey);
    t.false(value.isExpired);
  }
  t.is(await engine.cache.responseCount({ checkExpiry: true }), 4);
});

test('resetExpiration shortens every response', async (t) => {
  const { engine, clock } = await seedMixed(t);
  t.is(await engine.cache.resetExpiration(30), 4);
  t.is(await engine.cache.responseCount({ checkExpiry: true }), 4);
  clock.advance(31 * SECOND);
  t.is(await engine.cache.responseCount({ checkExpiry: true }), 0);
});

test('resetExpiration(NEVER_EXPIRE) and to an absolute date', async (t) => {
  const { engine } = await seedMixed(t);
  await engine.cache.resetExpiration(-1);
  for (const value of await collect(engine.cache.values())) t.is(value.expires, null);
  await engine.cache.resetExpiration(new Date(T0 + 7 * HOUR));
  for (const value of await collect(engine.cache.values())) t.is(value.expires?.getTime(), T0 + 7 * HOUR);
});

test('resetExpiration keeps bodies and headers byte-exact', async (t) => {
  const { engine } = createEngine(t);
  const entry = await seed(engine, 'k', { body: Uint8Array.from({ length: 256 }, (_, i) => i) });
  await engine.cache.resetExpiration('1d');
  const stored = (await engine.cache.responses.get('k'))!;
  t.deepEqual([...stored.body], [...entry.body]);
  t.deepEqual(stored.headers, entry.headers);
  t.is(stored.createdAt.getTime(), entry.createdAt);
});

// ---------------------------------------------------------------------------------------------------------
// recreateKeys

test('recreateKeys moves entries after ignoredParameters change', async (t) => {
  const server = await createTestServer(t);
  const { engine } = createEngine(t);
  await send(engine, `${server.url}/get?token=abc&x=1`);
  await send(engine, `${server.url}/get?x=2`);
  const probe = `${server.url}/get?token=other&x=1`;
  t.false(await engine.cache.contains({ url: probe }));
  engine.settings.ignoredParameters = ['token'];
  t.is(await engine.cache.recreateKeys(), 1, 'only the entry whose key changed moves');
  t.true(await engine.cache.contains({ url: probe }));
  t.is(await engine.cache.responseCount(), 2);
  t.is(await engine.cache.recreateKeys(), 0, 'a second run changes nothing');
  const hits = server.hits('/get');
  const { outcome } = await send(engine, probe);
  t.is(outcome.source, 'cache');
  t.is(server.hits('/get'), hits);
});

test('recreateKeys moves every entry after keyFn changes, and prunes the aliases', async (t) => {
  const { engine } = createEngine(t);
  await seed(engine, 'k1', { url: 'https://example.com/1' }, ['alias']);
  await seed(engine, 'k2', { url: 'https://example.com/2' });
  engine.settings.keyFn = (request) => `custom:${request.method}:${request.url}`;
  t.is(await engine.cache.recreateKeys(), 2);
  t.deepEqual(await sortedKeys(engine), [
    'custom:GET:https://example.com/1',
    'custom:GET:https://example.com/2',
  ]);
  t.is(await engine.cache.redirects.count(), 0);
  t.true(await engine.cache.contains({ url: 'https://example.com/2' }));
});

// ---------------------------------------------------------------------------------------------------------
// responses / redirects views, clear, close

test('the responses view is map-like', async (t) => {
  const { engine } = createEngine(t);
  await seed(engine, 'one', { url: 'https://example.com/1' }, ['alias']);
  await seed(engine, 'two', { url: 'https://example.com/2', expiresAt: T0 - 1 });
  const { responses } = engine.cache;
  t.is((await responses.get('one'))?.url, 'https://example.com/1');
  t.is((await responses.get('one'))?.cacheKey, 'one');
  t.is(await responses.get('alias'), undefined, 'an alias is not a response');
  t.is(await responses.get('missing'), undefined);
  t.true(await responses.has('one'));
  t.false(await responses.has('alias'));
  t.false(await responses.has('missing'));
  t.deepEqual((await collect(responses.keys())).sort(), ['one', 'two']);
  const entries = await collect(responses.entries());
  t.deepEqual(entries.map(([key, value]) => [key, value.url]).sort(), [
    ['one', 'https://example.com/1'],
    ['two', 'https://example.com/2'],
  ]);
  t.true(entries.find(([key]) => key === 'two')![1].isExpired);
  t.is(await responses.count(), 2);
  t.true(await responses.delete('two'));
  t.false(await responses.delete('two'));
  t.is(await responses.count(), 1);
});

test('the redirects view is map-like', async (t) => {
  const { engine } = createEngine(t);
  await seed(engine, 'target', {}, ['a1', 'a2']);
  const { redirects } = engine.cache;
  t.is(await redirects.get('a1'), 'target');
  t.is(await redirects.get('target'), undefined);
  t.true(await redirects.has('a2'));
  t.false(await redirects.has('target'));
  t.deepEqual((await collect(redirects.keys())).sort(), ['a1', 'a2']);
  t.deepEqual((await collect(redirects.entries())).sort(), [
    ['a1', 'target'],
    ['a2', 'target'],
  ]);
  t.is(await redirects.count(), 2);
  t.true(await redirects.delete('a1'));
  t.false(await redirects.delete('a1'));
  t.false(await redirects.delete('target'), 'a response is not deleted through the redirects view');
  t.is(await redirects.count(), 1);
  t.true(await engine.cache.contains({ key: 'target' }));
});

test('read follows an alias to its response', async (t) => {
  const { engine } = createEngine(t);
  const entry = await seed(engine, 'target', {}, ['alias']);
  const stored = await engine.cache.read('alias');
  t.is(stored?.key, 'target');
  t.is(stored?.entry.url, entry.url);
});

test('clear removes responses and aliases', async (t) => {
  const { engine } = createEngine(t);
  await seed(engine, 'one', {}, ['alias']);
  await seed(engine, 'two');
  await engine.cache.clear();
  t.is(await engine.cache.responseCount(), 0);
  t.is(await engine.cache.redirects.count(), 0);
});

for (const autoclose of [true, false]) {
  test(`close with autoclose ${autoclose}`, async (t) => {
    const engine = new CacheEngine({ backend: 'memory', autoclose });
    const original = engine.keyv.disconnect.bind(engine.keyv);
    let calls = 0;
    engine.keyv.disconnect = async () => {
      calls++;
      await original();
    };
    t.teardown(() => original());
    await engine.cache.close();
    t.is(calls, autoclose ? 1 : 0);
  });
}

test('close follows a run-time change of autoclose', async (t) => {
  const engine = new CacheEngine({ backend: 'memory' });
  let calls = 0;
  const original = engine.keyv.disconnect.bind(engine.keyv);
  engine.keyv.disconnect = async () => {
    calls++;
  };
  t.teardown(() => original());
  engine.settings.autoclose = false;
  await engine.cache.close();
  t.is(calls, 0);
  engine.settings.autoclose = true;
  await engine.cache.close();
  t.is(calls, 1);
});

// ---------------------------------------------------------------------------------------------------------
// Store failures

/** A Keyv store whose reads and/or writes fail. */
function failingStore(fail: { get?: boolean; set?: boolean }) {
  const map = new Map<string, unknown>();
  return {
    async get(key: string) {
      if (fail.get) throw new Error('store down (get)');
      return map.get(key);
    },
    async set(key: string, value: unknown) {
      if (fail.set) throw new Error('store down (set)');
      map.set(key, value);
      return true;
    },
    async delete(key: string) {
      return map.delete(key);
    },
    async clear() {
      map.clear();
    },
    on() {
      return this;
    },
  };
}

const FAILURE_ROWS = [
  { name: 'reads fail', fail: { get: true }, message: /store down \(get\)/ },
  { name: 'writes fail', fail: { set: true }, message: /store down \(set\)/ },
  { name: 'reads and writes fail', fail: { get: true, set: true }, message: /store down/ },
] as const;

for (const row of FAILURE_ROWS) {
  test(`store failures (${row.name}) are reported through 'error', never thrown from the engine`, async (t) => {
    const server = await createTestServer(t);
    const engine = new CacheEngine({ backend: failingStore(row.fail) as never, clock: fakeClock() });
    t.teardown(() => engine.cache.close());
    const errors: ReqcacheError[] = [];
    engine.on('error', (error) => errors.push(error));
    for (let i = 0; i < 2; i++) {
      const { outcome, text } = await send(engine, `${server.url}/get?i=1`);
      t.is(outcome.source, 'network');
      t.regex(text, /"url"/);
    }
    t.is(server.hits('/get'), 2);
    t.true(errors.length > 0);
    for (const error of errors) {
      t.is(error.code, 'ERR_CACHE_STORE');
      t.regex(error.message, row.message);
    }
  });
}

test('one failed store write is reported once', async (t) => {
  const engine = new CacheEngine({ backend: failingStore({ set: true }) as never });
  t.teardown(() => engine.cache.close());
  const errors: ReqcacheError[] = [];
  engine.on('error', (error) => errors.push(error));
  t.false(await engine.cache.write('k', makeEntry()));
  t.is(errors.length, 1);
  t.is(errors[0]?.code, 'ERR_CACHE_STORE');
});

test('a read failure is reported with its key and is a miss', async (t) => {
  const engine = new CacheEngine({ backend: failingStore({ get: true }) as never });
  t.teardown(() => engine.cache.close());
  const errors: ReqcacheError[] = [];
  engine.on('error', (error) => errors.push(error));
  t.is(await engine.cache.read('some-key'), undefined);
  t.is(errors.length, 1);
  t.is(errors[0]?.key, 'some-key');
});

test('an undecodable stored value is reported as ERR_CACHE_DESERIALIZE and is a miss', async (t) => {
  const server = await createTestServer(t);
  const { engine } = createEngine(t);
  const errors: ReqcacheError[] = [];
  engine.on('error', (error) => errors.push(error));
  const url = `${server.url}/get`;
  await engine.keyv.set(engine.createKey(cacheRequest(url)), '{"v":2}');
  const { outcome } = await send(engine, url);
  t.is(outcome.source, 'network');
  t.deepEqual(
    errors.map((error) => error.code),
    ['ERR_CACHE_DESERIALIZE'],
  );
  const again = await send(engine, url);
  t.is(again.outcome.source, 'cache', 'the fresh response replaced the bad entry');
});

test('a serializer failure on write is reported as ERR_CACHE_SERIALIZE', async (t) => {
  const engine = new CacheEngine({
    backend: 'memory',
    serializer: {
      name: 'broken',
      dumps: () => {
        throw new Error('cannot');
      },
      loads: () => makeEntry(),
    },
  });
  t.teardown(() => engine.cache.close());
  const errors: ReqcacheError[] = [];
  engine.on('error', (error) => errors.push(error));
  t.false(await engine.cache.write('k', makeEntry()));
  t.deepEqual(
    errors.map((error) => error.code),
    ['ERR_CACHE_SERIALIZE'],
  );
});

// ---------------------------------------------------------------------------------------------------------
// No shared mutable objects

test('a memory store never hands out shared mutable objects', async (t) => {
  const server = await createTestServer(t);
  const { engine } = createEngine(t);
  const url = `${server.url}/bytes/64`;
  const first = await send(engine, url);
  t.is(first.outcome.source, 'network');
  const key = engine.createKey(cacheRequest(url));
  // The engine's own reads share one frozen entry: any attempt to change it throws.
  const read1 = (await engine.cache.read(key))!.entry;
  const original = [...read1.body];
  t.throws(() => {
    read1.headers['content-type'] = 'mutated';
  });
  t.throws(() => {
    read1.request.headers['x'] = 'mutated';
  });
  t.throws(() => {
    read1.history.push({ url: 'x', status: 301 });
  });
  t.throws(() => {
    (read1 as { status: number }).status = 500;
  });
  const read2 = (await engine.cache.read(key))!.entry;
  t.deepEqual([...read2.body], original);
  t.is(read2.headers['content-type'], 'application/octet-stream');
  t.is(read2.request.headers['x'], undefined);
  t.deepEqual(read2.history, []);
  // What users get from the maintenance views is their own copy.
  const fromView = (await engine.cache.responses.get(key))!;
  fromView.body.fill(0);
  fromView.headers['content-type'] = 'mutated';
  t.is((await engine.cache.responses.get(key))!.headers['content-type'], 'application/octet-stream');
  const viaView = (await engine.cache.responses.get(key))!;
  viaView.body.fill(1);
  const served = await engine.request(cacheRequest(url), undefined, fetchSender(cacheRequest(url)));
  t.is(served.source, 'cache');
  t.deepEqual(served.source === 'cache' ? [...served.entry.body] : [], original);
});

test('an entry written and then changed by the caller is stored as it was written', async (t) => {
  const { engine } = createEngine(t);
  const entry = makeEntry();
  await engine.cache.write('k', entry);
  entry.body[0] = 0;
  entry.headers['x'] = 'later';
  const stored = (await engine.cache.read('k'))!.entry;
  t.is(stored.body[0], '{'.charCodeAt(0));
  t.is(stored.headers['x'], undefined);
});

test('a Keyv instance passed as the backend is used as is', async (t) => {
  const keyv = new Keyv();
  const engine = new CacheEngine({ backend: keyv, autoclose: false });
  t.teardown(() => keyv.disconnect());
  t.is(engine.keyv, keyv);
  await seed(engine, 'k');
  t.true(await keyv.has('k'));
});

test('a gzip serializer pipeline works through the engine and the store, and has keys of its own', async (t) => {
  const server = await createTestServer(t);
  const utf8Stage: Stage<string, Buffer> = {
    name: 'utf8',
    dumps: (text) => Buffer.from(text, 'utf8'),
    loads: (bytes) => Buffer.from(bytes).toString('utf8'),
  };
  const gzipStage: Stage<Uint8Array, Uint8Array> = {
    name: 'gzip',
    dumps: (bytes) => gzipSync(bytes),
    loads: (bytes) => gunzipSync(bytes),
  };
  const serializer = new SerializerPipeline([entryStage, jsonStage, utf8Stage, gzipStage]);
  const { engine } = createEngine(t, { serializer });
  const plain = createEngine(t).engine;
  const errors: ReqcacheError[] = [];
  engine.on('error', (error) => errors.push(error));
  const url = `${server.url}/bytes/300`;
  const first = await send(engine, url);
  const second = await send(engine, url);
  t.is(second.outcome.source, 'cache');
  t.is(second.text, first.text);
  t.deepEqual(errors, []);
  const raw = await engine.keyv.get(second.outcome.info.cacheKey!);
  t.deepEqual([...(raw as Uint8Array).subarray(0, 2)], [0x1f, 0x8b], 'stored gzipped');
  t.not(
    engine.createKey(cacheRequest(url)),
    plain.createKey(cacheRequest(url)),
    'the serializer name is in the key',
  );
});

test('a value the store refuses (set returns false) is not reported as written, and no alias is left', async (t) => {
  const map = new Map<string, unknown>();
  const refusing = {
    get: async (key: string) => map.get(key),
    set: async (key: string, value: unknown) => {
      if (key.endsWith('big')) return false; // Keyv prefixes its namespace
      map.set(key, value);
      return true;
    },
    delete: async (key: string) => map.delete(key),
    clear: async () => map.clear(),
  };
  const engine = new CacheEngine({ backend: new Keyv({ store: refusing }), clock: () => T0 });
  t.teardown(() => engine.cache.close());
  t.false(await engine.cache.write('big', makeEntry(), ['alias']));
  t.false(await engine.cache.contains({ key: 'alias' }));
  t.true(await engine.cache.write('small', makeEntry()));
  t.true(await engine.cache.contains({ key: 'small' }));
});
