/**
 * `cacheControl: true` as an RFC 9111 private cache, table-driven and citing the section each row
 * checks: freshness (§4.2), storability (§3), request and response directives (§5.2), validation and
 * 304 / HEAD updates (§4.3), invalidation (§4.4), Vary (§4.1), `Cache-Status` (RFC 9211), stale
 * serving (RFC 5861), background revalidation, coalescing. Every row runs through every adapter.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CacheOptions, formatHttpDate, type ReqcacheError } from '@reqcache/core';
import type { FakeClock, SuiteContext } from '../harness.js';
import type { SuiteResponse } from '../types.js';

/** cacheControl mode with the Cache-Status header on. */
const RFC: CacheOptions = { cacheControl: true, cacheStatus: true };

type Headers = Record<string, string>;

/**
 * Response headers whose dates are relative to the fake clock (`{ at: 0 }` is "now", `{ at: -30 }`
 * thirty seconds ago); a list sends the field on several lines.
 */
type HeaderSpec = Record<string, string | string[] | { at: number }>;

function resolve(spec: HeaderSpec, clock: FakeClock): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(spec)) {
    out[name] =
      typeof value === 'string' || Array.isArray(value)
        ? value
        : formatHttpDate(clock.now() + value.at * 1000);
  }
  return out;
}

/** A route answering `status` with these headers (dates resolved when each request arrives), a counter body. */
function fixed(clock: FakeClock, spec: HeaderSpec, status = 200) {
  let count = 0;
  return (_req: IncomingMessage, res: ServerResponse): void => {
    count++;
    res.writeHead(status, { 'content-type': 'application/json', ...resolve(spec, clock) });
    res.end(JSON.stringify({ count }));
  };
}

/** A route with an ETag answering a matching If-None-Match with 304 and `notModified` headers. */
function validating(clock: FakeClock, spec: HeaderSpec, notModified: HeaderSpec = spec) {
  let count = 0;
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.headers['if-none-match'] === '"v1"') {
      res.writeHead(304, { etag: '"v1"', ...resolve(notModified, clock) });
      res.end();
      return;
    }
    count++;
    res.writeHead(200, { 'content-type': 'application/json', etag: '"v1"', ...resolve(spec, clock) });
    res.end(JSON.stringify({ count }));
  };
}

function countOf(response: SuiteResponse): number {
  return (response.json() as { count: number }).count;
}

export function registerRfc9111Cases({ test, title, setup, redirectHops }: SuiteContext): void {
  // ---- §4.2 freshness ----------------------------------------------------------------------------
  interface FreshnessRow {
    name: string;
    headers: HeaderSpec;
    options?: CacheOptions;
    /** Seconds after the first response, and whether a request then is served from the cache. */
    checks: readonly (readonly [seconds: number, fromCache: boolean])[];
  }
  const freshness: readonly FreshnessRow[] = [
    {
      name: '§5.2.2.1 max-age=60: fresh at 59 s, stale at 61 s',
      headers: { 'cache-control': 'max-age=60' },
      checks: [
        [59, true],
        [61, false],
      ],
    },
    {
      name: '§4.2.1 max-age beats Expires',
      headers: { 'cache-control': 'max-age=60', date: { at: 0 }, expires: { at: 3600 } },
      checks: [[61, false]],
    },
    {
      name: '§5.3 Expires with Date: lifetime Expires − Date',
      headers: { date: { at: 0 }, expires: { at: 120 } },
      checks: [
        [119, true],
        [121, false],
      ],
    },
    {
      name: '§5.3 an invalid Expires ("0") is already stale',
      headers: { expires: '0' },
      checks: [[0, false]],
    },
    {
      name: '§4.2.3 Age is part of the age: max-age=60 with Age: 50 is stale after 10 s',
      headers: { 'cache-control': 'max-age=60', age: '50' },
      checks: [
        [9, true],
        [11, false],
      ],
    },
    {
      name: '§4.2.3 a past Date is apparent age: max-age=60, Date 30 s ago',
      headers: { 'cache-control': 'max-age=60', date: { at: -30 } },
      checks: [
        [29, true],
        [31, false],
      ],
    },
    {
      name: '§4.2.1 conflicting max-age lines: the response is stale',
      headers: { 'cache-control': ['max-age=60', 'max-age=600'] },
      checks: [[0, false]],
    },
    {
      name: '§4.2.1 the same max-age on two lines is kept',
      headers: { 'cache-control': ['max-age=60', 'public, max-age=60'] },
      checks: [
        [59, true],
        [61, false],
      ],
    },
    {
      name: '§5.2 Cache-Control directive names in any case, quoted values',
      headers: { 'cache-control': 'Max-Age="60"' },
      checks: [
        [59, true],
        [61, false],
      ],
    },
    // Issue 16 point 2: invalid freshness gives none, so the response is stale on arrival (it used to
    // fall back to the never-expire session default and be reused).
    {
      name: '§1.2.2 a negative max-age is invalid: no freshness, not reused',
      headers: { 'cache-control': 'max-age=-1' },
      checks: [[0, false]],
    },
    {
      name: "§1.2.2 a single-quoted max-age ('3600') is invalid: not reused",
      headers: { 'cache-control': "max-age='3600'" },
      checks: [[0, false]],
    },
    {
      name: '§5.3 an Expires with dashes and a two-digit year is invalid: already expired',
      headers: { expires: 'Tue, 01-Jan-69 00:00:00 GMT' },
      checks: [[0, false]],
    },
    {
      name: '§5.3 an Expires with dashes (four-digit year) is invalid: already expired',
      headers: { expires: 'Mon, 01-Jan-2063 00:00:00 GMT' },
      checks: [[0, false]],
    },
    {
      name: '§5.3 an Expires with a two-digit year is invalid: already expired',
      headers: { expires: 'Mon, 01 Jan 63 00:00:00 GMT' },
      checks: [[0, false]],
    },
    {
      name: '§5.3 a valid far-future Expires is fresh',
      headers: { expires: 'Mon, 01 Jan 2063 00:00:00 GMT' },
      checks: [[86_400, true]],
    },
    {
      name: '§5.2.2.10 s-maxage is ignored by a private cache',
      headers: { 'cache-control': 's-maxage=600, max-age=10' },
      checks: [[11, false]],
    },
    {
      name: '§4.2.2 heuristic freshness: 10% of Date − Last-Modified (1000 s → 100 s)',
      headers: { date: { at: 0 }, 'last-modified': { at: -1000 } },
      checks: [
        [99, true],
        [101, false],
      ],
    },
    {
      name: '§4.2.2 no heuristic when the user set expireAfter',
      options: { expireAfter: 30 },
      headers: { date: { at: 0 }, 'last-modified': { at: -1000 } },
      checks: [
        [29, true],
        [31, false],
      ],
    },
    {
      name: '§4.2.2 no heuristic when a URL pattern applies',
      options: { urlsExpireAfter: { '*': 20 } },
      headers: { date: { at: 0 }, 'last-modified': { at: -1000 } },
      checks: [
        [19, true],
        [21, false],
      ],
    },
    // Issue 16 point 1: no explicit freshness, no heuristic and expireAfter unset → stale on arrival.
    {
      name: '§4.2 no freshness information and no Last-Modified: stale on arrival, not reused',
      headers: {},
      checks: [[0, false]],
    },
    {
      name: '§4.2 no freshness information, expireAfter set by the user: its fallback applies',
      options: { expireAfter: -1 },
      headers: {},
      checks: [[86_400 * 365, true]],
    },
    {
      name: '§4.2 no freshness information, a URL pattern matches: its fallback applies',
      options: { urlsExpireAfter: { '*': 60 } },
      headers: {},
      checks: [
        [59, true],
        [61, false],
      ],
    },
    {
      name: 'RFC 8246 immutable without max-age: never expires',
      headers: { 'cache-control': 'immutable' },
      checks: [[86_400 * 365, true]],
    },
    {
      name: 'RFC 8246 immutable with max-age: max-age governs',
      headers: { 'cache-control': 'max-age=60, immutable' },
      checks: [[61, false]],
    },
  ];
  for (const row of freshness) {
    test(title(`RFC 9111 ${row.name}`), async (t) => {
      const { server, clock, send } = await setup(t, { ...RFC, ...row.options });
      server.route('GET', '/r', fixed(clock, row.headers));
      const first = await send('/r');
      t.false(first.fromCache);
      let elapsed = 0;
      for (const [seconds, fromCache] of row.checks) {
        clock.advance(seconds - elapsed);
        elapsed = seconds;
        const response = await send('/r');
        t.is(response.fromCache, fromCache, `at ${seconds} s`);
        t.regex(response.headers['cache-status'] ?? '', fromCache ? /^reqcache; hit/ : /^reqcache; fwd=/);
      }
    });
  }

  interface AgeRow {
    name: string;
    headers: HeaderSpec;
    after: number;
    age: string;
  }
  const ageRows: readonly AgeRow[] = [
    {
      name: 'a hit carries its current age',
      headers: { 'cache-control': 'max-age=600' },
      after: 100,
      age: '100',
    },
    {
      name: 'the Age it arrived with is part of it',
      headers: { 'cache-control': 'max-age=600', age: '50' },
      after: 10,
      age: '60',
    },
    {
      name: 'and so is its apparent age (Date)',
      headers: { 'cache-control': 'max-age=600', date: { at: -20 } },
      after: 10,
      age: '30',
    },
  ];
  for (const row of ageRows) {
    test(title(`RFC 9111 §4, §5.1 Age: ${row.name}`), async (t) => {
      const { server, clock, send } = await setup(t, RFC);
      server.route('GET', '/age', fixed(clock, row.headers));
      const first = await send('/age');
      const sent = row.headers['age'];
      t.is(first.headers['age'], typeof sent === 'string' ? sent : undefined);
      clock.advance(row.after);
      const hit = await send('/age');
      t.true(hit.fromCache);
      t.is(hit.headers['age'], row.age);
    });
  }

  test(title('the default mode adds no Age header to hits (requests-cache)'), async (t) => {
    const { clock, send } = await setup(t, { expireAfter: 600 });
    await send('/get');
    clock.advance(100);
    const hit = await send('/get');
    t.true(hit.fromCache);
    t.is(hit.headers['age'], undefined);
  });

  // ---- §3 storing responses ----------------------------------------------------------------------
  interface StoreRow {
    name: string;
    status: number;
    headers?: HeaderSpec;
    allowableCodes: number[];
    stored: boolean;
    /** Why it was not stored (a reason code), for rows that are not. */
    reason?: string;
  }
  const storing: readonly StoreRow[] = [
    {
      name: '200 without freshness, with Last-Modified (heuristically cacheable)',
      status: 200,
      headers: { date: { at: 0 }, 'last-modified': { at: -1000 } },
      allowableCodes: [200],
      stored: true,
    },
    {
      // Issue 16 point 1: stale on arrival, and without a validator it could never be used.
      name: '200 without freshness or validator: stale on arrival, not stored',
      status: 200,
      allowableCodes: [200],
      stored: false,
      reason: 'expired-without-validator',
    },
    {
      name: '404 (heuristically cacheable) in allowableCodes',
      status: 404,
      headers: { date: { at: 0 }, 'last-modified': { at: -1000 } },
      allowableCodes: [200, 404],
      stored: true,
    },
    {
      name: '404 not in allowableCodes: allowableCodes still decides',
      status: 404,
      allowableCodes: [200],
      stored: false,
      reason: 'status-not-allowable',
    },
    {
      name: '403 without freshness: not heuristically cacheable',
      status: 403,
      allowableCodes: [403],
      stored: false,
      reason: 'no-explicit-freshness',
    },
    {
      name: '403 with max-age',
      status: 403,
      headers: { 'cache-control': 'max-age=60' },
      allowableCodes: [403],
      stored: true,
    },
    {
      name: '403 with Expires',
      status: 403,
      headers: { date: { at: 0 }, expires: { at: 60 } },
      allowableCodes: [403],
      stored: true,
    },
    {
      name: '403 marked public (heuristic freshness from Last-Modified)',
      status: 403,
      headers: { 'cache-control': 'public', date: { at: 0 }, 'last-modified': { at: -1000 } },
      allowableCodes: [403],
      stored: true,
    },
    {
      name: '403 marked private (a private cache stores it)',
      status: 403,
      headers: { 'cache-control': 'private, max-age=60' },
      allowableCodes: [403],
      stored: true,
    },
    {
      name: '200 private="Set-Cookie" is stored',
      status: 200,
      headers: { 'cache-control': 'private="Set-Cookie", max-age=60' },
      allowableCodes: [200],
      stored: true,
    },
    {
      name: '206 is never stored (partial content is not combined)',
      status: 206,
      headers: { 'content-range': 'bytes 0-9/100' },
      allowableCodes: [200, 206],
      stored: false,
      reason: 'partial-content',
    },
    {
      name: 'no-store is never stored',
      status: 200,
      headers: { 'cache-control': 'no-store, max-age=60' },
      allowableCodes: [200],
      stored: false,
      reason: 'no-store',
    },
  ];
  for (const row of storing) {
    test(title(`RFC 9111 §3 storing: ${row.name}`), async (t) => {
      const { server, clock, send } = await setup(t, { ...RFC, allowableCodes: row.allowableCodes });
      server.route('GET', '/s', fixed(clock, row.headers ?? {}, row.status));
      const first = await send('/s');
      t.is(first.status, row.status);
      t.is(first.cacheKey !== undefined, row.stored);
      // The reason a response was not stored reaches the caller, and Cache-Status's detail.
      const reason = row.reason ?? 'miss';
      t.is(first.reason, reason);
      const status = row.stored ? 'reqcache; fwd=miss; stored' : `reqcache; fwd=miss; detail=${reason}`;
      t.is(first.headers['cache-status'], status);
      const second = await send('/s');
      t.is(second.fromCache, row.stored);
      t.is(server.hits('/s'), row.stored ? 1 : 2);
    });
  }

  // ---- §5.2.1 request directives -------------------------------------------------------------------
  interface RequestRow {
    name: string;
    headers: Headers;
    /** Seconds after storing a `max-age=600` response with an ETag. */
    after: number;
    expected: 'hit' | 'revalidated' | 'network' | 'not-cached';
  }
  const requestRows: readonly RequestRow[] = [
    {
      name: '§5.2.1.1 max-age=200 accepts a 100 s old response',
      headers: { 'cache-control': 'max-age=200' },
      after: 100,
      expected: 'hit',
    },
    {
      name: '§5.2.1.1 max-age=50 refuses a 100 s old response (revalidated)',
      headers: { 'cache-control': 'max-age=50' },
      after: 100,
      expected: 'revalidated',
    },
    {
      name: '§5.2.1.1 max-age=0 always validates',
      headers: { 'cache-control': 'max-age=0' },
      after: 0,
      expected: 'revalidated',
    },
    {
      name: '§5.2.1.3 min-fresh=600 refuses 500 s of freshness left',
      headers: { 'cache-control': 'min-fresh=600' },
      after: 100,
      expected: 'revalidated',
    },
    {
      name: '§5.2.1.3 min-fresh=400 accepts 500 s left',
      headers: { 'cache-control': 'min-fresh=400' },
      after: 100,
      expected: 'hit',
    },
    {
      name: '§5.2.1.2 max-stale=100 accepts 50 s of staleness',
      headers: { 'cache-control': 'max-stale=100' },
      after: 650,
      expected: 'hit',
    },
    {
      name: '§5.2.1.2 max-stale=10 refuses 50 s of staleness',
      headers: { 'cache-control': 'max-stale=10' },
      after: 650,
      expected: 'revalidated',
    },
    {
      name: '§5.2.1.2 max-stale without a value accepts any staleness',
      headers: { 'cache-control': 'max-stale' },
      after: 86_400,
      expected: 'hit',
    },
    {
      name: '§5.2.1.4 no-cache validates a fresh response',
      headers: { 'cache-control': 'no-cache' },
      after: 0,
      expected: 'revalidated',
    },
    {
      name: '§5.4 Pragma: no-cache without Cache-Control validates',
      headers: { pragma: 'no-cache' },
      after: 0,
      expected: 'revalidated',
    },
    {
      name: '§5.2.1.5 no-store goes to the origin',
      headers: { 'cache-control': 'no-store' },
      after: 0,
      expected: 'network',
    },
    {
      name: '§5.2.1.7 only-if-cached with a stale response: 504',
      headers: { 'cache-control': 'only-if-cached' },
      after: 650,
      expected: 'not-cached',
    },
    {
      name: '§5.2.1.7 only-if-cached with a fresh response: hit',
      headers: { 'cache-control': 'only-if-cached' },
      after: 10,
      expected: 'hit',
    },
    {
      name: '§5.2.1.7 only-if-cached with no-cache: 504 (a validation would be needed)',
      headers: { 'cache-control': 'no-cache, only-if-cached' },
      after: 0,
      expected: 'not-cached',
    },
    {
      name: '§5.2 directive names are case-insensitive',
      headers: { 'cache-control': 'NO-CACHE' },
      after: 0,
      expected: 'revalidated',
    },
    {
      name: '§5.2 quoted arguments: max-age="50"',
      headers: { 'cache-control': 'max-age="50"' },
      after: 100,
      expected: 'revalidated',
    },
    {
      name: '§5.2 a bad number is ignored: max-age=abc',
      headers: { 'cache-control': 'max-age=abc' },
      after: 100,
      expected: 'hit',
    },
  ];
  for (const row of requestRows) {
    test(title(`RFC 9111 request ${row.name}`), async (t) => {
      const { server, clock, send } = await setup(t, RFC);
      server.route('GET', '/q', validating(clock, { 'cache-control': 'max-age=600' }));
      await send('/q');
      clock.advance(row.after);
      const response = await send('/q', { headers: row.headers });
      const conditional = server.lastRequest('/q')?.headers['if-none-match'];
      switch (row.expected) {
        case 'hit':
          t.true(response.fromCache);
          t.false(response.revalidated);
          t.is(server.hits('/q'), 1);
          break;
        case 'revalidated':
          t.is(server.hits('/q'), 2);
          t.is(conditional, '"v1"');
          t.true(response.revalidated);
          t.regex(response.headers['cache-status'] ?? '', /fwd-status=304/);
          break;
        case 'network':
          t.is(server.hits('/q'), 2);
          t.false(response.fromCache);
          break;
        case 'not-cached':
          t.is(response.status, 504);
          t.is(server.hits('/q'), 1);
          break;
      }
    });
  }

  // ---- §5.2.2 response directives ------------------------------------------------------------------
  test(title('RFC 9111 §5.2.2.4 response no-cache: validated before every use'), async (t) => {
    const { server, clock, send } = await setup(t, RFC);
    server.route('GET', '/nc', validating(clock, { 'cache-control': 'no-cache, max-age=600' }));
    await send('/nc');
    for (let i = 0; i < 3; i++) {
      const again = await send('/nc');
      t.true(again.revalidated);
    }
    t.is(server.hits('/nc'), 4);
  });

  interface StaleRow {
    name: string;
    headers: string;
    options?: CacheOptions;
    /** Whether the stale response replaces the origin's 500. */
    servedStale: boolean;
  }
  const staleRows: readonly StaleRow[] = [
    {
      name: '§5.2.2.2 must-revalidate beats staleIfError',
      headers: 'max-age=10, must-revalidate',
      options: { staleIfError: true },
      servedStale: false,
    },
    {
      name: '§5.2.2.8 proxy-revalidate is for shared caches: staleIfError applies',
      headers: 'max-age=10, proxy-revalidate',
      options: { staleIfError: true },
      servedStale: true,
    },
    {
      name: 'RFC 5861 §4 stale-if-error=60 response directive',
      headers: 'max-age=10, stale-if-error=60',
      servedStale: true,
    },
    {
      name: 'RFC 5861 §4 stale-if-error=5 is over after 5 s of staleness',
      headers: 'max-age=10, stale-if-error=5',
      servedStale: false,
    },
    { name: 'without stale-if-error the 500 is returned', headers: 'max-age=10', servedStale: false },
    {
      name: 'staleIfError setting as a window: 60 s covers 10 s of staleness',
      headers: 'max-age=10',
      options: { staleIfError: 60 },
      servedStale: true,
    },
    {
      name: "staleIfError setting as a window: '5s' does not cover 10 s of staleness",
      headers: 'max-age=10',
      options: { staleIfError: '5s' },
      servedStale: false,
    },
    {
      name: 'the larger of the setting and the directive wins',
      headers: 'max-age=10, stale-if-error=5',
      options: { staleIfError: 60 },
      servedStale: true,
    },
  ];
  for (const row of staleRows) {
    test(title(`RFC 9111 ${row.name}`), async (t) => {
      const { server, clock, send } = await setup(t, { ...RFC, ...row.options });
      let calls = 0;
      server.route('GET', '/e', (_req, res) => {
        calls++;
        res.writeHead(calls === 1 ? 200 : 500, {
          'content-type': 'text/plain',
          'cache-control': row.headers,
        });
        res.end(calls === 1 ? 'good' : 'bad');
      });
      await send('/e');
      clock.advance(20);
      const response = await send('/e');
      t.is(server.hits('/e'), 2);
      t.is(response.status, row.servedStale ? 200 : 500);
      if (row.servedStale)
        t.regex(
          response.headers['cache-status'] ?? '',
          /fwd=stale; fwd-status=500; ttl=-10; detail=stale-if-error/,
        );
    });
  }

  test(
    title('RFC 8246 immutable: a fresh response is not revalidated on refresh, but is on request no-cache'),
    async (t) => {
      const { server, clock, send } = await setup(t, RFC);
      server.route('GET', '/im', validating(clock, { 'cache-control': 'max-age=600, immutable' }));
      await send('/im');
      const refreshed = await send('/im', { cache: { refresh: true } });
      t.true(refreshed.fromCache);
      t.false(refreshed.revalidated);
      const reload = await send('/im', { headers: { 'cache-control': 'max-age=0' } });
      t.true(reload.fromCache);
      t.is(server.hits('/im'), 1);
      const forced = await send('/im', { headers: { 'cache-control': 'no-cache' } });
      t.true(forced.revalidated);
      t.is(server.hits('/im'), 2);
    },
  );

  interface SwrRow {
    name: string;
    headers: string;
    options?: CacheOptions;
    /** Whether a request 15 s after a `max-age=10` response is answered stale at once. */
    servedStale: boolean;
  }
  const swrRows: readonly SwrRow[] = [
    {
      name: 'directive stale-while-revalidate=60 covers 5 s of staleness',
      headers: 'max-age=10, stale-while-revalidate=60',
      servedStale: true,
    },
    {
      name: 'directive stale-while-revalidate=2 does not',
      headers: 'max-age=10, stale-while-revalidate=2',
      servedStale: false,
    },
    {
      name: "setting staleWhileRevalidate: '1m' covers it",
      headers: 'max-age=10',
      options: { staleWhileRevalidate: '1m' },
      servedStale: true,
    },
    {
      name: 'setting staleWhileRevalidate: 2 does not',
      headers: 'max-age=10',
      options: { staleWhileRevalidate: 2 },
      servedStale: false,
    },
    {
      name: 'setting staleWhileRevalidate: true covers any staleness',
      headers: 'max-age=10',
      options: { staleWhileRevalidate: true },
      servedStale: true,
    },
    {
      name: '§5.2.2.2 must-revalidate forbids it',
      headers: 'max-age=10, must-revalidate, stale-while-revalidate=60',
      servedStale: false,
    },
  ];
  for (const row of swrRows) {
    test(title(`RFC 5861 §3 ${row.name}`), async (t) => {
      const { server, client, clock, send } = await setup(t, { ...RFC, ...row.options });
      server.route('GET', '/w', fixed(clock, { 'cache-control': row.headers }));
      const first = await send('/w');
      clock.advance(15);
      const second = await send('/w');
      if (row.servedStale) {
        t.true(second.fromCache);
        t.is(countOf(second), countOf(first));
        await client.engine.settled();
        t.is(server.hits('/w'), 2);
        t.is(countOf(await send('/w')), 2);
      } else {
        t.false(second.fromCache);
        t.is(countOf(second), 2);
      }
    });
  }

  test(
    title('background revalidation is bounded: 20 concurrent stale hits, one background request'),
    async (t) => {
      const { server, client, clock, send } = await setup(t, { ...RFC, staleWhileRevalidate: true });
      let calls = 0;
      // The background request is held until every stale response is in: none can see it finish.
      let open!: () => void;
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      server.route('GET', '/bounded', async (_req, res) => {
        calls++;
        if (calls > 1) await gate;
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=10' });
        res.end(JSON.stringify({ count: calls }));
      });
      const events: boolean[] = [];
      client.engine.on('background', (event) => events.push(event.ok));
      await send('/bounded');
      clock.advance(15);
      const stale = await Promise.all(Array.from({ length: 20 }, () => send('/bounded')));
      open();
      t.true(stale.every((response) => response.fromCache && countOf(response) === 1));
      await client.engine.settled();
      t.is(calls, 2);
      t.deepEqual(events, [true]);
    },
  );

  test(
    title(
      'RFC 5861 §3 stale-while-revalidate response directive: stale now, refreshed in the background (background event)',
    ),
    async (t) => {
      const { server, client, clock, send } = await setup(t, RFC);
      server.route('GET', '/swr', fixed(clock, { 'cache-control': 'max-age=10, stale-while-revalidate=60' }));
      const events: { ok: boolean; status?: number | undefined }[] = [];
      client.engine.on('background', (event) => events.push({ ok: event.ok, status: event.status }));
      const first = await send('/swr');
      clock.advance(15);
      const stale = await send('/swr');
      t.true(stale.fromCache);
      t.is(countOf(stale), countOf(first));
      t.is(stale.headers['cache-status'], 'reqcache; hit; ttl=-5; detail=stale-while-revalidate');
      await client.engine.settled();
      t.deepEqual(events, [{ ok: true, status: 200 }]);
      const fresh = await send('/swr');
      t.true(fresh.fromCache);
      t.is(countOf(fresh), 2);
      t.is(server.hits('/swr'), 2);
    },
  );

  test(
    title('background revalidation failure is observable: background event with ok false, error event'),
    async (t) => {
      const { server, client, clock, send, errors } = await setup(t, {
        ...RFC,
        staleWhileRevalidate: true,
        expireAfter: 10,
      });
      let calls = 0;
      server.route('GET', '/bg', (req, res) => {
        calls++;
        if (calls > 1) {
          req.socket.destroy();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('first');
      });
      const failures: (ReqcacheError | undefined)[] = [];
      client.engine.on('background', (event) => {
        if (!event.ok) failures.push(event.error);
      });
      await send('/bg');
      clock.advance(20);
      const stale = await send('/bg');
      t.true(stale.fromCache);
      await client.engine.settled();
      t.is(failures.length, 1);
      t.is(failures[0]?.code, 'ERR_REVALIDATION');
      t.true(errors.some((error) => error.code === 'ERR_REVALIDATION'));
    },
  );

  // ---- §4.3 validation -----------------------------------------------------------------------------
  test(
    title('RFC 9111 §4.3.4 a 304 updates the stored headers and freshness; the body is kept'),
    async (t) => {
      const { server, clock, send } = await setup(t, RFC);
      server.route(
        'GET',
        '/v',
        validating(
          clock,
          { 'cache-control': 'max-age=10', 'x-version': '1' },
          { 'cache-control': 'max-age=100', 'x-version': '2' },
        ),
      );
      const first = await send('/v');
      clock.advance(20);
      const revalidated = await send('/v');
      t.true(revalidated.revalidated);
      t.is(revalidated.headers['x-version'], '2');
      t.is(countOf(revalidated), countOf(first));
      t.is(revalidated.headers['cache-status'], 'reqcache; fwd=stale; fwd-status=304');
      clock.advance(90);
      const hit = await send('/v');
      t.true(hit.fromCache);
      t.false(hit.revalidated);
      t.is(hit.headers['x-version'], '2');
      t.is(server.hits('/v'), 2);
    },
  );

  test(
    title(
      'RFC 9111 §4.3.4 a 304 with another ETag updates nothing: the request is sent again unconditionally',
    ),
    async (t) => {
      const { server, clock, send } = await setup(t, RFC);
      let count = 0;
      server.route('GET', '/other-etag', (req, res) => {
        if (req.headers['if-none-match'] !== undefined) {
          res.writeHead(304, { etag: '"v2"', 'cache-control': 'max-age=600' });
          res.end();
          return;
        }
        count++;
        res.writeHead(200, {
          'content-type': 'application/json',
          etag: `"v${count}"`,
          'cache-control': 'max-age=10',
        });
        res.end(JSON.stringify({ count }));
      });
      await send('/other-etag');
      clock.advance(20);
      const response = await send('/other-etag');
      t.is(response.status, 200);
      t.false(response.revalidated);
      t.is(countOf(response), 2);
      t.is(server.hits('/other-etag'), 3);
      t.is(server.requests.at(-1)?.headers['if-none-match'], undefined);
      t.true((await send('/other-etag')).fromCache);
    },
  );

  interface HeadRow {
    name: string;
    headHeaders: Headers;
    /** Whether the GET afterwards is served from the cache. */
    getFromCache: boolean;
    xMeta?: string;
  }
  const headRows: readonly HeadRow[] = [
    {
      name: 'matching ETag: the stored GET is freshened with the new headers',
      headHeaders: { etag: '"a"', 'cache-control': 'max-age=600', 'x-meta': '2' },
      getFromCache: true,
      xMeta: '2',
    },
    {
      name: 'another ETag: the stored GET becomes stale',
      headHeaders: { etag: '"b"', 'cache-control': 'max-age=600', 'x-meta': '2' },
      getFromCache: false,
    },
  ];
  for (const row of headRows) {
    test(title(`RFC 9111 §4.3.5 HEAD: ${row.name}`), async (t) => {
      const { server, clock, send } = await setup(t, RFC);
      server.route('GET', '/h', (req, res) => {
        if (req.method === 'HEAD') {
          res.writeHead(200, row.headHeaders);
          res.end();
          return;
        }
        res.writeHead(200, {
          'content-type': 'text/plain',
          etag: '"a"',
          'cache-control': 'max-age=60',
          'x-meta': '1',
        });
        res.end('body');
      });
      await send('/h');
      clock.advance(30);
      const head = await send('/h', { method: 'HEAD' });
      t.is(head.status, 200);
      clock.advance(40);
      const get = await send('/h');
      t.is(get.fromCache, row.getFromCache);
      if (row.xMeta !== undefined) t.is(get.headers['x-meta'], row.xMeta);
      t.is(get.text(), 'body');
    });
  }

  // ---- §4.4 invalidation ---------------------------------------------------------------------------
  interface InvalidationRow {
    name: string;
    method: string;
    status: number;
    /** Response headers of the unsafe request (paths are made absolute against the server). */
    headers?: Headers;
    /** The stored GET path checked afterwards. */
    checked: string;
    invalidated: boolean;
    options?: CacheOptions;
  }
  const invalidationRows: readonly InvalidationRow[] = [
    {
      name: 'POST 200 invalidates the target URI',
      method: 'POST',
      status: 200,
      checked: '/doc',
      invalidated: true,
    },
    {
      name: 'PUT 204 invalidates the target URI',
      method: 'PUT',
      status: 204,
      checked: '/doc',
      invalidated: true,
    },
    {
      name: 'PATCH 200 invalidates the target URI',
      method: 'PATCH',
      status: 200,
      checked: '/doc',
      invalidated: true,
    },
    {
      name: 'DELETE 200 invalidates the target URI',
      method: 'DELETE',
      status: 200,
      checked: '/doc',
      invalidated: true,
    },
    {
      name: 'POST 500 (an error) invalidates nothing',
      method: 'POST',
      status: 500,
      checked: '/doc',
      invalidated: false,
    },
    {
      name: 'POST 404 (an error) invalidates nothing',
      method: 'POST',
      status: 404,
      checked: '/doc',
      invalidated: false,
    },
    {
      name: 'POST 201 with a same-origin Location invalidates it',
      method: 'POST',
      status: 201,
      headers: { location: '/doc/1' },
      checked: '/doc/1',
      invalidated: true,
    },
    {
      name: 'PUT 200 with a same-origin Content-Location invalidates it',
      method: 'PUT',
      status: 200,
      headers: { 'content-location': '/doc/v2' },
      checked: '/doc/v2',
      invalidated: true,
    },
    {
      name: 'a Location on another origin is left alone',
      method: 'POST',
      status: 201,
      headers: { location: 'http://other.invalid/doc/1' },
      checked: '/doc/1',
      invalidated: false,
    },
    {
      name: 'the default mode (cacheControl: false) keeps requests-cache semantics: nothing invalidated',
      method: 'POST',
      status: 200,
      checked: '/doc',
      invalidated: false,
      options: { cacheControl: false },
    },
    {
      name: 'a POST that is itself cached (allowableMethods) still invalidates the GET',
      method: 'POST',
      status: 200,
      checked: '/doc',
      invalidated: true,
      options: { allowableMethods: ['GET', 'HEAD', 'POST'] },
    },
  ];
  for (const row of invalidationRows) {
    test(title(`RFC 9111 §4.4 ${row.name}`), async (t) => {
      const { server, clock, send } = await setup(t, { ...RFC, ...row.options });
      for (const path of ['/doc', '/doc/1', '/doc/v2']) {
        server.route('GET', path, fixed(clock, { 'cache-control': 'max-age=600' }));
      }
      server.route(row.method, '/doc', (_req, res) => {
        res.writeHead(row.status, { 'content-type': 'text/plain', ...row.headers });
        res.end(row.status === 204 ? undefined : 'done');
      });
      await send(row.checked);
      t.true((await send(row.checked)).fromCache);
      const unsafe = await send(
        '/doc',
        row.method === 'DELETE' ? { method: row.method } : { method: row.method, body: 'x' },
      );
      t.is(unsafe.status, row.status);
      const after = await send(row.checked);
      t.is(after.fromCache, !row.invalidated);
      t.is(server.hits(row.checked) - (row.checked === '/doc' ? 1 : 0), row.invalidated ? 2 : 1);
    });
  }

  // ---- §4.1 Vary -----------------------------------------------------------------------------------
  test(title('RFC 9111 §4.1 several variants of one URL are stored side by side'), async (t) => {
    const { server, send } = await setup(t, RFC);
    server.route('GET', '/lang', (req, res) => {
      res.writeHead(200, {
        'content-type': 'text/plain',
        vary: 'Accept-Language',
        'cache-control': 'max-age=600',
      });
      res.end(`hello ${req.headers['accept-language']}`);
    });
    const languages = ['en', 'fr', 'de', 'en', 'fr', 'de', 'en'];
    const bodies: string[] = [];
    for (const language of languages) {
      bodies.push((await send('/lang', { headers: { 'accept-language': language } })).text());
    }
    t.deepEqual(bodies, ['hello en', 'hello fr', 'hello de', 'hello en', 'hello fr', 'hello de', 'hello en']);
    t.is(server.hits('/lang'), 3);
    const other = await send('/lang', { headers: { 'accept-language': 'it' } });
    t.is(other.headers['cache-status'], 'reqcache; fwd=vary-miss; stored');
  });

  test(title('RFC 9111 §4.4 an unsafe request invalidates every stored variant of the URI'), async (t) => {
    const { server, send } = await setup(t, RFC);
    server.route('GET', '/lang', (req, res) => {
      res.writeHead(200, {
        'content-type': 'text/plain',
        vary: 'Accept-Language',
        'cache-control': 'max-age=600',
      });
      res.end(`hello ${req.headers['accept-language']}`);
    });
    server.route('POST', '/lang', (_req, res) => {
      res.writeHead(204);
      res.end();
    });
    for (const language of ['en', 'fr', 'de'])
      await send('/lang', { headers: { 'accept-language': language } });
    await send('/lang', { method: 'POST', body: 'x', headers: { 'accept-language': 'en' } });
    for (const language of ['en', 'fr', 'de']) {
      t.false((await send('/lang', { headers: { 'accept-language': language } })).fromCache, language);
    }
    t.is(server.hits('/lang'), 3 + 1 + 3);
  });

  interface VaryRow {
    name: string;
    vary: string;
    headers: Headers;
    options?: CacheOptions;
  }
  const neverMatching: readonly VaryRow[] = [
    { name: 'Vary: * never matches', vary: '*', headers: {} },
    { name: 'Vary: Accept, * never matches', vary: 'Accept, *', headers: { accept: 'text/plain' } },
    {
      name: 'a varied header in ignoredParameters never matches (requests-cache 1.3.2)',
      vary: 'Authorization',
      headers: { authorization: 'Bearer secret' },
    },
  ];
  for (const row of neverMatching) {
    test(title(`RFC 9111 §4.1 ${row.name}`), async (t) => {
      const { server, clock, send } = await setup(t, { ...RFC, ...row.options });
      server.route('GET', '/vary', fixed(clock, { vary: row.vary, 'cache-control': 'max-age=600' }));
      await send('/vary', { headers: row.headers });
      const again = await send('/vary', { headers: row.headers });
      t.false(again.fromCache);
      t.is(server.hits('/vary'), 2);
    });
  }

  // ---- redirects ---------------------------------------------------------------------------------
  test(
    title(
      redirectHops
        ? 'redirect chains: the response is found under the original URL, every hop and the final URL'
        : 'redirect chains: the response is found under the original URL and the final URL (hops unknown to this adapter)',
    ),
    async (t) => {
      // /get has no freshness: stale on arrival in RFC mode unless the user sets an expiration.
      const { server, send } = await setup(t, { ...RFC, expireAfter: 600 });
      const first = await send('/redirect/3');
      t.is(first.status, 200);
      t.is(server.totalHits(), 4);
      const paths = redirectHops
        ? ['/redirect/3', '/redirect/2', '/redirect/1', '/get']
        : ['/redirect/3', '/get'];
      for (const path of paths) {
        const again = await send(path);
        t.true(again.fromCache, path);
        t.is(again.cacheKey, first.cacheKey, path);
      }
      t.is(server.totalHits(), 4);
      if (!redirectHops) {
        // Not claimed: the intermediate hop goes to the origin.
        t.false((await send('/redirect/2')).fromCache);
      }
    },
  );

  // ---- RFC 9211 Cache-Status -----------------------------------------------------------------------
  test(
    title(
      'RFC 9211 Cache-Status: miss, hit, revalidated, bypass, only-if-cached, custom name, off by default',
    ),
    async (t) => {
      const { server, client, clock, send } = await setup(t, { cacheStatus: true, expireAfter: 60 });
      t.is((await send('/etag/cs')).headers['cache-status'], 'reqcache; fwd=miss; stored');
      t.is((await send('/etag/cs')).headers['cache-status'], 'reqcache; hit; ttl=60');
      clock.advance(61);
      t.is((await send('/etag/cs')).headers['cache-status'], 'reqcache; fwd=stale; fwd-status=304');
      t.is(
        (await send('/anything', { method: 'POST', body: 'x' })).headers['cache-status'],
        'reqcache; fwd=method',
      );
      t.is(
        (await send('/get', { cache: { disabled: true } })).headers['cache-status'],
        'reqcache; fwd=bypass',
      );
      t.is(
        (await send('/json', { cache: { onlyIfCached: true } })).headers['cache-status'],
        'reqcache; detail=only-if-cached',
      );
      t.is(
        (await send('/etag/cs', { cache: { forceRefresh: true } })).headers['cache-status'],
        'reqcache; fwd=request; stored',
      );
      client.settings.cacheStatus = 'edge';
      t.is((await send('/etag/cs')).headers['cache-status'], 'edge; hit; ttl=60');
      client.settings.cacheStatus = false;
      t.is((await send('/etag/cs')).headers['cache-status'], undefined);
      t.is(server.hits('/json'), 0);
    },
  );

  // ---- coalescing ----------------------------------------------------------------------------------
  test(title('200 concurrent identical requests: the origin sees one'), async (t) => {
    // /delay has no freshness: stale on arrival in RFC mode unless the user sets an expiration.
    const { server, send } = await setup(t, { ...RFC, expireAfter: 600 });
    const responses = await Promise.all(Array.from({ length: 200 }, () => send('/delay/50')));
    t.is(server.hits('/delay/50'), 1);
    const body = responses[0]?.text();
    t.true(responses.every((response) => response.status === 200 && response.text() === body));
    const statuses = responses.map((response) => response.headers['cache-status']);
    t.is(statuses.filter((status) => status === 'reqcache; fwd=miss; stored').length, 1);
    // The others waited for it (collapsed) or, on a slow store, looked up once it was stored (a hit).
    t.true(
      statuses.every(
        (status) =>
          status === 'reqcache; fwd=miss; stored' ||
          status === 'reqcache; fwd=miss; stored; collapsed' ||
          status?.startsWith('reqcache; hit') === true,
      ),
    );
    t.true((await send('/delay/50')).fromCache);
    t.is(server.hits('/delay/50'), 1);
  });

  test(title('concurrent identical revalidations become one conditional request'), async (t) => {
    const { server, clock, send } = await setup(t, RFC);
    let calls = 0;
    server.route('GET', '/slow-etag', async (req, res) => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (req.headers['if-none-match'] === '"s"') {
        res.writeHead(304, { etag: '"s"', 'cache-control': 'max-age=60' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain', etag: '"s"', 'cache-control': 'max-age=60' });
      res.end('slow');
    });
    await send('/slow-etag');
    clock.advance(61);
    const responses = await Promise.all(Array.from({ length: 50 }, () => send('/slow-etag')));
    t.is(calls, 2);
    t.true(responses.every((response) => response.status === 200 && response.text() === 'slow'));
  });

  test(title('concurrent identical requests: an origin failure reaches every one of them'), async (t) => {
    const { server, send } = await setup(t, RFC);
    server.route('GET', '/broken', async (req) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      req.socket.destroy();
    });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => send('/broken')));
    t.true(results.every((result) => result.status === 'rejected'));
    t.true(server.hits('/broken') >= 1);
  });
}
