import { Readable } from 'node:stream';
import { createTestServer } from '@reqcache/test-server';
import test from 'ava';
import { type CacheOptions, InvalidOptionError, withCache } from '../src/index.js';
import { recordingFetch } from './helpers/fetches.js';

// explain() answers "what would the cache do now" without a network request and without touching the
// caller's objects: the Request or body it was given can be sent afterwards, under the key it predicted.

const POST_CACHED: CacheOptions = { backend: 'memory', allowableMethods: ['GET', 'HEAD', 'POST'] };

async function setup(t: Parameters<typeof createTestServer>[0]) {
  const server = await createTestServer(t);
  const inner = recordingFetch();
  const cached = withCache(inner, POST_CACHED);
  t.teardown(() => cached.close());
  return { server, inner, cached };
}

const encoder = new TextEncoder();

/** A one-shot web stream of `parts`, noting whether anything pulled from it (none is queued before a read). */
function webStream(...parts: string[]): ReadableStream<Uint8Array> & { pulled: () => boolean } {
  let pulled = false;
  const source: UnderlyingDefaultSource<Uint8Array> = {
    pull(controller) {
      pulled = true;
      const part = parts.shift();
      if (part === undefined) controller.close();
      else controller.enqueue(encoder.encode(part));
    },
  };
  const stream = new ReadableStream<Uint8Array>(source, { highWaterMark: 0 });
  return Object.assign(stream, { pulled: () => pulled });
}

/** The echo route's answer: what the origin received. */
async function echoedBody(response: Response): Promise<string> {
  return ((await response.json()) as { body: string }).body;
}

const STREAM_BODY_ERROR = {
  instanceOf: InvalidOptionError,
  message:
    /"init\.body".*explain\(\) cannot read a one-shot stream without consuming it.*pass the bytes or string/,
};

test('explain(request): the same Request is sent afterwards, under the key explain() predicted', async (t) => {
  const { server, cached, inner } = await setup(t);
  const url = `${server.url}/anything/request`;
  const request = new Request(url, { method: 'POST', body: 'payload', headers: { 'x-id': '1' } });

  const explained = await cached.explain(request);
  t.like(explained, { action: 'fetch', reason: 'miss' });
  t.false(request.bodyUsed, 'explain() read a clone, not the caller’s Request');
  t.is(server.hits('/anything/request'), 0, 'explain() never reaches the origin');
  t.is(inner.calls.length, 0);

  const sent = await cached(request);
  t.true(request.bodyUsed, 'sending uses the body, as fetch does');
  t.is(await echoedBody(sent), 'payload');
  t.false(sent.fromCache);
  t.is(sent.cacheKey, explained.key);
  t.is(server.hits('/anything/request'), 1);

  const again = new Request(url, { method: 'POST', body: 'payload', headers: { 'x-id': '1' } });
  const stored = await cached.explain(again);
  t.like(stored, { action: 'serve', reason: 'fresh', key: explained.key });
  t.false(again.bodyUsed);
  t.true((await cached(again)).fromCache);
  t.is(server.hits('/anything/request'), 1, 'explain() never reaches the origin');
});

test('explain(request) with a stream body: read through a clone, the Request still sends all of it', async (t) => {
  const { server, cached } = await setup(t);
  const url = `${server.url}/anything/request-stream`;
  const request = new Request(url, {
    method: 'POST',
    body: webStream('chunk-1,', 'chunk-2'),
    duplex: 'half',
  } as RequestInit);

  const explained = await cached.explain(request);
  t.like(explained, { action: 'fetch', reason: 'miss' });
  t.false(request.bodyUsed);
  t.false(request.body?.locked);
  t.is(server.hits('/anything/request-stream'), 0);

  const sent = await cached(request);
  t.is(await echoedBody(sent), 'chunk-1,chunk-2');
  t.is(sent.cacheKey, explained.key);
  t.is(server.hits('/anything/request-stream'), 1);
});

test('explain(request) twice, then a send: nothing is used up by asking', async (t) => {
  const { server, cached } = await setup(t);
  const request = new Request(`${server.url}/anything/twice`, {
    method: 'POST',
    body: new Uint8Array([1, 2]),
  });
  const first = await cached.explain(request);
  const second = await cached.explain(request);
  t.is(second.key, first.key);
  t.is((await cached(request)).cacheKey, first.key);
  t.is(server.hits('/anything/twice'), 1);
});

test('explain() with a ReadableStream in init.body: a typed error, the stream left unread and sendable', async (t) => {
  const { server, cached, inner } = await setup(t);
  const url = `${server.url}/anything/stream`;
  const stream = webStream('chunk-1,', 'chunk-2');
  const init = { method: 'POST', body: stream, duplex: 'half' } as RequestInit;

  const error = await t.throwsAsync(() => cached.explain(url, init), STREAM_BODY_ERROR);
  t.is(error?.code, 'ERR_INVALID_OPTION');
  t.is(error?.option, 'init.body');
  t.is(error?.value, stream);
  t.false(stream.locked, 'explain() never took a reader');
  t.false(stream.pulled(), 'explain() never pulled a chunk');
  t.is(server.hits('/anything/stream'), 0, 'explain() never reaches the origin');
  t.is(inner.calls.length, 0);

  const sent = await cached(url, init);
  t.is(await echoedBody(sent), 'chunk-1,chunk-2', 'the stream is sent whole');
  t.is(server.hits('/anything/stream'), 1);
  // What explain() could not read, the same bytes as a string can: the key the stream was stored under.
  t.like(await cached.explain(url, { method: 'POST', body: 'chunk-1,chunk-2' }), {
    action: 'serve',
    key: sent.cacheKey,
  });
});

test('explain() with an async iterable or a Node Readable in init.body: a typed error, nothing read', async (t) => {
  const { server, cached } = await setup(t);
  const url = `${server.url}/anything/iterable`;
  let iterated = false;
  const iterable = (async function* () {
    iterated = true;
    yield encoder.encode('from an iterable');
  })();
  const readable = Readable.from([Buffer.from('from a '), Buffer.from('Readable')]);

  const init = (body: unknown) => ({ method: 'POST', body, duplex: 'half' }) as RequestInit;
  await t.throwsAsync(() => cached.explain(url, init(iterable)), STREAM_BODY_ERROR);
  t.false(iterated, 'the iterable was never iterated');
  await t.throwsAsync(() => cached.explain(url, init(readable)), STREAM_BODY_ERROR);
  t.false(readable.readableDidRead, 'the Readable was never read');
  t.is(server.hits('/anything/iterable'), 0);

  t.is(await echoedBody(await cached(url, init(iterable))), 'from an iterable');
  t.is(await echoedBody(await cached(url, init(readable))), 'from a Readable');
  t.is(server.hits('/anything/iterable'), 2);
});

test('explain(request, init) with a stream in init.body: the typed error, neither body read', async (t) => {
  const { server, cached } = await setup(t);
  const url = `${server.url}/anything/override`;
  const request = new Request(url, { method: 'POST', body: 'from the request' });
  const stream = webStream('from init');
  const init = { body: stream, duplex: 'half' } as RequestInit;

  await t.throwsAsync(() => cached.explain(request, init), STREAM_BODY_ERROR);
  t.false(request.bodyUsed);
  t.false(stream.locked);
  t.is(server.hits('/anything/override'), 0);
  t.is(await echoedBody(await cached(request, init)), 'from init');
});

test('explain(): what fetch rejects is still rejected first (a GET with a stream body is a TypeError)', async (t) => {
  const { cached } = await setup(t);
  const stream = webStream('x');
  await t.throwsAsync(() => cached.explain('http://127.0.0.1:1/get', { body: stream }), {
    instanceOf: TypeError,
  });
  t.false(stream.locked);
});

test('explain() of a Request look-alike without clone(): a typed error instead of reading its body', async (t) => {
  const { server, cached } = await setup(t);
  let read = false;
  const lookAlike = {
    url: `${server.url}/anything/look-alike`,
    method: 'POST',
    headers: {},
    body: 'not empty',
    arrayBuffer: async () => {
      read = true;
      return encoder.encode('look-alike').buffer;
    },
  };
  await t.throwsAsync(() => cached.explain(lookAlike as unknown as Request), {
    instanceOf: InvalidOptionError,
    message: /"input".*clone\(\)/,
  });
  t.false(read);
  t.is(await echoedBody(await cached(lookAlike as unknown as Request)), 'look-alike');
});

const REREADABLE: readonly [name: string, body: () => BodyInit][] = [
  ['a string', () => 'text body'],
  ['bytes', () => new Uint8Array([1, 2, 3])],
  ['an ArrayBuffer', () => new Uint8Array([4, 5]).buffer],
  ['a Blob', () => new Blob(['{"a":1}'], { type: 'application/json' })],
  ['URLSearchParams', () => new URLSearchParams({ b: '2', a: '1' })],
];

for (const [name, make] of REREADABLE) {
  test(`explain() with ${name} in init.body: the key the request is then sent and stored under`, async (t) => {
    const { server, cached } = await setup(t);
    const url = `${server.url}/anything/body`;
    const body = make();
    const explained = await cached.explain(url, { method: 'POST', body });
    t.like(explained, { action: 'fetch', reason: 'miss' });
    t.is(server.hits('/anything/body'), 0);
    const sent = await cached(url, { method: 'POST', body });
    t.is(sent.cacheKey, explained.key);
    t.like(await cached.explain(url, { method: 'POST', body }), { action: 'serve', key: explained.key });
    t.is(server.hits('/anything/body'), 1);
  });
}

test('explain() with FormData in init.body: the key its request gets, and the form is still sent whole', async (t) => {
  const { server, cached } = await setup(t);
  const form = new FormData();
  form.set('field', 'value');
  const url = `${server.url}/anything/form`;
  const explained = await cached.explain(url, { method: 'POST', body: form });
  t.like(explained, { action: 'fetch' });
  t.is(server.hits('/anything/form'), 0);
  const response = await cached(url, { method: 'POST', body: form });
  t.is(response.cacheKey, explained.key);
  t.regex(await echoedBody(response), /name="field"\r\n\r\nvalue/);
});
