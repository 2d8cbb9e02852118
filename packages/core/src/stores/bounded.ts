import { EventEmitter } from 'node:events';
import type { KeyvStoreAdapter } from 'keyv';

/** The size bound of a {@link BoundedStore}: at least one of the two. */
export interface StoreBounds {
  /** At most this many stored values (responses, and one small value per redirect hop). */
  maxEntries?: number;
  /** At most this many bytes of stored values (as the store receives them from Keyv). */
  maxBytes?: number;
}

/** What a Keyv store can be: a `Map` (Keyv's memory store) or a store adapter. */
type InnerStore = Map<string, unknown> | KeyvStoreAdapter;

/** The parts of a SQLite store (`@reqcache/store-sqlite`, `@keyv/sqlite`) the access log uses. */
interface SqliteAdapter {
  opts: { dialect: 'sqlite'; table: string };
  query(sql: string, ...parameters: unknown[]): Promise<Array<Record<string, unknown>>>;
}

/** How long (ms) read times wait before they are written to SQLite in one statement. */
const ACCESS_FLUSH_MS = 200;

/**
 * A Keyv store with a least-recently-used size bound, over any other Keyv store (a `Map`, a SQLite store,
 * `@keyv/redis`, …): before a write would take the store past `maxEntries` values or `maxBytes` bytes,
 * the values least recently read or written are deleted from it. A value larger than `maxBytes` is not
 * stored (and the key's previous value is deleted). Sizes are those of the values Keyv hands the store:
 * Keyv's JSON text of the serialized response, so a little more than the response itself.
 *
 * The recency index (keys and sizes, never values) is built on first use by listing the inner store;
 * then reads and writes keep it. Over SQLite (`@reqcache/store-sqlite`, `@keyv/sqlite`) the order survives restarts: each value's last
 * access time is kept in an `accessed` column beside it (written in batches, at most
 * {@link ACCESS_FLUSH_MS} ms late, and on `disconnect()`). Over other stores the order restarts, on
 * opening, from the order in which the store lists its keys. Several processes sharing one store each
 * enforce the bound on what they have seen: their own writes, the values present when they opened, and
 * any other value they read.
 *
 * @example
 * const keyv = new Keyv({ store: new BoundedStore(new Map(), { maxEntries: 1000 }) });
 */
export class BoundedStore extends EventEmitter implements KeyvStoreAdapter {
  readonly #inner: InnerStore;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  /** Key → size, least recently used first (a Map keeps insertion order). */
  #index = new Map<string, number>();
  #bytes = 0;
  #ready: Promise<void> | undefined;
  /** Writes and deletes run one at a time: an eviction never races the write of the key it evicts. */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #sqlite: SqliteAccessLog | undefined;
  /** Keyv reads this to decide whether the store can be listed: the inner store's options. */
  readonly opts: Record<string, unknown>;
  /** Present when the inner store has its own `has` (Keyv then calls it instead of `get`). */
  readonly has?: (key: string) => Promise<boolean>;

  constructor(inner: InnerStore, bounds: StoreBounds) {
    super();
    this.#inner = inner;
    this.#maxEntries = bounds.maxEntries ?? Number.POSITIVE_INFINITY;
    this.#maxBytes = bounds.maxBytes ?? Number.POSITIVE_INFINITY;
    const opts = inner instanceof Map ? undefined : (inner.opts as Record<string, unknown> | undefined);
    this.opts = opts ?? { url: '' };
    if (!(inner instanceof Map) && typeof inner.has === 'function') {
      const has = inner.has.bind(inner);
      this.has = (key) => has(key);
    }
    this.#sqlite = isSqliteAdapter(inner) ? new SqliteAccessLog(inner) : undefined;
    // Local stores are indexed right away, so the first call does not wait for it (a failure is retried then).
    if (inner instanceof Map || this.#sqlite !== undefined) this.#ensure().catch(() => {});
  }

  /** The store this one bounds. */
  get inner(): InnerStore {
    return this.#inner;
  }

  /** The namespace Keyv gives the store, passed on to the inner store (Redis prefixes keys with it). */
  get namespace(): string | undefined {
    return this.#inner instanceof Map ? undefined : this.#inner.namespace;
  }

  set namespace(namespace: string | undefined) {
    if (!(this.#inner instanceof Map)) this.#inner.namespace = namespace;
  }

  /** How many values and bytes the store holds, as far as this process knows. */
  async usage(): Promise<{ entries: number; bytes: number }> {
    await this.#ensure();
    return { entries: this.#index.size, bytes: this.#bytes };
  }

  override on(event: string | symbol, listener: (...args: unknown[]) => void): this {
    super.on(event, listener);
    // The inner store's own events (errors) reach the listener directly.
    const inner = this.#inner;
    if (!(inner instanceof Map) && typeof event === 'string' && typeof inner.on === 'function')
      inner.on(event, listener);
    return this;
  }

  async get<Value>(key: string): Promise<Value | undefined> {
    await this.#ensure();
    const value = (await this.#inner.get(key)) as Value | undefined;
    if (value === undefined || value === null) this.#forget(key);
    else this.#touch(key, this.#index.get(key) ?? sizeOf(value));
    return value;
  }

  async getMany<Value>(keys: string[]): Promise<Array<Value | undefined>> {
    await this.#ensure();
    const inner = this.#inner;
    const values = (
      inner instanceof Map || typeof inner.getMany !== 'function'
        ? await Promise.all(keys.map(async (key) => inner.get(key)))
        : await inner.getMany(keys)
    ) as Array<Value | undefined>;
    keys.forEach((key, position) => {
      const value = values[position];
      if (value === undefined || value === null) this.#forget(key);
      else this.#touch(key, this.#index.get(key) ?? sizeOf(value));
    });
    return values;
  }

  set(key: string, value: unknown, ttl?: number): Promise<unknown> {
    return this.#exclusive(() => this.#set(key, value, ttl));
  }

  delete(key: string): Promise<boolean> {
    return this.#exclusive(async () => {
      await this.#ensure();
      const deleted = await this.#inner.delete(key);
      this.#forget(key);
      return deleted;
    });
  }

  deleteMany(keys: string[]): Promise<boolean> {
    return this.#exclusive(async () => {
      await this.#ensure();
      const deleted = await this.#deleteInner(keys);
      for (const key of keys) this.#forget(key);
      return deleted;
    });
  }

  clear(): Promise<void> {
    return this.#exclusive(async () => {
      await this.#inner.clear();
      this.#index = new Map();
      this.#bytes = 0;
      this.#ready = Promise.resolve();
      this.#sqlite?.forgetAll();
    });
  }

  async #set(key: string, value: unknown, ttl?: number): Promise<unknown> {
    await this.#ensure();
    const size = sizeOf(value);
    if (size > this.#maxBytes) {
      // Too large to keep: the key's previous value goes too, so an outdated response is not served.
      if (this.#index.has(key)) await this.#remove([key]);
      return false;
    }
    this.#touch(key, size, false);
    const victims: string[] = [];
    for (const [candidate, candidateSize] of this.#index) {
      if (this.#index.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      if (candidate === key) continue;
      this.#index.delete(candidate);
      this.#bytes -= candidateSize;
      victims.push(candidate);
    }
    try {
      // Evict first: the store never holds more than the bound.
      if (victims.length > 0) await this.#deleteInner(victims);
      if (this.#inner instanceof Map) {
        this.#inner.set(key, value);
        return true;
      }
      const result = await this.#inner.set(key, value, ttl);
      // Stamped once the row exists (an earlier stamp could reach SQLite before the row does).
      this.#sqlite?.touch(key);
      return result;
    } catch (error) {
      this.#ready = undefined; // rebuilt from the store on next use
      throw error;
    }
  }

  /** Lists the inner store (values unchanged, recency unchanged). */
  async *iterator<Value>(
    namespace?: string,
  ): AsyncGenerator<Array<string | Awaited<Value> | undefined>, void> {
    const inner = this.#inner;
    if (inner instanceof Map) {
      for (const [key, value] of inner) yield [key, value as Awaited<Value>];
      return;
    }
    if (typeof inner.iterator !== 'function') return;
    yield* inner.iterator<Value>(namespace);
  }

  async disconnect(): Promise<void> {
    await this.#sqlite?.flush();
    if (!(this.#inner instanceof Map)) await this.#inner.disconnect?.();
  }

  #exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(operation, operation);
    this.#queue = run.catch(() => {});
    return run;
  }

  #ensure(): Promise<void> {
    this.#ready ??= this.#build().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async #build(): Promise<void> {
    // Started from the constructor: Keyv gives the store its namespace just after, synchronously.
    await Promise.resolve();
    const index = new Map<string, number>();
    let bytes = 0;
    if (this.#sqlite !== undefined) {
      for (const [key, size] of await this.#sqlite.load(this.namespace)) {
        index.set(key, size);
        bytes += size;
      }
    } else {
      for await (const [key, value] of this.iterator(this.namespace)) {
        if (typeof key !== 'string') continue;
        const size = sizeOf(value);
        bytes += size - (index.get(key) ?? 0);
        index.set(key, size);
      }
    }
    this.#index = index;
    this.#bytes = bytes;
  }

  #touch(key: string, size: number, log = true): void {
    const previous = this.#index.get(key);
    if (previous !== undefined) this.#index.delete(key);
    this.#index.set(key, size);
    this.#bytes += size - (previous ?? 0);
    if (log) this.#sqlite?.touch(key);
  }

  #forget(key: string): void {
    const previous = this.#index.get(key);
    if (previous === undefined) return;
    this.#index.delete(key);
    this.#bytes -= previous;
  }

  async #remove(keys: string[]): Promise<void> {
    for (const key of keys) this.#forget(key);
    await this.#deleteInner(keys);
  }

  async #deleteInner(keys: string[]): Promise<boolean> {
    const inner = this.#inner;
    if (keys.length === 0) return false;
    if (inner instanceof Map) return keys.map((key) => inner.delete(key)).some(Boolean);
    if (typeof inner.deleteMany === 'function') return inner.deleteMany(keys);
    return (await Promise.all(keys.map(async (key) => inner.delete(key)))).some(Boolean);
  }
}

/**
 * The last access time of each value of a SQLite store's table, in an `accessed` column (added if missing) beside
 * `value` (µs since the epoch, kept increasing within a process; NULL for values written by a process
 * without a bound, which count as the oldest). Writing it is best-effort: a failure loses only order.
 */
class SqliteAccessLog {
  readonly #store: SqliteAdapter;
  readonly #pending = new Map<string, number>();
  #last = 0;
  #timer: NodeJS.Timeout | undefined;
  #prepared: Promise<void> | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(store: SqliteAdapter) {
    this.#store = store;
  }

  get #table(): string {
    return this.#store.opts.table;
  }

  /** Keys and sizes (bytes) of the namespace's values, least recently used first. */
  async load(namespace: string | undefined): Promise<Array<[string, number]>> {
    await this.#prepare();
    const rows = await this.#store.query(
      `SELECT key, length(CAST(value AS BLOB)) AS size FROM ${this.#table} WHERE key LIKE ? ORDER BY accessed, rowid`,
      namespace ? `${namespace}:%` : '%',
    );
    return rows.map((row) => [String(row['key']), Number(row['size'] ?? 0)]);
  }

  touch(key: string): void {
    this.#last = Math.max(Date.now() * 1000, this.#last + 1);
    this.#pending.delete(key);
    this.#pending.set(key, this.#last);
    this.#timer ??= setTimeout(() => void this.flush(), ACCESS_FLUSH_MS).unref();
  }

  forgetAll(): void {
    this.#pending.clear();
  }

  /** Writes the pending access times in one statement (after any write of them still under way). */
  flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.size === 0) return this.#flushing;
    const stamps = JSON.stringify([...this.#pending]);
    this.#pending.clear();
    this.#flushing = this.#flushing.then(() => this.#write(stamps));
    return this.#flushing;
  }

  async #write(stamps: string): Promise<void> {
    try {
      await this.#prepare();
      await this.#store.query(
        `UPDATE ${this.#table} SET accessed = s.stamp FROM (SELECT json_extract(value, '$[0]') AS k, json_extract(value, '$[1]') AS stamp FROM json_each(?)) AS s WHERE ${this.#table}.key = s.k`,
        stamps,
      );
    } catch {
      // Best-effort: the values stay, only their order since the last flush is lost.
    }
  }

  #prepare(): Promise<void> {
    this.#prepared ??= (async () => {
      const columns = await this.#store.query(`PRAGMA table_info(${this.#table})`);
      if (columns.some((column) => column['name'] === 'accessed')) return;
      try {
        await this.#store.query(`ALTER TABLE ${this.#table} ADD COLUMN accessed INTEGER`);
      } catch (error) {
        // Another process added it first.
        if (!/duplicate column/i.test(String((error as Error).message))) throw error;
      }
    })().catch((error: unknown) => {
      this.#prepared = undefined;
      throw error;
    });
    return this.#prepared;
  }
}

function isSqliteAdapter(store: InnerStore): store is KeyvStoreAdapter & SqliteAdapter {
  if (store instanceof Map) return false;
  const opts = store.opts as { dialect?: unknown; table?: unknown } | undefined;
  return (
    opts?.dialect === 'sqlite' &&
    typeof opts.table === 'string' &&
    typeof (store as Partial<SqliteAdapter>).query === 'function'
  );
}

/**
 * The size of a value as stored: UTF-8 bytes of text, byte length of binary data; for a record Keyv
 * keeps without its JSON layer (`{value, expires}`, the memory backend), the size of its value.
 */
export function sizeOf(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return value.byteLength;
  if (value === undefined || value === null) return 0;
  if (typeof value === 'object' && 'value' in value) return sizeOf(value.value);
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}
