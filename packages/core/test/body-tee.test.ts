/** A copy of a streamed body kept while the client reads it, and a streamed miss offered to the cache. */
import * as http from 'node:http';
import { createTestServer } from '@reqcache/test-server';
import test from 'ava';
import { sendTeed, teeBody } from '../src/body-tee.js';
import { cacheRequest, createEngine } from './helpers/engine.js';

function get(url: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => http.get(url, resolve).on('error', reject));
}

async function readAll(response: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const ROWS: readonly [name: string, path: string, limitBytes: number, expected: (text: string) => boolean][] =
  [
    ['a plain body, whole', '/bytes/2000', 10_000, (text) => text.length === 2000],
    [
      'a gzip body, decoded as Node clients decode it',
      '/gzip',
      10_000,
      (text) => text.includes('"gzipped":true'),
    ],
    [
      'over the limit: kept only until just past it (the chunk that crossed it)',
      '/stream/50',
      100,
      (text) => text.length > 100 && text.split('\n').length < 10,
    ],
  ];
for (const [name, path, limitBytes, expected] of ROWS) {
  test(`teeBody: ${name}; the client still reads every byte`, async (t) => {
    const server = await createTestServer(t);
    const response = await get(`${server.url}${path}`);
    const copy = teeBody(response, limitBytes);
    const read = await readAll(response);
    const bytes = await copy;
    t.true(bytes !== undefined && expected(Buffer.from(bytes).toString('latin1')));
    t.true(read.length > 0);
  });
}

test('sendTeed: the response is handed over at once with the miss’s cache fields, stored once complete, the flight settled with it', async (t) => {
  const server = await createTestServer(t);
  const { engine } = createEngine(t);
  const url = `${server.url}/get`;
  const lookup = await engine.lookup(cacheRequest(url));
  if (lookup.state !== 'miss') return t.fail(lookup.state);
  let settled: unknown;
  const response = (await sendTeed(engine, lookup, () => http.request(url), {
    url,
    redirects: [],
    settle: (outcome) => {
      settled = outcome;
    },
  })) as http.IncomingMessage & { fromCache: boolean; reason: string };
  t.like(response, { fromCache: false, reason: 'miss' });
  await readAll(response);
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.like(settled, { source: 'network' });
  t.true(await engine.cache.contains({ url }));
});

test('sendTeed: a connection error reaches the caller and ends the flight without an answer', async (t) => {
  const { engine } = createEngine(t);
  const lookup = await engine.lookup(cacheRequest('http://127.0.0.1:9/none'));
  if (lookup.state !== 'miss') return t.fail(lookup.state);
  let settled: unknown = 'not settled';
  await t.throwsAsync(
    sendTeed(engine, lookup, () => http.request('http://127.0.0.1:9/none'), {
      url: 'http://127.0.0.1:9/none',
      redirects: [],
      settle: (outcome) => {
        settled = outcome;
      },
    }),
  );
  t.is(settled, undefined);
});
