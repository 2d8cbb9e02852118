import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CacheEngine,
  type CacheEntry,
  type CacheOptions,
  ENTRY_VERSION,
  type ReqcacheError,
  type ResponseHeaders,
} from '@reqcache/core';
import { createTestServer, pseudoRandomBytes } from '@reqcache/test-server';
import type { ExecutionContext, TestFn } from 'ava';
import { fetchThrough } from './client.js';

/** How a store's test file plugs into {@link registerStoreSuite}. */
export interface StoreSuiteOptions {
  /** Shown in test titles, e.g. `'redis'`. */
  name: string;
  /**
   * Opens an engine on the store under test. `options.cacheName` is a fresh, identifier-safe name
   * (letters, digits, `_`) per test; map it as the store needs (a SQLite file in a temp directory).
   */
  createEngine(options: CacheOptions & { cacheName: string }): CacheEngine | Promise<CacheEngine>;
  /**
   * Removes whatever a cache name left on the store (file, namespace, table, database) after its
   * engines are closed; called once per cache name in teardown.
   */
  cleanup?(cacheName: string): void | Promise<void>;
  /** Whether a new engine on the same cache name sees what an earlier one stored. @default true */
  persistent?: boolean;
  /**
   * Runs the cases one at a time: for a slow in-process server, where concurrent cases would delay
   * the store-TTL case's writes past the TTL they set. @default false
   */
  serial?: boolean;
}

/** One open engine and what it reported. */
interface Opened {
  engine: CacheEngine;
  errors: ReqcacheError[];
  /** Closes the engine now (teardown then skips it). */
  close(): Promise<void>;
}

let sequence = 0;

/** A cache name no other test (or run) uses: letters, digits and `_`, valid for every store. */
export function uniqueCacheName(prefix = 'reqcache_suite'): string {
  sequence++;
  return `${prefix}_${process.pid}_${sequence}_${randomBytes(3).toString('hex')}`;
}

/** A stored entry for `url`, as the engine would write it. @internal */
export function makeEntry(
  url: string,
  body: Uint8Array,
  options: { expiresAt?: number | null; headers?: ResponseHeaders; createdAt?: number } = {},
): CacheEntry {
  const createdAt = options.createdAt ?? Date.now();
  return {
    v: ENTRY_VERSION,
    status: 200,
    statusText: 'OK',
    headers: {
      'content-type': 'application/octet-stream',
      'content-length': String(body.byteLength),
      ...options.headers,
    },
    body,
    url,
    request: { method: 'GET', url, headers: { accept: '*/*' } },
    history: [],
    createdAt,
    expiresAt: options.expiresAt === undefined ? null : options.expiresAt,
    requestedAt: createdAt,
    receivedAt: createdAt,
  };
}

/** Every byte value, then some: a body that breaks any text-based encoding that is not byte-exact. */
function binaryBody(length = 1024): Uint8Array {
  const body = new Uint8Array(length);
  for (let i = 0; i < length; i++) body[i] = i < 256 ? i : (i * 7919) & 0xff;
  return body;
}

function keyOf(engine: CacheEngine, url: string): string {
  return engine.createKey({ method: 'GET', url, headers: {} });
}

async function count<T>(items: AsyncIterable<T>): Promise<number> {
  let n = 0;
  for await (const _ of items) n++;
  return n;
}

/**
 * Registers the behaviour every reqcache storage backend must show, as ava tests titled
 * `store ${options.name}: <case>`, in the style of `@keyv/test-suite` but through reqcache's own
 * layer (`CacheEngine` and its `HttpCache`): byte-exact round trips, redirect aliases, overwrite,
 * delete, clear limited to one cache, iteration over 1 000 entries, store TTLs that really expire,
 * isolation of returned values, persistence across engines and close().
 *
 * @param test - ava's `test`.
 * @param options - The store under test.
 * @example
 * registerStoreSuite(test, {
 *   name: 'redis',
 *   createEngine: (options) => new CacheEngine({ ...options, backend: 'redis' }),
 * });
 */
export function registerStoreSuite(anyTest: TestFn, options: StoreSuiteOptions): void {
  const test = options.serial ? anyTest.serial : anyTest;
  const title = (name: string): string => `store ${options.name}: ${name}`;
  const persistent = options.persistent ?? true;

  /** Opens an engine on `cacheName`; teardown clears and closes it, then cleans the name up once. */
  async function open(
    t: ExecutionContext,
    cacheName: string,
    cleaned: Set<string>,
    extra: CacheOptions = {},
  ): Promise<Opened> {
    if (!cleaned.has(cacheName)) {
      cleaned.add(cacheName);
      // Registered first, so it runs after the engines' own teardowns (ava runs them in reverse).
      t.teardown(async () => {
        await options.cleanup?.(cacheName);
      });
    }
    const engine = await options.createEngine({ ...extra, cacheName });
    const errors: ReqcacheError[] = [];
    engine.on('error', (error) => errors.push(error));
    let closed = false;
    const close = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      await engine.cache.close();
    };
    t.teardown(async () => {
      if (closed) return;
      await engine.cache.clear();
      await close();
    });
    return { engine, errors, close };
  }

  test(title('a binary response round-trips byte-exact, and is served from the store'), async (t) => {
    const server = await createTestServer(t);
    const { engine, errors } = await open(t, uniqueCacheName(), new Set());
    const url = `${server.url}/bytes/4096?seed=7`;
    const first = await fetchThrough(engine, url);
    const second = await fetchThrough(engine, url);
    t.false(first.fromCache);
    t.true(second.fromCache);
    t.deepEqual(Buffer.from(second.body), pseudoRandomBytes(4096, 7));
    t.is(server.hits('/bytes/4096'), 1);

    const entry = makeEntry('https://example.org/binary', binaryBody(), {
      headers: { 'set-cookie': ['a=1', 'b=2'], etag: '"v1"' },
      expiresAt: Date.now() + 3_600_000,
    });
    const key = keyOf(engine, entry.url);
    t.true(await engine.cache.write(key, entry));
    const read = await engine.cache.read(key);
    t.is(read?.key, key);
    t.deepEqual(Buffer.from(read?.entry.body ?? []), Buffer.from(entry.body));
    t.deepEqual({ ...read?.entry, body: undefined }, { ...entry, body: undefined });
    t.deepEqual(errors, []);
  });

  test(title('redirect aliases resolve to the response and are pruned with it'), async (t) => {
    const { engine, errors } = await open(t, uniqueCacheName(), new Set());
    const entry = makeEntry('https://example.org/final', binaryBody(64));
    const key = keyOf(engine, entry.url);
    const alias = keyOf(engine, 'https://example.org/start');
    t.true(await engine.cache.write(key, entry, [alias]));
    const viaAlias = await engine.cache.read(alias);
    t.is(viaAlias?.key, key);
    t.deepEqual(Buffer.from(viaAlias?.entry.body ?? []), Buffer.from(entry.body));
    t.is(await engine.cache.redirects.get(alias), key);
    t.is(await engine.cache.responseCount(), 1);
    t.is(await engine.cache.redirects.count(), 1);
    t.true(await engine.cache.contains({ url: 'https://example.org/start' }));
    t.is(await engine.cache.delete({ keys: [key] }), 1);
    t.is(await engine.cache.read(alias), undefined);
    t.is(await engine.cache.redirects.count(), 0);
    t.deepEqual(errors, []);
  });

  test(title('writing a key again overwrites it'), async (t) => {
    const { engine, errors } = await open(t, uniqueCacheName(), new Set());
    const url = 'https://example.org/overwrite';
    const key = keyOf(engine, url);
    await engine.cache.write(key, makeEntry(url, new TextEncoder().encode('first')));
    await engine.cache.write(key, makeEntry(url, new TextEncoder().encode('second, longer')));
    const read = await engine.cache.read(key);
    t.is(new TextDecoder().decode(read?.entry.body), 'second, longer');
    t.is(await engine.cache.responseCount(), 1);
    t.deepEqual(await engine.cache.urls(), [url]);
    t.deepEqual(errors, []);
  });

  test(title('delete removes by key and by URL, and nothing else'), async (t) => {
    const { engine, errors } = await open(t, uniqueCacheName(), new Set());
    const urls = ['https://example.org/a', 'https://example.org/b', 'https://example.org/c'];
    for (const url of urls) await engine.cache.write(keyOf(engine, url), makeEntry(url, binaryBody(16)));
    t.is(await engine.cache.delete({ keys: [keyOf(engine, urls[0]!)] }), 1);
    t.is(await engine.cache.delete({ urls: [urls[1]!] }), 1);
    t.is(await engine.cache.delete({ keys: ['0'.repeat(64)] }), 0);
    t.false(await engine.cache.contains({ url: urls[0]! }));
    t.false(await engine.cache.contains({ url: urls[1]! }));
    t.true(await engine.cache.contains({ url: urls[2]! }));
    t.false(await engine.cache.responses.delete(keyOf(engine, urls[0]!)));
    t.true(await engine.cache.responses.delete(keyOf(engine, urls[2]!)));
    t.is(await engine.cache.responseCount(), 0);
    t.deepEqual(errors, []);
  });

  test(
    title('clear removes only this cache: another cache name on the same store keeps its entries'),
    async (t) => {
      const cleaned = new Set<string>();
      const one = await open(t, uniqueCacheName(), cleaned);
      const two = await open(t, uniqueCacheName(), cleaned);
      const urlOne = 'https://example.org/one';
      const urlTwo = 'https://example.org/two';
      await one.engine.cache.write(keyOf(one.engine, urlOne), makeEntry(urlOne, binaryBody(32)));
      await two.engine.cache.write(keyOf(two.engine, urlTwo), makeEntry(urlTwo, binaryBody(32)));
      t.deepEqual(await one.engine.cache.urls(), [urlOne]);
      t.deepEqual(await two.engine.cache.urls(), [urlTwo]);
      t.false(await one.engine.cache.contains({ url: urlTwo }));
      await one.engine.cache.clear();
      t.is(await one.engine.cache.responseCount(), 0);
      t.deepEqual(await two.engine.cache.urls(), [urlTwo]);
      t.truthy(await two.engine.cache.read(keyOf(two.engine, urlTwo)));
      t.deepEqual([...one.errors, ...two.errors], []);
    },
  );

  test(title('iteration over 1 000 entries: urls, counts, filter and delete({expired})'), async (t) => {
    const { engine, errors } = await open(t, uniqueCacheName(), new Set());
    const now = Date.now();
    const urls: string[] = [];
    for (let i = 0; i < 1000; i += 50) {
      const batch: Promise<boolean>[] = [];
      for (let j = i; j < i + 50; j++) {
        const url = `https://example.org/item/${String(j).padStart(4, '0')}`;
        urls.push(url);
        // Odd entries are expired; they keep a validator, so the store keeps them for revalidation.
        const entry =
          j % 2 === 1
            ? makeEntry(url, binaryBody(100), { expiresAt: now - 60_000, headers: { etag: `"${j}"` } })
            : makeEntry(url, binaryBody(100), { expiresAt: now + 3_600_000 });
        batch.push(engine.cache.write(keyOf(engine, url), entry));
      }
      t.true((await Promise.all(batch)).every(Boolean));
    }
    t.deepEqual(await engine.cache.urls(), urls);
    t.is(await engine.cache.responseCount(), 1000);
    t.is(await engine.cache.responseCount({ checkExpiry: true }), 500);
    t.is(await count(engine.cache.filter({ valid: false, expired: true })), 500);
    t.is(await count(engine.cache.keys()), 1000);
    t.is(await engine.cache.delete({ expired: true }), 500);
    const left = await engine.cache.urls();
    t.is(left.length, 500);
    t.true(left.every((url) => Number(url.slice(-4)) % 2 === 0));
    t.is(await engine.cache.responseCount(), 500);
    t.deepEqual(errors, []);
  });

  test(
    title('storeTtl: an entry without a validator gets a store TTL and really expires; others have none'),
    async (t) => {
      const { engine, errors } = await open(t, uniqueCacheName(), new Set(), { storeTtl: true });
      const expiring = 'https://example.org/expiring';
      const forever = 'https://example.org/forever';
      const revalidatable = 'https://example.org/revalidatable';
      const soon = Date.now() + 1500;
      await engine.cache.write(
        keyOf(engine, expiring),
        makeEntry(expiring, binaryBody(8), { expiresAt: soon }),
      );
      await engine.cache.write(
        keyOf(engine, forever),
        makeEntry(forever, binaryBody(8), { expiresAt: null }),
      );
      await engine.cache.write(
        keyOf(engine, revalidatable),
        makeEntry(revalidatable, binaryBody(8), { expiresAt: soon, headers: { etag: '"x"' } }),
      );
      const raw = await engine.keyv.get(keyOf(engine, expiring), { raw: true });
      t.is(typeof raw?.expires, 'number');
      t.true((raw?.expires ?? 0) <= soon + 1000);
      t.is((await engine.keyv.get(keyOf(engine, forever), { raw: true }))?.expires, undefined);
      t.is((await engine.keyv.get(keyOf(engine, revalidatable), { raw: true }))?.expires, undefined);
      // Real time must pass: this is what the store itself does with the TTL it was given.
      await sleep(Math.max(0, soon - Date.now()) + 500);
      t.is(await engine.keyv.get(keyOf(engine, expiring)), undefined);
      t.is(await engine.cache.read(keyOf(engine, expiring)), undefined);
      t.truthy(await engine.cache.read(keyOf(engine, forever)));
      t.truthy(await engine.cache.read(keyOf(engine, revalidatable)));
      t.deepEqual(await engine.cache.urls(), [forever, revalidatable]);
      t.deepEqual(errors, []);
    },
  );

  test(title('by default nothing gets a store TTL: expired entries stay until deleted'), async (t) => {
    const { engine, errors } = await open(t, uniqueCacheName(), new Set());
    const expired = 'https://example.org/expired';
    await engine.cache.write(keyOf(engine, expired), makeEntry(expired, binaryBody(8), { expiresAt: 1 }));
    t.is((await engine.keyv.get(keyOf(engine, expired), { raw: true }))?.expires, undefined);
    t.deepEqual(await engine.cache.urls(), [expired]);
    t.is(await engine.cache.delete({ expired: true }), 1);
    t.deepEqual(await engine.cache.urls(), []);
    t.deepEqual(errors, []);
  });

  test(
    title('values read cannot be changed in the store: shared reads are frozen, views are copies'),
    async (t) => {
      const { engine, errors } = await open(t, uniqueCacheName(), new Set());
      const url = 'https://example.org/copy';
      const key = keyOf(engine, url);
      const entry = makeEntry(url, binaryBody(16));
      await engine.cache.write(key, entry);
      entry.body[0] = 99;
      entry.headers['x-changed'] = 'after write';
      const first = await engine.cache.read(key);
      t.is(first?.entry.body[0], 0);
      t.is(first?.entry.headers['x-changed'], undefined);
      // The engine's own reads are either shared and frozen (changing them throws) or copies of their own.
      if (first !== undefined) {
        const read = first.entry;
        if (Object.isFrozen(read)) {
          t.throws(() => {
            read.headers['x-changed'] = 'after read';
          });
        } else {
          read.body[1] = 99;
          read.headers['x-changed'] = 'after read';
          read.status = 500;
        }
      }
      // What users get from the maintenance views is always their own copy.
      const viewed = await engine.cache.responses.get(key);
      if (viewed !== undefined) {
        viewed.body[1] = 99;
        viewed.headers['x-changed'] = 'after view';
      }
      const second = await engine.cache.read(key);
      t.is(second?.entry.body[1], 1);
      t.is(second?.entry.headers['x-changed'], undefined);
      t.is(second?.entry.status, 200);
      t.deepEqual(errors, []);
    },
  );

  if (persistent) {
    test(title('what one engine stored, a new engine on the same cache name serves'), async (t) => {
      const server = await createTestServer(t);
      const cacheName = uniqueCacheName();
      const cleaned = new Set<string>();
      const url = `${server.url}/bytes/2048?seed=3`;
      const writer = await open(t, cacheName, cleaned);
      t.false((await fetchThrough(writer.engine, url)).fromCache);
      await writer.close();
      const reader = await open(t, cacheName, cleaned);
      const served = await fetchThrough(reader.engine, url);
      t.true(served.fromCache);
      t.deepEqual(Buffer.from(served.body), pseudoRandomBytes(2048, 3));
      t.is(server.hits('/bytes/2048'), 1);
      t.deepEqual([...writer.errors, ...reader.errors], []);
    });
  } else {
    test(title('each engine has its own store'), async (t) => {
      const cacheName = uniqueCacheName();
      const cleaned = new Set<string>();
      const url = 'https://example.org/own';
      const one = await open(t, cacheName, cleaned);
      await one.engine.cache.write(keyOf(one.engine, url), makeEntry(url, binaryBody(8)));
      const two = await open(t, cacheName, cleaned);
      t.is(await two.engine.cache.responseCount(), 0);
      t.is(await one.engine.cache.responseCount(), 1);
    });
  }

  test(title('close(): kept open with autoclose off; after closing, requests still succeed'), async (t) => {
    const server = await createTestServer(t);
    const { engine, errors, close } = await open(t, uniqueCacheName(), new Set());
    const url = `${server.url}/bytes/64`;
    await fetchThrough(engine, url);
    engine.settings.autoclose = false;
    await engine.cache.close();
    t.true((await fetchThrough(engine, url)).fromCache);
    engine.settings.autoclose = true;
    await engine.cache.clear();
    await close();
    // A closed store may fail (reported, never thrown) or reconnect; the request succeeds either way.
    const after = await fetchThrough(engine, url);
    t.is(after.status, 200);
    t.deepEqual(Buffer.from(after.body), pseudoRandomBytes(64, 42));
    t.true(errors.every((error) => error.code === 'ERR_CACHE_STORE'));
    // Whatever reconnected is closed again (closing twice is safe).
    await engine.cache.close();
  });
}
