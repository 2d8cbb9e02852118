import { Readable } from 'node:stream';
import { createTestServer } from '@reqcache/test-server';
import test from 'ava';
import { fetch as undiciFetch } from 'undici';
import { type CacheOptions, withCache } from '../src/index.js';
import { recordingFetch } from './helpers/fetches.js';

const POST_CACHED: CacheOptions = { backend: 'memory', allowableMethods: ['GET', 'HEAD', 'POST'] };

async function setup(t: Parameters<typeof createTestServer>[0], options: CacheOptions = POST_CACHED) {
  const server = await createTestServer(t);
  const inner = recordingFetch();
  const cached = withCache(inner, options);
  t.teardown(() => cached.close());
  return { server, inner, cached };
}

interface Echo {
  body: string;
  json: unknown;
  method: string;
  headers: Record<string, string>;
}

test('URL objects and strings give the same key', async (t) => {
  const { server, cached } = await setup(t);
  await cached(new URL('/get?a=1', server.url));
  const hit = await cached(`${server.url}/get?a=1`);
  t.true(hit.fromCache);
  const again = await cached(new URL(`${server.url}/get?a=1`));
  t.true(again.fromCache);
  t.true(
    (await cached(`${server.url}/get?a=1`, null as unknown as RequestInit)).fromCache,
    'init may be null',
  );
  t.is(server.hits('/get'), 1);
});

test('a Request object with a body: read once, hashed and sent on byte for byte', async (t) => {
  const { server, cached, inner } = await setup(t);
  const body = JSON.stringify({ b: 2, a: 1 });
  const request = new Request(`${server.url}/anything/req`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-custom': 'yes' },
  });
  const first = await cached(request);
  t.true(request.bodyUsed, 'like fetch, the Request body is used');
  const echo = (await first.json()) as Echo;
  t.is(echo.body, body);
  t.is(echo.method, 'POST');
  t.is(echo.headers['x-custom'], 'yes');
  t.is(typeof inner.calls[0]?.input, 'string', 'the wrapped fetch gets a URL and an init');

  // The same JSON with keys in another order, sent as init: the same key.
  const hit = await cached(`${server.url}/anything/req`, {
    method: 'POST',
    body: JSON.stringify({ a: 1, b: 2 }),
    headers: { 'content-type': 'application/json' },
  });
  t.true(hit.fromCache);
  t.is(server.hits('/anything/req'), 1);
});

test('a Request with init overrides: init method, headers and body win', async (t) => {
  const { server, cached } = await setup(t);
  const request = new Request(`${server.url}/anything/override`, {
    method: 'PUT',
    body: 'from request',
    headers: { 'x-from': 'request' },
  });
  const response = await cached(request, {
    method: 'POST',
    body: 'from init',
    headers: { 'x-from': 'init' },
  });
  const echo = (await response.json()) as Echo;
  t.is(echo.method, 'POST');
  t.is(echo.body, 'from init');
  t.is(echo.headers['x-from'], 'init');
  t.is(echo.headers['content-type'], 'text/plain;charset=UTF-8');
});

test('a global Request works over undici’s fetch (sent as URL + init)', async (t) => {
  const server = await createTestServer(t);
  const cached = withCache(undiciFetch, POST_CACHED);
  t.teardown(() => cached.close());
  const make = () =>
    new Request(`${server.url}/anything/x`, { method: 'POST', body: new Uint8Array([1, 2, 3]) });
  const first = await cached(make());
  t.is(((await first.json()) as Echo).body, '\u0001\u0002\u0003');
  t.true((await cached(make())).fromCache);
});

test('JSON bodies: normalized for the key (key order), sent unchanged', async (t) => {
  const { server, cached } = await setup(t);
  const send = (value: unknown) =>
    cached(`${server.url}/anything/json`, {
      method: 'POST',
      body: JSON.stringify(value),
      headers: { 'Content-Type': 'application/json' },
    });
  const first = await send({ user: { name: 'x', id: 1 }, list: [2, 1] });
  t.deepEqual(((await first.json()) as Echo).json, { user: { name: 'x', id: 1 }, list: [2, 1] });
  t.true((await send({ list: [2, 1], user: { id: 1, name: 'x' } })).fromCache);
  t.false((await send({ list: [1, 2], user: { id: 1, name: 'x' } })).fromCache, 'arrays keep their order');
  t.is(server.hits('/anything/json'), 2);
});

test('URLSearchParams bodies: form content type added (as fetch does), params sorted for the key', async (t) => {
  const { server, cached, inner } = await setup(t);
  const first = await cached(`${server.url}/anything/form`, {
    method: 'POST',
    body: new URLSearchParams({ b: '2', a: '1' }),
  });
  const echo = (await first.json()) as Echo;
  t.is(echo.body, 'b=2&a=1');
  t.is(echo.headers['content-type'], 'application/x-www-form-urlencoded;charset=UTF-8');
  t.true(inner.calls[0]?.init?.['body'] instanceof Uint8Array, 'sent as the bytes that were hashed');
  const hit = await cached(`${server.url}/anything/form`, {
    method: 'POST',
    body: new URLSearchParams({ a: '1', b: '2' }),
  });
  t.true(hit.fromCache);
  t.is(server.hits('/anything/form'), 1);
});

test('byte bodies: Uint8Array, ArrayBuffer, Buffer and DataView are the same body', async (t) => {
  const { server, cached } = await setup(t);
  const bytes = [0, 255, 1, 254];
  const url = `${server.url}/anything/bytes`;
  const first = await cached(url, { method: 'POST', body: new Uint8Array(bytes) });
  t.is(((await first.json()) as Echo).body.length, 4);
  const bodies: BodyInit[] = [
    new Uint8Array(bytes).buffer,
    Buffer.from(bytes),
    new DataView(new Uint8Array(bytes).buffer),
  ];
  for (const body of bodies) t.true((await cached(url, { method: 'POST', body })).fromCache);
  t.false((await cached(url, { method: 'POST', body: new Uint8Array([0, 255, 1]) })).fromCache);
  t.is(server.hits('/anything/bytes'), 2);
});

test('Blob bodies: read once, their type becomes the content type', async (t) => {
  const { server, cached } = await setup(t);
  const url = `${server.url}/anything/blob`;
  const first = await cached(url, {
    method: 'POST',
    body: new Blob(['{"a":1}'], { type: 'application/json' }),
  });
  const echo = (await first.json()) as Echo;
  t.deepEqual(echo.json, { a: 1 });
  t.is(echo.headers['content-type'], 'application/json');
  t.true(
    (await cached(url, { method: 'POST', body: new Blob(['{ "a": 1 }'], { type: 'application/json' }) }))
      .fromCache,
  );
});

test('stream bodies are read into bytes (they are finite): cached like any body', async (t) => {
  const { server, cached } = await setup(t);
  const url = `${server.url}/anything/stream`;
  const stream = () =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('chunk-1,'));
        controller.enqueue(new TextEncoder().encode('chunk-2'));
        controller.close();
      },
    });
  const first = await cached(url, { method: 'POST', body: stream(), duplex: 'half' } as RequestInit);
  t.is(((await first.json()) as Echo).body, 'chunk-1,chunk-2');
  t.true((await cached(url, { method: 'POST', body: stream(), duplex: 'half' } as RequestInit)).fromCache);
  const nodeStream = Readable.toWeb(Readable.from([Buffer.from('chunk-1,'), Buffer.from('chunk-2')]));
  t.true(
    (await cached(url, { method: 'POST', body: nodeStream as ReadableStream, duplex: 'half' } as RequestInit))
      .fromCache,
  );
  t.is(server.hits('/anything/stream'), 1);
});

test('FormData bodies are sent intact and keyed by their fields (as axios does), not the random boundary', async (t) => {
  const { server, cached } = await setup(t);
  const form = (value: string) => {
    const data = new FormData();
    data.set('field', value);
    data.set('file', new Blob(['bytes'], { type: 'text/plain' }), 'a.txt');
    return data;
  };
  const url = `${server.url}/anything/multipart`;
  const first = await cached(url, { method: 'POST', body: form('value') });
  const echo = (await first.json()) as Echo;
  t.regex(echo.headers['content-type'] ?? '', /^multipart\/form-data; boundary=/);
  t.regex(echo.body, /name="field"\r\n\r\nvalue/);
  t.false(first.fromCache);
  const again = await cached(url, { method: 'POST', body: form('value') });
  t.true(again.fromCache, 'the same fields: the same key');
  t.is(again.cacheKey, first.cacheKey);
  t.false((await cached(url, { method: 'POST', body: form('other') })).fromCache);
  t.is(server.hits('/anything/multipart'), 2);
});

test('what fetch rejects is rejected: a bad URL, a GET with a body', async (t) => {
  const { cached, inner } = await setup(t);
  await t.throwsAsync(() => cached('/relative'), { instanceOf: TypeError, message: /Failed to parse URL/ });
  await t.throwsAsync(() => cached('http://127.0.0.1:1/get', { body: 'x' }), { instanceOf: TypeError });
  await t.throwsAsync(() => cached('http://127.0.0.1:1/get', { method: 'HEAD', body: 'x' }), {
    instanceOf: TypeError,
  });
  t.is(inner.calls.length, 0);
});

test('HEAD requests are cached apart from GET', async (t) => {
  const { server, cached } = await setup(t);
  await cached(`${server.url}/get`, { method: 'HEAD' });
  const get = await cached(`${server.url}/get`);
  t.false(get.fromCache);
  t.true((await cached(`${server.url}/get`, { method: 'head' })).fromCache);
  t.is(server.hits('/get'), 2);
});
