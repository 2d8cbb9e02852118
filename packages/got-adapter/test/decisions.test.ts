import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidOptionError } from '@reqcache/core';
import test from 'ava';
import got, { type BeforeRequestHook, type HandlerFunction } from 'got';
import type { CachedGotResponse } from '../src/index.js';
import { gotCache } from '../src/index.js';
import { setup } from './helpers.js';

const asCached = (response: unknown) => response as CachedGotResponse<string>;

/** An origin that answers with the bearer token it was sent: one user's response is easy to spot. */
async function tokenOrigin(t: Parameters<typeof setup>[0]) {
  const { server, url, clock } = await setup(t);
  server.route('GET', '/me', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(String(req.headers.authorization));
  });
  return { server, url, clock };
}

/** Every way a user may put a credential on the request around the plugin. */
const orders: Array<{
  name: string;
  client: (token: () => string) => ReturnType<typeof got.extend> & { plugin: ReturnType<typeof gotCache> };
}> = [
  {
    name: 'a beforeRequest hook added after gotCache',
    client: (token) => {
      const plugin = gotCache({ backend: 'memory' });
      const hook: BeforeRequestHook = (options) => {
        options.headers.authorization = `Bearer ${token()}`;
      };
      return Object.assign(got.extend(plugin, { hooks: { beforeRequest: [hook] } }), { plugin });
    },
  },
  {
    name: 'a beforeRequest hook added before gotCache',
    client: (token) => {
      const plugin = gotCache({ backend: 'memory' });
      const hook: BeforeRequestHook = (options) => {
        options.headers.authorization = `Bearer ${token()}`;
      };
      return Object.assign(got.extend({ hooks: { beforeRequest: [hook] } }, plugin), { plugin });
    },
  },
  {
    name: 'a handler',
    client: (token) => {
      const plugin = gotCache({ backend: 'memory' });
      const handler: HandlerFunction = (options, next) => {
        options.headers.authorization = `Bearer ${token()}`;
        return next(options);
      };
      return Object.assign(got.extend(plugin, { handlers: [handler] }), { plugin });
    },
  },
  {
    name: 'an extend chain: the cached client extended with the hook',
    client: (token) => {
      const plugin = gotCache({ backend: 'memory' });
      const cached = got.extend(plugin);
      const withAuth = cached.extend({
        hooks: {
          beforeRequest: [
            (options) => {
              options.headers.authorization = `Bearer ${token()}`;
            },
          ],
        },
      });
      return Object.assign(withAuth, { plugin });
    },
  },
];

for (const order of orders) {
  test(`users stay apart: the key sees the Authorization set by ${order.name}`, async (t) => {
    const { server, url } = await tokenOrigin(t);
    let token = 'A';
    const client = order.client(() => token);
    t.teardown(() => client.plugin.close());
    t.is(asCached(await client(url('/me'))).body, 'Bearer A');
    token = 'B';
    const second = asCached(await client(url('/me')));
    t.is(second.body, 'Bearer B', 'user B must never get user A’s response');
    t.false(second.fromCache);
    t.is(server.hits('/me'), 2);
    token = 'A';
    const again = asCached(await client(url('/me')));
    t.is(again.body, 'Bearer A');
    t.true(again.fromCache);
  });
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test('staleIfError covers a refused connection: the stale response, without got retrying', async (t) => {
  // An origin of the test's own, closed after the first answer: the next connection is refused.
  let hits = 0;
  const origin = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"v":1}');
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(origin.address() as AddressInfo).port}/json`;
  const { clock } = await tokenOrigin(t);
  const plugin = gotCache({ backend: 'memory', expireAfter: 60, staleIfError: true, clock: clock.now });
  t.teardown(() => plugin.close());
  const client = got.extend(plugin);
  t.is((await client(url)).body, '{"v":1}');
  origin.closeAllConnections();
  await new Promise((resolve) => origin.close(resolve));
  clock.advance(120);
  const stale = asCached(await client(url));
  t.true(stale.fromCache);
  t.true(stale.isExpired);
  t.is(stale.reason, 'stale-if-error');
  t.is(stale.body, '{"v":1}');
  t.is(stale.retryCount, 0);
  t.is(hits, 1);
});

test('without staleIfError a refused connection is still got’s RequestError', async (t) => {
  const { clock } = await tokenOrigin(t);
  const plugin = gotCache({ backend: 'memory', expireAfter: 60, clock: clock.now });
  t.teardown(() => plugin.close());
  const client = got.extend(plugin, { retry: { limit: 0 } });
  await t.throwsAsync(client(`http://127.0.0.1:${await closedPort()}/json`), { code: 'ECONNREFUSED' });
});

test('staleIfError covers a timeout: the stale response once got’s timeout passes', async (t) => {
  const { server, url, clock } = await tokenOrigin(t);
  const plugin = gotCache({ backend: 'memory', expireAfter: 60, staleIfError: true, clock: clock.now });
  t.teardown(() => plugin.close());
  const client = got.extend(plugin, { timeout: { request: 1500 }, retry: { limit: 0 } });
  let slow = false;
  server.route('GET', '/slow', (_req, res) => {
    if (slow) return; // never answers
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('fast');
  });
  t.is((await client(url('/slow'))).body, 'fast');
  clock.advance(120);
  slow = true;
  const stale = asCached(await client(url('/slow')));
  t.is(stale.body, 'fast');
  t.is(stale.reason, 'stale-if-error');
});

test('an afterResponse retry hook placed before the cache: the retried answer is stored', async (t) => {
  const { server, url } = await tokenOrigin(t);
  let token = 'expired';
  const plugin = gotCache({ backend: 'memory' });
  t.teardown(() => plugin.close());
  const client = got.extend(
    {
      hooks: {
        afterResponse: [
          (response, retryWithMergedOptions) => {
            if (response.statusCode !== 401) return response;
            token = 'fresh';
            return retryWithMergedOptions({ headers: { 'x-token': token } });
          },
        ],
      },
    },
    plugin,
  );
  server.route('GET', '/private', (req, res) => {
    const ok = req.headers['x-token'] === 'fresh';
    res.writeHead(ok ? 200 : 401, { 'content-type': 'text/plain' });
    res.end(ok ? 'secret' : 'no');
  });
  const first = await client(url('/private'), { headers: { 'x-token': token } });
  t.is(first.body, 'secret');
  t.is(server.hits('/private'), 2);
  const second = asCached(await client(url('/private'), { headers: { 'x-token': token } }));
  t.is(second.body, 'secret');
  t.true(second.fromCache);
  t.is(server.hits('/private'), 2);
});

test('plugin.explain: fresh, then stale, without the network', async (t) => {
  const { server, url, clock } = await tokenOrigin(t);
  const plugin = gotCache({ backend: 'memory', expireAfter: 60, clock: clock.now });
  t.teardown(() => plugin.close());
  await got.extend(plugin)(url('/etag/x'));
  t.like(await plugin.explain(url('/etag/x')), { action: 'serve', reason: 'fresh' });
  clock.advance(120);
  t.like(await plugin.explain(url('/etag/x')), { action: 'revalidate', reason: 'expired' });
  t.like(await plugin.explain(url('/etag/x'), { method: 'POST' }), {
    action: 'bypass',
    reason: 'method-not-allowable',
  });
  t.is(server.hits('/etag/x'), 1);
  // A relative URL (a client's prefixUrl does not apply to explain): a typed error naming it.
  const error = await t.throwsAsync(plugin.explain('etag/x'));
  t.true(error instanceof InvalidOptionError, String(error));
  t.regex(String(error), /url/);
});

test('plugin.explain: a json or form body gets the key its request got (Content-Type as got sets it)', async (t) => {
  const { client, plugin, server, url } = await setup(t, { allowableMethods: ['GET', 'POST'] });
  const bodies = [{ json: { b: 2, a: 1 } }, { form: { b: '2', a: '1' } }];
  for (const body of bodies) {
    const sent = asCached(await client.post(url('/post'), body));
    const explained = await plugin.explain(url('/post'), { method: 'POST', ...body });
    t.like(explained, { action: 'serve', reason: 'fresh', key: sent.cacheKey }, JSON.stringify(body));
  }
  t.is(server.hits('/post'), 2);
});
