/** The response-like stream a hook-style adapter hands its client, and Node's raw header lists. */
import test from 'ava';
import { cacheInfo } from '../src/contract.js';
import {
  bufferOf,
  messageFields,
  ResponseStream,
  rawHeaderList,
  setCacheFields,
} from '../src/response-stream.js';
import { T0 } from './helpers/entry.js';

const body = new TextEncoder().encode('{"ok":true}');

const REASONS: readonly [status: number, statusText: string, expected: string][] = [
  [200, 'Fine', 'Fine'],
  [200, '', 'OK'],
  [504, '', 'Gateway Timeout'],
  [299, '', ''],
];
for (const [status, statusText, expected] of REASONS) {
  test(`messageFields: status ${status} with reason ${JSON.stringify(statusText)} says ${JSON.stringify(expected)}`, (t) => {
    t.is(messageFields({ status, statusText, headers: {} }).statusMessage, expected);
  });
}

test('rawHeaderList: name, value pairs, repeated fields once each', (t) => {
  t.deepEqual(rawHeaderList({ 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] }), [
    'content-type',
    'text/plain',
    'set-cookie',
    'a=1',
    'set-cookie',
    'b=2',
  ]);
});

test('rawHeaderList: a frozen (stored) header set is listed once, each caller gets its own copy', (t) => {
  const headers = Object.freeze({ etag: '"1"' });
  const first = rawHeaderList(headers);
  first.push('x-changed', 'yes');
  t.deepEqual(rawHeaderList(headers), ['etag', '"1"']);
});

test('ResponseStream: IncomingMessage fields, the body once, the cache fields, the description formatted once when read', async (t) => {
  const stream = new ResponseStream(
    { status: 200, statusText: '', headers: { 'content-type': 'application/json' }, body },
    'https://example.com/a',
  );
  let formatted = 0;
  stream.setCacheFields({ ...cacheInfo('fresh', T0, true), cacheStatus: 'reqcache; hit' }, () => {
    formatted++;
    return 'described';
  });
  t.like(stream, { statusCode: 200, statusMessage: 'OK', url: 'https://example.com/a', complete: true });
  t.deepEqual(stream.rawHeaders, ['content-type', 'application/json']);
  t.like(stream, { fromCache: true, reason: 'fresh', cacheStatus: 'reqcache; hit' });
  t.is(formatted, 0);
  t.is(stream.cacheDescription, 'described');
  t.is(stream.cacheDescription, 'described');
  t.is(formatted, 1);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  t.deepEqual(Buffer.concat(chunks), Buffer.from(body));
});

test('ResponseStream: an empty body ends at once; an assigned description wins', async (t) => {
  const stream = new ResponseStream({ status: 204, statusText: '', headers: {}, body: new Uint8Array() }, '');
  stream.setCacheFields(cacheInfo('fresh', T0, true), 'text');
  stream.cacheDescription = 'mine';
  t.is(stream.cacheDescription, 'mine');
  const chunks: unknown[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  t.deepEqual(chunks, []);
});

test('bufferOf: a view of the same bytes, no copy', (t) => {
  const bytes = new Uint8Array([1, 2, 3, 4]).subarray(1, 3);
  const buffer = bufferOf(bytes);
  t.true(Buffer.isBuffer(buffer));
  t.is(buffer.buffer, bytes.buffer);
  t.deepEqual([...buffer], [2, 3]);
});

test('setCacheFields: a stream and any other response format their description when first read', (t) => {
  const info = { ...cacheInfo('miss', T0), cacheStatus: 'reqcache; fwd=miss' };
  let formatted = 0;
  const describe = () => {
    formatted++;
    return 'described';
  };
  const stream = new ResponseStream({ status: 200, statusText: '', headers: {}, body: new Uint8Array() }, '');
  setCacheFields(stream, info, describe);
  t.is(formatted, 0);
  const response = {};
  setCacheFields(response, info, describe);
  t.is(formatted, 0);
  t.like(response, {
    fromCache: false,
    reason: 'miss',
    cacheStatus: 'reqcache; fwd=miss',
    cacheDescription: 'described',
  });
  t.is(formatted, 1);
  t.like(stream, {
    fromCache: false,
    reason: 'miss',
    cacheStatus: 'reqcache; fwd=miss',
    cacheDescription: 'described',
  });
  t.is(formatted, 2);
  // An assigned description wins, and is what is read back.
  (response as { cacheDescription: string }).cacheDescription = 'mine';
  t.is((response as { cacheDescription: string }).cacheDescription, 'mine');
  t.is(formatted, 2);
});

test('setCacheFields: an IncomingMessage from the network gets Cache-Status once, in headers and rawHeaders', (t) => {
  const info = { ...cacheInfo('miss', 0), cacheStatus: 'reqcache; fwd=miss' };
  const message = {
    headers: { 'content-type': 'text/plain' } as Record<string, string>,
    rawHeaders: ['Content-Type', 'text/plain'],
  };
  setCacheFields(message, info, 'described');
  t.deepEqual(message.headers, { 'content-type': 'text/plain', 'cache-status': 'reqcache; fwd=miss' });
  t.deepEqual(message.rawHeaders, ['Content-Type', 'text/plain', 'Cache-Status', 'reqcache; fwd=miss']);
  // A response that already has it (one built from a served response) is left as it is.
  setCacheFields(message, info, 'described');
  t.is(message.rawHeaders.length, 4);
  // Without the setting, nothing is added.
  const plain = { headers: {} as Record<string, string>, rawHeaders: [] as string[] };
  setCacheFields(plain, cacheInfo('miss', 0), 'described');
  t.deepEqual(plain.headers, {});
  t.deepEqual(plain.rawHeaders, []);
});
