/**
 * Maintenance at scale: 25 000 entries of 4 KiB (100 MB of bodies) on memory and on SQLite, and every
 * maintenance call (responseCount, urls, filter, delete expired / olderThan, resetExpiration) counted
 * right while the memory it holds stays far below the bodies' total: it reads one entry at a time.
 * (The memory bound depends on the bodies' total, not on how many entries hold it: 25 000 entries of
 * 4 KiB prove what 100 000 of 1 KiB did, in half the CPU time. Hit cost at 100 000 and
 * 1 000 000 entries is measured by `pnpm bench`.)
 *
 * Memory is measured as live heap plus array buffers after a full GC (`--expose-gc`), sampled every
 * 2 500 entries the serializer's `loads` decodes (every entry read is decoded there; memory-store calls
 * never yield to the event loop, so a timer would not run during them), and at the end of each call.
 */
import { performance } from 'node:perf_hooks';
import { CacheEngine, type Serializer, serializerByName } from '@reqcache/core';
import test, { type ExecutionContext } from 'ava';
import { makeEntry, uniqueCacheName } from '../src/index.js';
import { removeSqliteFile, sqliteDirectory } from './helpers/stores.js';

const ENTRIES = 25_000;
const BODY_BYTES = 4096;
const BATCH = 500;
const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const HOUR = 3_600_000;
/**
 * The bound on memory held by a maintenance call: 40 % of the 100 MB of bodies (calls that read one
 * entry at a time hold under 25 MB). Holding the 12 500 decoded entries resetExpiration rewrites, as it
 * did before reading one at a time, takes over 50 MB in their bodies alone.
 */
const MAX_GROWTH = 40 * 1024 * 1024;
/** Memory is sampled once every this many decoded entries: each sample is a full GC. */
const SAMPLE_EVERY = 2500;

const directory = sqliteDirectory();
test.after.always(() => directory.remove());

const gc = (globalThis as { gc?: () => void }).gc;

/** Live memory (heap and array buffers) after a full collection. */
function liveBytes(): number {
  gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** The largest growth of live memory over `baseline` seen while `sample()` is being called. */
class MemoryWatch {
  readonly baseline = liveBytes();
  peak = this.baseline;
  #calls = 0;

  sample(): void {
    if (++this.#calls % SAMPLE_EVERY === 0) this.peak = Math.max(this.peak, liveBytes());
  }

  growth(): number {
    this.peak = Math.max(this.peak, liveBytes());
    return this.peak - this.baseline;
  }
}

/**
 * Entry `i`: odd ones expire an hour after T0 (the others never); those with `i % 4 < 2` were created
 * ten days before T0. So at T0 + 2 h half are expired, and a quarter are old and never expiring.
 */
async function fill(engine: CacheEngine): Promise<void> {
  const body = new Uint8Array(BODY_BYTES);
  for (let i = 0; i < BODY_BYTES; i++) body[i] = (i * 31) & 0xff;
  for (let start = 0; start < ENTRIES; start += BATCH) {
    const writes: Array<Promise<boolean>> = [];
    for (let i = start; i < start + BATCH; i++) {
      const url = `https://example.org/items/${i}`;
      const entry = makeEntry(url, body, {
        createdAt: i % 4 < 2 ? T0 - 10 * DAY : T0,
        expiresAt: i % 2 === 1 ? T0 + HOUR : null,
      });
      writes.push(engine.cache.write(engine.createKey({ method: 'GET', url, headers: {} }), entry));
    }
    const written = await Promise.all(writes);
    if (!written.every(Boolean)) throw new Error(`a write of batch ${start} failed`);
  }
}

/** Where the serializer reports each decoded entry. */
const sampler = { sample: (): void => {} };

/** The JSON serializer, sampling memory on each entry it decodes. */
const json = serializerByName('json');
const sampling: Serializer = {
  name: json.name,
  dumps: (entry) => json.dumps(entry),
  loads: (raw) => {
    sampler.sample();
    return json.loads(raw);
  },
};

async function maintainAtScale(
  t: ExecutionContext,
  engine: CacheEngine,
  clock: { now: number },
  label: string,
): Promise<void> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  await fill(engine);
  const filled = performance.now();
  const fillCpu = process.cpuUsage(cpuStarted);
  const cpuFilled = process.cpuUsage();

  let watch = new MemoryWatch();
  sampler.sample = () => watch.sample();
  const growths: Record<string, number> = {};
  const measure = async <T>(name: string, call: () => Promise<T>): Promise<T> => {
    watch = new MemoryWatch();
    const result = await call();
    growths[name] = watch.growth();
    return result;
  };

  t.is(await measure('responseCount', () => engine.cache.responseCount()), ENTRIES);
  const urls = await measure('urls', () => engine.cache.urls());
  t.is(urls.length, ENTRIES);
  t.true(urls.includes('https://example.org/items/24999'));

  clock.now = T0 + 2 * HOUR;
  const expired = await measure('filter', async () => {
    let count = 0;
    for await (const item of engine.cache.filter({ valid: false, expired: true })) {
      if (!item.invalid && item.isExpired) count++;
    }
    return count;
  });
  t.is(expired, ENTRIES / 2);
  t.is(await measure('delete expired', () => engine.cache.delete({ expired: true })), ENTRIES / 2);
  t.is(await engine.cache.responseCount(), ENTRIES / 2);
  // 12 500 entries (50 MB of bodies) rewritten: never all decoded at once.
  t.is(await measure('resetExpiration', () => engine.cache.resetExpiration({ hours: 1 })), ENTRIES / 2);
  t.is(await measure('delete olderThan', () => engine.cache.delete({ olderThan: { days: 7 } })), ENTRIES / 4);
  t.is(await engine.cache.responseCount(), ENTRIES / 4);
  clock.now += 2 * HOUR;
  t.is(await engine.cache.responseCount({ checkExpiry: true }), 0);
  t.is(await engine.cache.responseCount(), ENTRIES / 4);
  sampler.sample = () => {};

  const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const cpu = (usage: NodeJS.CpuUsage): string => seconds((usage.user + usage.system) / 1000);
  t.log(
    `${label}: wrote ${ENTRIES} entries in ${seconds(filled - started)} (CPU ${cpu(fillCpu)}` +
      `), maintenance in ${seconds(performance.now() - filled)} (CPU ${cpu(process.cpuUsage(cpuFilled))}); memory growth: ` +
      Object.entries(growths)
        .map(([name, bytes]) => `${name} ${mb(bytes)}`)
        .join(', '),
  );
  for (const [name, bytes] of Object.entries(growths)) {
    t.true(bytes < MAX_GROWTH, `${name} held ${mb(bytes)} (bodies total ${mb(ENTRIES * BODY_BYTES)})`);
  }
}

test.serial('scale: 25 000 entries of 4 KiB in memory, maintenance reads one entry at a time', async (t) => {
  t.timeout(300_000);
  t.is(typeof gc, 'function', 'run with --expose-gc (ava nodeArguments)');
  const clock = { now: T0 };
  const engine = new CacheEngine({ backend: 'memory', serializer: sampling, clock: () => clock.now });
  t.teardown(() => engine.cache.close());
  await maintainAtScale(t, engine, clock, 'memory');
});

test.serial('scale: 25 000 entries of 4 KiB in SQLite, maintenance reads one entry at a time', async (t) => {
  t.timeout(300_000);
  t.is(typeof gc, 'function', 'run with --expose-gc (ava nodeArguments)');
  const clock = { now: T0 };
  const path = directory.file(uniqueCacheName('scale'));
  const engine = new CacheEngine({
    backend: 'sqlite',
    cacheName: path,
    serializer: sampling,
    clock: () => clock.now,
  });
  t.teardown(async () => {
    await engine.cache.close();
    removeSqliteFile(path);
  });
  // WAL without a sync per commit (the usual pairing): 25 000 single-entry writes without 25 000 fsyncs.
  const store = engine.keyv.store as { query(sql: string): Promise<unknown> };
  await store.query('PRAGMA synchronous=NORMAL');
  await maintainAtScale(t, engine, clock, 'sqlite');
});
