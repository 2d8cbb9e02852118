import test from 'ava';
import type { ResponseHeaders } from '../src/headers.js';
import { DEFAULT_IGNORED_PARAMETERS } from '../src/options.js';
import { checkVary, type VaryCheck, varyNames } from '../src/vary.js';

const NAME_ROWS: readonly [
  name: string,
  headers: ResponseHeaders,
  expected: readonly string[] | '*' | undefined,
][] = [
  ['no Vary', {}, undefined],
  ['empty Vary', { vary: '' }, undefined],
  ['only commas and spaces', { vary: ' , ,' }, undefined],
  ['one name, lower-cased', { vary: 'Accept-Encoding' }, ['accept-encoding']],
  ['several names sorted', { vary: 'User-Agent, Accept' }, ['accept', 'user-agent']],
  ['whitespace and empty parts', { vary: '  Accept ,, Cookie  ' }, ['accept', 'cookie']],
  ['duplicates dropped (any case)', { vary: 'accept, Accept, ACCEPT' }, ['accept']],
  ['star', { vary: '*' }, '*'],
  ['star among names', { vary: 'Accept, *' }, '*'],
  ['repeated Vary fields (joined)', { vary: ['Accept', 'Cookie'] as never }, ['accept', 'cookie']],
];

for (const [name, headers, expected] of NAME_ROWS) {
  test(`varyNames: ${name}`, (t) => {
    t.deepEqual(varyNames(headers), expected);
  });
}

interface Row {
  name: string;
  vary?: string;
  stored: Record<string, string>;
  current: Record<string, string>;
  ignored?: readonly string[];
  expected: VaryCheck;
}

const ROWS: readonly Row[] = [
  {
    name: 'no Vary matches anything',
    stored: { accept: 'a' },
    current: { accept: 'b' },
    expected: { match: true },
  },
  {
    name: 'Vary: * never matches',
    vary: '*',
    stored: {},
    current: {},
    expected: { match: false, never: true },
  },
  {
    name: 'same value',
    vary: 'Accept',
    stored: { accept: 'text/html' },
    current: { accept: 'text/html' },
    expected: { match: true },
  },
  {
    name: 'different value',
    vary: 'Accept',
    stored: { accept: 'text/html' },
    current: { accept: 'application/json' },
    expected: { match: false, names: ['accept'] },
  },
  {
    name: 'list values: case, whitespace and order normalized',
    vary: 'Accept-Encoding',
    stored: { 'accept-encoding': 'gzip,deflate' },
    current: { 'accept-encoding': 'dEfLaTe,  GZIP, ' },
    expected: { match: true },
  },
  {
    name: 'list values: a different member',
    vary: 'Accept-Encoding',
    stored: { 'accept-encoding': 'gzip, deflate' },
    current: { 'accept-encoding': 'gzip, br' },
    expected: { match: false, names: ['accept-encoding'] },
  },
  {
    name: 'missing on both sides matches',
    vary: 'Accept-Language',
    stored: { accept: 'a' },
    current: { accept: 'b' },
    expected: { match: true },
  },
  {
    name: 'present in the stored request only',
    vary: 'Accept-Language',
    stored: { 'accept-language': 'en' },
    current: {},
    expected: { match: false, names: ['accept-language'] },
  },
  {
    name: 'present in the new request only',
    vary: 'Accept-Language',
    stored: {},
    current: { 'accept-language': 'en' },
    expected: { match: false, names: ['accept-language'] },
  },
  {
    name: 'several names, all equal',
    vary: 'Accept, User-Agent',
    stored: { accept: 'a', 'user-agent': 'ua', cookie: 'x=1' },
    current: { 'user-agent': 'ua', accept: 'a', cookie: 'x=2' },
    expected: { match: true },
  },
  {
    name: 'several names, one differs',
    vary: 'User-Agent, Accept',
    stored: { accept: 'a', 'user-agent': 'ua1' },
    current: { accept: 'a', 'user-agent': 'ua2' },
    expected: { match: false, names: ['accept', 'user-agent'] },
  },
  {
    name: 'Vary name in any case',
    vary: 'ACCEPT',
    stored: { accept: 'a' },
    current: { accept: 'b' },
    expected: { match: false, names: ['accept'] },
  },
  {
    name: 'varied ignored header present in the request: never',
    vary: 'Authorization',
    stored: { authorization: 'REDACTED' },
    current: { authorization: 'Bearer same' },
    ignored: DEFAULT_IGNORED_PARAMETERS,
    expected: { match: false, never: true },
  },
  {
    name: 'varied ignored header, another case in the list: never',
    vary: 'X-Api-Key, Accept',
    stored: { accept: 'a' },
    current: { accept: 'a', 'x-api-key': 'k' },
    ignored: DEFAULT_IGNORED_PARAMETERS,
    expected: { match: false, never: true },
  },
  {
    name: 'varied ignored header absent on both sides: normal match',
    vary: 'Authorization, Accept',
    stored: { accept: 'a' },
    current: { accept: 'a' },
    ignored: DEFAULT_IGNORED_PARAMETERS,
    expected: { match: true },
  },
  {
    name: 'varied ignored header absent now, present when stored: a variant',
    vary: 'Authorization',
    stored: { authorization: 'REDACTED' },
    current: {},
    ignored: DEFAULT_IGNORED_PARAMETERS,
    expected: { match: false, names: ['authorization'] },
  },
  {
    name: 'a varied header that is not ignored when the list is empty',
    vary: 'Authorization',
    stored: { authorization: 'Bearer a' },
    current: { authorization: 'Bearer a' },
    ignored: [],
    expected: { match: true },
  },
];

for (const row of ROWS) {
  test(`checkVary: ${row.name}`, (t) => {
    const headers: ResponseHeaders = row.vary === undefined ? {} : { vary: row.vary };
    t.deepEqual(checkVary(headers, row.stored, row.current, row.ignored ?? []), row.expected);
  });
}
