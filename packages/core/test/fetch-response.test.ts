import test from 'ava';
import { cacheInfo } from '../src/contract.js';
import {
  buildFetchResponse,
  decorateResponse,
  type FetchResponseParts,
  fetchNetworkResponse,
  headersInit,
  type ResponseDecoration,
  withCacheStatus,
} from '../src/fetch-response.js';
import type { ResponseHeaders } from '../src/headers.js';

const decoration: ResponseDecoration = {
  info: cacheInfo('fresh', Date.UTC(2025, 0, 1), true),
  describe: () => 'described',
};
const bytes = new TextEncoder().encode('hello');

interface Row {
  name: string;
  parts: Partial<FetchResponseParts>;
  method?: string;
  status: number;
  ok: boolean;
  statusText: string;
  body: string | null;
  headers: Record<string, string>;
}

const ROWS: readonly Row[] = [
  {
    name: 'a 200 as stored',
    parts: { headers: { 'content-type': 'text/plain' } },
    status: 200,
    ok: true,
    statusText: 'OK',
    body: 'hello',
    headers: { 'content-type': 'text/plain' },
  },
  {
    name: 'HEAD: a null body',
    parts: {},
    method: 'HEAD',
    status: 200,
    ok: true,
    statusText: 'OK',
    body: null,
    headers: {},
  },
  {
    name: '304: a null body status',
    parts: { status: 304, statusText: 'Not Modified', headers: { etag: '"a"' } },
    status: 304,
    ok: false,
    statusText: 'Not Modified',
    body: null,
    headers: { etag: '"a"' },
  },
  {
    name: '204: a null body status',
    parts: { status: 204, statusText: 'No Content' },
    status: 204,
    ok: true,
    statusText: 'No Content',
    body: null,
    headers: {},
  },
  {
    name: 'a stored 103 keeps its status, outside the constructor range, without headers',
    parts: { status: 103, statusText: 'Early Hints', headers: { link: '</a.css>' } },
    status: 103,
    ok: false,
    statusText: 'Early Hints',
    body: null,
    headers: {},
  },
  {
    name: 'a status text fetch refuses is dropped',
    parts: { statusText: 'Bad\ntext' },
    status: 200,
    ok: true,
    statusText: '',
    body: 'hello',
    headers: {},
  },
  {
    name: 'a header value fetch refuses is dropped (with the status text), the others kept',
    parts: { headers: { 'x-bad': 'a\u0000b', 'x-good': '1' } },
    status: 200,
    ok: true,
    statusText: '',
    body: 'hello',
    headers: { 'x-good': '1' },
  },
  {
    name: 'set-cookie values stay separate',
    parts: { headers: { 'set-cookie': ['a=1', 'b=2'] } },
    status: 200,
    ok: true,
    statusText: 'OK',
    body: 'hello',
    headers: { 'set-cookie': 'a=1, b=2' },
  },
];

for (const row of ROWS) {
  test(`buildFetchResponse: ${row.name}`, async (t) => {
    const parts: FetchResponseParts = {
      status: 200,
      statusText: 'OK',
      headers: {},
      body: bytes,
      ...row.parts,
    };
    const response = buildFetchResponse(parts, row.method ?? 'GET', decoration);
    t.is(response.status, row.status);
    t.is(response.ok, row.ok);
    if (row.status >= 200) t.is(response.statusText, row.statusText);
    t.is(response.body === null ? null : await response.text(), row.body);
    t.deepEqual(record(response.headers), row.headers);
  });
}

/** Headers as a record, repeated names joined with ", ". */
function record(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = out[name] === undefined ? value : `${out[name]}, ${value}`;
  });
  return out;
}

test('buildFetchResponse: set-cookie values reach getSetCookie one by one', (t) => {
  const parts: FetchResponseParts = {
    status: 200,
    statusText: 'OK',
    headers: { 'set-cookie': ['a=1', 'b=2'] },
    body: bytes,
  };
  t.deepEqual(buildFetchResponse(parts, 'GET', decoration).headers.getSetCookie(), ['a=1', 'b=2']);
});

test('headersInit: a record unless a value is a list; frozen header sets are built once', (t) => {
  const plain: ResponseHeaders = Object.freeze({ a: '1' });
  t.is(headersInit(plain), plain as unknown as HeadersInit);
  const listed: ResponseHeaders = Object.freeze({ 'set-cookie': Object.freeze(['x=1', 'y=2']) as string[] });
  const init = headersInit(listed);
  t.deepEqual(init, [
    ['set-cookie', 'x=1'],
    ['set-cookie', 'y=2'],
  ]);
  t.is(headersInit(listed), init);
});

const LOCATION_ROWS: readonly [
  name: string,
  location: ResponseDecoration['location'],
  url: string,
  redirected: boolean,
][] = [
  ['no location: the response’s own', undefined, '', false],
  [
    'a location: its URL and redirect flag',
    { url: 'https://example.com/b', redirected: true },
    'https://example.com/b',
    true,
  ],
];

for (const [name, location, url, redirected] of LOCATION_ROWS) {
  for (const [kind, make] of [
    [
      'buildFetchResponse',
      () =>
        buildFetchResponse({ status: 200, statusText: 'OK', headers: {}, body: bytes }, 'GET', {
          ...decoration,
          location,
        }),
    ],
    ['decorateResponse', () => decorateResponse(new Response('hello'), { ...decoration, location })],
  ] as const) {
    test(`${kind}: ${name}; the cache attributes survive clone()`, async (t) => {
      const response = make();
      for (const candidate of [response, response.clone()]) {
        t.is(candidate.url, url);
        t.is(candidate.redirected, redirected);
        t.true(candidate.fromCache);
        t.is(candidate.reason, 'fresh');
        t.true(Object.hasOwn(candidate, 'fromCache'));
        t.is(candidate.cacheDescription, 'described');
        t.is(String(candidate), 'described');
        t.is(await candidate.text(), 'hello');
      }
    });
  }
}

test('decorateResponse: the description is not enumerable, the cache fields are', (t) => {
  const response = decorateResponse(new Response(null), decoration);
  t.true(Object.keys(response).includes('cacheKey'));
  t.false(Object.keys(response).includes('cacheDescription'));
});

test('fetchNetworkResponse: status line, headers (set-cookie kept apart), the URL asked for when empty', async (t) => {
  const headers = new Headers([
    ['Content-Type', 'text/plain'],
    ['Set-Cookie', 'a=1'],
    ['Set-Cookie', 'b=2'],
  ]);
  const raw = new Response('hello', { status: 201, statusText: 'Created', headers });
  const network = fetchNetworkResponse(raw, 'https://example.com/asked');
  t.is(network.status, 201);
  t.is(network.statusText, 'Created');
  t.is(network.url, 'https://example.com/asked');
  t.deepEqual(network.headers, { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] });
  t.is(network.raw, raw);
  t.is(new TextDecoder().decode(await network.readBody()), 'hello');
});

test('fetchNetworkResponse: discard cancels the body', async (t) => {
  const raw = new Response(new Blob(['x']).stream());
  fetchNetworkResponse(raw, 'https://example.com/').discard?.();
  await new Promise((resolve) => setImmediate(resolve));
  t.true(raw.bodyUsed || raw.body?.locked === false);
});

const CACHE_STATUS_ROWS: readonly [
  name: string,
  make: () => Response,
  cacheStatus: string | undefined,
  copied: boolean,
][] = [
  ['no Cache-Status: the response as it is', () => new Response('hello'), undefined, false],
  ['mutable headers: set in place', () => new Response('hello'), 'reqcache; hit', false],
  [
    'immutable headers (a fetched response): a copy',
    () => Response.redirect('https://example.com/'),
    'reqcache; fwd=uri-miss',
    true,
  ],
];

for (const [name, make, cacheStatus, copied] of CACHE_STATUS_ROWS) {
  test(`withCacheStatus: ${name}`, (t) => {
    const response = make();
    const result = withCacheStatus(response, cacheStatus);
    t.is(result !== response, copied);
    t.is(result.headers.get('cache-status'), cacheStatus ?? null);
    t.is(result.status, response.status);
  });
}

test('the description is formatted once, for a response and its clones', (t) => {
  let calls = 0;
  const counted: ResponseDecoration = { ...decoration, describe: () => `described ${++calls}` };
  for (const response of [
    buildFetchResponse({ status: 200, statusText: 'OK', headers: {}, body: bytes }, 'GET', counted),
    decorateResponse(new Response('hello'), counted),
  ]) {
    calls = 0;
    t.is(response.cacheDescription, 'described 1');
    t.is(String(response.clone()), 'described 1');
    t.is(calls, 1);
  }
});

test('buildFetchResponse: Cache-Status from the cache info, when set', (t) => {
  const parts = { status: 200, statusText: 'OK', headers: {}, body: bytes };
  const info = { ...decoration.info, cacheStatus: 'reqcache; hit' };
  t.is(
    buildFetchResponse(parts, 'GET', { ...decoration, info }).headers.get('cache-status'),
    'reqcache; hit',
  );
  t.is(buildFetchResponse(parts, 'GET', decoration).headers.get('cache-status'), null);
});
