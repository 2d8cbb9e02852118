/**
 * Huge bodies and headers: `maxEntryBytes` (body + response header names and values; default 10 MiB)
 * keeps them out of the store, and the response is still returned intact. Through each adapter.
 */
import { DEFAULT_MAX_ENTRY_BYTES } from '@reqcache/core';
import { createTestServer, pseudoRandomBytes } from '@reqcache/test-server';
import test from 'ava';
import { ADAPTERS } from './helpers/clients.js';

const bytes = (body: Uint8Array): Buffer => Buffer.from(body.buffer, body.byteOffset, body.byteLength);

test('limits: the default maxEntryBytes is 10 MiB', (t) => {
  t.is(DEFAULT_MAX_ENTRY_BYTES, 10 * 1024 * 1024);
});

for (const adapter of ADAPTERS) {
  test(`limits (${adapter.name}): a body over maxEntryBytes (declared by Content-Length) is returned intact and not stored`, async (t) => {
    const server = await createTestServer(t);
    const client = adapter.create({ backend: 'memory', maxEntryBytes: 64 * 1024 });
    t.teardown(() => client.close());
    const url = `${server.url}/bytes/200000?seed=5`;
    for (let i = 0; i < 2; i++) {
      const response = await client.send({ url });
      t.is(response.status, 200);
      t.false(response.fromCache);
      t.true(bytes(response.body).equals(pseudoRandomBytes(200000, 5)), 'intact');
    }
    t.is(server.hits('/bytes/200000'), 2);
    t.is(await client.cache.responseCount(), 0);
    // Under the limit, the same client stores as usual.
    await client.send({ url: `${server.url}/bytes/1000?seed=5` });
    t.true((await client.send({ url: `${server.url}/bytes/1000?seed=5` })).fromCache);
  });

  test(`limits (${adapter.name}): a streamed body (no Content-Length) over maxEntryBytes is returned intact and not stored`, async (t) => {
    const server = await createTestServer(t);
    const client = adapter.create({ backend: 'memory', maxEntryBytes: 4096 });
    t.teardown(() => client.close());
    const url = `${server.url}/stream/100`;
    const first = await client.send({ url });
    const second = await client.send({ url });
    t.false(second.fromCache);
    t.is(first.text().trim().split('\n').length, 100, 'intact');
    t.true(first.body.byteLength > 4096);
    t.is(await client.cache.responseCount(), 0);
  });

  test(`limits (${adapter.name}): huge response headers count toward maxEntryBytes`, async (t) => {
    const server = await createTestServer(t);
    server.route('GET', '/huge-headers', (_req, res) => {
      for (let i = 0; i < 40; i++) res.setHeader(`x-filler-${i}`, 'h'.repeat(300));
      res.setHeader('content-type', 'text/plain');
      res.end('small body');
    });
    const small = adapter.create({ backend: 'memory', maxEntryBytes: 8192 });
    const large = adapter.create({ backend: 'memory', maxEntryBytes: 64 * 1024 });
    t.teardown(async () => {
      await small.close();
      await large.close();
    });
    const url = `${server.url}/huge-headers`;
    const first = await small.send({ url });
    t.is(first.text(), 'small body');
    t.is(first.headers['x-filler-39'], 'h'.repeat(300), 'headers intact');
    t.false((await small.send({ url })).fromCache, '12 KB of headers > 8 KiB: not stored');
    await large.send({ url });
    const hit = await large.send({ url });
    t.true(hit.fromCache, 'under a larger limit it is stored');
    t.is(hit.headers['x-filler-39'], 'h'.repeat(300));
  });

  test(`limits (${adapter.name}): by default (10 MiB) a 10 MiB body is not stored, a 1 MiB body is`, async (t) => {
    const server = await createTestServer(t);
    const client = adapter.create({ backend: 'memory' });
    t.teardown(() => client.close());
    const huge = `${server.url}/bytes/${10 * 1024 * 1024}?seed=9`;
    const response = await client.send({ url: huge });
    t.is(response.body.byteLength, 10 * 1024 * 1024);
    t.true(bytes(response.body).equals(pseudoRandomBytes(10 * 1024 * 1024, 9)));
    t.false((await client.send({ url: huge })).fromCache);
    const medium = `${server.url}/bytes/${1024 * 1024}?seed=9`;
    await client.send({ url: medium });
    t.true((await client.send({ url: medium })).fromCache);
  });
}

test('limits: maxEntryBytes rejects a bad value with InvalidOptionError', async (t) => {
  const { CacheEngine, InvalidOptionError } = await import('@reqcache/core');
  for (const value of [0, -1, 1.5, Number.NaN, '10MB', null]) {
    t.throws(() => new CacheEngine({ backend: 'memory', maxEntryBytes: value as never }), {
      instanceOf: InvalidOptionError,
    });
  }
  const engine = new CacheEngine({ backend: 'memory', maxEntryBytes: Number.POSITIVE_INFINITY });
  t.is(engine.settings.maxEntryBytes, Number.POSITIVE_INFINITY);
  await engine.cache.close();
});
