import test from 'ava';
import {
  getHeader,
  headerPairs,
  type ResponseHeaders,
  toRequestHeaders,
  toResponseHeaders,
} from '../src/headers.js';

type HeaderInput = Parameters<typeof toRequestHeaders>[0];

function fetchHeaders(): Headers {
  const headers = new Headers();
  headers.append('Content-Type', 'text/plain');
  headers.append('Accept', 'a/b');
  headers.append('Accept', 'c/d');
  headers.append('Set-Cookie', 'a=1');
  headers.append('Set-Cookie', 'b=2');
  return headers;
}

const REQUEST_ROWS: readonly [name: string, input: () => HeaderInput, expected: Record<string, string>][] = [
  ['undefined', () => undefined, {}],
  ['null', () => null, {}],
  ['empty record', () => ({}), {}],
  [
    'a Headers object',
    fetchHeaders,
    { 'content-type': 'text/plain', accept: 'a/b, c/d', 'set-cookie': 'a=1, b=2' },
  ],
  [
    'pairs with repeated names in any case',
    () => [
      ['Accept', 'a/b'],
      ['ACCEPT', 'c/d'],
      ['X-Foo', 'bar'],
    ],
    { accept: 'a/b, c/d', 'x-foo': 'bar' },
  ],
  [
    'a record with arrays, numbers, booleans, undefined and null',
    () => ({
      Accept: ['a/b', 'c/d'],
      'Content-Length': 5,
      'X-Flag': true,
      'X-None': undefined,
      'X-Null': null,
    }),
    { accept: 'a/b, c/d', 'content-length': '5', 'x-flag': 'true' },
  ],
  [
    'a record with the same name in two cases',
    () => ({ Accept: 'a/b', accept: 'c/d' }),
    { accept: 'a/b, c/d' },
  ],
  ['a Map', () => new Map([['X-A', '1']]), { 'x-a': '1' }],
];

for (const [name, input, expected] of REQUEST_ROWS) {
  test(`toRequestHeaders from ${name}`, (t) => {
    t.deepEqual(toRequestHeaders(input()), expected);
  });
}

const RESPONSE_ROWS: readonly [name: string, input: () => HeaderInput, expected: ResponseHeaders][] = [
  ['undefined', () => undefined, {}],
  [
    'a Headers object: set-cookie kept as an array',
    fetchHeaders,
    { 'content-type': 'text/plain', accept: 'a/b, c/d', 'set-cookie': ['a=1', 'b=2'] },
  ],
  [
    'pairs',
    () => [
      ['Set-Cookie', 'a=1'],
      ['Vary', 'Accept'],
      ['set-cookie', 'b=2'],
      ['VARY', 'Cookie'],
    ],
    { 'set-cookie': ['a=1', 'b=2'], vary: 'Accept, Cookie' },
  ],
  ['a single set-cookie is still an array', () => ({ 'Set-Cookie': 'a=1' }), { 'set-cookie': ['a=1'] }],
  [
    'a record like IncomingHttpHeaders',
    () => ({
      'set-cookie': ['a=1', 'b=2'],
      'content-length': '10',
      'x-list': ['1', '2'],
      'x-none': undefined,
    }),
    { 'set-cookie': ['a=1', 'b=2'], 'content-length': '10', 'x-list': '1, 2' },
  ],
  ['numbers become strings', () => ({ Age: 5 }), { age: '5' }],
];

for (const [name, input, expected] of RESPONSE_ROWS) {
  test(`toResponseHeaders from ${name}`, (t) => {
    t.deepEqual(toResponseHeaders(input()), expected);
  });
}

const GET_ROWS: readonly [
  name: string,
  headers: ResponseHeaders,
  field: string,
  expected: string | undefined,
][] = [
  ['absent', {}, 'etag', undefined],
  ['a string', { etag: '"a"' }, 'etag', '"a"'],
  ['an empty string', { expires: '' }, 'expires', ''],
  ['a list joined', { 'set-cookie': ['a=1', 'b=2'] }, 'set-cookie', 'a=1, b=2'],
  ['names are lower-case keys', { etag: '"a"' }, 'ETag', undefined],
];

for (const [name, headers, field, expected] of GET_ROWS) {
  test(`getHeader: ${name}`, (t) => {
    t.is(getHeader(headers, field), expected);
  });
}

test('headerPairs yields one pair per set-cookie value, in order', (t) => {
  t.deepEqual(
    [...headerPairs({ 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'], vary: 'Accept, Cookie' })],
    [
      ['content-type', 'text/plain'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['vary', 'Accept, Cookie'],
    ],
  );
  t.deepEqual([...headerPairs({})], []);
});

test('headerPairs feed a Headers object and back without loss', (t) => {
  const stored: ResponseHeaders = { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'], etag: '"x"' };
  const rebuilt = toResponseHeaders(new Headers([...headerPairs(stored)]));
  t.deepEqual(rebuilt, stored);
});
