import type { ServerResponse } from 'node:http';
import { createTestServer, type TestServer } from '@reqcache/test-server';
import test from 'ava';
import type { Lookup } from '../src/contract.js';
import { CacheEngine } from '../src/engine.js';
import { DO_NOT_CACHE } from '../src/expire-after.js';
import type { CacheOptions, RequestCacheOptions } from '../src/options.js';
import { STORE_RETRY_INITIAL_MS } from '../src/store.js';
import { cacheRequest, createEngine, fetchSender, send } from './helpers/engine.js';
import { T0 } from './helpers/entry.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const LAST_MODIFIED = 'Wed, 21 Oct 2015 07:28:00 GMT';

/** Ad-hoc routes used by the rows below. */
function addRoutes(server: TestServer): void {
  server.route('GET', '/no-cache', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-cache', etag: '"nc"' });
    res.end('no-cache body');
  });
}

interface LookupRow {
  name: string;
  settings?: CacheOptions;
  path: string;
  /** Store a response first (through `engine.request` at T0). @default true */
  seed?: boolean;
  advanceMs?: number;
  method?: string;
  headers?: Record<string, string>;
  options?: RequestCacheOptions;
  expected: Lookup['state'];
  /** The conditional headers of a `revalidate` or `stale` lookup. */
  conditional?: Record<string, string>;
}

const LOOKUP_ROWS: readonly LookupRow[] = [
  // bypass
  { name: 'bypass: disabled', settings: { disabled: true }, path: '/get', seed: false, expected: 'bypass' },
  { name: 'bypass: disabled per request', path: '/get', options: { disabled: true }, expected: 'bypass' },
  { name: 'bypass: method not allowed', path: '/anything', method: 'POST', seed: false, expected: 'bypass' },
  {
    name: 'bypass: per-request DO_NOT_CACHE',
    path: '/get',
    options: { expireAfter: DO_NOT_CACHE },
    expected: 'bypass',
  },
  {
    name: 'bypass: session DO_NOT_CACHE',
    settings: { expireAfter: DO_NOT_CACHE },
    path: '/get',
    seed: false,
    expected: 'bypass',
  },
  {
    name: 'bypass: url pattern DO_NOT_CACHE',
    settings: { urlsExpireAfter: { '*': DO_NOT_CACHE } },
    path: '/get',
    seed: false,
    expected: 'bypass',
  },
  {
    name: 'bypass: request no-store',
    path: '/get',
    headers: { 'cache-control': 'no-store' },
    expected: 'bypass',
  },
  {
    name: 'bypass: per-request DO_NOT_CACHE even with a request max-age',
    path: '/get',
    headers: { 'cache-control': 'max-age=60' },
    options: { expireAfter: DO_NOT_CACHE },
    expected: 'bypass',
  },
  // miss
  { name: 'miss: nothing stored', path: '/get', seed: false, expected: 'miss' },
  {
    name: 'miss: forceRefresh skips the read',
    path: '/get',
    options: { forceRefresh: true },
    expected: 'miss',
  },
  {
    name: 'miss: request no-cache skips the read (cacheControl off)',
    path: '/get',
    headers: { 'cache-control': 'no-cache' },
    expected: 'miss',
  },
  {
    name: 'miss: Pragma no-cache skips the read (cacheControl off)',
    path: '/get',
    headers: { pragma: 'no-cache' },
    expected: 'miss',
  },
  // fresh
  { name: 'fresh: never expires', path: '/get', advanceMs: 365 * 24 * HOUR, expected: 'fresh' },
  {
    name: 'fresh: inside expireAfter',
    settings: { expireAfter: 60 },
    path: '/get',
    advanceMs: 30 * SECOND,
    expected: 'fresh',
  },
  {
    name: 'fresh: refresh without a validator has no effect',
    path: '/get',
    options: { refresh: true },
    expected: 'fresh',
  },
  {
    name: 'fresh: alwaysRevalidate without a validator',
    settings: { alwaysRevalidate: true },
    path: '/get',
    expected: 'fresh',
  },
  { name: 'fresh: response no-cache ignored with cacheControl off', path: '/no-cache', expected: 'fresh' },
  {
    name: 'fresh: onlyIfCached with a fresh entry',
    path: '/get',
    options: { onlyIfCached: true },
    expected: 'fresh',
  },
  {
    name: 'fresh: onlyIfCached serves an expired entry inside staleIfError',
    settings: { expireAfter: 60, staleIfError: true },
    path: '/get',
    advanceMs: HOUR,
    options: { onlyIfCached: true },
    expected: 'fresh',
  },
  {
    name: 'fresh: onlyIfCached beats refresh',
    path: '/etag/abc',
    options: { onlyIfCached: true, refresh: true },
    expected: 'fresh',
  },
  // stale (stale-while-revalidate)
  {
    name: 'stale: expired inside staleWhileRevalidate, with a validator',
    settings: { expireAfter: 60, staleWhileRevalidate: '1h' },
    path: '/etag/abc',
    advanceMs: 2 * MINUTE,
    expected: 'stale',
    conditional: { 'if-none-match': '"abc"' },
  },
  {
    name: 'stale: expired inside staleWhileRevalidate, without a validator',
    settings: { expireAfter: 60, staleWhileRevalidate: true },
    path: '/get',
    advanceMs: 24 * HOUR,
    expected: 'stale',
    conditional: {},
  },
  {
    name: 'revalidate: expired beyond staleWhileRevalidate',
    settings: { expireAfter: 60, staleWhileRevalidate: '1m' },
    path: '/etag/abc',
    advanceMs: HOUR,
    expected: 'revalidate',
    conditional: { 'if-none-match': '"abc"' },
  },
  // revalidate
  {
    name: 'revalidate: expired with an ETag',
    settings: { expireAfter: 60 },
    path: '/etag/abc',
    advanceMs: 2 * MINUTE,
    expected: 'revalidate',
    conditional: { 'if-none-match': '"abc"' },
  },
  {
    name: 'revalidate: expired with Last-Modified',
    settings: { expireAfter: 60 },
    path: '/last-modified',
    advanceMs: 2 * MINUTE,
    expected: 'revalidate',
    conditional: { 'if-modified-since': LAST_MODIFIED },
  },
  {
    name: 'revalidate: expired without a validator (unconditional)',
    settings: { expireAfter: 60 },
    path: '/get',
    advanceMs: 2 * MINUTE,
    expected: 'revalidate',
    conditional: {},
  },
  {
    name: 'revalidate: refresh',
    path: '/etag/abc',
    options: { refresh: true },
    expected: 'revalidate',
    conditional: { 'if-none-match': '"abc"' },
  },
  {
    name: 'revalidate: alwaysRevalidate',
    settings: { alwaysRevalidate: true },
    path: '/etag/abc',
    expected: 'revalidate',
    conditional: { 'if-none-match': '"abc"' },
  },
  {
    name: 'revalidate: request max-age=0',
    path: '/etag/abc',
    headers: { 'cache-control': 'max-age=0' },
    expected: 'revalidate',
    conditional: { 'if-none-match': '"abc"' },
  },
  {
    name: 'revalidate: response no-cache in cacheControl mode',
    settings: { cacheControl: true },
    path: '/no-cache',
    expected: 'revalidate',
    conditional: { 'if-none-match': '"nc"' },
  },
  {
    name: 'revalidate: request no-cache in cacheControl mode',
    settings: { cacheControl: true },
    path: '/etag/abc',
    headers: { 'cache-control': 'no-cache' },
    expected: 'revalidate',
    conditional: { 'if-none-match': '"abc"' },
  },
  // not-cached
  {
    name: 'not-cached: onlyIfCached and nothing stored',
    settings: { onlyIfCached: true },
    path: '/get',
    seed: false,
    expected: 'not-cached',
  },
  {
    name: 'not-cached: per-request onlyIfCached and nothing stored',
    path: '/get',
    seed: false,
    options: { onlyIfCached: true },
    expected: 'not-cached',
  },
  {
    name: 'not-cached: request only-if-cached and nothing stored',
    path: '/get',
    seed: false,
    headers: { 'cache-control': 'only-if-cached' },
    expected: 'not-cached',
  },
  {
    name: 'not-cached: onlyIfCached and the entry is expired',
    settings: { expireAfter: 60 },
    path: '/etag/abc',
    advanceMs: 2 * MINUTE,
    options: { onlyIfCached: true },
    expected: 'not-cached',
  },
  {
    name: 'not-cached: onlyIfCached even with forceRefresh',
    path: '/get',
    seed: false,
    options: { onlyIfCached: true, forceRefresh: true },
    expected: 'not-cached',
  },
];

for (const row of LOOKUP_ROWS) {
  test(`lookup: ${row.name}`, async (t) => {
    const server = await createTestServer(t);
    addRoutes(server);
    const { engine, clock } = createEngine(t, row.settings);
    const url = server.url + row.path;
    if (row.seed !== false) {
      const { outcome } = await send(engine, url);
      t.is(outcome.source, 'network');
      t.not(outcome.info.cacheKey, undefined, 'the seed response was stored');
    }
    clock.advance(row.advanceMs ?? 0);
    const hits = server.totalHits();
    const lookup = await engine.lookup(cacheRequest(url, row.method, row.headers), row.options);
    t.is(lookup.state, row.expected);
    t.is(server.totalHits(), hits, 'a lookup never uses the network');
    if (lookup.state === 'revalidate' || lookup.state === 'stale')
      t.deepEqual(lookup.headers, row.conditional);
    else t.is(row.conditional, undefined);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Revalidation and 304

test('an expired response with an ETag is revalidated: the 304 is merged', async (t) => {
  const server = await createTestServer(t);
  const { engine, clock } = createEngine(t, { expireAfter: 60 });
  const url = `${server.url}/etag/abc`;
  const first = await send(engine, url);
  clock.advance(2 * MINUTE);
  const second = await send(engine, url);
  t.is(server.hits('/etag/abc'), 2);
  t.is(server.lastRequest('/etag/abc')?.headers['if-none-match'], '"abc"');
  t.is(second.outcome.source, 'cache');
  t.is(second.text, first.text, 'body kept from the stored response');
  const { info } = second.outcome;
  t.true(info.fromCache);
  t.true(info.revalidated);
  t.false(info.isExpired);
  t.deepEqual(info.createdAt, new Date(T0));
  t.deepEqual(info.expires, new Date(clock.now + MINUTE));
  const stored = (await engine.cache.read(info.cacheKey!))!.entry;
  t.is(stored.expiresAt, clock.now + MINUTE);
  t.is(stored.createdAt, T0);
  t.is(stored.requestedAt, clock.now);
  const third = await send(engine, url);
  t.is(third.outcome.source, 'cache');
  t.false(third.outcome.info.revalidated, 'revalidated is not persisted');
  t.is(server.hits('/etag/abc'), 2);
});

test('handleResponse merges a 304 (client-driven flow)', async (t) => {
  const server = await createTestServer(t);
  const { engine, clock } = createEngine(t, { expireAfter: 60 });
  const url = `${server.url}/last-modified`;
  const first = await send(engine, url);
  clock.advance(2 * MINUTE);
  const request = cacheRequest(url);
  const lookup = await engine.lookup(request);
  if (lookup.state !== 'revalidate') return t.fail(lookup.state);
  const response = await fetchSender(request)(lookup.headers);
  t.is(response.status, 304);
  const outcome = await engine.handleResponse(lookup, response);
  t.is(outcome.source, 'cache');
  if (outcome.source !== 'cache') return;
  t.true(outcome.info.revalidated);
  t.is(new TextDecoder().decode(outcome.entry.body), first.text);
  t.is(outcome.entry.status, 200);
  t.is(outcome.entry.headers['last-modified'], LAST_MODIFIED);
});

test('a revalidation answered with 200 replaces the stored response', async (t) => {
  const server = await createTestServer(t);
  let version = 1;
  server.route('GET', '/versioned', (req, res) => {
    const etag = `"v${version}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag });
      res.end();
      return;
    }
    res.writeHead(200, { etag, 'content-type': 'text/plain' });
    res.end(`version ${version}`);
  });
  const { engine, clock } = createEngine(t, { expireAfter: 60 });
  const url = `${server.url}/versioned`;
  t.is((await send(engine, url)).text, 'version 1');
  version = 2;
  clock.advance(2 * MINUTE);
  const second = await send(engine, url);
  t.is(second.outcome.source, 'network');
  t.is(second.text, 'version 2');
  t.is(server.lastRequest('/versioned')?.headers['if-none-match'], '"v1"');
  const third = await send(engine, url);
  t.is(third.outcome.source, 'cache');
  t.is(third.text, 'version 2');
});

const WRITE_BACK_ROWS: readonly { name: string; notModified: Record<string, string>; writes: number }[] = [
  { name: 'a 304 that changes nothing is not written back', notModified: {}, writes: 0 },
  {
    name: 'a 304 with the same validator and Date is not written back',
    notModified: { 'x-extra': 'same' },
    writes: 0,
  },
  { name: 'a 304 with a changed header is written back', notModified: { 'x-extra': 'changed' }, writes: 1 },
  { name: 'a 304 with a new header is written back', notModified: { 'x-new': '1' }, writes: 1 },
];

for (const row of WRITE_BACK_ROWS) {
  test(row.name, async (t) => {
    const server = await createTestServer(t);
    const fixed = { etag: '"fixed"', date: 'Sat, 21 Nov 2026 12:00:00 GMT', 'x-extra': 'same' };
    server.route('GET', '/fixed', (req, res) => {
      if (req.headers['if-none-match'] === '"fixed"') {
        res.writeHead(304, { ...fixed, ...row.notModified });
        res.end();
      } else {
        res.writeHead(200, { ...fixed, 'content-type': 'text/plain' });
        res.end('fixed body');
      }
    });
    const { engine } = createEngine(t);
    const url = `${server.url}/fixed`;
    await send(engine, url);
    let writes = 0;
    const set = engine.keyv.set.bind(engine.keyv);
    engine.keyv.set = ((...args: Parameters<typeof set>) => {
      writes++;
      return set(...args);
    }) as typeof set;
    const { outcome, text } = await send(engine, url, { refresh: true });
    t.true(outcome.info.revalidated);
    t.is(text, 'fixed body');
    t.is(writes, row.writes);
  });
}

test('readOnly: a 304 is served but not written back', async (t) => {
  const server = await createTestServer(t);
  const { engine, clock } = createEngine(t, { expireAfter: 60 });
  const url = `${server.url}/etag/ro`;
  await send(engine, url);
  engine.settings.readOnly = true;
  clock.advance(2 * MINUTE);
  const { outcome } = await send(engine, url);
  t.true(outcome.info.revalidated);
  const stored = (await engine.cache.read(outcome.info.cacheKey!))!.entry;
  t.is(stored.expiresAt, T0 + MINUTE, 'the stored expiration is unchanged');
});

// ---------------------------------------------------------------------------------------------------------
// stale-if-error

function flaky(server: TestServer): { fail: (how: 'status' | 'socket' | false) => void } {
  let failure: 'status' | 'socket' | false = false;
  server.route('GET', '/flaky', (req, res: ServerResponse) => {
    if (failure === 'status') {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('server error');
    } else if (failure === 'socket') {
      req.socket.destroy();
    } else {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('good body');
    }
  });
  return { fail: (how) => (failure = how) };
}

const STALE_IF_ERROR_ROWS: readonly {
  name: string;
  settings: CacheOptions;
  failure: 'status' | 'socket';
  advanceMs: number;
  expected: 'stale' | 'error-status' | 'throws';
}[] = [
  {
    name: '500 with staleIfError true',
    settings: { expireAfter: 60, staleIfError: true },
    failure: 'status',
    advanceMs: HOUR,
    expected: 'stale',
  },
  {
    name: '500 inside the staleIfError window',
    settings: { expireAfter: 60, staleIfError: '10m' },
    failure: 'status',
    advanceMs: 5 * MINUTE,
    expected: 'stale',
  },
  {
    name: '500 beyond the staleIfError window',
    settings: { expireAfter: 60, staleIfError: '10m' },
    failure: 'status',
    advanceMs: HOUR,
    expected: 'error-status',
  },
  {
    name: '500 without staleIfError',
    settings: { expireAfter: 60 },
    failure: 'status',
    advanceMs: HOUR,
    expected: 'error-status',
  },
  {
    name: 'network error with staleIfError',
    settings: { expireAfter: 60, staleIfError: true },
    failure: 'socket',
    advanceMs: HOUR,
    expected: 'stale',
  },
  {
    name: 'network error without staleIfError',
    settings: { expireAfter: 60 },
    failure: 'socket',
    advanceMs: HOUR,
    expected: 'throws',
  },
];

for (const row of STALE_IF_ERROR_ROWS) {
  test(`stale-if-error: ${row.name}`, async (t) => {
    const server = await createTestServer(t);
    const route = flaky(server);
    const { engine, clock } = createEngine(t, row.settings);
    const url = `${server.url}/flaky`;
    await send(engine, url);
    route.fail(row.failure);
    clock.advance(row.advanceMs);
    if (row.expected === 'throws') {
      await t.throwsAsync(send(engine, url));
    } else {
      const { outcome, text } = await send(engine, url);
      if (row.expected === 'stale') {
        t.is(outcome.source, 'cache');
        t.is(text, 'good body');
        t.true(outcome.info.isExpired);
        t.false(outcome.info.revalidated);
      } else {
        t.is(outcome.source, 'network');
        t.is(text, 'server error');
      }
    }
    t.true(await engine.cache.contains({ url }), 'the stored response is kept');
    t.is(server.hits('/flaky'), 2);
  });
}

// ---------------------------------------------------------------------------------------------------------
// What is stored

const STORE_ROWS: readonly { name: string; settings?: CacheOptions; path: string; stored: boolean }[] = [
  { name: '200', path: '/get', stored: true },
  { name: '404 not in allowableCodes', path: '/status/404', stored: false },
  { name: '500 not in allowableCodes', path: '/status/500', stored: false },
  { name: '204 not in allowableCodes', path: '/status/204', stored: false },
  {
    name: '404 in allowableCodes',
    settings: { allowableCodes: [200, 404] },
    path: '/status/404',
    stored: true,
  },
  { name: 'response no-store', path: '/response-headers?cache-control=no-store', stored: false },
  {
    name: 'EXPIRE_IMMEDIATELY without a validator',
    settings: { expireAfter: 0 },
    path: '/get',
    stored: false,
  },
  {
    name: 'EXPIRE_IMMEDIATELY with a validator',
    settings: { expireAfter: 0 },
    path: '/etag/x',
    stored: true,
  },
  { name: 'readOnly', settings: { readOnly: true }, path: '/get', stored: false },
  {
    name: 'filter returns false',
    settings: { filter: (response) => response.status !== 200 },
    path: '/get',
    stored: false,
  },
  {
    name: 'filter returns true',
    settings: { filter: (response) => response.url.endsWith('/get') },
    path: '/get',
    stored: true,
  },
];

for (const row of STORE_ROWS) {
  test(`handleResponse stores: ${row.name} → ${row.stored}`, async (t) => {
    const server = await createTestServer(t);
    const { engine } = createEngine(t, row.settings);
    const url = server.url + row.path;
    const first = await send(engine, url);
    t.is(first.outcome.source, 'network');
    t.is(first.outcome.info.cacheKey !== undefined, row.stored);
    t.is(await engine.cache.contains({ url }), row.stored);
    const second = await send(engine, url);
    t.is(second.outcome.source, row.stored ? 'cache' : 'network');
    t.is(second.text, first.text);
  });
}

test('onlyIfCached miss: a synthetic not-cached outcome, no network', async (t) => {
  const server = await createTestServer(t);
  const { engine } = createEngine(t);
  const { outcome } = await send(engine, `${server.url}/get`, { onlyIfCached: true });
  t.is(outcome.source, 'not-cached');
  t.true(outcome.info.fromCache);
  t.is(outcome.info.cacheKey, undefined);
  t.is(server.totalHits(), 0);
});

test('per-request options never reach the server as headers', async (t) => {
  const server = await createTestServer(t);
  const { engine } = createEngine(t);
  await send(engine, `${server.url}/etag/h`, { expireAfter: 60, refresh: true, forceRefresh: true });
  await send(engine, `${server.url}/etag/h`, { expireAfter: DO_NOT_CACHE });
  for (const request of server.requests) {
    t.is(request.headers['cache-control'], undefined);
    t.is(request.headers['x-actual-no-cache'], undefined);
  }
});

test('a stale response is served at once and refreshed in the background', async (t) => {
  const server = await createTestServer(t);
  const { engine, clock } = createEngine(t, { expireAfter: 60, staleWhileRevalidate: true });
  const url = `${server.url}/counter/swr`;
  const first = await send(engine, url);
  clock.advance(2 * MINUTE);
  const stale = await send(engine, url);
  t.is(stale.outcome.source, 'cache');
  t.true(stale.outcome.info.isExpired);
  t.is(stale.text, first.text);
  await engine.settled();
  t.is(server.hits('/counter/swr'), 2);
  const fresh = await send(engine, url);
  t.is(fresh.outcome.source, 'cache');
  t.false(fresh.outcome.info.isExpired);
  t.regex(fresh.text, /"count": ?2/);
});

// ---------------------------------------------------------------------------------------------------------
// Error reporting without a listener

test.serial('without an error listener, failures become one process warning per code', async (t) => {
  const server = await createTestServer(t);
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(warning);
  };
  process.on('warning', onWarning);
  t.teardown(() => {
    process.off('warning', onWarning);
  });
  const map = new Map<string, unknown>();
  let failReads = true;
  const store = {
    async get(key: string) {
      if (failReads) throw new Error('store read failed');
      return map.get(key);
    },
    async set(key: string, value: unknown) {
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
  const engine = new CacheEngine({ backend: store as never });
  t.teardown(() => engine.cache.close());
  t.is(engine.listenerCount('error'), 0);
  for (const path of ['/get?a=1', '/get?a=2', '/get?a=3']) {
    const { outcome } = await send(engine, server.url + path);
    t.is(outcome.source, 'network');
  }
  failReads = false;
  // The failed store is skipped for a while (reported once): wait until it is probed again.
  await new Promise((resolve) => setTimeout(resolve, STORE_RETRY_INITIAL_MS + 50));
  for (const path of ['/get?b=1', '/get?b=2']) {
    await engine.keyv.set(engine.createKey(cacheRequest(server.url + path)), 'corrupt');
    const { outcome } = await send(engine, server.url + path);
    t.is(outcome.source, 'network');
  }
  await new Promise((resolve) => setImmediate(resolve));
  const codes = warnings
    .map((warning) => (warning as Error & { code?: string }).code)
    .filter((code) => code?.startsWith('ERR_CACHE'));
  t.deepEqual(codes.sort(), ['ERR_CACHE_DESERIALIZE', 'ERR_CACHE_STORE']);
  for (const warning of warnings) t.regex(warning.message, /^reqcache: /);
});
