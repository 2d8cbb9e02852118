/** A Node IncomingMessage as core's NetworkResponse: status line, headers, and a body the client may not have whole. */
import * as http from 'node:http';
import { createTestServer } from '@reqcache/test-server';
import test from 'ava';
import { BodyUnavailable } from '../src/contract.js';
import { incomingResponse } from '../src/incoming-response.js';

function get(url: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => http.get(url, resolve).on('error', reject));
}

const bytes = new TextEncoder().encode('body');
const BODIES: readonly [
  name: string,
  body: () => Promise<Uint8Array | undefined> | Uint8Array | undefined,
  expected: Uint8Array | undefined,
][] = [
  ['bytes the client buffered', () => bytes, bytes],
  ['a copy that completes later', async () => bytes, bytes],
  ['no body the client could hand over whole: BodyUnavailable (not stored)', () => undefined, undefined],
  ['a copy cut short: BodyUnavailable', async () => undefined, undefined],
];
for (const [name, body, expected] of BODIES) {
  test(`incomingResponse: ${name}`, async (t) => {
    const server = await createTestServer(t);
    const message = await get(`${server.url}/get`);
    message.resume();
    const at = {
      url: `${server.url}/final`,
      redirects: [{ url: `${server.url}/get`, status: 302 }],
      decoded: [],
    };
    const response = incomingResponse(message, body, at);
    t.like(response, {
      status: 200,
      statusText: 'OK',
      url: at.url,
      redirects: at.redirects,
      decoded: [],
      raw: message,
    });
    t.is(response.headers['content-type'], 'application/json');
    if (expected === undefined) await t.throwsAsync(response.readBody(), { instanceOf: BodyUnavailable });
    else t.deepEqual(await response.readBody(), expected);
  });
}

test('incomingResponse: without `decoded`, the engine’s default applies (the field is absent)', async (t) => {
  const server = await createTestServer(t);
  const message = await get(`${server.url}/get`);
  message.resume();
  t.false('decoded' in incomingResponse(message, () => bytes, { url: server.url, redirects: [] }));
});
