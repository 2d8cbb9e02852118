import { type CacheEntry, ENTRY_VERSION, type RedirectHop, type StoredRequest } from './entry.js';
import { ReqcacheError } from './errors.js';

/**
 * One step of a serializer pipeline: two methods, run in order on write (`dumps`) and in reverse on
 * read (`loads`), as in requests-cache's `Stage` (serialize → compress → sign).
 */
export interface Stage<In = unknown, Out = unknown> {
  /** A short name, used in the pipeline's name (and so in cache keys). */
  readonly name?: string;
  dumps(value: In): Out;
  loads(value: Out): In;
}

/** Turns a {@link CacheEntry} into what the store keeps (a string or bytes) and back. */
export interface Serializer {
  /** Part of every cache key: switching serializer never reads entries written by another. */
  readonly name: string;
  dumps(entry: CacheEntry): string | Uint8Array;
  /** Throws a `ReqcacheError` with code `ERR_CACHE_DESERIALIZE` on corrupt or unknown data. */
  loads(data: string | Uint8Array): CacheEntry;
}

/**
 * A stage of any input and output type: a pipeline chains stages whose types line up at run time.
 */
// biome-ignore lint/suspicious/noExplicitAny: stages are chained, each stage's input is the previous one's output
export type AnyStage = Stage<any, any>;

/**
 * A serializer made of stages. The first stage receives the {@link CacheEntry}; the last returns a string
 * or bytes. Any error thrown by a stage on read is reported as `ERR_CACHE_DESERIALIZE`.
 *
 * @example
 * const gzipJson = new SerializerPipeline([entryStage, jsonStage, utf8Stage, gzipStage], 'json+gzip');
 */
export class SerializerPipeline implements Serializer {
  readonly name: string;
  readonly stages: readonly AnyStage[];
  /** Recently decoded entries by the text they were decoded from (only for deterministic built-in pipelines). */
  readonly #memo: DecodeMemo | undefined;

  /**
   * @param stages Run in order on write, in reverse on read.
   * @param name The pipeline's name (part of every cache key); the stages' names joined with `+` by default.
   * @param options `memoize`: keep recently decoded entries by the exact text they were read from, so reading
   *   the same stored text again costs a copy instead of a decode (for pipelines whose `loads` is a pure
   *   function of its input; each read still returns its own copy of the entry). @default false
   */
  constructor(stages: readonly AnyStage[], name?: string, options: { memoize?: boolean } = {}) {
    if (stages.length === 0) throw new TypeError('SerializerPipeline needs at least one stage');
    this.stages = [...stages];
    this.name = name ?? this.stages.map((stage, i) => stage.name ?? `stage${i}`).join('+');
    this.#memo = options.memoize ? new DecodeMemo(MEMO_MAX_ENTRIES, MEMO_MAX_CHARS) : undefined;
  }

  /** True when this pipeline keeps recently decoded entries (see the constructor's `memoize`). */
  get memoizes(): boolean {
    return this.#memo !== undefined;
  }

  dumps(entry: CacheEntry): string | Uint8Array {
    let value: unknown = entry;
    try {
      if (this.stages.length === 2 && this.stages[0] === entryStage && this.stages[1] === jsonStage) {
        return entryJson(entry);
      }
      for (const stage of this.stages) value = stage.dumps(value);
    } catch (error) {
      throw new ReqcacheError('ERR_CACHE_SERIALIZE', `Serializer "${this.name}" could not write the entry`, {
        cause: error,
      });
    }
    if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
      throw new ReqcacheError(
        'ERR_CACHE_SERIALIZE',
        `Serializer "${this.name}" must produce a string or bytes, got ${typeof value}`,
      );
    }
    return value;
  }

  loads(data: string | Uint8Array): CacheEntry {
    const memo = typeof data === 'string' ? this.#memo : undefined;
    if (memo !== undefined) {
      const known = memo.get(data as string);
      if (known !== undefined) return copyEntry(known);
    }
    const entry = this.#decode(data);
    // The memo keeps its own (frozen) copy: the caller may change the entry it gets.
    if (memo !== undefined) memo.set(data as string, freezeEntry(copyEntry(entry)));
    return entry;
  }

  /**
   * {@link loads} for the engine's own reads: a memoized entry comes back as it is, frozen and shared with
   * every later read of the same stored text, instead of as a copy. Callers must not change it (nor its
   * body bytes); everything handed to users is copied from it.
   * @internal
   */
  loadsShared(data: string | Uint8Array): CacheEntry {
    const memo = typeof data === 'string' ? this.#memo : undefined;
    if (memo === undefined) return this.loads(data);
    const known = memo.get(data as string);
    if (known !== undefined) return known;
    const entry = freezeEntry(this.#decode(data));
    memo.set(data as string, entry);
    return entry;
  }

  #decode(data: string | Uint8Array): CacheEntry {
    let value: unknown = data;
    try {
      for (let i = this.stages.length - 1; i >= 0; i--) value = this.stages[i]!.loads(value);
    } catch (error) {
      if (error instanceof ReqcacheError && error.code === 'ERR_CACHE_DESERIALIZE') throw error;
      throw new ReqcacheError('ERR_CACHE_DESERIALIZE', `Serializer "${this.name}" could not read the entry`, {
        cause: error,
      });
    }
    return value as CacheEntry;
  }
}

/** A plain, JSON-compatible form of a {@link CacheEntry}: bytes as base64 strings. */
export interface EntryDocument<Body = string> {
  v: number;
  status: number;
  statusText: string;
  headers: Record<string, string | string[]>;
  body: Body;
  url: string;
  request: { method: string; url: string; headers: Record<string, string>; body?: Body };
  history: RedirectHop[];
  createdAt: number;
  expiresAt: number | null;
  requestedAt: number;
  receivedAt: number;
}

/**
 * The plain document of an entry, its bodies encoded by `encodeBody` (base64 text for JSON and YAML,
 * bytes as they are for binary formats), the body last (see {@link entryJson}). @internal
 */
export function entryDocument<Body>(
  entry: CacheEntry,
  encodeBody: (bytes: Uint8Array) => Body,
): EntryDocument<Body> {
  return { ...documentHead(entry, encodeBody), body: encodeBody(entry.body) };
}

/** Every member of {@link entryDocument} but the body (the request body, when not empty, encoded). */
function documentHead<Body>(
  entry: CacheEntry,
  encodeBody: (bytes: Uint8Array) => Body,
): Omit<EntryDocument<Body>, 'body'> {
  const request: EntryDocument<Body>['request'] = {
    method: entry.request.method,
    url: entry.request.url,
    headers: entry.request.headers,
  };
  if (entry.request.body !== undefined && entry.request.body.byteLength > 0) {
    request.body = encodeBody(entry.request.body);
  }
  return {
    v: entry.v,
    status: entry.status,
    statusText: entry.statusText,
    headers: entry.headers,
    url: entry.url,
    request,
    history: entry.history,
    createdAt: entry.createdAt,
    expiresAt: entry.expiresAt,
    requestedAt: entry.requestedAt,
    receivedAt: entry.receivedAt,
  };
}

/**
 * The first stage of the built-in serializers: {@link CacheEntry} ⇄ {@link EntryDocument}, checking the
 * format version and the type of every field on read.
 */
export const entryStage: Stage<CacheEntry, EntryDocument> = {
  name: 'entry',
  dumps: (entry) => entryDocument(entry, toBase64),
  loads(doc) {
    return validateDocument(doc);
  },
};

/** JSON text ⇄ JS value. */
export const jsonStage: Stage<unknown, string> = {
  name: 'json',
  dumps: (value) => JSON.stringify(value),
  loads: (text) => {
    if (typeof text !== 'string') {
      if ((text as unknown) instanceof Uint8Array)
        return JSON.parse(utf8Decoder.decode(text as unknown as Uint8Array));
      throw new TypeError(`expected JSON text, got ${typeof text}`);
    }
    return JSON.parse(text);
  },
};

/**
 * The serializer one cache should use: a memoizing pipeline (the default `json` one is) gets a memo of
 * its own, so that several caches in one process do not evict each other's decoded entries; any other
 * serializer is returned as it is.
 * @internal
 */
export function withOwnMemo(serializer: Serializer): Serializer {
  return serializer instanceof SerializerPipeline && serializer.memoizes
    ? new SerializerPipeline(serializer.stages, serializer.name, { memoize: true })
    : serializer;
}

/** At most this many decoded entries are memoized per pipeline… */
const MEMO_MAX_ENTRIES = 1024;
/** …and at most this much stored text plus body bytes (64 MiB). */
const MEMO_MAX_CHARS = 64 * 1024 * 1024;
/** Texts up to this length are their own memo key. */
const MEMO_FULL_KEY = 16_383;
/**
 * How many leading and trailing characters of a longer text make its memo key with its length. The JSON
 * form writes the body last, so the head holds what tells entries apart (URL, request, instants); the tail
 * covers other serializers' layouts.
 */
const MEMO_HEAD = 2048;
const MEMO_TAIL = 160;

/**
 * Decoded entries by the exact text they were decoded from, evicted oldest first unless read since
 * (CLOCK). Looked up by the text itself, or for a long text by its length, head and tail (cheap to hash,
 * distinct for distinct entries in practice), and confirmed by
 * comparing the whole text (a pointer comparison when the store hands back the very string it keeps, as
 * the memory store does). An entry is only ever found again for identical stored text, so deletes,
 * expiry and rewrites are the store's business as before: the memo never answers without a store read.
 */
class DecodeMemo {
  /** In insertion order; `used` marks an item read since it was last inserted or passed over (CLOCK). */
  readonly #items = new Map<string, { data: string; entry: CacheEntry; size: number; used: boolean }>();
  #size = 0;

  constructor(
    readonly maxEntries: number,
    readonly maxSize: number,
  ) {}

  get(data: string): CacheEntry | undefined {
    const id = memoId(data);
    const item = this.#items.get(id);
    if (item === undefined || item.data !== data) return undefined;
    // Marked, not moved: a hit costs no reordering; eviction gives marked items a second chance.
    item.used = true;
    return item.entry;
  }

  set(data: string, entry: CacheEntry): void {
    const size = data.length + entry.body.byteLength;
    if (size > this.maxSize / 8) return;
    const id = memoId(data);
    const previous = this.#items.get(id);
    if (previous !== undefined) {
      this.#items.delete(id);
      this.#size -= previous.size;
    }
    this.#items.set(id, { data, entry, size, used: false });
    this.#size += size;
    while (this.#items.size > this.maxEntries || this.#size > this.maxSize) {
      const oldest = this.#items.entries().next();
      if (oldest.done) break;
      const [oldestId, item] = oldest.value;
      this.#items.delete(oldestId);
      if (item.used) {
        // Read since it was last passed over: it goes to the back of the line instead.
        item.used = false;
        this.#items.set(oldestId, item);
      } else {
        this.#size -= item.size;
      }
    }
  }
}

function memoId(data: string): string {
  // V8 hashes strings up to 16 383 characters in full (once per string: free when the store hands back the
  // string it keeps) and longer ones by their length alone, so long texts are told apart by head and tail
  // (identical bodies at the end of different entries must not share an id).
  return data.length <= MEMO_FULL_KEY
    ? data
    : `${data.length}:${data.slice(0, MEMO_HEAD)}:${data.slice(-MEMO_TAIL)}`;
}

/**
 * Freezes an entry and everything in it but its body bytes (a typed array cannot be frozen): an entry
 * shared between reads fails loudly, in strict code, when anything tries to change it.
 * @internal
 */
export function freezeEntry(entry: CacheEntry): CacheEntry {
  for (const value of Object.values(entry.headers)) if (Array.isArray(value)) Object.freeze(value);
  Object.freeze(entry.headers);
  Object.freeze(entry.request.headers);
  Object.freeze(entry.request);
  for (const hop of entry.history) Object.freeze(hop);
  Object.freeze(entry.history);
  return Object.freeze(entry);
}

/** A deep copy of an entry: its own body bytes, header lists, request and history. @internal */
export function copyEntry(entry: CacheEntry): CacheEntry {
  const request: StoredRequest = {
    method: entry.request.method,
    url: entry.request.url,
    headers: { ...entry.request.headers },
  };
  if (entry.request.body !== undefined) request.body = entry.request.body.slice();
  const headers: Record<string, string | string[]> = {};
  for (const name of Object.keys(entry.headers)) {
    const value = entry.headers[name]!;
    headers[name] = typeof value === 'string' ? value : [...value];
  }
  return {
    ...entry,
    headers,
    body: entry.body.slice(),
    request,
    history: entry.history.map((hop) => ({ url: hop.url, status: hop.status })),
  };
}

/**
 * `entryStage` then `jsonStage` in one step: the document is stringified without its body, which is appended
 * as the last member. Base64 never needs JSON escaping, so the (large) body text is not scanned a second time.
 */
function entryJson(entry: CacheEntry): string {
  const head = JSON.stringify(documentHead(entry, toBase64));
  return `${head.slice(0, -1)},"body":"${toBase64(entry.body)}"}`;
}

/** The default serializer: JSON text, bodies as base64 (recently read entries memoized, see {@link SerializerPipeline}). */
export const jsonSerializer: Serializer = new SerializerPipeline([entryStage, jsonStage], 'json', {
  memoize: true,
});

const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function fromBase64(text: string): Uint8Array {
  // A copy: small Buffers are views into Node's shared pool, whose other bytes `.buffer` would expose.
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function fail(reason: string): never {
  throw new ReqcacheError('ERR_CACHE_DESERIALIZE', `Stored entry is invalid: ${reason}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkInstant(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${field} is not a timestamp`);
  return value;
}

function checkStringRecord(
  value: unknown,
  field: string,
  allowArrays: boolean,
): Record<string, string | string[]> {
  if (!isRecord(value)) fail(`${field} is not an object`);
  for (const name of Object.keys(value)) {
    const item = value[name];
    if (typeof item === 'string') continue;
    if (allowArrays && Array.isArray(item) && item.every((part) => typeof part === 'string')) continue;
    fail(`${field}.${name} is not a string`);
  }
  return value as Record<string, string | string[]>;
}

function validateDocument(doc: unknown): CacheEntry {
  if (!isRecord(doc)) fail('not an object');
  if (doc['v'] !== ENTRY_VERSION) fail(`unknown format version ${JSON.stringify(doc['v'])}`);
  const status = doc['status'];
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 999)
    fail('bad status');
  if (typeof doc['statusText'] !== 'string') fail('statusText is not a string');
  if (typeof doc['body'] !== 'string') fail('body is not a string');
  if (typeof doc['url'] !== 'string') fail('url is not a string');
  const request = doc['request'];
  if (!isRecord(request)) fail('request is not an object');
  if (typeof request['method'] !== 'string' || typeof request['url'] !== 'string')
    fail('request is incomplete');
  const requestBody = request['body'];
  if (requestBody !== undefined && typeof requestBody !== 'string') fail('request.body is not a string');
  const history = doc['history'];
  if (
    !Array.isArray(history) ||
    !history.every(
      (hop) => isRecord(hop) && typeof hop['url'] === 'string' && typeof hop['status'] === 'number',
    )
  ) {
    fail('history is not a list of redirects');
  }
  const expiresAt = doc['expiresAt'];
  const storedRequest: StoredRequest = {
    method: request['method'],
    url: request['url'],
    headers: checkStringRecord(request['headers'], 'request.headers', false) as Record<string, string>,
  };
  if (typeof requestBody === 'string') storedRequest.body = fromBase64(requestBody);
  return {
    v: ENTRY_VERSION,
    status,
    statusText: doc['statusText'],
    headers: checkStringRecord(doc['headers'], 'headers', true),
    body: fromBase64(doc['body']),
    url: doc['url'],
    request: storedRequest,
    history: history as RedirectHop[],
    createdAt: checkInstant(doc['createdAt'], 'createdAt'),
    expiresAt: expiresAt === null ? null : checkInstant(expiresAt, 'expiresAt'),
    requestedAt: checkInstant(doc['requestedAt'], 'requestedAt'),
    receivedAt: checkInstant(doc['receivedAt'], 'receivedAt'),
  };
}
