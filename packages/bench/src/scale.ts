/**
 * Scale rows: the cost of a hit and the resident memory with 1 000 … 1 000 000 stored entries.
 * The store is filled directly through `engine.cache.write()` with small entries, in batches.
 * @module
 */
import { join } from 'node:path';
import type { CacheEntry } from '@reqcache/core';
import { withCache } from '@reqcache/fetch';
import type { Origin } from './origin.js';

/** One scale configuration, filled and ready to be measured. */
export interface ScaleRow {
  store: 'memory' | 'sqlite';
  entries: number;
  /** Time to fill the store, ms. */
  populateMs: number;
  /** How it was filled: `write()`, or `write()` then bulk INSERTs when `write()` alone would exceed two minutes. */
  populateMethod: string;
  /** `process.memoryUsage().rss` after filling minus before (after a forced GC when available), bytes. */
  rssDeltaBytes: number;
  /** Sends one request for a random stored URL and reads its body. */
  run(): Promise<void>;
  close(): Promise<void>;
}

/** Entries written per batch (concurrently; one transaction per batch for SQLite). */
const BATCH = 5000;
/** Past this projected fill time, SQLite is filled with bulk INSERTs instead of one `write()` per entry. */
const BULK_AFTER_MS = 120_000;
/** Rows per INSERT statement (two parameters each, well under SQLite's limit). */
const ROWS_PER_INSERT = 500;
const encoder = new TextEncoder();

type SqliteStore = { query(sql: string, ...parameters: unknown[]): Promise<unknown> };
type Engine = ReturnType<typeof withCache>['engine'];

/** Fills a store with `entries` small fresh responses under `<origin>/scale/<i>` and returns the row. */
export async function buildScaleRow(
  store: 'memory' | 'sqlite',
  entries: number,
  origin: Origin,
  directory: string,
  log: (line: string) => void,
): Promise<ScaleRow> {
  gc();
  const rssBefore = process.memoryUsage().rss;
  const options =
    store === 'sqlite'
      ? { backend: store, cacheControl: true, cacheName: join(directory, `scale-${entries}.sqlite`) }
      : { backend: store, cacheControl: true };
  const cached = withCache(globalThis.fetch, options);
  const engine = cached.engine;
  const sqlite = store === 'sqlite' ? (engine.keyv.store as SqliteStore) : undefined;
  const base = `${origin.url}/scale/`;
  const nowMs = Date.now();
  const started = performance.now();
  let lastLog = started;
  let bulkFrom: number | undefined;
  for (let from = 0; from < entries; from += BATCH) {
    const to = Math.min(entries, from + BATCH);
    if (sqlite !== undefined) await sqlite.query('BEGIN');
    if (sqlite !== undefined && bulkFrom !== undefined) {
      await bulkInsert(engine, sqlite, base, from, to, nowMs);
    } else {
      const writes: Promise<boolean>[] = [];
      for (let i = from; i < to; i++) {
        const url = base + i;
        writes.push(engine.cache.write(keyOf(engine, url), smallEntry(url, i, nowMs)));
      }
      await Promise.all(writes);
    }
    if (sqlite !== undefined) await sqlite.query('COMMIT');
    const elapsedMs = performance.now() - started;
    const projectedMs = (elapsedMs / to) * entries;
    if (sqlite !== undefined && bulkFrom === undefined && elapsedMs > 5000 && projectedMs > BULK_AFTER_MS) {
      bulkFrom = to;
      log(`  … write() projects ${Math.round(projectedMs / 1000)} s: bulk INSERTs from entry ${to}`);
    }
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      log(`  … ${store}: ${to.toLocaleString('en-US')} / ${entries.toLocaleString('en-US')} entries written`);
    }
  }
  const populateMs = performance.now() - started;
  gc();
  const rssDeltaBytes = process.memoryUsage().rss - rssBefore;
  let seed = entries;
  return {
    store,
    entries,
    populateMs,
    populateMethod:
      bulkFrom === undefined ? 'write()' : `write() × ${bulkFrom.toLocaleString('en-US')}, then bulk INSERT`,
    rssDeltaBytes,
    run: async () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const response = await cached(base + (seed % entries));
      await response.arrayBuffer();
    },
    close: () => cached.engine.keyv.disconnect(),
  };
}

function keyOf(engine: Engine, url: string): string {
  return engine.createKey({ method: 'GET', url, headers: {} });
}

/**
 * Inserts entries `from`…`to` the way the SQLite store keeps them (`<namespace>:<key>` → Keyv's JSON of
 * the serialized entry), 500 rows per statement: what `write()` stores, minus the TTL.
 */
async function bulkInsert(
  engine: Engine,
  sqlite: SqliteStore,
  base: string,
  from: number,
  to: number,
  nowMs: number,
): Promise<void> {
  const namespace = engine.keyv.namespace;
  for (let start = from; start < to; start += ROWS_PER_INSERT) {
    const end = Math.min(to, start + ROWS_PER_INSERT);
    const parameters: unknown[] = [];
    const rows: string[] = [];
    for (let i = start; i < end; i++) {
      const url = base + i;
      const key = keyOf(engine, url);
      const value = engine.serializer.dumps(smallEntry(url, i, nowMs));
      parameters.push(namespace ? `${namespace}:${key}` : key, await engine.keyv.serializeData({ value }));
      rows.push('(?, ?)');
    }
    await sqlite.query(
      `INSERT INTO responses (key, value) VALUES ${rows.join(', ')} ON CONFLICT(key) DO UPDATE SET value=excluded.value`,
      ...parameters,
    );
  }
}

function smallEntry(url: string, i: number, nowMs: number): CacheEntry {
  const body = encoder.encode(`{"i":${i}}`);
  return {
    v: 1,
    status: 200,
    statusText: 'OK',
    headers: {
      'content-type': 'application/json',
      'content-length': String(body.byteLength),
      'cache-control': 'public, max-age=86400',
    },
    body,
    url,
    request: { method: 'GET', url, headers: {} },
    history: [],
    createdAt: nowMs,
    expiresAt: nowMs + 86_400_000,
    requestedAt: nowMs,
    receivedAt: nowMs,
  };
}

/** A full GC when the process runs with `--expose-gc` (else nothing). */
export function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect !== undefined) {
    collect();
    collect();
  }
}
