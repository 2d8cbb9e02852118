/** The response an outcome stands for: a stored one, a generated 504, or a network one as it would be stored. */
import test from 'ava';
import { cacheInfo, type NetworkResponse, type Outcome, storedInfo } from '../src/contract.js';
import type { Reason } from '../src/reason.js';
import { type ServedResponse, servedResponse } from '../src/served-response.js';
import { makeEntry, T0 } from './helpers/entry.js';

const utf8 = new TextEncoder();
const ENTRY = makeEntry();
const BODY = utf8.encode('fresh body');

function network(body: Uint8Array | undefined, raw: Uint8Array): Outcome<Uint8Array> {
  const response: NetworkResponse<Uint8Array> = {
    status: 200,
    statusText: 'OK',
    headers: { 'content-type': 'text/plain', connection: 'keep-alive', 'content-length': '999' },
    url: 'https://example.com/get',
    readBody: async () => raw,
    decoded: [],
    raw,
  };
  return { source: 'network', response, body, info: cacheInfo('miss', T0) };
}

function generated(reason: Reason): Outcome<Uint8Array> {
  return { source: 'not-cached', info: cacheInfo(reason, T0, true) };
}

const ROWS: readonly [
  name: string,
  outcome: Outcome<Uint8Array>,
  expected: Omit<ServedResponse, 'body'> & { text: string },
][] = [
  [
    'a stored response, as stored',
    { source: 'cache', entry: ENTRY, info: storedInfo('k', ENTRY, T0, 'fresh') },
    { status: 200, statusText: 'OK', headers: ENTRY.headers, text: '{"ok":true}', entry: ENTRY },
  ],
  [
    'onlyIfCached with nothing usable: 504 Not Cached, no header, no body',
    generated('only-if-cached'),
    { status: 504, statusText: 'Not Cached', headers: {}, text: '', entry: undefined },
  ],
  [
    'an unreachable origin that must revalidate (RFC 9111 §4.2.4): 504 Gateway Timeout',
    generated('gateway-timeout'),
    { status: 504, statusText: 'Gateway Timeout', headers: {}, text: '', entry: undefined },
  ],
  [
    'a network response with the body the engine read: headers as stored (RFC 9111 §3.1)',
    network(BODY, utf8.encode('unused')),
    {
      status: 200,
      statusText: 'OK',
      headers: { 'content-type': 'text/plain', 'content-length': String(BODY.byteLength) },
      text: 'fresh body',
      entry: undefined,
    },
  ],
];
for (const [name, outcome, { text, ...expected }] of ROWS) {
  test(`servedResponse: ${name}`, (t) => {
    const { body, ...served } = servedResponse(outcome);
    t.deepEqual(served, expected);
    t.is(new TextDecoder().decode(body), text);
  });
}

test('servedResponse: a network body the engine did not read comes from the raw response', (t) => {
  const raw = utf8.encode('raw body');
  t.is(new TextDecoder().decode(servedResponse(network(undefined, raw), (bytes) => bytes).body), 'raw body');
  t.is(servedResponse(network(undefined, raw)).body.byteLength, 0);
});

test('servedResponse: Cache-Status (RFC 9211) is added to a copy of the headers when the setting is on', (t) => {
  const info = { ...storedInfo('k', ENTRY, T0, 'fresh'), cacheStatus: 'reqcache; hit' };
  const served = servedResponse({ source: 'cache', entry: ENTRY, info });
  t.is(served.headers['cache-status'], 'reqcache; hit');
  t.is(ENTRY.headers['cache-status'], undefined);
});
