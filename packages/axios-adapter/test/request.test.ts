/**
 * The cache request is what axios sends: baseURL + url + params (through paramsSerializer) for the URL,
 * the transformed data for the body, the final headers.
 */
import { Readable } from 'node:stream';
import { ALL_METHODS, type CacheOptions, createKey, DEFAULT_IGNORED_PARAMETERS } from '@reqcache/core';
import { createTestServer } from '@reqcache/test-server';
import test, { type ExecutionContext } from 'ava';
import axios, { type CreateAxiosDefaults } from 'axios';
import { setupCache } from '../src/index.js';

async function setup(t: ExecutionContext, options: CacheOptions = {}, defaults: CreateAxiosDefaults = {}) {
  const server = await createTestServer(t);
  const client = setupCache(axios.create({ baseURL: server.url, ...defaults }), {
    backend: 'memory',
    ...options,
  });
  t.teardown(() => client.cache.close());
  return { server, client };
}

/** The built-in key of a GET for an absolute URL, with no matched headers. */
function getKey(url: string): string {
  return createKey(
    { method: 'GET', url, headers: {} },
    { ignoredParameters: DEFAULT_IGNORED_PARAMETERS, matchHeaders: false, serializerName: 'json' },
  );
}

test('baseURL + url + params: keyed on the URL axios sends; an equivalent absolute URL is a hit', async (t) => {
  const { server, client } = await setup(t);
  const first = await client.get('/anything/list', { params: { b: 2, a: 1, tags: ['x', 'y'] } });
  const sent = server.lastRequest('/anything/list')?.path;
  t.is(sent, '/anything/list?b=2&a=1&tags%5B%5D=x&tags%5B%5D=y');
  t.is(first.cacheKey, getKey(`${server.url}${sent}`));

  const same = await client.get(`${server.url}/anything/list?a=1&b=2&tags%5B%5D=x&tags%5B%5D=y`);
  t.true(same.fromCache, 'sorted params: the same key');
  t.is(same.cacheKey, first.cacheKey);

  const other = await client.get('/anything/list', { params: { a: 1, b: 3, tags: ['x', 'y'] } });
  t.false(other.fromCache);
  t.is(server.hits('/anything/list'), 2);
});

test('URLSearchParams params and params in both url and config', async (t) => {
  const { server, client } = await setup(t);
  const first = await client.get('/anything/q?x=1', { params: new URLSearchParams({ y: '2' }) });
  t.is(server.lastRequest('/anything/q')?.path, '/anything/q?x=1&y=2');
  t.is(first.cacheKey, getKey(`${server.url}/anything/q?x=1&y=2`));
  t.true((await client.get('/anything/q', { params: { y: 2, x: 1 } })).fromCache);
  t.is(server.hits('/anything/q'), 1);
});

test('a custom paramsSerializer decides the URL, and so the key', async (t) => {
  const serialize = (params: { ids?: number[] }) => `filter=${(params.ids ?? []).join(',')}`;
  const { server, client } = await setup(t, {}, { paramsSerializer: serialize });
  const first = await client.get('/anything/items', { params: { ids: [1, 2] } });
  t.is(server.lastRequest('/anything/items')?.path, '/anything/items?filter=1,2');
  t.is(first.cacheKey, getKey(`${server.url}/anything/items?filter=1,2`));
  t.true((await client.get(`${server.url}/anything/items?filter=1,2`)).fromCache);
  t.false(
    (await client.get('/anything/items', { params: { ids: [2, 1] } })).fromCache,
    'order matters to it',
  );
  const perRequest = await client.get('/anything/items', {
    params: { ids: [1, 2] },
    paramsSerializer: { serialize: (params: { ids: number[] }) => `ids=${params.ids.join('|')}` },
  });
  t.false(perRequest.fromCache);
  t.is(server.lastRequest('/anything/items')?.path, '/anything/items?ids=1|2');
  t.is(server.hits('/anything/items'), 3);
});

test('an absolute url ignores baseURL; allowAbsoluteUrls: false joins them', async (t) => {
  const { server, client } = await setup(t, {}, { baseURL: 'http://127.0.0.1:1/unused' });
  const absolute = await client.get(`${server.url}/get`);
  t.is(absolute.cacheKey, getKey(`${server.url}/get`));
  const base = setupCache(axios.create({ baseURL: `${server.url}/anything`, allowAbsoluteUrls: false }), {
    backend: 'memory',
  });
  t.teardown(() => base.cache.close());
  const joined = await base.get('/joined');
  t.is(joined.cacheKey, getKey(`${server.url}/anything/joined`));
  t.is(server.hits('/anything/joined'), 1);
});

test('POST bodies as axios transforms them: objects → JSON, URLSearchParams → form, bytes as is', async (t) => {
  const { server, client } = await setup(t, { allowableMethods: ALL_METHODS });
  const json = await client.post('/anything/json', { b: 2, a: { d: 4, c: 3 } });
  t.is(server.lastRequest('/anything/json')?.body.toString(), '{"b":2,"a":{"d":4,"c":3}}');
  t.true((await client.post('/anything/json', { a: { c: 3, d: 4 }, b: 2 })).fromCache, 'JSON keys sorted');
  t.is((await client.post('/anything/json', { a: { c: 3, d: 5 }, b: 2 })).fromCache, false);
  t.is(json.cacheKey?.length, 64);

  await client.post('/anything/form', new URLSearchParams({ name: 'x', age: '3' }));
  t.is(server.lastRequest('/anything/form')?.body.toString(), 'name=x&age=3');
  t.true((await client.post('/anything/form', new URLSearchParams({ age: '3', name: 'x' }))).fromCache);

  await client.put('/anything/bytes', Buffer.from([1, 2, 3]), {
    headers: { 'content-type': 'application/octet-stream' },
  });
  t.true(
    (
      await client.put('/anything/bytes', new Uint8Array([1, 2, 3]), {
        headers: { 'content-type': 'application/octet-stream' },
      })
    ).fromCache,
  );
  t.false(
    (
      await client.put('/anything/bytes', Buffer.from([1, 2, 4]), {
        headers: { 'content-type': 'application/octet-stream' },
      })
    ).fromCache,
  );
  t.is(server.hits('/anything/json'), 2);
  t.is(server.hits('/anything/form'), 1);
  t.is(server.hits('/anything/bytes'), 2);
});

test('FormData bodies: the same fields are a hit (the sent boundary is random), other fields a miss', async (t) => {
  const { server, client } = await setup(t, { allowableMethods: ALL_METHODS });
  const form = (value: string) => {
    const data = new FormData();
    data.append('name', value);
    data.append('file', new Blob(['hello'], { type: 'text/plain' }), 'hello.txt');
    return data;
  };
  const first = await client.post('/anything/upload', form('a'));
  t.regex(
    String(server.lastRequest('/anything/upload')?.headers['content-type']),
    /^multipart\/form-data; boundary=/,
  );
  t.false(first.fromCache);
  t.true((await client.post('/anything/upload', form('a'))).fromCache);
  t.false((await client.post('/anything/upload', form('b'))).fromCache);
  t.is(server.hits('/anything/upload'), 2);
});

test('a streamed body cannot be keyed: the request bypasses the cache', async (t) => {
  const { server, client } = await setup(t, { allowableMethods: ALL_METHODS });
  for (let i = 0; i < 2; i++) {
    const response = await client.post('/anything/stream', Readable.from([Buffer.from('chunk')]), {
      headers: { 'content-type': 'text/plain' },
    });
    t.false(response.fromCache);
    t.is(response.reason, 'unkeyable-body');
    t.is(response.cacheKey, undefined);
    t.is((response.data as { body: string }).body, 'chunk');
  }
  t.is(server.hits('/anything/stream'), 2);
  t.is(await client.cache.responseCount(), 0);
  const explained = await client.explain({
    method: 'POST',
    url: '/anything/stream',
    data: Readable.from([Buffer.from('chunk')]),
  });
  t.like(explained, { action: 'bypass', reason: 'unkeyable-body' });
  t.is(server.hits('/anything/stream'), 2);
});

test('headers from the instance defaults and the request count for matchHeaders', async (t) => {
  const { server, client } = await setup(t, { matchHeaders: ['x-lang'] }, { headers: { 'X-Lang': 'en' } });
  const en = await client.get('/headers');
  t.is(server.lastRequest('/headers')?.headers['x-lang'], 'en');
  t.true((await client.get('/headers')).fromCache);
  const fr = await client.get('/headers', { headers: { 'X-Lang': 'fr' } });
  t.false(fr.fromCache);
  t.not(fr.cacheKey, en.cacheKey);
  const stored = await client.cache.responses.get(en.cacheKey ?? '');
  t.is(stored?.request.headers['x-lang'], 'en');
  t.is(server.hits('/headers'), 2);
});
