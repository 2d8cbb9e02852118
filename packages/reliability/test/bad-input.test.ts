/**
 * Bad input, by property-based tests (fast-check). Core's own tests already cover parseCacheControl,
 * parseHttpDate, parseExpireAfter and createKey on arbitrary strings; these extend them to what reaches
 * them in practice: header arrays, raw latin1 bytes, arbitrary reference clocks, whole responses with
 * arbitrary caching headers through the engine, credential headers in keys, and every option name
 * given any value at construction and at run time.
 */
import {
  BACKEND_NAMES,
  CacheEngine,
  type CacheEntry,
  CacheSettings,
  createKey,
  getHeader,
  InvalidOptionError,
  type NetworkResponse,
  normalizeUrl,
  parseCacheControl,
  parseExpireAfter,
  parseHttpDate,
  toRequestHeaders,
  toResponseHeaders,
  UnknownOptionError,
} from '@reqcache/core';
import { redactUrl } from '@reqcache/core/internal';
import test from 'ava';
import fc from 'fast-check';

/** Option names that are fixed at construction (the others are the run-time settings). */
const CONSTRUCTION_OPTIONS = ['backend', 'cacheName', 'backendOptions', 'serializer', 'clock'];

/** Every run-time setting: the accessors of `CacheSettings` (so a new setting is covered at once). */
const SETTINGS = Object.entries(Object.getOwnPropertyDescriptors(CacheSettings.prototype))
  .filter(([name, descriptor]) => descriptor.set !== undefined && name !== 'parsed')
  .map(([name]) => name);

const ALL_OPTIONS = [...SETTINGS, ...CONSTRUCTION_OPTIONS];

/** Any value, including the odd ones (boxed, null-prototype, sparse arrays, typed arrays, Map, Set). */
const anyValue = fc.oneof(
  fc.anything({
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withSparseArray: true,
    withTypedArray: true,
    withBigInt: true,
    withDate: true,
    withObjectString: true,
  }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 0, -0, 1.5, '', ' ', new Date(Number.NaN)),
  fc.func(fc.anything()),
);

function isTypedOptionError(error: unknown): boolean {
  return error instanceof InvalidOptionError || error instanceof UnknownOptionError;
}

test('bad input: the option list covers every setting, and each is known to the constructor', (t) => {
  t.true(SETTINGS.includes('expireAfter'));
  t.true(SETTINGS.includes('separateCredentials'));
  t.true(SETTINGS.includes('maxEntryBytes'));
  for (const name of ALL_OPTIONS) {
    // (No backend would be the default SQLite file in the working directory.)
    if (name === 'backend') continue;
    const engine = new CacheEngine({ backend: 'memory', [name]: undefined });
    void engine.cache.close();
  }
  const error = t.throws(() => new CacheEngine({ backend: 'memory', expireAftr: 1 } as never));
  t.true(error instanceof UnknownOptionError);
});

test('bad input: every option given any value at construction is accepted or a typed InvalidOptionError/UnknownOptionError, never another error', async (t) => {
  const engines: CacheEngine[] = [];
  fc.assert(
    fc.property(fc.constantFrom(...ALL_OPTIONS), anyValue, (name, value) => {
      // A valid backend name opens a real store (a file or a server): not what this test is about.
      // (So does no backend at all: the default SQLite file in the working directory.)
      fc.pre(
        !(
          name === 'backend' &&
          (value === undefined ||
            value === null ||
            (typeof value === 'string' && BACKEND_NAMES.includes(value as never)))
        ),
      );
      const options: Record<string, unknown> = { backend: 'memory', [name]: value };
      try {
        engines.push(new CacheEngine(options as never));
        return true;
      } catch (error) {
        return isTypedOptionError(error);
      }
    }),
    { numRuns: 3000 },
  );
  fc.assert(
    fc.property(fc.string(), anyValue, (name, value) => {
      fc.pre(!ALL_OPTIONS.includes(name));
      try {
        engines.push(new CacheEngine({ backend: 'memory', [name]: value } as never));
        return false;
      } catch (error) {
        return error instanceof UnknownOptionError && error.option === name;
      }
    }),
    { numRuns: 500 },
  );
  await Promise.all(engines.map((engine) => engine.cache.close()));
  t.pass();
});

test('bad input: every setting changed at run time to any value is accepted or an InvalidOptionError, and a rejected value changes nothing', async (t) => {
  const engine = new CacheEngine({ backend: 'memory' });
  t.teardown(() => engine.cache.close());
  const settings = engine.settings as unknown as Record<string, unknown>;
  fc.assert(
    fc.property(fc.constantFrom(...SETTINGS), anyValue, (name, value) => {
      const before = JSON.stringify(engine.settings.toJSON(), (_k, v: unknown) =>
        typeof v === 'bigint' ? String(v) : v,
      );
      try {
        settings[name] = value;
      } catch (error) {
        const after = JSON.stringify(engine.settings.toJSON(), (_k, v: unknown) =>
          typeof v === 'bigint' ? String(v) : v,
        );
        return error instanceof InvalidOptionError && after === before;
      } finally {
        settings[name] = undefined;
      }
      return true;
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

/** Header values as Node delivers them: latin1 text (any byte 0x00–0xff but CR/LF). */
const latin1Value = fc
  .uint8Array({ maxLength: 60 })
  .map((bytes) => Buffer.from(bytes.filter((byte) => byte !== 10 && byte !== 13)).toString('latin1'));
const headerValue = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), latin1Value);

test('bad input: parseCacheControl never throws on repeated header fields (arrays), null or latin1 bytes', (t) => {
  fc.assert(
    fc.property(
      fc.oneof(
        headerValue,
        fc.array(headerValue, { maxLength: 5 }),
        fc.constantFrom(undefined, null, [] as string[]),
      ),
      (value) => {
        const result = parseCacheControl(value);
        return typeof result === 'object' && result !== null;
      },
    ),
    { numRuns: 3000 },
  );
  t.pass();
});

test('bad input: parseHttpDate never throws and returns a finite number or undefined, whatever the reference clock', (t) => {
  fc.assert(
    fc.property(
      fc.oneof(
        headerValue,
        fc.date({ noInvalidDate: true }).map((date) => date.toUTCString()),
      ),
      fc.oneof(fc.constant(undefined), fc.double(), fc.integer()),
      (value, nowMs) => {
        const result = parseHttpDate(value, nowMs);
        return result === undefined || Number.isFinite(result);
      },
    ),
    { numRuns: 3000 },
  );
  t.pass();
});

test('bad input: parseExpireAfter on hostile shapes (boxed, null-prototype, typed arrays, Map, functions) is a result or an InvalidOptionError', (t) => {
  fc.assert(
    fc.property(anyValue, (value) => {
      try {
        const parsed = parseExpireAfter(value, 'expireAfter');
        return typeof parsed === 'object' && parsed !== null && typeof parsed.kind === 'string';
      } catch (error) {
        return error instanceof InvalidOptionError;
      }
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

test('bad input: normalizeUrl, redactUrl and the header helpers never throw on any text', (t) => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc.webUrl({ withQueryParameters: true, withFragments: true }),
      ),
      fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 4 }),
      (url, ignored) => {
        const normalized = normalizeUrl(url, ignored);
        const redacted = redactUrl(url, ignored);
        return typeof normalized === 'string' && typeof redacted === 'string';
      },
    ),
    { numRuns: 3000 },
  );
  fc.assert(
    fc.property(
      fc.dictionary(
        fc.string({ maxLength: 10 }),
        fc.oneof(headerValue, fc.array(headerValue, { maxLength: 3 })),
      ),
      (headers) => {
        const request = toRequestHeaders(headers);
        const response = toResponseHeaders(headers);
        getHeader(response, 'cache-control');
        return typeof request === 'object' && typeof response === 'object';
      },
    ),
    { numRuns: 2000 },
  );
  t.pass();
});

test('bad input: createKey with credential separation never throws, is a hash, and separates different credentials (shared when off)', (t) => {
  const credential = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });
  fc.assert(
    fc.property(
      fc.constantFrom('authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'x-auth-token'),
      credential,
      credential,
      fc.webUrl({ withQueryParameters: true }),
      fc.oneof(fc.boolean(), fc.constant(['accept', 'authorization'] as const)),
      (name, one, two, url, matchHeaders) => {
        const options = {
          ignoredParameters: ['Authorization', 'Proxy-Authorization', 'X-API-Key', 'X-Auth-Token', 'Cookie'],
          matchHeaders,
          separateCredentials: true,
        };
        const keyOne = createKey({ method: 'GET', url, headers: { [name]: one } }, options);
        const keyTwo = createKey({ method: 'GET', url, headers: { [name]: two } }, options);
        const shared = createKey(
          { method: 'GET', url, headers: { [name]: one } },
          { ...options, separateCredentials: false },
        );
        return (
          /^[0-9a-f]{64}$/.test(keyOne) &&
          (one === two) === (keyOne === keyTwo) &&
          shared ===
            createKey(
              { method: 'GET', url, headers: { [name]: two } },
              { ...options, separateCredentials: false },
            )
        );
      },
    ),
    { numRuns: 2000 },
  );
  t.pass();
});

// ---- the engine, end to end, on arbitrary caching headers ------------------------------------------

const CACHING_HEADERS = [
  'cache-control',
  'expires',
  'date',
  'age',
  'last-modified',
  'etag',
  'vary',
  'pragma',
  'content-length',
  'content-type',
  'content-encoding',
  'set-cookie',
];

const responseHeaders = fc.dictionary(
  fc.constantFrom(...CACHING_HEADERS),
  fc.oneof(
    headerValue,
    fc.array(headerValue, { minLength: 1, maxLength: 3 }),
    fc.constantFrom(
      'max-age=60',
      'no-store',
      'max-age=-1',
      'Thu, 01 Jan 1970 00:00:00 GMT',
      '*',
      '99999999999999999999',
    ),
  ),
  { maxKeys: 6 },
);

test('bad input: the engine never throws on any caching header values, and always answers with a defined outcome', async (t) => {
  const engines = [false, true].map((cacheControl) => new CacheEngine({ backend: 'memory', cacheControl }));
  t.teardown(() => Promise.all(engines.map((engine) => engine.cache.close())));
  for (const engine of engines) engine.on('error', () => {});
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(
      responseHeaders,
      fc.dictionary(
        fc.constantFrom('cache-control', 'pragma', 'if-none-match', 'authorization', 'cookie'),
        headerValue,
        {
          maxKeys: 3,
        },
      ),
      fc.integer({ min: 100, max: 599 }),
      async (headers, requestHeaders, status) => {
        runs++;
        const engine = engines[runs % 2]!;
        const request = {
          method: 'GET',
          url: `http://127.0.0.1:1/fuzz/${runs % 7}`,
          headers: requestHeaders,
        };
        const body = new Uint8Array([1, 2, 3]);
        const response: NetworkResponse<null> = {
          status,
          statusText: 'Fuzz',
          headers,
          url: request.url,
          readBody: async () => body,
          raw: null,
        };
        const lookup = await engine.lookup(request);
        const outcome = await engine.handleResponse(lookup, response);
        const again = await engine.lookup(request);
        if (outcome === undefined || again === undefined || typeof again.state !== 'string') return false;
        if (outcome.source === 'cache') return (outcome.entry as CacheEntry).body instanceof Uint8Array;
        return outcome.source === 'network' || outcome.source === 'not-cached';
      },
    ),
    { numRuns: 1500 },
  );
  t.true(runs >= 1500);
});
