import { text } from 'node:stream/consumers';
import test from 'ava';
import { HTTPError, type Response } from 'got';
import type { CachedGotResponse } from '../src/index.js';
import { setup } from './helpers.js';

/** Reads a got stream: its response (from the `response` event) and its whole body. */
async function readStream(
  stream: NodeJS.ReadableStream & { once(event: 'response', fn: (r: Response) => void): unknown },
) {
  const response = new Promise<CachedGotResponse>((resolve) => {
    stream.once('response', (r: Response) => resolve(r as CachedGotResponse));
  });
  const body = await text(stream);
  return { response: await response, body };
}

test('client.stream() serves a hit from the cache, with isFromCache and the cache fields', async (t) => {
  const { client, server, url } = await setup(t);
  const stored = await client(url('/json')).text();
  const { response, body } = await readStream(client.stream(url('/json')));
  t.is(body, stored);
  t.is(response.statusCode, 200);
  t.true(response.isFromCache);
  t.true(response.fromCache);
  t.truthy(response.cacheKey);
  t.regex(response.cacheDescription, /from cache$/);
  t.is(server.hits('/json'), 1);
});

test('a stream miss streams from the network, says fromCache false, and is stored once complete', async (t) => {
  const { client, server, url, plugin } = await setup(t);
  const { response, body } = await readStream(client.stream(url('/stream/5')));
  t.is(body.trim().split('\n').length, 5);
  t.false(response.isFromCache);
  t.is(response.fromCache, false);
  t.is(response.reason, 'miss');
  await plugin.engine.settled();
  t.true(await plugin.cache.contains({ url: url('/stream/5') }));
  const again = await readStream(client.stream(url('/stream/5')));
  t.true(again.response.isFromCache);
  t.is(again.body, body);
  t.is((await client(url('/stream/5'))).body, body);
  t.is(server.hits('/stream/5'), 1);
});

test('a gzip stream miss is stored decoded: a promise request then gets the same text', async (t) => {
  const { client, server, url, plugin } = await setup(t);
  const { body } = await readStream(client.stream(url('/gzip')));
  await plugin.engine.settled();
  const hit = await client(url('/gzip'));
  t.true((hit as unknown as CachedGotResponse).fromCache);
  t.is(hit.body, body);
  t.is(hit.headers['content-encoding'], undefined);
  t.is(server.hits('/gzip'), 1);
});

test('a stream over maxEntryBytes is streamed whole and not stored', async (t) => {
  const { client, url, plugin } = await setup(t, { maxEntryBytes: 1000 });
  const reasons: string[] = [];
  plugin.engine.on('notStored', ({ reason }) => reasons.push(reason));
  const { body } = await readStream(client.stream(url('/bytes/5000')));
  t.true(Buffer.byteLength(body, 'latin1') > 1000);
  await plugin.engine.settled();
  t.deepEqual(reasons, ['too-large']);
  t.false(await plugin.cache.contains({ url: url('/bytes/5000') }));
});

test('identical concurrent stream misses reach the origin once', async (t) => {
  const { client, server, url } = await setup(t);
  const results = await Promise.all([1, 2, 3].map(() => readStream(client.stream(url('/delay/100')))));
  t.is(server.hits('/delay/100'), 1);
  for (const result of results) t.is(result.body, results[0]!.body);
  t.is(results.filter((result) => result.response.isFromCache).length, 2);
});

test('a stream never receives a revalidation 304: it fetches in full and leaves the entry alone', async (t) => {
  const { client, server, url, plugin } = await setup(t, { alwaysRevalidate: true });
  const stored = await client(url('/etag/s')).text();
  const { response, body } = await readStream(client.stream(url('/etag/s')));
  t.is(response.statusCode, 200);
  t.is(body, stored);
  t.false(response.isFromCache);
  t.is(server.lastRequest('/etag/s')?.headers['if-none-match'], undefined);
  t.is(server.hits('/etag/s'), 2);
  t.is(await plugin.cache.responseCount(), 1);
});

test('a stream with onlyIfCached and nothing stored errors with the synthetic 504', async (t) => {
  const { client, server, url } = await setup(t);
  const stream = client.stream(url('/get'), { context: { cache: { onlyIfCached: true } } });
  const error = await new Promise<unknown>((resolve) => {
    stream.once('error', resolve);
    stream.resume();
  });
  t.true(error instanceof HTTPError);
  t.is((error as HTTPError).response.statusCode, 504);
  t.is((error as HTTPError).response.statusMessage, 'Not Cached');
  t.is(server.hits('/get'), 0);
});

test('a stale stream hit is served and refreshed in the background (staleWhileRevalidate)', async (t) => {
  const { client, server, url, clock, plugin } = await setup(t, {
    expireAfter: 1,
    staleWhileRevalidate: true,
  });
  const first = await client(url('/uuid')).text();
  clock.advance(5);
  const { response, body } = await readStream(client.stream(url('/uuid')));
  t.is(body, first);
  t.true(response.isFromCache);
  t.true(response.isExpired);
  await plugin.engine.settled();
  t.is(server.hits('/uuid'), 2);
  t.not(await client(url('/uuid')).text(), first);
});

test('a POST stream hit sends nothing and is served (the request body is written to no socket)', async (t) => {
  const { client, server, url } = await setup(t, { allowableMethods: ['GET', 'POST'] });
  const stored = await client.post(url('/post'), { json: { a: 1 } }).text();
  const { response, body } = await readStream(client.stream.post(url('/post'), { json: { a: 1 } }));
  t.true(response.isFromCache);
  t.is(body, stored);
  t.is(server.hits('/post'), 1);
});
