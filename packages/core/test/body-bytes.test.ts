/** The bytes of common body types: a request body as the key reads it, a response body handed over. */
import test from 'ava';
import { bodyBytes, knownSize, requestBody, UNKEYABLE } from '../src/body-bytes.js';

const utf8 = new TextEncoder();
const BYTES = utf8.encode('héllo');

const REQUEST_ROWS: readonly [
  name: string,
  body: () => unknown,
  expected: string | number[] | undefined | symbol,
][] = [
  ['undefined: no body', () => undefined, undefined],
  ['null: no body', () => null, undefined],
  ['a string as it is', () => 'a=1', 'a=1'],
  ['URLSearchParams as their string', () => new URLSearchParams({ q: 'a b' }), 'q=a+b'],
  ['a Uint8Array', () => BYTES, [...BYTES]],
  ['a Buffer', () => Buffer.from(BYTES), [...BYTES]],
  ['a DataView over part of a buffer', () => new DataView(BYTES.buffer, 1, 2), [...BYTES.subarray(1, 3)]],
  ['an ArrayBuffer', () => BYTES.slice().buffer, [...BYTES]],
  ['a Blob', () => new Blob([BYTES]), [...BYTES]],
  ['a stream: unkeyable', () => new ReadableStream(), UNKEYABLE],
  ['a plain object: unkeyable', () => ({ a: 1 }), UNKEYABLE],
];
for (const [name, body, expected] of REQUEST_ROWS) {
  test(`requestBody: ${name}`, async (t) => {
    const result = await requestBody(body());
    t.deepEqual(result instanceof Uint8Array ? [...result] : result, expected);
  });
}

test('requestBody: a spec FormData becomes its multipart text', async (t) => {
  const form = new FormData();
  form.append('a', '1');
  const result = await requestBody(form);
  t.true(result instanceof Uint8Array);
  t.regex(new TextDecoder().decode(result as Uint8Array), /^--reqcache\r\nname="a"/);
});

const RESPONSE_ROWS: readonly [name: string, body: unknown, bytes: number[], size: number][] = [
  ['a Uint8Array', BYTES, [...BYTES], BYTES.byteLength],
  ['an ArrayBuffer', BYTES.slice().buffer, [...BYTES], BYTES.byteLength],
  ['a view', new Uint16Array([1]), [1, 0], 2],
  ['a string (UTF-8)', 'héllo', [...BYTES], BYTES.byteLength],
  ['a parsed object: nothing known', { a: 1 }, [], 0],
  ['undefined', undefined, [], 0],
];
for (const [name, body, bytes, size] of RESPONSE_ROWS) {
  test(`bodyBytes and knownSize: ${name}`, (t) => {
    t.deepEqual([...bodyBytes(body)], bytes);
    t.is(knownSize(body), size);
  });
}

test('bodyBytes: a Uint8Array is handed back as it is (no copy)', (t) => {
  t.is(bodyBytes(BYTES), BYTES);
});
