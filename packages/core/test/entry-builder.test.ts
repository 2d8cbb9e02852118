/** What a stored response keeps of the origin's header fields (RFC 9111 §3.1; issue 16 points 3 and 4). */
import test from 'ava';
import { connectionFields, isBodyDecoded, storedHeaders } from '../src/entry-builder.js';
import type { ResponseHeaders } from '../src/headers.js';

const BODY = new TextEncoder().encode('hello');

const ROWS: readonly {
  name: string;
  headers: ResponseHeaders;
  decoded: boolean | readonly string[];
  expected: ResponseHeaders;
}[] = [
  {
    name: '§3.1 a field named in Connection is not stored, nor Connection itself',
    headers: { connection: 'a, B', a: '1', b: '2', 'content-type': 'text/plain' },
    decoded: true,
    expected: { 'content-type': 'text/plain', 'content-length': '5' },
  },
  {
    name: '§3.1 hop-by-hop fields are not stored (RFC 9110 §7.6.1)',
    headers: {
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      te: 'trailers',
      upgrade: 'h2c',
      x: '1',
    },
    decoded: true,
    expected: { x: '1', 'content-length': '5' },
  },
  {
    name: 'a body the client decoded (gzip) is stored without its Content-Encoding',
    headers: { 'content-encoding': 'gzip', 'content-length': '99' },
    decoded: true,
    expected: { 'content-length': '5' },
  },
  {
    name: 'an unknown Content-Encoding is kept with the (undecoded) body',
    headers: { 'content-encoding': 'arbitrary', 'content-length': '5' },
    decoded: true,
    expected: { 'content-encoding': 'arbitrary', 'content-length': '5' },
  },
  {
    name: 'a list of codings is not decoded by every client: kept',
    headers: { 'content-encoding': 'gzip, arbitrary' },
    decoded: true,
    expected: { 'content-encoding': 'gzip, arbitrary', 'content-length': '5' },
  },
  {
    name: 'got/axios (decoded: []): a coding left in the headers describes the bytes (x-gzip not decoded by got)',
    headers: { 'content-encoding': 'x-gzip' },
    decoded: [],
    expected: { 'content-encoding': 'x-gzip', 'content-length': '5' },
  },
  {
    name: 'a client that does not decode (HEAD): Content-Encoding and Content-Length as sent',
    headers: { 'content-encoding': 'gzip', 'content-length': '99' },
    decoded: false,
    expected: { 'content-encoding': 'gzip', 'content-length': '99' },
  },
];

for (const row of ROWS) {
  test(`storedHeaders: ${row.name}`, (t) => {
    t.deepEqual(storedHeaders(row.headers, BODY, row.decoded), row.expected);
  });
}

test('connectionFields: hop-by-hop fields plus the names Connection lists, lower-cased', (t) => {
  const fields = connectionFields({ connection: ['Foo, bar', 'close'] });
  for (const name of ['foo', 'bar', 'close', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade'])
    t.true(fields.has(name), name);
  t.false(fields.has('content-type'));
});

test('isBodyDecoded: a single coding the client says it decodes', (t) => {
  t.true(isBodyDecoded('gzip', true));
  t.true(isBodyDecoded(' BR ', true));
  t.false(isBodyDecoded('gzip', false));
  t.false(isBodyDecoded('arbitrary', true));
  t.false(isBodyDecoded(undefined, true));
  t.false(isBodyDecoded('gzip', []));
  t.true(isBodyDecoded('zstd', ['zstd']));
});
