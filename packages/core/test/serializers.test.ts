import test from 'ava';
import { Keyv } from 'keyv';
import type { CacheEntry } from '../src/entry.js';
import { InvalidOptionError, ReqcacheError } from '../src/errors.js';
import type { SerializerName } from '../src/options.js';
import { entryStage, jsonSerializer, jsonStage, SerializerPipeline } from '../src/serializer.js';
import {
  brotliStage,
  bytesEntryStage,
  gzipStage,
  hasZstd,
  isSerializerName,
  msgpackStage,
  serializerByName,
  utf8Stage,
  zstdStage,
} from '../src/serializers.js';
import { createEngine } from './helpers/engine.js';
import { makeEntry, T0 } from './helpers/entry.js';

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

/** Every stored field in use: all 256 byte values, a request body, set-cookie list, history, null expiresAt. */
function fullEntry(): CacheEntry {
  return makeEntry({
    status: 203,
    statusText: 'Non-Authoritative Information',
    headers: {
      'content-type': 'application/octet-stream',
      'set-cookie': ['a=1; Path=/', 'b=2; HttpOnly'],
      etag: '"é-ünïcode ✓"',
      'x-looks-like': 'null',
      'x-number': '0123',
      'x-yaml-ish': '- a: b # c',
    },
    body: ALL_BYTES.slice(),
    url: 'https://example.com/final?x=1',
    request: {
      method: 'POST',
      url: 'https://example.com/start?api_key=REDACTED',
      headers: { 'content-type': 'application/json', authorization: 'REDACTED' },
      body: Uint8Array.from([0, 255, 10, 13, 0x7b, 0x7d]),
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

/** An entry with the other shapes: an expiry, an empty body, no request body, fractional instants. */
function plainEntry(): CacheEntry {
  return makeEntry({ body: new Uint8Array(), expiresAt: T0 + 60_000, requestedAt: T0 + 0.5 });
}

/** The entry with its byte arrays as plain number lists, for deepEqual across Buffer / Uint8Array. */
function comparable(entry: CacheEntry) {
  return {
    ...entry,
    body: [...entry.body],
    request: { ...entry.request, body: entry.request.body && [...entry.request.body] },
  };
}

const compressions = ['', '+gzip', '+brotli', ...(hasZstd() ? ['+zstd'] : [])];
const names = ['json', 'yaml', 'bson', 'msgpack'].flatMap((format) =>
  compressions.map((suffix) => `${format}${suffix}` as SerializerName),
);

for (const name of names) {
  for (const [label, make] of [
    ['a full entry', fullEntry],
    ['an entry with an expiry and empty bodies', plainEntry],
  ] as const) {
    test(`${name} round-trips ${label} byte-exactly`, (t) => {
      const serializer = serializerByName(name);
      t.is(serializer.name, name);
      const entry = make();
      const data = serializer.dumps(entry);
      t.true(
        typeof data === 'string' || Buffer.isBuffer(data),
        'a string or a Buffer (what Keyv keeps intact)',
      );
      const back = serializer.loads(data);
      t.deepEqual(comparable(back), comparable(entry));
      t.true(back.body instanceof Uint8Array);
      t.is(back.body.byteOffset, 0, 'the body owns its memory');
      t.is(back.body.buffer.byteLength, back.body.byteLength);
      t.is('body' in back.request, entry.request.body !== undefined);
    });
  }

  test(`${name} survives a Keyv round trip (memory store)`, async (t) => {
    const serializer = serializerByName(name);
    const keyv = new Keyv({ store: new Map() });
    await keyv.set('k', serializer.dumps(fullEntry()));
    const back = serializer.loads((await keyv.get('k')) as string | Uint8Array);
    t.deepEqual(comparable(back), comparable(fullEntry()));
  });

  test(`${name} reports corrupt data as ERR_CACHE_DESERIALIZE`, (t) => {
    const serializer = serializerByName(name);
    for (const data of ['{"not": "an entry"}', Buffer.from([1, 2, 3, 4, 5]), '']) {
      const error = t.throws(() => serializer.loads(data), { instanceOf: ReqcacheError });
      t.is(error?.code, 'ERR_CACHE_DESERIALIZE');
    }
  });
}

test('built-in serializer names: formats, optionally with one compression', (t) => {
  for (const name of ['json', 'yaml', 'bson', 'msgpack', 'json+gzip', 'msgpack+brotli', 'yaml+zstd']) {
    t.true(isSerializerName(name), name);
  }
  for (const name of ['', 'JSON', 'pickle', 'json+', 'gzip', 'json+gzip+brotli', 'json+lz4']) {
    t.false(isSerializerName(name), name);
  }
});

test('serializerByName returns one instance per name; json is the default jsonSerializer', (t) => {
  t.is(serializerByName('json'), jsonSerializer);
  t.is(serializerByName('msgpack+gzip'), serializerByName('msgpack+gzip'));
});

test('an unknown serializer name is an InvalidOptionError naming the option', (t) => {
  const error = t.throws(() => serializerByName('pickle' as SerializerName), {
    instanceOf: InvalidOptionError,
  });
  t.is(error?.option, 'serializer');
  t.regex(error?.message ?? '', /"pickle".*"json", "yaml", "bson", "msgpack"/);
});

test('the engine takes a built-in name and uses it in every key', (t) => {
  const { engine: json } = createEngine(t);
  const { engine: msgpack } = createEngine(t, { serializer: 'msgpack' });
  t.is(msgpack.serializer.name, 'msgpack');
  const request = { method: 'GET', url: 'https://example.com/a', headers: {} };
  t.not(json.createKey(request), msgpack.createKey(request));
});

test('the engine rejects an unknown serializer name at construction', (t) => {
  const error = t.throws(() => createEngine(t, { serializer: 'xml' as SerializerName }), {
    instanceOf: InvalidOptionError,
  });
  t.is(error?.option, 'serializer');
});

test('compression shrinks a repetitive entry', (t) => {
  const entry = makeEntry({ body: new TextEncoder().encode('{"items":[1,2,3]}'.repeat(500)) });
  const plain = serializerByName('json').dumps(entry).length;
  for (const name of ['json+gzip', 'json+brotli'] as const) {
    t.true(serializerByName(name).dumps(entry).length < plain / 10, name);
  }
});

test('the zstd stage works where Node has zstd and fails clearly where it does not', (t) => {
  if (hasZstd()) {
    const stage = zstdStage({ level: 3 });
    t.deepEqual([...stage.loads(stage.dumps(ALL_BYTES))], [...ALL_BYTES]);
  } else {
    const error = t.throws(() => zstdStage(), { instanceOf: ReqcacheError });
    t.is(error?.code, 'ERR_MISSING_DEPENDENCY');
    t.regex(error?.message ?? '', /zstd compression needs Node\.js 22\.15/);
    const byName = t.throws(() => serializerByName('json+zstd'), { instanceOf: ReqcacheError });
    t.is(byName?.code, 'ERR_MISSING_DEPENDENCY');
  }
});

test('compression stages take a level', (t) => {
  const text = new TextEncoder().encode('abc'.repeat(1000));
  for (const stage of [gzipStage({ level: 1 }), gzipStage({ level: 9 }), brotliStage({ level: 1 })]) {
    t.deepEqual([...stage.loads(stage.dumps(text))], [...text]);
  }
});

test('utf8Stage round-trips text and rejects invalid UTF-8', (t) => {
  const text = 'héllo ✓ 𝄞';
  t.is(utf8Stage.loads(utf8Stage.dumps(text)), text);
  t.throws(() => utf8Stage.loads(Uint8Array.from([0xff, 0xfe])));
});

test('a user pipeline composes the exported stages', (t) => {
  const pipeline = new SerializerPipeline([entryStage, jsonStage, utf8Stage, gzipStage()], 'json+gzip');
  const entry = fullEntry();
  const data = pipeline.dumps(entry);
  t.deepEqual(comparable(pipeline.loads(data)), comparable(entry));
  // The same bytes as the built-in name: a pipeline and a name are interchangeable.
  t.deepEqual(comparable(serializerByName('json+gzip').loads(data)), comparable(entry));
});

test('bytesEntryStage keeps bodies as bytes and checks them on read', (t) => {
  const doc = bytesEntryStage.dumps(fullEntry());
  t.true(doc.body instanceof Uint8Array);
  t.true(doc.request.body instanceof Uint8Array);
  for (const broken of [
    { ...doc, body: 'text' },
    { ...doc, request: { ...doc.request, body: [1, 2] } },
    { ...doc, status: 'x' },
    { ...doc, v: 99 },
    null,
  ]) {
    const error = t.throws(() => bytesEntryStage.loads(broken as never), { instanceOf: ReqcacheError });
    t.is(error?.code, 'ERR_CACHE_DESERIALIZE');
  }
});

test('msgpackStage outputs a Buffer, so Keyv stores it as bytes', (t) => {
  t.true(Buffer.isBuffer(msgpackStage().dumps({ a: 1 })));
});

test('a serializer of one format does not read another format', (t) => {
  const data = serializerByName('msgpack').dumps(fullEntry());
  const error = t.throws(() => serializerByName('bson').loads(data), { instanceOf: ReqcacheError });
  t.is(error?.code, 'ERR_CACHE_DESERIALIZE');
});

test('a user stage returning a plain Uint8Array is stored as bytes (not as a Keyv-mangled object)', async (t) => {
  const plainBytes = {
    name: 'plain-bytes',
    dumps: (text: string) => new Uint8Array(new TextEncoder().encode(text)),
    loads: (bytes: Uint8Array) => new TextDecoder().decode(bytes),
  };
  const serializer = new SerializerPipeline([entryStage, jsonStage, plainBytes], 'json+plain');
  const { engine } = createEngine(t, { serializer });
  t.true(await engine.cache.write('k', fullEntry()));
  const stored = await engine.cache.read('k');
  t.deepEqual(stored && comparable(stored.entry), comparable(fullEntry()));
});
