/** The response an outcome stands for: stored, generated (RFC 9111 §4.2.4, onlyIfCached) or from the network. */
import test from 'ava';
import { cacheInfo, type NetworkResponse, type Outcome } from '../src/contract.js';
import { type ServedResponse, servedResponse } from '../src/served-response.js';
import { makeEntry, T0 } from './helpers/entry.js';

const entry = makeEntry();
const bytes = new TextEncoder().encode('hello');
const raw = { rawBody: bytes };

function network(headers: Record<string, string>, body: Uint8Array | undefined): Outcome<typeof raw> {
  const response: NetworkResponse<typeof raw> = {
    status: 201,
    statusText: 'Created',
    headers,
    url: 'https://example.com/a',
    readBody: async () => bytes,
    raw,
  };
  return { source: 'network', response, body, info: cacheInfo('miss', T0) };
}

const withStatus = (outcome: Outcome<typeof raw>): Outcome<typeof raw> => ({
  ...outcome,
  info: { ...outcome.info, cacheStatus: 'reqcache; hit' },
});

const stored: Outcome<typeof raw> = { source: 'cache', entry, info: cacheInfo('fresh', T0, true) };
const ROWS: readonly [name: string, outcome: Outcome<typeof raw>, expected: Partial<ServedResponse>][] = [
  ['a stored response: as stored, with its entry', stored, { status: 200, headers: entry.headers, entry }],
  [
    'onlyIfCached with nothing usable: 504 Not Cached, no header, no body',
    { source: 'not-cached', info: cacheInfo('only-if-cached', T0, true) },
    { status: 504, statusText: 'Not Cached', headers: {}, body: new Uint8Array(), entry: undefined },
  ],
  [
    'an unreachable origin that must revalidate (RFC 9111 §4.2.4): 504 Gateway Timeout',
    { source: 'not-cached', info: cacheInfo('gateway-timeout', T0, true) },
    { status: 504, statusText: 'Gateway Timeout', body: new Uint8Array() },
  ],
  [
    'a network response whose body the engine read: that body, the stored headers (hop-by-hop dropped)',
    network({ connection: 'close', 'content-type': 'text/plain' }, bytes),
    { status: 201, headers: { 'content-type': 'text/plain', 'content-length': '5' }, body: bytes },
  ],
  [
    'a network response whose body the engine did not read: the client’s raw body',
    network({}, undefined),
    { status: 201, body: bytes, entry: undefined },
  ],
  [
    'Cache-Status on (RFC 9211): added to the headers',
    withStatus(stored),
    { headers: { ...entry.headers, 'cache-status': 'reqcache; hit' } },
  ],
];

for (const [name, outcome, expected] of ROWS) {
  test(`servedResponse: ${name}`, (t) => {
    const served = servedResponse(outcome, (response) => response.rawBody);
    for (const [field, value] of Object.entries(expected)) {
      t.deepEqual(served[field as keyof ServedResponse], value, field);
    }
  });
}

test('servedResponse: without rawBody, an unread network body is empty', (t) => {
  t.deepEqual(servedResponse(network({}, undefined)).body, new Uint8Array());
});
