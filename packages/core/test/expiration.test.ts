import test from 'ava';
import { parseCacheControl } from '../src/cache-control.js';
import { ageMs, computeExpiration, type ExpirationDecision, requestExpiration } from '../src/expiration.js';
import {
  DO_NOT_CACHE,
  EXPIRE_IMMEDIATELY,
  type ExpireAfter,
  NEVER_EXPIRE,
  parseExpireAfter,
} from '../src/expire-after.js';
import type { ResponseHeaders } from '../src/headers.js';
import { formatHttpDate } from '../src/http-date.js';
import { CacheSettings, type SettingsOptions } from '../src/options.js';

/** A fixed "now", on a whole second so HTTP dates (second precision) are exact. */
const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const SECOND = 1000;
const HOUR = 3600 * SECOND;
const ABSOLUTE = Date.UTC(2030, 0, 1, 0, 0, 0);

const httpDate = (offsetSeconds: number): string => formatHttpDate(NOW + offsetSeconds * SECOND);

interface Row {
  name: string;
  settings?: SettingsOptions;
  /** The request's `Cache-Control`. */
  requestCacheControl?: string;
  /** The per-request `expireAfter`. */
  perRequest?: ExpireAfter;
  url?: string;
  responseHeaders?: ResponseHeaders;
  expected: ExpirationDecision;
}

const URL = 'https://example.com/api/users?page=1';

const ROWS: readonly Row[] = [
  // Session expireAfter, the lowest level
  { name: 'defaults: never expire', expected: { store: true, expiresAt: null, source: 'session' } },
  {
    name: 'session seconds',
    settings: { expireAfter: 60 },
    expected: { store: true, expiresAt: NOW + 60 * SECOND, source: 'session' },
  },
  {
    name: 'session duration string',
    settings: { expireAfter: '2h' },
    expected: { store: true, expiresAt: NOW + 2 * HOUR, source: 'session' },
  },
  {
    name: 'session NEVER_EXPIRE → null',
    settings: { expireAfter: NEVER_EXPIRE },
    expected: { store: true, expiresAt: null, source: 'session' },
  },
  {
    name: 'session EXPIRE_IMMEDIATELY → now',
    settings: { expireAfter: EXPIRE_IMMEDIATELY },
    expected: { store: true, expiresAt: NOW, source: 'session' },
  },
  {
    name: 'session DO_NOT_CACHE',
    settings: { expireAfter: DO_NOT_CACHE },
    expected: { store: false, reason: 'do-not-cache', source: 'session' },
  },
  {
    name: 'session absolute Date',
    settings: { expireAfter: new Date(ABSOLUTE) },
    expected: { store: true, expiresAt: ABSOLUTE, source: 'session' },
  },
  {
    name: 'session absolute HTTP-date string',
    settings: { expireAfter: formatHttpDate(ABSOLUTE) },
    expected: { store: true, expiresAt: ABSOLUTE, source: 'session' },
  },
  {
    name: 'session past Date: already expired',
    settings: { expireAfter: new Date(NOW - 2 * SECOND) },
    expected: { store: true, expiresAt: NOW - 2 * SECOND, source: 'session' },
  },

  // urlsExpireAfter beats the session
  {
    name: 'url pattern beats session',
    settings: { expireAfter: 60, urlsExpireAfter: { 'example.com/api': 30 } },
    expected: {
      store: true,
      expiresAt: NOW + 30 * SECOND,
      source: 'url-pattern',
      pattern: 'example.com/api',
    },
  },
  {
    name: 'url patterns: the first match wins (specific first)',
    settings: { urlsExpireAfter: { 'example.com/api': 30, '*': 600 } },
    expected: {
      store: true,
      expiresAt: NOW + 30 * SECOND,
      source: 'url-pattern',
      pattern: 'example.com/api',
    },
  },
  {
    name: 'url patterns: the first match wins (catch-all first)',
    settings: { urlsExpireAfter: { '*': 600, 'example.com/api': 30 } },
    expected: { store: true, expiresAt: NOW + 600 * SECOND, source: 'url-pattern', pattern: '*' },
  },
  {
    name: 'url pattern without a match falls back to the session',
    settings: { expireAfter: 60, urlsExpireAfter: { 'other.org': 30 } },
    expected: { store: true, expiresAt: NOW + 60 * SECOND, source: 'session' },
  },
  {
    name: 'url pattern NEVER_EXPIRE beats a session expiration',
    settings: { expireAfter: 60, urlsExpireAfter: { 'example.com': NEVER_EXPIRE } },
    expected: { store: true, expiresAt: null, source: 'url-pattern', pattern: 'example.com' },
  },
  {
    name: 'url pattern EXPIRE_IMMEDIATELY',
    settings: { urlsExpireAfter: { 'example.com': EXPIRE_IMMEDIATELY } },
    expected: { store: true, expiresAt: NOW, source: 'url-pattern', pattern: 'example.com' },
  },
  {
    name: 'url pattern DO_NOT_CACHE (allowlist idiom)',
    settings: { urlsExpireAfter: { 'other.org': 60, '*': DO_NOT_CACHE } },
    expected: { store: false, reason: 'do-not-cache', source: 'url-pattern' },
  },
  {
    name: 'url pattern with a RegExp key',
    settings: { urlsExpireAfter: new Map<string | RegExp, ExpireAfter>([[/\/api\/users/, '5m']]) },
    expected: {
      store: true,
      expiresAt: NOW + 300 * SECOND,
      source: 'url-pattern',
      pattern: '/\\/api\\/users/',
    },
  },
  {
    name: 'url pattern with an absolute Date',
    settings: { urlsExpireAfter: { '*': new Date(ABSOLUTE) } },
    expected: { store: true, expiresAt: ABSOLUTE, source: 'url-pattern', pattern: '*' },
  },

  // Per-request expireAfter beats URL patterns and the session
  {
    name: 'per-request beats url pattern and session',
    settings: { expireAfter: 60, urlsExpireAfter: { '*': 30 } },
    perRequest: 10,
    expected: { store: true, expiresAt: NOW + 10 * SECOND, source: 'request' },
  },
  {
    name: 'per-request NEVER_EXPIRE → null',
    settings: { expireAfter: 60 },
    perRequest: NEVER_EXPIRE,
    expected: { store: true, expiresAt: null, source: 'request' },
  },
  {
    name: 'per-request EXPIRE_IMMEDIATELY → now',
    perRequest: EXPIRE_IMMEDIATELY,
    expected: { store: true, expiresAt: NOW, source: 'request' },
  },
  {
    name: 'per-request DO_NOT_CACHE',
    settings: { expireAfter: 60 },
    perRequest: DO_NOT_CACHE,
    expected: { store: false, reason: 'do-not-cache', source: 'request' },
  },
  {
    name: 'per-request absolute Date',
    perRequest: new Date(ABSOLUTE),
    expected: { store: true, expiresAt: ABSOLUTE, source: 'request' },
  },
  {
    name: 'per-request duration object',
    perRequest: { hours: 1, minutes: 30 },
    expected: { store: true, expiresAt: NOW + 1.5 * HOUR, source: 'request' },
  },

  // Request Cache-Control max-age beats per-request expireAfter
  {
    name: 'request max-age beats per-request, url pattern and session',
    settings: { expireAfter: 60, urlsExpireAfter: { '*': 30 } },
    perRequest: 10,
    requestCacheControl: 'max-age=120',
    expected: { store: true, expiresAt: NOW + 120 * SECOND, source: 'request-cache-control' },
  },
  {
    name: 'request max-age=0 → now',
    requestCacheControl: 'max-age=0',
    expected: { store: true, expiresAt: NOW, source: 'request-cache-control' },
  },
  {
    name: 'request max-age beats a per-request DO_NOT_CACHE',
    perRequest: DO_NOT_CACHE,
    requestCacheControl: 'max-age=5',
    expected: { store: true, expiresAt: NOW + 5 * SECOND, source: 'request-cache-control' },
  },
  {
    name: 'request Cache-Control without max-age is not an expiration',
    settings: { expireAfter: 60 },
    requestCacheControl: 'no-cache, max-stale=10',
    expected: { store: true, expiresAt: NOW + 60 * SECOND, source: 'session' },
  },

  // Response headers (cacheControl on) beat everything
  {
    name: 'response max-age beats request max-age and per-request',
    settings: { cacheControl: true, expireAfter: 60 },
    perRequest: 10,
    requestCacheControl: 'max-age=120',
    responseHeaders: { 'cache-control': 'max-age=300' },
    expected: { store: true, expiresAt: NOW + 300 * SECOND, source: 'max-age' },
  },
  {
    name: 'response max-age beats a url pattern',
    settings: { cacheControl: true, urlsExpireAfter: { '*': 30 } },
    responseHeaders: { 'cache-control': 'public, max-age=300' },
    expected: { store: true, expiresAt: NOW + 300 * SECOND, source: 'max-age' },
  },
  {
    name: 'response max-age less the Age header',
    settings: { cacheControl: true },
    responseHeaders: { 'cache-control': 'max-age=300', age: '100' },
    expected: { store: true, expiresAt: NOW + 200 * SECOND, source: 'max-age' },
  },
  {
    name: 'response max-age with Date in the past: apparent age subtracted',
    settings: { cacheControl: true },
    responseHeaders: { 'cache-control': 'max-age=300', date: httpDate(-50) },
    expected: { store: true, expiresAt: NOW + 250 * SECOND, source: 'max-age' },
  },
  {
    name: 'response max-age with Age and Date: the larger age is subtracted',
    settings: { cacheControl: true },
    responseHeaders: { 'cache-control': 'max-age=300', date: httpDate(-50), age: '100' },
    expected: { store: true, expiresAt: NOW + 200 * SECOND, source: 'max-age' },
  },
  {
    name: 'response max-age with Date in the future: no negative age',
    settings: { cacheControl: true },
    responseHeaders: { 'cache-control': 'max-age=300', date: httpDate(30) },
    expected: { store: true, expiresAt: NOW + 300 * SECOND, source: 'max-age' },
  },
  {
    name: 'response max-age older than its lifetime: already expired',
    settings: { cacheControl: true },
    responseHeaders: { 'cache-control': 'max-age=60', age: '100' },
    expected: { store: true, expiresAt: NOW - 40 * SECOND, source: 'max-age' },
  },
  {
    name: 'response max-age=0 → now',
    settings: { cacheControl: true, expireAfter: 60 },
    responseHeaders: { 'cache-control': 'max-age=0', etag: '"x"' },
    expected: { store: true, expiresAt: NOW, source: 'max-age' },
  },
  {
    name: 'RFC 8246: response immutable with max-age → max-age governs freshness',
    settings: { cacheControl: true, expireAfter: 60 },
    responseHeaders: { 'cache-control': 'max-age=300, immutable' },
    expected: { store: true, expiresAt: NOW + 300 * SECOND, source: 'max-age' },
  },
  {
    name: 'response immutable without explicit freshness → never (requests-cache)',
    settings: { cacheControl: true, expireAfter: 60 },
    responseHeaders: { 'cache-control': 'immutable' },
    expected: { store: true, expiresAt: null, source: 'immutable' },
  },
  {
    name: 'response max-age beats Expires',
    settings: { cacheControl: true },
    responseHeaders: { 'cache-control': 'max-age=300', expires: httpDate(3600), date: httpDate(0) },
    expected: { store: true, expiresAt: NOW + 300 * SECOND, source: 'max-age' },
  },
  {
    name: 'response Expires with Date',
    settings: { cacheControl: true, expireAfter: 60 },
    responseHeaders: { expires: httpDate(3600), date: httpDate(0) },
    expected: { store: true, expiresAt: NOW + HOUR, source: 'expires' },
  },
  {
    name: 'response Expires with Date in the past: lifetime from Date, less the age',
    settings: { cacheControl: true },
    responseHeaders: { expires: httpDate(3590), date: httpDate(-10) },
    expected: { store: true, expiresAt: NOW + 3590 * SECOND, source: 'expires' },
  },
  {
    name: 'response Expires without Date: measured from arrival',
    settings: { cacheControl: true },
    responseHeaders: { expires: httpDate(3600) },
    expected: { store: true, expiresAt: NOW + HOUR, source: 'expires' },
  },
  {
    name: 'response Expires in the past: already expired',
    settings: { cacheControl: true },
    responseHeaders: { expires: httpDate(-3600), date: httpDate(0) },
    expected: { store: true, expiresAt: NOW - HOUR, source: 'expires' },
  },
  {
    name: 'response Expires "0" (invalid) → expires now',
    settings: { cacheControl: true, expireAfter: 60 },
    responseHeaders: { expires: '0' },
    expected: { store: true, expiresAt: NOW, source: 'expires' },
  },
  {
    name: 'response Expires "garbage" (invalid) → expires now',
    settings: { cacheControl: true, expireAfter: 60 },
    responseHeaders: { expires: 'garbage', date: httpDate(0) },
    expected: { store: true, expiresAt: NOW, source: 'expires' },
  },
  {
    name: 'response Expires empty (invalid) → expires now',
    settings: { cacheControl: true },
    responseHeaders: { expires: '' },
    expected: { store: true, expiresAt: NOW, source: 'expires' },
  },
  {
    name: 'response Expires beats request max-age and per-request',
    settings: { cacheControl: true },
    perRequest: 10,
    requestCacheControl: 'max-age=120',
    responseHeaders: { expires: httpDate(600), date: httpDate(0) },
    expected: { store: true, expiresAt: NOW + 600 * SECOND, source: 'expires' },
  },
  {
    name: 'cacheControl on, response without freshness headers: request levels apply',
    settings: { cacheControl: true, urlsExpireAfter: { '*': 30 } },
    responseHeaders: { 'cache-control': 'public', etag: '"x"' },
    expected: { store: true, expiresAt: NOW + 30 * SECOND, source: 'url-pattern', pattern: '*' },
  },
  {
    name: 'cacheControl on, response no-cache alone is not an expiration',
    settings: { cacheControl: true, expireAfter: 60 },
    responseHeaders: { 'cache-control': 'no-cache' },
    expected: { store: true, expiresAt: NOW + 60 * SECOND, source: 'session' },
  },

  // cacheControl off: response headers are ignored
  {
    name: 'cacheControl off: response max-age ignored',
    settings: { expireAfter: 60 },
    responseHeaders: { 'cache-control': 'max-age=300' },
    expected: { store: true, expiresAt: NOW + 60 * SECOND, source: 'session' },
  },
  {
    name: 'cacheControl off: response Expires ignored',
    responseHeaders: { expires: httpDate(3600), date: httpDate(0) },
    expected: { store: true, expiresAt: null, source: 'session' },
  },
  {
    name: 'cacheControl off: invalid Expires ignored',
    settings: { expireAfter: 60 },
    responseHeaders: { expires: '0' },
    expected: { store: true, expiresAt: NOW + 60 * SECOND, source: 'session' },
  },
  {
    name: 'cacheControl off: immutable ignored',
    settings: { expireAfter: 60 },
    responseHeaders: { 'cache-control': 'immutable' },
    expected: { store: true, expiresAt: NOW + 60 * SECOND, source: 'session' },
  },
  {
    name: 'cacheControl off: request max-age still applies',
    settings: { expireAfter: 60 },
    requestCacheControl: 'max-age=5',
    responseHeaders: { 'cache-control': 'max-age=300' },
    expected: { store: true, expiresAt: NOW + 5 * SECOND, source: 'request-cache-control' },
  },
];

for (const row of ROWS) {
  test(`computeExpiration: ${row.name}`, (t) => {
    const settings = new CacheSettings(row.settings ?? {}).parsed;
    const perRequest =
      row.perRequest === undefined ? undefined : parseExpireAfter(row.perRequest, 'expireAfter');
    const request = requestExpiration(
      row.url ?? URL,
      parseCacheControl(row.requestCacheControl),
      perRequest,
      settings,
    );
    const headers = row.responseHeaders ?? {};
    const decision = computeExpiration({
      nowMs: NOW,
      cacheControl: settings.cacheControl,
      request,
      response: { headers, directives: parseCacheControl(headers['cache-control']) },
    });
    t.deepEqual(decision, row.expected);
  });
}

test('computeExpiration without a response uses the request levels even with cacheControl', (t) => {
  const settings = new CacheSettings({ cacheControl: true, expireAfter: 60 }).parsed;
  const request = requestExpiration(URL, {}, undefined, settings);
  t.deepEqual(computeExpiration({ nowMs: NOW, cacheControl: true, request }), {
    store: true,
    expiresAt: NOW + 60 * SECOND,
    source: 'session',
  });
});

test('requestExpiration reports where the expiration came from', (t) => {
  const settings = new CacheSettings({ expireAfter: 60, urlsExpireAfter: { 'example.com': '1h' } }).parsed;
  t.deepEqual(requestExpiration('https://other.org/', {}, undefined, settings), {
    expireAfter: { kind: 'relative', ms: 60 * SECOND },
    source: 'session',
  });
  t.deepEqual(requestExpiration(URL, {}, undefined, settings), {
    expireAfter: { kind: 'relative', ms: HOUR },
    source: 'url-pattern',
    pattern: 'example.com',
  });
  t.deepEqual(requestExpiration(URL, {}, { kind: 'never' }, settings), {
    expireAfter: { kind: 'never' },
    source: 'request',
  });
  t.deepEqual(requestExpiration(URL, { maxAge: 7 }, { kind: 'never' }, settings), {
    expireAfter: { kind: 'relative', ms: 7 * SECOND },
    source: 'request-cache-control',
  });
});

// ---------------------------------------------------------------------------------------------------------
// ageMs (RFC 9111 §4.2.3)

const AGE_ROWS: readonly [name: string, headers: ResponseHeaders, expected: number][] = [
  ['no Age, no Date', {}, 0],
  ['Age', { age: '30' }, 30 * SECOND],
  ['Age with spaces', { age: ' 30 ' }, 30 * SECOND],
  ['Age 0', { age: '0' }, 0],
  ['Age not a number', { age: 'abc' }, 0],
  ['Age negative', { age: '-5' }, 0],
  ['Age fractional', { age: '1.5' }, 0],
  ['Age huge: clamped to 2^31 seconds', { age: '99999999999' }, 2147483648 * SECOND],
  ['Date now', { date: httpDate(0) }, 0],
  ['Date 20 s ago', { date: httpDate(-20) }, 20 * SECOND],
  ['Date in the future', { date: httpDate(20) }, 0],
  ['Date garbage', { date: 'yesterday' }, 0],
  ['Age larger than the apparent age', { age: '60', date: httpDate(-20) }, 60 * SECOND],
  ['apparent age larger than Age', { age: '10', date: httpDate(-20) }, 20 * SECOND],
];

for (const [name, headers, expected] of AGE_ROWS) {
  test(`ageMs: ${name}`, (t) => {
    t.is(ageMs(headers, NOW), expected);
  });
}
