/**
 * Concurrency: 1 000 concurrent identical requests reach the origin once; 1 000 concurrent distinct
 * requests lose and cross nothing (each body matches its URL, and afterwards all 1 000 are hits).
 * Through each adapter, on memory and SQLite.
 */
import { join } from 'node:path';
import type { SuiteClient } from '@reqcache/behaviour-suite';
import type { CacheOptions, ReqcacheError } from '@reqcache/core';
import { createTestServer } from '@reqcache/test-server';
import test, { type ExecutionContext } from 'ava';
import { ADAPTERS } from './helpers/clients.js';
import { removeSqliteFile, temporaryDirectory } from './helpers/stores.js';

const N = 1000;

const STORES: Array<{ name: string; options(t: ExecutionContext): CacheOptions }> = [
  { name: 'memory', options: () => ({ backend: 'memory' }) },
  {
    name: 'sqlite',
    options: (t) => {
      const path = join(temporaryDirectory(t), 'concurrency.sqlite');
      t.teardown(() => removeSqliteFile(path));
      return { backend: 'sqlite', cacheName: path };
    },
  },
];

function open(t: ExecutionContext, create: (options: CacheOptions) => SuiteClient, options: CacheOptions) {
  const client = create(options);
  const errors: ReqcacheError[] = [];
  client.engine.on('error', (error) => errors.push(error));
  t.teardown(() => client.close());
  return { client, errors };
}

for (const store of STORES) {
  for (const adapter of ADAPTERS) {
    test.serial(
      `concurrency on ${store.name} (${adapter.name}): ${N} concurrent identical requests reach the origin once`,
      async (t) => {
        const server = await createTestServer(t);
        const { client, errors } = open(t, adapter.create, store.options(t));
        // A slow origin, so every request is under way while the first one is.
        const url = `${server.url}/delay/300?same=1`;
        const responses = await Promise.all(Array.from({ length: N }, () => client.send({ url })));
        t.is(server.hits('/delay/300'), 1, 'one origin request');
        const body = responses[0]!.text();
        t.regex(body, /same/);
        t.true(responses.every((response) => response.status === 200 && response.text() === body));
        t.true((await client.send({ url })).fromCache);
        t.deepEqual(errors, []);
      },
    );

    test.serial(
      `concurrency on ${store.name} (${adapter.name}): ${N} concurrent distinct requests lose and cross nothing`,
      async (t) => {
        const server = await createTestServer(t);
        const { client, errors } = open(t, adapter.create, store.options(t));
        const urls = Array.from({ length: N }, (_, i) => `${server.url}/anything/item-${i}?i=${i}`);
        const check = (text: string, url: string): boolean =>
          (JSON.parse(text) as { url: string }).url === url;

        const first = await Promise.all(urls.map((url) => client.send({ url })));
        t.is(server.totalHits(), N);
        t.true(first.every((response, i) => response.status === 200 && check(response.text(), urls[i]!)));

        const again = await Promise.all(urls.map((url) => client.send({ url })));
        t.is(server.totalHits(), N, 'no further origin request: all are hits');
        const wrong = again.filter((response, i) => !response.fromCache || !check(response.text(), urls[i]!));
        t.is(wrong.length, 0, 'every entry is there, under its own URL');
        t.is(await client.cache.responseCount(), N);
        t.deepEqual(errors, []);
      },
    );
  }
}
