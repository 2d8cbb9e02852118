import { format, inspect } from 'node:util';
import test from 'ava';
import { Keyv } from 'keyv';
import { CacheEngine } from '../src/engine.js';
import {
  ConstructionOnlyOptionError,
  describeValue,
  InvalidOptionError,
  ReqcacheError,
  UnknownOptionError,
} from '../src/errors.js';
import { DO_NOT_CACHE, EXPIRE_IMMEDIATELY, NEVER_EXPIRE } from '../src/expire-after.js';
import {
  type CacheOptions,
  CacheSettings,
  DEFAULT_IGNORED_PARAMETERS,
  normalizeOptions,
  normalizeRequestOptions,
  type ParsedRequestOptions,
  type RequestCacheOptions,
  type SettingsOptions,
} from '../src/options.js';
import { jsonSerializer } from '../src/serializer.js';

const MINUTE = 60_000;

// ---------------------------------------------------------------------------------------------------------
// Defaults (SPEC §2)

test('normalizeOptions() applies every default of SPEC §2', (t) => {
  const normalized = normalizeOptions();
  t.is(normalized.backend, 'sqlite');
  t.is(normalized.cacheName, 'http_cache');
  t.deepEqual(normalized.backendOptions, {});
  t.is(normalized.serializer, 'json');
  t.is(normalized.clock, Date.now);
  const { settings } = normalized;
  t.is(settings.expireAfter, -1);
  t.is(settings.expireAfter, NEVER_EXPIRE);
  t.deepEqual(settings.urlsExpireAfter, {});
  t.false(settings.cacheControl);
  t.deepEqual(settings.allowableCodes, [200]);
  t.deepEqual(settings.allowableMethods, ['GET', 'HEAD']);
  t.deepEqual(settings.ignoredParameters, [...DEFAULT_IGNORED_PARAMETERS]);
  t.false(settings.matchHeaders);
  t.is(settings.filter, undefined);
  t.is(settings.keyFn, undefined);
  t.false(settings.staleIfError);
  t.false(settings.staleWhileRevalidate);
  t.false(settings.alwaysRevalidate);
  t.false(settings.readOnly);
  t.false(settings.onlyIfCached);
  t.true(settings.autoclose);
  t.false(settings.disabled);
  t.deepEqual(settings.toJSON(), {});
});

test('normalizeOptions() parses the defaults into what the engine reads', (t) => {
  const parsed = normalizeOptions().settings.parsed;
  t.deepEqual(parsed.expireAfter, { kind: 'never' });
  t.deepEqual(parsed.urlPatterns, []);
  t.deepEqual([...parsed.allowableCodes], [200]);
  t.deepEqual([...parsed.allowableMethods], ['GET', 'HEAD']);
  t.deepEqual(parsed.ignoredParameters, [...DEFAULT_IGNORED_PARAMETERS]);
  t.is(parsed.staleIfErrorMs, 0);
  t.is(parsed.staleWhileRevalidateMs, 0);
});

test('DEFAULT_IGNORED_PARAMETERS are requests-cache defaults and frozen', (t) => {
  t.true(Object.isFrozen(DEFAULT_IGNORED_PARAMETERS));
  for (const name of ['Authorization', 'X-API-Key', 'access_token', 'api_key', 'apikey']) {
    t.true(DEFAULT_IGNORED_PARAMETERS.includes(name), name);
  }
});

const GOOD_OPTIONS: readonly {
  name: string;
  options: CacheOptions;
  check: (o: ReturnType<typeof normalizeOptions>) => unknown;
  expected: unknown;
}[] = [
  { name: 'memory backend', options: { backend: 'memory' }, check: (o) => o.backend, expected: 'memory' },
  { name: 'custom cacheName', options: { cacheName: 'x' }, check: (o) => o.cacheName, expected: 'x' },
  {
    name: 'serializer object',
    options: { serializer: jsonSerializer },
    check: (o) => o.serializer === jsonSerializer,
    expected: true,
  },
  {
    name: 'expireAfter string',
    options: { expireAfter: '15m' },
    check: (o) => o.settings.parsed.expireAfter,
    expected: { kind: 'relative', ms: 15 * MINUTE },
  },
  {
    name: 'staleIfError true',
    options: { staleIfError: true },
    check: (o) => o.settings.parsed.staleIfErrorMs,
    expected: Number.POSITIVE_INFINITY,
  },
  {
    name: 'staleIfError window',
    options: { staleIfError: '1m' },
    check: (o) => o.settings.parsed.staleIfErrorMs,
    expected: MINUTE,
  },
  {
    name: 'staleWhileRevalidate NEVER_EXPIRE',
    options: { staleWhileRevalidate: NEVER_EXPIRE },
    check: (o) => o.settings.parsed.staleWhileRevalidateMs,
    expected: Number.POSITIVE_INFINITY,
  },
  {
    name: 'staleWhileRevalidate 0',
    options: { staleWhileRevalidate: 0 },
    check: (o) => o.settings.parsed.staleWhileRevalidateMs,
    expected: 0,
  },
  {
    name: 'allowableMethods upper-cased',
    options: { allowableMethods: ['get', 'Post'] },
    check: (o) => o.settings.allowableMethods,
    expected: ['GET', 'POST'],
  },
  {
    name: 'allowableCodes as a Set',
    options: { allowableCodes: new Set([200, 404]) as unknown as number[] },
    check: (o) => o.settings.allowableCodes,
    expected: [200, 404],
  },
  {
    name: 'matchHeaders lower-cased',
    options: { matchHeaders: ['Accept', 'X-Foo'] },
    check: (o) => o.settings.matchHeaders,
    expected: ['accept', 'x-foo'],
  },
  {
    name: 'a Keyv instance backend',
    options: { backend: new Keyv() },
    check: (o) => o.backend instanceof Keyv,
    expected: true,
  },
  {
    name: 'a Keyv store backend',
    options: { backend: new Map() as never },
    check: (o) => o.backend instanceof Map,
    expected: true,
  },
  { name: 'a clock', options: { clock: () => 42 }, check: (o) => o.clock(), expected: 42 },
];

for (const row of GOOD_OPTIONS) {
  test(`normalizeOptions() accepts ${row.name}`, (t) => {
    t.deepEqual(row.check(normalizeOptions(row.options)), row.expected);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Bad values: one row per option, several values each

interface BadRow {
  option: keyof CacheOptions;
  values: readonly unknown[];
  /** The option name the error carries when it is not `option` (for example a URL pattern). */
  reported?: string;
  /** The value the message names, when it is not the whole value (for example one bad status code). */
  shown?: (value: unknown) => unknown;
}

const first = (value: unknown): unknown => (value as unknown[])[0];

const BAD_OPTIONS: readonly BadRow[] = [
  { option: 'backend', values: ['redis2', 'SQLite', '', 42, true, {}, [], () => undefined] },
  { option: 'cacheName', values: ['', 42, {}, false] },
  { option: 'backendOptions', values: ['url', [], 5, true] },
  {
    option: 'serializer',
    values: [
      'pickle',
      'JSON',
      'json+',
      'json+lz4',
      'gzip',
      42,
      {},
      { name: 'x', dumps: () => '' },
      { name: 'x', loads: () => ({}) },
      { dumps: () => '', loads: () => ({}) },
      { name: 1, dumps: () => '', loads: () => ({}) },
    ],
  },
  { option: 'clock', values: [5, 'now', {}, true] },
  {
    option: 'expireAfter',
    values: ['tomorrow', '', true, Number.NaN, Number.NEGATIVE_INFINITY, [], {}, { weeks: 1 }, new Date('x')],
  },
  { option: 'urlsExpireAfter', values: [[], 'site.com', 42, true] },
  {
    option: 'urlsExpireAfter',
    values: [{ '*.example.com': 'tomorrow' }, { '*.example.com': true }, { '*.example.com': [] }],
    reported: 'urlsExpireAfter["*.example.com"]',
    shown: (value) => (value as Record<string, unknown>)['*.example.com'],
  },
  { option: 'cacheControl', values: ['yes', 1, 0, null, {}] },
  { option: 'allowableCodes', values: [200, '200', {}, null] },
  {
    option: 'allowableCodes',
    values: [[99], [600], [1000], ['200'], [200.5], [Number.NaN], [-200]],
    shown: first,
  },
  { option: 'allowableMethods', values: ['GET', 42, null, {}] },
  { option: 'allowableMethods', values: [['GE T'], [''], [42], ['GET\n'], ['(GET)']], shown: first },
  { option: 'ignoredParameters', values: ['token', 42, null] },
  { option: 'ignoredParameters', values: [[''], [1], [null]], shown: first },
  { option: 'matchHeaders', values: ['accept', 1, null, {}] },
  { option: 'matchHeaders', values: [[''], [1]], shown: first },
  { option: 'filter', values: ['x', 42, {}, true] },
  { option: 'keyFn', values: ['x', 42, {}, true] },
  {
    option: 'staleIfError',
    values: [-5, '-1h', { seconds: -1 }, DO_NOT_CACHE, new Date(0), 'tomorrow', null, [], 'yes'],
  },
  { option: 'staleWhileRevalidate', values: [-5, '-1m', DO_NOT_CACHE, new Date(0), 'x', null] },
  { option: 'alwaysRevalidate', values: ['true', 1, null] },
  { option: 'readOnly', values: ['true', 1, null] },
  { option: 'onlyIfCached', values: ['true', 1, null] },
  { option: 'autoclose', values: ['false', 0, null] },
  { option: 'disabled', values: ['true', 1, null] },
];

for (const [rowIndex, row] of BAD_OPTIONS.entries()) {
  for (const [index, value] of row.values.entries()) {
    const reported = row.reported ?? row.option;
    test(`normalizeOptions() rejects ${reported} (${rowIndex}.${index}): ${describeValue(row.shown ? row.shown(value) : value)}`, (t) => {
      const error = t.throws(() => normalizeOptions({ [row.option]: value } as CacheOptions), {
        instanceOf: InvalidOptionError,
      });
      t.true(error instanceof ReqcacheError);
      t.is(error.code, 'ERR_INVALID_OPTION');
      t.is(error.option, reported);
      const shown = row.shown ? row.shown(value) : value;
      t.is(error.value, shown);
      t.true(error.message.includes(`"${reported}"`), error.message);
      t.true(error.message.includes(describeValue(shown)), error.message);
    });
  }
}

test('normalizeOptions() rejects a duration object with a bad field, naming the field', (t) => {
  const error = t.throws(() => normalizeOptions({ expireAfter: { hours: 'one' } as never }), {
    instanceOf: InvalidOptionError,
  });
  t.is(error.option, 'expireAfter.hours');
  t.regex(error.message, /"expireAfter\.hours": "one"/);
});

test('normalizeOptions() rejects what is not an options object', (t) => {
  for (const value of [null, 'memory', 42, []]) {
    const error = t.throws(() => normalizeOptions(value as never), { instanceOf: InvalidOptionError });
    t.is(error.option, 'options');
  }
});

const UNKNOWN_OPTIONS: readonly [name: string, suggestion: string | undefined][] = [
  ['expireAfterr', 'expireAfter'],
  ['expire_after', 'expireAfter'],
  ['cache_control', 'cacheControl'],
  ['backnd', 'backend'],
  ['allowableCode', 'allowableCodes'],
  ['staleIfErorr', 'staleIfError'],
  ['readonly', 'readOnly'],
  ['zzzzzzzz', undefined],
];

for (const [name, suggestion] of UNKNOWN_OPTIONS) {
  test(`normalizeOptions() rejects the unknown option ${name}`, (t) => {
    const error = t.throws(() => normalizeOptions({ backend: 'memory', [name]: 1 } as CacheOptions), {
      instanceOf: UnknownOptionError,
    });
    t.is(error.code, 'ERR_UNKNOWN_OPTION');
    t.is(error.option, name);
    t.true(error.message.includes(`"${name}"`));
    if (suggestion === undefined) t.false(error.message.includes('did you mean'), error.message);
    else t.true(error.message.includes(`did you mean "${suggestion}"?`), error.message);
  });
}

// ---------------------------------------------------------------------------------------------------------
// normalizeRequestOptions

const NO_OPTIONS: ParsedRequestOptions = {
  expireAfter: undefined,
  onlyIfCached: false,
  refresh: false,
  forceRefresh: false,
  disabled: false,
};

const GOOD_REQUEST_OPTIONS: readonly [
  name: string,
  input: RequestCacheOptions | undefined,
  expected: ParsedRequestOptions,
][] = [
  ['undefined', undefined, NO_OPTIONS],
  ['empty', {}, NO_OPTIONS],
  [
    'expireAfter seconds',
    { expireAfter: 60 },
    { ...NO_OPTIONS, expireAfter: { kind: 'relative', ms: MINUTE } },
  ],
  [
    'expireAfter DO_NOT_CACHE',
    { expireAfter: DO_NOT_CACHE },
    { ...NO_OPTIONS, expireAfter: { kind: 'do-not-cache' } },
  ],
  [
    'expireAfter NEVER_EXPIRE',
    { expireAfter: NEVER_EXPIRE },
    { ...NO_OPTIONS, expireAfter: { kind: 'never' } },
  ],
  [
    'expireAfter EXPIRE_IMMEDIATELY',
    { expireAfter: EXPIRE_IMMEDIATELY },
    { ...NO_OPTIONS, expireAfter: { kind: 'relative', ms: 0 } },
  ],
  ['expireAfter undefined', { expireAfter: undefined } as unknown as RequestCacheOptions, NO_OPTIONS],
  ['onlyIfCached', { onlyIfCached: true }, { ...NO_OPTIONS, onlyIfCached: true }],
  ['refresh', { refresh: true }, { ...NO_OPTIONS, refresh: true }],
  ['forceRefresh', { forceRefresh: true }, { ...NO_OPTIONS, forceRefresh: true }],
  ['disabled', { disabled: true }, { ...NO_OPTIONS, disabled: true }],
  ['explicit false flags', { refresh: false, disabled: false }, NO_OPTIONS],
  [
    'everything',
    { expireAfter: '1h', onlyIfCached: true, refresh: true, forceRefresh: true, disabled: true },
    {
      expireAfter: { kind: 'relative', ms: 60 * MINUTE },
      onlyIfCached: true,
      refresh: true,
      forceRefresh: true,
      disabled: true,
    },
  ],
];

for (const [name, input, expected] of GOOD_REQUEST_OPTIONS) {
  test(`normalizeRequestOptions() accepts ${name}`, (t) => {
    const parsed = normalizeRequestOptions(input);
    t.deepEqual(parsed, expected);
    t.true(Object.isFrozen(parsed), 'parsed options are frozen, so the engine recognizes them');
  });
}

const BAD_REQUEST_OPTIONS: readonly [
  name: string,
  input: unknown,
  option: string,
  error: typeof InvalidOptionError | typeof UnknownOptionError,
][] = [
  ['a string', 'no-cache', 'request cache options', InvalidOptionError],
  ['an array', [], 'request cache options', InvalidOptionError],
  ['a number', 60, 'request cache options', InvalidOptionError],
  ['unknown option', { expireAfterr: 60 }, 'expireAfterr', UnknownOptionError],
  ['unknown option (cache mode)', { cache: 'no-store' }, 'cache', UnknownOptionError],
  ['refresh not boolean', { refresh: 'yes' }, 'refresh', InvalidOptionError],
  ['forceRefresh not boolean', { forceRefresh: 1 }, 'forceRefresh', InvalidOptionError],
  ['onlyIfCached not boolean', { onlyIfCached: null }, 'onlyIfCached', InvalidOptionError],
  ['disabled not boolean', { disabled: 'true' }, 'disabled', InvalidOptionError],
  ['bad expireAfter string', { expireAfter: 'tomorrow' }, 'expireAfter', InvalidOptionError],
  ['bad expireAfter type', { expireAfter: true }, 'expireAfter', InvalidOptionError],
  ['bad expireAfter NaN', { expireAfter: Number.NaN }, 'expireAfter', InvalidOptionError],
];

for (const [name, input, option, errorClass] of BAD_REQUEST_OPTIONS) {
  test(`normalizeRequestOptions() rejects ${name}`, (t) => {
    const error = t.throws(() => normalizeRequestOptions(input as RequestCacheOptions), {
      instanceOf: errorClass,
    });
    t.is(error.option, option);
    t.true(error.message.includes(`"${option}"`), error.message);
  });
}

test('normalizeRequestOptions() suggests the option and names the scope', (t) => {
  const error = t.throws(() => normalizeRequestOptions({ forceRefesh: true } as never, 'init.cacheOptions'), {
    instanceOf: UnknownOptionError,
  });
  t.regex(error.message, /in init\.cacheOptions \(did you mean "forceRefresh"\?\)/);
});

test('the engine accepts request options that normalizeRequestOptions() already parsed', async (t) => {
  const engine = new CacheEngine({ backend: 'memory' });
  t.teardown(() => engine.cache.close());
  const parsed = normalizeRequestOptions({ expireAfter: 60, refresh: true });
  const lookup = await engine.lookup({ method: 'GET', url: 'http://127.0.0.1:1/a', headers: {} }, parsed);
  t.is(lookup.state, 'miss');
  t.deepEqual(lookup.ctx?.expiration, { expireAfter: { kind: 'relative', ms: MINUTE }, source: 'request' });
});

// ---------------------------------------------------------------------------------------------------------
// CacheSettings at run time

const SETTING_CHANGES: readonly {
  name: keyof SettingsOptions;
  value: unknown;
  read: (s: CacheSettings) => unknown;
  expected: unknown;
}[] = [
  {
    name: 'expireAfter',
    value: '10m',
    read: (s) => s.parsed.expireAfter,
    expected: { kind: 'relative', ms: 10 * MINUTE },
  },
  {
    name: 'urlsExpireAfter',
    value: { 'a.com': 1 },
    read: (s) => s.parsed.urlPatterns.map((p) => p.pattern),
    expected: ['a.com'],
  },
  { name: 'cacheControl', value: true, read: (s) => s.cacheControl, expected: true },
  { name: 'allowableCodes', value: [200, 203], read: (s) => s.allowableCodes, expected: [200, 203] },
  { name: 'allowableMethods', value: ['post'], read: (s) => s.allowableMethods, expected: ['POST'] },
  { name: 'ignoredParameters', value: ['token'], read: (s) => s.ignoredParameters, expected: ['token'] },
  { name: 'matchHeaders', value: ['Accept'], read: (s) => s.matchHeaders, expected: ['accept'] },
  { name: 'staleIfError', value: '1d', read: (s) => s.parsed.staleIfErrorMs, expected: 24 * 60 * MINUTE },
  {
    name: 'staleWhileRevalidate',
    value: true,
    read: (s) => s.parsed.staleWhileRevalidateMs,
    expected: Number.POSITIVE_INFINITY,
  },
  { name: 'alwaysRevalidate', value: true, read: (s) => s.alwaysRevalidate, expected: true },
  { name: 'readOnly', value: true, read: (s) => s.readOnly, expected: true },
  { name: 'onlyIfCached', value: true, read: (s) => s.onlyIfCached, expected: true },
  { name: 'autoclose', value: false, read: (s) => s.autoclose, expected: false },
  { name: 'disabled', value: true, read: (s) => s.disabled, expected: true },
];

for (const row of SETTING_CHANGES) {
  test(`CacheSettings: assigning ${row.name} is validated and takes effect`, (t) => {
    const settings = new CacheSettings();
    (settings as unknown as Record<string, unknown>)[row.name] = row.value;
    t.deepEqual(row.read(settings), row.expected);
    t.deepEqual(settings.toJSON(), { [row.name]: row.value });
  });
}

const BAD_ASSIGNMENTS: readonly [name: keyof SettingsOptions, good: unknown, bad: unknown][] = [
  ['expireAfter', 60, 'tomorrow'],
  ['urlsExpireAfter', { 'a.com': 60 }, { 'b.com': 'soon' }],
  ['cacheControl', true, 'yes'],
  ['allowableCodes', [200, 404], [200, 700]],
  ['allowableMethods', ['GET', 'POST'], ['G ET']],
  ['ignoredParameters', ['token'], [1]],
  ['matchHeaders', ['accept'], 'accept'],
  ['filter', () => true, 'yes'],
  ['keyFn', () => 'k', 42],
  ['staleIfError', '1h', -1000],
  ['staleWhileRevalidate', true, DO_NOT_CACHE],
  ['alwaysRevalidate', true, 1],
  ['readOnly', true, 'no'],
  ['onlyIfCached', true, 0],
  ['autoclose', false, 'false'],
  ['disabled', true, null],
];

for (const [name, good, bad] of BAD_ASSIGNMENTS) {
  test(`CacheSettings: an invalid ${name} throws and keeps the previous value`, (t) => {
    const settings = new CacheSettings({ [name]: good });
    const record = settings as unknown as Record<string, unknown>;
    const before = record[name];
    const parsedBefore = JSON.stringify({
      ...settings.parsed,
      allowableCodes: [...settings.parsed.allowableCodes],
      allowableMethods: [...settings.parsed.allowableMethods],
    });
    const error = t.throws(
      () => {
        record[name] = bad;
      },
      { instanceOf: InvalidOptionError },
    );
    t.true(error.option?.startsWith(name), error.option);
    t.deepEqual(record[name], before);
    t.is(
      JSON.stringify({
        ...settings.parsed,
        allowableCodes: [...settings.parsed.allowableCodes],
        allowableMethods: [...settings.parsed.allowableMethods],
      }),
      parsedBefore,
    );
  });
}

test('CacheSettings: assigning undefined restores the default', (t) => {
  const settings = new CacheSettings({ expireAfter: 60, allowableCodes: [200, 404], filter: () => true });
  const record = settings as unknown as Record<string, unknown>;
  record['expireAfter'] = undefined;
  record['allowableCodes'] = undefined;
  settings.filter = undefined;
  t.is(settings.expireAfter, NEVER_EXPIRE);
  t.deepEqual(settings.allowableCodes, [200]);
  t.is(settings.filter, undefined);
  t.deepEqual(settings.toJSON(), {});
});

test('CacheSettings.toJSON() lists only the settings that differ from the defaults', (t) => {
  const filter = (): boolean => true;
  const settings = new CacheSettings({ expireAfter: '1h', cacheControl: true, filter });
  t.deepEqual(settings.toJSON(), { expireAfter: '1h', cacheControl: true, filter });
  settings.cacheControl = false;
  settings.staleIfError = '5m';
  t.deepEqual(settings.toJSON(), { expireAfter: '1h', filter, staleIfError: '5m' });
});

test('CacheSettings.toJSON() leaves out values equal to the defaults', (t) => {
  const settings = new CacheSettings({
    allowableCodes: [200],
    allowableMethods: ['GET', 'HEAD'],
    urlsExpireAfter: {},
    readOnly: false,
    expireAfter: -1,
  });
  t.deepEqual(settings.toJSON(), {});
  settings.allowableCodes = [200];
  settings.ignoredParameters = [...DEFAULT_IGNORED_PARAMETERS];
  t.deepEqual(settings.toJSON(), {});
});

test('CacheSettings changed at run time take effect on the next engine lookup', async (t) => {
  const engine = new CacheEngine({ backend: 'memory' });
  t.teardown(() => engine.cache.close());
  const request = { method: 'POST', url: 'http://127.0.0.1:1/post', headers: {} };
  t.is((await engine.lookup(request)).state, 'bypass');
  engine.settings.allowableMethods = ['GET', 'POST'];
  t.is((await engine.lookup(request)).state, 'miss');
  t.throws(() => {
    engine.settings.allowableMethods = ['P OST'];
  });
  t.is((await engine.lookup(request)).state, 'miss');
});

// ---------------------------------------------------------------------------------------------------------
// .settings refuses what it cannot do (issue 18, point 2)

/** The settings as plain JavaScript sees them: any name can be assigned. */
const loose = (settings: CacheSettings): Record<string, unknown> =>
  settings as unknown as Record<string, unknown>;

test('settings: an unknown name throws UnknownOptionError with "did you mean" and adds nothing', (t) => {
  const settings = new CacheSettings();
  const error = t.throws(
    () => {
      loose(settings)['expireAftr'] = 5;
    },
    { instanceOf: UnknownOptionError },
  );
  t.is(error?.code, 'ERR_UNKNOWN_OPTION');
  t.is(error?.option, 'expireAftr');
  t.is(error?.message, 'Unknown option "expireAftr" in settings (did you mean "expireAfter"?)');
  t.false('expireAftr' in settings);
  t.is(settings.expireAfter, NEVER_EXPIRE);
});

for (const [name, value] of [
  ['backend', 'redis'],
  ['cacheName', 'other'],
  ['backendOptions', {}],
  ['maxEntries', -3],
  ['maxBytes', 1024],
  ['serializer', 'yaml'],
  ['clock', () => 0],
] as const) {
  test(`settings: the construction-only ${name} throws ConstructionOnlyOptionError`, (t) => {
    const settings = new CacheSettings();
    const error = t.throws(
      () => {
        loose(settings)[name] = value;
      },
      { instanceOf: ConstructionOnlyOptionError },
    );
    t.true(error instanceof ReqcacheError);
    t.is(error?.code, 'ERR_CONSTRUCTION_ONLY_OPTION');
    t.is(error?.option, name);
    t.is(error?.value, value);
    t.regex(error?.message ?? '', new RegExp(`^Option "${name}" is fixed when the cache is created`));
    t.false(Object.hasOwn(settings, name));
  });
}

test('settings: Object.assign and Object.defineProperty go through the same checks', (t) => {
  const settings = new CacheSettings();
  t.throws(() => Object.assign(settings, { expireAfter: '1h', readonly: true }), {
    instanceOf: UnknownOptionError,
    message: /did you mean "readOnly"/,
  });
  t.is(settings.expireAfter, '1h', 'the names before the bad one were assigned, as Object.assign does');
  t.throws(() => Object.assign(settings, { maxEntryBytes: -3 }), { instanceOf: InvalidOptionError });
  t.throws(() => Object.defineProperty(settings, 'expireAfter', { value: 5 }), { instanceOf: TypeError });
  t.throws(() => Object.defineProperty(settings, 'serializer', { value: 'yaml' }), {
    instanceOf: ConstructionOnlyOptionError,
  });
  t.is(settings.expireAfter, '1h');
  t.is(settings.maxEntryBytes, 10 * 1024 * 1024);
});

test('settings: util.inspect and console.log show every current value', (t) => {
  const settings = new CacheSettings({ expireAfter: '5m' });
  settings.allowableCodes = [200, 404];
  settings.readOnly = true;
  const shown = inspect(settings, { breakLength: Number.POSITIVE_INFINITY });
  t.regex(
    shown,
    /^CacheSettings \{ expireAfter: '5m', urlsExpireAfter: \{\}, cacheControl: false, allowableCodes: \[ 200, 404 \],/,
  );
  t.regex(shown, /readOnly: true/);
  t.regex(shown, /autoclose: true/);
  t.regex(shown, /maxEntryBytes: 10485760/);
  t.regex(inspect({ settings }, { depth: 0 }), /settings: \[CacheSettings\]/);
  t.deepEqual(JSON.parse(JSON.stringify(settings)), {
    expireAfter: '5m',
    allowableCodes: [200, 404],
    readOnly: true,
  });
  t.true(settings instanceof CacheSettings);
});

test('settings: a known setting still validates and takes effect, plain JavaScript or not', (t) => {
  const settings = new CacheSettings();
  loose(settings)['expireAfter'] = '2h';
  t.deepEqual(settings.parsed.expireAfter, { kind: 'relative', ms: 120 * MINUTE });
  t.throws(
    () => {
      loose(settings)['expireAfter'] = -5;
    },
    { instanceOf: InvalidOptionError, message: /"expireAfter": -5/ },
  );
  t.throws(
    () => {
      loose(settings)['expireAfter'] = '15M';
    },
    { instanceOf: InvalidOptionError, message: /lower-case units/ },
  );
  t.is(settings.expireAfter, '2h');
});

// ---------------------------------------------------------------------------------------------------------
// ignoredParameters that add to the defaults (issue 18, point 7)

function debugLines(): { lines: string[]; log: (message: string, ...args: unknown[]) => void } {
  const lines: string[] = [];
  return { lines, log: (message, ...args) => lines.push(format(message, ...args)) };
}

test('ignoredParameters: spreading DEFAULT_IGNORED_PARAMETERS keeps the defaults and logs nothing', (t) => {
  const { lines, log } = debugLines();
  const settings = new CacheSettings({ ignoredParameters: [...DEFAULT_IGNORED_PARAMETERS, 'token'] }, log);
  t.deepEqual(settings.ignoredParameters, [...DEFAULT_IGNORED_PARAMETERS, 'token']);
  new CacheSettings({}, log);
  t.deepEqual(lines, []);
});

test('ignoredParameters: a user list without Authorization logs one debug warning per client', (t) => {
  const { lines, log } = debugLines();
  const settings = new CacheSettings({ ignoredParameters: ['token'] }, log);
  settings.ignoredParameters = ['other'];
  settings.ignoredParameters = ['authorization'];
  t.is(lines.length, 1);
  t.is(
    lines[0],
    'warning: ignoredParameters ["token"] replaces the defaults and leaves out Authorization, so its value is stored as sent (not REDACTED); to add names to the defaults use [...DEFAULT_IGNORED_PARAMETERS, "token"]',
  );
});

test('ignoredParameters: dropping Authorization at run time logs the warning too', (t) => {
  const { lines, log } = debugLines();
  const settings = new CacheSettings({}, log);
  settings.ignoredParameters = ['Authorization', 'token'];
  t.deepEqual(lines, []);
  settings.ignoredParameters = [];
  t.is(lines.length, 1);
  t.regex(lines[0] ?? '', /ignoredParameters \[\] replaces the defaults and leaves out Authorization/);
});
