/** RFC 9111 / RFC 9211 pure parts, table-driven, each row citing its section. */
import test from 'ava';
import { parseCacheControl } from '../src/cache-control.js';
import { formatCacheStatus, ttlSeconds } from '../src/cache-status.js';
import { decideAnswer, decideOnNetworkError } from '../src/decision.js';
import type { CacheEntry } from '../src/entry.js';
import { ageMs, computeExpiration, currentAgeMs, requestExpiration } from '../src/expiration.js';
import type { ResponseHeaders } from '../src/headers.js';
import { heuristicLifetimeMs, rfcNotStorable } from '../src/heuristic.js';
import { formatHttpDate } from '../src/http-date.js';
import { CacheSettings, type SettingsOptions } from '../src/options.js';
import { headMatchesStored, notModifiedMatches } from '../src/revalidation.js';
import { checkStorable } from '../src/storability.js';
import { makeEntry } from './helpers/entry.js';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const SECOND = 1000;
const at = (seconds: number): string => formatHttpDate(NOW + seconds * SECOND);

// §4.2.2 heuristic freshness through computeExpiration
const heuristicRows: readonly {
  name: string;
  settings?: SettingsOptions;
  status?: number;
  headers: ResponseHeaders;
  requestCacheControl?: string;
  expected: { expiresAt: number | null; source: string };
}[] = [
  {
    name: '§4.2.2 10% of Date − Last-Modified',
    headers: { date: at(0), 'last-modified': at(-1000) },
    expected: { expiresAt: NOW + 100 * SECOND, source: 'heuristic' },
  },
  {
    name: '§4.2.2 without Date: measured from arrival',
    headers: { 'last-modified': at(-50_000) },
    expected: { expiresAt: NOW + 5000 * SECOND, source: 'heuristic' },
  },
  {
    name: '§4.2.2 the age is subtracted (§4.2.3)',
    headers: { date: at(0), 'last-modified': at(-1000), age: '30' },
    expected: { expiresAt: NOW + 70 * SECOND, source: 'heuristic' },
  },
  {
    name: '§4.2.2 404 is heuristically cacheable',
    status: 404,
    headers: { date: at(0), 'last-modified': at(-1000) },
    expected: { expiresAt: NOW + 100 * SECOND, source: 'heuristic' },
  },
  {
    name: '§4.2.2 403 is not heuristically cacheable: stale on arrival (issue 16 point 1)',
    status: 403,
    headers: { date: at(0), 'last-modified': at(-1000) },
    expected: { expiresAt: NOW, source: 'no-freshness' },
  },
  {
    name: '§4.2.2 403 marked public may be given heuristic freshness',
    status: 403,
    headers: { date: at(0), 'last-modified': at(-1000), 'cache-control': 'public' },
    expected: { expiresAt: NOW + 100 * SECOND, source: 'heuristic' },
  },
  {
    name: '§4.2.2 explicit freshness wins: max-age',
    headers: { date: at(0), 'last-modified': at(-1000), 'cache-control': 'max-age=5' },
    expected: { expiresAt: NOW + 5 * SECOND, source: 'max-age' },
  },
  {
    name: '§4.2.2 explicit freshness wins: Expires',
    headers: { date: at(0), 'last-modified': at(-1000), expires: at(7) },
    expected: { expiresAt: NOW + 7 * SECOND, source: 'expires' },
  },
  {
    name: '§4.2.2 a user-set expireAfter replaces the heuristic',
    settings: { expireAfter: 60 },
    headers: { date: at(0), 'last-modified': at(-1000) },
    expected: { expiresAt: NOW + 60 * SECOND, source: 'session' },
  },
  {
    name: '§4.2.2 expireAfter set to NEVER_EXPIRE explicitly also replaces it',
    settings: { expireAfter: -1 },
    headers: { date: at(0), 'last-modified': at(-1000) },
    expected: { expiresAt: null, source: 'session' },
  },
  {
    name: '§4.2.2 a URL pattern replaces the heuristic',
    settings: { urlsExpireAfter: { '*': 30 } },
    headers: { date: at(0), 'last-modified': at(-1000) },
    expected: { expiresAt: NOW + 30 * SECOND, source: 'url-pattern' },
  },
  {
    name: '§4.2.2 a Last-Modified after Date: no heuristic, stale on arrival',
    headers: { date: at(0), 'last-modified': at(100) },
    expected: { expiresAt: NOW, source: 'no-freshness' },
  },
  {
    name: '§4.2.2 an invalid Last-Modified: no heuristic, stale on arrival',
    headers: { date: at(0), 'last-modified': 'yesterday' },
    expected: { expiresAt: NOW, source: 'no-freshness' },
  },
  {
    name: '§5.2.1.1 cacheControl mode: a request max-age is not an expiration',
    requestCacheControl: 'max-age=5',
    headers: {},
    expected: { expiresAt: NOW, source: 'no-freshness' },
  },
  {
    name: '§4.2.1 two Expires lines (joined by the client): invalid, so stale',
    headers: { date: at(0), expires: [at(100), at(200)] },
    expected: { expiresAt: NOW, source: 'expires' },
  },
  {
    name: '§4.2.1 conflicting max-age lines: stale',
    headers: { 'cache-control': ['max-age=60', 'max-age=600'] },
    expected: { expiresAt: NOW, source: 'max-age' },
  },
  {
    name: 'RFC 8246 immutable without explicit freshness: never',
    headers: { 'cache-control': 'immutable', date: at(0), 'last-modified': at(-1000) },
    expected: { expiresAt: null, source: 'immutable' },
  },
  {
    name: '§5.2.2.10 s-maxage is ignored (private cache)',
    headers: { 'cache-control': 's-maxage=600' },
    expected: { expiresAt: NOW, source: 'no-freshness' },
  },
  // Issue 16 point 1: no explicit freshness, no heuristic, expireAfter unset → stale on arrival (§4.2).
  {
    name: '§4.2 no freshness information: stale on arrival',
    headers: { date: at(0) },
    expected: { expiresAt: NOW, source: 'no-freshness' },
  },
  {
    name: '§4.2 no freshness information, expireAfter set by the user: requests-cache fallback',
    settings: { expireAfter: 60 },
    headers: { date: at(0) },
    expected: { expiresAt: NOW + 60 * SECOND, source: 'session' },
  },
  {
    name: '§4.2 no freshness information, a URL pattern matches: requests-cache fallback',
    settings: { urlsExpireAfter: { '*': 30 } },
    headers: {},
    expected: { expiresAt: NOW + 30 * SECOND, source: 'url-pattern' },
  },
  // Issue 16 point 2: invalid freshness gives none (§1.2.2, §4.2.1, §5.3).
  {
    name: '§1.2.2 max-age=-1 is invalid: no freshness, stale on arrival',
    headers: { 'cache-control': 'max-age=-1' },
    expected: { expiresAt: NOW, source: 'no-freshness' },
  },
  {
    name: "§1.2.2 max-age='3600' (single quotes) is invalid: stale on arrival",
    headers: { 'cache-control': "max-age='3600'" },
    expected: { expiresAt: NOW, source: 'no-freshness' },
  },
  {
    name: '§5.3 Expires with a two-digit year and dashes: invalid, already expired',
    headers: { date: at(0), expires: 'Wed, 01-Jan-70 00:00:00 GMT' },
    expected: { expiresAt: NOW, source: 'expires' },
  },
  {
    name: '§5.3 Expires with dashes and a four-digit year: invalid, already expired',
    headers: { date: at(0), expires: at(600).replace(/ (\w{3}) (\d{4})/, '-$1-$2') },
    expected: { expiresAt: NOW, source: 'expires' },
  },
  {
    name: '§5.3 Expires with a two-digit year (spaces): invalid, already expired',
    headers: { date: at(0), expires: at(600).replace(/ (\d{2})(\d{2}) /, ' $2 ') },
    expected: { expiresAt: NOW, source: 'expires' },
  },
  {
    name: '§5.3 Expires in the obsolete RFC 850 form (long day name) is valid',
    headers: { date: 'Saturday, 21-Nov-26 12:00:00 GMT', expires: 'Saturday, 21-Nov-26 12:10:00 GMT' },
    expected: { expiresAt: NOW + 600 * SECOND, source: 'expires' },
  },
];
for (const row of heuristicRows) {
  test(`computeExpiration (cacheControl): ${row.name}`, (t) => {
    const settings = new CacheSettings({ cacheControl: true, ...row.settings }).parsed;
    const request = requestExpiration(
      'https://example.com/a',
      parseCacheControl(row.requestCacheControl),
      undefined,
      settings,
    );
    const decision = computeExpiration({
      nowMs: NOW,
      cacheControl: true,
      request,
      response: {
        headers: row.headers,
        directives: parseCacheControl(row.headers['cache-control']),
        status: row.status ?? 200,
      },
    });
    t.like(decision, { store: true, ...row.expected });
  });
}

test('§4.2.2 heuristicLifetimeMs is undefined for a non-heuristic status without public', (t) => {
  t.is(heuristicLifetimeMs(500, { date: at(0), 'last-modified': at(-1000) }, {}, NOW), undefined);
  t.is(heuristicLifetimeMs(301, { date: at(0), 'last-modified': at(-1000) }, {}, NOW), 100 * SECOND);
});

// §4.2.3 age calculation
const ageRows: readonly { name: string; headers: ResponseHeaders; requestedAt?: number; expected: number }[] =
  [
    { name: '§4.2.3 no Age, no Date: 0', headers: {}, expected: 0 },
    { name: '§4.2.3 Age only', headers: { age: '40' }, expected: 40 * SECOND },
    { name: '§4.2.3 apparent age from Date', headers: { date: at(-25) }, expected: 25 * SECOND },
    {
      name: '§4.2.3 the larger of Age and apparent age',
      headers: { age: '10', date: at(-25) },
      expected: 25 * SECOND,
    },
    {
      name: '§4.2.3 response delay is added to Age',
      headers: { age: '10' },
      requestedAt: NOW - 3 * SECOND,
      expected: 13 * SECOND,
    },
    { name: '§4.2.3 a Date in the future: no negative age', headers: { date: at(60) }, expected: 0 },
    { name: '§1.2.2 an invalid Age is ignored', headers: { age: '-5' }, expected: 0 },
    {
      name: '§1.2.2 a huge Age is clamped to 2147483648 s',
      headers: { age: '99999999999999' },
      expected: 2147483648 * SECOND,
    },
    { name: 'a repeated Age: the first value', headers: { age: ['7', '9'] }, expected: 7 * SECOND },
  ];
for (const row of ageRows) {
  test(`ageMs: ${row.name}`, (t) => {
    t.is(ageMs(row.headers, NOW, row.requestedAt), row.expected);
  });
}

test('§4.2.3 currentAgeMs adds the resident time to the corrected initial age', (t) => {
  const entry = { headers: { age: '10' }, requestedAt: NOW - 2 * SECOND, receivedAt: NOW };
  t.is(currentAgeMs(entry, NOW + 30 * SECOND), 42 * SECOND);
});

// §3 storing, cacheControl mode
const storeRows: readonly {
  name: string;
  status: number;
  cacheControl?: string;
  headers?: ResponseHeaders;
  allowableCodes?: number[];
  cacheControlMode?: boolean;
  expected: ReturnType<typeof checkStorable>;
}[] = [
  { name: '§3 200 (heuristically cacheable)', status: 200, expected: { store: true } },
  {
    name: '§3 allowableCodes still decides first',
    status: 404,
    expected: { store: false, reason: 'status-not-allowable' },
  },
  {
    name: '§3 403 without freshness',
    status: 403,
    allowableCodes: [403],
    expected: { store: false, reason: 'no-explicit-freshness' },
  },
  {
    name: '§3 403 with max-age',
    status: 403,
    allowableCodes: [403],
    cacheControl: 'max-age=1',
    expected: { store: true },
  },
  {
    name: '§3 403 with Expires',
    status: 403,
    allowableCodes: [403],
    headers: { expires: at(10) },
    expected: { store: true },
  },
  {
    name: '§3 403 with public',
    status: 403,
    allowableCodes: [403],
    cacheControl: 'public',
    expected: { store: true },
  },
  {
    name: '§3 403 with private (private cache)',
    status: 403,
    allowableCodes: [403],
    cacheControl: 'private',
    expected: { store: true },
  },
  {
    name: '§3 403 with s-maxage only: not for a private cache',
    status: 403,
    allowableCodes: [403],
    cacheControl: 's-maxage=60',
    expected: { store: false, reason: 'no-explicit-freshness' },
  },
  {
    name: '§3.3 206 is not stored',
    status: 206,
    allowableCodes: [206],
    expected: { store: false, reason: 'partial-content' },
  },
  {
    name: '§3 304 is not stored',
    status: 304,
    allowableCodes: [304],
    expected: { store: false, reason: 'not-modified' },
  },
  {
    name: '§5.2.2.3 must-understand with an unknown status',
    status: 299,
    allowableCodes: [299],
    cacheControl: 'must-understand, max-age=60',
    expected: { store: false, reason: 'must-understand' },
  },
  {
    name: '§5.2.2.3 must-understand with a known status',
    status: 200,
    cacheControl: 'must-understand, max-age=60',
    expected: { store: true },
  },
  {
    name: 'default mode: 403 stored when allowed (requests-cache)',
    status: 403,
    allowableCodes: [403],
    cacheControlMode: false,
    expected: { store: true },
  },
];
for (const row of storeRows) {
  test(`checkStorable: ${row.name}`, (t) => {
    const settings = new CacheSettings({
      cacheControl: row.cacheControlMode ?? true,
      allowableCodes: row.allowableCodes ?? [200],
    }).parsed;
    const headers: ResponseHeaders = { ...row.headers };
    if (row.cacheControl !== undefined) headers['cache-control'] = row.cacheControl;
    t.deepEqual(
      checkStorable({
        method: 'GET',
        requestHeaders: {},
        status: row.status,
        requestDirectives: {},
        responseDirectives: parseCacheControl(row.cacheControl),
        responseHeaders: headers,
        settings,
      }),
      row.expected,
    );
  });
}

test('§3 rfcNotStorable: undefined when storable', (t) => {
  t.is(rfcNotStorable(200, {}, {}), undefined);
});

// §4.3.5 HEAD
const entry = {
  headers: { etag: '"a"', 'last-modified': at(-10) },
  body: new Uint8Array(4),
} as unknown as CacheEntry;
const headRows: readonly { name: string; headers: ResponseHeaders; expected: boolean }[] = [
  { name: 'same ETag', headers: { etag: '"a"' }, expected: true },
  { name: 'another ETag', headers: { etag: '"b"' }, expected: false },
  { name: 'same Last-Modified', headers: { 'last-modified': at(-10) }, expected: true },
  { name: 'another Last-Modified', headers: { 'last-modified': at(-5) }, expected: false },
  { name: 'same Content-Length', headers: { etag: '"a"', 'content-length': '4' }, expected: true },
  { name: 'another Content-Length', headers: { etag: '"a"', 'content-length': '5' }, expected: false },
  { name: 'no validator at all', headers: {}, expected: true },
];
for (const row of headRows) {
  test(`§4.3.5 headMatchesStored: ${row.name}`, (t) => {
    t.is(headMatchesStored(entry, row.headers), row.expected);
  });
}

// §4.3.4 selecting the stored response a 304 updates
const stored304 = {
  headers: { etag: '"a"', 'last-modified': at(-10) },
  body: new Uint8Array(),
} as unknown as CacheEntry;
const weakStored = { headers: { etag: 'W/"a"' }, body: new Uint8Array() } as unknown as CacheEntry;
const notModifiedRows: readonly {
  name: string;
  entry: CacheEntry;
  headers: ResponseHeaders;
  expected: boolean;
}[] = [
  { name: 'the same strong ETag', entry: stored304, headers: { etag: '"a"' }, expected: true },
  { name: 'another strong ETag', entry: stored304, headers: { etag: '"b"' }, expected: false },
  {
    name: 'a strong ETag against a weak stored one',
    entry: weakStored,
    headers: { etag: '"a"' },
    expected: false,
  },
  { name: 'a weak ETag matching weakly', entry: stored304, headers: { etag: 'W/"a"' }, expected: true },
  { name: 'a weak ETag that differs', entry: weakStored, headers: { etag: 'W/"b"' }, expected: false },
  {
    name: 'the same Last-Modified, no ETag',
    entry: stored304,
    headers: { 'last-modified': at(-10) },
    expected: true,
  },
  {
    name: 'another Last-Modified, no ETag',
    entry: stored304,
    headers: { 'last-modified': at(-5) },
    expected: false,
  },
  { name: 'no validator: answers our conditional request', entry: stored304, headers: {}, expected: true },
];
for (const row of notModifiedRows) {
  test(`§4.3.4 notModifiedMatches: ${row.name}`, (t) => {
    t.is(notModifiedMatches(row.entry, row.headers), row.expected);
  });
}

// RFC 9211
const statusRows: readonly {
  name: string;
  params: Parameters<typeof formatCacheStatus>[1];
  expected: string;
}[] = [
  { name: '§2.1 hit with ttl', params: { hit: true, ttl: 60 }, expected: 'reqcache; hit; ttl=60' },
  {
    name: '§2.2 fwd=miss, stored',
    params: { fwd: 'miss', stored: true },
    expected: 'reqcache; fwd=miss; stored',
  },
  {
    name: '§2.3 revalidated',
    params: { fwd: 'stale', fwdStatus: 304 },
    expected: 'reqcache; fwd=stale; fwd-status=304',
  },
  {
    name: '§2.1 hit and fwd are exclusive: hit wins',
    params: { hit: true, fwd: 'stale' },
    expected: 'reqcache; hit',
  },
  {
    name: '§2.6 collapsed',
    params: { fwd: 'miss', collapsed: true },
    expected: 'reqcache; fwd=miss; collapsed',
  },
  {
    name: '§2.8 detail',
    params: { hit: true, ttl: -5, detail: 'stale-while-revalidate' },
    expected: 'reqcache; hit; ttl=-5; detail=stale-while-revalidate',
  },
];
for (const row of statusRows) {
  test(`RFC 9211 formatCacheStatus: ${row.name}`, (t) => {
    t.is(formatCacheStatus('reqcache', row.params), row.expected);
  });
}

test('RFC 9211 §2.4 ttlSeconds: whole seconds, negative when stale, undefined for never', (t) => {
  t.is(ttlSeconds(NOW + 1500, NOW), 1);
  t.is(ttlSeconds(NOW - 1500, NOW), -2);
  t.is(ttlSeconds(null, NOW), undefined);
});

test('cacheStatus setting: true is reqcache, a token is its name, anything else throws', (t) => {
  t.is(new CacheSettings({ cacheStatus: true }).parsed.cacheStatus, 'reqcache');
  t.is(new CacheSettings({ cacheStatus: 'edge-1' }).parsed.cacheStatus, 'edge-1');
  t.is(new CacheSettings({}).parsed.cacheStatus, undefined);
  t.throws(() => new CacheSettings({ cacheStatus: 'two words' }), { code: 'ERR_INVALID_OPTION' });
  const settings = new CacheSettings({});
  t.false(settings.parsed.expireAfterExplicit);
  settings.expireAfter = 60;
  t.true(settings.parsed.expireAfterExplicit);
});

// §4.2.4 the origin unreachable or failing (issue 16 point 5): decideOnNetworkError and decideAnswer.
const networkErrorRows: readonly {
  name: string;
  cacheControl: string;
  expiresAt: number;
  staleIfError?: boolean;
  mode?: boolean;
  expected: 'stale-if-error' | 'gateway-timeout' | 'throw';
}[] = [
  {
    name: 'must-revalidate, stale: 504',
    cacheControl: 'must-revalidate',
    expiresAt: NOW - 1,
    expected: 'gateway-timeout',
  },
  {
    name: 'no-cache, fresh: 504',
    cacheControl: 'no-cache',
    expiresAt: NOW + 60_000,
    expected: 'gateway-timeout',
  },
  {
    name: 'no-cache beats the staleIfError setting',
    cacheControl: 'no-cache',
    expiresAt: NOW + 60_000,
    staleIfError: true,
    expected: 'gateway-timeout',
  },
  {
    name: 'stale without directives, staleIfError: served stale',
    cacheControl: '',
    expiresAt: NOW - 1,
    staleIfError: true,
    expected: 'stale-if-error',
  },
  { name: 'stale without directives: the error', cacheControl: '', expiresAt: NOW - 1, expected: 'throw' },
  {
    name: 'the default mode never generates a 504',
    cacheControl: 'must-revalidate',
    expiresAt: NOW - 1,
    mode: false,
    expected: 'throw',
  },
];
for (const row of networkErrorRows) {
  test(`decideOnNetworkError: §4.2.4 ${row.name}`, (t) => {
    const settings = new CacheSettings({
      cacheControl: row.mode ?? true,
      staleIfError: row.staleIfError ?? false,
    }).parsed;
    const stored = {
      ...makeEntry({ expiresAt: row.expiresAt }),
      headers: { 'cache-control': row.cacheControl },
    };
    const ctx = { settings, options: { refresh: false }, requestDirectives: {} } as Parameters<
      typeof decideOnNetworkError
    >[0];
    t.is(decideOnNetworkError(ctx, stored, NOW), row.expected);
    const answer = decideAnswer(ctx, stored, { status: 500, headers: {} }, NOW);
    t.is(answer.action, row.expected === 'stale-if-error' ? 'stale-if-error' : 'offer');
  });
}
