import test from 'ava';
import type { Response } from 'got';
import type { CachedGotResponse } from '../src/index.js';
import { fastRetry, setup } from './helpers.js';

const asCached = (response: Response) => response as CachedGotResponse<string>;

test('concurrent identical misses reach the origin once; the others are served the leader’s response', async (t) => {
  const { client, server, url } = await setup(t);
  const bodies = await Promise.all(Array.from({ length: 10 }, () => client(url('/delay/50')).json()));
  t.is(server.hits('/delay/50'), 1);
  for (const body of bodies) t.deepEqual(body, bodies[0]);
});

test('gzip: waiting requests get the decoded body without Content-Encoding', async (t) => {
  const { client, server, url } = await setup(t);
  server.route('GET', '/slow-gzip', async (_req, res) => {
    const { gzipSync } = await import('node:zlib');
    await new Promise((resolve) => setTimeout(resolve, 30));
    const body = gzipSync(JSON.stringify({ ok: true }));
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(body);
  });
  const responses = await Promise.all(Array.from({ length: 4 }, () => client(url('/slow-gzip'))));
  t.is(server.hits('/slow-gzip'), 1);
  for (const response of responses) {
    t.deepEqual(JSON.parse(response.body), { ok: true });
  }
  t.is(responses.filter((response) => asCached(response).fromCache).length, 3);
  t.is(responses[1]?.headers['content-encoding'], undefined);
});

test('when the leader is cancelled the waiting requests go to the network themselves', async (t) => {
  const { client, server, url } = await setup(t);
  // Cancelled through its signal: got 14 and got 16 both take one (got 16 has no promise.cancel()).
  const abort = new AbortController();
  const leader = client(url('/delay/200'), { signal: abort.signal });
  const followers = [client(url('/delay/200')), client(url('/delay/200'))];
  // Let the leader reach the origin, then cancel it.
  while (server.hits('/delay/200') === 0) await new Promise((resolve) => setImmediate(resolve));
  abort.abort();
  await t.throwsAsync(leader);
  const responses = await Promise.all(followers);
  for (const response of responses) t.is(response.statusCode, 200);
  t.true(server.hits('/delay/200') >= 2);
});

test('a leader retried by got shares its final response, not the error status it retried', async (t) => {
  const { client, server, url } = await setup(t, {}, { retry: fastRetry });
  let calls = 0;
  server.route('GET', '/busy', async (_req, res) => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 20));
    res.writeHead(calls === 1 ? 503 : 200, { 'content-type': 'text/plain' });
    res.end(calls === 1 ? 'busy' : 'done');
  });
  const responses = await Promise.all(Array.from({ length: 3 }, () => client(url('/busy'))));
  for (const response of responses) t.is(response.body, 'done');
  t.is(server.hits('/busy'), 2);
});

test('a leader’s final error lets the waiting requests try for themselves', async (t) => {
  const { client, server, url } = await setup(t, {}, { retry: { limit: 0 }, throwHttpErrors: false });
  server.route('GET', '/down', async (_req, res) => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('down');
  });
  const responses = await Promise.all(Array.from({ length: 3 }, () => client(url('/down'))));
  for (const response of responses) t.is(response.statusCode, 500);
  t.is(server.hits('/down'), 3);
});
