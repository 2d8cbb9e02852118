import { EventEmitter } from 'node:events';
import {
  type Database,
  type DriverName,
  loadDriver,
  openDatabase,
  type Row,
  type Statement,
} from './driver.js';

/** What Keyv hands a store when it does not serialize (`keyv.serialize = undefined`), and gets back. */
export interface KeyvRecord {
  value: unknown;
  /** Epoch ms after which Keyv treats the value as gone. */
  expires?: number | undefined;
}

/** Options of {@link KeyvSqlite}; the names follow `@keyv/sqlite`. */
export interface KeyvSqliteOptions {
  /** The database: `sqlite://path`, a path, or `:memory:`. @default ':memory:' */
  uri?: string;
  /** The table (a plain SQL identifier). @default 'keyv' */
  table?: string;
  /** How long (ms) a statement waits for another connection's lock before failing. @default 5000 */
  busyTimeout?: number;
  /** Switch the file to WAL mode (readers never wait for the writer). @default true */
  wal?: boolean;
  /** Rows read per page when listing. @default 10 */
  iterationLimit?: number;
  /** The driver: `node:sqlite` where the running Node has it, else `better-sqlite3`. @default 'auto' */
  driver?: DriverName | 'auto';
  /**
   * Reads rows that hold Keyv's serialized text (written by `@keyv/sqlite`, or by a Keyv that
   * serializes) as records, for a Keyv that does not serialize. Without it such rows are returned as the
   * text they hold, which is what a serializing Keyv expects.
   */
  decodeText?: (text: string) => KeyvRecord;
  /**
   * Bytes of recently read text values kept in memory, so a read of an unchanged row hands back the same
   * (immutable) string without copying it out of SQLite again (what makes large values as cheap as small
   * ones; bytes are not kept: a reader could change them). Records come back frozen. A
   * value is dropped when this connection writes its key; everything is dropped when another connection
   * (another process) has written to the file (`PRAGMA data_version`, checked on every read). 0 turns it
   * off. @default 33554432 (32 MiB)
   */
  readCacheBytes?: number;
}

/**
 * The row format, in the `v` column. `NULL`: `value` is Keyv's serialized text (what `@keyv/sqlite`
 * writes, and what a serializing Keyv hands any store). 1: `value` is the record's value as it came,
 * text or bytes. 2: `value` is the JSON text of any other value. A higher number (a newer format) is
 * an unreadable row.
 */
export const ROW_FORMAT = Object.freeze({ raw: 1, json: 2 });

/** A row this store cannot read (an unknown format, or text that does not decode): a corrupt entry. */
export class UnreadableRowError extends SyntaxError {
  readonly key: string;
  constructor(key: string, message: string, options?: { cause?: unknown }) {
    super(`The SQLite row ${key} cannot be read: ${message}`, options);
    this.name = 'UnreadableRowError';
    this.key = key;
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Statements {
  get: Statement;
  set: Statement;
  has: Statement;
  dataVersion: Statement;
  delete: Statement;
  deleteMany: Statement;
  getMany: Statement;
  firstPage: Statement;
  nextPage: Statement;
  clearRange: Statement;
  clearAll: Statement;
  deleteExpired: Statement;
}

/**
 * A synchronous SQLite store for Keyv 5 (`new Keyv({store: new KeyvSqlite({uri})})`), on `node:sqlite`
 * where the running Node has it (22.13+) and on `better-sqlite3` 12 elsewhere. Every call runs a
 * prepared statement on the calling thread: a read costs microseconds, with no worker thread and no
 * second JSON layer. One row per entry: `key` (primary key), `value` (the bytes or text as stored),
 * `expires` (epoch ms, indexed, so expired rows are found and deleted without reading values), `v`
 * (the row format, {@link ROW_FORMAT}) and `accessed` (last use, for a least-recently-used bound).
 *
 * For a Keyv that does not serialize (`keyv.serialize = undefined`), records are stored as they come:
 * a string or bytes value is kept as is. A serializing Keyv's text is stored (and returned) as text.
 * The file is opened on first use, in WAL mode with a busy timeout, so several processes can share it;
 * a file that cannot be opened fails each call (and is tried again on the next).
 */
export class KeyvSqlite extends EventEmitter {
  /** Keyv reads `opts` (the dialect tells it the store can list its keys). */
  readonly opts: {
    dialect: 'sqlite';
    url: string;
    uri: string;
    table: string;
    busyTimeout: number;
    wal: boolean;
    iterationLimit: number;
    driver: DriverName;
  };
  /** Set by Keyv: keys are `<namespace>:<key>`, and `clear()` removes only the namespace's. */
  namespace: string | undefined;
  /** The database file (or `:memory:`). */
  readonly path: string;
  /** Why the file could not switch to WAL mode (it then stays in rollback-journal mode), if it could not. */
  walError: Error | undefined;
  readonly #decodeText: ((text: string) => KeyvRecord) | undefined;
  #db: Database | undefined;
  #statements: Statements | undefined;
  #closed = false;
  readonly #readCache: ReadCache | undefined;

  constructor(options: KeyvSqliteOptions = {}) {
    super();
    const uri = options.uri ?? ':memory:';
    const table = options.table ?? 'keyv';
    if (typeof uri !== 'string') throw new TypeError(`uri must be a string, got ${typeof uri}`);
    if (!IDENTIFIER.test(table)) throw new TypeError(`table must be a plain SQL identifier, got "${table}"`);
    const busyTimeout = options.busyTimeout ?? 5000;
    if (!Number.isSafeInteger(busyTimeout) || busyTimeout < 0)
      throw new TypeError(`busyTimeout must be a non-negative integer (ms), got ${busyTimeout}`);
    const iterationLimit = options.iterationLimit ?? 10;
    if (!Number.isSafeInteger(iterationLimit) || iterationLimit <= 0)
      throw new TypeError(`iterationLimit must be a positive integer, got ${iterationLimit}`);
    this.path = uri.replace(/^sqlite:\/\//, '');
    this.opts = {
      dialect: 'sqlite',
      url: uri,
      uri,
      table,
      busyTimeout,
      wal: options.wal !== false,
      iterationLimit,
      driver: loadDriver(options.driver ?? 'auto'),
    };
    this.#decodeText = options.decodeText;
    const readCacheBytes = options.readCacheBytes ?? 32 * 1024 * 1024;
    if (!Number.isSafeInteger(readCacheBytes) || readCacheBytes < 0)
      throw new TypeError(`readCacheBytes must be a non-negative integer, got ${readCacheBytes}`);
    this.#readCache = readCacheBytes > 0 ? new ReadCache(readCacheBytes) : undefined;
  }

  async get<Value>(key: string): Promise<Value | undefined> {
    const statements = this.#statements_();
    const cache = this.#readCache;
    if (cache === undefined) {
      const row = statements.get.get(key);
      return row === undefined ? undefined : (this.#read(key, row) as Value);
    }
    // Another connection wrote since the last read: nothing kept may be current.
    cache.validate(Number(statements.dataVersion.get()?.['data_version']));
    const kept = cache.get(key);
    if (kept !== undefined) return kept as Value;
    const row = statements.get.get(key);
    if (row === undefined) return undefined;
    const value = this.#read(key, row);
    // Only immutable values are shared between reads: text, or a record holding text (bytes could be changed).
    const record = value as KeyvRecord | string;
    if (typeof record === 'string' || typeof record?.value === 'string')
      cache.set(key, typeof record === 'string' ? record : Object.freeze(record), row['value']);
    return value as Value;
  }

  async getMany<Value>(keys: string[]): Promise<Array<Value | undefined>> {
    const rows = new Map<string, Row>();
    for (const row of this.#statements_().getMany.all(JSON.stringify(keys)))
      rows.set(String(row['key']), row);
    return keys.map((key) => {
      const row = rows.get(key);
      return row === undefined ? undefined : (this.#read(key, row) as Value);
    });
  }

  async set(key: string, value: unknown, ttl?: number): Promise<boolean> {
    this.#write(key, value, ttl);
    return true;
  }

  /** Writes several entries in one transaction (Keyv's `setMany`). */
  async setMany(entries: Array<{ key: string; value: unknown; ttl?: number }>): Promise<boolean[]> {
    this.transaction(() => {
      for (const { key, value, ttl } of entries) this.#write(key, value, ttl);
    });
    return entries.map(() => true);
  }

  async has(key: string): Promise<boolean> {
    const row = this.#statements_().has.get(key);
    if (row === undefined) return false;
    const expires = row['expires'];
    return typeof expires !== 'number' || expires >= Date.now();
  }

  async delete(key: string): Promise<boolean> {
    this.#readCache?.delete(key);
    return Number(this.#statements_().delete.run(key).changes) > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    if (keys.length === 0) return false;
    for (const key of keys) this.#readCache?.delete(key);
    return Number(this.#statements_().deleteMany.run(JSON.stringify(keys)).changes) > 0;
  }

  async clear(): Promise<void> {
    this.#readCache?.clear();
    const statements = this.#statements_();
    const range = namespaceRange(this.namespace);
    if (range === undefined) statements.clearAll.run();
    else statements.clearRange.run(range[0], range[1]);
  }

  /**
   * Deletes every row whose `expires` has passed (on the index, without reading values); returns how many.
   */
  deleteExpired(nowMs: number = Date.now()): number {
    this.#readCache?.clear();
    return Number(this.#statements_().deleteExpired.run(nowMs).changes);
  }

  /**
   * Lists the namespace's rows, `[key, value]`, in key order, a page at a time (keyset pagination on the
   * primary key: rows deleted while listing never shift the pages). Values are what {@link get} returns.
   */
  async *iterator(namespace?: string): AsyncGenerator<[string, unknown], void> {
    const range = namespaceRange(namespace) ?? ['', undefined];
    const limit = this.opts.iterationLimit;
    let after: string | undefined;
    while (true) {
      const statements = this.#statements_();
      const end = range[1] ?? null;
      const rows =
        after === undefined
          ? statements.firstPage.all(range[0], end, end, limit)
          : statements.nextPage.all(after, end, end, limit);
      for (const row of rows) {
        const key = String(row['key']);
        let value: unknown;
        try {
          value = this.#read(key, row);
        } catch {
          // Listed as the text it holds: the caller sees an entry it cannot decode (an invalid one).
          value = this.#decodeText === undefined ? row['value'] : { value: row['value'] };
        }
        yield [key, value];
      }
      if (rows.length < limit) return;
      after = String(rows[rows.length - 1]?.['key']);
    }
  }

  /**
   * Runs any SQL statement and resolves to its rows (none for statements that return no data), as
   * `@keyv/sqlite`'s `query` does: `query(sql, ...parameters)` or `query(sql, [parameters])`.
   */
  async query(sql: string, ...parameters: unknown[]): Promise<Row[]> {
    const list = parameters.length === 1 && Array.isArray(parameters[0]) ? parameters[0] : parameters;
    // Any statement may change rows: nothing kept is trusted after it.
    this.#readCache?.clear();
    return this.#database().query(sql, list);
  }

  /** Runs `work` inside one immediate transaction (committed when it returns, rolled back when it throws). */
  transaction<T>(work: () => T): T {
    const db = this.#database();
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }

  async disconnect(): Promise<void> {
    this.#readCache?.clear();
    this.#closed = true;
    this.#statements = undefined;
    const db = this.#db;
    this.#db = undefined;
    db?.close();
  }

  #write(key: string, value: unknown, ttl: number | undefined): void {
    let stored: unknown;
    let expires: number | null;
    let format: number | null;
    if (typeof value === 'string') {
      // A serializing Keyv's text: kept as text, its TTL in the column.
      stored = value;
      format = null;
      expires = typeof ttl === 'number' && ttl > 0 ? Date.now() + ttl : null;
    } else {
      const record = value as KeyvRecord | null | undefined;
      if (typeof record !== 'object' || record === null || !('value' in record))
        throw new TypeError(`KeyvSqlite stores Keyv records ({value, expires}) or text, got ${typeof value}`);
      expires = typeof record.expires === 'number' ? record.expires : null;
      const inner = record.value;
      if (typeof inner === 'string') {
        stored = inner;
        format = ROW_FORMAT.raw;
      } else if (inner instanceof Uint8Array) {
        stored = Buffer.isBuffer(inner)
          ? inner
          : Buffer.from(inner.buffer, inner.byteOffset, inner.byteLength);
        format = ROW_FORMAT.raw;
      } else {
        stored = JSON.stringify(inner ?? null);
        format = ROW_FORMAT.json;
      }
    }
    this.#readCache?.delete(key);
    this.#statements_().set.run(key, stored, expires, format);
  }

  #read(key: string, row: Row): unknown {
    const format = row['v'];
    const value = row['value'];
    if (format === null || format === undefined) {
      if (this.#decodeText === undefined) return value;
      if (typeof value !== 'string') throw new UnreadableRowError(key, 'Keyv text expected');
      try {
        return this.#decodeText(value);
      } catch (error) {
        throw new UnreadableRowError(key, (error as Error).message, { cause: error });
      }
    }
    const expires = typeof row['expires'] === 'number' ? row['expires'] : undefined;
    if (format === ROW_FORMAT.raw) {
      const bytes = value instanceof Uint8Array && !Buffer.isBuffer(value);
      return {
        value: bytes ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value,
        expires,
      };
    }
    if (format === ROW_FORMAT.json) {
      try {
        return { value: JSON.parse(String(value)) as unknown, expires };
      } catch (error) {
        throw new UnreadableRowError(key, (error as Error).message, { cause: error });
      }
    }
    throw new UnreadableRowError(key, `row format ${String(format)} is not known to this version`);
  }

  #database(): Database {
    if (this.#db !== undefined) return this.#db;
    if (this.#closed) throw new Error(`The SQLite store ${this.path} is closed`);
    const db = openDatabase(this.path, this.opts.driver);
    try {
      this.#prepareSchema(db);
    } catch (error) {
      db.close();
      throw error;
    }
    this.#db = db;
    return db;
  }

  #statements_(): Statements {
    if (this.#statements !== undefined) return this.#statements;
    const db = this.#database();
    const t = this.opts.table;
    this.#statements = {
      get: db.prepare(`SELECT value, expires, v FROM ${t} WHERE key = ?`),
      set: db.prepare(
        `INSERT INTO ${t} (key, value, expires, v) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires = excluded.expires, v = excluded.v`,
      ),
      has: db.prepare(`SELECT expires FROM ${t} WHERE key = ?`),
      dataVersion: db.prepare('PRAGMA data_version'),
      delete: db.prepare(`DELETE FROM ${t} WHERE key = ?`),
      deleteMany: db.prepare(`DELETE FROM ${t} WHERE key IN (SELECT value FROM json_each(?))`),
      getMany: db.prepare(
        `SELECT key, value, expires, v FROM ${t} WHERE key IN (SELECT value FROM json_each(?))`,
      ),
      // Pages by key (from the range's start, then after the last key), before the range's end if any.
      firstPage: db.prepare(
        `SELECT key, value, expires, v FROM ${t} WHERE key >= ? AND (? IS NULL OR key < ?) ORDER BY key LIMIT ?`,
      ),
      nextPage: db.prepare(
        `SELECT key, value, expires, v FROM ${t} WHERE key > ? AND (? IS NULL OR key < ?) ORDER BY key LIMIT ?`,
      ),
      clearRange: db.prepare(`DELETE FROM ${t} WHERE key >= ? AND key < ?`),
      clearAll: db.prepare(`DELETE FROM ${t}`),
      deleteExpired: db.prepare(`DELETE FROM ${t} WHERE expires IS NOT NULL AND expires < ?`),
    };
    return this.#statements;
  }

  /**
   * The table, made or brought up to this format: a table written by `@keyv/sqlite` (`key`, `value`) gets
   * the `expires`, `v` and `accessed` columns (its rows keep `v` NULL: Keyv text).
   */
  #prepareSchema(db: Database): void {
    const { table, busyTimeout, wal } = this.opts;
    db.exec(`PRAGMA busy_timeout = ${busyTimeout}`);
    if (wal && this.path !== ':memory:' && this.path !== '') {
      try {
        db.exec('PRAGMA journal_mode = WAL');
        // What better-sqlite3 compiles in and node:sqlite does not: in WAL mode a commit needs no fsync (the
        // WAL is synced at checkpoints). A killed process loses nothing; a power cut may lose the last
        // commits, never consistency. Without it every synchronous write would hold the event loop for an fsync.
        db.exec('PRAGMA synchronous = NORMAL');
      } catch (error) {
        // The file still works in rollback-journal mode: told, never a failure.
        this.walError = error as Error;
        this.emit('warning', error);
      }
    }
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, value, expires INTEGER, v INTEGER, accessed INTEGER)`,
    );
    const columns = new Set(db.query(`PRAGMA table_info(${table})`, []).map((column) => column['name']));
    for (const column of ['expires', 'v', 'accessed']) {
      if (columns.has(column)) continue;
      try {
        db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} INTEGER`);
      } catch (error) {
        // Another process added it first.
        if (!/duplicate column/i.test((error as Error).message)) throw error;
      }
    }
    db.exec(`CREATE INDEX IF NOT EXISTS ${table}_expires ON ${table} (expires) WHERE expires IS NOT NULL`);
  }
}

/** The key range `[start, end)` of a namespace's keys (`<namespace>:…`), or undefined for every key. */
function namespaceRange(namespace: string | undefined): [string, string] | undefined {
  if (!namespace) return undefined;
  const prefix = `${namespace}:`;
  return [prefix, `${namespace};`]; // ';' is the character after ':'
}

/**
 * Values recently read, by key, within a byte budget (least recently read dropped first), valid for one
 * `PRAGMA data_version`: when another connection commits, the version changes and everything goes.
 */
class ReadCache {
  readonly #items = new Map<string, { value: unknown; size: number }>();
  #bytes = 0;
  #version = Number.NaN;

  constructor(readonly maxBytes: number) {}

  validate(version: number): void {
    if (version !== this.#version) {
      this.clear();
      this.#version = version;
    }
  }

  get(key: string): unknown {
    const item = this.#items.get(key);
    if (item === undefined) return undefined;
    this.#items.delete(key);
    this.#items.set(key, item);
    return item.value;
  }

  set(key: string, value: unknown, stored: unknown): void {
    const size =
      typeof stored === 'string' ? stored.length : stored instanceof Uint8Array ? stored.byteLength : 64;
    if (size > this.maxBytes / 4) return;
    this.delete(key);
    this.#items.set(key, { value, size });
    this.#bytes += size;
    for (const [oldest, item] of this.#items) {
      if (this.#bytes <= this.maxBytes) break;
      this.#items.delete(oldest);
      this.#bytes -= item.size;
    }
  }

  delete(key: string): void {
    const item = this.#items.get(key);
    if (item === undefined) return;
    this.#items.delete(key);
    this.#bytes -= item.size;
  }

  clear(): void {
    this.#items.clear();
    this.#bytes = 0;
    this.#version = Number.NaN;
  }
}
