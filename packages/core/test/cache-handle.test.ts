/** The members every cached client exposes: the store, the settings, the engine, disabled and close. */
import test from 'ava';
import { CACHE_HANDLE_NAMES, type CacheHandle, cacheHandle } from '../src/cache-handle.js';
import { CacheEngine } from '../src/engine.js';

test('cacheHandle: one configurable, non-enumerable descriptor per name', (t) => {
  const engine = new CacheEngine({ backend: 'memory' });
  const descriptors = cacheHandle(engine);
  t.deepEqual(Object.keys(descriptors), [...CACHE_HANDLE_NAMES]);
  for (const descriptor of Object.values(descriptors)) {
    t.true(descriptor.configurable);
    t.falsy(descriptor.enumerable);
  }
});

test('cacheHandle: the members are the engine’s; disabled runs fn with the cache off; close closes the store', async (t) => {
  const engine = new CacheEngine({ backend: 'memory' });
  const client = Object.defineProperties({}, cacheHandle(engine)) as CacheHandle;
  t.is(client.engine, engine);
  t.is(client.cache, engine.cache);
  t.is(client.settings, engine.settings);
  const explained = await client.disabled(() =>
    engine.explain({ method: 'GET', url: 'https://example.com/', headers: {} }),
  );
  t.is(explained.action, 'bypass');
  t.is(explained.reason, 'disabled');
  await client.close();
  await t.notThrowsAsync(() => client.close());
});
