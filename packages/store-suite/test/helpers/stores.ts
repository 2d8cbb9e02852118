/**
 * Where the store tests find their servers, and how they clean up after themselves.
 * Override with REDIS_URL, POSTGRES_URL, MONGODB_URL and DYNAMODB_ENDPOINT.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CacheEngine, type CacheOptions, dynamoTable, postgresTable } from '@reqcache/core';
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

/** A temporary directory holding filesystem caches (one subdirectory per cache name), removed by `remove()`. */
export function cacheDirectories(): { path: string; dir(cacheName: string): string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'reqcache-files-'));
  return {
    path,
    dir: (cacheName) => join(path, cacheName),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** A DynamoDB endpoint for the tests. */
export interface DynamoForTests {
  /** `backendOptions` reaching it: endpoint, region, credentials. */
  backendOptions: Record<string, unknown>;
  stop(): Promise<void>;
}

/**
 * A DynamoDB endpoint for the tests: DYNAMODB_ENDPOINT when set (credentials from the environment, or
 * dummy ones for DynamoDB Local), else an in-process dynalite server on 127.0.0.1.
 */
export async function startDynamo(): Promise<DynamoForTests> {
  const credentials = process.env['AWS_ACCESS_KEY_ID']
    ? {}
    : { credentials: { accessKeyId: 'reqcache', secretAccessKey: 'reqcache' } };
  const region = { region: process.env['AWS_REGION'] || 'us-east-1' };
  const external = process.env['DYNAMODB_ENDPOINT'];
  if (external !== undefined && external !== '')
    return { backendOptions: { endpoint: external, ...region, ...credentials }, stop: async () => {} };
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('dynalite did not listen');
  return {
    backendOptions: { endpoint: `http://127.0.0.1:${address.port}`, ...region, ...credentials },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Deletes a DynamoDB cache table (if it exists). */
export async function dropDynamoTable(dynamo: DynamoForTests, cacheName: string): Promise<void> {
  const client = new DynamoDBClient(dynamo.backendOptions);
  try {
    await client.send(new DeleteTableCommand({ TableName: dynamoTable(cacheName) }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  } finally {
    client.destroy();
  }
}
