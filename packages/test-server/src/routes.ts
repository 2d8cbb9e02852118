/** The built-in, httpbin-like routes: one table, matched in order. */
import { randomUUID } from 'node:crypto';
import {
  type IncomingMessage,
  type ServerResponse,
  validateHeaderName,
  validateHeaderValue,
} from 'node:http';
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import {
  DEFAULT_LAST_MODIFIED,
  HTML_DOCUMENT,
  JSON_DOCUMENT,
  PNG_IMAGE,
  pseudoRandomBytes,
  ROBOTS_TXT,
  UTF8_DOCUMENT,
  XML_DOCUMENT,
} from './fixtures.js';
import {
  HttpError,
  parseEtagList,
  parseInteger,
  parseJsonOrNull,
  queryToObject,
  send,
  sendEmpty,
  sendJson,
} from './http-utils.js';

/** A request whose body has already been read in full. */
export type RequestWithBody = IncomingMessage & { body: Buffer };

/** Everything a built-in handler needs about the current request. */
export interface RouteContext {
  req: RequestWithBody;
  res: ServerResponse;
  url: URL;
  /** Path parameters (`:name`) and `*` (the rest of the path), percent-decoded. */
  params: Record<string, string>;
  /** `http://<host header>`, for absolute URLs. */
  origin: string;
  /** Aborted when the server closes or the client goes away. */
  signal: AbortSignal;
  /** Per-server counters for `/counter/:name`. */
  counters: Map<string, number>;
}

interface Route {
  /** Accepted methods; `*` accepts any. HEAD is implied by GET. */
  methods: readonly string[];
  /** A pathname pattern: literal segments, `:name` for one segment, a final `*` for the rest. */
  path: string;
  handler: (ctx: RouteContext) => void | Promise<void>;
}

const ANY = ['*'];
const MAX_BYTES = 10 * 1024 * 1024;
const MAX_STREAM_LINES = 100;
const MAX_DELAY_MS = 10_000;
const MAX_REDIRECTS = 100;
/** Headers `/response-headers` refuses to set because they would break the response framing. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection']);

function fullUrl(ctx: RouteContext): string {
  return ctx.origin + ctx.url.pathname + ctx.url.search;
}

/** The `/get` body: what the request looked like. */
function requestInfo(ctx: RouteContext) {
  return {
    url: fullUrl(ctx),
    args: queryToObject(ctx.url.searchParams),
    headers: ctx.req.headers,
    method: ctx.req.method,
  };
}

/** The `/anything` body: the request, including its body. */
function echo(ctx: RouteContext): void {
  const text = ctx.req.body.toString('utf8');
  sendJson(ctx.res, 200, { ...requestInfo(ctx), body: text, json: parseJsonOrNull(text) });
}

function redirectChain(absolute: boolean) {
  return (ctx: RouteContext): void => {
    const n = parseInteger(ctx.params['n'], 'n', 1, MAX_REDIRECTS);
    const prefix = absolute ? `${ctx.origin}/absolute-redirect` : '/redirect';
    const location = n === 1 ? `${absolute ? ctx.origin : ''}/get` : `${prefix}/${n - 1}`;
    sendEmpty(ctx.res, 302, { location });
  };
}

function responseHeaders(ctx: RouteContext): void {
  const params = ctx.url.searchParams;
  const status = params.has('status') ? parseInteger(params.get('status'), 'status', 200, 599) : 200;
  const headers: Record<string, string[]> = Object.create(null);
  const echoed = new URLSearchParams();
  for (const [name, value] of params) {
    if (name === 'status' || name === 'body') continue;
    if (FRAMING_HEADERS.has(name.toLowerCase())) throw new HttpError(400, `${name} cannot be set`);
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch {
      throw new HttpError(400, `invalid header: ${name}`);
    }
    const key = name.toLowerCase();
    headers[key] = [...(headers[key] ?? []), value];
    echoed.append(name, value);
  }
  const text = params.get('body');
  if (status === 204 || status === 304) {
    sendEmpty(ctx.res, status, headers);
  } else if (text !== null) {
    send(ctx.res, status, text, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  } else {
    sendJson(ctx.res, status, queryToObject(echoed), headers);
  }
}

function etag(ctx: RouteContext): void {
  const tag = ctx.params['etag'] ?? '';
  if (!/^[\x21\x23-\x7e]+$/.test(tag)) throw new HttpError(400, 'invalid etag');
  const headers = { etag: `"${tag}"` };
  const ifMatch = parseEtagList(ctx.req.headers['if-match']);
  if (ifMatch.length > 0 && !ifMatch.includes(tag) && !ifMatch.includes('*')) {
    sendJson(ctx.res, 412, { error: 'Precondition Failed' });
    return;
  }
  const ifNoneMatch = parseEtagList(ctx.req.headers['if-none-match']);
  if (ifNoneMatch.includes(tag) || ifNoneMatch.includes('*')) sendEmpty(ctx.res, 304, headers);
  else sendJson(ctx.res, 200, requestInfo(ctx), headers);
}

function lastModified(ctx: RouteContext): void {
  const date = ctx.url.searchParams.get('date') ?? DEFAULT_LAST_MODIFIED;
  const time = Date.parse(date);
  if (Number.isNaN(time)) throw new HttpError(400, 'date must be a date');
  const value = new Date(Math.floor(time / 1000) * 1000).toUTCString();
  const since = Date.parse(ctx.req.headers['if-modified-since'] ?? '');
  const headers = { 'last-modified': value };
  if (since >= Date.parse(value)) sendEmpty(ctx.res, 304, headers);
  else sendJson(ctx.res, 200, { ...requestInfo(ctx), lastModified: value }, headers);
}

function status(ctx: RouteContext): void {
  const code = parseInteger(ctx.params['code'], 'code', 200, 599);
  const headers = code >= 300 && code < 400 ? { location: '/get' } : {};
  if (code === 204 || code === 304) sendEmpty(ctx.res, code, headers);
  else sendJson(ctx.res, code, { status: code }, headers);
}

async function stream(ctx: RouteContext): Promise<void> {
  const n = Math.min(parseInteger(ctx.params['n'], 'n', 0), MAX_STREAM_LINES);
  ctx.res.writeHead(200, { 'content-type': 'application/json' });
  for (let id = 0; id < n && !ctx.signal.aborted; id++) {
    ctx.res.write(JSON.stringify({ id, url: fullUrl(ctx) }) + '\n');
    // Yield so every line leaves as its own chunk.
    await setImmediate();
  }
  ctx.res.end();
}

const routes: readonly Route[] = [
  { methods: ['GET'], path: '/get', handler: (ctx) => sendJson(ctx.res, 200, requestInfo(ctx)) },
  { methods: ANY, path: '/anything', handler: echo },
  { methods: ANY, path: '/anything/*', handler: echo },
  { methods: ['POST'], path: '/post', handler: echo },
  { methods: ['PUT'], path: '/put', handler: echo },
  { methods: ['PATCH'], path: '/patch', handler: echo },
  { methods: ['DELETE'], path: '/delete', handler: echo },
  { methods: ['GET'], path: '/json', handler: (ctx) => sendJson(ctx.res, 200, JSON_DOCUMENT) },
  {
    methods: ['GET'],
    path: '/headers',
    handler: (ctx) => sendJson(ctx.res, 200, { headers: ctx.req.headers }),
  },
  {
    methods: ['GET'],
    path: '/cache',
    handler: (ctx) => {
      const { headers } = ctx.req;
      if (headers['if-modified-since'] !== undefined || headers['if-none-match'] !== undefined) {
        sendEmpty(ctx.res, 304);
        return;
      }
      sendJson(ctx.res, 200, requestInfo(ctx), {
        'last-modified': new Date().toUTCString(),
        etag: `"${randomUUID().replaceAll('-', '')}"`,
      });
    },
  },
  {
    methods: ['GET'],
    path: '/cache/:seconds',
    handler: (ctx) => {
      const seconds = parseInteger(ctx.params['seconds'], 'seconds', 0);
      sendJson(ctx.res, 200, requestInfo(ctx), { 'cache-control': `public, max-age=${seconds}` });
    },
  },
  { methods: ['GET'], path: '/etag/:etag', handler: etag },
  { methods: ['GET'], path: '/last-modified', handler: lastModified },
  { methods: ['GET', 'POST'], path: '/response-headers', handler: responseHeaders },
  { methods: ['GET'], path: '/status/:code', handler: status },
  { methods: ['GET'], path: '/redirect/:n', handler: redirectChain(false) },
  { methods: ['GET'], path: '/absolute-redirect/:n', handler: redirectChain(true) },
  {
    methods: ANY,
    path: '/redirect-to',
    handler: (ctx) => {
      const location = ctx.url.searchParams.get('url');
      if (!location) throw new HttpError(400, 'url is required');
      try {
        validateHeaderValue('location', location);
      } catch {
        throw new HttpError(400, 'invalid url');
      }
      const code = parseInteger(ctx.url.searchParams.get('status_code') ?? '302', 'status_code', 300, 399);
      sendEmpty(ctx.res, code, { location });
    },
  },
  {
    methods: ['GET'],
    path: '/bytes/:n',
    handler: (ctx) => {
      const n = parseInteger(ctx.params['n'], 'n', 0, MAX_BYTES);
      const seed = parseInteger(ctx.url.searchParams.get('seed') ?? '42', 'seed', -(2 ** 31), 2 ** 32 - 1);
      send(ctx.res, 200, pseudoRandomBytes(n, seed), { 'content-type': 'application/octet-stream' });
    },
  },
  { methods: ['GET'], path: '/stream/:n', handler: stream },
  {
    methods: ['GET'],
    path: '/delay/:ms',
    handler: async (ctx) => {
      const ms = Math.min(parseInteger(ctx.params['ms'], 'ms', 0), MAX_DELAY_MS);
      await sleep(ms, undefined, { signal: ctx.signal });
      sendJson(ctx.res, 200, { ...requestInfo(ctx), delay: ms });
    },
  },
  {
    methods: ['GET'],
    path: '/counter/:name',
    handler: (ctx) => {
      const name = ctx.params['name'] ?? '';
      const count = (ctx.counters.get(name) ?? 0) + 1;
      ctx.counters.set(name, count);
      sendJson(ctx.res, 200, { name, count }, { 'x-count': String(count) });
    },
  },
  { methods: ['GET'], path: '/uuid', handler: (ctx) => sendJson(ctx.res, 200, { uuid: randomUUID() }) },
  {
    methods: ['GET'],
    path: '/html',
    handler: (ctx) => send(ctx.res, 200, HTML_DOCUMENT, { 'content-type': 'text/html; charset=utf-8' }),
  },
  {
    methods: ['GET'],
    path: '/xml',
    handler: (ctx) => send(ctx.res, 200, XML_DOCUMENT, { 'content-type': 'application/xml' }),
  },
  {
    methods: ['GET'],
    path: '/robots.txt',
    handler: (ctx) => send(ctx.res, 200, ROBOTS_TXT, { 'content-type': 'text/plain' }),
  },
  {
    methods: ['GET'],
    path: '/image/png',
    handler: (ctx) => send(ctx.res, 200, PNG_IMAGE, { 'content-type': 'image/png' }),
  },
  {
    methods: ['GET'],
    path: '/gzip',
    handler: (ctx) => {
      const json = JSON.stringify({ gzipped: true, method: ctx.req.method, headers: ctx.req.headers });
      send(ctx.res, 200, gzipSync(json), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    },
  },
  {
    methods: ['GET'],
    path: '/encoding/utf8',
    handler: (ctx) => send(ctx.res, 200, UTF8_DOCUMENT, { 'content-type': 'text/html; charset=utf-8' }),
  },
];

/** Matches `pathname` against a route pattern; returns the parameters, or undefined. */
function matchPath(pattern: string, pathname: string): Record<string, string> | undefined {
  const wanted = pattern.split('/');
  const actual = pathname.split('/');
  const params: Record<string, string> = {};
  for (const [i, segment] of wanted.entries()) {
    if (segment === '*') {
      params['*'] = actual.slice(i).join('/');
      return params;
    }
    const value = actual[i];
    if (value === undefined) return undefined;
    if (segment.startsWith(':')) {
      if (value === '') return undefined;
      params[segment.slice(1)] = value;
    } else if (segment !== value) {
      return undefined;
    }
  }
  return wanted.length === actual.length ? params : undefined;
}

function decodeParams(params: Record<string, string>): Record<string, string> {
  try {
    return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, decodeURIComponent(value)]));
  } catch {
    throw new HttpError(400, 'malformed percent-encoding in path');
  }
}

function accepts(methods: readonly string[], method: string): boolean {
  return methods.includes('*') || methods.includes(method) || (method === 'HEAD' && methods.includes('GET'));
}

/** Runs the built-in route for the request: 404 when no pattern matches, 405 when the method does not. */
export async function dispatch(ctx: Omit<RouteContext, 'params'>): Promise<void> {
  const method = ctx.req.method ?? 'GET';
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, ctx.url.pathname);
    if (params === undefined) continue;
    if (accepts(route.methods, method)) {
      await route.handler({ ...ctx, params: decodeParams(params) });
      return;
    }
    allowed.push(...route.methods);
  }
  if (allowed.length > 0) {
    if (allowed.includes('GET')) allowed.push('HEAD');
    sendJson(ctx.res, 405, { error: 'Method Not Allowed' }, { allow: allowed.join(', ') });
  } else {
    sendJson(ctx.res, 404, { error: 'Not Found', path: ctx.url.pathname });
  }
}
