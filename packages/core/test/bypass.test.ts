/** `decideBypass`: whether the cache leaves a request alone (no read, no write), and why. */
import test from 'ava';
import { UNKEYABLE } from '../src/body-bytes.js';
import type { CacheRequest } from '../src/contract.js';
import { decideBypass } from '../src/decision.js';
import { DO_NOT_CACHE } from '../src/expire-after.js';
import { requestContext } from '../src/lookup.js';
import {
  CacheSettings,
  normalizeRequestOptions,
  type RequestCacheOptions,
  type SettingsOptions,
} from '../src/options.js';
import type { BypassReason } from '../src/reason.js';

interface Row {
  name: string;
  settings?: SettingsOptions;
  own?: RequestCacheOptions;
  method?: string;
  headers?: Record<string, string>;
  body?: CacheRequest['body'];
  expected: BypassReason | undefined;
}

const ROWS: readonly Row[] = [
  { name: 'a plain GET is handled', expected: undefined },
  {
    name: 'a POST with a body the key reads is handled when allowed',
    settings: { allowableMethods: ['POST'] },
    method: 'POST',
    body: 'a=1',
    expected: undefined,
  },
  { name: 'disabled in the settings', settings: { disabled: true }, expected: 'disabled' },
  { name: 'disabled for this request', own: { disabled: true }, expected: 'disabled' },
  { name: 'a method outside allowableMethods', method: 'POST', expected: 'method-not-allowable' },
  {
    name: 'a body reading would consume (a stream): it cannot be keyed',
    settings: { allowableMethods: ['POST'] },
    method: 'POST',
    body: UNKEYABLE,
    expected: 'unkeyable-body',
  },
  {
    name: 'an allowed method is checked before the body: a disallowed one says so',
    method: 'POST',
    body: UNKEYABLE,
    expected: 'method-not-allowable',
  },
  {
    name: 'disabled wins over an unkeyable body',
    own: { disabled: true },
    body: UNKEYABLE,
    expected: 'disabled',
  },
  {
    name: 'request Cache-Control: no-store (RFC 9111 §5.2.1.5)',
    headers: { 'cache-control': 'no-store' },
    expected: 'request-no-store',
  },
  { name: 'DO_NOT_CACHE for this request', own: { expireAfter: DO_NOT_CACHE }, expected: 'do-not-cache' },
  {
    name: 'EXPIRE_IMMEDIATELY still reads (a stored response may be revalidated)',
    own: { expireAfter: 0 },
    expected: undefined,
  },
  { name: 'DO_NOT_CACHE in the settings', settings: { expireAfter: DO_NOT_CACHE }, expected: 'do-not-cache' },
];

for (const row of ROWS) {
  test(`decideBypass: ${row.name}`, (t) => {
    const settings = new CacheSettings(row.settings ?? {}).parsed;
    const request: CacheRequest = {
      method: row.method ?? 'GET',
      url: 'https://example.com/item',
      headers: row.headers ?? {},
      body: row.body,
    };
    const ctx = requestContext(request, normalizeRequestOptions(row.own), settings, 0, 0);
    t.is(decideBypass({ ...ctx, headers: request.headers, body: request.body }), row.expected);
  });
}
