import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { crc32, gunzipSync } from 'node:zlib';
import test from 'ava';
import {
  createTestServer,
  DEFAULT_LAST_MODIFIED,
  JSON_DOCUMENT,
  PNG_IMAGE,
  pseudoRandomBytes,
  startTestServer,
} from '../src/index.js';

type Json = Record<string, unknown>;

async function getJson(url: string, init?: RequestInit): Promise<{ res: Response; body: Json }> {
  const res = await fetch(url, init);
  return { res, body: (await res.json()) as Json };
}

/** Sends a raw HTTP/1.1 request and returns everything the server wrote until it closed the connection. */
function rawRequest(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}

/** A node:http GET that neither follows redirects nor decodes the body. */
function nodeGet(url: string, agent?: Agent): Promise<{ res: IncomingMessage; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, agent ? { agent } : {}, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

test('startTestServer listens on 127.0.0.1 and close() is idempotent', async (t) => {
  const server = await startTestServer();
  t.regex(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.is(server.url, `http://127.0.0.1:${server.port}`);
  const res = await fetch(`${server.url}/get`);
  t.is(res.status, 200);
  await res.arrayBuffer();
  await Promise.all([server.close(), server.close()]);
  await server.close();
  await t.throwsAsync(fetch(`${server.url}/get`));
});

test('GET /get echoes url, args (repeated keys as arrays), lower-case headers and method', async (t) => {
  const server = await createTestServer(t);
  const { res, body } = await getJson(`${server.url}/get?a=1&b=2&b=3`, { headers: { 'X-Custom': 'Yes' } });
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'application/json');
  t.is(body['url'], `${server.url}/get?a=1&b=2&b=3`);
  t.deepEqual(body['args'], { a: '1', b: ['2', '3'] });
  t.is((body['headers'] as Json)['x-custom'], 'Yes');
  t.is(body['method'], 'GET');
  t.is(server.hits('/get'), 1);
});

test('/anything and /anything/* echo any method with body and parsed JSON', async (t) => {
  const server = await createTestServer(t);
  const json = await getJson(`${server.url}/anything/deep/path?x=1`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hello: 'wörld' }),
  });
  t.is(json.body['method'], 'PUT');
  t.is(json.body['url'], `${server.url}/anything/deep/path?x=1`);
  t.deepEqual(json.body['args'], { x: '1' });
  t.is(json.body['body'], '{"hello":"wörld"}');
  t.deepEqual(json.body['json'], { hello: 'wörld' });

  const text = await getJson(`${server.url}/anything`, { method: 'POST', body: 'not json' });
  t.is(text.body['body'], 'not json');
  t.is(text.body['json'], null);

  const get = await getJson(`${server.url}/anything`);
  t.is(get.body['method'], 'GET');
  t.is(get.body['body'], '');
  t.is(server.hits('/anything'), 2);
  t.is(server.hits('/anything/deep/path'), 1);
});

test('/post, /put, /patch, /delete accept only their own method', async (t) => {
  const server = await createTestServer(t);
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    const path = `/${method.toLowerCase()}`;
    const { res, body } = await getJson(server.url + path, { method, body: `${method} body` });
    t.is(res.status, 200, path);
    t.is(body['method'], method);
    t.is(body['body'], `${method} body`);

    const wrong = await getJson(server.url + path, { method: method === 'POST' ? 'PUT' : 'POST' });
    t.is(wrong.res.status, 405, path);
    t.is(wrong.res.headers.get('allow'), method);
    t.is(wrong.res.headers.get('content-type'), 'application/json');
  }
  const get = await fetch(`${server.url}/post`);
  t.is(get.status, 405);
  await get.arrayBuffer();
  t.is(server.hits('/post'), 3);
});

test('GET /get with another method is 405 and advertises GET, HEAD', async (t) => {
  const server = await createTestServer(t);
  const { res } = await getJson(`${server.url}/get`, { method: 'POST' });
  t.is(res.status, 405);
  t.is(res.headers.get('allow'), 'GET, HEAD');
});

test('GET /json returns the fixed document', async (t) => {
  const server = await createTestServer(t);
  const { res, body } = await getJson(`${server.url}/json`);
  t.is(res.headers.get('content-type'), 'application/json');
  t.deepEqual(body, JSON_DOCUMENT as unknown as Json);
});

test('GET /headers returns the request headers', async (t) => {
  const server = await createTestServer(t);
  const { body } = await getJson(`${server.url}/headers`, { headers: { 'X-Hello': 'there' } });
  t.deepEqual(Object.keys(body), ['headers']);
  t.is((body['headers'] as Json)['x-hello'], 'there');
});

test('GET /cache sends validators, and 304 for any conditional request', async (t) => {
  const server = await createTestServer(t);
  const first = await getJson(`${server.url}/cache`);
  t.is(first.res.status, 200);
  const lastModified = first.res.headers.get('last-modified');
  const etag = first.res.headers.get('etag');
  t.truthy(lastModified && !Number.isNaN(Date.parse(lastModified)));
  t.regex(etag ?? '', /^"[0-9a-f]{32}"$/);

  for (const headers of [{ 'if-none-match': etag ?? '' }, { 'if-modified-since': lastModified ?? '' }]) {
    const res = await fetch(`${server.url}/cache`, { headers });
    t.is(res.status, 304);
    t.is(await res.text(), '');
  }
  t.is(server.hits('/cache'), 3);
});

test('GET /cache/:seconds sends Cache-Control max-age and counts hits per pathname', async (t) => {
  const server = await createTestServer(t);
  for (let i = 0; i < 2; i++) {
    const { res, body } = await getJson(`${server.url}/cache/60?i=${i}`);
    t.is(res.headers.get('cache-control'), 'public, max-age=60');
    t.deepEqual(body['args'], { i: String(i) });
  }
  t.is(server.hits('/cache/60'), 2);
  t.is(server.hits('/cache/60?i=0'), 2, 'the query is ignored');
  t.is(server.hits('/cache'), 0);

  for (const bad of ['abc', '-1', '1.5']) {
    const { res, body } = await getJson(`${server.url}/cache/${bad}`);
    t.is(res.status, 400, bad);
    t.is(typeof body['error'], 'string');
  }
});

test('GET /etag/:etag handles If-None-Match and If-Match', async (t) => {
  const server = await createTestServer(t);
  const url = `${server.url}/etag/abc`;
  const plain = await getJson(url);
  t.is(plain.res.status, 200);
  t.is(plain.res.headers.get('etag'), '"abc"');

  for (const value of ['"abc"', 'W/"abc"', '"x", "abc"', '*', 'abc']) {
    const res = await fetch(url, { headers: { 'if-none-match': value } });
    t.is(res.status, 304, value);
    t.is(res.headers.get('etag'), '"abc"');
    t.is(await res.text(), '');
  }
  const miss = await fetch(url, { headers: { 'if-none-match': '"other"' } });
  t.is(miss.status, 200);
  await miss.arrayBuffer();

  const mismatch = await fetch(url, { headers: { 'if-match': '"other"' } });
  t.is(mismatch.status, 412);
  await mismatch.arrayBuffer();
  for (const value of ['"abc"', '*']) {
    const match = await fetch(url, { headers: { 'if-match': value } });
    t.is(match.status, 200, value);
    await match.arrayBuffer();
  }
  t.is(server.hits('/etag/abc'), 10);
});

test('GET /last-modified sends a fixed date and 304 when not modified since', async (t) => {
  const server = await createTestServer(t);
  const url = `${server.url}/last-modified`;
  const first = await getJson(url);
  t.is(first.res.headers.get('last-modified'), DEFAULT_LAST_MODIFIED);
  t.is(first.body['lastModified'], DEFAULT_LAST_MODIFIED);

  for (const since of [DEFAULT_LAST_MODIFIED, 'Thu, 22 Oct 2015 07:28:00 GMT']) {
    const res = await fetch(url, { headers: { 'if-modified-since': since } });
    t.is(res.status, 304, since);
    t.is(res.headers.get('last-modified'), DEFAULT_LAST_MODIFIED);
    t.is(await res.text(), '');
  }
  for (const since of ['Wed, 21 Oct 2015 07:27:59 GMT', 'garbage']) {
    const res = await fetch(url, { headers: { 'if-modified-since': since } });
    t.is(res.status, 200, since);
    await res.arrayBuffer();
  }

  const custom = await fetch(`${url}?date=2020-01-02T03:04:05.678Z`);
  t.is(custom.headers.get('last-modified'), 'Thu, 02 Jan 2020 03:04:05 GMT');
  await custom.arrayBuffer();
  const bad = await fetch(`${url}?date=not-a-date`);
  t.is(bad.status, 400);
  await bad.arrayBuffer();
});

test('/response-headers turns query params into headers, status and body', async (t) => {
  const server = await createTestServer(t);
  const { res, body } = await getJson(
    `${server.url}/response-headers?X-One=1&X-Multi=a&X-Multi=b&Cache-Control=max-age%3D30`,
  );
  t.is(res.status, 200);
  t.is(res.headers.get('x-one'), '1');
  t.is(res.headers.get('x-multi'), 'a, b');
  t.is(res.headers.get('cache-control'), 'max-age=30');
  t.is(res.headers.get('content-type'), 'application/json');
  t.deepEqual(body, { 'X-One': '1', 'X-Multi': ['a', 'b'], 'Cache-Control': 'max-age=30' });

  const cookies = await fetch(`${server.url}/response-headers?Set-Cookie=a%3D1&Set-Cookie=b%3D2`);
  t.deepEqual(cookies.headers.getSetCookie(), ['a=1', 'b=2']);
  await cookies.arrayBuffer();

  const text = await fetch(`${server.url}/response-headers?status=201&body=hello&X-A=1`, { method: 'POST' });
  t.is(text.status, 201);
  t.is(text.headers.get('x-a'), '1');
  t.is(text.headers.get('status'), null);
  t.is(text.headers.get('content-type'), 'text/plain; charset=utf-8');
  t.is(await text.text(), 'hello');

  const typed = await fetch(`${server.url}/response-headers?body=%3Cp%3E&Content-Type=text/html`);
  t.is(typed.headers.get('content-type'), 'text/html');
  t.is(await typed.text(), '<p>');

  const empty = await fetch(`${server.url}/response-headers?status=204&X-A=1`);
  t.is(empty.status, 204);
  t.is(empty.headers.get('x-a'), '1');

  for (const bad of ['status=abc', 'status=99', 'Bad%20Name=1', 'X-A=a%0Db', 'Content-Length=5']) {
    const res = await fetch(`${server.url}/response-headers?${bad}`);
    t.is(res.status, 400, bad);
    await res.arrayBuffer();
  }
  t.is(server.hits('/response-headers'), 10);
});

test('GET /status/:code responds with that status', async (t) => {
  const server = await createTestServer(t);
  for (const code of [200, 201, 404, 418, 500, 503]) {
    const { res, body } = await getJson(`${server.url}/status/${code}`);
    t.is(res.status, code);
    t.deepEqual(body, { status: code });
  }
  for (const code of [204, 304]) {
    const res = await fetch(`${server.url}/status/${code}`);
    t.is(res.status, code);
    t.is(await res.text(), '');
  }
  for (const code of [301, 302, 303, 307, 308]) {
    const res = await fetch(`${server.url}/status/${code}`, { redirect: 'manual' });
    t.is(res.status, code);
    t.is(res.headers.get('location'), '/get');
    await res.arrayBuffer();
  }
  for (const bad of ['abc', '100', '600', '']) {
    const res = await fetch(`${server.url}/status/${bad}`);
    t.is(res.status, bad === '' ? 404 : 400, bad);
    await res.arrayBuffer();
  }
});

test('redirect routes', async (t) => {
  const server = await createTestServer(t);
  const followed = await fetch(`${server.url}/redirect/3`);
  t.true(followed.redirected);
  t.is(followed.url, `${server.url}/get`);
  await followed.arrayBuffer();
  for (const path of ['/redirect/3', '/redirect/2', '/redirect/1', '/get']) t.is(server.hits(path), 1, path);

  const manual = await fetch(`${server.url}/redirect/2`, { redirect: 'manual' });
  t.is(manual.status, 302);
  t.is(manual.headers.get('location'), '/redirect/1');
  await manual.arrayBuffer();

  const absolute = await fetch(`${server.url}/absolute-redirect/2`, { redirect: 'manual' });
  t.is(absolute.headers.get('location'), `${server.url}/absolute-redirect/1`);
  await absolute.arrayBuffer();
  const absoluteLast = await fetch(`${server.url}/absolute-redirect/1`, { redirect: 'manual' });
  t.is(absoluteLast.headers.get('location'), `${server.url}/get`);
  await absoluteLast.arrayBuffer();

  const to = await fetch(`${server.url}/redirect-to?url=/json&status_code=307`, { redirect: 'manual' });
  t.is(to.status, 307);
  t.is(to.headers.get('location'), '/json');
  await to.arrayBuffer();
  const defaultCode = await fetch(
    `${server.url}/redirect-to?url=${encodeURIComponent(`${server.url}/uuid`)}`,
  );
  t.is(defaultCode.url, `${server.url}/uuid`);
  await defaultCode.arrayBuffer();
  const posted = await getJson(`${server.url}/redirect-to?url=/anything&status_code=307`, {
    method: 'POST',
    body: 'kept',
  });
  t.is(posted.body['method'], 'POST');
  t.is(posted.body['body'], 'kept');

  for (const bad of ['/redirect/0', '/redirect/x', '/redirect-to', '/redirect-to?url=/get&status_code=200']) {
    const res = await fetch(server.url + bad, { redirect: 'manual' });
    t.is(res.status, 400, bad);
    await res.arrayBuffer();
  }
});

test('GET /bytes/:n is deterministic per seed', async (t) => {
  const server = await createTestServer(t);
  const bytes = async (query: string) => {
    const res = await fetch(`${server.url}/bytes/64${query}`);
    t.is(res.headers.get('content-type'), 'application/octet-stream');
    return Buffer.from(await res.arrayBuffer());
  };
  const first = await bytes('');
  t.is(first.length, 64);
  t.deepEqual(await bytes(''), first);
  t.deepEqual(await bytes('?seed=42'), first);
  t.deepEqual(first, pseudoRandomBytes(64, 42));
  const other = await bytes('?seed=7');
  t.notDeepEqual(other, first);
  t.deepEqual(await bytes('?seed=7'), other);
  t.true(new Set(first).size > 16, 'looks random');

  const empty = await fetch(`${server.url}/bytes/0`);
  t.is((await empty.arrayBuffer()).byteLength, 0);
  for (const bad of ['/bytes/x', '/bytes/-1', '/bytes/4?seed=abc', '/bytes/999999999']) {
    const res = await fetch(server.url + bad);
    t.is(res.status, 400, bad);
    await res.arrayBuffer();
  }
});

test('GET /stream/:n sends n JSON lines as separate chunks', async (t) => {
  const server = await createTestServer(t);
  const res = await fetch(`${server.url}/stream/5`);
  t.is(res.headers.get('transfer-encoding'), 'chunked');
  const lines = (await res.text()).trimEnd().split('\n');
  t.deepEqual(
    lines.map((line) => (JSON.parse(line) as Json)['id']),
    [0, 1, 2, 3, 4],
  );

  const raw = await rawRequest(server.port, '/stream/3');
  const split = raw.indexOf('\r\n\r\n');
  t.regex(raw.slice(0, split), /\r\ntransfer-encoding: chunked(\r\n|$)/i);
  const chunks = decodeChunks(raw.slice(split + 4));
  t.is(chunks.length, 3, 'one chunk per line');
  t.deepEqual(
    chunks.map((chunk) => (JSON.parse(chunk) as Json)['id']),
    [0, 1, 2],
  );

  const capped = await fetch(`${server.url}/stream/1000`);
  t.is((await capped.text()).trimEnd().split('\n').length, 100);
  const bad = await fetch(`${server.url}/stream/x`);
  t.is(bad.status, 400);
  await bad.arrayBuffer();
});

/** Decodes a chunked transfer-encoded body into its chunks (latin1 strings). */
function decodeChunks(body: string): string[] {
  const chunks: string[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    const size = Number.parseInt(body.slice(offset, lineEnd), 16);
    if (!(size > 0)) return chunks;
    chunks.push(body.slice(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

test('GET /delay/:ms waits before answering', async (t) => {
  const server = await createTestServer(t);
  const started = Date.now();
  const { res, body } = await getJson(`${server.url}/delay/150`);
  t.is(res.status, 200);
  t.is(body['delay'], 150);
  t.true(Date.now() - started >= 140);
  const bad = await fetch(`${server.url}/delay/soon`);
  t.is(bad.status, 400);
  await bad.arrayBuffer();
});

test('close() does not wait for a pending /delay', async (t) => {
  const server = await startTestServer();
  const pending = fetch(`${server.url}/delay/10000`).then(
    () => 'answered',
    () => 'failed',
  );
  while (server.hits('/delay/10000') === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const started = Date.now();
  await server.close();
  t.true(Date.now() - started < 1000);
  t.is(await pending, 'failed');
});

test('close() destroys open keep-alive connections', async (t) => {
  const server = await startTestServer();
  const agent = new Agent({ keepAlive: true });
  t.teardown(() => agent.destroy());
  const { res } = await nodeGet(`${server.url}/get`, agent);
  t.is(res.headers.connection, 'keep-alive');
  const [socket] = Object.values(agent.freeSockets).flat();
  t.truthy(socket, 'an idle socket stays open');
  const socketClosed = new Promise((resolve) => socket?.once('close', resolve));

  // Also leave an undici (fetch) keep-alive connection open.
  await (await fetch(`${server.url}/json`)).arrayBuffer();

  const started = Date.now();
  await server.close();
  t.true(Date.now() - started < 1000, 'close() does not wait for the keep-alive timeout');
  await socketClosed;
  t.true(socket?.destroyed);
});

test('GET /counter/:name counts hits per name', async (t) => {
  const server = await createTestServer(t);
  for (const expected of [1, 2, 3]) {
    const { res, body } = await getJson(`${server.url}/counter/a`);
    t.deepEqual(body, { name: 'a', count: expected });
    t.is(res.headers.get('x-count'), String(expected));
  }
  t.deepEqual((await getJson(`${server.url}/counter/b`)).body, { name: 'b', count: 1 });
  t.deepEqual((await getJson(`${server.url}/counter/with%20space`)).body, { name: 'with space', count: 1 });
  server.resetHits();
  t.deepEqual(
    (await getJson(`${server.url}/counter/a`)).body,
    { name: 'a', count: 4 },
    'counts survive resetHits',
  );
});

test('GET /uuid returns a fresh UUID every time', async (t) => {
  const server = await createTestServer(t);
  const a = (await getJson(`${server.url}/uuid`)).body['uuid'];
  const b = (await getJson(`${server.url}/uuid`)).body['uuid'];
  t.regex(String(a), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.not(a, b);
});

test('content routes: /html, /xml, /robots.txt, /encoding/utf8', async (t) => {
  const server = await createTestServer(t);
  const expectations: Array<[string, string, RegExp]> = [
    ['/html', 'text/html; charset=utf-8', /Moby-Dick/],
    ['/xml', 'application/xml', /^<\?xml .*<slideshow/s],
    ['/robots.txt', 'text/plain', /^User-agent: \*\nDisallow: \/deny\n$/],
    ['/encoding/utf8', 'text/html; charset=utf-8', /日本語.*🚀/],
  ];
  for (const [path, type, content] of expectations) {
    const res = await fetch(server.url + path);
    t.is(res.status, 200, path);
    t.is(res.headers.get('content-type'), type, path);
    const bytes = Buffer.from(await res.arrayBuffer());
    t.is(Number(res.headers.get('content-length')), bytes.length, path);
    t.regex(bytes.toString('utf8'), content, path);
  }
});

test('GET /image/png is a valid PNG', async (t) => {
  const server = await createTestServer(t);
  const res = await fetch(`${server.url}/image/png`);
  t.is(res.headers.get('content-type'), 'image/png');
  const png = Buffer.from(await res.arrayBuffer());
  t.deepEqual(png, PNG_IMAGE);
  t.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunkTypes: string[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    const typeAndData = png.subarray(offset + 4, offset + 8 + length);
    t.is(png.readUInt32BE(offset + 8 + length), crc32(typeAndData), 'chunk CRC');
    chunkTypes.push(typeAndData.subarray(0, 4).toString('latin1'));
    offset += 12 + length;
  }
  t.deepEqual(chunkTypes, ['IHDR', 'IDAT', 'IEND']);
});

test('GET /gzip sends a gzip-encoded JSON body', async (t) => {
  const server = await createTestServer(t);
  const { res, body } = await getJson(`${server.url}/gzip`);
  t.is(res.headers.get('content-encoding'), 'gzip');
  t.is(body['gzipped'], true);
  t.is(body['method'], 'GET');

  const raw = await nodeGet(`${server.url}/gzip`);
  t.is(raw.res.headers['content-encoding'], 'gzip');
  t.is(raw.res.headers['content-type'], 'application/json');
  t.is(Number(raw.res.headers['content-length']), raw.body.length);
  t.is((JSON.parse(gunzipSync(raw.body).toString('utf8')) as Json)['gzipped'], true);
});

test('HEAD works for GET routes: same status and headers, no body, counted', async (t) => {
  const server = await createTestServer(t);
  for (const path of ['/json', '/bytes/10', '/cache/30', '/etag/x', '/status/418', '/counter/h']) {
    const get = await fetch(server.url + path);
    const getBody = Buffer.from(await get.arrayBuffer());
    const head = await fetch(server.url + path, { method: 'HEAD' });
    t.is(head.status, get.status, path);
    t.is(head.headers.get('content-type'), get.headers.get('content-type'), path);
    // Routes that echo the request have a body that differs with the method; the others must match exactly.
    const echoes = path.startsWith('/cache') || path.startsWith('/etag');
    if (echoes) t.true(Number(head.headers.get('content-length')) > 0, path);
    else t.is(head.headers.get('content-length'), String(getBody.length), path);
    t.is(head.headers.get('cache-control'), get.headers.get('cache-control'), path);
    t.is(head.headers.get('etag'), get.headers.get('etag'), path);
    t.is((await head.arrayBuffer()).byteLength, 0, path);
    t.is(server.hits(path.split('?')[0] ?? path), 2, path);
  }
  const counted = await fetch(`${server.url}/counter/h`, { method: 'HEAD' });
  t.is(counted.headers.get('x-count'), '3');
  t.is(server.lastRequest()?.method, 'HEAD');
});

test('unknown paths are 404 JSON and still counted', async (t) => {
  const server = await createTestServer(t);
  const { res, body } = await getJson(`${server.url}/nope?x=1`);
  t.is(res.status, 404);
  t.is(res.headers.get('content-type'), 'application/json');
  t.is(body['path'], '/nope');
  t.is(server.hits('/nope'), 1);
  t.is((await getJson(`${server.url}/get/`)).res.status, 404);
});

test('requests are recorded; lastRequest filters; resetHits clears', async (t) => {
  const server = await createTestServer(t);
  await fetch(`${server.url}/post?q=1`, {
    method: 'POST',
    headers: { 'X-Trace': 'abc' },
    body: 'payload',
  }).then((r) => r.arrayBuffer());
  await fetch(`${server.url}/get`).then((r) => r.arrayBuffer());
  await fetch(`${server.url}/get?second=1`).then((r) => r.arrayBuffer());

  t.is(server.totalHits(), 3);
  t.is(server.requests.length, 3);
  const post = server.requests[0];
  t.is(post?.method, 'POST');
  t.is(post?.path, '/post?q=1');
  t.is(post?.headers['x-trace'], 'abc');
  t.true(Buffer.isBuffer(post?.body));
  t.is(post?.body.toString(), 'payload');
  t.is(server.requests[1]?.body.length, 0);

  t.is(server.lastRequest()?.path, '/get?second=1');
  t.is(server.lastRequest('/get')?.path, '/get?second=1');
  t.is(server.lastRequest('/get?second=1')?.path, '/get?second=1');
  t.is(server.lastRequest('/post')?.path, '/post?q=1');
  t.is(server.lastRequest('/missing'), undefined);

  const { requests } = server;
  server.resetHits();
  t.is(server.totalHits(), 0);
  t.is(server.hits('/get'), 0);
  t.is(requests.length, 0, 'the same array is cleared');
  t.is(server.lastRequest(), undefined);
});

test('route() adds and overrides handlers with the body already read', async (t) => {
  const server = await createTestServer(t);
  server.route('GET', '/get', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('overridden');
  });
  server.route('post', '/custom', async (req, res) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ received: req.body.toString(), method: req.method }));
  });
  server.route('*', '/any', (req, res) => {
    res.end(req.method);
  });

  const get = await fetch(`${server.url}/get`);
  t.is(await get.text(), 'overridden');
  const head = await fetch(`${server.url}/get`, { method: 'HEAD' });
  t.is(head.status, 200);
  t.is(head.headers.get('content-type'), 'text/plain');

  const { res, body } = await getJson(`${server.url}/custom`, { method: 'POST', body: 'data' });
  t.is(res.status, 201);
  t.deepEqual(body, { received: 'data', method: 'POST' });
  const wrongMethod = await fetch(`${server.url}/custom`);
  t.is(wrongMethod.status, 404, 'other methods fall through to the built-in routes');
  await wrongMethod.arrayBuffer();
  t.is(await (await fetch(`${server.url}/any`, { method: 'PATCH' })).text(), 'PATCH');

  t.is(server.hits('/get'), 2);
  t.is(server.hits('/custom'), 2);
  t.is(server.lastRequest('/custom')?.body.toString(), '');
});

test('a throwing handler gives 500 and the server keeps working', async (t) => {
  const server = await createTestServer(t);
  server.route('GET', '/boom', () => {
    throw new Error('kaboom');
  });
  server.route('GET', '/async-boom', async () => {
    throw new Error('async kaboom');
  });
  for (const path of ['/boom', '/async-boom']) {
    const { res, body } = await getJson(server.url + path);
    t.is(res.status, 500, path);
    t.regex(String(body['error']), /kaboom/);
  }
  const malformed = await getJson(`${server.url}/counter/%E0%A4%A`);
  t.is(malformed.res.status, 400);
  t.is((await fetch(`${server.url}/get`)).status, 200);
});
