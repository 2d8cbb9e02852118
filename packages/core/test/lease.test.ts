/**
 * `coalesce: 'store'` in one process: each engine has its own in-process flights, so two engines on one
 * Redis (or Postgres) behave like two processes sharing it. The origin's hit counts say what was sent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestServer } from '@reqcache/test-server';
import test, { type ExecutionContext } from 'ava';
import type { Lookup, RequestContext } from '../src/contract.js';
import { CacheEngine } from '../src/engine.js';
import { InvalidOptionError } from '../src/errors.js';
import { acrossProcesses, type LeaseContext, type LeaseStore, waitLimitMs } from '../src/lease.js';
import type { CacheOptions } from '../src/options.js';
import { cacheRequest, fetchSender, send } from './helpers/engine.js';
import { makeEntry, T0 } from './helpers/entry.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const POSTGRES_URL = process.env['POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';

let names = 0;
function uniqueName(): string {
  return `lease_test_${process.pid}_${Date.now()}_${names++}`;
}

/** Engines on one shared store, closed (and the store emptied) at the end of the test. */
function enginesOn(t: ExecutionContext, count: number, options: CacheOptions): CacheEngine[] {
  const engines = Array.from({ length: count }, () => new CacheEngine({ cacheStatus: true, ...options }));
  t.teardown(async () => {
    for (const engine of engines) await engine.settled();
    await engines[0]?.cache.clear().catch(() => {});
    for (const engine of engines) await engine.cache.close();
  });
  return engines;
}

function redisOptions(): CacheOptions {
  return { backend: 'redis', cacheName: uniqueName(), backendOptions: { url: REDIS_URL } };
}

/** A route answering after `delayMs`, counted by the test server. */
async function slowRoute(t: ExecutionContext, delayMs: number) {
  const server = await createTestServer(t);
  server.route('GET', '/slow', async (_req, res) => {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`answer ${server.hits('/slow')}`);
  });
  return { server, url: `${server.url}/slow` };
}

test('coalesce: "store" on Redis: two engines (two processes) send one request', async (t) => {
  const { server, url } = await slowRoute(t, 200);
  const [a, b] = enginesOn(t, 2, { ...redisOptions(), coalesce: 'store' }) as [CacheEngine, CacheEngine];
  const collapsed: string[] = [];
  for (const engine of [a, b]) engine.on('collapsed', ({ url }) => collapsed.push(url));
  const answers = await Promise.all([send(a, url), send(b, url)]);
  t.is(server.hits('/slow'), 1);
  // Whichever engine took the lease sent the request; the other served its stored answer.
  const leader = answers.find(({ outcome }) => outcome.info.reason === 'miss');
  const follower = answers.find(({ outcome }) => outcome.info.reason === 'collapsed');
  if (leader === undefined || follower === undefined)
    return t.fail(JSON.stringify(answers.map((x) => x.outcome.info)));
  t.is(follower.text, leader.text);
  t.is(follower.outcome.info.cacheStatus, 'reqcache; fwd=miss; collapsed');
  t.is(follower.outcome.info.fromCache, true);
  t.is(leader.outcome.info.cacheStatus, 'reqcache; fwd=miss; stored');
  t.deepEqual(collapsed, [url]);
  t.is(a.stats().coalescedWaits + b.stats().coalescedWaits, 1);
  t.is(a.stats().stored + b.stats().stored, 1);
  t.like(a.stats(), { leaseTakeovers: 0, leaseFallbacks: 0 });
  t.like(b.stats(), { leaseTakeovers: 0, leaseFallbacks: 0 });
});

test('coalesce: "store" on Postgres: two engines send one request', async (t) => {
  const { server, url } = await slowRoute(t, 200);
  const options: CacheOptions = {
    backend: 'postgres',
    cacheName: uniqueName(),
    backendOptions: { url: POSTGRES_URL },
    coalesce: 'store',
  };
  const [a, b] = enginesOn(t, 2, options) as [CacheEngine, CacheEngine];
  t.teardown(async () => {
    const store = new CacheEngine({ ...options, coalesce: 'process' });
    const query = (store.keyv.store as { query(sql: string): Promise<unknown> }).query;
    await query.call(store.keyv.store, `DROP TABLE IF EXISTS "${options.cacheName}_leases"`);
    await store.cache.close();
  });
  const answers = await Promise.all([send(a, url), send(b, url)]);
  t.is(server.hits('/slow'), 1);
  t.is(answers[0].text, answers[1].text);
  t.deepEqual(answers.map(({ outcome }) => outcome.info.reason).sort(), ['collapsed', 'miss']);
});

test('coalesce: "store" on SQLite: two engines on one file (two processes of a host) send one request', async (t) => {
  const { server, url } = await slowRoute(t, 200);
  const directory = mkdtempSync(join(tmpdir(), 'reqcache-lease-'));
  const options: CacheOptions = { backend: 'sqlite', cacheName: join(directory, 'cache'), coalesce: 'store' };
  // Registered first: it runs after the engines are closed.
  t.teardown(() => rmSync(directory, { recursive: true, force: true }));
  const [a, b] = enginesOn(t, 2, options) as [CacheEngine, CacheEngine];
  const answers = await Promise.all([send(a, url), send(b, url)]);
  t.is(server.hits('/slow'), 1);
  t.is(answers[0].text, answers[1].text);
  t.deepEqual(answers.map(({ outcome }) => outcome.info.reason).sort(), ['collapsed', 'miss']);
});

test('coalesce: "process" (the default): two engines on one Redis each send their own', async (t) => {
  const { server, url } = await slowRoute(t, 200);
  const [a, b] = enginesOn(t, 2, redisOptions()) as [CacheEngine, CacheEngine];
  t.is(a.settings.coalesce, 'process');
  await Promise.all([send(a, url), send(a, url), send(b, url), send(b, url)]);
  // One per engine: coalesced within each, not across.
  t.is(server.hits('/slow'), 2);
});

test('coalesce: false sends every identical request', async (t) => {
  const { server, url } = await slowRoute(t, 100);
  const [engine] = enginesOn(t, 1, { backend: 'memory', coalesce: false }) as [CacheEngine];
  await Promise.all([send(engine, url), send(engine, url), send(engine, url)]);
  t.is(server.hits('/slow'), 3);
  engine.settings.coalesce = 'process';
  await engine.cache.clear();
  await Promise.all([send(engine, url), send(engine, url), send(engine, url)]);
  t.is(server.hits('/slow'), 4);
});

test('coalesce: "store" on a backend without leases (memory) coalesces within the process', async (t) => {
  const { server, url } = await slowRoute(t, 100);
  const [engine] = enginesOn(t, 1, { backend: 'memory', coalesce: 'store' }) as [CacheEngine];
  await Promise.all([send(engine, url), send(engine, url), send(engine, url)]);
  t.is(server.hits('/slow'), 1);
  t.like(engine.stats(), { coalescedWaits: 0, leaseFallbacks: 0 });
});

/** Another holder's lease on `url`'s key that it never lets go (a clock jump, a misbehaving peer). */
async function holdLease(t: ExecutionContext, engine: CacheEngine, url: string): Promise<void> {
  const key = engine.createKey({ method: 'GET', url, headers: {} });
  const store = engine.keyv.store as {
    getClient(): Promise<{ sendCommand(args: string[]): Promise<unknown> }>;
  };
  const redis = await store.getClient();
  const leaseName = `reqcache-lease:${engine.keyv.namespace ?? ''}:${key}`;
  t.is(await redis.sendCommand(['SET', leaseName, 'someone else', 'PX', '10000']), 'OK');
  t.teardown(() => redis.sendCommand(['DEL', leaseName]));
}

test('a waiter stops waiting at its own timeout, or when its signal aborts, well before the lease time', async (t) => {
  const { server, url } = await slowRoute(t, 20);
  // A 30 s lease: stopping at 300 ms (or at the abort) is far from it, even on a starved machine.
  const [engine] = enginesOn(t, 1, { ...redisOptions(), coalesce: 'store', coalesceLeaseMs: 30_000 }) as [
    CacheEngine,
  ];
  await holdLease(t, engine, url);
  const timed = Date.now();
  const byTimeout = await engine.request(
    { ...cacheRequest(url), timeoutMs: 300 },
    undefined,
    fetchSender(cacheRequest(url)),
  );
  const timeoutElapsedMs = Date.now() - timed;
  t.is(byTimeout.source, 'network');
  t.true(timeoutElapsedMs >= 280 && timeoutElapsedMs < 10_000, `answered after ${timeoutElapsedMs} ms`);
  await engine.cache.clear();
  const aborted = Date.now();
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const byAbort = await engine.request(
    { ...cacheRequest(url), signal: controller.signal },
    undefined,
    fetchSender(cacheRequest(url)),
  );
  const abortElapsedMs = Date.now() - aborted;
  t.is(byAbort.source, 'network');
  t.true(abortElapsedMs >= 180 && abortElapsedMs < 10_000, `answered after ${abortElapsedMs} ms`);
  t.is(server.hits('/slow'), 2);
  t.like(engine.stats(), { coalescedWaits: 2, leaseFallbacks: 2 });
});

test('a lease held past its wait limit: the waiter sends its own request after the limit', async (t) => {
  const { server, url } = await slowRoute(t, 50);
  const leaseMs = 300;
  const [engine] = enginesOn(t, 1, { ...redisOptions(), coalesce: 'store', coalesceLeaseMs: leaseMs }) as [
    CacheEngine,
  ];
  await holdLease(t, engine, url);
  const startedAt = Date.now();
  const { outcome } = await send(engine, url);
  const elapsedMs = Date.now() - startedAt;
  t.is(outcome.source, 'network');
  t.is(server.hits('/slow'), 1);
  t.true(elapsedMs >= leaseMs, `answered after ${elapsedMs} ms`);
  // Well before the other holder's lease lapses (10 s, see holdLease): the waiter gave up at its limit.
  t.true(elapsedMs >= waitLimitMs(leaseMs) - 50 && elapsedMs < 8000, `answered after ${elapsedMs} ms`);
  t.like(engine.stats(), { coalescedWaits: 1, leaseFallbacks: 1 });
});

test('a lease store that fails never fails the request: it is sent alone and reported', async (t) => {
  const { server, url } = await slowRoute(t, 20);
  const [engine] = enginesOn(t, 1, {
    backend: 'redis',
    cacheName: uniqueName(),
    // Nothing listens there: every store call, leases included, fails.
    backendOptions: { url: 'redis://127.0.0.1:9' },
    coalesce: 'store',
  }) as [CacheEngine];
  const errors: string[] = [];
  engine.on('error', (error) => errors.push(error.code));
  const { outcome, text } = await send(engine, url);
  t.is(outcome.source, 'network');
  t.is(text, 'answer 1');
  t.is(server.hits('/slow'), 1);
  t.like(engine.stats(), { leaseFallbacks: 1 });
  t.true(errors.includes('ERR_CACHE_STORE'));
});

test('stale-while-revalidate under coalesce: "store": one background refresh across engines', async (t) => {
  const { server, url } = await slowRoute(t, 300);
  const options: CacheOptions = {
    ...redisOptions(),
    coalesce: 'store',
    expireAfter: 1,
    staleWhileRevalidate: true,
  };
  const [a, b, c] = enginesOn(t, 3, options) as [CacheEngine, CacheEngine, CacheEngine];
  await send(a, url);
  t.is(server.hits('/slow'), 1);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const served = await Promise.all([send(a, url), send(b, url), send(c, url)]);
  t.deepEqual(
    served.map(({ outcome }) => outcome.info.reason),
    ['stale-while-revalidate', 'stale-while-revalidate', 'stale-while-revalidate'],
  );
  await Promise.all([a.settled(), b.settled(), c.settled()]);
  t.is(server.hits('/slow'), 2);
  t.is(a.stats().coalescedWaits + b.stats().coalescedWaits + c.stats().coalescedWaits, 2);
});

test('coalesce options are validated and can change at run time', (t) => {
  t.throws(() => new CacheEngine({ backend: 'memory', coalesce: 'cluster' as never }), {
    instanceOf: InvalidOptionError,
    message: /"coalesce": "cluster" \(expected 'process', 'store' or false\)/,
  });
  t.throws(() => new CacheEngine({ backend: 'memory', coalesce: true as never }), {
    instanceOf: InvalidOptionError,
  });
  t.throws(() => new CacheEngine({ backend: 'memory', coalesceLeaseMs: 0 }), {
    instanceOf: InvalidOptionError,
    message: /"coalesceLeaseMs"/,
  });
  const engine = new CacheEngine({ backend: 'memory' });
  t.is(engine.settings.coalesce, 'process');
  t.is(engine.settings.coalesceLeaseMs, 10_000);
  engine.settings.coalesce = 'store';
  t.is(engine.settings.coalesce, 'store');
  t.throws(
    () => {
      engine.settings.coalesce = 'everywhere' as never;
    },
    { instanceOf: InvalidOptionError },
  );
  t.is(engine.settings.coalesce, 'store');
});

/** A fake lease store answering `acquire` from a script (true, false, or an error to throw). */
function scriptedLeases(script: Array<boolean | Error>) {
  const calls: string[] = [];
  const leases: LeaseStore = {
    async acquire(key) {
      calls.push(`acquire ${key}`);
      const next = script.shift() ?? false;
      if (next instanceof Error) throw next;
      return next;
    },
    async release(key) {
      calls.push(`release ${key}`);
    },
  };
  return { leases, calls };
}

/** The lease context of a miss of key `k`, whose relooks answer from `states` (then a miss). */
function leaseContext(leases: LeaseStore, states: Array<'miss' | 'fresh'>) {
  const ctx = {
    key: 'k',
    reason: 'miss',
    request: { method: 'GET', url: 'https://example.com/k', headers: {} },
    settings: { cacheStatus: 'reqcache' },
  } as unknown as RequestContext;
  const counts: string[] = [];
  const reported: string[] = [];
  let collapsed = 0;
  const lease: LeaseContext = {
    leases,
    ctx,
    relook: async () =>
      (states.shift() ?? 'miss') === 'fresh'
        ? ({ state: 'fresh', key: 'k', entry: makeEntry(), reason: 'fresh', ctx } as Lookup)
        : ({ state: 'miss', ctx, reason: 'miss' } as Lookup),
    clock: () => T0,
    count: (counter) => counts.push(counter),
    report: (error) => reported.push(error.code),
    collapsed: () => collapsed++,
  };
  return { lease, counts, reported, collapsed: () => collapsed };
}

test('acrossProcesses: an answer stored between the lookup and the lease is served, not fetched again', async (t) => {
  const { leases, calls } = scriptedLeases([true]);
  const { lease, counts, collapsed } = leaseContext(leases, ['fresh']);
  const flight = await acrossProcesses(lease, 60_000);
  t.is(flight.kind, 'answered');
  if (flight.kind === 'answered') {
    t.is(flight.outcome.info.reason, 'collapsed');
    t.is(flight.outcome.info.cacheStatus, 'reqcache; fwd=miss; collapsed');
  }
  t.deepEqual(calls, ['acquire k', 'release k']);
  t.deepEqual(counts, []);
  t.is(collapsed(), 1);
});

test('acrossProcesses: a waiter serves the answer that lands while it polls', async (t) => {
  const { leases, calls } = scriptedLeases([false, false]);
  const { lease, counts } = leaseContext(leases, ['miss', 'fresh']);
  const flight = await acrossProcesses(lease, 60_000);
  t.is(flight.kind, 'answered');
  t.deepEqual(calls, ['acquire k', 'acquire k']);
  t.deepEqual(counts, ['coalescedWaits']);
});

test('acrossProcesses: a lease that lapses without an answer is taken over, and released after', async (t) => {
  const { leases, calls } = scriptedLeases([false, false, true]);
  const { lease, counts } = leaseContext(leases, ['miss', 'miss', 'miss']);
  const flight = await acrossProcesses(lease, 60_000);
  t.is(flight.kind, 'lead');
  t.deepEqual(counts, ['coalescedWaits', 'leaseTakeovers']);
  if (flight.kind === 'lead') await flight.release();
  t.deepEqual(calls, ['acquire k', 'acquire k', 'acquire k', 'release k']);
});

test('acrossProcesses: a lease error sends the request alone, counted and reported', async (t) => {
  const { leases } = scriptedLeases([new Error('connection reset')]);
  const { lease, counts, reported } = leaseContext(leases, []);
  t.deepEqual(await acrossProcesses(lease, 60_000), { kind: 'own' });
  t.deepEqual(counts, ['leaseFallbacks']);
  t.deepEqual(reported, ['ERR_CACHE_STORE']);
});

test('acrossProcesses: a lease store that does not answer is given up on after 2 s', async (t) => {
  const leases: LeaseStore = {
    acquire: () => new Promise<boolean>(() => {}),
    release: async () => {},
  };
  const { lease, counts } = leaseContext(leases, []);
  const startedAt = Date.now();
  t.deepEqual(await acrossProcesses(lease, 60_000), { kind: 'own' });
  const elapsedMs = Date.now() - startedAt;
  t.true(elapsedMs >= 1900 && elapsedMs < 10_000, `gave up after ${elapsedMs} ms`);
  t.deepEqual(counts, ['leaseFallbacks']);
});
