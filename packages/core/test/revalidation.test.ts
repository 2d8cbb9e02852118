import test from 'ava';
import type { ResponseHeaders } from '../src/headers.js';
import { conditionalHeaders, mergeNotModified, notModifiedChangesEntry } from '../src/revalidation.js';
import { makeEntry, T0 } from './helpers/entry.js';

const LAST_MODIFIED = 'Wed, 21 Oct 2015 07:28:00 GMT';

const CONDITIONAL_ROWS: readonly [
  name: string,
  headers: ResponseHeaders,
  expected: Record<string, string> | undefined,
][] = [
  ['etag only', { etag: '"abc"' }, { 'if-none-match': '"abc"' }],
  ['weak etag copied verbatim', { etag: 'W/"abc"' }, { 'if-none-match': 'W/"abc"' }],
  ['last-modified only', { 'last-modified': LAST_MODIFIED }, { 'if-modified-since': LAST_MODIFIED }],
  [
    'both',
    { etag: '"abc"', 'last-modified': LAST_MODIFIED, 'content-type': 'text/plain' },
    { 'if-none-match': '"abc"', 'if-modified-since': LAST_MODIFIED },
  ],
  ['none', { 'content-type': 'text/plain', 'cache-control': 'max-age=60' }, undefined],
  ['no headers at all', {}, undefined],
];

for (const [name, headers, expected] of CONDITIONAL_ROWS) {
  test(`conditionalHeaders: ${name}`, (t) => {
    t.deepEqual(conditionalHeaders(headers), expected);
  });
}

// ---------------------------------------------------------------------------------------------------------
// The 304 merge

const STORED_HEADERS: ResponseHeaders = {
  'content-type': 'application/octet-stream',
  'content-length': '256',
  'content-encoding': 'identity',
  etag: '"v1"',
  'cache-control': 'max-age=60',
  date: 'Sat, 21 Nov 2026 12:00:00 GMT',
  'set-cookie': ['a=1', 'b=2'],
  'x-old': 'kept',
};

const BODY = Uint8Array.from({ length: 256 }, (_, i) => i);

function storedEntry() {
  return makeEntry({ headers: { ...STORED_HEADERS }, body: BODY.slice(), expiresAt: T0 + 60_000 });
}

const NOT_MODIFIED: ResponseHeaders = {
  etag: '"v1"',
  'cache-control': 'max-age=120',
  date: 'Sat, 21 Nov 2026 12:05:00 GMT',
  'content-length': '0',
  'content-encoding': 'gzip',
  'transfer-encoding': 'chunked',
  connection: 'keep-alive',
  'set-cookie': ['c=3'],
  'x-new': 'added',
};

test('mergeNotModified updates header fields from the 304', (t) => {
  const merged = mergeNotModified(storedEntry(), NOT_MODIFIED, T0 + 500_000, T0 + 300_000, T0 + 300_100);
  t.is(merged.headers['cache-control'], 'max-age=120');
  t.is(merged.headers['date'], 'Sat, 21 Nov 2026 12:05:00 GMT');
  t.is(merged.headers['x-new'], 'added');
  t.is(merged.headers['x-old'], 'kept');
  // Set-Cookie is never stored (a deliberate safety choice): a 304 does not bring one in.
  t.deepEqual(merged.headers['set-cookie'], ['a=1', 'b=2']);
});

const FRAMING_ROWS = ['content-length', 'content-encoding', 'transfer-encoding', 'connection'] as const;

for (const name of FRAMING_ROWS) {
  test(`mergeNotModified does not replace ${name}`, (t) => {
    const merged = mergeNotModified(storedEntry(), NOT_MODIFIED, null, T0, T0);
    t.deepEqual(merged.headers[name], STORED_HEADERS[name]);
  });
}

test('mergeNotModified keeps the body byte-exact, sets the expiration and the instants', (t) => {
  const entry = storedEntry();
  const merged = mergeNotModified(entry, NOT_MODIFIED, T0 + 500_000, T0 + 300_000, T0 + 300_100);
  t.deepEqual([...merged.body], [...BODY]);
  t.is(merged.status, 200);
  t.is(merged.statusText, 'OK');
  t.is(merged.expiresAt, T0 + 500_000);
  t.is(merged.createdAt, T0, 'createdAt is kept, as requests-cache does');
  t.is(merged.requestedAt, T0 + 300_000);
  t.is(merged.receivedAt, T0 + 300_100);
  t.is(merged.url, entry.url);
  t.deepEqual(merged.request, entry.request);
});

test('mergeNotModified can set a never-expiring expiration', (t) => {
  t.is(mergeNotModified(storedEntry(), {}, null, T0, T0).expiresAt, null);
});

test('mergeNotModified does not change the stored entry', (t) => {
  const entry = storedEntry();
  mergeNotModified(entry, NOT_MODIFIED, T0 + 500_000, T0 + 300_000, T0 + 300_100);
  t.deepEqual(entry.headers, STORED_HEADERS);
  t.is(entry.expiresAt, T0 + 60_000);
  t.is(entry.requestedAt, T0);
});

const CHANGE_ROWS: readonly [
  name: string,
  headers: ResponseHeaders,
  expiresAt: number | null,
  expected: boolean,
][] = [
  ['same headers, same expiration', { etag: '"v1"', 'cache-control': 'max-age=60' }, T0 + 60_000, false],
  ['no headers, same expiration', {}, T0 + 60_000, false],
  [
    'only framing headers, same expiration',
    { 'content-length': '0', 'transfer-encoding': 'chunked' },
    T0 + 60_000,
    false,
  ],
  ['same headers, new expiration', { etag: '"v1"' }, T0 + 120_000, true],
  ['same headers, expiration becomes never', {}, null, true],
  ['a changed header', { 'cache-control': 'max-age=120' }, T0 + 60_000, true],
  ['a new header', { 'x-new': '1' }, T0 + 60_000, true],
  // Set-Cookie is never stored: a 304's cookie changes nothing.
  ['a changed set-cookie list', { 'set-cookie': ['a=1'] }, T0 + 60_000, false],
  ['the same set-cookie list', { 'set-cookie': ['a=1', 'b=2'] }, T0 + 60_000, false],
  // RFC 9111 §3.1 (issue 16 point 3): fields the 304's Connection names are not stored.
  ['a field named in Connection', { connection: 'x-hop', 'x-hop': '1' }, T0 + 60_000, false],
];

for (const [name, headers, expiresAt, expected] of CHANGE_ROWS) {
  test(`notModifiedChangesEntry: ${name}`, (t) => {
    const before = storedEntry();
    const after = mergeNotModified(before, headers, expiresAt, T0 + 1000, T0 + 1000);
    t.is(notModifiedChangesEntry(before, after), expected);
  });
}
