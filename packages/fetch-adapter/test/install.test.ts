import { createTestServer } from '@reqcache/test-server';
import test from 'ava';
import {
  type CachedFetchResponse,
  clear,
  disabled,
  enabled,
  getCache,
  InvalidOptionError,
  installCache,
  isInstalled,
  uninstallCache,
} from '../src/index.js';

// Every test here patches the process-wide fetch: run them one at a time, always restoring it.
const trueOriginal = globalThis.fetch;
test.afterEach.always(async () => {
  await uninstallCache();
  globalThis.fetch = trueOriginal;
});

const get = (url: string) => globalThis.fetch(url) as Promise<CachedFetchResponse>;

test.serial(
  'installCache patches globalThis.fetch; uninstallCache restores the exact original',
  async (t) => {
    const server = await createTestServer(t);
    t.false(isInstalled());
    t.is(getCache(), undefined);
    const cached = installCache({ backend: 'memory' });
    t.is(globalThis.fetch as unknown, cached);
    t.true(isInstalled());
    t.is(getCache(), cached.cache);

    await (await get(`${server.url}/get`)).text();
    t.true((await get(`${server.url}/get`)).fromCache);
    t.is(server.hits('/get'), 1);

    await uninstallCache();
    t.is(globalThis.fetch, trueOriginal);
    t.false(isInstalled());
    t.is(getCache(), undefined);
    const plain = await get(`${server.url}/get`);
    t.false('fromCache' in plain);
    t.is(server.hits('/get'), 2);
    await uninstallCache();
    t.is(globalThis.fetch, trueOriginal, 'uninstalling twice is harmless');
  },
);

test.serial('installing twice does not stack: the second cache wraps the original fetch', async (t) => {
  const server = await createTestServer(t);
  const first = installCache({ backend: 'memory' });
  await get(`${server.url}/get`);
  const second = installCache({ backend: 'memory' });
  t.is(globalThis.fetch as unknown, second);
  const response = await get(`${server.url}/get`);
  t.false(response.fromCache, 'the first cache is not consulted');
  t.is(server.hits('/get'), 2);
  t.is(await first.cache.responseCount(), 1, 'the first cache saw only its own request');
  t.is(await second.cache.responseCount(), 1);
  await uninstallCache();
  t.is(globalThis.fetch, trueOriginal);
});

test.serial('bad options throw and leave fetch untouched', (t) => {
  t.throws(() => installCache({ backend: 'memory', expireAfter: [] as never }), {
    instanceOf: InvalidOptionError,
  });
  t.is(globalThis.fetch, trueOriginal);
  t.false(isInstalled());
});

test.serial('clear() empties the installed cache; without one it does nothing', async (t) => {
  const server = await createTestServer(t);
  await clear();
  const cached = installCache({ backend: 'memory' });
  await get(`${server.url}/get`);
  t.is(await cached.cache.responseCount(), 1);
  await clear();
  t.is(await cached.cache.responseCount(), 0);
});

test.serial('enabled() installs for the callback and restores the plain fetch, also on throw', async (t) => {
  const server = await createTestServer(t);
  const result = await enabled(
    async (cached) => {
      t.true(isInstalled());
      t.is(globalThis.fetch as unknown, cached);
      await get(`${server.url}/get`);
      return (await get(`${server.url}/get`)).fromCache;
    },
    { backend: 'memory' },
  );
  t.true(result);
  t.is(globalThis.fetch, trueOriginal);
  t.false(isInstalled());

  await t.throwsAsync(
    () =>
      enabled(
        () => {
          throw new Error('boom');
        },
        { backend: 'memory' },
      ),
    { message: 'boom' },
  );
  t.is(globalThis.fetch, trueOriginal);
  t.false(isInstalled());
});

test.serial(
  'enabled() inside an installation restores that installation afterwards, also on throw',
  async (t) => {
    const installed = installCache({ backend: 'memory' });
    await t.throwsAsync(
      () =>
        enabled(
          (cached) => {
            t.not(cached, installed);
            t.is(getCache(), cached.cache);
            throw new Error('boom');
          },
          { backend: 'memory' },
        ),
      { message: 'boom' },
    );
    t.is(globalThis.fetch as unknown, installed);
    t.is(getCache(), installed.cache);
    await uninstallCache();
    t.is(globalThis.fetch, trueOriginal, 'the true original, not the inner one');
  },
);

test.serial('disabled() runs the callback on the original fetch and reinstalls, also on throw', async (t) => {
  const server = await createTestServer(t);
  const installed = installCache({ backend: 'memory' });
  await get(`${server.url}/get`);
  const inside = await disabled(async () => {
    t.false(isInstalled());
    t.is(globalThis.fetch, trueOriginal);
    return get(`${server.url}/get`);
  });
  t.false('fromCache' in inside);
  t.is(server.hits('/get'), 2);
  t.is(globalThis.fetch as unknown, installed);
  t.true(isInstalled());
  t.true((await get(`${server.url}/get`)).fromCache);

  await t.throwsAsync(
    () =>
      disabled(() => {
        throw new Error('boom');
      }),
    { message: 'boom' },
  );
  t.is(globalThis.fetch as unknown, installed);
  t.true(isInstalled());

  // Nested scopes each restore what they found.
  await disabled(async () => {
    await disabled(() => t.is(globalThis.fetch, trueOriginal));
    t.is(globalThis.fetch, trueOriginal);
  });
  t.is(globalThis.fetch as unknown, installed);
});

test.serial('disabled() without an installation just runs the callback', async (t) => {
  t.is(await disabled(() => 42), 42);
  t.is(globalThis.fetch, trueOriginal);
});

test.serial(
  'a wrapper put around the installed fetch keeps working; uninstallCache leaves it and passes through',
  async (t) => {
    const server = await createTestServer(t);
    installCache({ backend: 'memory' });
    const installed = globalThis.fetch;
    const wrapper: typeof fetch = (input, init) => installed(input, init);
    globalThis.fetch = wrapper;
    t.true(isInstalled());
    await get(`${server.url}/get`);
    t.true((await get(`${server.url}/get`)).fromCache);
    await uninstallCache();
    t.is(globalThis.fetch, wrapper, "someone else's wrapper is not undone");
    t.false(isInstalled());
    const after = await get(`${server.url}/get`);
    t.false('fromCache' in after, 'a plain response: the installed fetch inside the wrapper passes through');
    t.is(server.hits('/get'), 2);
  },
);

test.serial('installing again turns the replaced installation into a pass-through', async (t) => {
  const server = await createTestServer(t);
  const first = installCache({ backend: 'memory' });
  await get(`${server.url}/get`);
  t.true((await first(`${server.url}/get`)).fromCache);
  const second = installCache({ backend: 'memory' });
  t.is(globalThis.fetch as unknown, second);
  const through = await first(`${server.url}/get`);
  t.false('fromCache' in through, 'a plain response from the replaced installation');
  t.is(server.hits('/get'), 2);
});

test.serial(
  'a wrapper put around the fetch enabled() installed passes through once enabled() is over',
  async (t) => {
    const server = await createTestServer(t);
    let wrapper: typeof fetch | undefined;
    await enabled(
      async () => {
        const installed = globalThis.fetch;
        wrapper = (input, init) => installed(input, init);
        await wrapper(`${server.url}/get`);
        t.true(((await wrapper(`${server.url}/get`)) as CachedFetchResponse).fromCache);
      },
      { backend: 'memory' },
    );
    t.is(globalThis.fetch, trueOriginal);
    const after = await (wrapper as typeof fetch)(`${server.url}/get`);
    t.false('fromCache' in after, 'the temporary cache is out of the way');
    t.is(server.hits('/get'), 2);
  },
);
