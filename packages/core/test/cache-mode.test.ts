import test from 'ava';
import { applyCacheMode, checkCacheMode } from '../src/cache-mode.js';
import { lookupOptions } from '../src/contract.js';
import { InvalidOptionError } from '../src/errors.js';
import type { RequestHeaders } from '../src/headers.js';
import type { RequestCacheOptions } from '../src/option-types.js';

interface Row {
  mode: string | undefined;
  cacheOptions?: RequestCacheOptions;
  headers?: RequestHeaders;
  /** The effective options, as the engine parses them. */
  expected: Partial<Record<'disabled' | 'forceRefresh' | 'onlyIfCached' | 'refresh' | 'revalidate', boolean>>;
  cacheControl?: string;
  sendHeaders?: RequestHeaders;
}

const ROWS: readonly Row[] = [
  { mode: undefined, expected: { disabled: false, forceRefresh: false, onlyIfCached: false } },
  { mode: 'default', cacheOptions: { refresh: true }, expected: { refresh: true } },
  { mode: 'no-store', expected: { disabled: true } },
  { mode: 'no-store', cacheOptions: { disabled: false }, expected: { disabled: false } },
  { mode: 'reload', expected: { forceRefresh: true, disabled: false } },
  {
    mode: 'no-cache',
    expected: { revalidate: true, forceRefresh: false },
    sendHeaders: { 'cache-control': 'no-cache' },
  },
  {
    mode: 'no-cache',
    headers: { 'cache-control': 'max-age=10' },
    expected: { revalidate: true },
    cacheControl: 'max-age=10',
  },
  { mode: 'force-cache', expected: { onlyIfCached: false }, cacheControl: 'max-stale' },
  {
    mode: 'force-cache',
    headers: { 'cache-control': 'no-transform' },
    expected: {},
    cacheControl: 'no-transform, max-stale',
  },
  { mode: 'only-if-cached', expected: { onlyIfCached: true }, cacheControl: 'max-stale' },
  {
    mode: 'only-if-cached',
    cacheOptions: { onlyIfCached: false },
    expected: { onlyIfCached: false },
    cacheControl: 'max-stale',
  },
];

for (const row of ROWS) {
  const name = `${row.mode ?? 'no mode'}${row.cacheOptions ? ` + ${JSON.stringify(row.cacheOptions)}` : ''}${row.headers ? ' with Cache-Control' : ''}`;
  test(`applyCacheMode: ${name}`, (t) => {
    const headers: RequestHeaders = { accept: '*/*', ...row.headers };
    const before = { ...headers };
    const effect = applyCacheMode(row.mode, row.cacheOptions, headers);
    const parsed = lookupOptions(effect.options);
    for (const [field, value] of Object.entries(row.expected))
      t.is(parsed[field as keyof typeof parsed], value, field);
    t.is(effect.headers['cache-control'], row.cacheControl);
    t.deepEqual(effect.sendHeaders, row.sendHeaders);
    t.deepEqual(headers, before, 'the request headers are never changed in place');
  });
}

test('applyCacheMode: an unknown mode throws InvalidOptionError naming init.cache', (t) => {
  const error = t.throws(() => applyCacheMode('sometimes', undefined, {}), {
    instanceOf: InvalidOptionError,
  });
  t.regex(error.message, /init\.cache/);
});

for (const mode of [
  undefined,
  'default',
  'no-store',
  'reload',
  'no-cache',
  'force-cache',
  'only-if-cached',
]) {
  test(`checkCacheMode accepts ${mode}`, (t) => {
    t.notThrows(() => checkCacheMode(mode));
  });
}

for (const mode of ['', 'NO-STORE', 42, null]) {
  test(`checkCacheMode rejects ${JSON.stringify(mode)}`, (t) => {
    t.throws(() => checkCacheMode(mode), { instanceOf: InvalidOptionError });
  });
}
