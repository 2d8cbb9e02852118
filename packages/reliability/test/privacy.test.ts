/**
 * Privacy across users: by default, responses to requests carrying credentials (Authorization,
 * Proxy-Authorization, Cookie, or another credential header of `ignoredParameters`) are kept apart per
 * credential value; `separateCredentials: false` opts out (requests-cache's sharing). `Vary: Cookie` is
 * honoured either way. Through each adapter.
 */
import type { SuiteClient } from '@reqcache/behaviour-suite';
import type { CacheOptions } from '@reqcache/core';
import { createTestServer } from '@reqcache/test-server';
import test, { type ExecutionContext } from 'ava';
import { ADAPTERS, type Adapter } from './helpers/clients.js';

function open(t: ExecutionContext, adapter: Adapter, options: CacheOptions = {}): SuiteClient {
  const client = adapter.create({ backend: 'memory', ...options });
  t.teardown(() => client.close());
  return client;
}

const CREDENTIALS: Array<[string, string, string]> = [
  ['Authorization', 'Bearer alice-token', 'Bearer bob-token'],
  ['Proxy-Authorization', 'Basic YWxpY2U6eA==', 'Basic Ym9iOnk='],
  ['Cookie', 'session=alice', 'session=bob'],
  ['X-API-Key', 'alice-key', 'bob-key'],
];

for (const adapter of ADAPTERS) {
  for (const [header, alice, bob] of CREDENTIALS) {
    test(`privacy (${adapter.name}): responses to requests with different ${header} values are kept apart; the same value hits`, async (t) => {
      const server = await createTestServer(t);
      const client = open(t, adapter);
      const url = `${server.url}/uuid`;
      const aliceFirst = await client.send({ url, headers: { [header]: alice } });
      const bobFirst = await client.send({ url, headers: { [header]: bob } });
      t.false(bobFirst.fromCache, "bob never gets alice's response");
      t.not(bobFirst.text(), aliceFirst.text());
      t.not(bobFirst.cacheKey, aliceFirst.cacheKey);
      const anonymous = await client.send({ url });
      t.false(anonymous.fromCache, 'nor does a request without credentials');
      const aliceAgain = await client.send({ url, headers: { [header]: alice } });
      t.true(aliceAgain.fromCache, 'the same credential is served from the cache');
      t.is(aliceAgain.text(), aliceFirst.text());
      const bobAgain = await client.send({ url, headers: { [header]: bob } });
      t.is(bobAgain.text(), bobFirst.text());
      t.is(server.hits('/uuid'), 3);
      // The key holds a hash of the credential, never the value.
      t.false((aliceFirst.cacheKey ?? '').includes('alice'));
    });
  }

  test(`privacy (${adapter.name}): separateCredentials: false shares one entry whatever the credential (requests-cache behaviour)`, async (t) => {
    const server = await createTestServer(t);
    const client = open(t, adapter, { separateCredentials: false });
    const url = `${server.url}/uuid`;
    const alice = await client.send({ url, headers: { Authorization: 'Bearer alice' } });
    const bob = await client.send({ url, headers: { Authorization: 'Bearer bob' } });
    t.true(bob.fromCache);
    t.is(bob.text(), alice.text());
    t.is(server.hits('/uuid'), 1);
  });

  for (const separateCredentials of [true, false]) {
    test(`privacy (${adapter.name}): Vary: Cookie is honoured (separateCredentials: ${separateCredentials})`, async (t) => {
      const server = await createTestServer(t);
      let served = 0;
      server.route('GET', '/per-user', (req, res) => {
        served++;
        res.setHeader('vary', 'Cookie');
        res.setHeader('cache-control', 'max-age=600');
        res.setHeader('content-type', 'text/plain');
        res.end(`page for ${req.headers.cookie ?? 'nobody'} #${served}`);
      });
      const client = open(t, adapter, { separateCredentials, cacheControl: true });
      const url = `${server.url}/per-user`;
      const alice = await client.send({ url, headers: { Cookie: 'user=alice' } });
      t.regex(alice.text(), /^page for user=alice/);
      const bob = await client.send({ url, headers: { Cookie: 'user=bob' } });
      t.false(bob.fromCache);
      t.regex(bob.text(), /^page for user=bob/, "bob never gets alice's page");
      const nobody = await client.send({ url });
      t.regex(nobody.text(), /^page for nobody/);
      const bobAgain = await client.send({ url, headers: { Cookie: 'user=bob' } });
      t.regex(bobAgain.text(), /^page for user=bob/);
      const nobodyAgain = await client.send({ url });
      t.regex(nobodyAgain.text(), /^page for nobody/, 'a request without a cookie gets the cookie-less page');
      if (separateCredentials) t.true(nobodyAgain.fromCache, 'each variant has a key of its own');
    });
  }
}

for (const adapter of ADAPTERS) {
  test(`privacy (${adapter.name}): a request without the varied header never gets another request's variant (Vary: Accept-Language)`, async (t) => {
    const server = await createTestServer(t);
    server.route('GET', '/localized', (req, res) => {
      res.setHeader('vary', 'Accept-Language');
      res.setHeader('cache-control', 'max-age=600');
      res.end(`page in ${req.headers['accept-language'] ?? 'default'}`);
    });
    const client = open(t, adapter, { cacheControl: true });
    const url = `${server.url}/localized`;
    t.is((await client.send({ url, headers: { 'Accept-Language': 'fr' } })).text(), 'page in fr');
    // (fetch sends `Accept-Language: *` by default; got and axios send none.)
    const plain = (await client.send({ url })).text();
    t.notRegex(plain, /^page in (fr|de)$/);
    t.is((await client.send({ url, headers: { 'Accept-Language': 'de' } })).text(), 'page in de');
    t.is((await client.send({ url })).text(), plain, 'never the de variant');
    t.is((await client.send({ url, headers: { 'Accept-Language': 'fr' } })).text(), 'page in fr');
  });
}
