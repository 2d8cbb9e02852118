/** Coalescing against a slow store: a lookup whose read predates an identical flight's write shares its answer. */
import { createTestServer } from '@reqcache/test-server';
import test from 'ava';
import { Keyv } from 'keyv';
import { cacheRequest, createEngine, fetchSender, outcomeText } from './helpers/engine.js';

/**
 * A Keyv store whose reads see the value at the time they are called but answer after `readDelays`
 * (in order; then at once), like a slow remote store.
 */
function slowReadStore(readDelays: number[]) {
  const map = new Map<string, unknown>();
  return {
    get: async (key: string) => {
      const value = map.get(key);
      const delay = readDelays.shift() ?? 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      return value;
    },
    set: async (key: string, value: unknown) => {
      map.set(key, value);
      return true;
    },
    delete: async (key: string) => map.delete(key),
    clear: async () => map.clear(),
    has: async (key: string) => map.has(key),
  };
}

test('a miss whose slow store read began before an identical flight stored its answer follows it', async (t) => {
  const server = await createTestServer(t);
  // First read at once; the second (the late request's) answers long after the first request landed.
  const store = slowReadStore([0, 400]);
  const { engine } = createEngine(t, { backend: new Keyv({ store }) });
  const request = cacheRequest(`${server.url}/delay/100`);
  const first = engine.request(request, undefined, fetchSender(request));
  // Let the first request read the store and start its network request.
  await new Promise((resolve) => setImmediate(resolve));
  const second = engine.request(request, undefined, fetchSender(request));
  const [a, b] = await Promise.all([first, second]);
  t.is(server.hits('/delay/100'), 1);
  t.is(await outcomeText(b), await outcomeText(a));
  t.is(b.source, 'cache');
  t.is(b.info.cacheKey, a.info.cacheKey);
});
