import test from 'ava';
import { fetch, getGlobalDispatcher, MockAgent, setGlobalDispatcher } from 'undici';
import { withCache } from '../src/index.js';

const ORIGIN = 'http://api.example.test';

function mockOrigin(t: { teardown(fn: () => Promise<void>): void }): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agent
    .get(ORIGIN)
    .intercept({ path: '/items', method: 'GET' })
    .reply(200, { items: [1, 2, 3] }, { headers: { 'content-type': 'application/json', etag: '"v1"' } });
  t.teardown(() => agent.close());
  return agent;
}

test.serial(
  'undici MockAgent as dispatcher: the mocked response is cached; the second call never reaches it',
  async (t) => {
    const agent = mockOrigin(t);
    const cached = withCache(fetch, { backend: 'memory' });
    t.teardown(() => cached.close());
    const first = await cached(`${ORIGIN}/items`, { dispatcher: agent });
    t.false(first.fromCache);
    t.deepEqual(await first.json(), { items: [1, 2, 3] });
    agent.assertNoPendingInterceptors();

    // The interceptor is used up and net connect is off: only the cache can answer.
    const second = await cached(`${ORIGIN}/items`, { dispatcher: agent });
    t.true(second.fromCache);
    t.deepEqual(await second.json(), { items: [1, 2, 3] });
    t.is(second.headers.get('etag'), '"v1"');
  },
);

test.serial('undici MockAgent as global dispatcher', async (t) => {
  const agent = mockOrigin(t);
  const previous = getGlobalDispatcher();
  setGlobalDispatcher(agent);
  t.teardown(() => setGlobalDispatcher(previous));
  const cached = withCache(fetch, { backend: 'memory' });
  t.teardown(() => cached.close());
  t.false((await cached(`${ORIGIN}/items`)).fromCache);
  const second = await cached(`${ORIGIN}/items`);
  t.true(second.fromCache);
  t.deepEqual(await second.json(), { items: [1, 2, 3] });
  agent.assertNoPendingInterceptors();
  // Without the cache the mock has nothing left to answer with.
  await t.throwsAsync(() => fetch(`${ORIGIN}/items`));
});
