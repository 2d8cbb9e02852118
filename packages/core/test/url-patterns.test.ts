import test from 'ava';
import fc from 'fast-check';
import { InvalidOptionError } from '../src/errors.js';
import { DO_NOT_CACHE, NEVER_EXPIRE, type ParsedExpireAfter } from '../src/expire-after.js';
import {
  type CompiledUrlPattern,
  compileGlob,
  compileUrlPatterns,
  matchUrlPattern,
  type UrlsExpireAfter,
} from '../src/url-patterns.js';

const HOUR = 3_600_000;
const relative = (ms: number): ParsedExpireAfter => ({ kind: 'relative', ms });
const never: ParsedExpireAfter = { kind: 'never' };
const doNotCache: ParsedExpireAfter = { kind: 'do-not-cache' };

function expirationFor(url: string, compiled: readonly CompiledUrlPattern[]): ParsedExpireAfter | undefined {
  return matchUrlPattern(url, compiled)?.expireAfter;
}

/** requests-cache tests/unit/policy/test_expiration.py::test_get_url_expiration */
const requestsCacheTable = compileUrlPatterns(
  new Map<string | RegExp, number>([
    ['*.site_1.com', 60 * 60],
    ['site_2.com/resource_1', 60 * 60 * 2],
    ['site_2.com/resource_2', 60 * 60 * 24],
    [/site_2\.com\/api\/resource\/\d+/, 60 * 60 * 24 * 7],
    ['site_2.com/static', NEVER_EXPIRE],
  ]),
);

const requestsCacheCases: [string, ParsedExpireAfter | undefined][] = [
  ['img.site_1.com', relative(HOUR)],
  ['http://img.site_1.com/base/img.jpg', relative(HOUR)],
  ['https://img.site_2.com/base/img.jpg', undefined],
  ['site_2.com/resource_1', relative(2 * HOUR)],
  ['http://site_2.com/resource_1/index.html', relative(2 * HOUR)],
  ['http://site_2.com/resource_2/', relative(24 * HOUR)],
  ['http://site_2.com/static/', never],
  ['http://site_2.com/api/resource/123', relative(7 * 24 * HOUR)],
  ['http://site_2.com/api/resource/xyz', undefined],
  ['http://site_2.com/static/img.jpg', never],
  ['site_2.com', undefined],
  ['some_other_site.com', undefined],
  ['', undefined],
];

for (const [url, expected] of requestsCacheCases) {
  test(`requests-cache table: ${JSON.stringify(url)}`, (t) => {
    t.deepEqual(expirationFor(url, requestsCacheTable), expected);
  });
}

/** requests-cache docs, "Expiration With URL Patterns" */
const docsTable = compileUrlPatterns({
  '*.site_1.com': 30,
  'site_2.com/resource_1': 60 * 2,
  'site_2.com/resource_2': 60 * 60 * 24,
  'site_2.com/static': NEVER_EXPIRE,
});

const docsCases: [string, ParsedExpireAfter | undefined][] = [
  ['https://img.site_1.com/a/b', relative(30_000)],
  ['https://site_1.com/a/b', undefined],
  ['https://site_2.com/resource_1', relative(120_000)],
  ['https://site_2.com/resource_1?page=2', relative(120_000)],
  ['https://site_2.com/resource_10', relative(120_000)],
  ['https://site_2.com/resource_2/x/y', relative(24 * HOUR)],
  ['ftp://site_2.com/static/a.png', never],
  ['https://SITE_2.com/static/a.png', undefined],
  ['https://other.com/site_2.com/static', undefined],
];

for (const [url, expected] of docsCases) {
  test(`docs table: ${JSON.stringify(url)}`, (t) => {
    t.deepEqual(expirationFor(url, docsTable), expected);
  });
}

/** requests-cache test_get_url_expiration__evaluation_order */
const orderTable = compileUrlPatterns({
  '*.site_1.com/resource': 60 * 60 * 2,
  '*.site_1.com': 60 * 60,
  '*': 1,
});

const orderCases: [string, ParsedExpireAfter][] = [
  ['https://img.site_1.com/image.jpeg', relative(HOUR)],
  ['https://img.site_1.com/resource/1', relative(2 * HOUR)],
  ['https://site_2.com', relative(1000)],
  ['https://any_other_site.com', relative(1000)],
];

for (const [url, expected] of orderCases) {
  test(`first match wins: ${JSON.stringify(url)}`, (t) => {
    t.deepEqual(expirationFor(url, orderTable), expected);
  });
}

test('allowlist idiom: everything not listed is DO_NOT_CACHE', (t) => {
  const compiled = compileUrlPatterns({ 'example.com/api': 60, '*': DO_NOT_CACHE });
  t.deepEqual(matchUrlPattern('https://example.com/api/users?id=1', compiled), {
    pattern: 'example.com/api',
    expireAfter: relative(60_000),
  });
  t.deepEqual(matchUrlPattern('https://example.com/other', compiled), {
    pattern: '*',
    expireAfter: doNotCache,
  });
  t.deepEqual(matchUrlPattern('http://cdn.net/x', compiled), { pattern: '*', expireAfter: doNotCache });
});

test('a RegExp is searched in the full URL, scheme included, and reported by String()', (t) => {
  const compiled = compileUrlPatterns(
    new Map<string | RegExp, string>([
      [/^https:\/\/api\.example\.com\//i, '5m'],
      ['api.example.com', '1h'],
    ]),
  );
  t.deepEqual(matchUrlPattern('HTTPS://API.example.com/v1', compiled), {
    pattern: '/^https:\\/\\/api\\.example\\.com\\//i',
    expireAfter: relative(300_000),
  });
  t.is(matchUrlPattern('http://api.example.com/v1', compiled)?.pattern, 'api.example.com');
});

test('global and sticky RegExps are matched statelessly', (t) => {
  const compiled = compileUrlPatterns(new Map([[/example/gy, 1]]));
  t.is(compiled[0]?.regex.flags, '');
  for (let i = 0; i < 3; i++) t.truthy(matchUrlPattern('example.com/x', compiled));
});

/**
 * [pattern, URL, matches] — requests-cache's url_match (scheme stripped, trailing '*' → '**', fnmatch's `*`)
 * through micromatch: where bash globs and Python's fnmatch differ (`[^a]`, `\\`, `(…|…)`), micromatch's
 * meaning is the one users get, as the README says.
 */
const globCases: [string, string, boolean][] = [
  // requests-cache url_match docstring
  ['httpbin.org/delay', 'https://httpbin.org/delay/1', true],
  ['httpbin.org/*/1', 'https://httpbin.org/stream/1', true],
  ['httpbin.org/*/1', 'https://httpbin.org/stream/2', false],
  // Prefix semantics
  ['site.com/resource', 'http://site.com/resource/anything?x=1', true],
  ['site.com/resource', 'https://site.com/resource', true],
  ['site.com/resource/', 'https://site.com/resource', false],
  ['site.com/resource', 'https://www.site.com/resource', false],
  ['site.com', 'https://site.com.evil.net/', true],
  // Scheme in the pattern is ignored
  ['https://site.com/a', 'http://site.com/a/b', true],
  ['http*://site.com/a', 'ftp://site.com/a', true],
  ['*://site.com/a', 'https://site.com/a', true],
  // '*' crosses '/', as in fnmatch
  ['*.site_1.com', 'img.site_1.com/a/b', true],
  ['*', 'https://anything/at/all?x', true],
  ['*****', 'https://x', true],
  ['a*b', 'https://a/x/y/b', true],
  ['site.com/*.json', 'https://site.com/a/b/c.json', true],
  ['site.com/*.json', 'https://site.com/a/b/c.jsonp', true],
  // Query string is part of the text
  ['site.com/search?q=', 'https://site.com/search?q=x', true],
  ['site.com/search?q=', 'https://site.com/searchXq=x', true],
  ['site.com/search[?]q=', 'https://site.com/searchXq=x', false],
  // '?' is one character
  ['site.com/v?/', 'https://site.com/v1/x', true],
  ['site.com/v?/', 'https://site.com/v10/x', false],
  ['site.com/v?/', 'https://site.com/v/x', false],
  ['site.com/v?/', 'https://site.com/v🙂/x', true],
  // Character sets
  ['site.com/v[12]/', 'https://site.com/v2/x', true],
  ['site.com/v[12]/', 'https://site.com/v3/x', false],
  ['site.com/v[!12]/', 'https://site.com/v3/x', true],
  ['site.com/v[!12]/', 'https://site.com/v1/x', false],
  ['site.com/v[0-9]/', 'https://site.com/v7/x', true],
  ['site.com/v[0-9]/', 'https://site.com/va/x', false],
  ['site.com/[a-]/', 'https://site.com/-/x', true],
  ['site.com/[-a]/', 'https://site.com/-/x', true],
  ['site.com/[]]/', 'https://site.com/]/x', true],
  ['site.com/[!]]/', 'https://site.com/]/x', false],
  ['site.com/[!]]/', 'https://site.com/a/x', true],
  ['site.com/[^a]/', 'https://site.com/^/x', true],
  ['site.com/[^a]/', 'https://site.com/b/x', true], // bash: '^' negates as '!' does (fnmatch: a literal '^')
  ['site.com/[^a]/', 'https://site.com/a/x', false],
  ['site.com/[[:digit:]]/', 'https://site.com/7/x', true],
  ['site.com/[[:digit:]]/', 'https://site.com/x/x', false],
  // '\\' escapes the next character (fnmatch has no escape)
  ['site.com/\\*/', 'https://site.com/*/x', true],
  ['site.com/\\*/', 'https://site.com/a/x', false],
  ['site.com/\\[v1]', 'https://site.com/[v1]', true],
  // An unclosed '[' is literal
  ['site.com/[v1', 'https://site.com/[v1/x', true],
  ['site.com/[v1', 'https://site.com/v1/x', false],
  // Regex metacharacters are literal
  ['site.com/a+b\\(c\\)\\|d{1}$^', 'https://site.com/a+b(c)|d{1}$^', true],
  // Braces, alternatives and extglobs (micromatch; fnmatch reads them literally)
  ['site.com/{v1,v2}/', 'https://site.com/v2/x', true],
  ['site.com/{v1,v2}/', 'https://site.com/v3/x', false],
  ['site.com/v{1..3}/', 'https://site.com/v3/x', true],
  ['site.com/v{1..3}/', 'https://site.com/v4/x', false],
  ['site.com/(a|b)/', 'https://site.com/b/x', true],
  ['site.com/@(a|b)/', 'https://site.com/c/x', false],
  ['site.com/+(ab)/', 'https://site.com/ababab/x', true],
  ['site.com/{api,static}/*.json', 'https://site.com/static/a/b.json', true],
  ['site.com/v*(0)1/', 'https://site.com/v0001/x', true], // *(…) is an extglob, not a star
  ['site.com/v*(0)1/', 'https://site.com/v0a1/x', false],
  ['x*+(ab)*abc', 'https://xababc', true], // a piece of varying length is not committed to its first match
  ['site.com/a+b', 'https://site.com/aab', false],
  ['site.com/a.b', 'https://site.com/aXb', false],
  // Case-sensitive
  ['Site.com', 'https://site.com/', false],
  ['site.com', 'https://site.com/PATH', true],
  // Newlines are ordinary characters
  ['site.com/a', 'https://site.com/a\nb', true],
  ['site.com/a?b', 'https://site.com/a\nb', true],
  // Only a leading scheme is stripped from the URL (requests-cache takes the text after the last '://')
  ['b.com/x', 'https://a.com/?next=http://b.com/x', false],
  ['a.com/', 'https://a.com/?next=http://b.com/x', true],
];

for (const [index, [pattern, url, expected]] of globCases.entries()) {
  test(`glob #${index}: ${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(url)}`, (t) => {
    const compiled = compileUrlPatterns({ [pattern]: 1 });
    t.is(matchUrlPattern(url, compiled) !== undefined, expected);
  });
}

test('globs with many stars do not backtrack exponentially', (t) => {
  const regex = compileGlob('*a*a*a*a*a*a*a*a*a*a*a*a*b');
  const started = performance.now();
  t.false(regex.test('a'.repeat(20_000)));
  t.true(performance.now() - started < 1000);
});

const invalidGlobs = ['site.com/[z-a]/', 'site.com/[!z-a]/', 'site.com/[xz-ab]/'];

for (const pattern of invalidGlobs) {
  test(`a set whose range runs backwards is rejected at construction: ${JSON.stringify(pattern)}`, (t) => {
    const error = t.throws(() => compileUrlPatterns({ 'ok.com': 1, [pattern]: 1 }), {
      instanceOf: InvalidOptionError,
    });
    t.is(error?.option, 'urlsExpireAfter key');
    t.is(error?.value, pattern);
    t.true(error?.cause instanceof SyntaxError);
  });
}

test('compileUrlPatterns keeps insertion order and validates values', (t) => {
  const compiled = compileUrlPatterns({ 'b.com': '1h', 'a.com': { minutes: 5 }, '*': 'never' });
  t.deepEqual(
    compiled.map(({ pattern, kind, expireAfter }) => ({ pattern, kind, expireAfter })),
    [
      { pattern: 'b.com', kind: 'glob', expireAfter: relative(HOUR) },
      { pattern: 'a.com', kind: 'glob', expireAfter: relative(300_000) },
      { pattern: '*', kind: 'glob', expireAfter: never },
    ],
  );
});

test('compileUrlPatterns(undefined) and empty inputs give no patterns', (t) => {
  t.deepEqual(compileUrlPatterns(undefined), []);
  t.deepEqual(compileUrlPatterns({}), []);
  t.deepEqual(compileUrlPatterns(new Map()), []);
  t.is(matchUrlPattern('https://x.com', []), undefined);
});

test('an invalid value names the option and the pattern', (t) => {
  const error = t.throws(() => compileUrlPatterns({ 'ok.com': 1, '*.example.com': 'tomorrow' }), {
    instanceOf: InvalidOptionError,
  });
  t.is(error?.option, 'urlsExpireAfter["*.example.com"]');
  t.is(error?.value, 'tomorrow');
});

test('an invalid value of a RegExp key names the RegExp, and a custom option name is used', (t) => {
  const error = t.throws(
    () => compileUrlPatterns(new Map([[/x\.com/, Number.NaN]]), 'session.urlsExpireAfter'),
    {
      instanceOf: InvalidOptionError,
    },
  );
  t.is(error?.option, 'session.urlsExpireAfter[/x\\.com/]');
});

const badContainers: unknown[] = [null, 'x', 60, ['*.com', 1], [['*.com', 1]], new Set(['*']), () => 1];

for (const [index, value] of badContainers.entries()) {
  test(`compileUrlPatterns rejects a non-object/Map #${index}`, (t) => {
    const error = t.throws(() => compileUrlPatterns(value as UrlsExpireAfter), {
      instanceOf: InvalidOptionError,
    });
    t.is(error?.option, 'urlsExpireAfter');
  });
}

test('compileUrlPatterns rejects Map keys that are neither strings nor RegExps', (t) => {
  const patterns = new Map<unknown, number>([[42, 1]]) as unknown as UrlsExpireAfter;
  const error = t.throws(() => compileUrlPatterns(patterns), { instanceOf: InvalidOptionError });
  t.is(error?.option, 'urlsExpireAfter key');
  t.is(error?.value, 42);
});

test('a glob without metacharacters behaves as a prefix of the scheme-less URL', (t) => {
  const safeText = fc.stringMatching(/^[a-z0-9./_=&-]{0,20}$/);
  fc.assert(
    fc.property(safeText, safeText, (prefix, rest) => {
      const compiled = compileUrlPatterns({ [prefix]: 1 });
      return (
        matchUrlPattern(`https://${prefix}${rest}`, compiled) !== undefined &&
        (prefix === '' || matchUrlPattern(`https://${rest}`, compiled) !== undefined) ===
          rest.startsWith(prefix)
      );
    }),
  );
  t.pass();
});

test('compiling and matching never throw anything but InvalidOptionError', (t) => {
  fc.assert(
    fc.property(fc.string(), fc.string(), (pattern, url) => {
      let compiled: CompiledUrlPattern[];
      try {
        compiled = compileUrlPatterns({ [pattern]: 1 });
      } catch (error) {
        return error instanceof InvalidOptionError;
      }
      const result = matchUrlPattern(url, compiled);
      return result === undefined || result.pattern === pattern;
    }),
    { numRuns: 2000 },
  );
  t.pass();
});
