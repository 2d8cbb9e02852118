/** One request of a hook-style client, from its first hook to its response hook. */
import * as http from 'node:http';
import test from 'ava';
import type { NetworkResponse } from '../src/contract.js';
import { HookedRequest } from '../src/hooked-request.js';
import { normalizeRequestOptions } from '../src/options.js';
import { ResponseStream } from '../src/response-stream.js';
import { cacheRequest, createEngine } from './helpers/engine.js';

const URL = 'https://example.com/item';
const TARGET = { method: 'GET', url: URL };
const noop = () => {};

function response(status: number, headers: Record<string, string>, raw = 'first'): NetworkResponse<string> {
  return {
    status,
    statusText: '',
    headers,
    url: URL,
    readBody: async () => new TextEncoder().encode(raw),
    raw,
  };
}
const rawBody = (raw: string) => new TextEncoder().encode(raw);

function planInput(send = async () => response(200, {})) {
  return {
    request: cacheRequest(URL),
    target: TARGET,
    options: normalizeRequestOptions(undefined),
    stream: false,
    teeable: false,
    ended: new Promise<void>(noop),
    send,
  };
}

test('HookedRequest.next: a new request, a retry keeping the flight it leads, or the same request along a redirect', (t) => {
  const first = HookedRequest.next(undefined, false);
  t.is(first.retryOf, undefined);
  first.settle = noop;
  const retry = HookedRequest.next(first, true);
  t.not(retry, first);
  t.is(retry.retryOf, 'miss', 'the first attempt was not looked up: a plain miss');
  t.is(retry.settle, noop);
  retry.redirected({ url: URL, status: 301 }, 'https://example.com/moved');
  t.is(HookedRequest.next(retry, false), retry);
  t.deepEqual(retry.hops, [{ url: URL, status: 301 }]);
  t.true(retry.takeHop());
  t.false(retry.takeHop());
  t.not(HookedRequest.next(retry, false), retry);
  const passive = new HookedRequest(undefined, undefined, true);
  t.is(HookedRequest.next(passive, true), passive);
});

const CONDITIONS: readonly [
  name: string,
  own: Record<string, unknown>,
  changedAfter: Record<string, unknown>,
  left: Record<string, unknown>,
][] = [
  ['added, then taken off again', {}, {}, {}],
  [
    'a header the request sets itself is left alone',
    { 'if-none-match': '"mine"' },
    {},
    { 'if-none-match': '"mine"' },
  ],
  [
    'a header the client changed since is left alone',
    {},
    { 'if-none-match': '"changed"' },
    { 'if-none-match': '"changed"' },
  ],
];
for (const [name, own, changedAfter, left] of CONDITIONS) {
  test(`HookedRequest conditions: ${name}`, (t) => {
    const request = new HookedRequest();
    const headers: Record<string, unknown> = { ...own };
    const sent: Record<string, unknown> = {};
    request.addConditions({ 'if-none-match': '"v1"' }, headers, sent);
    if (own['if-none-match'] === undefined) t.is(sent['if-none-match'], '"v1"');
    Object.assign(headers, changedAfter);
    request.removeConditions(headers);
    t.deepEqual(headers, left);
  });
}

test('HookedRequest.respond: a request the cache did not look up stands as it is', async (t) => {
  const { engine } = createEngine(t);
  const answer = await new HookedRequest().respond(
    engine,
    response(200, {}),
    async () => response(200, {}),
    TARGET,
    rawBody,
  );
  t.deepEqual(answer, { kind: 'unhandled' });
});

interface RespondRow {
  name: string;
  stored?: Record<string, string>;
  status: number;
  headers: Record<string, string>;
  expected: { kind: string; fromCache?: boolean; settled: string | undefined; status?: number };
}
const RESPOND: RespondRow[] = [
  {
    name: 'a stored success stands, and ends the flight with its body',
    status: 200,
    headers: { 'cache-control': 'max-age=60' },
    expected: { kind: 'network', settled: 'network' },
  },
  {
    name: 'an error status stands, and the flight waits for the client’s retry',
    status: 503,
    headers: {},
    expected: { kind: 'network', settled: undefined },
  },
  {
    name: 'a 304 for the stored validator (RFC 9111 §4.3.4): the stored response replaces it, from the cache',
    stored: { 'cache-control': 'max-age=1', etag: '"v1"' },
    status: 304,
    headers: { etag: '"v1"' },
    expected: { kind: 'replaced', fromCache: true, settled: 'cache', status: 200 },
  },
  {
    name: 'a 304 that validates nothing (§4.3.4): the answer to the request sent again replaces it',
    stored: { 'cache-control': 'max-age=1', etag: '"v1"' },
    status: 304,
    headers: { etag: '"v2"' },
    expected: { kind: 'replaced', fromCache: false, settled: 'network', status: 200 },
  },
];
for (const row of RESPOND) {
  test(`HookedRequest.respond: ${row.name}`, async (t) => {
    const { engine, clock } = createEngine(t, { cacheControl: true });
    if (row.stored !== undefined) {
      const stored = response(200, row.stored);
      await engine.request(cacheRequest(URL), undefined, async () => stored);
      clock.advance(10_000);
    }
    const request = new HookedRequest();
    await request.plan(engine, planInput());
    let settled: string | undefined;
    const lead = request.settle;
    t.teardown(() => lead?.(undefined));
    request.settle = (outcome) => {
      settled = outcome?.source;
      lead?.(outcome);
    };
    const resend = async () => response(200, { 'cache-control': 'max-age=60' }, 'again');
    const answer = await request.respond(engine, response(row.status, row.headers), resend, TARGET, rawBody);
    t.is<string, string>(answer.kind, row.expected.kind);
    t.is(settled, row.expected.settled);
    if (answer.kind !== 'replaced') return;
    t.is<boolean | undefined, boolean | undefined>(answer.fromCache, row.expected.fromCache);
    t.is<number | undefined, number | undefined>(answer.served.status, row.expected.status);
    t.regex(answer.describe(), /^request: GET /);
  });
}

test('HookedRequest.serve: a response stream with the cache fields; respond then reports it served, with the redirect target it reached', async (t) => {
  const { engine } = createEngine(t);
  const final = 'https://example.com/final';
  const redirected: NetworkResponse<string> = {
    ...response(200, {}),
    url: final,
    redirects: [
      { url: URL, status: 302 },
      { url: 'https://example.com/middle', status: 302 },
    ],
  };
  await engine.request(cacheRequest(URL), undefined, async () => redirected);
  const request = new HookedRequest();
  const plan = await request.plan(engine, planInput());
  if (plan.action !== 'serve') return t.fail(plan.action);
  const stream = request.serve(engine, plan.outcome, TARGET, rawBody);
  t.true(stream instanceof ResponseStream);
  t.like(stream, { statusCode: 200, fromCache: true, url: URL });
  const answer = await request.respond(
    engine,
    response(200, {}),
    async () => response(200, {}),
    TARGET,
    rawBody,
  );
  t.like(answer, {
    kind: 'served',
    location: { url: final, redirectUrls: ['https://example.com/middle', final] },
  });
});

test('HookedRequest.send: without an answer for a connection error, the client sends as usual', async (t) => {
  const request = new HookedRequest();
  const headers: Record<string, unknown> = {};
  const result = request.send(
    {
      action: 'send',
      lookup: undefined as never,
      headers: { 'if-none-match': '"v1"' },
      answerError: undefined,
      settle: undefined,
    },
    {
      headers,
      sent: {},
      send: () => 'sent',
      start: () => t.fail(),
      deadlineMs: undefined,
      serve: () => t.fail(),
    },
  );
  t.is(result, 'sent');
  t.is(headers['if-none-match'], '"v1"');
});

test('HookedRequest.send: with an answer for a connection error, a refused connection is served that answer', async (t) => {
  const { engine } = createEngine(t);
  const outcome = { source: 'not-cached' as const, info: engine.bypassInfo() };
  const request = new HookedRequest();
  const result = await request.send(
    {
      action: 'send',
      lookup: undefined as never,
      headers: {},
      answerError: () => outcome,
      settle: undefined,
    },
    {
      headers: {},
      sent: {},
      send: () => t.fail(),
      start: () => http.request('http://127.0.0.1:9/'),
      deadlineMs: undefined,
      serve: (answer) => answer,
    },
  );
  t.is(result, outcome);
});
