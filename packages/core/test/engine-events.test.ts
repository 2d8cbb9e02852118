import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestServer } from '@reqcache/test-server';
import test from 'ava';
import type { CacheEvents } from '../src/contract.js';
import type { CacheEngine } from '../src/engine.js';
import { ReqcacheError } from '../src/errors.js';
import { createEngine, send } from './helpers/engine.js';

type Recorded = [string, Record<string, unknown>];

/** Every decision event the engine emits, in order. */
function record(engine: CacheEngine): Recorded[] {
  const events: Recorded[] = [];
  for (const name of ['hit', 'miss', 'stale', 'revalidated', 'stored'] as const) {
    engine.on(name, (payload: CacheEvents[typeof name][0]) => events.push([name, { ...payload }]));
  }
  return events;
}

test('miss → stored → hit, each with the key and the URL', async (t) => {
  const server = await createTestServer(t);
  const { engine } = createEngine(t);
  const events = record(engine);
  const url = `${server.url}/get`;
  const first = await send(engine, url);
  await send(engine, url);
  const key = first.outcome.info.cacheKey;
  t.is(typeof key, 'string');
  t.deepEqual(events, [
    ['miss', { key, url, reason: 'miss' }],
    ['stored', { key, url, expires: null }],
    ['hit', { key, url }],
  ]);
  t.deepEqual(engine.stats(), {
    hits: 1,
    misses: 1,
    stale: 0,
    revalidated: 0,
    stored: 1,
    notStored: 0,
    errors: 0,
    coalescedWaits: 0,
    leaseTakeovers: 0,
    leaseFallbacks: 0,
    hitRatio: 0.5,
  });
});

test('event URLs have ignoredParameters redacted, as stored (the request itself keeps them)', async (t) => {
  const server = await createTestServer(t);
  const { engine } = createEngine(t);
  const events = record(engine);
  engine.on('notStored', (payload) => events.push(['notStored', { ...payload }]));
  const url = `${server.url}/get?q=1&api_key=secret-1`;
  const first = await send(engine, url);
  await send(engine, url);
  await send(engine, `${server.url}/status/404?api_key=secret-2`);
  const key = first.outcome.info.cacheKey;
  const redacted = `${server.url}/get?q=1&api_key=REDACTED`;
  t.deepEqual(events.slice(0, 3), [
    ['miss', { key, url: redacted, reason: 'miss' }],
    ['stored', { key, url: redacted, expires: null }],
    ['hit', { key, url: redacted }],
  ]);
  t.is(events.at(-1)?.[1]['url'], `${server.url}/status/404?api_key=REDACTED`);
  t.false(JSON.stringify(events).includes('secret'));
  t.true(server.lastRequest('/get')?.path.includes('api_key=secret-1'));
});

test('an expired response with a validator: revalidated (304), and a miss when the content changed', async (t) => {
  const server = await createTestServer(t);
  let version = 1;
  server.route('GET', '/doc', (req, res) => {
    const etag = `"v${version}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { etag, 'content-type': 'text/plain' }).end(`version ${version}`);
  });
  const { engine, clock } = createEngine(t, { expireAfter: 1 });
  const events = record(engine);
  const url = `${server.url}/doc`;
  await send(engine, url);
  clock.advance(2000);
  await send(engine, url);
  clock.advance(2000);
  version = 2;
  const changed = await send(engine, url);
  t.is(changed.text, 'version 2');
  t.deepEqual(
    events.map(([name]) => name),
    ['miss', 'stored', 'revalidated', 'miss', 'stored'],
  );
  t.true(events.every(([, payload]) => payload['url'] === url && typeof payload['key'] === 'string'));
  const stats = engine.stats();
  t.like(stats, { hits: 0, misses: 2, revalidated: 1, stored: 2 });
  t.is(stats.hitRatio, 1 / 3);
});

test('stale: served inside staleWhileRevalidate, then refreshed in the background', async (t) => {
  const server = await createTestServer(t);
  const { engine, clock } = createEngine(t, { expireAfter: 1, staleWhileRevalidate: 60 });
  const events = record(engine);
  const url = `${server.url}/get`;
  await send(engine, url);
  clock.advance(2000);
  const stale = await send(engine, url);
  t.true(stale.outcome.info.fromCache);
  await engine.settled();
  const staleEvent = events.find(([name]) => name === 'stale');
  t.deepEqual(staleEvent, [
    'stale',
    { key: stale.outcome.info.cacheKey, url, reason: 'stale-while-revalidate' },
  ]);
  t.is(engine.stats().stale, 1);
});

test('stale: served on an error status inside staleIfError', async (t) => {
  const server = await createTestServer(t);
  let fail = false;
  server.route('GET', '/flaky', (_req, res) => {
    res.writeHead(fail ? 503 : 200, { 'content-type': 'text/plain' }).end(fail ? 'down' : 'up');
  });
  const { engine, clock } = createEngine(t, { expireAfter: 1, staleIfError: true });
  const events = record(engine);
  const url = `${server.url}/flaky`;
  await send(engine, url);
  clock.advance(2000);
  fail = true;
  const served = await send(engine, url);
  t.is(served.text, 'up');
  t.deepEqual(events.at(-1), ['stale', { key: served.outcome.info.cacheKey, url, reason: 'stale-if-error' }]);
});

test('requests the cache does not handle emit nothing and count nothing', async (t) => {
  const server = await createTestServer(t);
  const { engine } = createEngine(t);
  const events = record(engine);
  await send(engine, `${server.url}/post`, undefined, 'POST');
  await send(engine, `${server.url}/get`, { disabled: true });
  t.deepEqual(events, []);
  t.deepEqual(engine.stats(), {
    hits: 0,
    misses: 0,
    stale: 0,
    revalidated: 0,
    stored: 0,
    notStored: 0,
    errors: 0,
    coalescedWaits: 0,
    leaseTakeovers: 0,
    leaseFallbacks: 0,
    hitRatio: 0,
  });
});

test('errors are counted, and resetStats starts over', async (t) => {
  const server = await createTestServer(t);
  const { engine } = createEngine(t);
  const errors: ReqcacheError[] = [];
  engine.on('error', (error) => errors.push(error));
  engine.report(new ReqcacheError('ERR_CACHE_STORE', 'store down', { key: 'abc' }));
  await send(engine, `${server.url}/get`);
  t.like(engine.stats(), { errors: 1, misses: 1, stored: 1 });
  t.is(errors[0]?.key, 'abc');
  engine.resetStats();
  t.deepEqual(engine.stats(), {
    hits: 0,
    misses: 0,
    stale: 0,
    revalidated: 0,
    stored: 0,
    notStored: 0,
    errors: 0,
    coalescedWaits: 0,
    leaseTakeovers: 0,
    leaseFallbacks: 0,
    hitRatio: 0,
  });
});

test('counters are per engine', async (t) => {
  const server = await createTestServer(t);
  const { engine: a } = createEngine(t);
  const { engine: b } = createEngine(t);
  await send(a, `${server.url}/get`);
  await send(a, `${server.url}/get`);
  t.like(a.stats(), { hits: 1, misses: 1 });
  t.like(b.stats(), { hits: 0, misses: 0 });
});

// ---- debug logging: a child process, since NODE_DEBUG is read once when a process starts --------------

const script = fileURLToPath(new URL('./helpers/debug-run.ts', import.meta.url));

async function runWithEnv(url: string, env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--import=tsx', script, url], {
    env: { ...process.env, NODE_DEBUG: '', DEBUG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`debug-run exited with ${code}: ${stderr}`);
  return stderr;
}

for (const env of [
  { NODE_DEBUG: 'reqcache' },
  { NODE_DEBUG: 'http,reqcache' },
  { DEBUG: 'reqcache' },
  { DEBUG: 'reqcache:*' },
]) {
  test(`${Object.entries(env)[0]!.join('=')}: one line per decision, secrets redacted`, async (t) => {
    const server = await createTestServer(t);
    const stderr = await runWithEnv(`${server.url}/get?api_key=s3cret&page=1`, env);
    const lines = stderr.split('\n').filter((line) => line.startsWith('REQCACHE '));
    t.is(lines.length, 4, stderr);
    t.regex(
      lines[0]!,
      /^REQCACHE \d+: miss [0-9a-f]{12} http:\/\/127\.0\.0\.1:\d+\/get\?api_key=REDACTED&page=1 \(miss\)$/,
    );
    t.regex(lines[1]!, /: stored [0-9a-f]{12} \S+ expires=never$/);
    t.regex(lines[2]!, /: hit [0-9a-f]{12} /);
    t.regex(lines[3]!, /: bypass POST http:\/\/127\.0\.0\.1:\d+\/post \(method-not-allowable\)$/);
    t.false(stderr.includes('s3cret'));
  });
}

for (const env of [{}, { NODE_DEBUG: 'http' }, { DEBUG: 'express:*' }, { DEBUG: '*,-reqcache*' }]) {
  test(`no debug output with ${JSON.stringify(env)}`, async (t) => {
    const server = await createTestServer(t);
    const stderr = await runWithEnv(`${server.url}/get`, env);
    t.false(stderr.includes('REQCACHE'), stderr);
  });
}
