import { Readable } from 'node:stream';
import test from 'ava';
import { InvalidOptionError } from '../src/errors.js';
import {
  checkBodyAllowed,
  extractBody,
  headersOf,
  isOneShotBody,
  isRequestLike,
  parseRequestUrl,
  refuseOneShotBody,
  requestBytes,
  requestFields,
  withoutFragment,
} from '../src/request-init.js';

const URL_ROWS: readonly [name: string, input: unknown, expected: string][] = [
  ['a string', 'https://Example.com/a?b=1', 'https://example.com/a?b=1'],
  ['a string, parsed again from the memo', 'https://Example.com/a?b=1', 'https://example.com/a?b=1'],
  ['a URL object', new URL('http://example.com:80/x'), 'http://example.com/x'],
  ['a fragment is kept (the key drops it)', 'https://example.com/#top', 'https://example.com/#top'],
];

for (const [name, input, expected] of URL_ROWS) {
  test(`parseRequestUrl: ${name}`, (t) => {
    t.is(parseRequestUrl(input), expected);
  });
}

test('parseRequestUrl: what fetch throws for a URL that does not parse', (t) => {
  const error = t.throws(() => parseRequestUrl('/relative'), { instanceOf: TypeError });
  t.is(error.message, 'Failed to parse URL from /relative');
});

const FRAGMENT_ROWS: readonly [url: string, expected: string][] = [
  ['https://example.com/a', 'https://example.com/a'],
  ['https://example.com/a#b', 'https://example.com/a'],
  ['https://example.com/a?q=1#b#c', 'https://example.com/a?q=1'],
];

for (const [url, expected] of FRAGMENT_ROWS) {
  test(`withoutFragment: ${url}`, (t) => {
    t.is(withoutFragment(url), expected);
  });
}

const HEADER_ROWS: readonly [name: string, init: unknown, expected: Record<string, string>][] = [
  ['undefined', undefined, {}],
  ['null', null, {}],
  ['a record', { Accept: 'a', 'X-N': 1 }, { accept: 'a', 'x-n': '1' }],
  [
    'pairs, repeated names joined',
    [
      ['Accept', 'a'],
      ['accept', 'b'],
    ],
    { accept: 'a, b' },
  ],
  ['a Headers object', new Headers({ 'X-A': '1' }), { 'x-a': '1' }],
  [
    'a Headers look-alike of another implementation',
    { forEach: (cb: (v: string, n: string) => void) => [cb('1', 'X-A'), cb('2', 'x-a')] },
    { 'x-a': '1, 2' },
  ],
];

for (const [name, init, expected] of HEADER_ROWS) {
  test(`headersOf: ${name}`, (t) => {
    t.deepEqual(headersOf(init), expected);
  });
}

for (const [method, throws] of [
  ['GET', true],
  ['HEAD', true],
  ['POST', false],
  ['PUT', false],
] as const) {
  test(`checkBodyAllowed: ${method}`, (t) => {
    if (throws) t.throws(() => checkBodyAllowed(method), { instanceOf: TypeError });
    else t.notThrows(() => checkBodyAllowed(method));
  });
}

const BODY_ROWS: readonly [
  name: string,
  body: unknown,
  text: string | RegExp,
  contentType: string | null | RegExp,
][] = [
  ['a string', 'héllo', 'héllo', 'text/plain;charset=UTF-8'],
  ['bytes', new Uint8Array([104, 105]), 'hi', null],
  ['an ArrayBuffer', new Uint8Array([104, 105]).buffer, 'hi', null],
  ['a DataView', new DataView(new Uint8Array([0, 104, 105]).buffer, 1), 'hi', null],
  [
    'URLSearchParams',
    new URLSearchParams({ a: '1', b: 'x y' }),
    'a=1&b=x+y',
    'application/x-www-form-urlencoded;charset=UTF-8',
  ],
  ['a Blob keeps its type', new Blob(['{}'], { type: 'application/json' }), '{}', 'application/json'],
  ['a stream', new Blob(['streamed']).stream(), 'streamed', null],
  ['FormData: multipart with its boundary', formData(), /name="a"/, /^multipart\/form-data; boundary=/],
];

for (const [name, body, text, contentType] of BODY_ROWS) {
  test(`extractBody: ${name}`, async (t) => {
    const extracted = await extractBody(body);
    const decoded = new TextDecoder().decode(extracted.bytes);
    if (typeof text === 'string') t.is(decoded, text);
    else t.regex(decoded, text);
    if (contentType instanceof RegExp) t.regex(extracted.contentType ?? '', contentType);
    else t.is(extracted.contentType, contentType);
  });
}

const ONE_SHOT_ROWS: readonly [name: string, body: unknown, expected: boolean][] = [
  ['a ReadableStream', new Blob(['x']).stream(), true],
  ['a Node Readable', Readable.from(['x']), true],
  [
    'an async generator',
    (async function* () {
      yield 'x';
    })(),
    true,
  ],
  ['a look-alike stream (getReader only)', { getReader: () => undefined }, true],
  ['a string', 'x', false],
  ['bytes', new Uint8Array([1]), false],
  ['a Blob', new Blob(['x']), false],
  ['FormData', formData(), false],
  ['URLSearchParams', new URLSearchParams({ a: '1' }), false],
  ['a plain object', { a: 1 }, false],
  ['null', null, false],
  ['undefined', undefined, false],
];

for (const [name, body, expected] of ONE_SHOT_ROWS) {
  test(`isOneShotBody: ${name}`, (t) => {
    t.is(isOneShotBody(body), expected);
    if (body instanceof ReadableStream) t.false(body.locked, 'asking does not lock the stream');
  });
}

function formData(): FormData {
  const data = new FormData();
  data.set('a', '1');
  return data;
}

test('requestFields: a plain Request carries only its signal', (t) => {
  const request = new Request('https://example.com/');
  t.deepEqual(Object.keys(requestFields(request)), ['signal']);
});

test('requestFields: the fields that differ from the defaults', (t) => {
  const request = new Request('https://example.com/', {
    redirect: 'manual',
    credentials: 'include',
    mode: 'no-cors',
    referrer: 'https://example.com/from',
    referrerPolicy: 'no-referrer',
    integrity: 'sha256-abc',
    keepalive: true,
  });
  const { signal: _signal, ...fields } = requestFields(request);
  t.deepEqual(fields, {
    redirect: 'manual',
    credentials: 'include',
    mode: 'no-cors',
    referrer: 'https://example.com/from',
    referrerPolicy: 'no-referrer',
    integrity: 'sha256-abc',
    keepalive: true,
  });
});

const LIKE_ROWS: readonly [name: string, input: unknown, expected: boolean][] = [
  ['a Request', new Request('https://example.com/'), true],
  ['a string', 'https://example.com/', false],
  ['a URL', new URL('https://example.com/'), false],
  ['null', null, false],
  ['a look-alike', { url: 'u', method: 'GET', headers: {}, arrayBuffer: () => undefined }, true],
  ['no arrayBuffer', { url: 'u', method: 'GET', headers: {} }, false],
];

for (const [name, input, expected] of LIKE_ROWS) {
  test(`isRequestLike: ${name}`, (t) => {
    t.is(isRequestLike(input), expected);
  });
}

test('refuseOneShotBody: a stream is an InvalidOptionError naming the option; bodies read again pass', (t) => {
  const stream = new ReadableStream();
  const error = t.throws(() => refuseOneShotBody(stream, 'init.body'), { instanceOf: InvalidOptionError });
  t.is(error?.option, 'init.body');
  t.regex(String(error?.message), /cannot read a one-shot stream/);
  t.false(stream.locked);
  for (const body of ['text', new Uint8Array([1]), new Blob(['b']), new URLSearchParams('a=1'), undefined]) {
    t.notThrows(() => refuseOneShotBody(body, 'init.body'));
  }
});

test('requestBytes: with keepUsable the Request is read from a clone and can still be sent', async (t) => {
  const request = new Request('https://example.com/', { method: 'POST', body: 'payload' });
  t.deepEqual(await requestBytes(request, true), new TextEncoder().encode('payload'));
  t.false(request.bodyUsed);
  t.deepEqual(await requestBytes(request, false), new TextEncoder().encode('payload'));
  t.true(request.bodyUsed);
  const noClone = { ...request, arrayBuffer: async () => new ArrayBuffer(0), clone: undefined };
  await t.throwsAsync(requestBytes(noClone as never, true), { instanceOf: InvalidOptionError });
});
