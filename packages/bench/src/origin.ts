/**
 * The one loopback origin every row talks to: node:http on 127.0.0.1 serving fixed payloads.
 * @module
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The two fixed payloads. */
export type PayloadName = 'json-1k' | 'bin-100k';

/** A running origin. */
export interface Origin {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Requests that reached the origin, by path prefix (`/json`, `/bin`, `/rev/json`, …; `''` for all). */
  hits(prefix: string): number;
  close(): Promise<void>;
}

/** The 1 kB JSON document (exactly 1024 bytes) served under `/json/…`. */
export const JSON_BODY: Buffer = makeJson();
/** The 100 kB binary body (102 400 deterministic bytes) served under `/bin/…`. */
export const BIN_BODY: Buffer = makeBinary(100 * 1024);

/** The body of a payload. */
export function payloadBody(payload: PayloadName): Buffer {
  return payload === 'json-1k' ? JSON_BODY : BIN_BODY;
}

/** The path segment of a payload. */
export function payloadPath(payload: PayloadName): '/json' | '/bin' {
  return payload === 'json-1k' ? '/json' : '/bin';
}

function makeJson(): Buffer {
  const items: { id: number; name: string }[] = [];
  let text = '';
  for (let i = 0; ; i++) {
    items.push({ id: i, name: `item-${i}` });
    const next = JSON.stringify({ items, padding: '' });
    if (next.length > 1000) break;
    text = next;
  }
  const doc = JSON.parse(text) as { items: unknown[]; padding: string };
  doc.padding = 'x'.repeat(1024 - text.length);
  return Buffer.from(JSON.stringify(doc));
}

function makeBinary(size: number): Buffer {
  const out = Buffer.alloc(size);
  let x = 0x12345678;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const JSON_ETAG = `"${createHash('sha1').update(JSON_BODY).digest('hex').slice(0, 16)}"`;
const BIN_ETAG = `"${createHash('sha1').update(BIN_BODY).digest('hex').slice(0, 16)}"`;

/**
 * Starts the origin. Routes (`<n>` is anything, so URLs can be unique):
 * - `/json/<n>`, `/bin/<n>`: the payload, `Cache-Control: public, max-age=3600`, an `ETag`.
 * - `/rev/json/<n>`, `/rev/bin/<n>`: the payload with `Cache-Control: no-cache` and an `ETag`; a matching
 *   `If-None-Match` gets `304 Not Modified` (every use revalidates).
 */
export async function startOrigin(): Promise<Origin> {
  const counts = new Map<string, number>();
  const server: Server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    handle(req, res, counts);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: (prefix) => {
      let total = 0;
      for (const [path, count] of counts) if (path.startsWith(prefix)) total += count;
      return total;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function handle(req: IncomingMessage, res: ServerResponse, counts: Map<string, number>): void {
  const url = req.url ?? '/';
  const path = url.slice(0, url.lastIndexOf('/')) || url;
  counts.set(path, (counts.get(path) ?? 0) + 1);
  const revalidate = path.startsWith('/rev/');
  const rest = revalidate ? url.slice(4) : url;
  const kind = rest.startsWith('/json/') ? '/json' : rest.startsWith('/bin/') ? '/bin' : undefined;
  if (kind === undefined) {
    res.writeHead(404, { 'content-length': '0' }).end();
    return;
  }
  const body = kind === '/json' ? JSON_BODY : BIN_BODY;
  const etag = kind === '/json' ? JSON_ETAG : BIN_ETAG;
  const cacheControl = revalidate ? 'no-cache' : 'public, max-age=3600';
  if (revalidate && req.headers['if-none-match'] === etag) {
    res.writeHead(304, { etag, 'cache-control': cacheControl }).end();
    return;
  }
  res
    .writeHead(200, {
      'content-type': kind === '/json' ? 'application/json' : 'application/octet-stream',
      'content-length': String(body.byteLength),
      'cache-control': cacheControl,
      etag,
    })
    .end(body);
}
