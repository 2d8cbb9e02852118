import test from 'ava';
import fc from 'fast-check';
import {
  createKey,
  type KeyOptions,
  type KeyRequest,
  normalizeBody,
  normalizeHeaders,
  normalizeUrl,
} from '../src/key.js';
import { REDACTED } from '../src/redact.js';

const DEFAULT_IGNORED = [
  'Authorization',
  'Proxy-Authorization',
  'X-API-Key',
  'X-Auth-Token',
  'X-API-Token',
  'X-Access-Token',
  'access_token',
  'api_key',
  'apikey',
] as const;

const OPTIONS: KeyOptions = { ignoredParameters: DEFAULT_IGNORED, matchHeaders: false };

function request(partial: Partial<KeyRequest> & { url: string }): KeyRequest {
  return { method: 'GET', headers: {}, ...partial };
}

function key(partial: Partial<KeyRequest> & { url: string }, options: Partial<KeyOptions> = {}): string {
  return createKey(request(partial), { ...OPTIONS, ...options });
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

// ---------------------------------------------------------------------------------------------------------
// normalizeUrl

const URL_CASES: readonly (readonly [input: string, expected: string])[] = [
  ['HTTPS://Example.COM:443/a/../b/./c?b=2&a=1&a=0#frag', 'https://example.com/b/c?a=0&a=1&b=2'],
  ['http://example.com', 'http://example.com/'],
  ['http://example.com:80/x', 'http://example.com/x'],
  ['http://example.com:8080/x', 'http://example.com:8080/x'],
  ['https://example.com/?', 'https://example.com/'],
  ['https://example.com/?&', 'https://example.com/'],
  ['https://example.com/x?a=1&', 'https://example.com/x?a=1'],
  ['https://example.com/x?&&a=1&&', 'https://example.com/x?a=1'],
  ['https://example.com/x#only-fragment', 'https://example.com/x'],
  ['https://example.com/x?#', 'https://example.com/x'],
  ['https://example.com/x?q=a+b', 'https://example.com/x?q=a%20b'],
  ['https://example.com/x?q=a%20b', 'https://example.com/x?q=a%20b'],
  ['https://example.com/x?q=a%2Bb', 'https://example.com/x?q=a%2Bb'],
  ['https://example.com/x?q=a%2bb', 'https://example.com/x?q=a%2Bb'],
  ['https://example.com/x?flag', 'https://example.com/x?flag='],
  ['https://example.com/x?a=&flag', 'https://example.com/x?a=&flag='],
  ['https://example.com/x?a=2&a=1&a=2', 'https://example.com/x?a=1&a=2&a=2'],
  ['https://example.com/x?z=%7e&%7E=z', 'https://example.com/x?z=~&~=z'],
  ['https://example.com/x?a=%zz', 'https://example.com/x?a=%25zz'],
  ['https://example.com/x?a=%FF', 'https://example.com/x?a=%EF%BF%BD'],
  ['https://example.com/x?a=é', 'https://example.com/x?a=%C3%A9'],
  ['https://example.com/x?a=b=c', 'https://example.com/x?a=b%3Dc'],
  ["https://example.com/x?a='", "https://example.com/x?a='"],
  ['https://example.com/x?b=1&B=1&a=1', 'https://example.com/x?B=1&a=1&b=1'],
  ['https://example.com/x?api_key=secret&q=1', 'https://example.com/x?api_key=REDACTED&q=1'],
  ['https://example.com/x?API_KEY=secret', 'https://example.com/x?API_KEY=REDACTED'],
  ['https://example.com/x?api_key', 'https://example.com/x?api_key=REDACTED'],
  ['https://example.com/%7euser/%41%2f%2e%2E/x', 'https://example.com/~user/A%2F../x'],
  ['https://example.com/a%/b%4/%a%41', 'https://example.com/a%25/b%254/%25aA'],
  ['https://example.com/a%2eb/%e2%82%ac', 'https://example.com/a.b/%E2%82%AC'],
  ['https://example.com/a b/ü', 'https://example.com/a%20b/%C3%BC'],
  ['https://example.com/A/B', 'https://example.com/A/B'],
  ['https://example.com//double//slash', 'https://example.com//double//slash'],
  ['http://Bücher.example/x', 'http://xn--bcher-kva.example/x'],
  ['http://xn--bcher-kva.example/x', 'http://xn--bcher-kva.example/x'],
  ['http://127.1/x', 'http://127.0.0.1/x'],
  ['http://127.0.0.1:3000/x', 'http://127.0.0.1:3000/x'],
  ['http://[::1]:8080/x', 'http://[::1]:8080/x'],
  ['https://User:Pass@example.com/', 'https://User:Pass@example.com/'],
  ['ws://example.com:80/socket', 'ws://example.com/socket'],
  // Not parsable by WHATWG URL: used as is (documented fallback).
  ['/relative/path?b=1&a=2', '/relative/path?b=1&a=2'],
  ['not a url', 'not a url'],
  ['http://exa mple.com/', 'http://exa mple.com/'],
  ['', ''],
];

for (const [input, expected] of URL_CASES) {
  test(`normalizeUrl(${JSON.stringify(input)})`, (t) => {
    const normalized = normalizeUrl(input, DEFAULT_IGNORED);
    t.is(normalized, expected);
    t.is(normalizeUrl(normalized, DEFAULT_IGNORED), normalized, 'idempotent');
  });
}

test('normalizeUrl returns canonical URLs unchanged (fast path) and agrees with WHATWG on them', (t) => {
  for (const url of [
    'https://example.com/',
    'https://api.example.com/v1/users/42',
    'http://localhost:3000/a-b_c.d~e/f;g=h',
    'https://example.com/a/.hidden/..x',
  ]) {
    t.is(normalizeUrl(url, []), url);
    t.is(new URL(url).href, url);
  }
});

test('normalizeUrl redacts with the REDACTED constant of redact.ts', (t) => {
  t.is(normalizeUrl('https://example.com/?apikey=1', ['apikey']), `https://example.com/?apikey=${REDACTED}`);
});

// ---------------------------------------------------------------------------------------------------------
// createKey: equivalences and differences (ported from requests-cache's test_cache_keys / test_session)

test('createKey is 64 lower-case hex characters', (t) => {
  t.regex(key({ url: 'https://example.com' }), /^[0-9a-f]{64}$/);
});

test('createKey is stable across processes and releases (golden value)', (t) => {
  // Changing this value invalidates every stored cache: only do it on purpose, with the key format tag.
  t.is(
    key({ url: 'https://example.com/text' }),
    createKey(
      { method: 'get', url: 'HTTPS://EXAMPLE.COM:443/text#x', headers: {} },
      { ignoredParameters: [], matchHeaders: false },
    ),
  );
  t.is(key({ url: 'https://example.com/text' }), GOLDEN_KEY);
});

const GOLDEN_KEY = 'd03a78aa977902f0d9fbebfac64cddca3055bb03806bf850803d743597c51e16';

const SAME_KEY_GROUPS: readonly (readonly [title: string, requests: readonly KeyRequest[]])[] = [
  [
    'URL variants (requests-cache: 11 variants, one key)',
    [
      'https://example.com?foo=bar&param=1',
      'https://example.com/?foo=bar&param=1',
      'https://example.com?foo=bar&param=1&',
      'https://example.com?param=1&foo=bar',
      'https://example.com:443/?param=1&foo=bar',
      'HTTPS://EXAMPLE.COM/?param=1&foo=bar',
      'https://example.com/?&foo=bar&&param=1',
      'https://example.com/./?foo=bar&param=1',
      'https://example.com/a/..?foo=bar&param=1',
      'https://example.com/?foo=bar&param=1#section',
      'https://example.com/?f%6Fo=b%61r&param=%31',
      ' https://example.com/?foo=bar&param=1 ',
    ].map((url) => request({ url })),
  ],
  [
    'key-only params in any order',
    [request({ url: 'https://example.com/?a&b' }), request({ url: 'https://example.com/?b&a' })],
  ],
  [
    'key-only param and blank value',
    [request({ url: 'https://example.com/?flag' }), request({ url: 'https://example.com/?flag=' })],
  ],
  [
    '`+` and `%20` in the query',
    [request({ url: 'https://example.com/?q=a+b' }), request({ url: 'https://example.com/?q=a%20b' })],
  ],
  [
    'fragment dropped',
    [request({ url: 'https://example.com/x' }), request({ url: 'https://example.com/x#top' })],
  ],
  [
    'method case',
    [
      request({ url: 'https://example.com/', method: 'get' }),
      request({ url: 'https://example.com/', method: 'GET' }),
      request({ url: 'https://example.com/', method: 'Get' }),
    ],
  ],
  [
    'no body, empty string body, empty bytes body',
    [
      request({ url: 'https://example.com/', method: 'POST' }),
      request({ url: 'https://example.com/', method: 'POST', body: '' }),
      request({ url: 'https://example.com/', method: 'POST', body: new Uint8Array() }),
    ],
  ],
  [
    'ignored query param value (any case)',
    [
      request({ url: 'https://example.com/?q=1&api_key=one' }),
      request({ url: 'https://example.com/?q=1&api_key=two' }),
      request({ url: 'https://example.com/?api_key=&q=1' }),
      request({ url: 'https://example.com/?api_key&q=1' }),
    ],
  ],
  ['JSON body key order', jsonPosts(['{"a":1,"b":2}', '{"b":2,"a":1}', '{ "b" : 2 ,\n "a" : 1 }'])],
  [
    'nested JSON body key order',
    jsonPosts(['{"x":{"a":1,"b":{"d":4,"c":3}}}', '{"x":{"b":{"c":3,"d":4},"a":1}}']),
  ],
  ['JSON number spellings of one value', jsonPosts(['{"n":100}', '{"n":1e2}', '{"n":100.0}', '{"n":1E+2}'])],
  ['JSON string escapes', jsonPosts(['{"s":"A\\u00e9"}', '{"s":"Aé"}', '{"\\u0073":"Aé"}'])],
  [
    'JSON content types',
    [
      'application/json',
      'application/json; charset=utf-8',
      'Application/JSON',
      'application/vnd.api+json',
      'application/ld+json',
      'application/x-json-stream',
      'text/x-custom+json',
    ].map((type) =>
      request({
        url: 'https://example.com/',
        method: 'POST',
        headers: { 'content-type': type },
        body: '{"b":1,"a":2}',
      }),
    ),
  ],
  [
    'ignored JSON field, any depth, any case',
    jsonPosts([
      '{"user":"u","API_KEY":"one","nested":{"Access_Token":"x","list":[{"apikey":1}]}}',
      '{"nested":{"list":[{"apikey":{"a":2}}],"Access_Token":null},"API_KEY":"two","user":"u"}',
    ]),
  ],
  [
    'form body order, encodings and ignored fields',
    ['a=1&b=hello+world&api_key=one', 'b=hello%20world&api_key=two&a=1', 'api_key=&a=%31&b=hello+world&'].map(
      (body) =>
        request({
          url: 'https://example.com/',
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
          body,
        }),
    ),
  ],
  [
    'string and bytes bodies with the same UTF-8 content',
    [
      ...['text/plain', 'application/octet-stream'].flatMap((type) => [
        request({
          url: 'https://example.com/',
          method: 'POST',
          headers: { 'content-type': type },
          body: 'héllo ✓',
        }),
        request({
          url: 'https://example.com/',
          method: 'POST',
          headers: { 'content-type': type },
          body: utf8('héllo ✓'),
        }),
      ]),
      request({ url: 'https://example.com/', method: 'POST', body: 'héllo ✓' }),
    ],
  ],
  [
    'string and bytes JSON bodies',
    [...jsonPosts(['{"b":1,"a":"é"}']), ...jsonPosts([utf8('{"a":"é","b":1}')])],
  ],
  ['invalid JSON: string and bytes', [...jsonPosts(['{"a":1,']), ...jsonPosts([utf8('{"a":1,')])]],
  [
    'headers ignored when matchHeaders is false',
    [
      request({ url: 'https://example.com/', headers: { accept: 'text/html' } }),
      request({ url: 'https://example.com/', headers: { accept: 'application/json', 'user-agent': 'x' } }),
    ],
  ],
];

function jsonPosts(bodies: readonly (string | Uint8Array)[]): KeyRequest[] {
  return bodies.map((body) =>
    request({
      url: 'https://example.com/api',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    }),
  );
}

for (const [title, requests] of SAME_KEY_GROUPS) {
  test(`same key: ${title}`, (t) => {
    const keys = requests.map((r) => createKey(r, OPTIONS));
    t.deepEqual(new Set(keys).size, 1, JSON.stringify(keys));
  });
}

const DIFFERENT_KEY_GROUPS: readonly (readonly [title: string, requests: readonly KeyRequest[]])[] = [
  [
    'duplicate params, blank values, key-only params',
    [
      'https://example.com/?a=1',
      'https://example.com/?a=1&a=1',
      'https://example.com/?a=1&a=2',
      'https://example.com/?a=1&b=',
      'https://example.com/?a=1&B=',
      'https://example.com/',
    ].map((url) => request({ url })),
  ],
  [
    '`%2B` is a literal plus',
    [request({ url: 'https://example.com/?q=a+b' }), request({ url: 'https://example.com/?q=a%2Bb' })],
  ],
  [
    'scheme, host, port, path case',
    [
      'https://example.com/a',
      'http://example.com/a',
      'https://example.com:8443/a',
      'https://www.example.com/a',
      'https://example.com/A',
      'https://example.com/a/',
      'https://example.com/a%2Fb',
      'https://example.com/a/b',
    ].map((url) => request({ url })),
  ],
  [
    'method',
    ['GET', 'HEAD', 'POST', 'OPTIONS'].map((method) => request({ url: 'https://example.com/', method })),
  ],
  [
    'ignored query param present or absent',
    [request({ url: 'https://example.com/?q=1' }), request({ url: 'https://example.com/?q=1&api_key=x' })],
  ],
  ['JSON arrays are order-sensitive', jsonPosts(['{"a":[1,2]}', '{"a":[2,1]}', '[1,2]', '[2,1]'])],
  [
    'JSON values',
    jsonPosts(['{"a":1}', '{"a":"1"}', '{"a":1.5}', '{"a":null}', '{"a":true}', '{"a":{}}', '{"a":[]}']),
  ],
  [
    'JSON numbers a double cannot hold are not merged',
    jsonPosts([
      '{"id":12345678901234567890}',
      '{"id":12345678901234567891}',
      '{"x":1e400}',
      '{"x":2e400}',
      '{"x":0.10000000000000000001}',
      '{"x":0.1}',
      '{"x":1e-400}',
      '{"x":0}',
    ]),
  ],
  [
    'ignored JSON field present or absent',
    jsonPosts(['{"q":1}', '{"q":1,"api_key":"x"}', '{"q":1,"nested":{"api_key":"x"}}']),
  ],
  [
    'raw bodies are not normalized',
    ['key_1=v1,key_2=v2', 'key_2=v2,key_1=v1'].map((body) =>
      request({
        url: 'https://example.com/',
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body,
      }),
    ),
  ],
  [
    'form body without form content type is raw',
    [
      request({ url: 'https://example.com/', method: 'POST', body: 'a=1&b=2' }),
      request({ url: 'https://example.com/', method: 'POST', body: 'b=2&a=1' }),
    ],
  ],
  [
    'JSON body without JSON content type is raw',
    [
      request({
        url: 'https://example.com/',
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: '{"a":1,"b":2}',
      }),
      request({
        url: 'https://example.com/',
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: '{"b":2,"a":1}',
      }),
    ],
  ],
  [
    'form: `+` vs `%2B`, duplicates',
    ['q=a+b', 'q=a%2Bb', 'q=a+b&q=a+b'].map((body) =>
      request({
        url: 'https://example.com/',
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      }),
    ),
  ],
  [
    'bodies differ',
    ['a', 'b', 'ab'].map((body) => request({ url: 'https://example.com/', method: 'POST', body })),
  ],
];

for (const [title, requests] of DIFFERENT_KEY_GROUPS) {
  test(`different keys: ${title}`, (t) => {
    const keys = requests.map((r) => createKey(r, OPTIONS));
    t.is(new Set(keys).size, keys.length);
  });
}

test('parts cannot run into each other', (t) => {
  const a = createKey(
    { method: 'GET', url: 'x', headers: {} },
    { ignoredParameters: [], matchHeaders: false, serializerName: 'ab' },
  );
  const b = createKey(
    { method: 'GET', url: 'xa', headers: {} },
    { ignoredParameters: [], matchHeaders: false, serializerName: 'b' },
  );
  const c = createKey(
    { method: 'GETx', url: '', headers: {} },
    { ignoredParameters: [], matchHeaders: false, serializerName: 'ab' },
  );
  const d = createKey(
    { method: 'POST', url: 'x', headers: {}, body: '\n' },
    { ignoredParameters: [], matchHeaders: false, serializerName: '' },
  );
  const e = createKey(
    { method: 'POST', url: 'x', headers: {} },
    { ignoredParameters: [], matchHeaders: false, serializerName: '\n' },
  );
  t.is(new Set([a, b, c, d, e]).size, 5);
});

test('serializer name is part of the key', (t) => {
  const url = 'https://example.com/';
  t.not(key({ url }, { serializerName: 'json' }), key({ url }, { serializerName: 'pickle' }));
  t.not(key({ url }, { serializerName: 'json' }), key({ url }));
  t.is(key({ url }, { serializerName: '' }), key({ url }));
});

test('JSON bodies over 10 MiB are hashed raw', (t) => {
  const filler = 'x'.repeat(10 * 1024 * 1024);
  const ab = `{"a":1,"b":"${filler}"}`;
  const ba = `{"b":"${filler}","a":1}`;
  t.is(normalizeBody(ab, 'application/json', []), ab);
  t.not(
    key({ url: 'https://e.com/', method: 'POST', headers: { 'content-type': 'application/json' }, body: ab }),
    key({ url: 'https://e.com/', method: 'POST', headers: { 'content-type': 'application/json' }, body: ba }),
  );
  const small = `{"b":"${'é'.repeat(1000)}","a":1}`;
  t.is(normalizeBody(small, 'application/json', []), `{"a":1,"b":"${'é'.repeat(1000)}"}`);
});

// ---------------------------------------------------------------------------------------------------------
// matchHeaders

test('matchHeaders true: every header counts, values normalized, ignored ones by presence only', (t) => {
  const url = 'https://example.com/';
  const all = { matchHeaders: true } as const;
  t.not(
    key({ url, headers: { accept: 'text/html' } }, all),
    key({ url, headers: { accept: 'application/json' } }, all),
  );
  t.not(key({ url, headers: { accept: 'text/html' } }, all), key({ url, headers: {} }, all));
  t.not(key({ url, headers: { 'user-agent': 'a' } }, all), key({ url, headers: { 'user-agent': 'b' } }, all));
  t.is(
    key({ url, headers: { 'accept-encoding': 'gzip,deflate', accept: '*/*' } }, all),
    key({ url, headers: { accept: '*/*', 'accept-encoding': 'dEfLaTe,  GZIP, ' } }, all),
  );
  t.is(
    key({ url, headers: { authorization: 'Bearer one' } }, all),
    key({ url, headers: { authorization: 'Bearer two' } }, all),
  );
  t.not(key({ url, headers: { authorization: 'Bearer one' } }, all), key({ url, headers: {} }, all));
  t.not(
    key({ url, headers: { 'x-single': 'Value' } }, all),
    key({ url, headers: { 'x-single': 'value' } }, all),
  );
});

test('matchHeaders list: only listed headers count, case-insensitively', (t) => {
  const url = 'https://example.com/';
  const list = { matchHeaders: ['Accept', 'X-API-KEY'] } as const;
  t.not(
    key({ url, headers: { accept: 'text/html' } }, list),
    key({ url, headers: { accept: 'text/plain' } }, list),
  );
  t.is(
    key({ url, headers: { accept: 'text/html', 'user-agent': 'a' } }, list),
    key({ url, headers: { accept: 'text/html', 'user-agent': 'b' } }, list),
  );
  t.is(key({ url, headers: { 'x-api-key': '1' } }, list), key({ url, headers: { 'x-api-key': '2' } }, list));
  t.not(key({ url, headers: { 'x-api-key': '1' } }, list), key({ url, headers: {} }, list));
  t.is(key({ url, headers: { accept: 'a' } }, { matchHeaders: [] }), key({ url }));
});

test('matchHeaders false: headers never count', (t) => {
  const url = 'https://example.com/';
  t.is(key({ url, headers: { accept: 'text/html', authorization: 'x' } }), key({ url }));
});

const HEADER_CASES: readonly (readonly [
  title: string,
  headers: Record<string, string>,
  match: boolean | readonly string[],
  expected: string,
])[] = [
  ['false', { accept: 'a' }, false, ''],
  ['true, sorted', { b: '2', a: '1', c: '3' }, true, 'a=1\nb=2\nc=3'],
  ['list', { b: '2', a: '1', c: '3' }, ['C', 'a', 'missing'], 'a=1\nc=3'],
  ['empty list', { a: '1' }, [], ''],
  ['none present', {}, true, ''],
  [
    'multi-value',
    { 'accept-encoding': 'gzip,  deflate,Venmo,  PayPal, ' },
    true,
    'accept-encoding=deflate, gzip, paypal, venmo',
  ],
  ['single value keeps case', { 'x-token-hint': 'AbC' }, true, 'x-token-hint=AbC'],
  [
    'ignored, any case',
    { authorization: 'Bearer x', 'X-Api-Key': 'k' },
    true,
    'authorization=REDACTED\nx-api-key=REDACTED',
  ],
];

for (const [title, headers, match, expected] of HEADER_CASES) {
  test(`normalizeHeaders: ${title}`, (t) => {
    t.is(normalizeHeaders(headers, match, DEFAULT_IGNORED), expected);
  });
}

// ---------------------------------------------------------------------------------------------------------
// normalizeBody

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

const BODY_CASES: readonly (readonly [
  title: string,
  body: string | Uint8Array | undefined,
  contentType: string | undefined,
  expected: string | Uint8Array,
])[] = [
  ['undefined', undefined, JSON_TYPE, ''],
  ['empty string', '', JSON_TYPE, ''],
  ['empty bytes', new Uint8Array(), 'text/plain', ''],
  [
    'JSON sorted at every depth',
    '{"b":{"y":1,"x":[{"d":1,"c":2}]},"a":0}',
    JSON_TYPE,
    '{"a":0,"b":{"x":[{"c":2,"d":1}],"y":1}}',
  ],
  ['JSON integer-like keys sorted as strings', '{"10":1,"9":2,"a":3}', JSON_TYPE, '{"10":1,"9":2,"a":3}'],
  ['JSON arrays keep order', '[3,1,2]', JSON_TYPE, '[3,1,2]'],
  ['JSON primitives', ' "text" ', JSON_TYPE, '"text"'],
  ['JSON empty object', '{ }', JSON_TYPE, '{}'],
  [
    'JSON redaction',
    '{"API_KEY":{"deep":1},"a":[{"apikey":"s"}]}',
    JSON_TYPE,
    '{"API_KEY":"REDACTED","a":[{"apikey":"REDACTED"}]}',
  ],
  ['JSON __proto__ key', '{"__proto__":{"a":1},"b":2}', JSON_TYPE, '{"__proto__":{"a":1},"b":2}'],
  [
    'JSON with UUID strings',
    '{"id":"550e8400-e29b-41d4-a716-446655440000","n":1}',
    JSON_TYPE,
    '{"id":"550e8400-e29b-41d4-a716-446655440000","n":1}',
  ],
  ['JSON exact big safe number', '{"n":9007199254740991}', JSON_TYPE, '{"n":9007199254740991}'],
  ['JSON inexact number → raw', '{"n":9007199254740993}', JSON_TYPE, '{"n":9007199254740993}'],
  ['invalid JSON → raw', '{"b":1,}', JSON_TYPE, '{"b":1,}'],
  ['JSON with BOM → raw', '\uFEFF{"b":1,"a":2}', JSON_TYPE, '\uFEFF{"b":1,"a":2}'],
  ['form sorted', 'b=2&a=1&a=0', FORM_TYPE, 'a=0&a=1&b=2'],
  [
    'form redacted, re-encoded',
    'q=a+b&Api_Key=x&p=%2B',
    `${FORM_TYPE}; charset=utf-8`,
    'Api_Key=REDACTED&p=%2B&q=a%20b',
  ],
  ['form of nothing', '&&', FORM_TYPE, ''],
  ['text is raw', 'b=2&a=1', 'text/plain', 'b=2&a=1'],
  ['no content type is raw', '{"b":1,"a":2}', undefined, '{"b":1,"a":2}'],
  ['multipart is raw', '--x\r\n\r\n--x--', 'multipart/form-data; boundary=x', '--x\r\n\r\n--x--'],
];

for (const [title, body, contentType, expected] of BODY_CASES) {
  test(`normalizeBody: ${title}`, (t) => {
    t.deepEqual(normalizeBody(body, contentType, DEFAULT_IGNORED), expected);
  });
}

test('normalizeBody returns other bodies as the same reference', (t) => {
  const bytes = new Uint8Array([0xff, 0x00, 0x01]);
  t.is(normalizeBody(bytes, 'application/octet-stream', DEFAULT_IGNORED), bytes);
  t.is(normalizeBody(bytes, JSON_TYPE, DEFAULT_IGNORED), bytes, 'invalid UTF-8 JSON is raw');
});

// ---------------------------------------------------------------------------------------------------------
// Properties

const contentTypes = fc.constantFrom(
  undefined,
  JSON_TYPE,
  FORM_TYPE,
  'text/plain',
  'application/vnd.x+json; v=1',
);
const anyText = fc.string({ unit: 'binary', maxLength: 40 });

test('createKey never throws and is deterministic', (t) => {
  fc.assert(
    fc.property(
      anyText,
      fc.oneof(anyText, fc.webUrl({ withQueryParameters: true, withFragments: true })),
      fc.dictionary(fc.string({ maxLength: 12 }), anyText, { maxKeys: 4 }),
      fc.option(fc.oneof(anyText, fc.json(), fc.uint8Array({ maxLength: 40 })), { nil: undefined }),
      contentTypes,
      fc.oneof(fc.boolean(), fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 })),
      (method, url, headers, body, contentType, matchHeaders) => {
        const withType = contentType === undefined ? headers : { ...headers, 'content-type': contentType };
        const req: KeyRequest = { method, url, headers: withType, body };
        const options: KeyOptions = {
          ignoredParameters: DEFAULT_IGNORED,
          matchHeaders,
          serializerName: method,
        };
        const first = createKey(req, options);
        return /^[0-9a-f]{64}$/.test(first) && createKey({ ...req }, { ...options }) === first;
      },
    ),
  );
  t.pass();
});

test('normalizeUrl is idempotent on web URLs', (t) => {
  fc.assert(
    fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
      const once = normalizeUrl(url, DEFAULT_IGNORED);
      return normalizeUrl(once, DEFAULT_IGNORED) === once;
    }),
  );
  t.pass();
});

/** Independent reference: WHATWG URL + URLSearchParams, as the rules are written. */
function referenceNormalizeUrl(url: string, ignored: readonly string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const lowerIgnored = new Set(ignored.map((name) => name.toLowerCase()));
  const pairs = [...parsed.searchParams].map(([name, value]): [string, string] => [
    name,
    lowerIgnored.has(name.toLowerCase()) ? REDACTED : value,
  ]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  parsed.hash = '';
  parsed.search = '';
  const base = parsed.href.replace(/%([0-9a-f]{2})?/gi, (_m, hex: string | undefined) => {
    if (hex === undefined) return '%25';
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(char) ? char : `%${hex.toUpperCase()}`;
  });
  const query = pairs.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&');
  return query === '' ? base : `${base}?${query}`;
}

const urlPiece = fc.constantFrom(
  'a',
  'B',
  'z',
  '0',
  '-',
  '_',
  '~',
  '.',
  '..',
  '/',
  '//',
  '%',
  '%2e',
  '%2E',
  '%41',
  '%7e',
  '%2f',
  '%zz',
  '%e2%82%ac',
  '%ff',
  '?',
  '??',
  '#',
  '&',
  '&&',
  '=',
  '+',
  '%20',
  '%2B',
  ' ',
  'é',
  ':',
  '@',
  ';',
  "'",
  '!',
  '*',
  'api_key',
  'API_KEY',
);
const urlLike = fc
  .tuple(
    fc.constantFrom('http://', 'https://', 'HTTP://', 'ws://', 'foo://', 'http:/'),
    fc.constantFrom(
      'example.com',
      'Example.COM',
      'a.b.c',
      '127.1',
      '127.0.0.1',
      'xn--bcher-kva.example',
      'Bücher.de',
      'u:p@h.io',
    ),
    fc.constantFrom('', ':80', ':443', ':8080', ':0'),
    fc.array(urlPiece, { maxLength: 12 }),
  )
  .map(
    ([scheme, host, port, pieces]) => scheme + host + port + (pieces.length > 0 ? '/' : '') + pieces.join(''),
  );

test('normalizeUrl matches a reference built on URL and URLSearchParams, and is idempotent', (t) => {
  fc.assert(
    fc.property(urlLike, (url) => {
      const normalized = normalizeUrl(url, DEFAULT_IGNORED);
      t.is(normalized, referenceNormalizeUrl(url, DEFAULT_IGNORED), url);
      t.is(normalizeUrl(normalized, DEFAULT_IGNORED), normalized, url);
    }),
    { numRuns: 2000 },
  );
});

// Node 20's URLSearchParams mis-decodes non-ASCII text next to percent-escapes (`é%e2%82` → `��`), so the
// comparison is on ASCII; non-ASCII is pinned by the table below against the WHATWG algorithm.
test('form bodies decode as URLSearchParams does (ASCII)', (t) => {
  const formPiece = fc.oneof(
    fc.constantFrom(
      'a',
      'b',
      '=',
      '&',
      '+',
      '%',
      '%2',
      '%20',
      '%2B',
      '%zz',
      '%ff',
      '%e2%82',
      '%e2%82%ac',
      '%F0%9F%94%9A',
    ),
    fc.string({ unit: 'binary-ascii', maxLength: 3 }),
  );
  fc.assert(
    fc.property(fc.array(formPiece, { maxLength: 12 }), (pieces) => {
      const body = pieces.join('');
      // (A leading `&` stops the constructor from stripping a leading `?`, which a form body keeps.)
      const pairs = [...new URLSearchParams(`&${body}`)];
      pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
      const expected = pairs.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&');
      t.is(normalizeBody(body, FORM_TYPE, []), expected, JSON.stringify(body));
    }),
    { numRuns: 2000 },
  );
});

const FORM_DECODING: readonly (readonly [body: string, expected: string])[] = [
  ['é%e2%82', '%C3%A9%EF%BF%BD='],
  ['%ff🔚', '%EF%BF%BD%F0%9F%94%9A='],
  ['x=\uD800', 'x=%EF%BF%BD'],
  ['%e2%82%ac=%C3', '%E2%82%AC=%EF%BF%BD'],
];

for (const [body, expected] of FORM_DECODING) {
  test(`form body decoding: ${JSON.stringify(body)}`, (t) => {
    t.is(normalizeBody(body, FORM_TYPE, []), expected);
    t.is(normalizeBody(new TextEncoder().encode(body), FORM_TYPE, []), expected);
  });
}

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reverseKeys(v)]),
  );
}

test('JSON normalization ignores key order and keeps the value', (t) => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const text = JSON.stringify(value);
      const normalized = normalizeBody(text, JSON_TYPE, []);
      t.is(normalizeBody(JSON.stringify(reverseKeys(value), null, 1), JSON_TYPE, []), normalized);
      t.deepEqual(
        JSON.parse(typeof normalized === 'string' ? normalized : new TextDecoder().decode(normalized)),
        JSON.parse(text),
      );
    }),
  );
});
