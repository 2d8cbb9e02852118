/** What a hook-style client does with a request once it is looked up, and why (RFC 9111 §4, §4.2.4, §4.3). */
import test from 'ava';
import { UNKEYABLE } from '../src/body-bytes.js';
import type { NetworkResponse } from '../src/contract.js';
import { type HookPlan, type HookRequest, planHookRequest } from '../src/hook-plan.js';
import type { CacheOptions, RequestCacheOptions } from '../src/options.js';
import { normalizeRequestOptions } from '../src/options.js';
import { cacheRequest, createEngine } from './helpers/engine.js';

const URL = 'https://example.com/item';

function response(headers: Record<string, string>, status = 200): NetworkResponse<string> {
  return {
    status,
    statusText: 'OK',
    headers,
    url: URL,
    readBody: async () => new TextEncoder().encode('body'),
    raw: 'network',
  };
}

function input(own: RequestCacheOptions, overrides: Partial<HookRequest<string>>): HookRequest<string> {
  return {
    request: cacheRequest(URL),
    options: normalizeRequestOptions(own),
    retryOf: undefined,
    stream: false,
    teeable: true,
    leading: undefined,
    ended: new Promise(() => {}),
    send: async () => response({}),
    ...overrides,
  };
}

interface Row {
  name: string;
  /** Headers of the response stored first (none: nothing stored). */
  stored?: Record<string, string>;
  /** How long after storing the request is made. */
  laterMs?: number;
  settings?: CacheOptions;
  own?: RequestCacheOptions;
  overrides?: Partial<HookRequest<string>>;
  expected: {
    action: HookPlan<string>['action'];
    state?: string | undefined;
    reason?: string;
    leads?: boolean;
    conditions?: Record<string, string>;
    answersError?: boolean;
  };
}

const VALIDATED = { 'cache-control': 'max-age=1', etag: '"v1"' };
const ROWS: Row[] = [
  {
    name: 'nothing stored: sent, leading identical requests',
    expected: { action: 'send', state: 'miss', reason: 'miss', leads: true },
  },
  {
    name: 'fresh (§4.2): served',
    stored: { 'cache-control': 'max-age=60' },
    expected: { action: 'serve', state: 'fresh', reason: 'fresh' },
  },
  {
    name: "a client's retry asks the origin again (the store is not read), fresh or not, for its first attempt's reason",
    stored: { 'cache-control': 'max-age=60' },
    overrides: { retryOf: 'expired' },
    expected: { action: 'send', state: 'miss', reason: 'expired', leads: true },
  },
  {
    name: 'stale with a validator (§4.3.1): sent with its condition; a connection error is the caller’s',
    stored: VALIDATED,
    laterMs: 10_000,
    expected: {
      action: 'send',
      state: 'revalidate',
      conditions: { 'if-none-match': '"v1"' },
      answersError: false,
    },
  },
  {
    name: 'stale inside staleIfError (RFC 5861 §4): a connection error is answered with the stale response',
    stored: VALIDATED,
    laterMs: 10_000,
    settings: { staleIfError: true },
    expected: { action: 'send', state: 'revalidate', answersError: true },
  },
  {
    name: 'stale inside staleWhileRevalidate (RFC 5861 §3): served, refreshed in the background',
    stored: VALIDATED,
    laterMs: 2_000,
    settings: { staleWhileRevalidate: '1m' },
    expected: { action: 'serve', state: 'stale', reason: 'stale-while-revalidate' },
  },
  {
    name: 'a stream would get a 304: fetched in full, unconditionally, its body teed to be stored',
    stored: VALIDATED,
    laterMs: 10_000,
    overrides: { stream: true, ended: undefined },
    expected: { action: 'tee', state: 'miss', reason: 'force-refresh', leads: true },
  },
  {
    name: 'a stream miss whose body cannot be teed: only sent',
    overrides: { stream: true, teeable: false, ended: undefined },
    expected: { action: 'send', state: 'miss', leads: false },
  },
  {
    name: 'a request whose end the adapter cannot tell does not lead',
    overrides: { ended: undefined },
    expected: { action: 'send', state: 'miss', leads: false },
  },
  {
    name: 'a body that cannot be keyed: bypassed (unkeyable-body)',
    overrides: { request: { ...cacheRequest(URL), body: UNKEYABLE } },
    expected: { action: 'send', state: 'bypass', reason: 'unkeyable-body', leads: false },
  },
  {
    name: 'onlyIfCached with nothing stored (§5.2.1.7): the generated 504 is served',
    own: { onlyIfCached: true },
    expected: { action: 'serve', state: 'not-cached', reason: 'only-if-cached' },
  },
];

for (const row of ROWS) {
  test(`planHookRequest: ${row.name}`, async (t) => {
    const { engine, clock } = createEngine(t, { cacheControl: true, ...row.settings });
    if (row.stored !== undefined) {
      const stored = response(row.stored);
      await engine.request(cacheRequest(URL), undefined, async () => stored);
      clock.advance(row.laterMs ?? 0);
    }
    const plan = await planHookRequest(engine, input(row.own ?? {}, row.overrides ?? {}));
    // The flight it leads ends with the test.
    t.teardown(() => plan.settle?.(undefined));
    const { expected } = row;
    t.is(plan.action, expected.action);
    if (expected.state !== undefined)
      t.is<string | undefined, string | undefined>(plan.lookup?.state, expected.state);
    if (expected.reason !== undefined)
      t.is<string | undefined, string | undefined>(plan.lookup?.reason, expected.reason);
    if (expected.leads !== undefined) t.is(plan.settle !== undefined, expected.leads);
    if (plan.action !== 'send') return;
    if (expected.conditions !== undefined) t.deepEqual(plan.headers, expected.conditions);
    if (expected.answersError !== undefined) t.is(plan.answerError !== undefined, expected.answersError);
    if (expected.answersError)
      t.like(plan.answerError?.(), { source: 'cache', info: { reason: 'stale-if-error' } });
  });
}

test('planHookRequest: an identical request waits for the leader and is served its answer, with no lookup of its own', async (t) => {
  const { engine } = createEngine(t);
  const first = await planHookRequest(engine, input({}, {}));
  if (first.action !== 'send' || first.settle === undefined) return t.fail();
  const second = planHookRequest(engine, input({}, {}));
  const answer = await engine.handleResponse(first.lookup, response({ 'cache-control': 'max-age=60' }));
  first.settle(answer);
  const plan = await second;
  t.is(plan.action, 'serve');
  t.is(plan.lookup, undefined);
  if (plan.action === 'serve') t.is(plan.outcome.source, 'cache');
});

test('planHookRequest: a leader that got no answer sends the waiting request on its own, not leading', async (t) => {
  const { engine } = createEngine(t);
  const first = await planHookRequest(engine, input({}, {}));
  if (first.action !== 'send' || first.settle === undefined) return t.fail();
  const second = planHookRequest(engine, input({}, {}));
  // Let it look up and join the flight first.
  await new Promise((resolve) => setTimeout(resolve, 20));
  first.settle(undefined);
  const plan = await second;
  plan.settle?.(undefined);
  t.like(plan, { action: 'send', settle: undefined });
  t.is(plan.lookup?.state, 'miss');
});

test('planHookRequest: a retry keeps leading its flight and joins none', async (t) => {
  const { engine } = createEngine(t);
  const first = await planHookRequest(engine, input({}, {}));
  if (first.action !== 'send') return t.fail();
  const retry = await planHookRequest(engine, input({}, { retryOf: 'miss', leading: first.settle }));
  t.is(retry.action, 'send');
  t.is(retry.settle, first.settle);
  first.settle?.(undefined);
});
