import { gunzipSync, gzipSync } from 'node:zlib';
import test from 'ava';
import type { CacheEntry } from '../src/entry.js';
import { ReqcacheError } from '../src/errors.js';
import {
  entryStage,
  jsonSerializer,
  jsonStage,
  type Serializer,
  SerializerPipeline,
  type Stage,
  withOwnMemo,
} from '../src/serializer.js';
import { makeEntry, T0 } from './helpers/entry.js';

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

/** A CacheEntry using every field: binary body, request body, set-cookie list, redirect history. */
function fullEntry(): CacheEntry {
  return makeEntry({
    status: 203,
    statusText: 'Non-Authoritative Information',
    headers: {
      'content-type': 'application/octet-stream',
      'set-cookie': ['a=1; Path=/', 'b=2; HttpOnly'],
      etag: '"é-ünïcode"',
    },
    body: ALL_BYTES.slice(),
    url: 'https://example.com/final?x=1',
    request: {
      method: 'POST',
      url: 'https://example.com/start?api_key=REDACTED',
      headers: { 'content-type': 'application/json', authorization: 'REDACTED' },
      body: new TextEncoder().encode('{"a":1,"b":[1,2]}'),
    },
    history: [
      { url: 'https://example.com/start', status: 301 },
      { url: 'https://example.com/middle', status: 302 },
    ],
    createdAt: T0,
    expiresAt: null,
    requestedAt: T0 - 5,
    receivedAt: T0 + 7,
  });
}

function assertSameEntry(
  t: { deepEqual: (a: unknown, b: unknown) => void },
  actual: CacheEntry,
  expected: CacheEntry,
) {
  t.deepEqual(
    {
      ...actual,
      body: [...actual.body],
      request: { ...actual.request, body: actual.request.body && [...actual.request.body] },
    },
    {
      ...expected,
      body: [...expected.body],
      request: { ...expected.request, body: expected.request.body && [...expected.request.body] },
    },
  );
}

test('jsonSerializer round-trips a full entry byte-exact', (t) => {
  const entry = fullEntry();
  const data = jsonSerializer.dumps(entry);
  t.is(typeof data, 'string');
  const back = jsonSerializer.loads(data);
  assertSameEntry(t, back, entry);
  t.true(back.body instanceof Uint8Array);
  t.is(back.body.byteLength, 256);
  t.is(back.expiresAt, null);
});

test('jsonSerializer reads its own output given as UTF-8 bytes', (t) => {
  const entry = fullEntry();
  const bytes = new TextEncoder().encode(jsonSerializer.dumps(entry) as string);
  assertSameEntry(t, jsonSerializer.loads(bytes), entry);
});

test('jsonSerializer round-trips an entry with an expiration, an empty body and no request body', (t) => {
  const entry = makeEntry({ body: new Uint8Array(), expiresAt: T0 + 60_000 });
  const back = jsonSerializer.loads(jsonSerializer.dumps(entry));
  assertSameEntry(t, back, entry);
  t.false('body' in back.request);
});

test('jsonSerializer leaves an empty request body out', (t) => {
  const entry = makeEntry();
  entry.request.body = new Uint8Array();
  const back = jsonSerializer.loads(jsonSerializer.dumps(entry));
  t.is(back.request.body, undefined);
});

test('decoded bodies own their memory (no view into a shared buffer pool)', (t) => {
  const back = jsonSerializer.loads(jsonSerializer.dumps(fullEntry()));
  for (const bytes of [back.body, back.request.body!]) {
    t.is(bytes.byteOffset, 0);
    t.is(bytes.buffer.byteLength, bytes.byteLength);
  }
});

test('jsonSerializer reads a serialized entry twice into independent objects', (t) => {
  const data = jsonSerializer.dumps(fullEntry());
  const first = jsonSerializer.loads(data);
  first.body[0] = 99;
  first.headers['x'] = 'changed';
  const second = jsonSerializer.loads(data);
  t.is(second.body[0], 0);
  t.is(second.headers['x'], undefined);
});

// ---------------------------------------------------------------------------------------------------------
// A custom pipeline: entry → JSON → UTF-8 bytes → gzip

const utf8Stage: Stage<string, Buffer> = {
  name: 'utf8',
  dumps: (text) => Buffer.from(text, 'utf8'),
  loads: (bytes) => Buffer.from(bytes).toString('utf8'),
};

const gzipStage: Stage<Uint8Array, Uint8Array> = {
  name: 'gzip',
  dumps: (bytes) => gzipSync(bytes),
  loads: (bytes) => gunzipSync(bytes),
};

test('a SerializerPipeline with a gzip stage round-trips', (t) => {
  const pipeline = new SerializerPipeline([entryStage, jsonStage, utf8Stage, gzipStage]);
  t.is(pipeline.name, 'entry+json+utf8+gzip');
  const entry = fullEntry();
  const data = pipeline.dumps(entry);
  t.true(data instanceof Uint8Array);
  t.deepEqual([...(data as Uint8Array).subarray(0, 2)], [0x1f, 0x8b], 'gzip magic');
  assertSameEntry(t, pipeline.loads(data), entry);
});

test('a SerializerPipeline takes an explicit name and names unnamed stages', (t) => {
  t.is(new SerializerPipeline([entryStage, jsonStage], 'json+x').name, 'json+x');
  const anonymous: Stage = { dumps: (v) => v, loads: (v) => v };
  t.is(new SerializerPipeline([entryStage, anonymous, jsonStage]).name, 'entry+stage1+json');
});

test('a SerializerPipeline needs a stage', (t) => {
  t.throws(() => new SerializerPipeline([]), { instanceOf: TypeError });
});

test('a gzip pipeline reports corrupt bytes as ERR_CACHE_DESERIALIZE', (t) => {
  const pipeline = new SerializerPipeline([entryStage, jsonStage, utf8Stage, gzipStage]);
  const error = t.throws(() => pipeline.loads(new Uint8Array([1, 2, 3])), { instanceOf: ReqcacheError });
  t.is(error.code, 'ERR_CACHE_DESERIALIZE');
  t.truthy(error.cause);
});

// ---------------------------------------------------------------------------------------------------------
// Decode failures

const good = JSON.parse(jsonSerializer.dumps(fullEntry()) as string) as Record<string, unknown>;
const withField = (name: string, value: unknown): string => JSON.stringify({ ...good, [name]: value });
const without = (name: string): string => {
  const copy = { ...good };
  delete copy[name];
  return JSON.stringify(copy);
};

const BAD_DATA: readonly [name: string, data: string | Uint8Array][] = [
  ['truncated JSON', (jsonSerializer.dumps(fullEntry()) as string).slice(0, 40)],
  ['garbage', 'not json at all'],
  ['garbage bytes', new Uint8Array([0xff, 0xfe, 0x00, 0x01])],
  ['empty string', ''],
  ['wrong version 2', withField('v', 2)],
  ['wrong version "1"', withField('v', '1')],
  ['no version', without('v')],
  ['status as a string', withField('status', '200')],
  ['status out of range', withField('status', 42)],
  ['status fractional', withField('status', 200.5)],
  ['statusText missing', without('statusText')],
  ['headers as a number', withField('headers', 42)],
  ['headers as an array', withField('headers', [])],
  ['a header value as a number', withField('headers', { 'content-length': 5 })],
  ['a header list with a number', withField('headers', { 'set-cookie': ['a', 1] })],
  ['body missing', without('body')],
  ['body as bytes array', withField('body', [1, 2, 3])],
  ['url missing', without('url')],
  ['request missing', without('request')],
  ['request without method', withField('request', { url: 'u', headers: {} })],
  ['request headers with a list', withField('request', { method: 'GET', url: 'u', headers: { a: ['x'] } })],
  ['request body as a number', withField('request', { method: 'GET', url: 'u', headers: {}, body: 5 })],
  ['history not a list', withField('history', {})],
  ['history hop without status', withField('history', [{ url: 'u' }])],
  ['createdAt as a string', withField('createdAt', '2026-11-21')],
  ['expiresAt as a string', withField('expiresAt', 'never')],
  ['requestedAt missing', without('requestedAt')],
  ['receivedAt not finite', withField('receivedAt', 0).replace('"receivedAt":0', '"receivedAt":1e400')],
  ['receivedAt null', withField('receivedAt', null)],
  ['a JSON array', '[1,2,3]'],
  ['a JSON string', '"entry"'],
  ['a JSON number', '42'],
  ['JSON null', 'null'],
];

for (const [name, data] of BAD_DATA) {
  test(`jsonSerializer.loads rejects ${name} with ERR_CACHE_DESERIALIZE`, (t) => {
    const error = t.throws(() => jsonSerializer.loads(data), { instanceOf: ReqcacheError });
    t.is(error.code, 'ERR_CACHE_DESERIALIZE');
  });
}

test('the error for an unknown version names it', (t) => {
  const error = t.throws(() => jsonSerializer.loads(withField('v', 2)), { instanceOf: ReqcacheError });
  t.regex(error.message, /unknown format version 2/);
});

test('jsonSerializer.loads rejects a value that is neither text nor bytes', (t) => {
  const error = t.throws(() => jsonSerializer.loads(42 as never), { instanceOf: ReqcacheError });
  t.is(error.code, 'ERR_CACHE_DESERIALIZE');
});

// ---------------------------------------------------------------------------------------------------------
// Encode failures

const DUMPS_FAILURES: readonly [name: string, serializer: Serializer, entry: CacheEntry][] = [
  [
    'a stage that throws',
    new SerializerPipeline([
      entryStage,
      {
        name: 'boom',
        dumps: () => {
          throw new Error('boom');
        },
        loads: (v) => v,
      },
    ]),
    fullEntry(),
  ],
  ['a pipeline that produces an object', new SerializerPipeline([entryStage]), fullEntry()],
  ['a BigInt header value', jsonSerializer, makeEntry({ headers: { n: 1n as never } })],
  ['a body that is not bytes', jsonSerializer, makeEntry({ body: 'text' as never })],
];

for (const [name, serializer, entry] of DUMPS_FAILURES) {
  test(`dumps failure (${name}) is ERR_CACHE_SERIALIZE`, (t) => {
    const error = t.throws(() => serializer.dumps(entry), { instanceOf: ReqcacheError });
    t.is(error.code, 'ERR_CACHE_SERIALIZE');
  });
}

test('the engine reads of one stored text share one frozen entry; public reads stay copies', (t) => {
  const pipeline = withOwnMemo(jsonSerializer) as SerializerPipeline;
  const data = pipeline.dumps(fullEntry());
  const shared = pipeline.loadsShared(data);
  t.true(Object.isFrozen(shared));
  t.true(Object.isFrozen(shared.headers));
  t.true(Object.isFrozen(shared.request.headers));
  t.is(pipeline.loadsShared(data), shared);
  const copy = pipeline.loads(data);
  t.not(copy, shared);
  t.false(Object.isFrozen(copy));
  copy.body[0] = 99;
  t.is(pipeline.loadsShared(data).body[0], 0);
});

test('large entries whose bodies are identical are memoized apart', (t) => {
  // The JSON form writes the body last: texts that end alike must still get their own memo slots.
  const pipeline = withOwnMemo(jsonSerializer) as SerializerPipeline;
  const body = new Uint8Array(100_000).fill(7);
  const texts = ['a', 'b', 'c'].map((name) =>
    pipeline.dumps(makeEntry({ url: `https://example.com/${name}`, body })),
  );
  const first = texts.map((text) => pipeline.loadsShared(text));
  t.deepEqual(
    first.map((entry) => entry.url),
    ['https://example.com/a', 'https://example.com/b', 'https://example.com/c'],
  );
  for (let round = 0; round < 3; round++) {
    texts.forEach((text, i) => {
      t.is(pipeline.loadsShared(text), first[i]!, `text ${i} read again`);
    });
  }
});
