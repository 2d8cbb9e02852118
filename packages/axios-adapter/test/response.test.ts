/**
 * The response axios users get, on misses and hits alike: every responseType as plain axios gives it,
 * transformResponse run exactly once, validateStatus settled on cached responses too.
 */
import { Buffer } from 'node:buffer';
import type { Readable } from 'node:stream';
import { type CacheOptions, DEFAULT_IGNORED_PARAMETERS } from '@reqcache/core';
import { createTestServer, JSON_DOCUMENT, pseudoRandomBytes } from '@reqcache/test-server';
import test, { type ExecutionContext } from 'ava';
import axios, {
  AxiosError,
  type AxiosHeaders,
  type AxiosRequestConfig,
  type AxiosResponse,
  isAxiosError,
} from 'axios';
import { setupCache } from '../src/index.js';

async function setup(t: ExecutionContext, options: CacheOptions = {}) {
  const server = await createTestServer(t);
  const client = setupCache(axios.create({ baseURL: server.url }), { backend: 'memory', ...options });
  t.teardown(() => client.cache.close());
  const plain = axios.create({ baseURL: server.url });
  return { server, client, plain };
}

async function readStream(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** What a response's data is, comparable across types. */
async function dataOf(response: AxiosResponse): Promise<unknown> {
  const data: unknown = response.data;
  if (data !== null && typeof data === 'object' && typeof (data as Readable).pipe === 'function') {
    return { stream: (await readStream(data as Readable)).toString('base64') };
  }
  if (data instanceof Blob)
    return { blob: Buffer.from(await data.arrayBuffer()).toString('base64'), type: data.type };
  if (Buffer.isBuffer(data)) return { buffer: data.toString('base64') };
  return data;
}

const cases: {
  title: string;
  path: string;
  config: AxiosRequestConfig;
  check(t: ExecutionContext, data: unknown): void;
}[] = [
  {
    title: 'no responseType: JSON parsed by axios',
    path: '/json',
    config: {},
    check: (t, data) => t.deepEqual(data, JSON_DOCUMENT),
  },
  {
    title: "responseType 'json'",
    path: '/json',
    config: { responseType: 'json' },
    check: (t, data) => t.deepEqual(data, JSON_DOCUMENT),
  },
  {
    title: "responseType 'text': the JSON stays a string",
    path: '/json',
    config: { responseType: 'text' },
    check: (t, data) => {
      t.is(typeof data, 'string');
      t.deepEqual(JSON.parse(data as string), JSON_DOCUMENT);
    },
  },
  {
    title: "responseType 'arraybuffer': a Buffer, byte-exact",
    path: '/bytes/3000',
    config: { responseType: 'arraybuffer' },
    check: (t, data) => t.deepEqual(data, { buffer: pseudoRandomBytes(3000, 42).toString('base64') }),
  },
  {
    title: "responseType 'stream': a readable stream of the body",
    path: '/bytes/3000',
    config: { responseType: 'stream' },
    check: (t, data) => t.deepEqual(data, { stream: pseudoRandomBytes(3000, 42).toString('base64') }),
  },
  {
    title: "responseType 'text' with responseEncoding 'latin1'",
    path: '/encoding/utf8',
    config: { responseType: 'text', responseEncoding: 'latin1' },
    check: (t, data) => t.true(typeof data === 'string' && data.includes('Ã'), 'decoded as latin1'),
  },
];

for (const c of cases) {
  test(`${c.title}: miss and hit give what plain axios gives`, async (t) => {
    const { server, client, plain } = await setup(t);
    const expected = await dataOf(await plain.get(c.path, c.config));
    const miss = await client.get(c.path, c.config);
    const hit = await client.get(c.path, c.config);
    t.false(miss.fromCache);
    t.true(hit.fromCache);
    const missData = await dataOf(miss);
    const hitData = await dataOf(hit);
    t.deepEqual(missData, expected);
    t.deepEqual(hitData, expected);
    c.check(t, hitData);
    t.is(server.hits(c.path), 2, 'plain axios once, the cached client once');
  });
}

test("responseType 'blob': a Blob with the content type, on miss and hit", async (t) => {
  const { client, server } = await setup(t);
  for (const expectedFromCache of [false, true]) {
    const response = await client.get('/image/png', { responseType: 'blob' });
    t.is(response.fromCache, expectedFromCache);
    t.true(response.data instanceof Blob);
    t.is((response.data as Blob).type, 'image/png');
    t.true((response.data as Blob).size > 0);
  }
  t.is(server.hits('/image/png'), 1);
});

test('transformResponse runs exactly once per request, on the string body, on miss and hit', async (t) => {
  const { client } = await setup(t);
  const seen: unknown[] = [];
  const config: AxiosRequestConfig = {
    transformResponse: [
      (data: unknown) => {
        seen.push(data);
        return data;
      },
      ...(axios.defaults.transformResponse as []),
    ],
  };
  const miss = await client.get('/json', config);
  const hit = await client.get('/json', config);
  t.true(hit.fromCache);
  t.is(seen.length, 2);
  t.is(typeof seen[0], 'string');
  t.is(seen[1], seen[0]);
  t.deepEqual(miss.data, JSON_DOCUMENT);
  t.deepEqual(hit.data, JSON_DOCUMENT);
});

test("a body that is not JSON with responseType 'json' behaves as in axios on miss and hit", async (t) => {
  const { client, server, plain } = await setup(t);
  const html = (await plain.get<string>('/html', { responseType: 'json' })).data;
  t.true(html.startsWith('<!DOCTYPE html>'), 'axios parses silently by default: the string stays');
  t.is((await client.get('/html', { responseType: 'json' })).data, html);
  t.is((await client.get('/html', { responseType: 'json' })).data, html);

  const strict: AxiosRequestConfig = { responseType: 'json', transitional: { silentJSONParsing: false } };
  await t.throwsAsync(plain.get('/html', strict), { code: AxiosError.ERR_BAD_RESPONSE });
  const hit = await t.throwsAsync(client.get('/html', strict), { instanceOf: AxiosError });
  t.is(hit?.code, AxiosError.ERR_BAD_RESPONSE, 'strict parsing fails on a hit as on the network');
  t.is(server.hits('/html'), 3, 'plain axios twice, the cached client once');
});

test('a hit returns a fresh Buffer: changing it does not change the cache', async (t) => {
  const { client } = await setup(t);
  const first = await client.get<Buffer>('/bytes/100', { responseType: 'arraybuffer' });
  first.data.fill(0);
  const second = await client.get<Buffer>('/bytes/100', { responseType: 'arraybuffer' });
  t.true(second.fromCache);
  t.deepEqual(second.data, pseudoRandomBytes(100, 42));
});

test('validateStatus: a 404 that is not cached rejects with an AxiosError, as in axios', async (t) => {
  const { client, server } = await setup(t);
  const error = await t.throwsAsync(client.get('/status/404'), { instanceOf: AxiosError });
  t.true(isAxiosError(error));
  t.is(error?.code, AxiosError.ERR_BAD_REQUEST);
  t.is(error?.status, 404);
  t.is(error?.response?.status, 404);
  t.false(error?.response?.fromCache);
  t.is(error?.response?.cacheKey, undefined);
  t.deepEqual(error?.response?.data, { status: 404 }, 'transformResponse ran on the error response');
  await t.throwsAsync(client.get('/status/404'), { instanceOf: AxiosError });
  t.is(server.hits('/status/404'), 2);
});

test('validateStatus: a cached 404 (allowableCodes [200, 404]) rejects too, from the cache', async (t) => {
  const { client, server } = await setup(t, { allowableCodes: [200, 404] });
  const miss = await t.throwsAsync(client.get('/status/404'), { instanceOf: AxiosError });
  t.false(miss?.response?.fromCache);
  t.is(typeof miss?.response?.cacheKey, 'string');
  const hit = await t.throwsAsync(client.get('/status/404'), { instanceOf: AxiosError });
  t.is(hit?.code, AxiosError.ERR_BAD_REQUEST);
  t.is(hit?.message, 'Request failed with status code 404');
  t.true(hit?.response?.fromCache);
  t.is(hit?.response?.cacheKey, miss?.response?.cacheKey);
  t.deepEqual(hit?.response?.data, { status: 404 });
  t.is(hit?.config?.url, '/status/404', "the error carries the user's config");
  t.is(server.hits('/status/404'), 1);
});

test('validateStatus: a cached 500 rejects with ERR_BAD_RESPONSE; a permissive validateStatus resolves', async (t) => {
  const { client, server } = await setup(t, { allowableCodes: [500] });
  await t.throwsAsync(client.get('/status/500'), { code: AxiosError.ERR_BAD_RESPONSE });
  const hit = await t.throwsAsync(client.get('/status/500'), { instanceOf: AxiosError });
  t.is(hit?.code, AxiosError.ERR_BAD_RESPONSE);
  t.true(hit?.response?.fromCache);
  const accepted = await client.get('/status/500', { validateStatus: null });
  t.is(accepted.status, 500);
  t.true(accepted.fromCache);
  t.is(server.hits('/status/500'), 1);
});

test('onlyIfCached miss: a synthetic 504 Not Cached rejects without touching the network', async (t) => {
  const { client, server } = await setup(t);
  const error = await t.throwsAsync(client.get('/get', { cache: { onlyIfCached: true } }), {
    instanceOf: AxiosError,
  });
  t.is(error?.response?.status, 504);
  t.is(error?.response?.statusText, 'Not Cached');
  t.true(error?.response?.fromCache);
  t.is(server.totalHits(), 0);
  const accepted = await client.get('/get', { cache: { onlyIfCached: true }, validateStatus: () => true });
  t.is(accepted.status, 504);
  t.is(accepted.data, '');
});

test('every response carries the cache fields and a description', async (t) => {
  const { client, server } = await setup(t, { expireAfter: 60 });
  const miss = await client.get('/get');
  t.false(miss.fromCache);
  t.false(miss.revalidated);
  t.false(miss.isExpired);
  t.true(miss.createdAt instanceof Date);
  t.true(miss.expires instanceof Date);
  const hit = await client.get('/get');
  t.true(hit.fromCache);
  t.is(hit.cacheKey, miss.cacheKey);
  t.is(hit.createdAt?.getTime(), miss.createdAt?.getTime());
  t.regex(
    hit.cacheDescription ?? '',
    new RegExp(`^request: GET ${server.url}/get, response: 200 \\(\\d+ bytes\\)`),
  );
  t.regex(hit.cacheDescription ?? '', /\(fresh\), from cache$/);
  t.deepEqual(hit.request, {
    fromCache: true,
    method: 'GET',
    url: `${server.url}/get`,
    res: { responseUrl: `${server.url}/get` },
  });
});

test('headers of a hit are AxiosHeaders with the stored values', async (t) => {
  // Set-Cookie is never stored (SPEC §5), even when it is not an ignored parameter.
  const { client } = await setup(t, {
    ignoredParameters: DEFAULT_IGNORED_PARAMETERS.filter((name) => name !== 'Set-Cookie'),
  });
  const miss = await client.get('/response-headers?X-Custom=one&Set-Cookie=a%3D1&Set-Cookie=b%3D2');
  const hit = await client.get('/response-headers?X-Custom=one&Set-Cookie=a%3D1&Set-Cookie=b%3D2');
  t.true(hit.fromCache);
  t.is(hit.headers['x-custom'], 'one');
  t.is((hit.headers as AxiosHeaders).get('X-Custom'), 'one');
  t.deepEqual(miss.headers['set-cookie'], ['a=1', 'b=2']);
  t.is(hit.headers['set-cookie'], undefined);
  t.is(hit.headers['content-type'], miss.headers['content-type']);
});
