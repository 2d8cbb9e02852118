/**
 * The servers and temporary files the tests use. The shared Redis, Postgres (and MongoDB, in process)
 * servers are never stopped: outages go through a proxy of the test's own (see `proxy.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@redis/client';
import { postgresTable } from '@reqcache/core/internal';
import { type MongoForTests, startMongo, uniqueCacheName } from '@reqcache/store-suite';
import { MongoClient } from 'mongodb';
import pg from 'pg';

export { type MongoForTests, startMongo, uniqueCacheName };

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const POSTGRES_URL = process.env['POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** A raw Redis client. */
export type RawRedis = ReturnType<typeof rawRedis>;

function rawRedis() {
  return createClient({ url: REDIS_URL });
}

/** Runs `fn` with a raw Redis client (not the cache's). */
export async function withRedis<T>(fn: (client: RawRedis) => Promise<T>): Promise<T> {
  const client = rawRedis();
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.quit();
  }
}

/** Deletes every key of a Redis cache namespace (`<namespace>::*`). */
export async function clearRedisNamespace(namespace: string): Promise<void> {
  await withRedis(async (client) => {
    const keys = await client.keys(`${namespace}::*`);
    if (keys.length > 0) await client.del(keys);
  });
}

/** Runs `fn` with a raw Postgres client. */
export async function withPostgres<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops a Postgres cache table. */
export async function dropPostgresTable(cacheName: string): Promise<void> {
  await withPostgres((client) => client.query(`DROP TABLE IF EXISTS "${postgresTable(cacheName)}"`));
}

/** Removes a SQLite cache file and its WAL companions. */
export function removeSqliteFile(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
}

/** Runs `fn` with a raw Mongo client. */
export async function withMongo<T>(
  mongo: MongoForTests,
  fn: (client: MongoClient) => Promise<T>,
): Promise<T> {
  const client = new MongoClient(mongo.url, mongo.clientOptions);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** Host and port of a `redis://` or `postgresql://` URL. */
export function hostPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

/** The same URL through a proxy on 127.0.0.1:port. */
export function viaPort(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(port);
  return parsed.href;
}

/** A temporary directory, removed at teardown. */
export function temporaryDirectory(t: { teardown(fn: () => void): void }, prefix = 'reqcache-rel-'): string {
  const path = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(path, { recursive: true, force: true }));
  return path;
}

/** Resolves after `ms` (to let a backoff window pass; never used to assert on time). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `attempt` until it returns true, pausing between tries; false when `tries` run out (bounded,
 * so a broken guarantee fails the test instead of hanging it).
 */
export async function eventually(
  attempt: () => Promise<boolean>,
  tries = 60,
  pauseMs = 250,
): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await attempt()) return true;
    await pause(pauseMs);
  }
  return false;
}
