/**
 * A TCP proxy between a cache and its real server, to simulate a store outage without touching the
 * shared server: `cut()` destroys every open connection and refuses new ones (the port stops listening),
 * `restore()` listens again on the same port.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/** A running proxy to one TCP server. */
export interface TcpProxy {
  /** The port the proxy listens on, on 127.0.0.1. */
  readonly port: number;
  /** True while cut. */
  readonly isCut: boolean;
  /** Destroys every connection and stops listening (new connections are refused). */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  /** Stops the proxy for good. Idempotent. */
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/** Starts a proxy on 127.0.0.1 (a free port) to `target`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let cut = false;
  let closed = false;
  const onConnection = (client: Socket): void => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  };
  let server = createServer(onConnection);
  const port = await listen(server, 0);
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => resolve());
    });
  return {
    port,
    get isCut() {
      return cut;
    },
    async cut() {
      cut = true;
      await stop();
    },
    async restore() {
      if (closed || !cut) return;
      server = createServer(onConnection);
      await listen(server, port);
      cut = false;
    },
    async close() {
      closed = true;
      cut = true;
      await stop();
    },
  };
}

/** A TCP server that accepts every connection and never answers (a hung or firewalled store). */
export interface SilentServer {
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/** Starts a {@link SilentServer} on 127.0.0.1 (a free port). */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server, 0);
  return {
    port,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
