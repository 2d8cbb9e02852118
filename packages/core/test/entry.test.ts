import test from 'ava';
import {
  contentTypeOf,
  describeResponse,
  formatFileSize,
  hasValidator,
  isEntryExpired,
} from '../src/entry.js';
import type { ResponseHeaders } from '../src/headers.js';
import { T0 } from './helpers/entry.js';

const SIZE_ROWS: readonly [bytes: number, expected: string][] = [
  [0, '0 bytes'],
  [5, '5 bytes'],
  [1023, '1023 bytes'],
  [1024, '1.00 KiB'],
  [3 * 1024, '3.00 KiB'],
  [1536, '1.50 KiB'],
  [1024 * 1024, '1.00 MiB'],
  [3 * 1000 * 1024, '2.93 MiB'],
  [1024 ** 3, '1.00 GiB'],
  [5 * 1000 * 1024 * 1024, '4.88 GiB'],
  [2048 * 1024 ** 3, '2048.00 GiB'],
];

for (const [bytes, expected] of SIZE_ROWS) {
  test(`formatFileSize(${bytes}) is ${expected}`, (t) => {
    t.is(formatFileSize(bytes), expected);
  });
}

const INFO = {
  method: 'GET',
  url: 'https://example.com/get?a=1',
  status: 200,
  size: 308,
  createdAt: new Date(T0),
  fromCache: false,
};

const DESCRIBE_ROWS: readonly [
  name: string,
  extra: { expires: Date | null; isExpired: boolean; fromCache?: boolean },
  parts: readonly string[],
][] = [
  [
    'fresh',
    { expires: new Date(T0 + 3_600_000), isExpired: false },
    ['expires: 2026-11-21 13:00:00 UTC (fresh)'],
  ],
  ['stale', { expires: new Date(T0 - 1000), isExpired: true }, ['expires: 2026-11-21 11:59:59 UTC (stale)']],
  ['never', { expires: null, isExpired: false }, ['expires: never (fresh)']],
  ['from cache', { expires: null, isExpired: false, fromCache: true }, [', from cache']],
];

for (const [name, extra, parts] of DESCRIBE_ROWS) {
  test(`describeResponse: ${name}`, (t) => {
    const line = describeResponse({ ...INFO, ...extra });
    for (const part of [
      'request: GET https://example.com/get?a=1',
      'response: 200 (308 bytes)',
      'created: 2026-11-21 12:00:00 UTC',
      ...parts,
    ]) {
      t.true(line.includes(part), `${line} should contain ${part}`);
    }
    t.is(line.includes('from cache'), extra.fromCache === true);
  });
}

test('describeResponse is one line in requests-cache order', (t) => {
  t.is(
    describeResponse({
      ...INFO,
      method: 'POST',
      status: 201,
      size: 3 * 1024,
      expires: null,
      isExpired: false,
    }),
    'request: POST https://example.com/get?a=1, response: 201 (3.00 KiB), created: 2026-11-21 12:00:00 UTC, expires: never (fresh)',
  );
});

const EXPIRED_ROWS: readonly [name: string, expiresAt: number | null, nowMs: number, expected: boolean][] = [
  ['never', null, T0 + 1e12, false],
  ['before expiry', T0 + 1, T0, false],
  ['at expiry', T0, T0, true],
  ['after expiry', T0, T0 + 1, true],
];

for (const [name, expiresAt, nowMs, expected] of EXPIRED_ROWS) {
  test(`isEntryExpired: ${name}`, (t) => {
    t.is(isEntryExpired({ expiresAt }, nowMs), expected);
  });
}

const VALIDATOR_ROWS: readonly [name: string, headers: ResponseHeaders, expected: boolean][] = [
  ['etag', { etag: '"a"' }, true],
  ['last-modified', { 'last-modified': 'Wed, 21 Oct 2015 07:28:00 GMT' }, true],
  ['none', { 'cache-control': 'max-age=1' }, false],
];

for (const [name, headers, expected] of VALIDATOR_ROWS) {
  test(`hasValidator: ${name}`, (t) => {
    t.is(hasValidator(headers), expected);
  });
}

const CONTENT_TYPE_ROWS: readonly [headers: ResponseHeaders, expected: string][] = [
  [{}, ''],
  [{ 'content-type': 'application/json' }, 'application/json'],
  [{ 'content-type': 'Text/HTML; charset=UTF-8' }, 'text/html'],
  [{ 'content-type': ' image/png ;x=1' }, 'image/png'],
];

for (const [headers, expected] of CONTENT_TYPE_ROWS) {
  test(`contentTypeOf(${JSON.stringify(headers)}) is ${JSON.stringify(expected)}`, (t) => {
    t.is(contentTypeOf(headers), expected);
  });
}
