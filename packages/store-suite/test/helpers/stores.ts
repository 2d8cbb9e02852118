/**
 * Where the store tests find their servers, and how they clean up after themselves.
 * Override with REDIS_URL, POSTGRES_URL and MONGODB_URL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CacheEngine, type CacheOptions } from '@reqcache/core';
import { postgresTable } from '@reqcache/core/internal';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import type { MongoForTests } from '../../src/index.js';

export { freePort, type MongoForTests, startMongo } from '../../src/index.js';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const POSTGRES_URL = process.env['POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** A temporary directory for SQLite files, removed by `remove()`. */
export function sqliteDirectory(): { path: string; file(cacheName: string): string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'reqcache-store-'));
  return {
    path,
    file: (cacheName) => join(path, cacheName),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** Removes a SQLite cache file and its WAL companions. */
export function removeSqliteFile(path: string): void {
  for (const suffix of ['.sqlite', '.sqlite-wal', '.sqlite-shm', '.sqlite-journal']) {
    rmSync(path + suffix, { force: true });
  }
}

/** Deletes every key of a Redis cache namespace. */
export async function clearRedisNamespace(cacheName: string): Promise<void> {
  const engine = new CacheEngine({ backend: 'redis', cacheName, backendOptions: { url: REDIS_URL } });
  try {
    await engine.cache.clear();
  } finally {
    await engine.cache.close();
  }
}

/** Drops a Postgres cache table. */
export async function dropPostgresTable(cacheName: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS "${postgresTable(cacheName)}"`);
  } finally {
    await client.end();
  }
}

/** Drops a Mongo database. */
export async function dropMongoDatabase(mongo: MongoForTests, database: string): Promise<void> {
  const client = new MongoClient(mongo.url, mongo.clientOptions);
  try {
    await client.connect();
    await client.db(database).dropDatabase();
  } finally {
    await client.close();
  }
}

export type StoreOptions = CacheOptions & { cacheName: string };
