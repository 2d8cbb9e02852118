/**
 * `coalesce: 'store'` across processes: four Node processes (fetch, got, axios and a mix of the three)
 * sending identical requests at once reach the origin once through a shared Redis or Postgres; a lease
 * holder killed mid-request is taken over by one new request; a Redis cut mid-run fails no request.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { CacheOptions } from '@reqcache/core';
import { createTestServer } from '@reqcache/test-server';
import test, { type ExecutionContext } from 'ava';
import type { CoalesceJob, CoalesceResult } from './fixtures/coalesce-child.js';
import { startTcpProxy } from './helpers/proxy.js';
import {
  clearRedisNamespace,
  dropPostgresTable,
  POSTGRES_URL,
  REDIS_URL,
  uniqueCacheName,
  withPostgres,
} from './helpers/stores.js';

const CHILD = fileURLToPath(new URL('./fixtures/coalesce-child.ts', import.meta.url));
/** The adapter mix of each of the four processes (one cache engine per adapter: six in all). */
const MIXES: CoalesceJob['adapters'][] = [['fetch'], ['got'], ['axios'], ['fetch', 'got', 'axios']];
const ENGINES = MIXES.flat().length;

/**
 * A running child: `ready` resolves when it is connected to the store, `go()` starts its requests,
 * `sending` resolves when it starts them, `result` with its answers.
 */
interface Child {
  process: ChildProcess;
  ready: Promise<void>;
  go(): void;
  sending: Promise<void>;
  result: Promise<CoalesceResult>;
}

function startChild(t: ExecutionContext, job: CoalesceJob): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(job)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  let markSending!: () => void;
  const sending = new Promise<void>((resolve) => {
    markSending = resolve;
  });
  const result = new Promise<CoalesceResult>((resolve, reject) => {
    let last: CoalesceResult | undefined;
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (line === 'ready') markReady();
      else if (line === 'sending') markSending();
      else if (line.startsWith('{')) last = JSON.parse(line) as CoalesceResult;
    });
    child.on('exit', (code, signal) => {
      if (last !== undefined) resolve(last);
      else reject(new Error(`child exited (${code ?? signal}) without a result: ${stderr.slice(0, 2000)}`));
    });
  });
  // A child that dies before it is ready fails the test through `result`, not by hanging on `ready`.
  void result.catch(() => markReady());
  return { process: child, ready, go: () => child.stdin?.write('go\n'), sending, result };
}

/** Starts the children at once, once every one is connected to the store. */
async function startTogether(children: Child[]): Promise<void> {
  await Promise.all(children.map((child) => child.ready));
  for (const child of children) child.go();
}

/** A slow origin route (`delayMs`) answering JSON that may be stored; a `hold` route never answers its first request. */
async function slowOrigin(t: ExecutionContext, delayMs: number, holdFirst = false) {
  const server = await createTestServer(t);
  server.route('GET', '/slow', async (_req, res) => {
    if (holdFirst && server.hits('/slow') === 1) return; // the lease holder's request: never answered
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ answeredAt: Date.now() }));
  });
  return server;
}

function countBy(values: string[]): string {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return JSON.stringify(counts);
}

function summed(results: CoalesceResult[]) {
  const answers = results.flatMap((result) => result.answers);
  const stats = { coalescedWaits: 0, leaseTakeovers: 0, leaseFallbacks: 0 };
  for (const result of results) {
    stats.coalescedWaits += result.stats.coalescedWaits;
    stats.leaseTakeovers += result.stats.leaseTakeovers;
    stats.leaseFallbacks += result.stats.leaseFallbacks;
  }
  return { answers, stats };
}

const BACKENDS: Array<[string, (t: ExecutionContext) => CacheOptions]> = [
  [
    'sqlite',
    (t) => {
      // One file shared by the processes of one host (its own lease table, WAL and busy timeout).
      const directory = mkdtempSync(join(tmpdir(), 'reqcache-coalesce-'));
      t.teardown(() => rmSync(directory, { recursive: true, force: true }));
      return { backend: 'sqlite', cacheName: join(directory, 'cache') };
    },
  ],
  [
    'redis',
    (t) => {
      const cacheName = uniqueCacheName();
      t.teardown(() => clearRedisNamespace(cacheName));
      return { backend: 'redis', cacheName, backendOptions: { url: REDIS_URL } };
    },
  ],
  [
    'postgres',
    (t) => {
      const cacheName = uniqueCacheName();
      t.teardown(async () => {
        await dropPostgresTable(cacheName);
        await withPostgres((client) => client.query(`DROP TABLE IF EXISTS "${cacheName}_leases"`));
      });
      return { backend: 'postgres', cacheName, backendOptions: { url: POSTGRES_URL } };
    },
  ],
];

for (const [name, backend] of BACKENDS) {
  test.serial(
    `${name}: 4 processes × 50 identical requests (fetch, got, axios) reach the origin once`,
    async (t) => {
      t.timeout(60_000);
      const server = await slowOrigin(t, 300);
      const options: CacheOptions = { ...backend(t), coalesce: 'store', coalesceLeaseMs: 5000 };
      const url = `${server.url}/slow`;
      const children = MIXES.map((adapters) => startChild(t, { options, adapters, url, count: 50 }));
      await startTogether(children);
      const { answers, stats } = summed(await Promise.all(children.map((child) => child.result)));
      t.log(JSON.stringify(stats), countBy(answers.map((a) => `${a.adapter}:${a.reason}`)));
      t.is(server.hits('/slow'), 1);
      t.is(answers.length, 200);
      t.deepEqual(
        answers.filter((answer) => answer.status !== 200),
        [],
      );
      // One request led; every other answer came from its request, in its process or through the store.
      t.is(answers.filter((answer) => answer.reason === 'miss').length, 1);
      t.is(answers.filter((answer) => answer.reason === 'collapsed').length, 199);
      // Every engine but the lease holder's waited for it.
      t.is(stats.coalescedWaits, ENGINES - 1);
      t.is(stats.leaseFallbacks, 0);
    },
  );
}

for (const [name, backend] of BACKENDS) {
  test.serial(`${name}: a lease holder killed mid-request is taken over by one new request`, async (t) => {
    t.timeout(60_000);
    const leaseMs = 2000;
    const server = await slowOrigin(t, 300, true);
    const options: CacheOptions = { ...backend(t), coalesce: 'store', coalesceLeaseMs: leaseMs };
    const url = `${server.url}/slow`;
    const holder = startChild(t, { options, adapters: ['fetch'], url, count: 10 });
    void holder.result.catch(() => {}); // killed: it never answers
    const others = MIXES.slice(1).map((adapters) => startChild(t, { options, adapters, url, count: 50 }));
    await Promise.all([holder, ...others].map((child) => child.ready));
    await startTogether([holder]);
    // The holder's request reached the origin (which never answers it): it holds the lease.
    for (let i = 0; i < 200 && server.hits('/slow') === 0; i++) await new Promise((r) => setTimeout(r, 25));
    t.is(server.hits('/slow'), 1);
    await startTogether(others);
    await Promise.all(others.map((child) => child.sending));
    holder.process.kill('SIGKILL');
    const { answers, stats } = summed(await Promise.all(others.map((child) => child.result)));
    t.log(JSON.stringify(stats), countBy(answers.map((a) => `${a.adapter}:${a.reason}`)));
    t.is(server.hits('/slow'), 2);
    t.deepEqual(
      answers.filter((answer) => answer.status !== 200),
      [],
    );
    // Within the lease time plus one request (300 ms), with a margin for polling and process load.
    const slowestMs = Math.max(...answers.map((answer) => answer.elapsedMs));
    t.true(slowestMs <= leaseMs + 300 + 1500, `slowest answer took ${slowestMs} ms`);
    // One engine took the lease over; the other four waited for its answer.
    t.is(stats.leaseTakeovers, 1);
    t.is(stats.coalescedWaits, ENGINES - 1);
    t.is(stats.leaseFallbacks, 0);
    t.is(answers.filter((answer) => answer.reason === 'collapsed').length, answers.length - 1);
  });
}

test.serial('redis: cut mid-run, every request still succeeds', async (t) => {
  t.timeout(90_000);
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
  t.teardown(() => proxy.close());
  const server = await slowOrigin(t, 300);
  const cacheName = uniqueCacheName();
  t.teardown(() => clearRedisNamespace(cacheName));
  const options: CacheOptions = {
    backend: 'redis',
    cacheName,
    backendOptions: { url: `redis://127.0.0.1:${proxy.port}` },
    coalesce: 'store',
    coalesceLeaseMs: 2000,
  };
  const url = `${server.url}/slow`;
  const children = MIXES.map((adapters) => startChild(t, { options, adapters, url, count: 50 }));
  await startTogether(children);
  // Cut while the first request is at the origin: the lease holder cannot store, the others cannot read.
  for (let i = 0; i < 400 && server.hits('/slow') === 0; i++) await new Promise((r) => setTimeout(r, 25));
  await proxy.cut();
  const { answers, stats } = summed(await Promise.all(children.map((child) => child.result)));
  t.log(JSON.stringify(stats), countBy(answers.map((a) => `${a.adapter}:${a.reason}`)));
  t.is(answers.length, 200);
  t.deepEqual(
    answers.filter((answer) => answer.status !== 200),
    [],
  );
  // Each engine sent at most one request (its in-process flight): coalescing within a process holds.
  t.true(server.hits('/slow') >= 1 && server.hits('/slow') <= ENGINES, `origin saw ${server.hits('/slow')}`);
  t.true(stats.leaseFallbacks >= 1);
});
