/** The test server: a node:http origin on 127.0.0.1 that records every request it receives. */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError, sendJson } from './http-utils.js';
import { dispatch, type RequestWithBody } from './routes.js';

/** One request as it reached the origin. */
export interface RecordedRequest {
  method: string;
  /** Pathname plus search, e.g. `/get?a=1`. */
  path: string;
  /** Request headers with lower-case names. */
  headers: IncomingHttpHeaders;
  /** The full request body (empty when there was none). */
  body: Buffer;
}

/** A handler registered with {@link TestServer.route}. The request body has already been read. */
export type RouteHandler = (req: RequestWithBody, res: ServerResponse) => void | Promise<void>;

/** A running test server. */
export interface TestServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  /** How many requests reached the origin for `path` (a pathname; any `?query` is ignored). */
  hits(path: string): number;
  /** How many requests reached the origin, for any path. */
  totalHits(): number;
  /** Every request received since the start (or the last {@link TestServer.resetHits}), oldest first. */
  readonly requests: RecordedRequest[];
  /** The most recent request, or the most recent one whose pathname (or pathname + search) is `path`. */
  lastRequest(path?: string): RecordedRequest | undefined;
  /** Clears the hit counts and the recorded requests. `/counter/:name` counts keep going. */
  resetHits(): void;
  /**
   * Registers or overrides a route handler for an exact pathname, for ad-hoc behaviour in a test.
   * `method` is case-insensitive; `*` matches any method, and a GET handler also answers HEAD.
   * Custom routes take precedence over the built-in ones and count hits like them.
   */
  route(method: string, pathname: string, handler: RouteHandler): void;
  /** Stops the server: destroys open (keep-alive) sockets and cancels pending delays. Idempotent. */
  close(): Promise<void>;
}

function pathnameOf(path: string): string {
  return path.split(/[?#]/, 1)[0] ?? path;
}

function parseRequestUrl(raw: string): URL | undefined {
  try {
    return raw.startsWith('/') ? new URL(`http://127.0.0.1${raw}`) : new URL(raw);
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function respondWithError(res: ServerResponse, error: unknown): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
  } else if (error instanceof HttpError) {
    sendJson(res, error.status, { error: error.message });
  } else {
    sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
  }
}

/** Where {@link startTestServer} listens. */
export interface TestServerOptions {
  /** The port on 127.0.0.1; 0 (the default) picks a free one. A fixed port keeps URLs, and so cache keys, the same across runs. */
  port?: number;
}

/** Starts a test server on 127.0.0.1, on an ephemeral port unless `options.port` names one. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const hitCounts = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  const counters = new Map<string, number>();
  const customRoutes = new Map<string, RouteHandler>();
  const closing = new AbortController();
  let closed: Promise<void> | undefined;

  const findCustomRoute = (method: string, pathname: string): RouteHandler | undefined =>
    customRoutes.get(`${method} ${pathname}`) ??
    (method === 'HEAD' ? customRoutes.get(`GET ${pathname}`) : undefined) ??
    customRoutes.get(`* ${pathname}`);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const request: RequestWithBody = Object.assign(req, { body });
    const method = req.method ?? 'GET';
    const raw = req.url ?? '/';
    const url = parseRequestUrl(raw);
    const path = url ? url.pathname + url.search : raw;
    const pathname = url?.pathname ?? pathnameOf(raw);

    hitCounts.set(pathname, (hitCounts.get(pathname) ?? 0) + 1);
    requests.push({ method, path, headers: { ...req.headers }, body });
    if (url === undefined) throw new HttpError(400, 'malformed request URL');

    const custom = findCustomRoute(method, pathname);
    if (custom) {
      await custom(request, res);
      return;
    }
    const requestGone = new AbortController();
    res.once('close', () => requestGone.abort());
    await dispatch({
      req: request,
      res,
      url,
      origin: `http://${req.headers.host ?? `127.0.0.1:${port}`}`,
      signal: AbortSignal.any([closing.signal, requestGone.signal]),
      counters,
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => respondWithError(res, error));
  });
  // Idle keep-alive sockets stay open for the test's life (closed at `close()`): with Node's 5 s default a
  // starved test process (CI runs Node versions side by side) could have a socket closed under a client
  // that is reusing it ("fetch failed: other side closed"), a failure of the machine, not of the cache.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    hits: (path) => hitCounts.get(pathnameOf(path)) ?? 0,
    totalHits: () => [...hitCounts.values()].reduce((sum, n) => sum + n, 0),
    lastRequest: (path) =>
      requests.findLast((r) => path === undefined || r.path === path || pathnameOf(r.path) === path),
    resetHits: () => {
      hitCounts.clear();
      requests.length = 0;
    },
    route: (method, pathname, handler) => {
      customRoutes.set(`${method.toUpperCase()} ${pathname}`, handler);
    },
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/**
 * Starts a test server for one ava test and closes it in `t.teardown`.
 * `t` is typed structurally so ava is not a runtime dependency.
 */
export async function createTestServer(t: {
  teardown(fn: () => void | Promise<void>): void;
}): Promise<TestServer> {
  const server = await startTestServer();
  t.teardown(() => server.close());
  return server;
}
