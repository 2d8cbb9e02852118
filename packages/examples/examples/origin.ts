/**
 * A tiny local API the examples call, standing in for a real one: `GET /items` (JSON with an ETag) and
 * `GET /users/:id`. It counts the requests that reach it, so each example can show what the cache saved.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Origin {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Requests that reached the server. */
  hits: number;
  close(): Promise<void>;
}

export async function startOrigin(): Promise<Origin> {
  const origin = { url: '', hits: 0, close: async () => {} };
  const server = createServer((req, res) => {
    origin.hits++;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const user = /^\/users\/(\d+)$/.exec(url.pathname);
    if (url.pathname === '/items') {
      if (req.headers['if-none-match'] === '"items-v1"') return res.writeHead(304).end();
      const body = JSON.stringify({ items: ['apple', 'pear', 'plum'] });
      return res.writeHead(200, { 'content-type': 'application/json', etag: '"items-v1"' }).end(body);
    }
    if (user) {
      return res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: Number(user[1]) }));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  origin.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return origin;
}
