/** The `.cache` inspection API and store failures. */
import { EventEmitter } from 'node:events';
import { NEVER_EXPIRE } from '@reqcache/core';
import { collect, type SuiteContext } from '../harness.js';

/** A Keyv store whose reads and writes always throw. */
class BrokenStore extends EventEmitter {
  readonly opts = {};
  get(): never {
    throw new Error('store is down (get)');
  }
  set(): never {
    throw new Error('store is down (set)');
  }
  async delete(): Promise<boolean> {
    return false;
  }
  async clear(): Promise<void> {}
}

export function registerMaintenanceCases({ test, title, setup }: SuiteContext): void {
  test(
    title('inspection API: contains, urls, responseCount, delete, filter, resetExpiration, clear'),
    async (t) => {
      const { server, client, clock, send, url } = await setup(t, { expireAfter: 60 });
      const cache = client.cache;
      await send('/get');
      await send('/json');
      const uuid = await send('/uuid', { cache: { expireAfter: NEVER_EXPIRE } });

      t.true(await cache.contains({ url: url('/get') }));
      t.true(await cache.contains({ key: uuid.cacheKey ?? '' }));
      t.false(await cache.contains({ url: url('/html') }));
      t.deepEqual(await cache.urls(), [url('/get'), url('/json'), url('/uuid')].sort());
      t.is(await cache.responseCount(), 3);

      t.is(await cache.delete({ urls: [url('/json')] }), 1);
      t.false(await cache.contains({ url: url('/json') }));
      t.is(await cache.responseCount(), 2);

      clock.advance(120);
      const expired = await collect(cache.filter({ valid: false, expired: true }));
      t.deepEqual(
        expired.map((item) => (item.invalid ? item.cacheKey : item.url)),
        [url('/get')],
      );
      t.is(await cache.responseCount({ checkExpiry: true }), 1);
      t.is(await cache.delete({ expired: true }), 1);
      t.deepEqual(await cache.urls(), [url('/uuid')]);

      t.is(await cache.resetExpiration(30), 1);
      const reset = await cache.responses.get(uuid.cacheKey ?? '');
      t.is(reset?.expires?.getTime(), clock.now() + 30_000);
      const hit = await send('/uuid');
      t.true(hit.fromCache);
      t.is(hit.expires?.getTime(), clock.now() + 30_000);

      await cache.clear();
      t.is(await cache.responseCount(), 0);
      t.false((await send('/uuid')).fromCache);
      t.is(server.hits('/uuid'), 2);
      t.is(server.hits('/get'), 1);
    },
  );

  test(title('a failing store never fails a request: it goes to the network and is reported'), async (t) => {
    const { server, errors, send } = await setup(t, { backend: new BrokenStore() });
    const first = await send('/get');
    const second = await send('/get');
    t.is(first.status, 200);
    t.is(second.status, 200);
    t.false(first.fromCache);
    t.false(second.fromCache);
    t.is(first.cacheKey, undefined);
    t.deepEqual(second.json(), first.json());
    t.is(server.hits('/get'), 2);
    t.true(errors.length > 0);
    t.true(errors.every((error) => error.code === 'ERR_CACHE_STORE'));
  });

  test(title('a corrupt entry is a reported miss, replaced by the next good response'), async (t) => {
    const { server, client, errors, send } = await setup(t);
    const first = await send('/get');
    const key = first.cacheKey ?? '';
    await client.cache.keyv.set(key, 'garbage');
    t.deepEqual(errors, []);

    const refetched = await send('/get');
    t.is(refetched.status, 200);
    t.false(refetched.fromCache);
    t.is(server.hits('/get'), 2);
    t.true(errors.some((error) => error.code === 'ERR_CACHE_DESERIALIZE' && error.key === key));

    const hit = await send('/get');
    t.true(hit.fromCache);
    t.is(hit.cacheKey, key);
    t.is(server.hits('/get'), 2);
    t.is((await client.cache.responses.get(key))?.status, 200);
  });
}
