/**
 * The test servers store tests share: a free port, and a MongoDB server (MONGODB_URL when set, else an
 * in-process CongoDB).
 * @module
 */
import { createServer } from 'node:net';

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
