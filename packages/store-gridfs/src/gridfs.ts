import { EventEmitter } from 'node:events';
import { isAliasRecord, isExpiredRecord, parseKeyvRecord } from './keyv-record.js';

/** The parts of the `mongodb` driver the GridFS store uses (the package is an optional peer). @internal */
export interface MongoDriver {
  MongoClient: new (url: string, options?: Record<string, unknown>) => MongoClientLike;
  GridFSBucket: new (
    db: unknown,
    options: { bucketName: string; chunkSizeBytes?: number },
  ) => GridFSBucketLike;
}

interface MongoClientLike {
  db(name: string): { collection(name: string): CollectionLike };
  close(): Promise<void>;
}

interface CursorLike<T> {
  toArray(): Promise<T[]>;
  [Symbol.asyncIterator](): AsyncIterator<T>;
}

interface CollectionLike {
  findOne(filter: object, options?: object): Promise<Record<string, unknown> | null>;
  find(filter: object, options?: object): CursorLike<Record<string, unknown>>;
  replaceOne(filter: object, document: object, options?: object): Promise<unknown>;
  deleteOne(filter: object): Promise<{ deletedCount?: number }>;
  deleteMany(filter: object): Promise<{ deletedCount?: number }>;
  createIndex(keys: object, options?: object): Promise<unknown>;
}

interface UploadStreamLike {
  id: unknown;
  once(event: 'finish' | 'error', listener: (error?: unknown) => void): unknown;
  end(data: Uint8Array): unknown;
}

interface GridFSBucketLike {
  openUploadStream(filename: string, options?: { metadata?: object }): UploadStreamLike;
  delete(id: unknown): Promise<void>;
}

/** Options of {@link GridFsStore}. */
export interface GridFsStoreOptions {
  /** The loaded `mongodb` driver. */
  driver: MongoDriver;
  /** The connection string. */
  url: string;
  /** MongoClient options. */
  clientOptions?: Record<string, unknown>;
  /** The database: reqcache's `cacheName`. */
  database: string;
  /** The GridFS bucket (collections `<bucket>.files` and `<bucket>.chunks`). @default 'responses' */
  bucketName?: string;
  /** The collection of redirect aliases. @default 'redirects' */
  redirectsCollection?: string;
  /** GridFS chunk size in bytes. @default 261120 (the driver's 255 KiB) */
  chunkSizeBytes?: number;
}

/** Chunks fetched per reply: 16 × 255 KiB stays well below a reply's 16 MB document limit. */
const CHUNK_BATCH = 16;

/** Files whose chunks the iterator fetches in one query: at most this many, or this many bytes. */
const ITERATION_GROUP = 100;
const ITERATION_GROUP_BYTES = 8 * 1024 * 1024;

/** Sort that puts the newest revision of a file first (readers and writers agree on it). */
const NEWEST_FIRST = { uploadDate: -1, _id: -1 } as const;

/**
 * A Keyv store keeping each response as a file in MongoDB GridFS, so bodies may pass a document's
 * 16 MB limit (requests-cache's `GridFSCache`): file name = key, chunks of 255 KiB, the store TTL in
 * `metadata.expires`. A write uploads a new revision, then deletes the older ones, so readers always
 * find a whole file. Redirect aliases are small documents `{key, value, expires}` in a plain collection
 * (`redirects`).
 */
export class GridFsStore extends EventEmitter {
  readonly opts: { dialect: 'gridfs'; url: string };
  namespace: string | undefined;
  readonly #client: MongoClientLike;
  readonly #bucket: GridFSBucketLike;
  readonly #files: CollectionLike;
  readonly #chunks: CollectionLike;
  readonly #redirects: CollectionLike;
  #indexed: Promise<void> | undefined;

  constructor(options: GridFsStoreOptions) {
    super();
    const bucketName = options.bucketName ?? 'responses';
    this.opts = { dialect: 'gridfs', url: options.url };
    this.#client = new options.driver.MongoClient(options.url, options.clientOptions);
    const db = this.#client.db(options.database);
    const bucketOptions: { bucketName: string; chunkSizeBytes?: number } = { bucketName };
    if (options.chunkSizeBytes !== undefined) bucketOptions.chunkSizeBytes = options.chunkSizeBytes;
    this.#bucket = new options.driver.GridFSBucket(db, bucketOptions);
    this.#files = db.collection(`${bucketName}.files`);
    this.#chunks = db.collection(`${bucketName}.chunks`);
    this.#redirects = db.collection(options.redirectsCollection ?? 'redirects');
  }

  async get(key: string): Promise<string | undefined> {
    await this.#ensureIndex();
    const [file, redirect] = await Promise.all([
      this.#files.findOne({ filename: key }, { sort: NEWEST_FIRST }),
      this.#redirects.findOne({ key }),
    ]);
    if (file !== null) {
      const text = await this.#download(file);
      if (text !== undefined) return text;
    }
    return typeof redirect?.['value'] === 'string' ? redirect['value'] : undefined;
  }

  async set(key: string, raw: unknown): Promise<void> {
    if (typeof raw !== 'string') throw new TypeError(`expected Keyv's JSON text, got ${typeof raw}`);
    const expires = parseExpires(raw);
    if (isAliasRecord(raw)) {
      await this.#ensureIndex();
      await this.#redirects.replaceOne({ key }, { key, value: raw, expires }, { upsert: true });
      await this.#removeFiles(key, 0);
      return;
    }
    const upload = this.#bucket.openUploadStream(key, { metadata: { expires } });
    await new Promise<void>((resolve, reject) => {
      upload.once('finish', () => resolve());
      upload.once('error', reject);
      upload.end(Buffer.from(raw, 'utf8'));
    });
    // Older revisions go once the new one is whole (concurrent writers agree on which one is newest).
    await Promise.all([this.#removeFiles(key, 1), this.#redirects.deleteOne({ key })]);
  }

  async delete(key: string): Promise<boolean> {
    const files = await this.#removeFiles(key, 0);
    const { deletedCount = 0 } = await this.#redirects.deleteOne({ key });
    return files + deletedCount > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    if (keys.length === 0) return false;
    let deleted = 0;
    for await (const file of this.#files.find({ filename: { $in: keys } }, { projection: { _id: 1 } })) {
      deleted += await this.#deleteFile(file['_id']);
    }
    const { deletedCount = 0 } = await this.#redirects.deleteMany({ key: { $in: keys } });
    return deleted + deletedCount > 0;
  }

  async has(key: string): Promise<boolean> {
    const file = await this.#files.findOne({ filename: key }, { sort: NEWEST_FIRST });
    const now = Date.now();
    if (file !== null) {
      const expires = (file['metadata'] as { expires?: unknown } | undefined)?.expires;
      return !(typeof expires === 'number' && expires < now);
    }
    const redirect = await this.#redirects.findOne({ key });
    return (
      typeof redirect?.['value'] === 'string' && !isExpiredRecord(parseKeyvRecord(redirect['value']), now)
    );
  }

  async getMany(keys: string[]): Promise<Array<string | undefined>> {
    return Promise.all(keys.map((key) => this.get(key)));
  }

  /** The newest revision of every file, then the redirect aliases. Chunks are fetched for many files at once. */
  async *iterator(_namespace?: string): AsyncGenerator<[string, string]> {
    let previous: string | undefined;
    let group: Array<Record<string, unknown>> = [];
    let groupBytes = 0;
    const files = this.#files.find({}, { sort: { filename: 1, ...NEWEST_FIRST } });
    for await (const file of files) {
      const key = file['filename'];
      if (typeof key !== 'string' || key === previous) continue;
      previous = key;
      group.push(file);
      groupBytes += Number(file['length']) || 0;
      if (group.length >= ITERATION_GROUP || groupBytes >= ITERATION_GROUP_BYTES) {
        yield* await this.#downloadGroup(group);
        group = [];
        groupBytes = 0;
      }
    }
    if (group.length > 0) yield* await this.#downloadGroup(group);
    for await (const redirect of this.#redirects.find({})) {
      if (typeof redirect['key'] === 'string' && typeof redirect['value'] === 'string')
        yield [redirect['key'], redirect['value']];
    }
  }

  async #downloadGroup(files: Array<Record<string, unknown>>): Promise<Array<[string, string]>> {
    const parts = new Map<unknown, Uint8Array[]>();
    const ids = files.map((file) => file['_id']);
    const chunks = this.#chunks.find(
      { files_id: { $in: ids } },
      { sort: { files_id: 1, n: 1 }, batchSize: CHUNK_BATCH },
    );
    for await (const chunk of chunks) {
      const id = String(chunk['files_id']);
      const list = parts.get(id) ?? [];
      if (list.length === 0) parts.set(id, list);
      list.push(chunkBytes(chunk));
    }
    const out: Array<[string, string]> = [];
    for (const file of files) {
      const bytes = Buffer.concat(parts.get(String(file['_id'])) ?? []);
      if (bytes.byteLength === Number(file['length']))
        out.push([file['filename'] as string, bytes.toString('utf8')]);
    }
    return out;
  }

  async clear(): Promise<void> {
    await this.#files.deleteMany({});
    await this.#chunks.deleteMany({});
    await this.#redirects.deleteMany({});
  }

  async disconnect(): Promise<void> {
    await this.#client.close();
  }

  /** The unique index of redirect keys, made once (the bucket makes its own on the first upload). */
  #ensureIndex(): Promise<void> {
    this.#indexed ??= this.#redirects.createIndex({ key: 1 }, { unique: true }).then(
      () => undefined,
      (error: unknown) => {
        this.#indexed = undefined;
        throw error;
      },
    );
    return this.#indexed;
  }

  /** A file's bytes as text, or undefined when it went away (deleted by a newer revision) while read. */
  async #download(file: Record<string, unknown>): Promise<string | undefined> {
    const chunks = await this.#chunks
      .find({ files_id: file['_id'] }, { sort: { n: 1 }, batchSize: CHUNK_BATCH })
      .toArray();
    const bytes = Buffer.concat(chunks.map(chunkBytes));
    if (bytes.byteLength !== Number(file['length'])) return undefined;
    return bytes.toString('utf8');
  }

  /** Deletes the revisions of a key's file, keeping the `keep` newest. Returns how many were deleted. */
  async #removeFiles(key: string, keep: number): Promise<number> {
    const files = await this.#files
      .find({ filename: key }, { sort: NEWEST_FIRST, projection: { _id: 1 } })
      .toArray();
    let deleted = 0;
    for (const file of files.slice(keep)) deleted += await this.#deleteFile(file['_id']);
    return deleted;
  }

  async #deleteFile(id: unknown): Promise<number> {
    try {
      await this.#bucket.delete(id);
      return 1;
    } catch (error) {
      // Deleted by another writer meanwhile.
      if ((error as { name?: string }).name === 'MongoRuntimeError' || /not found/i.test(String(error)))
        return 0;
      throw error;
    }
  }
}

function chunkBytes(chunk: Record<string, unknown>): Uint8Array {
  const data = chunk['data'] as { buffer?: Uint8Array } | Uint8Array | undefined;
  return data instanceof Uint8Array ? data : (data?.buffer ?? new Uint8Array());
}

function parseExpires(raw: string): number | null {
  // Only the small alias records are parsed whole; entries give their TTL from the record's tail.
  const match = /,"expires":(\d+)}$/.exec(raw.slice(-40));
  return match === null ? null : Number(match[1]);
}
