import test from 'ava';
import fc from 'fast-check';
import { REDACTED, redactBody, redactHeaders, redactUrl } from '../src/redact.js';

const IGNORED = [
  'Authorization',
  'Proxy-Authorization',
  'X-API-Key',
  'access_token',
  'api_key',
  'apikey',
] as const;

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

test('REDACTED is the literal text', (t) => {
  t.is(REDACTED, 'REDACTED');
});

// ---------------------------------------------------------------------------------------------------------
// redactUrl

const URL_CASES: readonly (readonly [input: string, expected: string])[] = [
  ['https://example.com/x?api_key=secret&q=1', 'https://example.com/x?api_key=REDACTED&q=1'],
  ['https://example.com/x?q=1&API_KEY=secret', 'https://example.com/x?q=1&API_KEY=REDACTED'],
  [
    'https://example.com/x?b=2&apikey=1&a=1&apikey=2',
    'https://example.com/x?b=2&apikey=REDACTED&a=1&apikey=REDACTED',
  ],
  ['https://example.com/x?api%5Fkey=s&api+key=t', 'https://example.com/x?api%5Fkey=REDACTED&api+key=t'],
  ['https://example.com/x?api_key=', 'https://example.com/x?api_key=REDACTED'],
  ['https://example.com/x?api_key', 'https://example.com/x?api_key'],
  [
    'https://example.com/x?q=a=b&access_token=t=u#frag',
    'https://example.com/x?q=a=b&access_token=REDACTED#frag',
  ],
  ['https://example.com/cb#access_token=tok&state=1', 'https://example.com/cb#access_token=REDACTED&state=1'],
  ['https://example.com/x?api_key=s#api_key=t', 'https://example.com/x?api_key=REDACTED#api_key=REDACTED'],
  ['https://example.com/x#frag?api_key=in-fragment', 'https://example.com/x#frag?api_key=REDACTED'],
  ['https://example.com/api_key/x?q=api_key', 'https://example.com/api_key/x?q=api_key'],
  ['HTTPS://Example.COM:443/a/../x?q=1', 'HTTPS://Example.COM:443/a/../x?q=1'],
  ['https://user:secret@example.com/x', 'https://user:REDACTED@example.com/x'],
  [
    'https://user:p%40ss:w@rd@example.com/x?api_key=1',
    'https://user:REDACTED@example.com/x?api_key=REDACTED',
  ],
  ['https://user@example.com/x', 'https://user@example.com/x'],
  ['https://user:@example.com/x', 'https://user:@example.com/x'],
  ['https://example.com/users/@me:self', 'https://example.com/users/@me:self'],
  ['https://example.com/x?email=a:b@c.d', 'https://example.com/x?email=a:b@c.d'],
  ['http:user:secret@example.com/', 'http:user:REDACTED@example.com/'],
  ['  https://user:secret@example.com/x', 'https://user:REDACTED@example.com/x'],
  ['/relative?api_key=1', '/relative?api_key=REDACTED'],
  ['not a url', 'not a url'],
  ['', ''],
];

for (const [input, expected] of URL_CASES) {
  test(`redactUrl(${JSON.stringify(input)})`, (t) => {
    const redacted = redactUrl(input, IGNORED);
    t.is(redacted, expected);
    t.is(redactUrl(redacted, IGNORED), redacted, 'idempotent');
  });
}

test('redactUrl with no ignored names still hides passwords', (t) => {
  t.is(redactUrl('https://u:p@h.io/?api_key=1', []), 'https://u:REDACTED@h.io/?api_key=1');
});

// ---------------------------------------------------------------------------------------------------------
// redactHeaders

test('redactHeaders: ignored names, any case, names and order kept', (t) => {
  const headers = {
    Accept: 'application/json',
    authorization: 'Bearer secret',
    'X-Api-Key': 'k',
    'set-cookie': ['a=1', 'b=2'],
    'proxy-authorization': ['Basic x', 'Basic y'],
  };
  const redacted = redactHeaders(headers, IGNORED);
  t.deepEqual(redacted, {
    Accept: 'application/json',
    authorization: REDACTED,
    'X-Api-Key': REDACTED,
    'set-cookie': ['a=1', 'b=2'],
    'proxy-authorization': [REDACTED],
  });
  t.deepEqual(Object.keys(redacted), Object.keys(headers));
  t.is(headers.authorization, 'Bearer secret', 'input not mutated');
});

test('redactHeaders returns the same reference when nothing needs redacting', (t) => {
  const plain = { accept: '*/*', 'user-agent': 'x' };
  t.is(redactHeaders(plain, IGNORED), plain);
  const already = { authorization: REDACTED, 'x-api-key': [REDACTED] };
  t.is(redactHeaders(already, IGNORED), already);
  const secret = { authorization: 'x' };
  t.is(redactHeaders(secret, []), secret);
});

test('redactHeaders keeps a `__proto__` header as a plain own property', (t) => {
  const headers = JSON.parse('{"__proto__":"v","authorization":"x"}') as Record<string, string>;
  const redacted = redactHeaders(headers, IGNORED);
  t.is(Object.getPrototypeOf(redacted), Object.prototype);
  t.deepEqual(Object.keys(redacted), ['__proto__', 'authorization']);
});

// ---------------------------------------------------------------------------------------------------------
// redactBody

const BODY_CASES: readonly (readonly [
  title: string,
  body: string,
  contentType: string | undefined,
  expected: string,
])[] = [
  ['JSON top level', '{"user":"u","api_key":"s"}', JSON_TYPE, '{"user":"u","api_key":"REDACTED"}'],
  [
    'JSON nested, in arrays, any case, any value type, spacing kept',
    '{ "b": [ {"API_KEY": {"x": [1, "}"]}} ],\n  "n": {"Access_Token" : 12, "k": "api_key"}, "apikey":null }',
    `${JSON_TYPE}; charset=utf-8`,
    '{ "b": [ {"API_KEY": "REDACTED"} ],\n  "n": {"Access_Token" : "REDACTED", "k": "api_key"}, "apikey":"REDACTED" }',
  ],
  [
    'JSON order and numbers kept',
    '{"z":12345678901234567890,"api_key":1,"a":1.50}',
    JSON_TYPE,
    '{"z":12345678901234567890,"api_key":"REDACTED","a":1.50}',
  ],
  [
    'JSON escaped key',
    '{"api\\u005fkey":"s","q":"a\\"api_key\\":1"}',
    JSON_TYPE,
    '{"api\\u005fkey":"REDACTED","q":"a\\"api_key\\":1"}',
  ],
  ['JSON vendor type', '{"apikey":"s"}', 'application/vnd.api+json', '{"apikey":"REDACTED"}'],
  ['JSON array of names is data, not keys', '["api_key","apikey"]', JSON_TYPE, '["api_key","apikey"]'],
  ['invalid JSON unchanged', '{"api_key":"s",', JSON_TYPE, '{"api_key":"s",'],
  ['form', 'a=1&api_key=s&b=&API_KEY=t', FORM_TYPE, 'a=1&api_key=REDACTED&b=&API_KEY=REDACTED'],
  ['form encoded name', 'api%5Fkey=s&q=%2B', `${FORM_TYPE}; charset=UTF-8`, 'api%5Fkey=REDACTED&q=%2B'],
  ['text unchanged', 'api_key=s', 'text/plain', 'api_key=s'],
  ['no content type unchanged', '{"api_key":"s"}', undefined, '{"api_key":"s"}'],
  [
    'multipart unchanged',
    '--b\r\nContent-Disposition: form-data; name="api_key"\r\n\r\ns\r\n--b--',
    'multipart/form-data; boundary=b',
    '--b\r\nContent-Disposition: form-data; name="api_key"\r\n\r\ns\r\n--b--',
  ],
];

for (const [title, body, contentType, expected] of BODY_CASES) {
  test(`redactBody: ${title}`, (t) => {
    t.is(redactBody(body, contentType, IGNORED), expected);
    const bytes = redactBody(new TextEncoder().encode(body), contentType, IGNORED);
    t.true(bytes instanceof Uint8Array);
    t.is(new TextDecoder().decode(bytes as Uint8Array), expected);
    t.is(redactBody(expected, contentType, IGNORED), expected, 'idempotent');
  });
}

test('redactBody returns the same reference when nothing needs redacting', (t) => {
  const json = new TextEncoder().encode('{"a":1,"b":[{"c":"d"}]}');
  t.is(redactBody(json, JSON_TYPE, IGNORED), json);
  const form = new TextEncoder().encode('a=1&b=2');
  t.is(redactBody(form, FORM_TYPE, IGNORED), form);
  const withSecret = new TextEncoder().encode('{"api_key":"s"}');
  t.is(redactBody(withSecret, JSON_TYPE, []), withSecret);
  t.is(redactBody(withSecret, 'application/octet-stream', IGNORED), withSecret);
  const notUtf8 = new Uint8Array([0x7b, 0xff, 0x7d]);
  t.is(redactBody(notUtf8, JSON_TYPE, IGNORED), notUtf8);
  const redactedAlready = new TextEncoder().encode('{"api_key":"REDACTED"}');
  t.is(redactBody(redactedAlready, JSON_TYPE, IGNORED), redactedAlready);
  t.is(redactBody(undefined, JSON_TYPE, IGNORED), undefined);
});

// ---------------------------------------------------------------------------------------------------------
// Properties

function redactValue(value: unknown, names: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => redactValue(item, names));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, names.has(k.toLowerCase()) ? REDACTED : redactValue(v, names)]),
  );
}

const secretish = fc.oneof(
  fc.constantFrom('api_key', 'API_KEY', 'Authorization', 'apikey', 'access_token', 'a', 'b'),
  fc.string({ maxLength: 6 }),
);

test('redactBody on JSON equals redacting the parsed value, at any depth', (t) => {
  const names = new Set(IGNORED.map((name) => name.toLowerCase()));
  fc.assert(
    fc.property(
      fc.letrec((tie) => ({
        value: fc.oneof(
          { depthSize: 'small' },
          fc.jsonValue({ maxDepth: 1 }),
          fc.array(tie('value')),
          fc.dictionary(secretish, tie('value'), { maxKeys: 4 }),
        ),
      })).value,
      fc.constantFrom(undefined, 2),
      (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        const redacted = redactBody(text, JSON_TYPE, IGNORED);
        t.deepEqual(JSON.parse(redacted as string), JSON.parse(JSON.stringify(redactValue(value, names))));
      },
    ),
  );
});

test('redactUrl never throws, never leaves an ignored value, and is idempotent', (t) => {
  fc.assert(
    fc.property(
      fc.webUrl({
        withQueryParameters: true,
        withFragments: true,
        authoritySettings: { withUserInfo: true },
      }),
      fc.array(fc.tuple(secretish, fc.string({ maxLength: 6 })), { maxLength: 4 }),
      (base, extra) => {
        const query = extra.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&');
        const url = base.includes('?') ? `${base}&${query}` : `${base}?${query}`;
        const redacted = redactUrl(url, IGNORED);
        t.is(redactUrl(redacted, IGNORED), redacted);
        const parsed = new URL(redacted);
        for (const [name, value] of parsed.searchParams) {
          if (
            IGNORED.some((ignored) => ignored.toLowerCase() === name.toLowerCase()) &&
            !base.includes('#')
          ) {
            t.is(value, REDACTED);
          }
        }
        t.true(parsed.password === '' || parsed.password === REDACTED);
      },
    ),
  );
});
