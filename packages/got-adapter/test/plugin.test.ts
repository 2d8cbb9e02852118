import { InvalidOptionError, UnknownOptionError } from '@reqcache/core';
import test from 'ava';
import got, { HTTPError, type Response } from 'got';
import { type CachedGotResponse, cacheFields, gotCache } from '../src/index.js';
import { fastRetry, setup } from './helpers.js';

const asCached = (response: Response) => response as CachedGotResponse<string>;

test('a miss goes to the network and is stored; the next request is served without it', async (t) => {
  const { client, server, url } = await setup(t);
  const first = asCached(await client(url('/json')));
  const second = asCached(await client(url('/json')));
  t.is(server.hits('/json'), 1);
  t.is(first.statusCode, 200);
  t.false(first.fromCache);
  t.false(first.isFromCache);
  t.truthy(first.cacheKey);
  t.true(second.fromCache);
  t.true(second.isFromCache);
  t.is(second.cacheKey, first.cacheKey);
  t.is(second.body, first.body);
  t.deepEqual(second.rawBody, first.rawBody);
  t.is(second.headers['content-type'], first.headers['content-type']);
  t.false(second.isExpired);
  t.false(second.revalidated);
  t.is(second.expires, null);
  t.is(second.createdAt.getTime(), first.createdAt.getTime());
  t.is(second.url, url('/json'));
  t.regex(
    second.cacheDescription,
    /^request: GET http:\/\/127\.0\.0\.1:\d+\/json, response: 200 \(\d+ bytes\), .*from cache$/,
  );
  t.notRegex(first.cacheDescription, /from cache/);
});

test('.json(), .text() and .buffer() give the same on a hit as on the miss', async (t) => {
  const { client, server, url } = await setup(t);
  const json = await client(url('/json')).json();
  t.deepEqual(await client(url('/json')).json(), json);
  const text = await client(url('/html')).text();
  t.is(await client(url('/html')).text(), text);
  const buffer = await client(url('/image/png')).buffer();
  t.deepEqual(await client(url('/image/png')).buffer(), buffer);
  t.is(server.hits('/json') + server.hits('/html') + server.hits('/image/png'), 3);
});

test('responseType and resolveBodyOnly work on hits', async (t) => {
  const { client, server, url } = await setup(t);
  const miss = await client(url('/json'), { responseType: 'json' });
  const hit = await client(url('/json'), { responseType: 'json' });
  t.deepEqual(hit.body, miss.body);
  t.is(typeof hit.body, 'object');
  const buffer = await client(url('/json'), { responseType: 'buffer' });
  // A Buffer on got 14, a Uint8Array on got 16 (got's own responses too).
  t.true(buffer.body instanceof Uint8Array);
  t.deepEqual(JSON.parse(new TextDecoder().decode(buffer.body)), miss.body);
  const bodyOnly = await client(url('/json'), { responseType: 'json', resolveBodyOnly: true });
  t.deepEqual(bodyOnly, miss.body);
  t.is(server.hits('/json'), 1);
});

test('the plugin object: only hooks and handlers are enumerable, got accepts it, got’s own cache stays off', async (t) => {
  const plugin = gotCache({ backend: 'memory' });
  t.teardown(() => plugin.close());
  t.deepEqual(Object.keys(plugin), ['hooks', 'handlers']);
  t.truthy(plugin.cache);
  t.truthy(plugin.settings);
  t.truthy(plugin.engine);
  const client = got.extend(plugin);
  t.is(client.defaults.options.cache, undefined);
  t.is(client.defaults.options.hooks.beforeRequest.length, 1);
  t.is(client.defaults.handlers.length, 1);
});

test('gzip responses are stored decoded and served without Content-Encoding', async (t) => {
  const { client, server, url } = await setup(t);
  const miss = await client(url('/gzip')).json<{ gzipped: boolean }>();
  const hit = asCached(await client(url('/gzip')));
  t.true(miss.gzipped);
  t.true(hit.fromCache);
  t.is(hit.headers['content-encoding'], undefined);
  t.deepEqual(JSON.parse(hit.body), miss);
  t.is(server.hits('/gzip'), 1);
});

test('HEAD requests are cached apart from GET', async (t) => {
  const { client, server, url } = await setup(t);
  await client.head(url('/get'));
  const hit = asCached(await client.head(url('/get')));
  t.true(hit.fromCache);
  t.is(hit.body, '');
  t.is(server.hits('/get'), 1);
  t.false(asCached(await client(url('/get'))).fromCache);
});

test('a revalidation 304 is merged: the caller gets the stored 200, marked revalidated', async (t) => {
  const { client, server, url, plugin } = await setup(t, { alwaysRevalidate: true });
  const miss = await client(url('/etag/v1')).json();
  const response = asCached((await client(url('/etag/v1'), { responseType: 'json' })) as Response);
  t.is(server.hits('/etag/v1'), 2);
  t.is(server.lastRequest('/etag/v1')?.headers['if-none-match'], '"v1"');
  t.is(response.statusCode, 200);
  t.deepEqual(response.body, miss);
  t.true(response.fromCache);
  t.true(response.isFromCache);
  t.true(response.revalidated);
  t.is(response.headers['etag'], '"v1"');
  t.is(await plugin.cache.responseCount(), 1);
  // The conditional header was the plugin's: it is gone from the options afterwards.
  t.is(response.request.options.headers['if-none-match'], undefined);
});

test('Last-Modified revalidation works the same way', async (t) => {
  const { client, server, url } = await setup(t, { alwaysRevalidate: true });
  const miss = await client(url('/last-modified')).text();
  const response = asCached(await client(url('/last-modified')));
  t.truthy(server.lastRequest('/last-modified')?.headers['if-modified-since']);
  t.is(response.statusCode, 200);
  t.is(response.body, miss);
  t.true(response.revalidated);
});

test('a conditional header the caller set is sent as is and not removed', async (t) => {
  const { client, server, url } = await setup(t, { alwaysRevalidate: true });
  await client(url('/etag/v2'));
  const response = await client(url('/etag/v2'), { headers: { 'if-none-match': '"other"' } });
  t.is(server.lastRequest('/etag/v2')?.headers['if-none-match'], '"other"');
  t.is(response.statusCode, 200);
  t.is(response.request.options.headers['if-none-match'], '"other"');
});

test('expiry follows the fake clock: fresh, then refetched once expired', async (t) => {
  const { client, server, url, clock } = await setup(t, { expireAfter: 60 });
  const first = asCached(await client(url('/uuid')));
  t.is(first.expires?.getTime(), clock.now() + 60_000);
  clock.advance(30);
  t.true(asCached(await client(url('/uuid'))).fromCache);
  clock.advance(31);
  const refetched = asCached(await client(url('/uuid')));
  t.false(refetched.fromCache);
  t.not(refetched.body, first.body);
  t.is(server.hits('/uuid'), 2);
});

test('staleIfError serves the stored response instead of an error status, without a retry', async (t) => {
  const { client, server, url, clock } = await setup(t, { expireAfter: 1, staleIfError: true });
  let fail = false;
  server.route('GET', '/flaky', (_req, res) => {
    res.writeHead(fail ? 500 : 200, { 'content-type': 'text/plain' });
    res.end(fail ? 'boom' : 'good');
  });
  await client(url('/flaky'));
  fail = true;
  clock.advance(5);
  const response = asCached(await client(url('/flaky')));
  t.is(response.statusCode, 200);
  t.is(response.body, 'good');
  t.true(response.fromCache);
  t.true(response.isExpired);
  t.is(server.hits('/flaky'), 2);
});

test('without staleIfError an error status is the answer and the stored response stays', async (t) => {
  const { client, server, url, clock, plugin } = await setup(t, { expireAfter: 1 });
  let fail = false;
  server.route('GET', '/flaky', (_req, res) => {
    res.writeHead(fail ? 404 : 200, { 'content-type': 'text/plain' });
    res.end(fail ? 'gone' : 'good');
  });
  await client(url('/flaky'));
  fail = true;
  clock.advance(5);
  const error = await t.throwsAsync(client(url('/flaky')), { instanceOf: HTTPError });
  t.is(error?.response.statusCode, 404);
  t.is(await plugin.cache.responseCount(), 1);
});

test('staleWhileRevalidate serves the stale response at once and refreshes it in the background', async (t) => {
  const { client, server, url, clock, plugin } = await setup(t, {
    expireAfter: 1,
    staleWhileRevalidate: true,
  });
  const first = asCached(await client(url('/uuid')));
  clock.advance(5);
  const stale = asCached(await client(url('/uuid')));
  t.true(stale.fromCache);
  t.true(stale.isExpired);
  t.is(stale.body, first.body);
  await plugin.engine.settled();
  t.is(server.hits('/uuid'), 2);
  const refreshed = asCached(await client(url('/uuid')));
  t.true(refreshed.fromCache);
  t.false(refreshed.isExpired);
  t.not(refreshed.body, first.body);
  t.is(server.hits('/uuid'), 2);
});

test('background revalidation sends the stored validators and merges the 304', async (t) => {
  const { client, server, url, clock, plugin } = await setup(t, {
    expireAfter: 1,
    staleWhileRevalidate: true,
  });
  await client(url('/etag/swr'));
  clock.advance(5);
  t.true(asCached(await client(url('/etag/swr'))).fromCache);
  await plugin.engine.settled();
  t.is(server.hits('/etag/swr'), 2);
  t.is(server.lastRequest('/etag/swr')?.headers['if-none-match'], '"swr"');
  const fresh = asCached(await client(url('/etag/swr')));
  t.false(fresh.isExpired);
  t.is(server.hits('/etag/swr'), 2);
});

test('per-request options travel in context.cache and never reach the server', async (t) => {
  const { client, server, url, clock, plugin } = await setup(t);
  await client(url('/get'));
  const refreshed = asCached(await client(url('/get'), { context: { cache: { forceRefresh: true } } }));
  t.false(refreshed.fromCache);
  t.is(server.hits('/get'), 2);
  const received = server.lastRequest('/get')?.headers ?? {};
  t.false(Object.keys(received).some((name) => /cache|refresh/i.test(name)));

  const disabled = asCached(await client(url('/uuid'), { context: { cache: { disabled: true } } }));
  t.false(disabled.fromCache);
  t.is(disabled.cacheKey, undefined);
  t.false(await plugin.cache.contains({ url: url('/uuid') }));

  const short = asCached(await client(url('/anything/a'), { context: { cache: { expireAfter: 30 } } }));
  t.is(short.expires?.getTime(), clock.now() + 30_000);
});

test('context.cache.refresh revalidates a fresh response that has a validator', async (t) => {
  const { client, server, url } = await setup(t);
  await client(url('/etag/r'));
  t.true(asCached(await client(url('/etag/r'))).fromCache);
  t.is(server.hits('/etag/r'), 1);
  const response = asCached(await client(url('/etag/r'), { context: { cache: { refresh: true } } }));
  t.is(server.hits('/etag/r'), 2);
  t.true(response.revalidated);
  t.is(response.statusCode, 200);
});

test('per-request options can be instance defaults', async (t) => {
  const { client, server, url } = await setup(t, {}, { context: { cache: { disabled: true } } });
  await client(url('/get'));
  await client(url('/get'));
  t.is(server.hits('/get'), 2);
});

test('onlyIfCached: a miss is a synthetic 504 Not Cached (no network, no retry); a hit is served', async (t) => {
  const { client, server, url } = await setup(t);
  const onlyIfCached = { context: { cache: { onlyIfCached: true } } };
  const error = await t.throwsAsync(client(url('/get'), onlyIfCached), { instanceOf: HTTPError });
  const response = error!.response as CachedGotResponse;
  t.is(response.statusCode, 504);
  t.is(response.statusMessage, 'Not Cached');
  t.true(response.fromCache);
  t.is(response.retryCount, 0);
  t.is(server.hits('/get'), 0);
  const returned = asCached(await client(url('/get'), { ...onlyIfCached, throwHttpErrors: false }));
  t.is(returned.statusCode, 504);
  await client(url('/get'));
  t.true(asCached(await client(url('/get'), onlyIfCached)).fromCache);
  t.is(server.hits('/get'), 1);
});

test('bad context.cache options reject with the typed core error', async (t) => {
  const { client, server, url } = await setup(t);
  const invalid = await t.throwsAsync(client(url('/get'), { context: { cache: { expireAfter: 'soon' } } }), {
    instanceOf: InvalidOptionError,
  });
  t.is(invalid?.code, 'ERR_INVALID_OPTION');
  t.is(invalid?.option, 'expireAfter');
  const unknown = await t.throwsAsync(client(url('/get'), { context: { cache: { forceRefesh: true } } }), {
    instanceOf: UnknownOptionError,
  });
  t.regex(unknown?.message ?? '', /did you mean "forceRefresh"/);
  await t.throwsAsync(client(url('/get'), { context: { cache: 'yes' } }), { instanceOf: InvalidOptionError });
  const streamError = await new Promise<unknown>((resolve) => {
    const stream = client.stream(url('/get'), { context: { cache: { refresh: 1 } } });
    stream.on('error', resolve);
    stream.resume();
  });
  t.true(streamError instanceof InvalidOptionError);
  t.is(server.hits('/get'), 0);
});

test('got retry: a 503 then a 200 gives the 200, stored once; user hooks run once per response', async (t) => {
  const seen: Array<{ status: number; fromCache: boolean }> = [];
  const sent: number[] = [];
  const { client, server, url, plugin } = await setup(
    t,
    {},
    {
      retry: fastRetry,
      hooks: {
        beforeRequest: [(_options, { retryCount }) => void sent.push(retryCount)],
        afterResponse: [
          (response) => {
            seen.push({ status: response.statusCode, fromCache: asCached(response).fromCache });
            return response;
          },
        ],
      },
    },
  );
  let calls = 0;
  server.route('GET', '/unstable', (_req, res) => {
    calls++;
    res.writeHead(calls === 1 ? 503 : 200, { 'content-type': 'text/plain' });
    res.end(calls === 1 ? 'busy' : 'ok');
  });
  let stored = 0;
  plugin.engine.on('stored', () => stored++);
  const response = asCached(await client(url('/unstable')));
  t.is(response.statusCode, 200);
  t.is(response.body, 'ok');
  t.is(response.retryCount, 1);
  t.false(response.fromCache);
  // The retry went to the origin for the first attempt's reason, as with axios or fetch retrying.
  t.is(response.reason, 'miss');
  t.is(server.hits('/unstable'), 2);
  t.is(stored, 1);
  t.deepEqual(sent, [0, 1]);
  t.deepEqual(seen, [
    { status: 503, fromCache: false },
    { status: 200, fromCache: false },
  ]);
  const hit = asCached(await client(url('/unstable')));
  t.true(hit.fromCache);
  t.is(hit.body, 'ok');
  t.is(server.hits('/unstable'), 2);
  t.deepEqual(seen.at(-1), { status: 200, fromCache: true });
  t.is(seen.length, 3);
  // Every beforeRequest hook runs, hits included: the lookup comes after them, on the request as sent.
  t.deepEqual(sent, [0, 1, 0]);
});

test('a user afterResponse hook runs exactly once per response, hits and 304 merges included', async (t) => {
  const seen: Array<{ status: number; fromCache: boolean; revalidated: boolean }> = [];
  const { client, server, url } = await setup(
    t,
    { alwaysRevalidate: true },
    {
      hooks: {
        afterResponse: [
          (response) => {
            const { fromCache, revalidated } = asCached(response);
            seen.push({ status: response.statusCode, fromCache, revalidated });
            return response;
          },
        ],
      },
    },
  );
  await client(url('/etag/once'));
  await client(url('/etag/once'));
  await client(url('/json'));
  await client(url('/json'));
  t.is(server.hits('/etag/once'), 2);
  t.deepEqual(seen, [
    { status: 200, fromCache: false, revalidated: false },
    { status: 200, fromCache: true, revalidated: true },
    { status: 200, fromCache: false, revalidated: false },
    { status: 200, fromCache: true, revalidated: false },
  ]);
});

test('a user beforeRequest hook that runs first changes what is keyed; its header matters with matchHeaders', async (t) => {
  let version = 'a';
  const server = await (await import('@reqcache/test-server')).createTestServer(t);
  const plugin = gotCache({ backend: 'memory', matchHeaders: ['x-version'] });
  t.teardown(() => plugin.close());
  const client = got.extend(
    {
      hooks: {
        beforeRequest: [
          (options) => {
            options.headers['x-version'] = version;
          },
        ],
      },
    },
    plugin,
  );
  await client(`${server.url}/headers`);
  await client(`${server.url}/headers`);
  version = 'b';
  const response = asCached(await client(`${server.url}/headers`));
  t.false(response.fromCache);
  t.is(server.hits('/headers'), 2);
});

test('a user afterResponse hook may retry with merged options; the retried response is stored', async (t) => {
  let token = 'old';
  const { client, server, url, plugin } = await setup(
    t,
    {},
    {
      hooks: {
        afterResponse: [
          (response, retryWithMergedOptions) => {
            if (response.statusCode === 401) {
              token = 'new';
              return retryWithMergedOptions({ headers: { 'x-token': token } });
            }
            return response;
          },
        ],
      },
    },
  );
  server.route('GET', '/private', (req, res) => {
    const ok = req.headers['x-token'] === 'new';
    res.writeHead(ok ? 200 : 401, { 'content-type': 'text/plain' });
    res.end(ok ? 'secret' : 'no');
  });
  const response = await client(url('/private'), { headers: { 'x-token': token } });
  t.is(response.body, 'secret');
  t.is(server.hits('/private'), 2);
  t.true(await plugin.cache.contains({ url: url('/private') }));
});

test('redirects: stored under the original key, the final URL aliased; hits keep the final url', async (t) => {
  const { client, server, url, plugin } = await setup(t);
  const miss = asCached(await client(url('/redirect/2')));
  t.is(miss.url, url('/get'));
  // Described as asked for, on the miss as on the hit.
  t.true(miss.cacheDescription.startsWith(`request: GET ${url('/redirect/2')},`), miss.cacheDescription);
  t.is(server.hits('/redirect/2') + server.hits('/redirect/1') + server.hits('/get'), 3);
  const hit = asCached(await client(url('/redirect/2')));
  t.true(hit.fromCache);
  t.true(hit.cacheDescription.startsWith(`request: GET ${url('/redirect/2')},`), hit.cacheDescription);
  t.is(hit.url, url('/get'));
  t.deepEqual(hit.redirectUrls.map(String), [url('/redirect/1'), url('/get')]);
  t.is(hit.body, miss.body);
  const alias = asCached(await client(url('/get')));
  t.true(alias.fromCache);
  t.deepEqual(alias.redirectUrls, []);
  t.is(server.hits('/get'), 1);
  // Through the intermediate hop's alias: only the URLs it redirected to, as got reports them.
  const middle = asCached(await client(url('/redirect/1')));
  t.true(middle.fromCache);
  t.is(middle.url, url('/get'));
  t.deepEqual(middle.redirectUrls.map(String), [url('/get')]);
  t.is(server.hits('/redirect/1'), 1);
  const entries = [];
  for await (const entry of plugin.cache.values()) entries.push(entry);
  const [entry] = entries;
  t.deepEqual(
    entry?.history.map((hop) => hop.url),
    [url('/redirect/2'), url('/redirect/1')],
  );
  t.deepEqual(
    entry?.history.map((hop) => hop.status),
    [302, 302],
  );
});

test('request bodies: json, form and body make POST keys (allowableMethods)', async (t) => {
  const { client, server, url } = await setup(t, { allowableMethods: ['GET', 'POST'] });
  const first = asCached(await client.post(url('/post'), { json: { a: 1, b: [1, 2] } }));
  const sameJson = asCached(await client.post(url('/post'), { json: { b: [1, 2], a: 1 } }));
  const otherJson = asCached(await client.post(url('/post'), { json: { a: 2, b: [1, 2] } }));
  t.false(first.fromCache);
  t.true(sameJson.fromCache);
  t.false(otherJson.fromCache);
  t.deepEqual(JSON.parse(sameJson.body).json, { a: 1, b: [1, 2] });

  const form = asCached(await client.post(url('/anything/form'), { form: { q: 'x' } }));
  const sameForm = asCached(await client.post(url('/anything/form'), { form: { q: 'x' } }));
  const otherForm = asCached(await client.post(url('/anything/form'), { form: { q: 'y' } }));
  t.false(form.fromCache);
  t.true(sameForm.fromCache);
  t.false(otherForm.fromCache);

  await client.post(url('/anything/raw'), { body: 'hello' });
  t.true(asCached(await client.post(url('/anything/raw'), { body: 'hello' })).fromCache);
  t.true(asCached(await client.post(url('/anything/raw'), { body: Buffer.from('hello') })).fromCache);
  t.false(asCached(await client.post(url('/anything/raw'), { body: 'bye' })).fromCache);
  t.is(server.hits('/post'), 2);
  t.is(server.hits('/anything/form'), 2);
  t.is(server.hits('/anything/raw'), 2);
});

test('a stream request body is sent but not cached (it cannot be keyed without consuming it)', async (t) => {
  const { Readable } = await import('node:stream');
  const { client, plugin, server, url } = await setup(t, { allowableMethods: ['GET', 'POST'] });
  const send = () => client.post(url('/anything/upload'), { body: Readable.from(['a', 'b']) });
  const first = asCached(await send());
  const second = asCached(await send());
  t.is(JSON.parse(second.body).body, 'ab');
  t.false(first.fromCache);
  t.false(second.fromCache);
  t.is(second.reason, 'unkeyable-body');
  t.is(server.hits('/anything/upload'), 2);
  // explain() says so too, without a request.
  const explained = await plugin.explain(url('/anything/upload'), {
    method: 'POST',
    body: Readable.from(['a']),
  });
  t.like(explained, { action: 'bypass', reason: 'unkeyable-body' });
  t.is(server.hits('/anything/upload'), 2);
});

test('paginate works on misses and hits', async (t) => {
  const { client, server, url } = await setup(t);
  server.route('GET', '/pages', (req, res) => {
    const page = Number(new URL(req.url ?? '', server.url).searchParams.get('page') ?? '1');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (page < 3) headers['link'] = `<${server.url}/pages?page=${page + 1}>; rel="next"`;
    res.writeHead(200, headers);
    res.end(JSON.stringify([page * 10, page * 10 + 1]));
  });
  const first = await client.paginate.all<number>(url('/pages?page=1'), { responseType: 'json' });
  t.deepEqual(first, [10, 11, 20, 21, 30, 31]);
  t.is(server.hits('/pages'), 3);
  const second = await client.paginate.all<number>(url('/pages?page=1'), { responseType: 'json' });
  t.deepEqual(second, first);
  t.is(server.hits('/pages'), 3);
});

test('a cached error status (allowableCodes) is served without got retrying it', async (t) => {
  const { client, server, url } = await setup(t, { allowableCodes: [200, 503] }, { retry: fastRetry });
  const miss = await client(url('/status/503'), { throwHttpErrors: false });
  t.is(miss.statusCode, 503);
  t.is(server.hits('/status/503'), 3);
  const error = await t.throwsAsync(client(url('/status/503')), { instanceOf: HTTPError });
  t.true(asCached(error!.response).fromCache);
  t.is(error?.response.retryCount, 0);
  t.is(server.hits('/status/503'), 3);
});

test('cacheFields() reads the fields, undefined for an uncached client', async (t) => {
  const { client, url } = await setup(t);
  const fields = cacheFields(await client(url('/get')));
  t.is(fields?.fromCache, false);
  t.truthy(fields?.cacheDescription);
  t.is(cacheFields(await got(url('/get'))), undefined);
});

test('store errors never fail a request: they are reported and the network answers', async (t) => {
  const { Keyv } = await import('keyv');
  const broken = new Keyv({
    store: {
      get: async () => {
        throw new Error('store down');
      },
      set: async () => {
        throw new Error('store down');
      },
      delete: async () => false,
      clear: async () => {},
    } as never,
  });
  const { client, server, url, plugin } = await setup(t, { backend: broken });
  const errors: string[] = [];
  plugin.engine.on('error', (error) => errors.push(error.code));
  const first = asCached(await client(url('/get')));
  const second = asCached(await client(url('/get')));
  t.is(first.statusCode, 200);
  t.false(second.fromCache);
  t.is(server.hits('/get'), 2);
  t.true(errors.includes('ERR_CACHE_STORE'));
});

test('bad plugin options throw the typed core errors at construction', (t) => {
  t.throws(() => gotCache({ expireAfter: 'soon' as never }), { instanceOf: InvalidOptionError });
  t.throws(() => gotCache({ expireAfer: 60 } as never), { instanceOf: UnknownOptionError });
});

test('responses are typed with the cache fields: fromCache and reason need no cast (issue 18)', async (t) => {
  const { client, url } = await setup(t);
  // No cast: with @reqcache/got imported, got's Response carries the (optional) cache fields.
  const first = await client(url('/uuid'));
  const second = await client(url('/uuid'));
  const fromCache: [boolean | undefined, boolean | undefined] = [first.fromCache, second.fromCache];
  t.deepEqual(fromCache, [false, true]);
  t.is(second.reason, 'fresh');
  t.true(second.createdAt instanceof Date);
  t.is(second.body, first.body);
});
