/**
 * `cacheControl: true` without requests-cache's fallbacks (issue 16): what an RFC 9111 conformance run
 * checks and the default mode does differently. Each case names the point it covers; the
 * freshness and storing tables of `rfc9111.ts` carry the rows for points 1, 2 and 7 that fit there.
 * Every case runs through every adapter against the real test server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { CacheOptions } from '@reqcache/core';
import type { SuiteContext } from '../harness.js';
import type { SuiteResponse } from '../types.js';

const RFC: CacheOptions = { cacheControl: true, cacheStatus: true };

/** A route answering 200 with these headers and `body`, counting its calls. */
function answering(headers: Record<string, string>, body: string | Uint8Array = 'hello', status = 200) {
  return (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(body);
  };
}

/** A route answering once with these headers, then closing every later connection without a response. */
function answeringOnce(headers: Record<string, string>) {
  let calls = 0;
  return (req: IncomingMessage, res: ServerResponse): void => {
    calls++;
    if (calls > 1) {
      req.socket.destroy();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain', ...headers });
    res.end('first');
  };
}

function isGatewayTimeout(
  t: { is(a: unknown, b: unknown, m?: string): void },
  response: SuiteResponse,
): void {
  t.is(response.status, 504);
  t.is(response.reason, 'gateway-timeout');
  t.is(response.headers['cache-status'], 'reqcache; fwd=stale; detail=gateway-timeout');
}

export function registerRfc9111ConformanceCases({ test, title, setup }: SuiteContext): void {
  // ---- point 1: no freshness ⇒ stale on arrival ----------------------------------------------------
  test(
    title('issue 16 point 1: RFC mode, no freshness, a validator: stored, then validated before reuse'),
    async (t) => {
      const { server, send } = await setup(t, RFC);
      let conditional = 0;
      server.route('GET', '/no-freshness', (req, res) => {
        if (req.headers['if-none-match'] === '"n1"') {
          conditional++;
          res.writeHead(304, { etag: '"n1"' });
          res.end();
          return;
        }
        answering({ etag: '"n1"' })(req, res);
      });
      const first = await send('/no-freshness');
      t.truthy(first.cacheKey);
      const second = await send('/no-freshness');
      t.true(second.revalidated);
      t.is(second.text(), 'hello');
      t.is(conditional, 1);
      t.is(server.hits('/no-freshness'), 2);
    },
  );

  test(
    title('issue 16 point 1: the default mode keeps requests-cache: no freshness is never expire'),
    async (t) => {
      const { server, send } = await setup(t);
      server.route('GET', '/plain', answering({}));
      await send('/plain');
      t.true((await send('/plain')).fromCache);
      t.is(server.hits('/plain'), 1);
    },
  );

  test(title('issue 16 point 1: RFC mode, a per-request expireAfter brings the fallback back'), async (t) => {
    const { server, send } = await setup(t, RFC);
    server.route('GET', '/plain', answering({}));
    await send('/plain', { cache: { expireAfter: 60 } });
    t.true((await send('/plain', { cache: { expireAfter: 60 } })).fromCache);
    t.is(server.hits('/plain'), 1);
  });

  // ---- point 3: Connection-listed and hop-by-hop fields are not stored (§3.1) -------------------
  test(
    title('issue 16 point 3: §3.1 fields named in Connection are neither stored nor replayed'),
    async (t) => {
      const { server, client, send } = await setup(t, RFC);
      server.route(
        'GET',
        '/connection',
        answering({ 'cache-control': 'max-age=600', connection: 'a, b', a: '1', b: '2', c: '3' }),
      );
      const first = await send('/connection');
      t.is(first.headers['c'], '3');
      const hit = await send('/connection');
      t.true(hit.fromCache);
      t.is(hit.headers['a'], undefined);
      t.is(hit.headers['b'], undefined);
      t.is(hit.headers['c'], '3');
      const stored = await client.cache.responses.get(first.cacheKey ?? '');
      t.is(stored?.headers['a'], undefined);
      t.is(stored?.headers['connection'], undefined);
      t.is(stored?.headers['c'], '3');
    },
  );

  // ---- point 4: Content-Encoding kept when the body was not decoded --------------------------------
  test(
    title('issue 16 point 4: an unknown Content-Encoding is stored and replayed with the body as sent'),
    async (t) => {
      const { server, client, send } = await setup(t, RFC);
      const body = new Uint8Array([0x01, 0x02, 0x03, 0xff]);
      server.route(
        'GET',
        '/arbitrary-encoding',
        answering({ 'cache-control': 'max-age=600', 'content-encoding': 'arbitrary' }, body),
      );
      const first = await send('/arbitrary-encoding');
      t.is(first.headers['content-encoding'], 'arbitrary');
      const hit = await send('/arbitrary-encoding');
      t.true(hit.fromCache);
      t.is(hit.headers['content-encoding'], 'arbitrary');
      t.deepEqual(new Uint8Array(hit.body), body);
      const stored = await client.cache.responses.get(first.cacheKey ?? '');
      t.is(stored?.headers['content-encoding'], 'arbitrary');
      t.deepEqual(new Uint8Array(stored?.body ?? []), body);
    },
  );

  test(
    title(
      'issue 16 point 4: a stored body and its Content-Encoding agree, whether or not the client decoded it',
    ),
    async (t) => {
      const { server, client, send } = await setup(t, RFC);
      const json = JSON.stringify({ coded: true });
      // x-gzip: fetch and axios decode it, got does not.
      server.route(
        'GET',
        '/x-gzip',
        answering({ 'cache-control': 'max-age=600', 'content-encoding': 'x-gzip' }, gzipSync(json)),
      );
      const first = await send('/x-gzip');
      const hit = await send('/x-gzip');
      t.true(hit.fromCache);
      t.deepEqual(new Uint8Array(hit.body), new Uint8Array(first.body));
      const stored = await client.cache.responses.get(first.cacheKey ?? '');
      const storedBody = Buffer.from(stored?.body ?? []);
      if (stored?.headers['content-encoding'] === undefined) t.is(storedBody.toString('utf8'), json);
      else {
        t.is(stored.headers['content-encoding'], 'x-gzip');
        t.is(gunzipSync(storedBody).toString('utf8'), json);
      }
    },
  );

  // ---- point 5: a stale response that must be revalidated, origin unreachable ⇒ 504 ------------------
  const unreachable: readonly { name: string; cacheControl: string; after: number }[] = [
    { name: 'must-revalidate once stale', cacheControl: 'max-age=10, must-revalidate', after: 20 },
    { name: 'response no-cache (even fresh)', cacheControl: 'max-age=600, no-cache', after: 0 },
  ];
  for (const row of unreachable) {
    test(
      title(`issue 16 point 5: §4.2.4 ${row.name}, connection closed: a generated 504 Gateway Timeout`),
      async (t) => {
        const { server, clock, send } = await setup(t, RFC);
        server.route('GET', '/closing', answeringOnce({ etag: '"c1"', 'cache-control': row.cacheControl }));
        await send('/closing');
        clock.advance(row.after);
        isGatewayTimeout(t, await send('/closing'));
      },
    );

    test(
      title(`issue 16 point 5: §4.2.4 ${row.name}, connection refused: a generated 504 Gateway Timeout`),
      async (t) => {
        const { server, clock, send } = await setup(t, RFC);
        server.route('GET', '/refusing', answering({ etag: '"r1"', 'cache-control': row.cacheControl }));
        await send('/refusing');
        await server.close();
        clock.advance(row.after);
        isGatewayTimeout(t, await send('/refusing'));
      },
    );
  }

  test(
    title('issue 16 point 5: without must-revalidate or no-cache the network error reaches the caller'),
    async (t) => {
      const { server, clock, send } = await setup(t, RFC);
      server.route('GET', '/closing', answeringOnce({ etag: '"c1"', 'cache-control': 'max-age=10' }));
      await send('/closing');
      clock.advance(20);
      await t.throwsAsync(send('/closing'));
    },
  );

  test(
    title('issue 16 point 5: §4.2.4 a no-cache response is not served stale-if-error for an error status'),
    async (t) => {
      const { server, send } = await setup(t, { ...RFC, staleIfError: true });
      let calls = 0;
      server.route('GET', '/failing', (req, res) => {
        calls++;
        if (calls > 1) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('down');
          return;
        }
        answering({ etag: '"f1"', 'cache-control': 'max-age=600, no-cache' })(req, res);
      });
      await send('/failing');
      const failed = await send('/failing');
      t.is(failed.status, 500);
      t.false(failed.fromCache);
      t.is(failed.text(), 'down');
    },
  );

  // ---- point 7: allowableCodes unset in RFC mode ----------------------------------------------------
  const statusRows: readonly {
    name: string;
    status: number;
    headers: Record<string, string>;
    options?: CacheOptions;
    stored: boolean;
    reason?: string;
  }[] = [
    {
      name: '404 with max-age is stored',
      status: 404,
      headers: { 'cache-control': 'max-age=600' },
      stored: true,
    },
    {
      name: '410 with heuristic freshness (Last-Modified) is stored',
      status: 410,
      headers: { 'last-modified': 'Wed, 01 Jan 2020 00:00:00 GMT' },
      stored: true,
    },
    {
      name: '500 with max-age is stored',
      status: 500,
      headers: { 'cache-control': 'max-age=600' },
      stored: true,
    },
    {
      name: '500 without explicit freshness is not',
      status: 500,
      headers: { 'last-modified': 'Wed, 01 Jan 2020 00:00:00 GMT' },
      stored: false,
      reason: 'no-explicit-freshness',
    },
    {
      name: 'a user-set allowableCodes still limits it',
      status: 404,
      headers: { 'cache-control': 'max-age=600' },
      options: { allowableCodes: [200] },
      stored: false,
      reason: 'status-not-allowable',
    },
  ];
  for (const row of statusRows) {
    test(title(`issue 16 point 7: allowableCodes unset in RFC mode: ${row.name}`), async (t) => {
      const { server, send } = await setup(t, { ...RFC, ...row.options });
      server.route('GET', '/status', answering(row.headers, 'status body', row.status));
      const first = await send('/status');
      t.is(first.status, row.status);
      t.is(first.reason, row.reason ?? 'miss');
      const second = await send('/status');
      t.is(second.status, row.status);
      t.is(second.fromCache, row.stored);
      t.is(server.hits('/status'), row.stored ? 1 : 2);
    });
  }

  // ---- point 8: Range requests answered from a stored full 200 --------------------------------------
  const rangeRows: readonly {
    range: string;
    status: number;
    body: string;
    contentRange: string;
  }[] = [
    { range: 'bytes=2-4', status: 206, body: 'cde', contentRange: 'bytes 2-4/10' },
    { range: 'bytes=7-', status: 206, body: 'hij', contentRange: 'bytes 7-9/10' },
    { range: 'bytes=-3', status: 206, body: 'hij', contentRange: 'bytes 7-9/10' },
    { range: 'bytes=8-100', status: 206, body: 'ij', contentRange: 'bytes 8-9/10' },
    { range: 'bytes=20-', status: 416, body: '', contentRange: 'bytes */10' },
  ];
  for (const row of rangeRows) {
    test(
      title(`issue 16 point 8: Range ${row.range} from a stored 200: ${row.status} ${row.contentRange}`),
      async (t) => {
        const { server, send } = await setup(t, RFC);
        server.route('GET', '/range', answering({ 'cache-control': 'max-age=600' }, 'abcdefghij'));
        await send('/range');
        const ranged = await send('/range', { headers: { range: row.range } });
        t.true(ranged.fromCache);
        t.is(ranged.reason, 'range');
        t.is(ranged.status, row.status);
        t.is(ranged.headers['content-range'], row.contentRange);
        t.is(ranged.text(), row.body);
        t.is(server.hits('/range'), 1);
        // The stored response is still the whole one.
        const whole = await send('/range');
        t.is(whole.status, 200);
        t.is(whole.text(), 'abcdefghij');
      },
    );
  }

  test(
    title('issue 16 point 8: an If-Range that does not match gets the whole stored response'),
    async (t) => {
      const { server, send } = await setup(t, RFC);
      server.route(
        'GET',
        '/range',
        answering({ 'cache-control': 'max-age=600', etag: '"r1"' }, 'abcdefghij'),
      );
      await send('/range');
      const whole = await send('/range', { headers: { range: 'bytes=0-1', 'if-range': '"other"' } });
      t.true(whole.fromCache);
      t.is(whole.status, 200);
      t.is(whole.text(), 'abcdefghij');
      const part = await send('/range', { headers: { range: 'bytes=0-1', 'if-range': '"r1"' } });
      t.is(part.status, 206);
      t.is(part.text(), 'ab');
    },
  );

  test(
    title('issue 16 point 8: the default mode answers a Range request with the stored 200 (requests-cache)'),
    async (t) => {
      const { server, send } = await setup(t, { expireAfter: 600 });
      server.route('GET', '/range', answering({}, 'abcdefghij'));
      await send('/range');
      const whole = await send('/range', { headers: { range: 'bytes=0-1' } });
      t.true(whole.fromCache);
      t.is(whole.status, 200);
      t.is(whole.text(), 'abcdefghij');
    },
  );
}
