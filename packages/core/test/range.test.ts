/** Range requests answered from a stored complete response (RFC 9110 §14; issue 16 point 8). */
import test from 'ava';
import { type ByteRange, ifRangeMatches, parseByteRange, rangeAnswer, sliceBody } from '../src/range.js';
import { makeEntry } from './helpers/entry.js';

const RANGE_ROWS: readonly [header: string | undefined, length: number, expected: ByteRange][] = [
  [undefined, 100, { kind: 'full' }],
  ['bytes=0-9', 100, { kind: 'partial', start: 0, end: 9 }],
  ['bytes=10-', 100, { kind: 'partial', start: 10, end: 99 }],
  ['bytes=-10', 100, { kind: 'partial', start: 90, end: 99 }],
  ['bytes=-500', 100, { kind: 'partial', start: 0, end: 99 }],
  ['bytes=90-500', 100, { kind: 'partial', start: 90, end: 99 }],
  ['Bytes = 5-5', 100, { kind: 'partial', start: 5, end: 5 }],
  ['bytes=100-', 100, { kind: 'unsatisfiable' }],
  ['bytes=200-300', 100, { kind: 'unsatisfiable' }],
  ['bytes=-0', 100, { kind: 'unsatisfiable' }],
  ['bytes=0-', 0, { kind: 'unsatisfiable' }],
  ['bytes=9-0', 100, { kind: 'full' }],
  ['bytes=0-1,5-6', 100, { kind: 'full' }],
  ['items=0-1', 100, { kind: 'full' }],
  ['bytes=-', 100, { kind: 'full' }],
  ['bytes=a-b', 100, { kind: 'full' }],
];
for (const [header, length, expected] of RANGE_ROWS) {
  test(`parseByteRange(${JSON.stringify(header)}, ${length})`, (t) => {
    t.deepEqual(parseByteRange(header, length), expected);
  });
}

const BODY = new TextEncoder().encode('0123456789');

function stored(headers: Record<string, string> = {}) {
  return makeEntry({
    status: 200,
    headers: { 'content-length': '10', etag: '"v1"', ...headers },
    body: BODY,
  });
}

test('rangeAnswer: 206 with Content-Range, Content-Length and the slice', (t) => {
  const answer = rangeAnswer({ method: 'GET', headers: { range: 'bytes=2-4' } }, stored());
  t.is(answer?.status, 206);
  t.is(answer?.statusText, 'Partial Content');
  t.is(answer?.headers['content-range'], 'bytes 2-4/10');
  t.is(answer?.headers['content-length'], '3');
  t.is(new TextDecoder().decode(answer?.body), '234');
});

test('rangeAnswer: 416 with Content-Range bytes */length and no body', (t) => {
  const answer = rangeAnswer({ method: 'GET', headers: { range: 'bytes=50-' } }, stored());
  t.is(answer?.status, 416);
  t.is(answer?.headers['content-range'], 'bytes */10');
  t.is(answer?.body.byteLength, 0);
});

test('rangeAnswer: the whole stored response without Range, for HEAD, a stored non-200, or several ranges', (t) => {
  t.is(rangeAnswer({ method: 'GET', headers: {} }, stored()), undefined);
  t.is(rangeAnswer({ method: 'HEAD', headers: { range: 'bytes=0-1' } }, stored()), undefined);
  const notFound = makeEntry({ status: 404, headers: {}, body: BODY });
  t.is(rangeAnswer({ method: 'GET', headers: { range: 'bytes=0-1' } }, notFound), undefined);
  t.is(rangeAnswer({ method: 'GET', headers: { range: 'bytes=0-1,3-4' } }, stored()), undefined);
});

test('RFC 9110 §13.1.5 If-Range: the range applies only when the validator matches', (t) => {
  t.true(ifRangeMatches(undefined, stored()));
  t.true(ifRangeMatches('"v1"', stored()));
  t.false(ifRangeMatches('"v2"', stored()));
  t.false(ifRangeMatches('W/"v1"', stored({ etag: 'W/"v1"' })));
  const lastModified = 'Wed, 01 Jan 2025 00:00:00 GMT';
  t.true(ifRangeMatches(lastModified, stored({ 'last-modified': lastModified })));
  t.is(
    rangeAnswer({ method: 'GET', headers: { range: 'bytes=0-1', 'if-range': '"v2"' } }, stored()),
    undefined,
  );
  t.is(
    rangeAnswer({ method: 'GET', headers: { range: 'bytes=0-1', 'if-range': '"v1"' } }, stored())?.status,
    206,
  );
});

test('sliceBody: inclusive bounds, a view of the stored bytes', (t) => {
  const slice = sliceBody(BODY, 0, 0);
  t.deepEqual([...slice], [BODY[0]]);
  t.is(slice.buffer, BODY.buffer);
});
