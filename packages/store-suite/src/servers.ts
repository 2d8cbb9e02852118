/**
 * The test servers store tests share: a free port, a MongoDB server (MONGODB_URL when set, else an
 * in-process CongoDB) and a DynamoDB endpoint (DYNAMODB_ENDPOINT when set, else an in-process dynalite).
 * @module
 */
import { createServer } from 'node:net';
import { dynamoTable } from '@reqcache/core/internal';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A MongoDB server for the tests. */
export interface MongoForTests {
  url: string;
  /** MongoClient options the server needs (also passed as `backendOptions`). */
  clientOptions: Record<string, unknown>;
  stop(): Promise<void>;
}

/** A MongoDB server for the tests: MONGODB_URL when set, else an in-process CongoDB (smartmongo). */
export async function startMongo(): Promise<MongoForTests> {
  const external = process.env['MONGODB_URL'];
  if (external !== undefined && external !== '')
    return { url: external, clientOptions: {}, stop: async () => {} };
  // The deep import skips smartmongo's index, which loads mongodb-memory-server (dropped by the root overrides).
  const { CongoServer } = await import('@push.rocks/smartmongo/dist_ts/congodb/index.js');
  const server = new CongoServer({ host: '127.0.0.1', port: await freePort() });
  await server.start();
  // CongoDB does not stream `hello` replies (moreToCome): the driver's streaming monitor would clear
  // the pool every heartbeat, so the client polls instead.
  return {
    url: server.getConnectionUri(),
    clientOptions: { serverMonitoringMode: 'poll' },
    stop: () => server.stop(),
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
  const { DeleteTableCommand, DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient(dynamo.backendOptions);
  try {
    await client.send(new DeleteTableCommand({ TableName: dynamoTable(cacheName) }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  } finally {
    client.destroy();
  }
}
