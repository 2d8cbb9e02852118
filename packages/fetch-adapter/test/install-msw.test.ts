/**
 * installCache() beside msw's setupServer(), which wraps globalThis.fetch too: uninstallCache() never
 * undoes msw's patch, and msw's close() never brings an uninstalled cache back (issue 18, point 4).
 */
import { createTestServer } from '@reqcache/test-server';
import test from 'ava';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { installCache, isInstalled, uninstallCache } from '../src/index.js';

// Every test here patches the process-wide fetch: run them one at a time, always restoring it.
const trueOriginal = globalThis.fetch;
test.afterEach.always(async () => {
  await uninstallCache();
  globalThis.fetch = trueOriginal;
});

/** GETs a URL through whatever globalThis.fetch is now, reading the body. */
async function get(url: string): Promise<{ status: number; text: string }> {
  const response = await globalThis.fetch(url);
  return { status: response.status, text: await response.text() };
}

/** Runs `fn` with `DEBUG=reqcache`, returning the reqcache debug lines it wrote to stderr. */
async function withDebugLog(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  const saved = process.env['DEBUG'];
  process.env['DEBUG'] = 'reqcache';
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    const text = typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
    if (text.startsWith('REQCACHE ')) lines.push(text);
    else return write(chunk, ...rest);
    return true;
  }) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stderr.write = write;
    if (saved === undefined) delete process.env['DEBUG'];
    else process.env['DEBUG'] = saved;
  }
  return lines;
}

async function setup(t: Parameters<typeof createTestServer>[0]) {
  const server = await createTestServer(t);
  const mockedUrl = `${server.url}/mocked-by-msw`;
  const msw = setupServer(http.get(mockedUrl, () => HttpResponse.text('from msw')));
  t.teardown(() => msw.close());
  return { server, msw, mockedUrl };
}

test.serial(
  'installCache, then msw: uninstallCache keeps msw, and msw close() does not bring the cache back',
  async (t) => {
    const { server, msw, mockedUrl } = await setup(t);
    installCache({ backend: 'memory' });
    msw.listen({ onUnhandledRequest: 'bypass' });
    const mswFetch = globalThis.fetch;

    await get(`${server.url}/get`);
    await get(`${server.url}/get`);
    t.is(server.hits('/get'), 1, 'cached behind msw');
    t.is((await get(mockedUrl)).text, 'from msw');

    const logged = await withDebugLog(() => uninstallCache());
    t.is(logged.length, 1);
    t.regex(
      logged[0] ?? '',
      /uninstallCache: globalThis\.fetch was wrapped by another library after installCache\(\)/,
    );
    t.is(globalThis.fetch, mswFetch, "msw's wrapper stays in place");
    t.false(isInstalled());
    t.is((await get(mockedUrl)).text, 'from msw', 'msw still answers');
    await get(`${server.url}/get`);
    t.is(server.hits('/get'), 2, 'the uninstalled cache passes requests through');

    msw.close();
    await get(`${server.url}/get`);
    t.is(server.hits('/get'), 3, "msw's close() did not bring the cache back");
    t.not((await get(mockedUrl)).text, 'from msw', 'and msw is gone: the origin answers');
    t.is(server.hits('/mocked-by-msw'), 1);
    t.false(isInstalled());
  },
);

test.serial(
  'msw, then installCache: uninstallCache puts msw back, msw close() the true original',
  async (t) => {
    const { server, msw, mockedUrl } = await setup(t);
    msw.listen({ onUnhandledRequest: 'bypass' });
    const mswFetch = globalThis.fetch;
    const cached = installCache({ backend: 'memory' });

    t.is((await get(mockedUrl)).text, 'from msw');
    t.is((await get(mockedUrl)).text, 'from msw');
    t.true(await cached.cache.contains({ url: mockedUrl }), "msw's answer is cached, as any other");
    await get(`${server.url}/get`);
    await get(`${server.url}/get`);
    t.is(server.hits('/get'), 1);

    t.deepEqual(await withDebugLog(() => uninstallCache()), [], 'nothing to say: the original is back');
    t.is(globalThis.fetch, mswFetch);
    await get(`${server.url}/get`);
    t.is(server.hits('/get'), 2);
    msw.close();
    t.is(globalThis.fetch, trueOriginal);
    await get(`${server.url}/get`);
    t.is(server.hits('/get'), 3);
  },
);
