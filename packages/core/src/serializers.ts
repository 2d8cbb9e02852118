import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import type { CacheEntry } from './entry.js';
import { InvalidOptionError, ReqcacheError } from './errors.js';
import {
  type AnyStage,
  type EntryDocument,
  entryDocument,
  entryStage,
  jsonSerializer,
  type Serializer,
  SerializerPipeline,
  type Stage,
} from './serializer.js';

const require = createRequire(import.meta.url);

/** The built-in formats, usable alone or with a compression suffix (`'msgpack+gzip'`). */
export const SERIALIZER_FORMATS = Object.freeze(['json', 'yaml', 'bson', 'msgpack'] as const);

/** The compression suffixes of built-in serializer names (`'json+brotli'`). */
export const COMPRESSION_NAMES = Object.freeze(['gzip', 'brotli', 'zstd'] as const);

/** A built-in format name. */
export type SerializerFormat = (typeof SERIALIZER_FORMATS)[number];

/** A built-in compression name. */
export type CompressionName = (typeof COMPRESSION_NAMES)[number];

/**
 * Names of the built-in serializers: a format (`json`, `yaml`, `bson`, `msgpack`), optionally followed by
 * a compression (`+gzip`, `+brotli`, `+zstd`), e.g. `'msgpack+gzip'`. Formats other than JSON need their
 * optional package (`yaml`, `bson`, `@msgpack/msgpack`); zstd needs Node.js 22.15 or later.
 */
export type SerializerName = SerializerFormat | `${SerializerFormat}+${CompressionName}`;

/** The optional package behind each format that is not JSON. */
export const SERIALIZER_PACKAGES: Readonly<Record<Exclude<SerializerFormat, 'json'>, string>> = Object.freeze(
  {
    yaml: 'yaml',
    bson: 'bson',
    msgpack: '@msgpack/msgpack',
  },
);

/** Whether a string is a built-in serializer name: a format, optionally `+gzip`, `+brotli` or `+zstd`. */
export function isSerializerName(name: string): name is SerializerName {
  const [format, compression, ...rest] = name.split('+');
  return (
    rest.length === 0 &&
    (SERIALIZER_FORMATS as readonly string[]).includes(format ?? '') &&
    (compression === undefined || (COMPRESSION_NAMES as readonly string[]).includes(compression))
  );
}

const cache = new Map<string, Serializer>();

/**
 * The built-in serializer of a name, loading its optional package on first use. The name is the
 * serializer's `name`, so it is part of every cache key.
 *
 * @throws InvalidOptionError for an unknown name.
 * @throws ReqcacheError `ERR_MISSING_DEPENDENCY` when the format's package (`yaml`, `bson`,
 *   `@msgpack/msgpack`) is not installed, or for `+zstd` on a Node.js without zstd.
 * @example
 * new CacheEngine({ serializer: serializerByName('msgpack+gzip') }); // same as serializer: 'msgpack+gzip'
 */
export function serializerByName(name: SerializerName): Serializer {
  const known = cache.get(name);
  if (known !== undefined) return known;
  if (!isSerializerName(name)) {
    throw new InvalidOptionError(
      'serializer',
      name,
      `one of ${SERIALIZER_FORMATS.map((format) => `"${format}"`).join(', ')}, optionally followed by ${COMPRESSION_NAMES.map((c) => `"+${c}"`).join(', ')}, or a Serializer object`,
    );
  }
  const [format, compression] = name.split('+') as [SerializerFormat, CompressionName | undefined];
  const stages = formatStages(format);
  if (compression !== undefined) {
    // Compression works on bytes: text formats are UTF-8 encoded first.
    if (format === 'json' || format === 'yaml') stages.push(utf8Stage);
    stages.push(compressionStage(compression));
  }
  const serializer = name === 'json' ? jsonSerializer : new SerializerPipeline(stages, name);
  cache.set(name, serializer);
  return serializer;
}

function formatStages(format: SerializerFormat): AnyStage[] {
  switch (format) {
    case 'json':
      return [...(jsonSerializer as SerializerPipeline).stages];
    case 'yaml':
      return [entryStage, yamlStage()];
    case 'bson':
      return [bytesEntryStage, bsonStage()];
    case 'msgpack':
      return [bytesEntryStage, msgpackStage()];
  }
}

function compressionStage(name: CompressionName): Stage<Uint8Array, Uint8Array> {
  switch (name) {
    case 'gzip':
      return gzipStage();
    case 'brotli':
      return brotliStage({ level: DEFAULT_BROTLI_LEVEL });
    case 'zstd':
      return zstdStage();
  }
}

/** Brotli's own default (11) is far too slow for a cache write; 5 compresses about as well as gzip -9. */
const DEFAULT_BROTLI_LEVEL = 5;

// ---- stages ---------------------------------------------------------------------------------------

/**
 * String ⇄ UTF-8 bytes, to put a text format (JSON, YAML) before a compression stage, like Python's
 * `Stage(codecs.utf_8, dumps='encode', loads='decode')`. Reads invalid UTF-8 as an error.
 */
export const utf8Stage: Stage<string, Uint8Array> = {
  name: 'utf8',
  dumps: (text) => Buffer.from(text, 'utf8'),
  loads: (bytes) => strictUtf8.decode(toBytes(bytes)),
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Options of the compression stages. */
export interface CompressionOptions {
  /** Compression level (gzip 0–9, brotli quality 0–11, zstd 1–22); the library default when omitted. */
  level?: number;
}

/**
 * A gzip stage (`node:zlib`): bytes ⇄ gzip bytes. Put {@link utf8Stage} before it after a text format.
 * @example
 * new SerializerPipeline([entryStage, jsonStage, utf8Stage, gzipStage()], 'json+gzip')
 */
export function gzipStage(options: CompressionOptions = {}): Stage<Uint8Array, Uint8Array> {
  const zlibOptions: zlib.ZlibOptions = options.level === undefined ? {} : { level: options.level };
  return {
    name: 'gzip',
    dumps: (bytes) => zlib.gzipSync(bytes, zlibOptions),
    loads: (bytes) => zlib.gunzipSync(toBytes(bytes)),
  };
}

/** A Brotli stage (`node:zlib`): bytes ⇄ Brotli bytes; `level` is the Brotli quality (default 11). */
export function brotliStage(options: CompressionOptions = {}): Stage<Uint8Array, Uint8Array> {
  const brotliOptions: zlib.BrotliOptions =
    options.level === undefined ? {} : { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: options.level } };
  return {
    name: 'brotli',
    dumps: (bytes) => zlib.brotliCompressSync(bytes, brotliOptions),
    loads: (bytes) => zlib.brotliDecompressSync(toBytes(bytes)),
  };
}

type ZstdZlib = {
  zstdCompressSync(data: Uint8Array, options?: object): Buffer;
  zstdDecompressSync(data: Uint8Array): Buffer;
  constants: Record<string, number>;
};

/** Whether this Node.js has zstd in `node:zlib` (22.15 and later; not Node 20). */
export function hasZstd(): boolean {
  return typeof (zlib as unknown as Partial<ZstdZlib>).zstdCompressSync === 'function';
}

/**
 * A Zstandard stage (`node:zlib`, Node.js 22.15 and later): bytes ⇄ zstd bytes.
 * @throws ReqcacheError `ERR_MISSING_DEPENDENCY` when this Node.js has no zstd (Node 20).
 */
export function zstdStage(options: CompressionOptions = {}): Stage<Uint8Array, Uint8Array> {
  if (!hasZstd()) {
    throw new ReqcacheError(
      'ERR_MISSING_DEPENDENCY',
      `zstd compression needs Node.js 22.15 or later (node:zlib of Node.js ${process.versions.node} has no zstd); use gzip or brotli`,
    );
  }
  const z = zlib as unknown as ZstdZlib;
  const level = z.constants['ZSTD_c_compressionLevel'];
  const zstdOptions =
    options.level === undefined || level === undefined ? {} : { params: { [level]: options.level } };
  return {
    name: 'zstd',
    dumps: (bytes) => z.zstdCompressSync(bytes, zstdOptions),
    loads: (bytes) => z.zstdDecompressSync(toBytes(bytes)),
  };
}

/** A document like {@link EntryDocument} whose bodies stay bytes, for binary formats (BSON, MessagePack). */
export type BytesEntryDocument = EntryDocument<Uint8Array>;

/**
 * The first stage of binary formats: {@link CacheEntry} ⇄ a plain document with the bodies kept as
 * bytes (no base64), checked field by field on read like {@link entryStage}.
 */
export const bytesEntryStage: Stage<CacheEntry, BytesEntryDocument> = {
  name: 'entry-bytes',
  dumps: (entry) => entryDocument(entry, (bytes) => bytes),
  loads(doc) {
    const value = doc as unknown;
    if (typeof value !== 'object' || value === null) invalid('not an object');
    const { body, request } = value as { body?: unknown; request?: unknown };
    if (!(body instanceof Uint8Array)) invalid('body is not bytes');
    if (typeof request !== 'object' || request === null) invalid('request is not an object');
    const { body: requestBody, ...requestRest } = request as { body?: unknown };
    if (requestBody !== undefined && !(requestBody instanceof Uint8Array))
      invalid('request.body is not bytes');
    // Everything else is checked by entryStage, with empty text bodies standing in for the bytes.
    const entry = entryStage.loads({
      ...(value as object),
      body: '',
      request: requestRest,
    } as never);
    entry.body = ownCopy(body);
    if (requestBody !== undefined) entry.request.body = ownCopy(requestBody);
    return entry;
  },
};

/** YAML text ⇄ JS value, with the `yaml` package (YAML 1.2). */
export function yamlStage(): Stage<unknown, string> {
  const yaml = loadPackage<typeof import('yaml')>('yaml');
  return {
    name: 'yaml',
    dumps: (value) => yaml.stringify(value, { lineWidth: 0 }),
    loads: (text) =>
      yaml.parse(typeof text === 'string' ? text : utf8Stage.loads(text as unknown as Uint8Array)),
  };
}

/** BSON bytes ⇄ JS object, with the `bson` package. */
export function bsonStage(): Stage<object, Uint8Array> {
  const bson = loadPackage<typeof import('bson')>('bson');
  return {
    name: 'bson',
    dumps: (value) => bson.serialize(value as import('bson').Document),
    loads: (bytes) => bson.deserialize(toBytes(bytes), { promoteBuffers: true }),
  };
}

/** MessagePack bytes ⇄ JS value, with the `@msgpack/msgpack` package. */
export function msgpackStage(): Stage<unknown, Uint8Array> {
  const msgpack = loadPackage<typeof import('@msgpack/msgpack')>('@msgpack/msgpack');
  return {
    name: 'msgpack',
    dumps: (value) => toBuffer(msgpack.encode(value, { ignoreUndefined: true })),
    loads: (bytes) => msgpack.decode(toBytes(bytes)),
  };
}

// ---- helpers --------------------------------------------------------------------------------------

function loadPackage<T>(packageName: string): T {
  try {
    return require(packageName) as T;
  } catch (error) {
    throw new ReqcacheError(
      'ERR_MISSING_DEPENDENCY',
      `The serializer package "${packageName}" could not be loaded: install it with \`npm install ${packageName}\``,
      { cause: error },
    );
  }
}

function invalid(reason: string): never {
  throw new ReqcacheError('ERR_CACHE_DESERIALIZE', `Stored entry is invalid: ${reason}`);
}

/** Accepts bytes as stores give them back (Buffer, Uint8Array); anything else is an error. */
function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw new TypeError(`expected bytes, got ${typeof value}`);
}

/** A Buffer over the same memory: Keyv keeps Buffers intact but turns a plain Uint8Array into an object. */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A plain Uint8Array owning its memory (decoders return views into their input or Node's buffer pool). */
function ownCopy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}
