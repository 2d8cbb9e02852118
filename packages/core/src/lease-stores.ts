/**
 * The leases of `coalesce: 'store'` on the backends shared across processes and hosts: Redis
 * (`SET key token NX PX`, released by a compare-and-delete script), Postgres (a lease row per key
 * with its expiry, taken by `INSERT … ON CONFLICT … WHERE expired`, on the database's clock) and SQLite
 * (the same lease row in the cache's own file, for the processes of one host). Other backends have
 * none: `'store'` then coalesces within the process.
 * @module
 */
import type { Keyv } from 'keyv';

/** The part of a node-redis client the Redis leases use. */
interface RedisCommands {
  sendCommand(args: string[]): Promise<unknown>;
}

/** The part of `@keyv/redis`'s store the Redis leases use. */
interface RedisStoreLike {
  getClient(): Promise<unknown>;
  namespace?: string | undefined;
}

/** The part of `@keyv/postgres`'s store the Postgres leases use. */
interface PostgresStoreLike {
  query(sql: string, values?: unknown[]): Promise<unknown[]>;
  opts: { schema?: string; table?: string };
}

/** The part of the SQLite store (`@reqcache/store-sqlite`) the SQLite leases use. */
interface SqliteStoreLike {
  query(sql: string, ...parameters: unknown[]): Promise<unknown[]>;
  opts: { table?: string };
}

/** Deletes the lease only when the token still holds it (a lapsed lease may be someone else's now). */
const REDIS_RELEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * Short exclusive leases on keys, shared by every process using one backend. A lease expires by itself
 * after its time, so a holder that dies never blocks the others for longer than that.
 */
export interface LeaseStore {
  /** Takes the lease on `key` for `ttlMs` under `token`: false when another holder has it. Throws on failure. */
  acquire(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease back, when `token` still holds it. Throws on failure. */
  release(key: string, token: string): Promise<void>;
}

/**
 * The leases of the store behind `keyv`, or undefined when it has none that other processes see
 * (memory, filesystem, Mongo, a custom store).
 */
export function leaseStoreFor(keyv: Keyv): LeaseStore | undefined {
  const store = keyv.store as unknown;
  if (isRedisStore(store)) return redisLeases(store, keyv.namespace);
  if (isPostgresStore(store)) return postgresLeases(store);
  if (isSqliteStore(store)) return sqliteLeases(store);
  return undefined;
}

function isRedisStore(store: unknown): store is RedisStoreLike {
  return (
    typeof store === 'object' &&
    store !== null &&
    inherits(store, 'KeyvRedis') &&
    typeof (store as RedisStoreLike).getClient === 'function'
  );
}

function isPostgresStore(store: unknown): store is PostgresStoreLike {
  return (
    typeof store === 'object' &&
    store !== null &&
    inherits(store, 'KeyvPostgres') &&
    typeof (store as PostgresStoreLike).query === 'function' &&
    typeof (store as PostgresStoreLike).opts?.table === 'string'
  );
}

function isSqliteStore(store: unknown): store is SqliteStoreLike {
  return (
    typeof store === 'object' &&
    store !== null &&
    inherits(store, 'KeyvSqlite') &&
    typeof (store as SqliteStoreLike).query === 'function' &&
    typeof (store as SqliteStoreLike).opts?.table === 'string'
  );
}

/** Whether `store` is an instance of a class named `name` or of a subclass (the Postgres backend subclasses it). */
function inherits(store: object, name: string): boolean {
  for (let proto = Object.getPrototypeOf(store); proto !== null; proto = Object.getPrototypeOf(proto)) {
    if (proto.constructor?.name === name) return true;
  }
  return false;
}

function redisLeases(store: RedisStoreLike, namespace: string | undefined): LeaseStore {
  // Outside the store's `<namespace>::` prefix: leases never show among the cache's keys.
  const name = (key: string) => `reqcache-lease:${namespace ?? ''}:${key}`;
  const client = async (): Promise<RedisCommands> => {
    const redis = (await store.getClient()) as Partial<RedisCommands>;
    if (typeof redis.sendCommand !== 'function') throw new Error('the Redis client cannot send commands');
    return redis as RedisCommands;
  };
  return {
    async acquire(key, token, ttlMs) {
      const redis = await client();
      const answer = await redis.sendCommand(['SET', name(key), token, 'NX', 'PX', String(ttlMs)]);
      return answer === 'OK';
    },
    async release(key, token) {
      const redis = await client();
      await redis.sendCommand(['EVAL', REDIS_RELEASE, '1', name(key), token]);
    },
  };
}

function postgresLeases(store: PostgresStoreLike): LeaseStore {
  const table = `${quote(store.opts.schema ?? 'public')}.${quote(`${store.opts.table}_leases`)}`;
  const ready = createdOnce(() => createLeaseTable(store, table));
  return {
    async acquire(key, token, ttlMs) {
      await ready();
      // Expiry on the database's clock: hosts whose clocks disagree still agree on who holds a lease.
      const rows = await store.query(
        `INSERT INTO ${table} AS lease (key, token, expires_at)
         VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
         ON CONFLICT (key) DO UPDATE SET token = EXCLUDED.token, expires_at = EXCLUDED.expires_at
         WHERE lease.expires_at <= clock_timestamp()
         RETURNING token`,
        [key, token, ttlMs],
      );
      return rows.length === 1;
    },
    async release(key, token) {
      await ready();
      await store.query(`DELETE FROM ${table} WHERE key = $1 AND token = $2`, [key, token]);
    },
  };
}

async function createLeaseTable(store: PostgresStoreLike, table: string): Promise<void> {
  const create = `CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at TIMESTAMPTZ NOT NULL)`;
  try {
    await store.query(create);
  } catch {
    // Processes creating the table at the same moment may collide on Postgres's catalog: once more.
    await store.query(create);
  }
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

function sqliteLeases(store: SqliteStoreLike): LeaseStore {
  const table = quote(`${store.opts.table}_leases`);
  const ready = createdOnce(() =>
    store.query(
      `CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at INTEGER NOT NULL)`,
    ),
  );
  return {
    async acquire(key, token, ttlMs) {
      await ready();
      // The processes sharing a SQLite file share a host, and so its clock.
      const nowMs = Date.now();
      const rows = await store.query(
        `INSERT INTO ${table} (key, token, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at
         WHERE ${table}.expires_at <= ?
         RETURNING token`,
        key,
        token,
        nowMs + ttlMs,
        nowMs,
      );
      return rows.length === 1;
    },
    async release(key, token) {
      await ready();
      await store.query(`DELETE FROM ${table} WHERE key = ? AND token = ?`, key, token);
    },
  };
}

/** Runs `create` once and remembers it; a failure is forgotten, so the next call tries again. */
function createdOnce(create: () => Promise<unknown>): () => Promise<void> {
  let created: Promise<void> | undefined;
  return () => {
    created ??= create().then(
      () => {},
      (error: unknown) => {
        created = undefined;
        throw error;
      },
    );
    return created;
  };
}
