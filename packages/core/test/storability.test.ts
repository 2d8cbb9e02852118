import test from 'ava';
import { parseCacheControl } from '../src/cache-control.js';
import { CacheSettings, type SettingsOptions } from '../src/options.js';
import { checkStorable, isMethodAllowed, type Storability } from '../src/storability.js';

interface Row {
  name: string;
  settings?: SettingsOptions;
  method?: string;
  requestHeaders?: Record<string, string>;
  status?: number;
  requestCacheControl?: string;
  responseCacheControl?: string;
  expected: Storability;
}

const ROWS: readonly Row[] = [
  { name: 'OK: GET 200 with defaults', expected: { store: true } },
  { name: 'OK: HEAD 200', method: 'HEAD', expected: { store: true } },
  { name: 'disabled', settings: { disabled: true }, expected: { store: false, reason: 'disabled' } },
  {
    name: 'disabled wins over every other reason',
    settings: { disabled: true, readOnly: true },
    method: 'POST',
    status: 500,
    expected: { store: false, reason: 'disabled' },
  },
  { name: 'readOnly', settings: { readOnly: true }, expected: { store: false, reason: 'read-only' } },
  {
    name: 'method not allowed: POST',
    method: 'POST',
    expected: { store: false, reason: 'method-not-allowable' },
  },
  {
    name: 'method not allowed: DELETE',
    method: 'DELETE',
    expected: { store: false, reason: 'method-not-allowable' },
  },
  {
    name: 'method allowed by settings',
    settings: { allowableMethods: ['GET', 'POST'] },
    method: 'POST',
    expected: { store: true },
  },
  {
    name: 'X-HTTP-Method-Override: GET on a POST is allowed',
    method: 'POST',
    requestHeaders: { 'x-http-method-override': 'GET' },
    expected: { store: true },
  },
  {
    name: 'X-HTTP-Method: get (any case, spaces) on a POST is allowed',
    method: 'POST',
    requestHeaders: { 'x-http-method': ' get ' },
    expected: { store: true },
  },
  {
    name: 'X-Method-Override: HEAD on a POST is allowed',
    method: 'POST',
    requestHeaders: { 'x-method-override': 'HEAD' },
    expected: { store: true },
  },
  {
    name: 'X-HTTP-Method-Override: DELETE on a POST is not allowed',
    method: 'POST',
    requestHeaders: { 'x-http-method-override': 'DELETE' },
    expected: { store: false, reason: 'method-not-allowable' },
  },
  {
    name: 'status not allowed: 404',
    status: 404,
    expected: { store: false, reason: 'status-not-allowable' },
  },
  {
    name: 'status not allowed: 500',
    status: 500,
    expected: { store: false, reason: 'status-not-allowable' },
  },
  {
    name: 'status not allowed: 304',
    status: 304,
    expected: { store: false, reason: 'status-not-allowable' },
  },
  {
    name: 'status allowed by settings',
    settings: { allowableCodes: [200, 404] },
    status: 404,
    expected: { store: true },
  },
  {
    name: 'request no-store',
    requestCacheControl: 'no-store',
    expected: { store: false, reason: 'request-no-store' },
  },
  {
    name: 'response no-store with cacheControl false',
    responseCacheControl: 'no-store',
    expected: { store: false, reason: 'no-store' },
  },
  {
    name: 'response no-store with cacheControl true',
    settings: { cacheControl: true },
    responseCacheControl: 'public, max-age=60, no-store',
    expected: { store: false, reason: 'no-store' },
  },
  { name: 'response no-cache is storable', responseCacheControl: 'no-cache', expected: { store: true } },
  {
    name: 'response private is storable (private cache)',
    responseCacheControl: 'private',
    expected: { store: true },
  },
  { name: 'request no-cache is storable', requestCacheControl: 'no-cache', expected: { store: true } },
  {
    name: 'method is checked before status',
    method: 'POST',
    status: 500,
    expected: { store: false, reason: 'method-not-allowable' },
  },
  {
    name: 'status is checked before no-store',
    status: 500,
    requestCacheControl: 'no-store',
    responseCacheControl: 'no-store',
    expected: { store: false, reason: 'status-not-allowable' },
  },
  // Issue 16 point 7: in cacheControl mode with allowableCodes unset, RFC 9111 §3 alone decides.
  {
    name: 'RFC mode, allowableCodes unset: 404 (heuristically cacheable) is stored',
    settings: { cacheControl: true },
    status: 404,
    expected: { store: true },
  },
  {
    name: 'RFC mode, allowableCodes unset: 500 with max-age is stored',
    settings: { cacheControl: true },
    status: 500,
    responseCacheControl: 'max-age=60',
    expected: { store: true },
  },
  {
    name: 'RFC mode, allowableCodes unset: 500 without freshness is not',
    settings: { cacheControl: true },
    status: 500,
    expected: { store: false, reason: 'no-explicit-freshness' },
  },
  {
    name: 'RFC mode, allowableCodes set by the user still limits it',
    settings: { cacheControl: true, allowableCodes: [200] },
    status: 404,
    expected: { store: false, reason: 'status-not-allowable' },
  },
  {
    name: 'default mode: allowableCodes [200] decides (requests-cache)',
    status: 404,
    expected: { store: false, reason: 'status-not-allowable' },
  },
];

for (const row of ROWS) {
  test(`checkStorable: ${row.name}`, (t) => {
    const settings = new CacheSettings(row.settings ?? {}).parsed;
    const result = checkStorable({
      method: row.method ?? 'GET',
      requestHeaders: row.requestHeaders ?? {},
      status: row.status ?? 200,
      requestDirectives: parseCacheControl(row.requestCacheControl),
      responseDirectives: parseCacheControl(row.responseCacheControl),
      settings,
    });
    t.deepEqual(result, row.expected);
  });
}

const METHOD_ROWS: readonly [
  name: string,
  method: string,
  headers: Record<string, string>,
  allowed: readonly string[],
  expected: boolean,
][] = [
  ['GET in defaults', 'GET', {}, ['GET', 'HEAD'], true],
  ['HEAD in defaults', 'HEAD', {}, ['GET', 'HEAD'], true],
  ['POST not in defaults', 'POST', {}, ['GET', 'HEAD'], false],
  ['POST in a custom list', 'POST', {}, ['POST'], true],
  ['GET not in a POST-only list', 'GET', {}, ['POST'], false],
  ['override header GET', 'POST', { 'x-http-method-override': 'GET' }, ['GET', 'HEAD'], true],
  ['override header lower-case value', 'POST', { 'x-http-method-override': 'get' }, ['GET', 'HEAD'], true],
  ['x-http-method header', 'PUT', { 'x-http-method': 'HEAD' }, ['GET', 'HEAD'], true],
  ['x-method-override header', 'PATCH', { 'x-method-override': 'GET' }, ['GET', 'HEAD'], true],
  ['override to a method not allowed', 'POST', { 'x-http-method-override': 'PUT' }, ['GET', 'HEAD'], false],
  ['unrelated header', 'POST', { 'x-method': 'GET' }, ['GET', 'HEAD'], false],
  ['empty override', 'POST', { 'x-http-method-override': '' }, ['GET', 'HEAD'], false],
  [
    'one of several overrides matches',
    'POST',
    { 'x-http-method': 'PUT', 'x-method-override': 'GET' },
    ['GET'],
    true,
  ],
];

for (const [name, method, headers, allowed, expected] of METHOD_ROWS) {
  test(`isMethodAllowed: ${name}`, (t) => {
    const settings = new CacheSettings({ allowableMethods: allowed }).parsed;
    t.is(isMethodAllowed(method, headers, settings.allowableMethods), expected);
  });
}
