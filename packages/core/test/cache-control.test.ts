import { isDeepStrictEqual } from 'node:util';
import test from 'ava';
import fc from 'fast-check';
import {
  type CacheDirectives,
  formatCacheControl,
  hasCacheControlDirective,
  MAX_DELTA_SECONDS,
  parseCacheControl,
} from '../src/cache-control.js';

const parsed: [string | readonly string[] | undefined | null, CacheDirectives][] = [
  // Missing and empty
  [undefined, {}],
  [null, {}],
  ['', {}],
  ['   ', {}],
  [',,, ,', {}],
  [[], {}],
  // Every known directive
  ['max-age=60', { maxAge: 60 }],
  ['s-maxage=120', { sMaxAge: 120 }],
  ['max-stale=5', { maxStale: 5 }],
  ['min-fresh=7', { minFresh: 7 }],
  ['stale-if-error=300', { staleIfError: 300 }],
  ['stale-while-revalidate=30', { staleWhileRevalidate: 30 }],
  ['no-cache', { noCache: true }],
  ['no-store', { noStore: true }],
  ['must-revalidate', { mustRevalidate: true }],
  ['proxy-revalidate', { proxyRevalidate: true }],
  ['private', { private: true }],
  ['public', { public: true }],
  ['immutable', { immutable: true }],
  ['only-if-cached', { onlyIfCached: true }],
  ['no-transform', { noTransform: true }],
  ['must-understand', { mustUnderstand: true }],
  // Lists, case, whitespace
  ['public, max-age=60', { public: true, maxAge: 60 }],
  ['PUBLIC, Max-Age=60', { public: true, maxAge: 60 }],
  ['  max-age=60 ,\tno-cache  ', { maxAge: 60, noCache: true }],
  ['max-age = 60', { maxAge: 60 }],
  [
    'max-age=60,must-revalidate,no-cache,only-if-cached',
    { maxAge: 60, mustRevalidate: true, noCache: true, onlyIfCached: true },
  ],
  [['max-age=60', 'no-store'], { maxAge: 60, noStore: true }],
  [['public', '', 'max-age=5, immutable'], { public: true, maxAge: 5, immutable: true }],
  // Unknown directives are ignored, whatever their syntax
  ['foo, bar=baz, max-age=60', { maxAge: 60 }],
  ['x-custom="a, max-age=1", max-age=60', { maxAge: 60 }],
  ['community="UCI"', {}],
  // Quoted values
  ['max-age="60"', { maxAge: 60 }],
  ['no-cache="Set-Cookie"', { noCache: ['set-cookie'] }],
  ['no-cache=Set-Cookie', { noCache: ['set-cookie'] }],
  ['no-cache="Set-Cookie, Foo", max-age=10', { noCache: ['set-cookie', 'foo'], maxAge: 10 }],
  ['private="Authorization,  X-Token ,"', { private: ['authorization', 'x-token'] }],
  ['no-cache="a\\-b"', { noCache: ['a-b'] }],
  ['no-cache=""', { noCache: true }],
  ['no-cache="Set Cookie"', { noCache: true }],
  ['no-cache="a", no-cache="b, a"', { noCache: ['a', 'b'] }],
  ['no-cache="a", no-cache', { noCache: true }],
  ['no-cache, no-cache="a"', { noCache: true }],
  // delta-seconds validity
  ['max-age=0', { maxAge: 0 }],
  ['max-age=007', { maxAge: 7 }],
  ['max-age=-1', {}],
  ['max-age=+1', {}],
  ['max-age=1.5', {}],
  ['max-age=1e3', {}],
  ['max-age=0x10', {}],
  ['max-age=abc', {}],
  ['max-age=', {}],
  ['max-age', {}],
  ['max-age=""', {}],
  ['max-age=" 60"', {}],
  ['max-age=60 junk', {}],
  ['max-age 60', {}],
  ['max-age=2147483647', { maxAge: 2147483647 }],
  ['max-age=2147483648', { maxAge: MAX_DELTA_SECONDS }],
  ['max-age=2147483649', { maxAge: MAX_DELTA_SECONDS }],
  ['max-age=99999999999999999999999999999999', { maxAge: MAX_DELTA_SECONDS }],
  ['s-maxage=9999999999', { sMaxAge: MAX_DELTA_SECONDS }],
  // Value-less and valued forms
  ['max-stale', { maxStale: Number.POSITIVE_INFINITY }],
  ['max-stale=', {}],
  ['max-stale=abc', {}],
  ['stale-if-error', {}],
  ['stale-while-revalidate', {}],
  ['min-fresh', {}],
  ['s-maxage', {}],
  ['no-store=1', { noStore: true }],
  ['no-store junk', { noStore: true }],
  ['immutable="yes"', { immutable: true }],
  // Duplicates: first valid wins, conflicting max-age is stale
  ['max-age=60, max-age=60', { maxAge: 60 }],
  ['max-age=60, max-age=30', { maxAge: 0 }],
  ['max-age=60, max-age=30, max-age=60', { maxAge: 0 }],
  [['max-age=60', 'max-age=3600'], { maxAge: 0 }],
  ['max-age=abc, max-age=60', { maxAge: 60 }],
  ['max-age=60, max-age=abc', { maxAge: 60 }],
  ['s-maxage=10, s-maxage=20', { sMaxAge: 10 }],
  ['max-stale=5, max-stale', { maxStale: 5 }],
  ['max-stale, max-stale=5', { maxStale: Number.POSITIVE_INFINITY }],
  ['stale-if-error=1, stale-if-error=2', { staleIfError: 1 }],
  ['stale-while-revalidate=x, stale-while-revalidate=2', { staleWhileRevalidate: 2 }],
  // Malformed input never throws
  ['=', {}],
  ['=60, max-age=5', { maxAge: 5 }],
  ['max-age="60', {}],
  ['no-cache="Set-Cookie, max-age=5', { noCache: true }],
  ['no-cache="a\\', { noCache: true }],
  ['"max-age=5", public', { public: true }],
  ['max-age=5"x", public', { public: true }],
  ['"unterminated, max-age=5', {}],
  ['\u0000\u00ff\uffff, no-store', { noStore: true }],
  ['max-age=6\u00a00', {}],
  ['constructor, __proto__=1, toString, max-age=1', { maxAge: 1 }],
];

for (const [index, [header, expected]] of parsed.entries()) {
  test(`#${index}: parseCacheControl(${JSON.stringify(header)})`, (t) => {
    t.deepEqual(parseCacheControl(header), expected);
  });
}

test('parseCacheControl sets only the keys that are present', (t) => {
  t.deepEqual(Object.keys(parseCacheControl('max-age=60, public')), ['maxAge', 'public']);
  t.false('noCache' in parseCacheControl('max-age=60'));
});

test('parseCacheControl does not share field lists between results', (t) => {
  const first = parseCacheControl('no-cache="a"');
  (first.noCache as string[]).push('b');
  t.deepEqual(parseCacheControl('no-cache="a"'), { noCache: ['a'] });
});

const formatted: [CacheDirectives, string][] = [
  [{}, ''],
  [{ public: true, maxAge: 60 }, 'max-age=60, public'],
  [{ maxStale: Number.POSITIVE_INFINITY }, 'max-stale'],
  [{ maxStale: 10 }, 'max-stale=10'],
  [{ noCache: ['set-cookie', 'foo'] }, 'no-cache="set-cookie, foo"'],
  [{ private: true, noStore: true }, 'no-store, private'],
  [{ maxAge: 1.9 }, 'max-age=1'],
  [{ maxAge: -5 }, 'max-age=0'],
  [{ maxAge: 1e20 }, `max-age=${MAX_DELTA_SECONDS}`],
  [{ maxAge: Number.NaN }, ''],
  [
    {
      mustUnderstand: true,
      noTransform: true,
      onlyIfCached: true,
      immutable: true,
      public: true,
      private: ['x'],
      proxyRevalidate: true,
      mustRevalidate: true,
      noStore: true,
      noCache: true,
      staleWhileRevalidate: 6,
      staleIfError: 5,
      minFresh: 4,
      maxStale: 3,
      sMaxAge: 2,
      maxAge: 1,
    },
    'max-age=1, s-maxage=2, max-stale=3, min-fresh=4, stale-if-error=5, stale-while-revalidate=6, no-cache, ' +
      'no-store, must-revalidate, proxy-revalidate, private="x", public, immutable, only-if-cached, ' +
      'no-transform, must-understand',
  ],
];

for (const [index, [directives, expected]] of formatted.entries()) {
  test(`#${index}: formatCacheControl(${JSON.stringify(directives)})`, (t) => {
    t.is(formatCacheControl(directives), expected);
  });
}

const has: [string | readonly string[] | undefined, string, boolean][] = [
  ['public, max-age=60', 'max-age', true],
  ['Public, X-Custom=1', 'x-custom', true],
  ['public', 'PUBLIC', true],
  [['a', 'b="x, c"'], 'b', true],
  [['a', 'b="x, c"'], 'c', false],
  ['no-cache', 'no-store', false],
  [undefined, 'public', false],
];

for (const [index, [header, name, expected]] of has.entries()) {
  test(`#${index}: hasCacheControlDirective(${JSON.stringify(header)}, ${name})`, (t) => {
    t.is(hasCacheControlDirective(header, name), expected);
  });
}

const directiveArbitrary: fc.Arbitrary<CacheDirectives> = (() => {
  const seconds = fc.integer({ min: 0, max: MAX_DELTA_SECONDS });
  const fieldNames = fc.uniqueArray(fc.stringMatching(/^[a-z0-9!#$%&'*+.^_`|~-]{1,12}$/), {
    minLength: 1,
    maxLength: 4,
  });
  const fieldList = fc.oneof(fc.constant(true as const), fieldNames);
  return fc.record(
    {
      maxAge: seconds,
      sMaxAge: seconds,
      maxStale: fc.oneof(seconds, fc.constant(Number.POSITIVE_INFINITY)),
      minFresh: seconds,
      staleIfError: seconds,
      staleWhileRevalidate: seconds,
      noCache: fieldList,
      noStore: fc.constant(true as const),
      mustRevalidate: fc.constant(true as const),
      proxyRevalidate: fc.constant(true as const),
      private: fieldList,
      public: fc.constant(true as const),
      immutable: fc.constant(true as const),
      onlyIfCached: fc.constant(true as const),
      noTransform: fc.constant(true as const),
      mustUnderstand: fc.constant(true as const),
    },
    { requiredKeys: [], noNullPrototype: true },
  );
})();

test('parseCacheControl(formatCacheControl(d)) round-trips', (t) => {
  fc.assert(
    fc.property(directiveArbitrary, (directives) =>
      isDeepStrictEqual(parseCacheControl(formatCacheControl(directives)), directives),
    ),
  );
  t.pass();
});

test('parseCacheControl never throws and returns an object on any string', (t) => {
  fc.assert(
    fc.property(
      fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })),
      (value) => {
        const result = parseCacheControl(value);
        return typeof result === 'object' && result !== null;
      },
    ),
    { numRuns: 2000 },
  );
  t.pass();
});

test('parseCacheControl never throws on near-miss headers', (t) => {
  const piece = fc.constantFrom(
    'max-age',
    'no-cache',
    'max-stale',
    'private',
    'no-store',
    'foo',
    '=',
    '"',
    '\\',
    ',',
    ' ',
    '\t',
    '60',
    '-1',
    '99999999999',
    'Set-Cookie',
  );
  fc.assert(
    fc.property(
      fc.array(
        fc.array(piece, { maxLength: 12 }).map((p) => p.join('')),
        { maxLength: 3 },
      ),
      (lines) => {
        const result = parseCacheControl(lines.length === 1 ? lines[0] : lines);
        if (typeof result !== 'object' || result === null) return false;
        for (const value of Object.values(result)) {
          if (
            typeof value === 'number' &&
            !(value >= 0 && (value <= MAX_DELTA_SECONDS || value === Infinity))
          ) {
            return false;
          }
        }
        return true;
      },
    ),
    { numRuns: 2000 },
  );
  t.pass();
});
