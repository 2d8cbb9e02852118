/** What is cached and under which key: codes, methods, bodies, ignored parameters, headers, Vary, filter, keyFn. */
import { REDACTED } from '@reqcache/core/internal';
import { bytes, collect, type SuiteContext, text } from '../harness.js';

export function registerMatchingCases({ test, title, setup }: SuiteContext): void {
  const codes = [
    { label: 'not cached by default', allowableCodes: undefined, hits: 2 },
    { label: 'cached when in allowableCodes', allowableCodes: [200, 404], hits: 1 },
  ];
  for (const { label, allowableCodes, hits } of codes) {
    test(title(`allowableCodes: a 404 is ${label}`), async (t) => {
      const { server, send } = await setup(t, allowableCodes ? { allowableCodes } : {});
      const first = await send('/status/404');
      const second = await send('/status/404');
      t.is(first.status, 404);
      t.is(second.status, 404);
      t.is(second.fromCache, hits === 1);
      t.is(first.cacheKey === undefined, hits === 2);
      t.deepEqual(bytes(second.body), bytes(first.body));
      t.is(server.hits('/status/404'), hits);
    });
  }

  test(title('allowableMethods: POST is not cached by default'), async (t) => {
    const { server, client, send } = await setup(t);
    const first = await send('/post', { method: 'POST', json: { a: 1 } });
    const second = await send('/post', { method: 'POST', json: { a: 1 } });
    t.is(first.status, 200);
    t.false(second.fromCache);
    t.is(first.cacheKey, undefined);
    t.is(server.hits('/post'), 2);
    t.is(await client.cache.responseCount(), 0);
  });

  test(title('allowableMethods with POST: bodies are part of the key, normalized'), async (t) => {
    const { server, client, send } = await setup(t, { allowableMethods: ['GET', 'HEAD', 'POST'] });
    const post = (body: { json: unknown } | { form: Record<string, string> }) =>
      send('/post', { method: 'POST', ...body });

    const json = await post({ json: { a: 1, b: 2 } });
    t.false(json.fromCache);
    t.like(server.lastRequest('/post'), { method: 'POST' });
    t.deepEqual(JSON.parse(server.lastRequest('/post')?.body.toString() ?? ''), { a: 1, b: 2 });
    t.true(String(server.lastRequest('/post')?.headers['content-type']).includes('application/json'));

    const reordered = await post({ json: { b: 2, a: 1 } });
    t.true(reordered.fromCache, 'same JSON with keys in another order → same key');
    t.is(reordered.cacheKey, json.cacheKey);
    t.deepEqual(bytes(reordered.body), bytes(json.body));

    const other = await post({ json: { a: 1, b: 3 } });
    t.false(other.fromCache, 'different JSON → different key');
    t.not(other.cacheKey, json.cacheKey);

    const form = await post({ form: { x: '1', y: '2' } });
    t.false(form.fromCache);
    t.true(
      String(server.lastRequest('/post')?.headers['content-type']).includes(
        'application/x-www-form-urlencoded',
      ),
    );
    const formReordered = await post({ form: { y: '2', x: '1' } });
    t.true(formReordered.fromCache, 'form fields are sorted');
    t.is(formReordered.cacheKey, form.cacheKey);
    t.not(form.cacheKey, json.cacheKey);

    t.is(server.hits('/post'), 3);
    t.is(await client.cache.responseCount(), 3);
  });

  test(title('ignoredParameters: api_key values match each other and are stored as REDACTED'), async (t) => {
    const { server, client, send } = await setup(t);
    const first = await send('/get?q=1&api_key=secret-one-111');
    const second = await send('/get?q=1&api_key=secret-two-222');
    t.false(first.fromCache);
    t.true(second.fromCache);
    t.is(second.cacheKey, first.cacheKey);
    t.is(server.hits('/get'), 1);
    // The origin saw the real value: redaction is for storage only.
    t.true(server.lastRequest('/get')?.path.includes('api_key=secret-one-111'));

    const stored = await client.cache.responses.get(first.cacheKey ?? '');
    t.truthy(stored);
    t.true(stored?.url.includes(`api_key=${REDACTED}`));
    t.true(stored?.request.url.includes(`api_key=${REDACTED}`));
    const storedText = JSON.stringify({
      url: stored?.url,
      request: stored?.request,
      headers: stored?.headers,
    });
    t.false(storedText.includes('secret-one-111'));
    const urls = await client.cache.urls();
    t.is(urls.length, 1);
    t.true(urls[0]?.includes(REDACTED));
    t.false(urls[0]?.includes('secret'));
    const [listed] = await collect(client.cache.filter());
    t.false(JSON.stringify(listed?.invalid ? {} : listed?.request).includes('secret-one-111'));
    // The one-line description names the request redacted too, on a miss and on a hit.
    for (const response of [first, second]) {
      t.true(response.description.includes(`api_key=${REDACTED}`), response.description);
      t.false(response.description.includes('secret'), response.description);
    }
  });

  test(title('ignoredParameters: an Authorization header is redacted in the stored request'), async (t) => {
    // Shared across credentials only with separateCredentials: false (by default each credential has its own key).
    const { server, client, send } = await setup(t, { separateCredentials: false });
    const first = await send('/headers', { headers: { Authorization: 'Bearer token-aaa' } });
    t.is(server.lastRequest('/headers')?.headers['authorization'], 'Bearer token-aaa');
    const stored = await client.cache.responses.get(first.cacheKey ?? '');
    t.is(stored?.request.headers['authorization'], REDACTED);
    t.false(JSON.stringify(stored?.request).includes('token-aaa'));
    const second = await send('/headers', { headers: { Authorization: 'Bearer token-bbb' } });
    t.true(second.fromCache);
    t.is(server.hits('/headers'), 1);
  });

  const matching = [
    { label: 'matchHeaders: false ignores Accept', matchHeaders: false, hits: 1 },
    { label: 'matchHeaders: true keys on Accept', matchHeaders: true, hits: 2 },
    { label: "matchHeaders: ['Accept'] keys on Accept", matchHeaders: ['Accept'], hits: 2 },
  ];
  for (const { label, matchHeaders, hits } of matching) {
    test(title(label), async (t) => {
      const { server, send } = await setup(t, { matchHeaders });
      const json = await send('/headers', { headers: { accept: 'application/json' } });
      const plain = await send('/headers', { headers: { accept: 'text/plain' } });
      t.false(json.fromCache);
      t.is(plain.fromCache, hits === 1);
      t.is(plain.cacheKey === json.cacheKey, hits === 1);
      const jsonAgain = await send('/headers', { headers: { accept: 'application/json' } });
      const plainAgain = await send('/headers', { headers: { accept: 'text/plain' } });
      t.true(jsonAgain.fromCache);
      t.true(plainAgain.fromCache);
      t.deepEqual(bytes(jsonAgain.body), bytes(json.body));
      t.deepEqual(bytes(plainAgain.body), bytes(plain.body));
      t.is(server.hits('/headers'), hits);
    });
  }

  test(title('Vary: Accept stores one entry per variant'), async (t) => {
    const { server, send } = await setup(t);
    const path = '/response-headers?Vary=Accept';
    const json = await send(path, { headers: { accept: 'application/json' } });
    const html = await send(path, { headers: { accept: 'text/html' } });
    t.false(json.fromCache);
    t.false(html.fromCache, 'a different Accept is a miss');
    t.not(html.cacheKey, json.cacheKey);
    t.is(server.hits('/response-headers'), 2);
    t.is(server.lastRequest('/response-headers')?.headers['accept'], 'text/html');

    const jsonAgain = await send(path, { headers: { accept: 'application/json' } });
    const htmlAgain = await send(path, { headers: { accept: 'text/html' } });
    t.true(jsonAgain.fromCache);
    t.true(htmlAgain.fromCache);
    t.is(jsonAgain.cacheKey, json.cacheKey);
    t.is(htmlAgain.cacheKey, html.cacheKey);
    t.is(server.hits('/response-headers'), 2);
  });

  test(
    title('filter: a response it rejects is not stored; a changed filter removes stored entries'),
    async (t) => {
      const { server, client, send } = await setup(t, {
        filter: (response) => text(response.body) !== 'drop',
      });
      const dropped = await send('/response-headers?body=drop');
      t.is(dropped.cacheKey, undefined);
      t.false((await send('/response-headers?body=drop')).fromCache);
      t.is(server.hits('/response-headers'), 2);

      const kept = await send('/response-headers?body=keep');
      t.is(kept.text(), 'keep');
      t.true((await send('/response-headers?body=keep')).fromCache);
      t.is(server.hits('/response-headers'), 3);
      t.is(await client.cache.responseCount(), 1);

      client.settings.filter = () => false;
      const refetched = await send('/response-headers?body=keep');
      t.false(refetched.fromCache);
      t.is(server.hits('/response-headers'), 4);
      t.false(await client.cache.contains({ url: `${server.url}/response-headers?body=keep` }));
      t.is(await client.cache.responseCount(), 0);
    },
  );

  test(title('keyFn: a custom key function decides what matches'), async (t) => {
    const { server, client, send } = await setup(t, {
      keyFn: (request) => `path:${request.method}:${new URL(request.url).pathname}`,
    });
    const first = await send('/anything/x?page=1');
    t.is(first.cacheKey, 'path:GET:/anything/x');
    const second = await send('/anything/x?page=2');
    t.true(second.fromCache);
    t.is(second.cacheKey, 'path:GET:/anything/x');
    t.deepEqual(bytes(second.body), bytes(first.body));
    t.is(server.hits('/anything/x'), 1);
    t.deepEqual(await collect(client.cache.keys()), ['path:GET:/anything/x']);
  });
}
